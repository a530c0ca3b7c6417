"""The pages: the panel the console loads, charging and voiding from it, the receipt, the close with
its settlement upload, and who may open what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core import background
from madoguchi.core.roles import Role
from madoguchi.payments import services
from madoguchi.payments.models import DayClose, Payment
from madoguchi.payments.terminals import TerminalTimeout, register
from madoguchi.payments.terminals.simulated import SimulatedTerminal

from .factories import charge, clerk_at, visit_at_desk

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx(client: Client) -> Client:
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


def test_the_console_loads_the_panel_of_the_visit_at_the_desk(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo"])
    client = logged_in(clerk)

    console = client.get("/staff/counters/koseki-cert/").content.decode()
    assert f'hx-get="/staff/payments/visits/{visit.pk}/"' in console

    panel = htmx(client).get(f"/staff/payments/visits/{visit.pk}/").content.decode()
    assert 'id="payment-form"' in panel and 'name="qty-juminhyo" value="1"' in panel
    assert "<html" not in panel  # a partial for htmx


def test_a_visit_without_fees_gets_an_empty_panel(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["juki.move_in"], counter="koseki-move")
    panel = htmx(logged_in(clerk)).get(f"/staff/payments/visits/{visit.pk}/").content.decode()
    assert panel.strip() == '<div id="payment-panel"></div>'


def test_at_the_certificates_desk_a_cashier_paid_fee_is_shown_as_paid_at_the_cashier(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.koseki", "cert.juminhyo"])
    panel = htmx(logged_in(clerk)).get(f"/staff/payments/visits/{visit.pk}/").content.decode()
    assert 'name="qty-juminhyo"' in panel and 'name="qty-koseki.full"' not in panel
    assert "payment-panel" in panel and "muted" in panel


@pytest.mark.django_db(transaction=True)  # the terminal is asked on its own thread, after the commit
def test_the_cashier_takes_the_fees_the_catalogue_sends_there(starter_catalog, simulated_terminal):
    from madoguchi.reception import services as reception

    simulated_terminal.hold()  # the resident is still looking for the card

    visit, step, _register, clerk = visit_at_desk(["cert.koseki", "cert.juminhyo"])
    client = htmx(logged_in(clerk))
    client.post(f"/staff/payments/visits/{visit.pk}/charge", {
        "qty-juminhyo": "1", "method": "cash", "tendered_yen": "300", "idempotency_key": "k" * 16})
    reception.step_complete(step=step, clerk=clerk)
    cashier_step = visit.steps.get(counter__code="kaikei")
    assert cashier_step.status == "queued"
    cashier = clerk_at("kaikei")
    reception.step_call_next(counter=cashier_step.counter, clerk=cashier, desk=1)
    panel = htmx(logged_in(cashier)).get(f"/staff/payments/visits/{visit.pk}/").content.decode()
    assert 'name="qty-koseki.full" value="1"' in panel and 'name="qty-koseki.removed" value="0"' in panel
    assert 'name="qty-juminhyo"' not in panel  # paid at the certificates desk

    response = htmx(logged_in(cashier)).post(f"/staff/payments/visits/{visit.pk}/charge", {
        "qty-koseki.full": "1", "qty-koseki.removed": "1", "qty-koseki.acceptance": "0",
        "method": "qr", "idempotency_key": "cashier-key-01"})
    # The answer does not wait for the resident at the terminal: the panel says so and polls.
    assert response.status_code == 200
    payment = Payment.objects.get(idempotency_key="cashier-key-01")
    waiting = response.content.decode()
    assert f'hx-get="/staff/payments/{payment.pk}/answer"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert 'id="payment-form"' not in waiting  # one charge at a time
    assert htmx(logged_in(cashier)).get(f"/staff/payments/{payment.pk}/answer").status_code == 204  # still tapping
    simulated_terminal.release()
    assert background.wait()
    payment.refresh_from_db()
    assert (payment.status, payment.total_yen, payment.register.code) == ("paid", 1200, "kaikei-1")
    received = Event.objects.get(action="payment.received", target_id=str(payment.pk))  # by the thread, for the clerk
    assert received.actor == cashier
    answered = htmx(logged_in(cashier)).get(f"/staff/payments/{payment.pk}/answer")
    assert (answered.status_code, answered["HX-Retarget"], answered["HX-Reswap"]) == (200, "#payment-panel",
                                                                                       "outerHTML")
    assert "receipt-link" in answered.content.decode() and "/answer" not in answered.content.decode()


@pytest.mark.django_db(transaction=True)
def test_without_script_a_card_charge_says_it_waits_and_the_fee_page_shows_the_answer(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.tax"])
    client = logged_in(clerk)
    response = client.post(f"/staff/payments/visits/{visit.pk}/charge", {
        "qty-tax": "1", "method": "card", "idempotency_key": "no-script-key-1"}, follow=True)
    assert response.redirect_chain == [(f"/staff/payments/visits/{visit.pk}/", 302)]
    assert "決済端末の応答を待っています。" in response.content.decode()
    assert background.wait()
    page = client.get(f"/staff/payments/visits/{visit.pk}/").content.decode()
    payment = Payment.objects.get()
    assert payment.status == "paid" and payment.receipt_number in page and "/answer" not in page


class OfflineTerminal(SimulatedTerminal):
    """The simulated device, its line cut after the charge: every status question times out."""

    def status(self, *, key):
        raise TerminalTimeout("offline")



class BrokenLineTerminal(SimulatedTerminal):
    """An adapter whose connection breaks with an error of its own, not TerminalTimeout."""

    def status(self, *, key):
        raise ConnectionResetError("line reset")

    def cancel(self, *, key):
        raise ConnectionResetError("line reset")



@pytest.fixture
def adapters():
    """The two broken devices, registered for the test (and only for it)."""
    from madoguchi.payments import terminals

    for name, cls in (("simulated-offline", OfflineTerminal), ("simulated-broken-line", BrokenLineTerminal)):
        register(name)(cls)
    yield
    for name in ("simulated-offline", "simulated-broken-line"):
        terminals._REGISTRY.pop(name, None)


def test_a_terminal_adapter_that_breaks_leaves_the_payment_pending_and_the_panel_working(starter_catalog,
                                                                                         simulated_terminal,
                                                                                         settings, adapters):
    visit, step, register_, clerk = visit_at_desk(["cert.tax"])
    simulated_terminal.script(["lost"])
    payment = charge(visit, register_, clerk, [("tax", 1)], method="card", step=step).payment
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(seconds=91))
    settings.PAYMENT_TERMINAL = {**settings.PAYMENT_TERMINAL, "backend": "simulated-broken-line"}
    client = htmx(logged_in(clerk))
    assert client.get(f"/staff/payments/visits/{visit.pk}/").status_code == 200
    assert client.get(f"/staff/payments/{payment.pk}/answer").status_code == 200
    assert client.post(f"/staff/payments/{payment.pk}/resolve").status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == "pending"  # unknown: never given up unburned


def test_the_panel_stops_waiting_when_the_terminal_cannot_answer_any_more(starter_catalog, simulated_terminal,
                                                                         settings, adapters):
    visit, step, register_, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"])
    simulated_terminal.script(["lost"])  # the request never reached the terminal
    lost = charge(visit, register_, clerk, [("tax", 1)], method="card", step=step).payment
    client = htmx(logged_in(clerk))
    assert lost.status == "pending" and client.get(f"/staff/payments/{lost.pk}/answer").status_code == 204

    # Past the terminal's timeout it is given up (the key burned first): the panel shows that, and stops polling.
    Payment.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(seconds=91))
    given_up = client.get(f"/staff/payments/{lost.pk}/answer")
    assert given_up["HX-Retarget"] == "#payment-panel" and "alert--error" in given_up.content.decode()
    assert "/answer" not in given_up.content.decode() and 'id="payment-form"' in given_up.content.decode()

    # A terminal that does not answer the status at all: the payment stays pending, but the desk is not
    # locked — past the timeout the form is back and the payment is listed with its button.
    settings.PAYMENT_TERMINAL = {**settings.PAYMENT_TERMINAL, "backend": "simulated-offline"}
    stuck = charge(visit, register_, clerk, [("juminhyo", 1)], method="card", step=step).payment
    Payment.objects.filter(pk=stuck.pk).update(status="pending", created_at=timezone.now() - timedelta(seconds=91))
    answered = client.get(f"/staff/payments/{stuck.pk}/answer").content.decode()
    assert Payment.objects.get(pk=stuck.pk).status == "pending"
    assert "/answer" not in answered and f"/staff/payments/{stuck.pk}/resolve" in answered
    assert "/answer" not in client.get(f"/staff/payments/visits/{visit.pk}/").content.decode()


def test_charging_from_the_panel_then_a_double_submit_charges_once(starter_catalog):
    visit, step, _register, clerk = visit_at_desk(["cert.juminhyo"])
    client = htmx(logged_in(clerk))
    form = {"qty-juminhyo": "2", "method": "cash", "tendered_yen": "1000", "addressee": "", "idempotency_key":
            "panel-key-0001"}

    first = client.post(f"/staff/payments/visits/{visit.pk}/charge", form)
    second = client.post(f"/staff/payments/visits/{visit.pk}/charge", form)

    assert first.status_code == second.status_code == 200
    assert Payment.objects.count() == 1
    assert 'id="payment-outcome"' in second.content.decode()
    payment = Payment.objects.get()
    assert (payment.total_yen, payment.change_yen, payment.step_id) == (600, 400, step.pk)


def test_a_bad_copy_count_is_shown_next_to_its_row(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo"])
    response = htmx(logged_in(clerk)).post(f"/staff/payments/visits/{visit.pk}/charge", {
        "qty-juminhyo": "abc", "method": "cash", "tendered_yen": "1000", "idempotency_key": "panel-key-0002"})
    body = response.content.decode()
    assert 'id="qty-juminhyo-error"' in body and 'aria-invalid="true"' in body
    assert not Payment.objects.exists()


def test_the_preview_shows_the_total_and_the_change(starter_catalog):
    visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo", "cert.tax"])
    response = htmx(logged_in(clerk)).post(f"/staff/payments/visits/{visit.pk}/preview", {
        "qty-juminhyo": "3", "qty-tax": "1", "tendered_yen": "2000"})
    body = response.content.decode()
    assert 'id="payment-total"' in body and "1,200" in body and "800" in body


def test_voiding_from_the_panel(starter_catalog):
    visit, step, register, clerk = visit_at_desk(["cert.juminhyo"])
    payment = charge(visit, register, clerk, [("juminhyo", 1)], step=step).payment
    client = htmx(logged_in(clerk))
    assert "void-reason" in client.get(f"/staff/payments/visits/{visit.pk}/").content.decode()

    client.post(f"/staff/payments/{payment.pk}/void", {"reason": "書き損じ"})

    payment.refresh_from_db()
    assert payment.status == "voided"


def test_the_receipt_is_a_pdf_that_is_not_cached(starter_catalog):
    visit, _step, register, clerk = visit_at_desk(["cert.juminhyo"])
    payment = charge(visit, register, clerk, [("juminhyo", 1)]).payment
    response = logged_in(clerk).get(f"/staff/payments/{payment.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_the_close_page_imports_a_settlement_file_and_closes(starter_catalog, simulated_terminal):
    visit, _step, register, clerk = visit_at_desk(["cert.juminhyo"])
    charge(visit, register, clerk, [("juminhyo", 1)], method="card")
    supervisor = logged_in(UserFactory(role=Role.SUPERVISOR))
    today = timezone.localdate()
    report = simulated_terminal.settlement_report(day=today).encode()

    supervisor.post("/staff/cashier/settlement", {
        "date": today.isoformat(), "register": register.code,
        "file": SimpleUploadedFile("settlement.csv", report, content_type="text/csv")})
    page = supervisor.get(f"/staff/cashier/close/?date={today}&register={register.code}").content.decode()
    assert 'id="cashless-totals"' in page and "only-ours" not in page

    counts = {f"count_{d}": 0 for d in (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)}
    counts["count_10000"] = 3
    response = supervisor.post(f"/staff/cashier/close/?date={today}&register={register.code}",
                               {**counts, "variance_reason": ""})
    assert response.status_code == 302
    assert DayClose.objects.get(register=register).variance_yen == 0
    assert 'id="close-outdated"' not in supervisor.get(response.url).content.decode()
    services.payment_void(payment=Payment.objects.get(), actor=clerk, reason="取消")  # voided after the close
    assert 'id="close-outdated"' in supervisor.get(response.url).content.decode()


def test_who_may_open_the_payment_pages(starter_catalog):
    pages = ["/staff/payments/", "/staff/cashier/close/", "/staff/payments/terminal/", "/staff/cashier/export.csv"]
    for role, allowed in [(Role.SUPERVISOR, True), (Role.COUNTER, False), (Role.RECEPTION, False),
                          (Role.ANALYST, False)]:
        client = logged_in(UserFactory(role=role))
        for url in pages:
            assert (client.get(url).status_code == 200) is allowed, (role, url)
    visit, step, register, clerk = visit_at_desk(["cert.juminhyo"])
    assert logged_in(UserFactory(role=Role.RECEPTION)).get(f"/staff/payments/visits/{visit.pk}/").status_code == 403
    payment = charge(visit, register, clerk, [("juminhyo", 1)], step=step).payment
    assert htmx(logged_in(UserFactory(role=Role.RECEPTION))).get(
        f"/staff/payments/{payment.pk}/answer").status_code == 403
    assert htmx(logged_in(clerk)).get("/staff/payments/999999/answer").status_code == 404
    # Without htmx (no script): the answer is the visit's fee page.
    assert logged_in(clerk).get(f"/staff/payments/{payment.pk}/answer")["Location"] == \
        f"/staff/payments/visits/{visit.pk}/"


def test_the_terminal_control_scripts_the_next_charge(starter_catalog, simulated_terminal):
    supervisor = logged_in(UserFactory(role=Role.SUPERVISOR))
    supervisor.post("/staff/payments/terminal/", {"next": "decline", "default": "approve"})
    assert simulated_terminal.state()["script"] == ["decline"]


@pytest.mark.parametrize("odd", ["2026-02-30", "²", "１", "-1", "99999999999999999999", "x" * 3000, ""])
def test_odd_input_is_refused_or_ignored_never_a_server_error(starter_catalog, odd):
    visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo"])
    supervisor = logged_in(UserFactory(role=Role.SUPERVISOR))
    client = htmx(logged_in(clerk))
    posts = [
        (client, f"/staff/payments/visits/{visit.pk}/charge",
         {"qty-juminhyo": odd, "method": odd or "cash", "tendered_yen": odd, "idempotency_key": odd, "addressee": odd}),
        (client, f"/staff/payments/visits/{visit.pk}/preview", {"qty-juminhyo": odd, "tendered_yen": odd}),
        (supervisor, f"/staff/cashier/close/?date={odd}", {"count_10000": odd, "variance_reason": odd}),
        (supervisor, "/staff/cashier/settlement", {"date": odd, "register": odd}),
        (supervisor, "/staff/payments/terminal/", {"next": odd, "default": odd}),
    ]
    for who, url, data in posts:
        assert who.post(url, data).status_code < 500, url
    for url in (f"/staff/payments/?date={odd}&register={odd}", f"/staff/cashier/export.csv?date={odd}",
                f"/staff/cashier/close/?date={odd}&register={odd}"):
        assert supervisor.get(url).status_code < 500, url


def test_an_individual_number_typed_in_the_panel_is_refused_at_its_field_and_not_echoed(starter_catalog):
    from madoguchi.core.mynumber import is_valid_individual_number

    number = next(f"12312312312{d}" for d in "0123456789" if is_valid_individual_number(f"12312312312{d}"))
    visit, _step, _register, clerk = visit_at_desk(["cert.juminhyo"])
    client = htmx(logged_in(clerk))
    for field in ("addressee", "note-juminhyo"):
        body = client.post(f"/staff/payments/visits/{visit.pk}/charge", {
            "qty-juminhyo": "1", "exempt-juminhyo": "public_request", "note-juminhyo": "年金事務所",
            "method": "cash", "tendered_yen": "300", "idempotency_key": f"guard-key-{field}", field: number,
        }).content.decode()
        assert number not in body and "field__errors" in body, field
    assert not Payment.objects.exists()
