"""The insights' own tables: daily roll-ups of the step events, and the interventions a supervisor records.

Roll-ups: every figure the dashboard, the effect estimates, the forecast and the reports show is a sum
over these rows, so a year of history answers in well under a second. They hold no personal data and
no ticket numbers: counts, sums and sums of squares (for means and variances) and histogram buckets (for
medians and 90th percentiles) per day, site, counter, hour, procedure and channel, as each figure needs.
``services.rollup_day`` rebuilds one day's rows from the step events (idempotent: delete, then insert),
``RollupDay`` says when; past days are final, today's rows are refreshed when they are a minute old.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.reception.models import Channel


class Metric(models.TextChoices):
    WAIT = "wait", _("Wait")
    HANDLING = "handling", _("Handling time")


class Service(models.TextChoices):
    """The digital services whose usage and effect the insights measure."""

    PREFILL = "prefill", _("No-writing counter (pre-filled forms)")
    PREAPPLICATION = "preapplication", _("Pre-application")
    APPOINTMENT = "appointment", _("Appointments")
    NAVIGATOR = "navigator", _("Procedure navigator")
    CASHLESS = "cashless", _("Cashless payment")
    OTHER = "other", _("Other")


class RollupDay(models.Model):
    """One day rolled up: when, and how many visits it held then."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()
    visits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"roll-up {self.day} ({self.visits} visits)"


class _DayRow(models.Model):
    day = models.DateField()
    site = models.ForeignKey("catalog.Site", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.day}"


class VisitRollup(_DayRow):
    """Visits by arrival hour, channel, record origin and size (procedures at registration: 1, 2–3, 4+)."""

    hour = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    origin = models.CharField(max_length=10)
    size = models.PositiveSmallIntegerField()  # 1, 2 (two or three procedures), 4 (four or more)
    visits = models.PositiveIntegerField(default=0)
    multi_procedure = models.PositiveIntegerField(default=0)
    multi_counter = models.PositiveIntegerField(default=0)  # handed on to at least one more counter
    with_added = models.PositiveIntegerField(default=0)  # a procedure added after registration
    added_procedures = models.PositiveIntegerField(default=0)
    prefilled = models.PositiveIntegerField(default=0)  # forms printed pre-filled at one counter or more
    cancelled = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


class CounterHourRollup(_DayRow):
    """One counter in one clock hour: queue joins, calls, waits, handling, no-shows, desk time, estimate error.

    Waits belong to the hour the visitor joined the queue, handling to the hour service started, desk
    time to the hour it was spent. Sums of squares give the standard deviations."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    hour = models.PositiveSmallIntegerField()
    joins = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    wait_count = models.PositiveIntegerField(default=0)
    wait_sum = models.FloatField(default=0)
    wait_sq = models.FloatField(default=0)
    handling_count = models.PositiveIntegerField(default=0)
    handling_sum = models.FloatField(default=0)
    handling_sq = models.FloatField(default=0)
    busy_minutes = models.FloatField(default=0)
    desks_active = models.PositiveSmallIntegerField(default=0)
    estimates = models.PositiveIntegerField(default=0)  # joins with the estimate shown then, and a call after
    estimate_abs_error = models.FloatField(default=0)
    estimate_error = models.FloatField(default=0)  # estimate − actual: negative = promised too short

    class Meta:
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["counter", "day"])]


class HourDistribution(_DayRow):
    """How many waits (or handling times) fell in each bucket (``distribution.BUCKET_EDGES``), per counter
    and hour: read for one counter's hours. The same counts are kept coarser below, so a year of the
    whole office reads a few hundred thousand rows instead of millions."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    hour = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["counter", "day"])]


class CounterDistribution(_DayRow):
    """The buckets per counter and day (every hour together)."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=10, choices=Metric.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["counter", "day"])]


class SiteHourDistribution(_DayRow):
    """The buckets per hour of a site's day (every counter together)."""

    hour = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


class ProcedureRollup(_DayRow):
    """One procedure at one counter: Steps carrying it, their waits and handling, how many pre-filled.

    A Step carrying two procedures counts for each of them (its handling time is the Step's)."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    steps = models.PositiveIntegerField(default=0)
    prefilled = models.PositiveIntegerField(default=0)
    wait_count = models.PositiveIntegerField(default=0)
    wait_sum = models.FloatField(default=0)
    handling_count = models.PositiveIntegerField(default=0)
    handling_sum = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


class ProcedureDistribution(_DayRow):
    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=10, choices=Metric.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


class StratumRollup(_DayRow):
    """Handled Steps by their exact set of procedures (the stratum), channel and pre-fill: the effect
    estimates compare like with like (a pre-filled move-in with other move-ins, never with certificates)."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    stratum = models.CharField(max_length=400)  # procedure codes, sorted, joined by "+"
    channel = models.CharField(max_length=20, choices=Channel.choices)
    prefilled = models.BooleanField()
    prefillable = models.BooleanField()  # one of its procedures has a pre-fillable form
    steps = models.PositiveIntegerField(default=0)
    handling_count = models.PositiveIntegerField(default=0)
    handling_sum = models.FloatField(default=0)
    handling_sq = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


class ChannelWaitRollup(_DayRow):
    """Waits by counter, hour and channel: appointments against walk-ins at the same counter and hour."""

    counter = models.ForeignKey("catalog.Counter", on_delete=models.CASCADE, related_name="+")
    hour = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    wait_count = models.PositiveIntegerField(default=0)
    wait_sum = models.FloatField(default=0)
    wait_sq = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]


ROLLUP_MODELS = (VisitRollup, CounterHourRollup, HourDistribution, CounterDistribution, SiteHourDistribution,
                 ProcedureRollup, ProcedureDistribution, StratumRollup, ChannelWaitRollup)


class Intervention(models.Model):
    """Something the ward did to raise a service's use (効果検証): posters at reception, a line on the
    route sheet, a staff briefing. The insights compare the weeks before and after its date."""

    day = models.DateField(_("date"))
    title = models.CharField(_("what was done"), max_length=200)
    description = models.TextField(_("details"), blank=True, max_length=2000)
    service = models.CharField(_("service it aims at"), max_length=20, choices=Service.choices)
    site = models.ForeignKey("catalog.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every site."))
    counter = models.ForeignKey("catalog.Counter", verbose_name=_("counter"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every counter."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.day} {self.title}"
