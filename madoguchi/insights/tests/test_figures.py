"""The figures as the audit reads them, from records written by the live services: the accuracy of the
wait shown at queue join per counter and week, the before and after of an intervention, and small counts
said to be too few instead of shown as a number."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.insights import effects, figures, interventions, reports, rollups, services
from madoguchi.insights.figures import Scope
from madoguchi.prefill.selectors import ward_forms
from madoguchi.reception import services as reception
from madoguchi.reception.models import StepEvent

pytestmark = pytest.mark.django_db


def _at(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _serve_a_morning(day, site, clerk, counter_code, procedure_code, *, service_minutes):
    """Three visitors join at 9:00, 9:02, 9:04 and are served one after the other at desk 1 from 9:10."""
    counter = Counter.objects.get(code=counter_code)
    for minute in (0, 2, 4):
        reception.visit_register(site=site, procedure_codes=[procedure_code], now=_at(day, 9, minute))
    clock = _at(day, 9, 10)
    while (step := reception.step_call_next(counter=counter, clerk=clerk, now=clock)) is not None:
        reception.step_start(step=step, clerk=clerk, now=clock)
        clock += timedelta(minutes=service_minutes)
        reception.step_complete(step=step, clerk=clerk, now=clock)


def test_the_wait_shown_at_queue_join_is_measured_per_counter_and_week(client, starter_catalog):
    site = Site.objects.get(code="honcho")
    clerk = UserFactory(role=Role.COUNTER, counters=["koseki-cert", "kokuho"])
    for code in ("koseki-cert", "kokuho"):
        reception.desk_set_open(counter=Counter.objects.get(code=code), number=1, is_open=True)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 21)
    days = [monday + timedelta(days=1), monday + timedelta(days=8)]  # two Tuesdays, two weeks
    for day, minutes in zip(days, (4, 9), strict=True):
        _serve_a_morning(day, site, clerk, "koseki-cert", "cert.juminhyo", service_minutes=minutes)
        _serve_a_morning(day, site, clerk, "kokuho", "nhi.enroll", service_minutes=minutes * 2)
        rollups.rollup_day(day=day)

    # What the visitors were told (the queued event, written by reception) against the wait they had.
    expected = defaultdict(list)
    for queued in StepEvent.objects.filter(kind=StepEvent.Kind.QUEUED).select_related("step__counter"):
        called = StepEvent.objects.filter(step=queued.step, kind=StepEvent.Kind.CALLED).get()
        wait = (called.at - queued.at).total_seconds() / 60
        week = timezone.localdate(queued.at) - timedelta(days=timezone.localdate(queued.at).weekday())
        expected[(queued.step.counter.code, week)].append(queued.details["estimated_wait_minutes"] - wait)
    assert len(expected) == 4 and all(len(errors) == 3 for errors in expected.values())

    board = figures.dashboard(Scope(days[0], days[1], site))

    measured = {(row["counter"].code, row["week"]): row for row in board.accuracy}
    assert set(measured) == set(expected)
    for key, errors in expected.items():
        row = measured[key]
        assert row["estimates"] == 3
        assert row["mae"] == pytest.approx(sum(abs(e) for e in errors) / 3, abs=0.06)  # told to 0.1 min
        assert row["bias"] == pytest.approx(sum(errors) / 3, abs=0.06)
    # The second week's longer service made the waits longer than promised: the bias says so.
    assert measured[("kokuho", days[1] - timedelta(days=1))]["bias"] < measured[("kokuho", monday)]["bias"]

    # The same figures on the page and in its CSV, per counter and week.
    client.force_login(UserFactory(role=Role.ANALYST))
    csv = client.get(reverse("insights:dashboard") + f"?from={days[0]}&to={days[1]}&site=honcho"
                     "&export=csv&table=accuracy").content.decode("utf-8-sig").splitlines()
    assert len(csv) == 1 + 4


def _demo(days, end, share, seed=5):
    return services.demo_history_write(days=days, seed=seed, scale=0.12, end=end, prefill_share=share)


def test_the_before_and_after_of_an_intervention_shows_the_change_it_made(starter_catalog):
    today = timezone.localdate()
    poster_day = today - timedelta(days=14)
    _demo(14, poster_day, 0.1)   # two weeks before the posters: one pre-fillable step in ten pre-filled
    _demo(14, today, 0.6)        # two weeks from them: six in ten
    intervention = services.intervention_record(day=poster_day, title="受付にポスター", service="prefill",
                                                site=Site.objects.get(code="honcho"))

    comparison = interventions.before_after(intervention, weeks=2)

    prefill = comparison.usage[0]
    assert prefill.service == "prefill" and prefill.targeted
    change = prefill.change
    assert change.enough
    assert 0.03 <= change.share_before <= 0.2 and 0.45 <= change.share_after <= 0.75
    assert 0 < change.ci95[0] <= change.difference <= change.ci95[1]
    assert change.difference == pytest.approx(change.share_after - change.share_before)
    # A service the posters did not touch has no change its interval can tell from none.
    appointment = next(u for u in comparison.usage if u.service == "appointment")
    assert not appointment.change.enough or appointment.change.ci95[0] <= 0 <= appointment.change.ci95[1]


def test_too_few_visits_are_said_to_be_too_few_on_the_page_and_in_the_api(client, starter_catalog):
    yesterday = timezone.localdate() - timedelta(days=1)
    written = services.demo_history_write(days=7, seed=1, scale=0.01)
    assert written.visits > 0
    client.force_login(UserFactory(role=Role.ANALYST))
    counts = effects.service_effects(Scope(yesterday - timedelta(days=90), yesterday))
    assert all(e.effect is not None and not e.effect.enough for e in counts)  # a handful of visits

    html = client.get(reverse("insights:effects")).content.decode()
    assert html.count('class="effect-card__verdict"') == 4 and "件数不足で判断できません" in html
    assert "effect-card__figure" not in html

    body = client.get("/api/v1/insights/effects").json()
    for service in body["services"]:
        assert service["enough_data"] is False
        assert service["difference_minutes"] is None and service["relative_difference"] is None
        assert service["ci95_relative"] is None
        assert service["n_with"] + service["n_without"] >= 0  # the counts are still given


def test_usage_over_time_is_shown_per_procedure_and_week(client, starter_catalog):
    _demo(14, timezone.localdate(), 0.6)
    prefillable = {code for form in ward_forms() for code in form.procedures}
    end = timezone.localdate() - timedelta(days=1)

    cells = effects.weekly_usage_by_procedure(Scope(end - timedelta(days=13), end))

    assert len({c["week"] for c in cells}) >= 2
    with_form = [c for c in cells if c["prefillable"]]
    assert with_form and {c["code"] for c in with_form} <= prefillable
    share = sum(c["prefilled"] for c in with_form) / sum(c["steps"] for c in with_form)
    assert 0.45 <= share <= 0.75  # the planted share, read per procedure
    without_form = [c for c in cells if not c["prefillable"]]
    assert without_form and all(c["prefilled"] == 0 for c in without_form)
    table = reports.procedure_week_usage_table(cells)
    assert all(row["prefill_rate"] is None for row, cell in zip(table.rows, cells, strict=True)
               if not cell["prefillable"])

    client.force_login(UserFactory(role=Role.ANALYST))
    assert 'id="t-usage_procedure_weeks"' in client.get(reverse("insights:effects")).content.decode()
    csv = client.get(reverse("insights:effects") + "?export=csv&table=usage_procedure_weeks")
    assert len(csv.content.decode("utf-8-sig").splitlines()) == 1 + len(cells)
