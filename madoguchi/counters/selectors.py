"""Reads for the screens: congestion, the call display, the console, the daily summary."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache, caches
from django.db import models
from django.utils import timezone

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Counter, Procedure, Site
from madoguchi.catalog.selectors import is_code
from madoguchi.core.params import int_or_none
from madoguchi.reception import selectors as queues
from madoguchi.reception.models import Desk, Step, StepEvent
from madoguchi.reception.permissions import may_serve
from madoguchi.reception.selectors import day_bounds, minutes_display

from . import summary as summary_math
from . import wallboard as wallboard_math
from .announcements import Announcement, announcement

CONGESTION_CACHE_SECONDS = 3


def congestion(*, now: datetime | None = None) -> dict:
    """People waiting and the estimated wait per site and counter. No personal data.

    Cached for a few seconds and shared by the public page, the API and the ETag: thousands of
    residents watch it in March, and one computation serves them all (see ``congestion_answer``).
    """
    if now is not None:
        return _congestion(now)
    return congestion_answer()[0]


def congestion_answer() -> tuple[dict, bytes]:
    """The congestion figures and the API's JSON body of them, computed and serialised once for every
    process: each process keeps them in its memory for ``CONGESTION_CACHE_SECONDS``; one that has none
    takes them from the shared cache, where the first process to need them put them — so the queues are
    read once per period for the whole office, not once per worker, and no request serialises them again."""
    cached = cache.get(CONGESTION_KEY)
    if cached is None:
        cached = caches["shared"].get(CONGESTION_KEY)
        if cached is None:
            data = _congestion(None)
            cached = (data, json.dumps(data, ensure_ascii=False).encode())
            caches["shared"].set(CONGESTION_KEY, cached, CONGESTION_CACHE_SECONDS)
        cache.set(CONGESTION_KEY, cached, CONGESTION_CACHE_SECONDS)
    return cached


CONGESTION_KEY = "congestion:v2"


def _congestion(now: datetime | None) -> dict:
    snapshot = queues.queue_snapshot(now=now, with_steps=False)
    sites = []
    for site in Site.objects.filter(active=True):
        counters = []
        for queue in snapshot.values():
            counter = queue.counter
            if counter.site_id != site.pk:
                continue
            counters.append({
                "code": counter.code, "name_ja": counter.name_ja, "name_en": counter.name_en,
                "name_easy": counter.name_easy or counter.name_ja, "floor": counter.floor, "number": counter.number,
                "waiting": queue.waiting_count, "desks_open": queue.desks_open,
                "estimated_wait_minutes": minutes_display(queue.wait_for_new_arrival),
            })
        counters.sort(key=lambda c: (c["floor"], c["number"]))
        sites.append({"code": site.code, "name_ja": site.name_ja, "name_en": site.name_en,
                      "name_easy": site.name_easy or site.name_ja, "counters": counters})
    updated = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    body = {"sites": sites}
    etag = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    return {"updated_at": updated.isoformat(), "etag": etag, **body}


@dataclass
class Call:
    event_id: int
    ticket_number: str
    counter: Counter
    desk: int | None
    at: datetime
    recall: bool
    # Said after Japanese and English: the visitor's interpreter language, when reception recorded one.
    extra: Announcement | None = None


# A call display shows the newest calls: this many, the newest large.
DISPLAY_CALLS = 8


def recent_calls(*, site: Site, floor: int | None = None, counters: list[str] = (),
                 limit: int = DISPLAY_CALLS) -> list[Call]:
    """The latest calls (and recalls) for a display board, newest first, for steps still called."""
    events = (
        StepEvent.objects.filter(kind__in=[StepEvent.Kind.CALLED, StepEvent.Kind.RECALLED], counter__site=site,
                                 at__gte=day_bounds(timezone.localdate())[0])
        .select_related("visit", "counter")
        .order_by("-at", "-id")
    )
    if floor is not None:
        events = events.filter(counter__floor=floor)
    if counters:
        events = events.filter(counter__code__in=counters)
    calls: list[Call] = []
    for event in events[: limit * 3]:
        extra = announcement(event.visit.interpreter_language, ticket=event.visit.ticket_number,
                             floor=event.counter.floor, number=event.counter.number)
        calls.append(Call(event.pk, event.visit.ticket_number, event.counter, event.desk, event.at,
                          event.kind == StepEvent.Kind.RECALLED, extra))
        if len(calls) >= limit:
            break
    return calls


def counter_console(counter: Counter, *, now: datetime | None = None):
    """The console's view of one counter: its queue with waits, and who is at which desk."""
    queue = queues.queue_snapshot(counters=[counter], now=now)[counter.pk]
    # The snapshot already loaded the called and serving Steps (visit and procedures included).
    return queue, sorted(queue.active, key=lambda step: step.desk or 0)


