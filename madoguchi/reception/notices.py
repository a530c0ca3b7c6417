"""Services of the visitor's "tell me when my turn is near" notice (SMS or e-mail).

The visitor opts in on their ticket's status page. When two visitors (or fewer) are ahead of them at
the counter they wait for, one notice goes out through the channel's sender
(``madoguchi.core.senders``); handed on to another counter, they are told again there. The address
lives only while the visit does: ``status_notice_discard`` deletes it when the visit ends or is
cancelled (called by the services that end it), and notices of earlier days are deleted whenever
notices are written or sent, so none outlives its day even when a visit was never closed.
"""

import logging
import re
import unicodedata
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from madoguchi.core import background, senders
from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import contains_individual_number

from .models import StatusNotice, Step, Visit

logger = logging.getLogger("madoguchi.notices")

# Told when this many visitors (or fewer) are ahead.
NOTICE_WHEN_AHEAD = 2
_PHONE = re.compile(r"^\+?[0-9]{10,15}$")


def normalise_phone(text: str) -> str | None:
    """Digits of a phone number as people write it (090-1234-5678, ０９０ １２３４ ５６７８, +81 90 …);
    None when it is not one."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    digits = re.sub(r"[\s\-‐–—−().]", "", folded)
    return digits if _PHONE.match(digits) else None


def _checked_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    if contains_individual_number(address):
        raise DomainError(_("Do not enter your individual number (My Number) here."), field="address")
    if channel == StatusNotice.Channel.SMS:
        phone = normalise_phone(address)
        if phone is None:
            raise DomainError(_("Enter a mobile phone number, e.g. 090-1234-5678."), field="address")
        return phone
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(_("Enter an e-mail address, e.g. name@example.jp."), field="address") from None
    return address


def _discard_earlier_days(now: datetime) -> None:
    StatusNotice.objects.filter(visit__service_date__lt=timezone.localdate(now)).delete()


# The day this process last discarded the notices of earlier days while sending: once a day is enough (a
# notice only becomes one of an earlier day at midnight), and the sending check runs after every call.
_discarded_on = None


def _discard_earlier_days_once_a_day(now: datetime) -> None:
    global _discarded_on
    today = timezone.localdate(now)
    if _discarded_on != today:
        _discard_earlier_days(now)
        _discarded_on = today


@transaction.atomic
def status_notice_subscribe(*, visit: Visit, channel: str, address: str, language: str,
                            now: datetime | None = None) -> StatusNotice:
    """Ask to be told when the turn is near. MUST refuse a visit that has ended, a channel the office
    does not offer and an address that is not one (``DomainError`` naming the field); one notice per
    visit (asking again replaces the address)."""
    now = now or timezone.now()
    _discard_earlier_days(now)
    if visit.status != Visit.Status.ACTIVE:
        raise DomainError(_("This ticket has ended: there is nothing more to tell."), field="channel")
    if channel not in senders.channels():
        raise DomainError(_("Choose how to be told."), field="channel")
    address = _checked_address(channel, address)
    notice, _created = StatusNotice.objects.update_or_create(
        visit=visit, defaults={"channel": channel, "address": address, "language": language, "created_at": now,
                               "notified_step": None})
    transaction.on_commit(lambda: status_notices_send_due(counter_ids=_waiting_counters(visit)))
    return notice


def _waiting_counters(visit: Visit) -> list[int]:
    return list(visit.steps.filter(status=Step.Status.QUEUED).order_by().values_list("counter_id", flat=True))


@transaction.atomic(savepoint=False)  # one statement: inside a caller's transaction it needs no savepoint
def status_notice_discard(*, visit: Visit) -> int:
    """Delete the visit's notice (the visitor stopped it, or the visit ended). Returns how many went."""
    deleted, _detail = StatusNotice.objects.filter(visit=visit).delete()
    return deleted


def _notice_text(notice: StatusNotice, step: Step, ahead: int) -> tuple[str, str]:
    with translation.override(notice.language):
        counter = step.counter
        subject = gettext("Your turn is coming: ticket %(ticket)s") % {"ticket": step.visit.ticket_number}
        if ahead == 0:
            text = gettext("Ticket %(ticket)s: you are next at counter %(number)s (floor %(floor)s). "
                           "Please wait near the counter.")
        else:
            text = gettext("Ticket %(ticket)s: %(ahead)s people ahead of you at counter %(number)s "
                           "(floor %(floor)s). Please come back near the counter.")
        text = text % {"ticket": step.visit.ticket_number, "ahead": ahead, "number": counter.number,
                       "floor": counter.floor}
        return subject, f"{gettext('Ward office')}: {text}"


