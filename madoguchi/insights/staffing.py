"""The live staffing plan (issue 18): from the queues right now and the forecast of the hours left
today, which desks to move between counters of one section and when ("move one desk from 証明 to 転入
at 10:00"), with the expected effect; accepting a move of the current hour closes one desk and opens the
other. Outside opening hours the plan is for the next open day, from its opening (the morning's desks).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.audit import services as audit
from madoguchi.audit.models import Event
from madoguchi.catalog.models import Counter
from madoguchi.core.dates import LunchRotation, lunch_rotation, next_office_day, office_closed, office_hours
from madoguchi.core.errors import ConflictError
from madoguchi.reception import selectors as queues
from madoguchi.reception import services as reception

from . import forecasts
from .simulation.advisor import SETTLE_MINUTES, LiveCounter, LivePlan, plan_rest_of_day

DEFAULT_TARGET_MINUTES = 30
# Handling time's coefficient of variation (standard deviation ÷ mean) the queueing approximations
# assume: the peak-day profile's figure (insights/profiles/peak_day.yaml).
HANDLING_CV = 0.5


@dataclass
class StaffingView:
    plan: LivePlan
    day: date
    now: bool  # the plan starts now (open); False: from the next open day's opening
    first_minute: float  # of the day planned
    counters: dict[str, Counter]
    forecast_days: int  # days of history the forecast learnt from (0: the queues now only)
    lunch: LunchRotation | None  # the rotation the plan keeps
    recent: list["RecentMove"]  # moves accepted within the last SETTLE_MINUTES (the plan does not undo them)


@dataclass(frozen=True)
class RecentMove:
    at: datetime
    from_counter: str
    to_counter: str


def planning_window(now: datetime) -> tuple[date, float, float, bool]:
    """(the day planned, its first minute, its closing minute, whether it starts now)."""
    local = timezone.localtime(now)
    opens, closes = office_hours()
    opens_minute, closes_minute = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
    minute = minute_of_day(now)
    today = local.date()
    if not office_closed(today) and minute < closes_minute:
        return today, max(minute, opens_minute), closes_minute, minute >= opens_minute
    return next_office_day(today + timedelta(days=1)), opens_minute, closes_minute, False


def live_plan(*, target: float = DEFAULT_TARGET_MINUTES, now: datetime | None = None) -> StaffingView:
    now = now or timezone.now()
    day, first_minute, closes_minute, starts_now = planning_window(now)
    snapshot = queues.queue_snapshot(now=now, with_steps=False)
    by_site = defaultdict(list)
    for queue in snapshot.values():
        by_site[queue.counter.site].append(queue)
    typical = dict(Counter.objects.filter(pk__in=[q.counter.pk for q in snapshot.values()])
                   .annotate(minutes=Avg("procedures__handling_minutes")).values_list("pk", "minutes"))
    live, history_days = [], 0
    for site, site_queues in by_site.items():
        forecast = forecasts.site_forecast(site)
        history_days = max(history_days, forecast.history_days if forecast.counters else 0)
        for queue in site_queues:
            counter = queue.counter
            hours = next((d.hours for d in forecast.days_for(counter.code) if d.day == day and d.open), [])
            waiting = [w.expected_minutes for w in queue.waiting]
            mean = (forecast.handling_minutes.get(counter.code) or (sum(waiting) / len(waiting) if waiting else None)
                    or typical.get(counter.pk) or 10.0)
            live.append(LiveCounter(
                counter.code, (counter.site_id, counter.department_id), queue.desks_open, counter.desks,
                sum(waiting) + sum(queue.serving_remaining), len(waiting),
                {h.hour: h.expected_visits for h in hours}, float(mean)))
    lunch = lunch_rotation()
    opens = office_hours()[0]
    recent = recent_moves(now) if starts_now else []
    plan = plan_rest_of_day(live, now_minute=first_minute, closes_minute=closes_minute, cv=HANDLING_CV,
                            opens_minute=opens.hour * 60 + opens.minute,
                            settling={(m.to_counter, first_minute - (now - m.at).total_seconds() / 60) for m in recent},
                            p90_target=target, min_gain=target,
                            away=lunch.away_by_hour(from_minute=first_minute) if lunch else {},
                            away_now=lunch.away_at(first_minute) if lunch and starts_now else 0.0)
    counters = {q.counter.code: q.counter for q in snapshot.values()}
    return StaffingView(plan, day, starts_now, first_minute, counters, history_days, lunch, recent)


@transaction.atomic
def staffing_accept(*, from_counter: Counter, to_counter: Counter, actor) -> tuple[int, int]:
    """Close the highest-numbered open desk of ``from_counter`` and open the lowest closed desk of
    ``to_counter`` (the same section's staff): (desk closed, desk opened). Audited: the plan reads the
    moves of the last hour so as not to undo them (``recent_moves``)."""
    if (from_counter.site_id, from_counter.department_id) != (to_counter.site_id, to_counter.department_id):
        raise ConflictError(_("A desk moves only between counters of one section."), field="to_counter")
    giving = [n for n, is_open in queues.desk_states(from_counter) if is_open]
    closed = [n for n, is_open in queues.desk_states(to_counter) if not is_open]
    if len(giving) < 2 or not closed:
        raise ConflictError(_("The desks have changed since the suggestion: look again."), field="to_counter")
    reception.desk_set_open(counter=from_counter, number=giving[-1], is_open=False, actor=actor)
    reception.desk_set_open(counter=to_counter, number=closed[0], is_open=True, actor=actor)
    audit.staffing_move_accepted(actor=actor, from_counter=from_counter, to_counter=to_counter,
                                 closed_desk=giving[-1], opened_desk=closed[0])
    return giving[-1], closed[0]


def recent_moves(now: datetime) -> list[RecentMove]:
    """The moves accepted within the last ``SETTLE_MINUTES``, oldest first."""
    since = now - timedelta(minutes=SETTLE_MINUTES)
    rows = (Event.objects.filter(action=audit.STAFFING_MOVE_ACCEPTED, created_at__gt=since, created_at__lte=now)
            .order_by("created_at", "id").values_list("created_at", "details"))
    return [RecentMove(at, details["from_counter"], details["to_counter"]) for at, details in rows
            if isinstance(details, dict) and isinstance(details.get("from_counter"), str)
            and isinstance(details.get("to_counter"), str)]


def minute_of_day(moment: datetime) -> float:
    local = timezone.localtime(moment)
    return local.hour * 60 + local.minute + local.second / 60