def served_counter(code: str) -> Counter | None:
    if not is_code(code):
        return None
    return Counter.objects.select_related("site", "department").filter(code=code, active=True).first()


def counters_of(user) -> list[Counter]:
    """The active counters ``user`` may serve."""
    return [c for c in Counter.objects.filter(active=True).select_related("site") if may_serve(user, c)]


def counter_step(counter: Counter, step_id) -> Step | None:
    """The Step ``step_id`` (as typed in a form) if it is at ``counter``; a missing step and another
    counter's step answer alike."""
    pk = int_or_none(step_id, low=1)
    return Step.objects.select_related("visit").filter(pk=pk, counter=counter).first() if pk else None


def step_by_id(step_id) -> Step | None:
    pk = int_or_none(step_id, low=1)
    return Step.objects.select_related("visit").filter(pk=pk).first() if pk else None


def counter_floors(site: Site) -> list[int]:
    return sorted(set(Counter.objects.filter(site=site, active=True).values_list("floor", flat=True)))


def counter_version(counter: Counter) -> str:
    """What changes whenever the counter's queue does: its last step event and its closed desks."""
    last = StepEvent.objects.filter(counter=counter).order_by("-id").values_list("id", flat=True).first()
    closed = Desk.objects.filter(counter=counter, is_open=False).order_by("number").values_list("number", flat=True)
    return f"{last or 0}-{'.'.join(map(str, closed))}"


HANDOFF_PURPOSE = "窓口対応：前の窓口の引継ぎメモ / serving: the earlier counters' handoff memos"


def handoff_memos(step: Step, *, viewer) -> list[Step]:
    """Memos left by the visit's earlier counters, oldest first (what the next counter must know).
    A memo may say anything about the visitor: the clerk's seeing it is logged (none, nothing logged)."""
    memos = list(
        Step.objects.filter(visit_id=step.visit_id, status=Step.Status.DONE)
        .exclude(handoff_memo="").select_related("counter").order_by("completed_at")
    )
    if memos:
        audit.personal_data_viewed(actor=viewer, subject=step.visit, purpose=HANDOFF_PURPOSE, fields=["handoff_memo"])
    return memos


def daily_summary(*, day: date) -> list[summary_math.CounterDay]:
    """Per counter: visits, waits and handling times of one day, computed from StepEvents alone."""
    start, end = day_bounds(day)
    events = (
        StepEvent.objects.filter(at__gte=start, at__lt=end)
        .order_by("at", "id")
        .values_list("step_id", "visit_id", "counter_id", "kind", "at")
    )
    rows = summary_math.summarise(list(events))
    counters = {c.pk: c for c in Counter.objects.filter(pk__in=[r.counter_id for r in rows]).select_related("site")}
    for row in rows:
        row.counter = counters[row.counter_id]
    return sorted(rows, key=lambda r: (r.counter.site.sort_order, r.counter.floor, r.counter.number))


