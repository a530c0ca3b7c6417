"""Appointments (窓口予約), and the pre-application codes already registered.

A pre-application itself is never a row: it lives in its QR code. ``RedeemedPreapplication`` holds
only the code's checksum (no personal data), so the same code scanned twice makes one visit.

Dependencies point one way: preapply knows reception, catalog and prefill; they know nothing of it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentSlot(models.Model):
    """One bookable time of one appointment group (catalog/appointments). Its row is the lock under
    which the bookings of the slot are counted, so two residents never take its last place."""

    group_code = models.CharField(_("appointment group"), max_length=64)
    counter = models.ForeignKey("catalog.Counter", verbose_name=_("counter"), on_delete=models.PROTECT,
                                related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at", "group_code"]
        constraints = [
            models.UniqueConstraint(fields=["group_code", "starts_at"], name="one_slot_per_group_and_time"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_has_length"),
        ]
        indexes = [models.Index(fields=["counter", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.group_code} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    # The statuses that take a place in the slot; a cancellation or a no-show gives it back.
    HOLDING = (Status.BOOKED, Status.CHECKED_IN)

    # The resident's only key to the booking (no account): 8 characters nobody misreads.
    reference = models.CharField(_("reference code"), max_length=8, unique=True)
    slot = models.ForeignKey(AppointmentSlot, verbose_name=_("slot"), on_delete=models.PROTECT,
                             related_name="appointments")
    procedure_codes = models.JSONField(_("procedures"), default=list)
    # Optional e-mail or phone, for the office to reach the resident (e.g. an unplanned closure).
    # Personal data: cleared PERSONAL_DATA_RETENTION_DAYS after the slot (manage.py preapply_purge).
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("booked at"))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("marked no-show at"), null=True, blank=True)
    visit = models.OneToOneField("reception.Visit", verbose_name=_("visit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="appointment")
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["booked", "checked_in", "cancelled", "no_show"]),
                                   name="appointment_status_known"),
            models.CheckConstraint(condition=~models.Q(status="checked_in") | models.Q(checked_in_at__isnull=False),
                                   name="checked_in_appointment_has_time"),
        ]

    def __str__(self) -> str:
        # No reference code: it is the resident's key, and this string reaches logs.
        return f"appointment {self.pk} ({self.status})"

    @property
    def reference_display(self) -> str:
        return f"{self.reference[:4]}-{self.reference[4:]}"


class RedeemedPreapplication(models.Model):
    """A pre-application code registered at reception: its key id and checksum (set id), never its
    content. Deleted once codes that old have expired (``manage.py preapply_purge``)."""

    key_id = models.CharField(_("key id"), max_length=8)
    set_id = models.CharField(_("code checksum"), max_length=8)
    visit = models.ForeignKey("reception.Visit", verbose_name=_("visit"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    code_created_at = models.DateTimeField(_("code made at"))
    redeemed_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("registered pre-application code")
        verbose_name_plural = _("registered pre-application codes")
        constraints = [models.UniqueConstraint(fields=["key_id", "set_id"], name="a_code_is_registered_once")]

    def __str__(self) -> str:
        return f"{self.key_id}:{self.set_id}"
