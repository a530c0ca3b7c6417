"""Core models: what every app's access needs and no app above owns."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.core.mynumber import random_text_without_number


def _token_secret(token_id: int, salt: str) -> str:
    # The token is derived from a random salt and the server secret, so the database alone
    # (a backup, a dump) does not hold usable tokens, and `apitoken` can print it again.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{token_id}:{salt}".encode(), hashlib.sha256).hexdigest()[:40]


def new_token_salt() -> str:
    return random_text_without_number(secrets.token_hex)


class ApiToken(models.Model):
    """A bearer token for the API: ``Authorization: Bearer <id>.<secret>``. One per user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    salt = models.CharField(max_length=64, default=new_token_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had in ``accounts`` (the model moved, the data did not).
        db_table = "accounts_apitoken"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token of {self.user}"

    @property
    def key(self) -> str:
        return f"{self.pk}.{_token_secret(self.pk, self.salt)}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(_token_secret(self.pk, self.salt), secret)
