"""Writing past days as ordinary Visits, Steps and step events (demo history and imported history).

The rows are the ones the live services write — a Visit with its ticket, one Step per counter with its
procedures, a StepEvent per state change, a StepPrefill where forms were printed pre-filled — so the
dashboard, the wait estimate and the forecast read them like recorded ones. Only ``Visit.origin``
tells them apart. A year of history is half a million visits and millions of events: the rows go in
through ``insights.bulk.insert``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from madoguchi.insights.bulk import insert as _insert
from madoguchi.prefill.models import CaptureSource, StepPrefill
from madoguchi.reception.models import Step, StepEvent, Visit

CARD = CaptureSource.CARD
PREAPPLICATION = CaptureSource.PREAPPLICATION
MANUAL = CaptureSource.MANUAL


@dataclass
class HistoryEvent:
    kind: str
    at: datetime
    desk: int | None = None
    details: dict = field(default_factory=dict)


@dataclass
class HistoryStep:
    counter_id: int
    procedure_ids: list[int]
    status: str
    priority_at: datetime | None
    queued_at: datetime | None
    called_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    desk: int | None
    events: list[HistoryEvent]
    prefill_source: str | None = None  # a CaptureSource when the forms were printed pre-filled
    captured_here: bool = False


@dataclass
class HistoryVisit:
    site_id: int
    service_date: date
    ticket_seq: int
    ticket_number: str
    channel: str
    arrived_at: datetime
    priority_at: datetime
    status: str
    completed_at: datetime | None
    procedures_added: int
    steps: list[HistoryStep]
    needs: list = field(default_factory=list)


def write_visits(visits: list[HistoryVisit], *, origin: str) -> int:
    """Insert ``visits`` with their Steps, events and pre-fill records (the caller holds the transaction)."""
    if not visits:
        return 0
    ops = connection.ops

    def moment(value: datetime | None):
        return ops.adapt_datetimefield_value(value) if value is not None else None

    def json(value):
        return ops.adapt_json_value(value, None)

    visit_ids = _insert(Visit, ["site", "service_date", "ticket_seq", "ticket_number", "channel", "needs",
                                "interpreter_language", "life_event", "arrived_at", "priority_at", "status",
                                "status_token", "completed_at", "origin", "procedures_added"], [
        (v.site_id, ops.adapt_datefield_value(v.service_date), v.ticket_seq, v.ticket_number, v.channel,
         json(v.needs), "", "", moment(v.arrived_at), moment(v.priority_at), v.status,
         Visit._meta.get_field("status_token").get_default(), moment(v.completed_at), origin, v.procedures_added)
        for v in visits], returning=True)
    owners = [(visit_id, step) for visit_id, visit in zip(visit_ids, visits, strict=True) for step in visit.steps]
    step_ids = _insert(Step, ["visit", "counter", "status", "priority_at", "queued_at", "called_at", "started_at",
                              "completed_at", "desk", "recall_count", "no_show_count", "handoff_memo"], [
        (visit_id, s.counter_id, s.status, moment(s.priority_at), moment(s.queued_at), moment(s.called_at),
         moment(s.started_at), moment(s.completed_at), s.desk, 0,
         sum(1 for e in s.events if e.kind == StepEvent.Kind.NO_SHOW), "")
        for visit_id, s in owners], returning=True)
    links, events, prefills = [], [], []
    now = moment(timezone.now())
    for step_id, (visit_id, step) in zip(step_ids, owners, strict=True):
        links.extend((step_id, procedure_id) for procedure_id in step.procedure_ids)
        events.extend((step_id, visit_id, step.counter_id, e.kind, moment(e.at), e.desk, json(e.details))
                      for e in step.events)
        if step.prefill_source:
            prefills.append((step_id, step.prefill_source, step.captured_here, json([]), moment(step.started_at), 1,
                             now))
    _insert(Step.procedures.through, ["step", "procedure"], links)
    _insert(StepEvent, ["step", "visit", "counter", "kind", "at", "desk", "details"], events)
    _insert(StepPrefill, ["step", "capture_source", "captured_here", "form_codes", "forms_printed_at",
                          "print_count", "created_at"], prefills)
    return len(visit_ids)
