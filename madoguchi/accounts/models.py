import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import DEVICE_ROLES, Capability, Role, role_can


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


def _token_secret(token_id: int, salt: str) -> str:
    # The token is derived from a random salt and the server secret, so the database alone
    # (a backup, a dump) does not hold usable tokens, and `apitoken` can print it again.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{token_id}:{salt}".encode(), hashlib.sha256).hexdigest()[:40]


class ApiToken(models.Model):
    """A bearer token for the API: ``Authorization: Bearer <id>.<secret>``. One per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    salt = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token of {self.user}"

    @property
    def key(self) -> str:
        return f"{self.pk}.{_token_secret(self.pk, self.salt)}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(_token_secret(self.pk, self.salt), secret)
