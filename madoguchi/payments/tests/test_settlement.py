"""The terminal's settlement report: read strictly (every bad line named), matched by transaction id."""

from datetime import datetime

import pytest

from madoguchi.payments.settlement import Expected, SettlementInvalid, parse_settlement_csv, reconcile

GOOD = """\ufefftransaction_id,terminal_id,datetime,method,amount_yen,kind,extra
T1,koseki-cert-1,2026-11-26T10:00:00+09:00,card,450,sale,x
T2,koseki-cert-1,2026-11-26T10:05:00+09:00,qr,300,sale,
T0-R,koseki-cert-1,2026-11-26T11:00:00+09:00,emoney,-750,refund,
"""


def test_a_report_is_read_with_a_byte_order_mark_and_extra_columns():
    lines = parse_settlement_csv(GOOD)
    assert [(line.transaction_id, line.method, line.amount_yen, line.kind, line.line) for line in lines] == [
        ("T1", "card", 450, "sale", 2), ("T2", "qr", 300, "sale", 3), ("T0-R", "emoney", -750, "refund", 4)]
    assert lines[0].at == datetime.fromisoformat("2026-11-26T10:00:00+09:00")


def test_every_bad_line_is_named_with_its_column():
    text = ("transaction_id,terminal_id,datetime,method,amount_yen,kind\n"
            "T1,t,2026-11-26T10:00:00,cash,450,sale\n"
            "T1,t,yesterday,card,4.5,sale\n"
            ",t,2026-11-26T10:00:00,card,-10,sale\n")
    with pytest.raises(SettlementInvalid) as refused:
        parse_settlement_csv(text)
    assert [(p.line, p.column, p.kind) for p in refused.value.problems] == [
        (2, "method", "unknown_method"), (3, "transaction_id", "duplicate"), (3, "datetime", "not_a_datetime"),
        (3, "amount_yen", "not_whole_yen"), (4, "transaction_id", "required"), (4, "amount_yen", "sign")]


def test_a_missing_column_refuses_the_file():
    with pytest.raises(SettlementInvalid) as refused:
        parse_settlement_csv("transaction_id,amount_yen\nT1,100\n")
    assert {p.column for p in refused.value.problems} == {"terminal_id", "datetime", "method", "kind"}


def test_reconciliation_lists_what_is_unmatched_on_either_side_and_differing_amounts():
    lines = parse_settlement_csv(GOOD)
    ours = [Expected("T1", "card", 450, "R1"), Expected("T2", "qr", 350, "R2"), Expected("T9", "card", 300, "R9")]

    result = reconcile(ours, lines)

    assert [e.transaction_id for e, _ in result.matched] == ["T1"]
    assert [(e.transaction_id, s.amount_yen) for e, s in result.amount_differs] == [("T2", 300)]
    assert [e.reference for e in result.only_ours] == ["R9"]
    assert [s.transaction_id for s in result.only_terminal] == ["T0-R"]
    assert not result.balanced
    assert result.expected_by_method() == {"card": 750, "emoney": 0, "qr": 350}
    assert result.settled_by_method() == {"card": 450, "emoney": -750, "qr": 300}


def test_a_file_that_is_not_csv_is_refused_not_crashed_on():
    with pytest.raises(SettlementInvalid) as refused:
        parse_settlement_csv("transaction_id,terminal_id,datetime,method,amount_yen,kind\n\"" + "x" * 200_000 + "\"\n")
    assert [p.kind for p in refused.value.problems] == ["unreadable"]