@dataclass
class WallboardRow:
    queue: queues.CounterQueue
    desks: list[tuple[int, bool]]
    wait: int | None  # the estimated wait of a new arrival, minutes
    longest_wait: int | None  # the longest actual wait of those waiting now, minutes
    trend: list[int]
    bars: list[int]
    direction: int
    alert: bool
    move_options: dict[int, list[Counter]]  # step id → the counters that handle all its procedures


def wallboard(*, alert_minutes: int, now: datetime | None = None) -> list[WallboardRow]:
    """Every counter of the floor on one screen: waiting, longest actual wait, desks, the last hour."""
    now = now or timezone.now()
    snapshot = queues.queue_snapshot(now=now)
    points = wallboard_math.trend_points(now)
    since = points[0]
    intervals: dict[int, list] = {pk: [] for pk in snapshot}
    recent = Step.objects.filter(counter_id__in=list(snapshot), queued_at__isnull=False).filter(
        models.Q(called_at__isnull=True, status=Step.Status.QUEUED) | models.Q(called_at__gte=since))
    for counter_id, queued, called in recent.values_list("counter_id", "queued_at", "called_at"):
        intervals[counter_id].append((queued, called))
    trends = {pk: wallboard_math.waiting_at(found, points) for pk, found in intervals.items()}
    top = max((max(t) for t in trends.values() if t), default=0)
    serving = _counters_by_procedure()
    rows = []
    for queue in snapshot.values():
        waited = [now - w.step.queued_at for w in queue.waiting if w.step and w.step.queued_at]
        longest = max(waited).total_seconds() / 60 if waited else None
        trend = trends[queue.counter.pk]
        options = {}
        for w in queue.waiting:
            if w.step is None:
                continue
            codes = [p.code for p in w.step.procedures.all()]
            common = set.intersection(*(serving.get(c, set()) for c in codes)) if codes else set()
            options[w.step.pk] = sorted(
                (c for c in common if c.site_id == queue.counter.site_id and c.pk != queue.counter.pk),
                key=lambda c: (c.floor, c.number))
        rows.append(WallboardRow(
            queue=queue, desks=queues.desk_states(queue.counter), wait=minutes_display(queue.wait_for_new_arrival),
            longest_wait=int(longest) if longest is not None else None, trend=trend,
            bars=wallboard_math.bar_levels(trend, top=top), direction=wallboard_math.direction(trend),
            alert=longest is not None and longest >= alert_minutes, move_options=options,
        ))
    rows.sort(key=lambda r: (r.queue.counter.site.sort_order, r.queue.counter.floor, r.queue.counter.number))
    return rows


def _counters_by_procedure() -> dict[str, set[Counter]]:
    found: dict[str, set[Counter]] = {}
    for procedure in Procedure.objects.filter(active=True).prefetch_related(
            models.Prefetch("counters", queryset=Counter.objects.filter(active=True))):
        found[procedure.code] = set(procedure.counters.all())
    return found


# The board's "next numbers" strip: this many tickets (one line at 1366 px), the next to be called.
NEXT_NUMBERS = 6


def next_numbers(*, site: Site, floor: int | None = None, counters: list[str] = (),
                 limit: int = NEXT_NUMBERS) -> list[tuple[str, int]]:
    """(ticket, counter number) of the visitors waiting at the board's counters, in the order the
    counters call them (the queue's order), the front of every queue first."""
    steps = Step.objects.filter(status=Step.Status.QUEUED, counter__site=site, counter__active=True)
    if floor is not None:
        steps = steps.filter(counter__floor=floor)
    if counters:
        steps = steps.filter(counter__code__in=counters)
    rows = steps.order_by("priority_at", "pk").values_list("visit__ticket_number", "counter_id", "counter__number")
    place: dict[int, int] = {}
    ranked = []
    for index, (ticket, counter_id, number) in enumerate(rows[: limit * 5]):
        place[counter_id] = place.get(counter_id, 0) + 1
        ranked.append(((place[counter_id], index), ticket, number))
    return [(ticket, number) for _rank, ticket, number in sorted(ranked)[:limit]]
