"""Replay: a day played through the real reception services (explicit times), rebuilt from its step
events, with the estimator checked against the waits that happened."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from madoguchi.catalog.models import Counter
from madoguchi.insights import selectors
from madoguchi.insights.simulation.replay import replay_day
from madoguchi.reception import services
from madoguchi.reception.models import Step

DAY = date(2025, 3, 24)
pytestmark = pytest.mark.django_db


def at(hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime(DAY.year, DAY.month, DAY.day, hour, minute))


def register(site, codes, when):
    return services.visit_register(site=site, procedure_codes=codes, now=when)


def serve(counter_code: str, clerk, called: datetime, minutes: int) -> Step:
    """Call the next visitor at desk 1, start at once, complete ``minutes`` later."""
    step = services.step_call_next(counter=Counter.objects.get(code=counter_code), clerk=clerk, desk=1, now=called)
    services.step_start(step=step, clerk=clerk, now=called)
    services.step_complete(step=step, clerk=clerk, now=called + timedelta(minutes=minutes))
    return step


@pytest.fixture
def certificate_morning(site, clerk):
    """Three residence certificates (5 typical minutes) at one desk: each takes 6 minutes."""
    for minute in (0, 1, 2):
        register(site, ["cert.juminhyo"], at(9, minute))
        if minute == 0:
            serve("koseki-cert", clerk, at(9, 0), 6)
    serve("koseki-cert", clerk, at(9, 6), 6)
    serve("koseki-cert", clerk, at(9, 12), 6)


def test_replay_rebuilds_the_day_and_scores_both_estimators(certificate_morning):
    result = replay_day(selectors.recorded_day(day=DAY))

    assert (result.visits, result.steps_done) == (3, 3)
    assert result.arrivals_by_hour == {9: 3}
    assert result.mean_handling == {"koseki-cert": 6.0}
    # Joined 9:00, 9:01, 9:02 at one desk; called 9:00, 9:06, 9:12.
    assert [j.wait for j in result.joins] == [0, 5, 10]
    # Product: nobody ahead → 0; the one at the desk has 5 − 1 minutes left → 4; 3 left + 5 → 8.
    assert [j.estimate for j in result.joins] == [0, 4, 8]
    # Naive: people ahead ÷ 1 desk × mean handling (none done yet: the counter's typical 7 minutes).
    assert [j.naive for j in result.joins] == [0, 0, 7]
    assert result.error.mae_product == pytest.approx(1.0)
    assert result.error.mae_naive == pytest.approx(8 / 3)


def test_replay_puts_a_handed_off_visitor_at_their_arrival_place(site, clerk):
    register(site, ["juki.move_in", "nhi.enroll"], at(9, 0))
    register(site, ["nhi.enroll"], at(9, 1))
    register(site, ["nhi.enroll"], at(9, 2))
    serve("kokuho", clerk, at(9, 1), 19)  # the 9:01 visitor, until 9:20
    serve("koseki-move", clerk, at(9, 0), 10)  # the move, until 9:10: handed on to the insurance counter
    serve("kokuho", clerk, at(9, 20), 15)  # the service calls the 9:00 visitor before the 9:02 one

    result = replay_day(selectors.recorded_day(day=DAY))

    handed_on = next(j for j in result.joins if j.counter == "kokuho" and j.joined == 9 * 60 + 10)
    assert handed_on.position == 0  # ahead of the 9:02 visitor, who was still waiting
    assert handed_on.estimate == pytest.approx(15 - 9)  # the 9:01 visitor's remaining minutes
    assert handed_on.wait == pytest.approx(10)


def test_the_command_replays_a_recorded_day(certificate_morning, tmp_path):
    out = StringIO()

    call_command("simulate", "--replay", DAY.isoformat(), "--csv", str(tmp_path / "replay.csv"), stdout=out)

    text = out.getvalue()
    assert "Replay of 2025-03-24: 3 visits, 3 steps done, 3 queue joins called" in text
    assert "koseki-cert" in text
    assert "day,policy,subject,metric,value" in (tmp_path / "replay.csv").read_text()
    assert "2025-03-24,recorded,all,mae_product_minutes,1.0" in (tmp_path / "replay.csv").read_text()


def test_the_command_says_so_when_nothing_was_recorded(starter_catalog):
    with pytest.raises(CommandError, match="nothing to replay"):
        call_command("simulate", "--replay", "2025-01-06", stdout=StringIO())
