"""Logging in: lockout, the audit trail of failures, API tokens, and how long a session lasts."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from madoguchi.audit.models import Event
from madoguchi.audit.services import _safe_details, staff_logged_in

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/staff/login/", {"username": username, "password": password})


def fail_five_times(client: Client, username: str) -> None:
    for _ in range(5):
        log_in(client, username, "wrong-password")


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def move_attempts_back(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


# Lockout -------------------------------------------------------------------------------------


def test_four_failed_logins_leave_the_account_open():
    user = UserFactory()
    client = Client()
    for _ in range(4):
        assert log_in(client, user.username, "wrong-password").status_code == 200

    response = log_in(client, user.username)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_after_five_failed_logins_even_the_right_password_gets_the_locked_page():
    user = UserFactory()
    client = Client()
    fail_five_times(client, user.username)

    response = log_in(client, user.username)

    assert response.status_code == 429
    assert response.context["locked_message"]
    assert b'name="password"' not in response.content  # no form to try again with
    assert not is_logged_in(client)


def test_the_lock_holds_a_user_name_whatever_address_the_attempts_come_from():
    user = UserFactory()
    for n in range(5):
        log_in(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), user.username, "wrong-password")

    response = log_in(Client(REMOTE_ADDR="198.51.100.7"), user.username)

    assert response.status_code == 429


def test_a_locked_account_is_still_locked_after_fourteen_minutes():
    user = UserFactory()
    client = Client()
    fail_five_times(client, user.username)
    move_attempts_back(14)

    assert log_in(client, user.username).status_code == 429


def test_a_locked_account_opens_again_after_fifteen_minutes():
    user = UserFactory()
    client = Client()
    fail_five_times(client, user.username)
    move_attempts_back(16)

    response = log_in(client, user.username)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_lock_on_one_account_leaves_the_others_open():
    locked, other = UserFactory(), UserFactory()
    client = Client()
    fail_five_times(client, locked.username)

    assert log_in(client, other.username).status_code == 302


# Audit of logins -----------------------------------------------------------------------------


def test_each_failed_login_and_each_locked_attempt_is_written_to_the_audit_log_once():
    user = UserFactory()
    client = Client()
    fail_five_times(client, user.username)
    log_in(client, user.username)

    failures = Event.objects.filter(action="auth.login_failed", target_id=user.username).order_by("id")

    assert [e.details["locked"] for e in failures] == [False, False, False, False, True, True]


def test_a_successful_login_is_written_to_the_audit_log():
    user = UserFactory()

    log_in(Client(), user.username)

    event = Event.objects.get(action="auth.login")
    assert event.actor == user
    assert event.details["ip"] == "127.0.0.1"


def test_a_user_name_that_looks_like_an_individual_number_is_not_stored():
    response = log_in(Client(), "123456789018", "wrong-password")

    assert response.status_code == 200
    event = Event.objects.get(action="auth.login_failed")
    assert "123456789018" not in event.target_id


# API tokens ----------------------------------------------------------------------------------


def apitoken(username: str) -> str:
    out = StringIO()
    call_command("apitoken", username, stdout=out)
    return out.getvalue().strip()


def test_apitoken_prints_the_same_token_every_time():
    user = UserFactory()

    first, second = apitoken(user.username), apitoken(user.username)

    assert first == second
    token_id, _, secret = first.partition(".")
    assert token_id.isdigit() and len(secret) == 40


def test_apitoken_is_audited_once_when_the_token_is_issued():
    user = UserFactory()
    apitoken(user.username)
    apitoken(user.username)

    assert Event.objects.filter(action="auth.api_token_issued", target_id=str(user.pk)).count() == 1


def test_apitoken_refuses_an_unknown_user_name():
    with pytest.raises(CommandError, match="nobody"):
        apitoken("nobody")


def test_a_bearer_token_authenticates_the_api():
    user = UserFactory(role="reception")
    token = apitoken(user.username)

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_a_wrong_bearer_token_gets_401_with_a_json_message():
    user = UserFactory()
    token_id = apitoken(user.username).partition(".")[0]

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token_id}.{'0' * 40}"})

    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize("token", ["not-a-token", "².x", "1" * 5000 + ".x", "99999999999999999999.x",
                                   "9999999999999999999.x", "12."])  # 19 digits above 2**63 - 1: a 500 on SQLite once
def test_a_malformed_bearer_token_gets_401_with_a_json_message(token):
    # "²" passes str.isdigit() and 5,000 digits exceed int()'s limit: both were a 500 (ValueError in int()).
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json()["message"]


def test_a_token_whose_secret_is_not_ascii_gets_401_with_a_json_message():
    # The id of a real token and a secret "é": hmac.compare_digest raised a TypeError (a 500).
    token_id = apitoken(UserFactory().username).partition(".")[0]

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token_id}.é"})

    assert response.status_code == 401
    assert response.json()["message"]


def test_the_token_of_a_role_lacking_the_capability_gets_403_with_a_json_message():
    token = apitoken(UserFactory(role="counter").username)

    response = Client().get("/api/v1/audit/events", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403
    assert response.json()["message"]


def test_the_token_of_a_deactivated_account_no_longer_works():
    user = UserFactory(role="supervisor")
    token = apitoken(user.username)
    user.is_active = False
    user.save()

    response = Client().get("/api/v1/audit/events", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


def test_a_token_stops_working_when_the_server_secret_changes(settings):
    user = UserFactory()
    token = apitoken(user.username)
    settings.SECRET_KEY = "another-secret-" + "x" * 50

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


# Sessions ------------------------------------------------------------------------------------


class Clock:
    """``timezone.now()`` moved forward on demand: the session store reads the time through it."""

    def __init__(self, monkeypatch):
        self.offset = timedelta()
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_staff_sessions_are_set_to_thirty_minutes_renewed_by_every_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_staff_session_cookie_lasts_thirty_minutes():
    user = UserFactory(role="counter")

    response = log_in(Client(), user.username)

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_a_staff_session_ends_after_thirty_minutes_idle(clock):
    user = UserFactory(role="counter")
    client = Client()
    log_in(client, user.username)

    clock.advance(minutes=31)
    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_a_staff_session_survives_twenty_nine_idle_minutes(clock):
    user = UserFactory(role="counter")
    client = Client()
    log_in(client, user.username)

    clock.advance(minutes=29)

    assert client.get("/staff/").status_code == 200


def test_every_request_renews_the_staff_idle_clock(clock):
    user = UserFactory(role="counter")
    client = Client()
    log_in(client, user.username)

    clock.advance(minutes=20)
    assert client.get("/staff/").status_code == 200
    clock.advance(minutes=20)

    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("role", ["kiosk", "display"])
def test_a_device_session_cookie_lasts_the_device_session_time(role):
    user = UserFactory(role=role)

    response = log_in(Client(), user.username)

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.DEVICE_SESSION_SECONDS


def test_a_device_stays_signed_in_past_the_staff_idle_timeout(clock):
    user = UserFactory(role="display")
    client = Client()
    log_in(client, user.username)

    clock.advance(minutes=31)

    assert client.get("/display/").status_code == 200


def test_a_device_session_ends_after_the_device_session_time(clock):
    user = UserFactory(role="display")
    client = Client()
    log_in(client, user.username)

    clock.advance(seconds=settings.DEVICE_SESSION_SECONDS + 60)
    response = client.get("/display/")

    assert response.status_code == 302


@pytest.mark.parametrize(("role", "screen"), [("kiosk", "/kiosk/"), ("display", "/display/"), ("counter", "/staff/")])
def test_logging_in_lands_each_role_on_its_own_screen(role, screen):
    client = Client()
    log_in(client, UserFactory(role=role).username)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == screen


# What the audit log refuses to hold ----------------------------------------------------------


def test_a_twelve_digit_number_in_audit_details_is_refused():
    with pytest.raises(ValueError, match="individual number"):
        _safe_details({"note": "番号は123456789018です"})


def test_a_twelve_digit_number_written_in_groups_of_four_is_refused():
    with pytest.raises(ValueError, match="individual number"):
        _safe_details({"note": "1234 5678 9018"})


def test_a_twelve_digit_integer_in_audit_details_is_refused():
    with pytest.raises(ValueError, match="individual number"):
        _safe_details({"number": 123456789018})


def test_a_twelve_digit_number_nested_in_audit_details_is_refused():
    with pytest.raises(ValueError, match="individual number"):
        _safe_details({"answers": {"household": ["太郎", "123456789018"]}})


@pytest.mark.parametrize("key", ["password", "PIN", "my_number"])
def test_secret_keys_in_audit_details_are_refused(key):
    with pytest.raises(ValueError, match="may not carry"):
        _safe_details({"form": {key: "x"}})


def test_numbers_of_other_lengths_in_audit_details_are_kept():
    details = {"corporate_number": "1234567890183", "phone": "03-1234-5678", "count": 12}

    assert _safe_details(details) == details


def test_an_event_with_a_refused_detail_is_not_written():
    user = UserFactory()

    with pytest.raises(ValueError):
        staff_logged_in(user=user, ip="123456789018")

    assert not Event.objects.filter(action="auth.login").exists()
