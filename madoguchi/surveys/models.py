"""The visitor survey's invitations and responses (利用者調査).

The survey link of a finished visit is its status page's (``/v/<token>/survey/``): the status token is
random (128 bits) and says nothing of the visit. A response copies the visit's facts (procedures,
channel, counters, waits, pre-fill) when it is given and is never linked to the person: no name, no
ticket, no visit id is kept on it, so it outlives the visit's personal data and leads back to no one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# How long after a visit finishes its survey link stays open.
INVITATION_DAYS = 14


class Receipt(models.Model):
    """That a visit has answered (one response per visit). Kept apart from the response on purpose:
    the response holds no way back to the visit, the receipt no answer."""

    visit = models.OneToOneField("reception.Visit", verbose_name=_("visit"), on_delete=models.CASCADE,
                                 related_name="survey_receipt")
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey receipt")
        verbose_name_plural = _("survey receipts")

    def __str__(self) -> str:
        return f"receipt {self.pk}"


class Source(models.TextChoices):
    PHONE = "phone", _("Visitor's own device")
    TABLET = "tablet", _("Exit tablet")
    PAPER = "paper", _("Paper, keyed by staff")
    API = "api", _("API")


class Response(models.Model):
    """One visit's answers, with the visit's non-personal facts as they were when it answered."""

    version = models.ForeignKey("catalog.SurveyVersion", verbose_name=_("survey version"),
                                on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("answered on"), max_length=10, choices=Source.choices)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    answers = models.JSONField(_("answers"), default=dict)
    # The free comment with phone numbers, e-mail addresses and 12-digit numbers masked before storage.
    comment = models.TextField(_("comment"), blank=True)
    # The visit's facts (no identity): when, where, how, which procedures, how long.
    service_date = models.DateField(_("visit date"), db_index=True)
    site_code = models.CharField(_("site"), max_length=64)
    channel = models.CharField(_("channel"), max_length=20)
    procedures = models.JSONField(_("procedures"), default=list)
    counters = models.JSONField(_("counters"), default=list)
    wait_minutes = models.FloatField(_("actual wait (minutes)"), null=True)
    handling_minutes = models.FloatField(_("actual handling (minutes)"), null=True)
    prefilled = models.BooleanField(_("forms pre-filled"), default=False)
    appointment = models.BooleanField(_("came by appointment"), default=False)
    preapplication = models.BooleanField(_("came with a pre-application"), default=False)
    demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"response {self.pk} ({self.service_date})"


class ActionItem(models.Model):
    """A survey finding turned into an action (改善アクション) for the 総合窓口運営連絡会: what, which
    department owns it, by when, how far it is. Once carried out it is recorded as an intervention on the
    insights page (``intervention_id``, set from there), so its effect is measured before and after."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    finding = models.TextField(_("finding"), max_length=1000)
    action = models.CharField(_("what will be done"), max_length=200)
    department = models.ForeignKey("catalog.Department", verbose_name=_("owner department"),
                                   on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The insights intervention that measures the action (insights stands above surveys: an id, kept by it).
    intervention_id = models.PositiveBigIntegerField(_("intervention"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=["planned", "in_progress", "done",
                                                                               "dropped"]),
                                              name="action_item_status_known")]

    def __str__(self) -> str:
        return self.action
