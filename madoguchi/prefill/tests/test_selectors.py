"""What the printed forms read from the visit: their order is the route's in catalogue order."""

import pytest

from madoguchi.prefill.selectors import visit_procedure_codes
from madoguchi.reception import selectors as reception_selectors
from madoguchi.reception import services

pytestmark = pytest.mark.django_db


def test_the_order_of_the_printed_forms_never_reads_the_live_queues(site, monkeypatch):
    visit = services.visit_register(site=site, procedure_codes=["kosodate.child_allowance", "nhi.enroll",
                                                                "juki.move_in"])
    printed = visit_procedure_codes(visit)

    def live_queues(*args, **kwargs):
        raise AssertionError("the forms' order asked for the live queue waits")

    monkeypatch.setattr(reception_selectors, "expected_waits_by_code", live_queues)

    assert visit_procedure_codes(visit) == printed
    assert printed[0] == "juki.move_in"  # the resident record first: the others need it
    assert sorted(printed) == sorted(["kosodate.child_allowance", "nhi.enroll", "juki.move_in"])
