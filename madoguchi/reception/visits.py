"""Today's visits (本日の来庁): find a visit by ticket number, status or counter; its whole route; a lost
route sheet printed again. Reads only; every view of a visit's details (needs, handoff memos) is logged.

Scope: reception and supervisors see every visit of the day; a counter clerk sees the visits that
have a Step at one of their counters (what they serve, or will).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from madoguchi.audit import services as audit
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Capability, Role

from .models import Step, StepEvent, Visit

# The most visits one page lists (a busy day has several hundred: search narrows them).
LIST_MAX = 200
VISIT_PURPOSE = "本日の来庁：経路と引継ぎメモ / today's visits: route and handoff memos"
VISIT_FIELDS = ["needs", "interpreter_language", "handoff_memo"]
_DIGITS = re.compile(r"([0-9]+)")


@dataclass(frozen=True)
class VisitQuery:
    day: date
    site: Site | None = None
    ticket: str = ""
    status: str = ""
    counter: Counter | None = None


def sees_every_visit(user) -> bool:
    return user.can(Capability.RECEPTION_REGISTER) or user.can(Capability.SUPERVISE)


def visible_visits(user) -> QuerySet[Visit]:
    """The visits ``user`` may look up: all of them, or a counter clerk's counters' visits."""
    visits = Visit.objects.all()
    if sees_every_visit(user):
        return visits
    if user.role == Role.COUNTER:
        return visits.filter(steps__counter__in=user.counters.all()).distinct()
    return visits.none()


def counters_for_search(user) -> QuerySet[Counter]:
    counters = Counter.objects.filter(active=True).select_related("site").order_by("site", "floor", "number")
    if sees_every_visit(user):
        return counters
    return counters.filter(pk__in=user.counters.all()) if user.role == Role.COUNTER else counters.none()


def ticket_matches(visits: QuerySet[Visit], text: str) -> QuerySet[Visit]:
    """Visits whose ticket the text names: "R-012", "r12", "１２" and "12" all find R-012 (and K-012)."""
    text = unicodedata.normalize("NFKC", text).strip().upper()
    digits = _DIGITS.search(text)
    if digits is None:
        return visits.filter(ticket_number__icontains=text[:12]) if text else visits
    found = visits.filter(ticket_seq=int(digits.group(1)[:6]))
    prefix = text[: digits.start()].rstrip("-").strip()
    return found.filter(ticket_number__istartswith=prefix[:4]) if prefix else found


def visit_search(user, query: VisitQuery) -> list[Visit]:
    """The day's visits ``user`` may see that match ``query``, newest first, with their Steps."""
    visits = visible_visits(user).filter(service_date=query.day)
    if query.site is not None:
        visits = visits.filter(site=query.site)
    if query.ticket:
        visits = ticket_matches(visits, query.ticket)
    if query.status in Visit.Status.values:
        visits = visits.filter(status=query.status)
    elif query.status in Step.Status.values:  # where the visitor is now: waiting, called, being served
        visits = visits.filter(steps__status=query.status).distinct()
    if query.counter is not None:
        visits = visits.filter(steps__counter=query.counter).distinct()
    steps = Step.objects.select_related("counter").order_by("id")
    return list(visits.select_related("site").prefetch_related(Prefetch("steps", queryset=steps))
                .order_by("-arrived_at", "-ticket_seq")[:LIST_MAX])


def visit_for(user, visit_id: int) -> Visit | None:
    """One visit ``user`` may see, its view logged (needs and memos are about the person)."""
    visit = visible_visits(user).select_related("site").filter(pk=visit_id).first()
    if visit is not None:
        audit.personal_data_viewed(actor=user, subject=visit, purpose=VISIT_PURPOSE, fields=VISIT_FIELDS)
    return visit


def visit_events(visit: Visit) -> list[StepEvent]:
    """What happened to the visit, in order: queued, called, served, handed on…"""
    return list(visit.events.select_related("counter", "actor").order_by("at", "id"))


def current_step(steps) -> Step | None:
    return next((s for s in steps if s.status in (Step.Status.QUEUED, *Step.ACTIVE)), None)
