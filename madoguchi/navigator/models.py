"""The navigator keeps nothing about a household: only how often it was used, per day, event and channel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NavigatorUsage(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web (phone or computer)")
        KIOSK = "kiosk", _("Kiosk")
        STAFF = "staff", _("Staff at the desk")
        API = "api", _("API")

    date = models.DateField(_("date"))
    life_event = models.CharField(_("life event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    count = models.PositiveIntegerField(_("results shown"), default=0)

    class Meta:
        verbose_name = _("navigator usage")
        verbose_name_plural = _("navigator usage")
        ordering = ["-date", "life_event", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["date", "life_event", "channel"], name="navigator_usage_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.life_event} {self.channel}: {self.count}"
