"""`make run`'s demo data for the back office (DEMO=1): staff, their DX records and the help desk's
consultations, idempotent; and the dashboard's tables exported with the page's figures."""

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.dxdesk.models import Consultation
from madoguchi.talent.models import SkillAssessment, StaffMember
from madoguchi.talent.tests.factories import load_framework

pytestmark = pytest.mark.django_db


def _demo():
    for command in ("demo_staff", "demo_talent", "demo_dxdesk"):
        call_command(command, verbosity=0)


def test_the_demo_populates_the_back_office_a_second_run_changes_nothing_and_it_exports(starter_catalog):
    load_framework()
    _demo()
    counts = (StaffMember.objects.count(), SkillAssessment.objects.count(), Consultation.objects.count())
    assert counts[0] >= 200 and counts[1] > 0 and counts[2] >= 24

    _demo()

    assert (StaffMember.objects.count(), SkillAssessment.objects.count(), Consultation.objects.count()) == counts

    # The dashboard's tables export as CSV and XLSX with the page's figures.
    client = Client()
    client.force_login(UserFactory(role="dx_desk"))

    csv_response = client.get("/staff/dx/dashboard/?export=by_section&format=csv")
    xlsx_response = client.get("/staff/dx/dashboard/?export=by_section&format=xlsx")

    assert csv_response.status_code == xlsx_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet = [["" if v is None else str(v) for v in row]
             for row in load_workbook(io.BytesIO(xlsx_response.content)).active.iter_rows(values_only=True)]
    assert len(rows) == len(sheet) and [r[:3] for r in rows] == [r[:3] for r in sheet]  # hours: XLSX keeps numbers
    totals = {row[0]: int(row[2]) for row in rows[1:]}
    counter, other = totals["窓口所属の合計"], totals["その他の所属の合計"]
    assert counter + other == Consultation.objects.count()
