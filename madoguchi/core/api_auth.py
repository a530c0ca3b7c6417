"""API authentication: a bearer token or the staff session, then the capability the operation needs.

Authenticated but not allowed → 403 with a message; not authenticated → 401.
"""

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken
from .prepared import PreparedQuery
from .roles import Capability

# Read on every API request: compiled once (core.prepared).
_TOKEN_WITH_ITS_USER = PreparedQuery(lambda pk: ApiToken.objects.select_related("user").filter(pk=pk), pk=int)


def _allowed(user, capabilities: tuple[Capability, ...]):
    if not any(user.can(capability) for capability in capabilities):
        raise HttpError(403, f"Your role may not do this ({' or '.join(capabilities)}).")
    return user


class BearerTokenAuth(HttpBearer):
    def __init__(self, capabilities: tuple[Capability, ...]):
        super().__init__()
        self.capabilities = capabilities

    def authenticate(self, request, token: str):
        token_id, _, secret = token.partition(".")
        # ASCII digits that fit a bigint: int() refuses "²" and 4,300 digits with a ValueError (a 500).
        # A secret is ASCII: hmac.compare_digest refuses to compare "é" with a TypeError (a 500).
        if not (token_id.isascii() and token_id.isdigit()) or len(token_id) > 19 or not secret or not secret.isascii():
            return None
        try:
            api_token = _TOKEN_WITH_ITS_USER.one(pk=int(token_id))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.matches(secret) or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return _allowed(api_token.user, self.capabilities)


class StaffSessionAuth(APIKeyCookie):
    """The logged-in staff session (pages calling the API with htmx or fetch); CSRF-checked."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, capabilities: tuple[Capability, ...]):
        super().__init__(csrf=True)
        self.capabilities = capabilities

    def authenticate(self, request, key: str | None):
        if not request.user.is_authenticated:
            return None
        return _allowed(request.user, self.capabilities)


def staff(*capabilities: Capability) -> list:
    """The ``auth=`` of an operation open to accounts holding any of ``capabilities``."""
    return [BearerTokenAuth(capabilities), StaffSessionAuth(capabilities)]
