"""The audit trail. Both tables are append-only: the database itself refuses UPDATE and DELETE
(triggers in migration 0002), so neither a bug nor an administrator can rewrite history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something a person or device did: who, what, to which object, when, with which details."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Kept beside the foreign key so the trail stays readable if an account is renamed.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"


class PersonalDataAccess(models.Model):
    """One staff view of a resident's personal data (改正個人情報保護法: every access is logged)."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("staff name"), max_length=150)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=200)
    fields = models.JSONField(_("fields seen"), default=list, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.subject_type}:{self.subject_id}"
