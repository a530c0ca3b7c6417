"""The cashless page over real payments: visits served and charged through the payments and reception
services at set times, the figures read back from the page."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.insights import selectors
from madoguchi.payments.services import ChargeItem
from madoguchi.payments.terminals import get_terminal
from madoguchi.payments.tests.factories import charge, visit_at_desk
from madoguchi.reception import services as reception

pytestmark = pytest.mark.django_db
URL = reverse("insights:cashless")


@pytest.fixture(autouse=True)
def simulated_terminal(settings, tmp_path):
    settings.PAYMENT_TERMINAL = {"backend": "simulated",
                                 "options": {"path": str(tmp_path / "terminal.sqlite3"), "time_zone": "Asia/Tokyo"}}
    return get_terminal()


def serve(at, procedures, items, method, minutes):
    """A visit served at the certificates desk from ``at``, its fee charged, done ``minutes`` later."""
    visit, step, register, clerk = visit_at_desk(procedures, now=at)
    payment = charge(visit, register, clerk, items, method=method, step=step, now=at).payment
    reception.step_complete(step=step, clerk=clerk, now=at + timedelta(minutes=minutes))
    return payment


@pytest.fixture
def day(starter_catalog):
    """Today at the certificates desk: cash 6 minutes, card 3, QR 4, an exempt fee, and one paid yesterday."""
    today = timezone.localdate()
    opening = timezone.make_aware(datetime.combine(today, time(9, 0)))
    yesterday = opening - timedelta(days=1)
    serve(yesterday, ["cert.juminhyo"], [("juminhyo", 1)], "cash", 5)
    serve(opening, ["cert.juminhyo"], [("juminhyo", 1)], "cash", 6)
    serve(opening + timedelta(minutes=10), ["cert.juminhyo"], [("juminhyo", 2)], "card", 3)
    serve(opening + timedelta(minutes=20), ["cert.tax"], [("tax", 1)], "qr", 4)
    serve(opening + timedelta(minutes=30), ["cert.juminhyo"], [ChargeItem("juminhyo", 1, "pension_claim")], "cash", 2)
    return today


def test_the_figures_of_today(day):
    figures = selectors.cashless_figures(start=day, end=day)

    assert (figures.overall.total, figures.overall.cashless, figures.overall.cashless_percent) == (3, 2, 67)
    assert figures.overall.total_yen == 300 + 600 + 300
    assert [s.counts() for s in figures.by_day] == [[1, 1, 0, 1]]
    [row] = figures.desk_time
    assert (row.counter, row.cashless_steps, row.cashless_median, row.cash_steps, row.cash_median, row.difference) \
        == ("koseki-cert", 2, 3.5, 1, 6.0, -2.5)


def test_a_period_counts_every_day_in_it(day):
    figures = selectors.cashless_figures(start=day - timedelta(days=1), end=day)

    assert [(s.key, s.total, s.cashless) for s in figures.by_day] == [
        (day - timedelta(days=1), 1, 0), (day, 3, 2)]
    assert (figures.desk_time[0].cash_steps, figures.desk_time[0].cash_median) == (2, 5.5)


def test_the_page_shows_the_share_and_the_time_at_the_desk(client, day):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = client.get(URL, {"start": day.isoformat(), "end": day.isoformat()})

    assert response.status_code == 200
    html = response.content.decode()
    assert "67%" in html and 'id="cashless-desk-time"' in html and "-2.5" in html
    assert "証明" in html  # the counter by its name, never its code alone
    assert "koseki-cert" not in html


def test_without_a_period_the_last_thirty_days_are_shown(client, day):
    client.force_login(UserFactory(role=Role.SUPERVISOR))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["figures"].start == day - timedelta(days=29)
    assert response.context["figures"].overall.total == 4


@pytest.mark.parametrize(("query", "field"), [
    ({"start": "2026-12-01", "end": "2026-11-01"}, "start"),
    ({"start": "2020-01-01", "end": "2026-11-01"}, "start"),
    ({"start": "2026-02-30"}, "start"),
    ({"end": "²⁰²⁶-01-01"}, "end"),
])
def test_a_bad_period_is_refused_at_its_field(client, starter_catalog, query, field):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = client.get(URL, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["figures"] is None


def test_a_counter_clerk_may_not_open_the_figures(client, starter_catalog):
    client.force_login(UserFactory(role=Role.COUNTER))

    assert client.get(URL).status_code == 403


def test_no_payment_in_the_period_says_so(client, starter_catalog):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = client.get(URL, {"start": "2026-01-01", "end": "2026-01-31"})

    assert 'id="cashless-empty"' in response.content.decode()


def test_the_effects_list_cashless_with_its_share_of_the_fees_paid(day):
    from madoguchi.catalog.models import Counter
    from madoguchi.insights.effects import cashless_effect
    from madoguchi.insights.figures import Scope

    effect = cashless_effect(Scope(day, day))
    assert (effect.usage_numerator, effect.usage_denominator) == (2, 3) and effect.usage_rate == pytest.approx(2 / 3)
    elsewhere = Counter.objects.exclude(code="koseki-cert").first()
    assert cashless_effect(Scope(day, day, elsewhere.site, elsewhere)).usage_rate is None
