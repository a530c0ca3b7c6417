"""The DX help desk (よろず相談DX): consultations from any section, the desk's work on them, the tool
delivered and the hours it saved, measured three months after delivery.

A consultation's "before" figures (times per month × minutes per time) are the staff member's own;
the desk enters the same figures again when it measures, so the saving is computed, never typed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import workflow


class HelpKind(models.TextChoices):
    ONLINE_APPLICATION = "online_application", _("Online application")
    RPA = "rpa", _("RPA (automating PC work)")
    SPREADSHEET = "spreadsheet", _("Spreadsheet and data")
    LOW_CODE = "low_code", _("Low-code app")
    AI_CHAT = "ai_chat", _("AI and chat")
    PAPERLESS = "paperless", _("Paperless")
    DEVICES = "devices", _("Devices and network")


class Status(models.TextChoices):
    RECEIVED = workflow.RECEIVED, _("Received")
    ANALYSING = workflow.ANALYSING, _("Analysing")
    BUILDING = workflow.BUILDING, _("Building")
    DELIVERED = workflow.DELIVERED, _("Delivered")
    MEASURED = workflow.MEASURED, _("Measured")
    DECLINED = workflow.DECLINED, _("Declined")


class Origin(models.TextChoices):
    STAFF = "staff", _("Filed by staff")
    COUNTER_DATA = "counter_data", _("Opened from the counter's data")


class Consultation(models.Model):
    section = models.ForeignKey("talent.Section", verbose_name=_("section"), on_delete=models.PROTECT,
                                related_name="consultations")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    title = models.CharField(_("title"), max_length=120)
    task = models.TextField(_("the task today"), max_length=2000)
    times_per_month = models.PositiveIntegerField(_("times per month"))
    minutes_per_time = models.PositiveIntegerField(_("minutes each time"))
    pain = models.TextField(_("what hurts"), max_length=2000)
    help_kind = models.CharField(_("kind of help"), max_length=20, choices=HelpKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("desk member"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.STAFF)
    # "Ideas from the counter's data": which idea opened it (one consultation per idea).
    idea_key = models.CharField(_("idea"), max_length=120, blank=True)
    procedure = models.ForeignKey("catalog.Procedure", verbose_name=_("procedure"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # The tool delivered.
    tool_kind = models.CharField(_("kind of tool"), max_length=20, choices=HelpKind.choices, blank=True)
    tool_name = models.CharField(_("tool"), max_length=200, blank=True)
    tool_location = models.CharField(_("where it lives"), max_length=300, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    expected_hours_per_year = models.DecimalField(_("expected hours saved per year"), max_digits=8, decimal_places=1,
                                                  null=True, blank=True)
    measure_due_on = models.DateField(_("measure on"), null=True, blank=True, db_index=True)
    measure_reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The measurement, three months after delivery.
    times_per_month_after = models.PositiveIntegerField(_("times per month after"), null=True, blank=True)
    minutes_per_time_after = models.PositiveIntegerField(_("minutes each time after"), null=True, blank=True)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    measured_hours_per_year = models.DecimalField(_("measured hours saved per year"), max_digits=8, decimal_places=1,
                                                  null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("DX consultation")
        verbose_name_plural = _("DX consultations")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="consultation_status_known"),
            models.CheckConstraint(condition=Q(help_kind__in=HelpKind.values), name="consultation_kind_known"),
            models.CheckConstraint(condition=Q(times_per_month__gte=1) & Q(minutes_per_time__gte=1),
                                   name="consultation_task_takes_time"),
            models.CheckConstraint(condition=~Q(status=Status.DECLINED) | ~Q(decline_reason=""),
                                   name="declined_consultation_has_reason"),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.DELIVERED, Status.MEASURED])
                | (Q(delivered_on__isnull=False) & Q(expected_hours_per_year__isnull=False) & ~Q(tool_name="")),
                name="delivered_consultation_has_tool"),
            models.CheckConstraint(condition=~Q(status=Status.MEASURED) | Q(measured_hours_per_year__isnull=False),
                                   name="measured_consultation_has_hours"),
            models.UniqueConstraint(fields=["idea_key"], condition=~Q(idea_key=""), name="one_consultation_per_idea"),
        ]

    def __str__(self) -> str:
        return f"DX-{self.pk}"

    @property
    def number(self) -> str:
        return f"DX-{self.pk:04d}"


class ConsultationNote(models.Model):
    """The consultation's timeline: comments, and every change of status with its note."""

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE,
                                     related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("comment"), max_length=2000, blank=True)
    status_from = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    status_to = models.CharField(_("to"), max_length=10, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = _("consultation note")
        verbose_name_plural = _("consultation notes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation} note {self.pk}"
