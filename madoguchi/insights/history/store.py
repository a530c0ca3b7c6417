"""Writing past days as ordinary Visits, Steps and step events (demo history and imported history).

The rows are the ones the live services write — a Visit with its ticket, one Step per counter with its
procedures, a StepEvent per state change, a StepPrefill where forms were printed pre-filled — so the
dashboard, the wait estimate and the forecast read them like recorded ones. Only ``Visit.origin``
tells them apart. Bulk inserts, a few statements per table per day.
"""

from dataclasses import dataclass, field
from datetime import datetime

from madoguchi.prefill.models import CaptureSource, StepPrefill
from madoguchi.reception.models import Step, StepEvent, Visit


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
    service_date: object
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
    created = Visit.objects.bulk_create([
        Visit(site_id=v.site_id, service_date=v.service_date, ticket_seq=v.ticket_seq, ticket_number=v.ticket_number,
              channel=v.channel, needs=v.needs, arrived_at=v.arrived_at, priority_at=v.priority_at, status=v.status,
              completed_at=v.completed_at, origin=origin, procedures_added=v.procedures_added)
        for v in visits], batch_size=2000)
    steps, owners = [], []
    for visit, row in zip(visits, created, strict=True):
        for step in visit.steps:
            steps.append(Step(visit_id=row.pk, counter_id=step.counter_id, status=step.status,
                              priority_at=step.priority_at, queued_at=step.queued_at, called_at=step.called_at,
                              started_at=step.started_at, completed_at=step.completed_at, desk=step.desk))
            owners.append((row.pk, step))
    steps = Step.objects.bulk_create(steps, batch_size=2000)
    through = Step.procedures.through
    links, events, prefills = [], [], []
    for row, (visit_id, step) in zip(steps, owners, strict=True):
        links.extend(through(step_id=row.pk, procedure_id=p) for p in step.procedure_ids)
        events.extend(StepEvent(step_id=row.pk, visit_id=visit_id, counter_id=step.counter_id, kind=e.kind, at=e.at,
                                desk=e.desk, details=e.details) for e in step.events)
        if step.prefill_source:
            prefills.append(StepPrefill(step_id=row.pk, capture_source=step.prefill_source,
                                        captured_here=step.captured_here, forms_printed_at=step.started_at,
                                        print_count=1))
    through.objects.bulk_create(links, batch_size=5000)
    StepEvent.objects.bulk_create(events, batch_size=5000)
    StepPrefill.objects.bulk_create(prefills, batch_size=2000)
    return len(created)


CARD = CaptureSource.CARD
PREAPPLICATION = CaptureSource.PREAPPLICATION
MANUAL = CaptureSource.MANUAL
