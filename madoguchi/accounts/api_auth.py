"""API authentication: a bearer token or the staff session, then the capability the operation needs.

Authenticated but not allowed → 403 with a message; not authenticated → 401.
"""

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken, User
from .roles import Capability


def _allowed(user: User, capability: Capability) -> User:
    if not user.can(capability):
        raise HttpError(403, f"Your role may not do this ({capability}).")
    return user


class BearerTokenAuth(HttpBearer):
    def __init__(self, capability: Capability):
        super().__init__()
        self.capability = capability

    def authenticate(self, request, token: str) -> User | None:
        token_id, _, secret = token.partition(".")
        if not token_id.isdigit() or not secret:
            return None
        api_token = ApiToken.objects.select_related("user").filter(pk=int(token_id)).first()
        if api_token is None or not api_token.matches(secret) or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return _allowed(api_token.user, self.capability)


class StaffSessionAuth(APIKeyCookie):
    """The logged-in staff session (pages calling the API with htmx or fetch); CSRF-checked."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, capability: Capability):
        super().__init__(csrf=True)
        self.capability = capability

    def authenticate(self, request, key: str | None) -> User | None:
        if not request.user.is_authenticated:
            return None
        return _allowed(request.user, self.capability)


def staff(capability: Capability) -> list:
    """The ``auth=`` of an operation that needs ``capability``."""
    return [BearerTokenAuth(capability), StaffSessionAuth(capability)]
