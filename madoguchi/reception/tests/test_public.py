"""The visitor's own pages with Django's test client: "my ticket" by number and confirmation code, the
status body's 304s, and the SMS/e-mail notice when the turn is near (sent through the configured
sender: the test settings use Django's e-mail path, so the message lands in ``mail.outbox``)."""

import threading

import pytest
from django.core import mail
from django.test import Client

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core import background
from madoguchi.core.roles import Role
from madoguchi.reception import notices, selectors, services, tickets
from madoguchi.reception.models import StatusNotice, Visit

pytestmark = pytest.mark.django_db


def _visits(site, count: int, code: str = "cert.juminhyo") -> list[Visit]:
    return [services.visit_register(site=site, procedure_codes=[code]) for _ in range(count)]


def test_the_ticket_number_and_its_confirmation_code_open_the_status_page(client, site):
    visit = _visits(site, 1)[0]
    code = selectors.visit_check_code(visit)
    # Typed as people type it on a phone: lower case, full-width digits, no leading zeros.
    typed = visit.ticket_number.lower().replace("-0", "").replace("-", "")
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post("/ticket/", {"ticket": typed, "code": wide})
    assert response.status_code == 302
    assert response["Location"] == f"/v/{visit.status_token}/"


def test_a_wrong_code_finds_nothing_and_says_so_next_to_the_form(client, site, english):
    visit = _visits(site, 1)[0]
    wrong = f"{(int(selectors.visit_check_code(visit)) + 1) % 10000:04d}"
    response = client.post("/ticket/", {"ticket": visit.ticket_number, "code": wrong},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "No ticket of today matches" in response.content.decode()
    assert visit.status_token not in response.content.decode()


def test_a_ticket_is_closed_to_lookups_after_five_wrong_codes_even_with_the_right_one(site):
    visit = _visits(site, 1)[0]
    right = selectors.visit_check_code(visit)
    wrong = f"{(int(right) + 1) % 10000:04d}"
    for _ in range(5):
        # A different client address each time: the per-ticket limit holds whoever guesses.
        assert Client(REMOTE_ADDR=f"10.0.0.{_ + 1}").post("/ticket/", {"ticket": visit.ticket_number,
                                                                       "code": wrong}).status_code == 422
    response = Client(REMOTE_ADDR="10.0.1.1").post("/ticket/", {"ticket": visit.ticket_number, "code": right})
    assert response.status_code == 422


def test_an_empty_lookup_names_both_fields(client, site):
    response = client.post("/ticket/", {"ticket": "", "code": ""})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_ticket"' in body and 'aria-invalid="true"' in body


def test_the_confirmation_code_is_printed_on_the_route_sheet(client, site):
    client.force_login(UserFactory(role=Role.RECEPTION))
    visit = _visits(site, 1)[0]
    body = client.get(f"/staff/visits/{visit.pk}/sheet/").content.decode()
    assert selectors.visit_check_code(visit) in body
    assert "/ticket/" in body


def test_the_code_is_four_digits_and_tells_nothing_of_the_token():
    assert tickets.check_code("abc") == tickets.check_code("abc")
    assert len(tickets.check_code("abc")) == 4 and tickets.check_code("abc").isdigit()
    assert tickets.parse_ticket_number("Ａ－０２３") == ("A", 23)
    assert tickets.parse_ticket_number("A-000") is None
    assert tickets.parse_ticket_number("23") is None


def test_the_status_body_answers_304_until_someone_is_called(client, site):
    visits = _visits(site, 3)
    url = f"/v/{visits[2].status_token}/now"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    counter = visits[0].steps.get().counter
    services.step_call_next(counter=counter, clerk=UserFactory(role=Role.COUNTER, counters=[counter.code]))
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert 'data-state="soon"' in changed.content.decode()


def test_the_status_page_says_soon_when_two_are_ahead_and_called_when_called(client, site):
    visits = _visits(site, 4)
    assert 'data-state="waiting"' in client.get(f"/v/{visits[3].status_token}/now").content.decode()
    counter = visits[0].steps.get().counter
    clerk = UserFactory(role=Role.COUNTER, counters=[counter.code])
    services.step_call_next(counter=counter, clerk=clerk)
    assert 'data-state="soon"' in client.get(f"/v/{visits[3].status_token}/now").content.decode()
    assert 'data-state="called"' in client.get(f"/v/{visits[0].status_token}/now").content.decode()


def test_an_email_notice_goes_once_when_two_are_ahead_and_the_address_is_deleted_at_the_end(client, site,
                                                                                             django_capture_on_commit_callbacks):
    visits = _visits(site, 5)
    mine = visits[4]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/v/{mine.status_token}/notice", {"channel": "email", "address": "hanako@example.jp"},
                               headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert StatusNotice.objects.get(visit=mine).language == "en"
    assert mail.outbox == []  # four ahead: not yet
    counter = Counter.objects.get(pk=mine.steps.get().counter_id)
    clerk = UserFactory(role=Role.COUNTER, counters=[counter.code])
    with django_capture_on_commit_callbacks(execute=True):
        services.step_call_next(counter=counter, clerk=clerk)  # three ahead
    assert background.wait() and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.step_call_next(counter=counter, clerk=clerk, desk=2)  # two ahead: told
    assert background.wait()  # the message goes on a thread of its own, after the call's answer
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanako@example.jp"]
    assert mine.ticket_number in message.subject and "2 people ahead" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.step_call_next(counter=counter, clerk=clerk, desk=3)  # one ahead: not told twice
    assert background.wait() and len(mail.outbox) == 1
    services.visit_cancel(visit=mine)
    assert not StatusNotice.objects.filter(visit=mine).exists()


def test_a_notice_address_that_is_no_address_is_refused_on_its_field(client, site, english):
    mine = _visits(site, 1)[0]
    response = client.post(f"/v/{mine.status_token}/notice", {"channel": "sms", "address": "call me"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Enter a mobile phone number" in response.content.decode()
    assert not StatusNotice.objects.exists()
    assert notices.normalise_phone("０９０－１２３４－５６７８") == "09012345678"


def test_the_notice_can_be_stopped_and_the_address_is_gone(client, site):
    mine = _visits(site, 1)[0]
    client.post(f"/v/{mine.status_token}/notice", {"channel": "sms", "address": "090-1234-5678"})
    assert StatusNotice.objects.get(visit=mine).address == "09012345678"
    assert "…5678" in client.get(f"/v/{mine.status_token}/").content.decode()
    client.post(f"/v/{mine.status_token}/notice", {"action": "stop"})
    assert not StatusNotice.objects.exists()


class SlowGateway:
    """An SMS gateway that answers only when the test lets it, then refuses (not with SendFailed)."""

    channel = "sms"
    release = threading.Event()
    seen: list[str] = []

    def send(self, notice) -> None:
        assert self.release.wait(30)
        self.seen.append(notice.to)
        raise RuntimeError(f"gateway broke on {notice.to}")  # the address must not reach the log


def test_a_slow_gateway_never_holds_the_clerks_call_and_a_broken_one_is_logged_without_the_address(
        site, settings, caplog, django_capture_on_commit_callbacks):
    settings.RESIDENT_NOTICE_SENDERS = {"sms": f"{__name__}.SlowGateway",
                                        "email": settings.RESIDENT_NOTICE_SENDERS["email"]}
    visits = _visits(site, 4)
    notices.status_notice_subscribe(visit=visits[2], channel="sms", address="09012345678", language="ja")
    notices.status_notice_subscribe(visit=visits[3], channel="email", address="hanako@example.jp", language="ja")
    counter = Counter.objects.get(pk=visits[0].steps.get().counter_id)
    clerk = UserFactory(role=Role.COUNTER, counters=[counter.code])
    SlowGateway.release.clear()
    SlowGateway.seen.clear()

    with django_capture_on_commit_callbacks(execute=True):
        called = services.step_call_next(counter=counter, clerk=clerk)  # answered while the gateway waits
    assert called.visit_id == visits[0].pk and background.running() == 1 and mail.outbox == []

    SlowGateway.release.set()
    assert background.wait()
    assert SlowGateway.seen == ["09012345678"] and len(mail.outbox) == 1  # the e-mail after it still went
    assert "failed: RuntimeError" in caplog.text and "09012345678" not in caplog.text
