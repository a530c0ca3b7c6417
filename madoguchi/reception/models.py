"""A visit (来庁) and its Steps: one ticket for the whole trip, one Step per counter.

Every change of a Step's status is also written as a ``StepEvent``; waits, handling times and
daily summaries are computed from those events alone.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.core.mynumber import random_text_without_number


def new_status_token() -> str:
    # The visitor's status URL: unguessable, carries no personal data (nor anything that reads as it).
    return random_text_without_number(lambda: secrets.token_urlsafe(16))


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Reception desk")
    KIOSK = "kiosk", _("Kiosk")
    NAVIGATOR = "navigator", _("Navigator QR")
    PREAPPLICATION = "preapplication", _("Pre-application")
    APPOINTMENT = "appointment", _("Appointment")
    API = "api", _("API")


class InterpreterLanguage(models.TextChoices):
    """The languages the ward can interpret (a visitor's need); the names are their own."""

    ENGLISH = "en", "English"
    CHINESE = "zh", "中文"
    KOREAN = "ko", "한국어"
    VIETNAMESE = "vi", "Tiếng Việt"
    NEPALI = "ne", "नेपाली"
    TAGALOG = "tl", "Tagalog"
    PORTUGUESE = "pt", "Português"
    SPANISH = "es", "Español"
    BURMESE = "my", "မြန်မာ"
    SIGN = "jsl", _("Japanese Sign Language")


# What the next counter must know, in the clerk's words (never an individual number).
HANDOFF_MEMO_MAX = 1000


class Need(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair")
    HEARING = "hearing", _("Hearing support")
    VISION = "vision", _("Vision support")
    PRIORITY = "priority", _("Priority (pregnancy, illness, disability)")
    INTERPRETER = "interpreter", _("Interpreter")


class Origin(models.TextChoices):
    """Where a visit's record comes from. Imported and demo visits count in every figure like recorded
    ones; the mark lets the insights tell them apart and remove demo data again."""

    RECORDED = "recorded", _("Recorded here")
    IMPORTED = "imported", _("Imported from the previous system")
    DEMO = "demo", _("Demo data")


class TicketSequence(models.Model):
    """The last ticket number issued at a site on a day. Locked row per (site, day)."""

    site = models.ForeignKey("catalog.Site", on_delete=models.PROTECT)
    service_date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "service_date"], name="one_sequence_per_site_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.service_date}: {self.last_number}"


class Visit(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    site = models.ForeignKey("catalog.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="visits")
    service_date = models.DateField(_("date"), db_index=True)
    ticket_seq = models.PositiveIntegerField(_("ticket sequence"))
    ticket_number = models.CharField(_("ticket number"), max_length=12)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    interpreter_language = models.CharField(_("interpreter language"), max_length=20, blank=True,
                                            choices=InterpreterLanguage.choices)
    life_event = models.CharField(_("life event"), max_length=64, blank=True)
    # The day of the life event (the move, the birth), when the visit brought it (the navigator's code, a
    # pre-application): the forms' dates default to it.
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"))
    # The visit's place in every queue: its arrival, earlier for priority needs or appointments.
    priority_at = models.DateTimeField(_("queue priority"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_token = models.CharField(max_length=32, unique=True, default=new_status_token, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    origin = models.CharField(_("record origin"), max_length=10, choices=Origin.choices, default=Origin.RECORDED)
    # Procedures added after registration (visit_add_procedures): what the navigator should have found.
    procedures_added = models.PositiveSmallIntegerField(_("procedures added mid-visit"), default=0)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-service_date", "-ticket_seq"]
        constraints = [
            # The backstop for ticket numbering: never two visits with one number at a site on a day.
            models.UniqueConstraint(fields=["site", "service_date", "ticket_seq"], name="ticket_unique_per_site_day"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_number} ({self.service_date})"

    @property
    def need_labels(self) -> list[str]:
        """The needs in the reader's language (the codes are stored)."""
        labels = dict(Need.choices)
        return [str(labels.get(code, code)) for code in self.needs]


class Step(models.Model):
    """The part of a visit done at one counter, carrying that counter's procedures."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet (an earlier counter first)")
        QUEUED = "queued", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CALLED, Status.SERVING)
    OPEN = (Status.PENDING, Status.QUEUED, Status.CALLED, Status.SERVING)

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="steps")
    counter = models.ForeignKey(
        "catalog.Counter", verbose_name=_("counter"), on_delete=models.PROTECT, related_name="steps"
    )
    procedures = models.ManyToManyField("catalog.Procedure", verbose_name=_("procedures"), related_name="steps")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    priority_at = models.DateTimeField(_("queue priority"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    desk = models.PositiveSmallIntegerField(_("desk"), null=True, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    recall_count = models.PositiveSmallIntegerField(_("recalls"), default=0)
    no_show_count = models.PositiveSmallIntegerField(_("no-shows"), default=0)
    handoff_memo = models.TextField(_("handoff memo"), blank=True, max_length=HANDOFF_MEMO_MAX)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["visit", "id"]
        indexes = [models.Index(fields=["counter", "status", "priority_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "counter"], condition=models.Q(status__in=["pending", "queued", "called", "serving"]),
                name="one_open_step_per_counter",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="queued") | models.Q(priority_at__isnull=False),
                name="queued_step_has_priority",
            ),
            # A desk serves one visitor at a time: two "call next" presses at one desk call one visitor.
            models.UniqueConstraint(
                fields=["counter", "desk"], condition=models.Q(status__in=["called", "serving"]),
                name="one_visitor_per_desk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit.ticket_number} @ {self.counter.code} ({self.status})"


class StepEvent(models.Model):
    """One state change of a Step, with its time and the clerk. The source of every figure."""

    class Kind(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Recalled")
        SERVING = "serving", _("Serving")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")
        REQUEUED = "requeued", _("Back in line")
        CANCELLED = "cancelled", _("Cancelled")
        MOVED = "moved", _("Moved to another counter")
        ADDED = "added", _("Procedures added")  # mid-visit, at the counter: details["procedures"]

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="events")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    counter = models.ForeignKey("catalog.Counter", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    desk = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["counter", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%H:%M:%S} {self.kind} step {self.step_id}"


class Desk(models.Model):
    """One staffed position at a counter (窓口 11番 desk 2). Supervisors open and close desks;
    the wait estimate counts the open ones."""

    counter = models.ForeignKey(
        "catalog.Counter", verbose_name=_("counter"), on_delete=models.CASCADE, related_name="desk_set"
    )
    number = models.PositiveSmallIntegerField(_("desk number"))
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["counter", "number"]
        constraints = [models.UniqueConstraint(fields=["counter", "number"], name="desk_number_unique_per_counter")]

    def __str__(self) -> str:
        return f"{self.counter.code} #{self.number}"


class StatusNotice(models.Model):
    """A visitor's wish to be told by SMS or e-mail when two visitors are ahead of them (once per
    counter). It lives only while the visit does: deleted when the visit ends or is cancelled, and any
    left from an earlier day are deleted too. Staff lists never show it."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS (text message)")
        EMAIL = "email", _("E-mail")

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="status_notice")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=254)
    language = models.CharField(max_length=10)
    # The Step (counter) the last notice was sent for: a visit handed on to another counter is told again.
    notified_step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"notice for visit {self.visit_id} ({self.channel})"

    @property
    def masked_address(self) -> str:
        """What the status page shows of the address: enough to recognise it, not to read it."""
        if self.channel == self.Channel.EMAIL:
            local, _at, domain = self.address.partition("@")
            return f"{local[:1]}…@{domain}"
        return f"…{self.address[-4:]}"


class QueueTail(models.Model):
    """The back of one counter's queue as the wait estimate last laid it out: when each open desk is free
    after everyone waiting (minutes after ``figured_at``, sorted), and who is still to be handed in after them.

    A visitor joining at the back takes the first free desk of it (``estimate.join_tail``): O(desks), where
    figuring the whole queue again reads every waiting Step. It is figured whole again from the queue when
    it is older than ``QUEUE_TAIL_SECONDS`` (as long as the handling speeds are cached), when the counter's
    desk count changed, or when a visitor left the queue other than by being called (no-show, cancel, move,
    procedures added) or a desk opened or closed: those drop it. Registrations lock the row (one at a time
    per counter, for the few statements left before their commit), so no joiner is lost between workers.
    """

    counter = models.OneToOneField("catalog.Counter", primary_key=True, on_delete=models.CASCADE, related_name="+")
    figured_at = models.DateTimeField()
    desks = models.PositiveSmallIntegerField(default=0)  # the counter's desk count when figured
    desk_free_at = models.JSONField(default=list)
    # The visitors still to be handed in after everyone waiting: [minutes until they arrive, handling minutes,
    # rank in priority order among them] (``estimate.QueueSchedule.incoming_later``).
    incoming_later = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.counter_id} @ {self.figured_at:%H:%M:%S}: {self.desk_free_at}"