# Whether a notice waits among the first NOTICE_WHEN_AHEAD + 1 queued at a counter: asked after every call and
# usually answered "no". One short statement: the ORM's query below, built for that "no", took 0.7 ms of CPU, this 0.1.
_NOTICE_AT_THE_FRONT = (  # our own table names; the values are parameters
    f"SELECT 1 FROM {StatusNotice._meta.db_table} n WHERE n.visit_id IN (SELECT s.visit_id FROM {Step._meta.db_table} s"  # noqa: S608
    " WHERE s.counter_id = %s AND s.status = %s ORDER BY s.priority_at, s.id LIMIT %s) LIMIT 1"
)


def _a_notice_at_the_front(counter_ids) -> bool:
    with connection.cursor() as cursor:
        for counter_id in counter_ids:
            cursor.execute(_NOTICE_AT_THE_FRONT, [counter_id, Step.Status.QUEUED.value, NOTICE_WHEN_AHEAD + 1])
            if cursor.fetchone() is not None:
                return True
    return False


def status_notices_send_due(*, counter_ids, now: datetime | None = None) -> int:
    """Send every notice now due at these counters: the visitor waits there with at most
    ``NOTICE_WHEN_AHEAD`` people ahead and was not told for this counter yet. Returns how many were
    handed to their senders.

    Runs after the change that moved the queue was committed. The senders run on a thread of their own
    (``core.background``): a gateway's wait never holds the clerk's request. A sender's failure is
    logged (never the address); that counter's notice is not tried again."""
    now = now or timezone.now()
    counter_ids = sorted(set(counter_ids))
    if not counter_ids:
        return 0
    _discard_earlier_days_once_a_day(now)
    if not _a_notice_at_the_front(counter_ids):
        return 0
    # A notice is due only to one of the first NOTICE_WHEN_AHEAD + 1 waiting at a counter: only their Steps are
    # looked at — a handful of rows per counter however long the queue (the check above alone when none asked).
    fronts = {counter_id: Step.objects.filter(counter_id=counter_id, status=Step.Status.QUEUED)
              .order_by("priority_at", "id")[:NOTICE_WHEN_AHEAD + 1] for counter_id in counter_ids}
    near = Q()
    for front in fronts.values():
        near |= Q(visit__steps__in=front.values("id"))
    pending = list(StatusNotice.objects.filter(near, visit__status=Visit.Status.ACTIVE).distinct().order_by("id"))
    if not pending:
        return 0
    place = {step.visit_id: (step, ahead) for front in fronts.values()
             for ahead, step in enumerate(front.select_related("counter", "visit"))}
    due = []
    for notice in pending:
        step, ahead = place.get(notice.visit_id, (None, None))
        if step is None or notice.notified_step_id == step.pk:
            continue
        # Claim it first: two workers committing calls at once never send it twice.
        claimed = StatusNotice.objects.filter(pk=notice.pk).exclude(notified_step_id=step.pk).update(
            notified_step_id=step.pk)
        if not claimed:
            continue
        sender = senders.sender_for(notice.channel)
        if sender is None:
            continue
        subject, text = _notice_text(notice, step, ahead)
        due.append((notice.visit_id, sender, senders.Notice(channel=notice.channel, to=notice.address,
                                                            subject=subject, text=text, language=notice.language)))
    if due:
        # The gateway's network wait is not the clerk's: the messages go on a thread of their own.
        background.start(_send, due, name="status-notices")
    return len(due)


def _send(due) -> None:
    for visit_id, sender, notice in due:
        try:
            sender.send(notice)
        except senders.SendFailed as error:
            logger.warning("status notice for visit %s (%s) not sent: %s", visit_id, notice.channel, error)
        except Exception as error:  # a ward's gateway class failing its contract: the next notice still goes
            # The type alone: its message may hold the address.
            logger.warning("status notice for visit %s (%s) failed: %s", visit_id, notice.channel,
                           type(error).__name__)


def notices_due_after_commit(counter_id: int) -> None:
    """Check this counter's notices once the current transaction commits (a queue moved there).
    Usually one query that finds nothing."""

    def run():
        try:
            status_notices_send_due(counter_ids=[counter_id])
        except Exception:  # a notice must never break the counter's work: log it and go on
            logger.exception("status notices for counter %s failed", counter_id)

    transaction.on_commit(run)
