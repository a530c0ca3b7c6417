"""Pricing, change and the drawer count: pure functions, every amount whole yen."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.payments import fees
from madoguchi.payments.fees import ExemptionRow, FeeRow, PricingRefused, Requested

FEES = {
    "koseki.full": FeeRow("koseki.full", "cert.koseki", 450, "13-02-01-02"),
    "koseki.removed": FeeRow("koseki.removed", "cert.koseki", 750, "13-02-01-02"),
    "juminhyo": FeeRow("juminhyo", "cert.juminhyo", 300, "13-02-01-01"),
}
EXEMPTIONS = {
    "public_request": ExemptionRow("public_request", note_required=True),
    "pension_claim": ExemptionRow("pension_claim", note_required=False, fee_items=frozenset({"juminhyo"})),
}


def kinds(requested) -> list[tuple[str, str]]:
    with pytest.raises(PricingRefused) as refused:
        fees.price(requested, FEES, EXEMPTIONS)
    return [(p.field, p.kind) for p in refused.value.problems]


def test_a_line_is_unit_times_copies_and_the_total_their_sum():
    lines, total = fees.price([Requested("koseki.full", 2), Requested("koseki.removed", 1)], FEES, EXEMPTIONS)
    assert [(line.fee_item, line.amount_yen) for line in lines] == [("koseki.full", 900), ("koseki.removed", 750)]
    assert total == 1650


def test_an_exempt_line_is_zero_and_keeps_its_note():
    lines, total = fees.price([Requested("juminhyo", 3, "public_request", " 年金事務所 第7号 ")], FEES, EXEMPTIONS)
    assert (lines[0].amount_yen, lines[0].note, total) == (0, "年金事務所 第7号", 0)


def test_a_note_is_dropped_from_a_line_without_exemption():
    lines, _ = fees.price([Requested("juminhyo", 1, "", "stray")], FEES, EXEMPTIONS)
    assert lines[0].note == ""


def test_every_problem_is_reported_with_its_place():
    assert kinds([]) == [("items", "empty")]
    assert kinds([Requested("nope", 1), Requested("juminhyo", 0), Requested("juminhyo", 1),
                  Requested("juminhyo", 1), Requested("koseki.full", 1, "pension_claim"),
                  Requested("koseki.removed", 1, "public_request"), Requested("koseki.full", 1, "free")]) == [
        ("items[0].fee_item", "unknown_fee_item"), ("items[1].quantity", "quantity"),
        ("items[2].fee_item", "duplicate"), ("items[3].fee_item", "duplicate"),
        ("items[4].exemption", "exemption_not_for_item"), ("items[5].note", "note_required"),
        ("items[6].fee_item", "duplicate")]


@given(st.lists(st.tuples(st.sampled_from(sorted(FEES)), st.integers(1, 99), st.booleans()),
                min_size=1, max_size=3, unique_by=lambda t: t[0]))
def test_the_total_is_always_the_unexempted_fees_times_copies(rows):
    requested = [Requested(code, n, "public_request" if exempt else "", "note" if exempt else "")
                 for code, n, exempt in rows]
    lines, total = fees.price(requested, FEES, EXEMPTIONS)
    assert total == sum(FEES[code].amount_yen * n for code, n, exempt in rows if not exempt)
    assert all(line.amount_yen >= 0 for line in lines)


def test_change_and_too_little_cash():
    assert fees.change_due(1650, 2000) == 350
    assert fees.change_due(300, 300) == 0
    with pytest.raises(ValueError):
        fees.change_due(1650, 1000)


def test_a_drawer_is_counted_by_denomination():
    assert fees.counted_cash({10000: 3, 1000: 2, 500: 1, 100: 4, 10: 5, 1: 2}) == 32952
    with pytest.raises(ValueError):
        fees.counted_cash({3000: 1})
    with pytest.raises(ValueError):
        fees.counted_cash({100: -1})
