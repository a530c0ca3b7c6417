"""The feedback loop: a finding becomes an action item (what, owner department, due, status), and once
recorded as an insights intervention its effect is measured before and after."""

from datetime import date

import pytest

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.catalog.models import Department
from madoguchi.core.roles import Role
from madoguchi.insights.models import Intervention
from madoguchi.surveys.models import ActionItem

URL = "/staff/insights/survey/actions/"


@pytest.fixture
def supervisor(client, starter_catalog):
    user = UserFactory(role=Role.SUPERVISOR)
    client.force_login(user)
    return user


def test_a_finding_becomes_an_action_item_and_its_status_moves(client, supervisor):
    koseki = Department.objects.get(code="koseki")
    added = client.post(URL, {"finding": "70代以上の書かない窓口の認知率が低い",
                              "action": "受付で書かない窓口を案内する",
                              "department": koseki.pk, "due": "2026-12-25"})
    assert added.status_code == 302
    item = ActionItem.objects.get()
    assert (item.department, item.due, item.status) == (koseki, date(2026, 12, 25), "planned")
    client.post(URL, {"item": item.pk, "status": "in_progress"})
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert Event.objects.filter(action="surveys.action_changed").exists()
    assert "受付で書かない窓口を案内する" in client.get(URL).content.decode()


def test_an_action_item_without_a_due_date_is_refused_at_the_field(client, supervisor):
    page = client.post(URL, {"finding": "x", "action": "y", "department": Department.objects.first().pk})
    assert page.status_code == 200 and "field--error" in page.content.decode()
    assert not ActionItem.objects.exists()


def test_recorded_as_an_intervention_the_action_links_to_its_before_and_after(client, supervisor):
    koseki = Department.objects.get(code="koseki")
    client.post(URL, {"finding": "予約の認知が低い", "action": "ポスター掲示", "department": koseki.pk,
                      "due": "2026-12-01"})
    item = ActionItem.objects.get()
    form = client.get(f"/staff/insights/interventions/?action_item={item.pk}").content.decode()
    assert "ポスター掲示" in form and f'value="{item.pk}"' in form
    recorded = client.post("/staff/insights/interventions/", {
        "day": "2026-11-01", "title": "ポスター掲示", "description": "予約の認知が低い", "service": "appointment",
        "action_item": item.pk})
    assert recorded.status_code == 302
    item.refresh_from_db()
    assert item.intervention_id == Intervention.objects.get().pk
    assert f"/staff/insights/interventions/{item.intervention_id}/" in client.get(URL).content.decode()


def test_analysts_read_the_action_items_but_do_not_change_them(client, starter_catalog):
    client.force_login(UserFactory(role=Role.ANALYST))
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"item": 1, "status": "done"}).status_code == 403
