"""The payment panel in Debian's Chromium, by keyboard alone, and every new page checked with axe-core
(WCAG 2.1 AA): the console with its panel, the visit's fee page, the day's payments, the close, the
refund and the simulated terminal's control."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.payments import closing, services
from madoguchi.payments.models import Payment

from .factories import charge, visit_at_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def tab_to(page, selector: str, limit: int = 80) -> None:
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} not reached by keyboard")


def test_a_clerk_takes_a_fee_by_keyboard_alone(page, live_server, axe, starter_catalog):
    _visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"])
    sign_in(page, live_server, clerk)
    page.goto("/staff/counters/koseki-cert/")
    page.wait_for_selector("#payment-form")
    axe(page)

    # Two copies of the residence certificate: the arrow key raises the copies from 1.
    tab_to(page, "#qty-juminhyo")
    page.keyboard.press("ArrowUp")
    tab_to(page, "#id_tendered_yen")
    page.keyboard.type("1000")
    page.keyboard.press("Tab")  # leaving the field updates the total and the change
    expect(page.locator("#payment-change")).to_contain_text("100")
    assert "900" in page.locator("#payment-total").inner_text()
    tab_to(page, "#charge-button")
    page.keyboard.press("Enter")

    outcome = page.wait_for_selector("#payment-outcome")
    payment = Payment.objects.get()
    assert (payment.status, payment.total_yen, payment.change_yen) == ("paid", 900, 100)
    assert payment.receipt_number in outcome.inner_text()
    assert page.evaluate("document.activeElement.id") == "payment-outcome"  # announced and focused
    axe(page)

    # The receipt link is reached by keyboard and gives the PDF.
    tab_to(page, "#receipt-link")
    href = page.locator("#receipt-link").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def test_a_declined_card_then_another_method_by_keyboard(page, live_server, axe, starter_catalog,
                                                         simulated_terminal):
    _visit, _step, _register, clerk = visit_at_desk(["cert.tax"])
    simulated_terminal.script(["decline"])
    sign_in(page, live_server, clerk)
    page.goto("/staff/counters/koseki-cert/")
    page.wait_for_selector("#payment-form")

    tab_to(page, "#payment-form input[name=method]:checked")
    page.keyboard.press("ArrowRight")  # cash → card
    assert page.locator("#payment-form input[name=method]:checked").get_attribute("value") == "card"
    tab_to(page, "#charge-button")
    page.keyboard.press("Enter")
    outcome = page.wait_for_selector("#payment-outcome.alert--error")
    assert "承認" in outcome.inner_text()
    axe(page)

    # A new key was issued with the refreshed form: the next try is a new charge, paid by QR.
    tab_to(page, "#payment-form input[name=method]:checked")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("#payment-form input[name=method]:checked").get_attribute("value") == "qr"
    tab_to(page, "#charge-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#payment-outcome.alert--success")
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["declined", "paid"]


def test_a_card_payment_waits_for_the_terminal_on_screen_not_in_the_server(page, live_server, axe, starter_catalog,
                                                                         simulated_terminal):
    """The resident takes a while at the terminal: the panel says so at once (the request did not wait),
    then shows the answer by itself, keeping the focus on the message."""
    _visit, _step, _register, clerk = visit_at_desk(["cert.tax"])
    simulated_terminal.hold()
    sign_in(page, live_server, clerk)
    page.goto("/staff/counters/koseki-cert/")
    page.wait_for_selector("#payment-form")
    tab_to(page, "#payment-form input[name=method]:checked")
    page.keyboard.press("ArrowRight")  # cash → card
    tab_to(page, "#charge-button")
    page.keyboard.press("Enter")

    waiting = page.wait_for_selector("#payment-outcome.alert--info")
    assert "決済端末" in waiting.inner_text() and page.locator("#payment-form").count() == 0
    assert Payment.objects.get().status == "pending"
    assert page.evaluate("document.activeElement.id") == "payment-outcome"
    axe(page)

    simulated_terminal.release()
    paid = page.wait_for_selector("#payment-outcome.alert--success", timeout=15_000)
    payment = Payment.objects.get()
    assert payment.status == "paid" and payment.receipt_number in paid.inner_text()
    assert page.evaluate("document.activeElement.id") == "payment-outcome"
    assert len(simulated_terminal.charges()) == 1


def test_the_terminals_answer_does_not_take_the_focus_from_what_the_clerk_types(page, live_server,
                                                                              starter_catalog, simulated_terminal):
    """While the resident taps, the clerk writes the hand-off memo: the answer arrives and is announced
    (role=status) without moving the focus or losing a keystroke."""
    _visit, _step, _register, clerk = visit_at_desk(["cert.tax"])
    simulated_terminal.hold()
    sign_in(page, live_server, clerk)
    page.goto("/staff/counters/koseki-cert/")
    page.wait_for_selector("#payment-form")
    page.check("#payment-form input[name=method][value=card]")
    page.click("#charge-button")
    page.wait_for_selector("#payment-outcome.alert--info")
    memo = page.locator(".complete-form textarea, .complete-form input[type=text]").first
    memo.focus()
    page.keyboard.type("copy 1 ")

    simulated_terminal.release()
    # Settled: htmx has taken its "added" mark off the new panel, the moment it would move the focus.
    page.wait_for_selector("#payment-panel:not(.htmx-added) #payment-outcome.alert--success", timeout=15_000)
    page.keyboard.type("issued")  # key by key, as a clerk types (not inserted text)
    assert memo.evaluate("element => element === document.activeElement")
    assert memo.input_value() == "copy 1 issued"


def test_the_supervisors_payment_pages_are_accessible(page, live_server, axe, starter_catalog, simulated_terminal):
    visit, step, register, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"])
    cash = charge(visit, register, clerk, [("juminhyo", 1)], step=step).payment
    card = charge(visit, register, clerk, [("tax", 1)], method="card", step=step).payment
    earlier = timezone.localdate() - timedelta(days=2)
    Payment.objects.filter(pk=card.pk).update(service_date=earlier)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    today = timezone.localdate()
    closing.settlement_import(day=today, text=simulated_terminal.settlement_report(day=today) +
                              f"T-X,{register.terminal_id},{today}T12:00:00+09:00,qr,700,sale\n"
                              f"T-Y,old-terminal-9,{today}T12:30:00+09:00,card,300,sale\n",
                              source="t.csv", actor=supervisor)
    sign_in(page, live_server, supervisor)

    page.goto(f"/staff/payments/?date={today}")
    assert cash.receipt_number in page.inner_text("main")
    axe(page)
    page.goto(f"/staff/cashier/close/?date={today}&register={register.code}")
    assert page.locator("#only-terminal").count() == 1 and page.locator("#unknown-terminal").count() == 1
    axe(page)
    # The close by keyboard: the first denomination, then the reason, then close.
    tab_to(page, "#id_count_10000")
    page.keyboard.type("3")
    tab_to(page, "#id_variance_reason")
    page.keyboard.type("釣銭の確認漏れ")
    page.keyboard.press("Enter")
    page.wait_for_selector("#close-result")
    axe(page)
    page.goto(f"/staff/payments/{card.pk}/refund")
    axe(page)
    page.goto("/staff/payments/terminal/")
    axe(page)
    page.goto(f"/staff/payments/visits/{visit.pk}/")
    assert re.search(r"受付番号 .* の手数料", page.inner_text("h1"))
    axe(page)
    services.payment_void(payment=cash, actor=clerk, reason="取消")
    page.goto(f"/staff/payments/{cash.pk}/receipt.pdf")  # a voided payment has no receipt: the page says why
    assert page.locator("[role=alert]").count() == 1
    axe(page)
