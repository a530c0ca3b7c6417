from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.core.roles import DEVICE_ROLES, Capability, Role, role_can


class User(AbstractUser):
    """A member of staff or a device (kiosk, call display). Every account has exactly one role."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    counters = models.ManyToManyField(
        "catalog.Counter",
        verbose_name=_("assigned counters"),
        blank=True,
        related_name="clerks",
        help_text=_("Counters this clerk serves (counter clerks)."),
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_device(self) -> bool:
        return self.role in DEVICE_ROLES

    def can(self, capability: Capability) -> bool:
        return self.is_active and role_can(self.role, capability)
