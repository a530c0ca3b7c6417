"""Closing the day (日計・精算) to the yen: expected cash against the drawer counted by denomination,
the variance and its reason; cashless against the terminal's settlement report, unmatched rows on
both sides listed; the export per revenue item (歳入科目), day and register."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core.roles import Role
from madoguchi.payments import closing, selectors, services
from madoguchi.payments.models import Payment
from madoguchi.payments.services import ChargeItem
from madoguchi.reception import services as reception

from .factories import charge, visit_at_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(role=Role.SUPERVISOR)


@pytest.fixture
def day_of_payments(starter_catalog, settings):
    """At koseki-cert desk 1 (change fund 30,000): cash 600, card 300, QR 300, a voided cash 300, an
    exempt 0, and a card 300 that a test may move three days back to refund it today."""
    settings.PAYMENT_REGISTER_FLOAT_YEN = 30000
    paid = {}
    for name, procedures, items, method in [
        ("cash", ["cert.juminhyo"], [("juminhyo", 2)], "cash"),
        ("card", ["cert.tax"], [("tax", 1)], "card"),
        ("voided", ["cert.seal"], [("seal", 1)], "cash"),
        ("exempt", ["cert.juminhyo"], [ChargeItem("juminhyo", 1, "pension_claim")], "cash"),
        ("old_card", ["cert.seal"], [("seal", 1)], "card"),
        ("qr", ["cert.tax"], [("tax", 1)], "qr"),
    ]:
        visit, step, register, clerk = visit_at_desk(procedures)
        paid[name] = charge(visit, register, clerk, items, method=method, step=step).payment
        reception.step_complete(step=step, clerk=clerk)
    services.payment_void(payment=paid["voided"], actor=paid["voided"].clerk, reason="取り違え")
    return paid


def make_old(payment: Payment, terminal, days=3) -> None:
    earlier = timezone.localdate() - timedelta(days=days)
    Payment.objects.filter(pk=payment.pk).update(service_date=earlier)
    terminal.backdate(key=payment.idempotency_key, day=earlier)
    payment.refresh_from_db()


def test_the_close_counts_the_cash_and_reconciles_the_terminal(day_of_payments, simulated_terminal, supervisor):
    register = day_of_payments["cash"].register
    make_old(day_of_payments["old_card"], simulated_terminal)
    refund = services.payment_refund(payment=day_of_payments["old_card"], actor=supervisor, reason="不要",
                                     register=register)
    today = timezone.localdate()
    # The terminal's report, with one sale it knows and we do not, and without our QR sale.
    report = simulated_terminal.settlement_report(day=today)
    qr = day_of_payments["qr"].transaction_id
    report = "\n".join(line for line in report.splitlines() if not line.startswith(qr))
    report += f"\nT-UNKNOWN-1,{register.terminal_id},{today.isoformat()}T15:00:00+09:00,emoney,1000,sale\n"
    # …and one from a terminal no register uses: listed on every register's close, never lost.
    report += f"T-ELSEWHERE-1,old-terminal-9,{today.isoformat()}T15:30:00+09:00,qr,450,sale\n"
    closing.settlement_import(day=today, text=report, source="acquirer.csv", actor=supervisor)

    figures = selectors.close_figures(register=register, day=today)
    by_method = {m.method: (m.count, m.amount_yen, m.refunded_yen) for m in figures.methods}
    assert by_method == {"cash": (2, 600, 0), "card": (1, 300, 300), "emoney": (0, 0, 0), "qr": (1, 300, 0)}
    assert figures.expected_cash_yen == 30000 + 600
    assert [p.pk for p in figures.voided] == [day_of_payments["voided"].pk]
    r = figures.reconciliation
    assert {e.transaction_id for e, _ in r.matched} == {day_of_payments["card"].transaction_id,
                                                       refund.transaction_id}
    assert [e.transaction_id for e in r.only_ours] == [qr]
    assert [line.transaction_id for line in r.only_terminal] == ["T-UNKNOWN-1"]
    assert [(row.transaction_id, row.terminal_id) for row in figures.unknown_terminal] == [
        ("T-ELSEWHERE-1", "old-terminal-9")]

    # The drawer is 10 yen short: the close needs a reason, then records the variance.
    counts = {10000: 3, 500: 1, 50: 1, 10: 4}  # 30,590
    with pytest.raises(ValidationError) as refused:
        closing.register_close(register=register, day=today, counts=counts, variance_reason="", actor=supervisor)
    assert list(refused.value.message_dict) == ["variance_reason"]
    close = closing.register_close(register=register, day=today, counts=counts,
                                   variance_reason="釣銭の渡し過ぎ（10円）", actor=supervisor)
    assert (close.expected_cash_yen, close.counted_cash_yen, close.variance_yen) == (30600, 30590, -10)
    assert close.cashless["only_ours"] == [qr] and close.cashless["only_terminal"] == ["T-UNKNOWN-1"]
    assert close.cashless["unmatched"] == 2
    assert close.cashless["unknown_terminal"] == ["T-ELSEWHERE-1"]
    event = Event.objects.get(action="payment.day_closed")
    assert (event.details["variance_yen"], event.details["reason"]) == (-10, "釣銭の渡し過ぎ（10円）")


def test_a_balanced_close_needs_no_reason(day_of_payments, supervisor):
    register = day_of_payments["cash"].register
    close = closing.register_close(register=register, day=timezone.localdate(),
                                   counts={10000: 3, 500: 1, 100: 1}, variance_reason="", actor=supervisor)
    assert close.variance_yen == 0 and close.cashless == {"imported": False}


def test_a_close_is_marked_outdated_when_the_day_changes_after_it(day_of_payments, supervisor, simulated_terminal):
    register = day_of_payments["cash"].register
    today = timezone.localdate()
    closing.register_close(register=register, day=today, counts={10000: 3, 500: 1, 100: 1}, variance_reason="",
                           actor=supervisor)
    assert not selectors.close_figures(register=register, day=today).close_outdated

    # A void after the close: 600 yen less in the drawer than the close says.
    services.payment_void(payment=day_of_payments["cash"], actor=supervisor, reason="二重交付")
    assert selectors.close_figures(register=register, day=today).close_outdated
    closing.register_close(register=register, day=today, counts={10000: 3}, variance_reason="",
                           actor=supervisor)
    assert not selectors.close_figures(register=register, day=today).close_outdated

    # The terminal's report imported after the close changes the cashless side.
    closing.settlement_import(day=today, text=simulated_terminal.settlement_report(day=today), source="t.csv",
                              actor=supervisor)
    assert selectors.close_figures(register=register, day=today).close_outdated


def test_a_settlement_file_with_a_bad_line_is_refused_whole(starter_catalog, supervisor):
    today = timezone.localdate()
    text = ("transaction_id,terminal_id,datetime,method,amount_yen,kind\n"
            f"T1,d,{today.isoformat()}T10:00:00+09:00,card,450,sale\n"
            f"T2,d,{today.isoformat()}T10:00:00+09:00,card,abc,sale\n"
            f"T3,d,{(today - timedelta(days=1)).isoformat()}T10:00:00+09:00,card,300,sale\n")
    with pytest.raises(ValidationError) as refused:
        closing.settlement_import(day=today, text=text, source="x.csv", actor=supervisor)
    assert "3" in refused.value.text() and list(refused.value.message_dict) == ["file"]
    assert not selectors.settlement_imported(today)


def test_the_accounting_export_books_each_revenue_item_per_register(day_of_payments, simulated_terminal,
                                                                    supervisor):
    register = day_of_payments["cash"].register
    make_old(day_of_payments["old_card"], simulated_terminal)
    services.payment_refund(payment=day_of_payments["old_card"], actor=supervisor, reason="不要", register=register)
    client = Client()
    client.force_login(supervisor)

    response = client.get(f"/staff/cashier/export.csv?date={timezone.localdate():%Y-%m-%d}")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日付", "レジ", "歳入科目コード", "歳入科目"]
    table = {(r[1], r[2]): r[4:] for r in rows[1:]}
    assert table == {
        (register.code, "13-02-01-01"): ["2", "1", "600", "0", "0", "600"],  # 住民票: 2 copies cash, 1 exempt
        (register.code, "13-02-01-03"): ["0", "0", "0", "0", "300", "-300"],  # 印鑑: the refund (voided one gone)
        (register.code, "13-02-01-04"): ["2", "0", "0", "600", "0", "600"],  # 税務: card 300 + QR 300
    }
