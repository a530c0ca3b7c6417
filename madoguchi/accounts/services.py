"""Writes to staff accounts and API tokens."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from madoguchi.audit import services as audit
from madoguchi.core.models import ApiToken
from madoguchi.core.roles import Role

User = get_user_model()


@transaction.atomic
def staff_create(
    *, username: str, role: str, password: str | None, display_name: str = "", department=None,
    counters=(), created_by: str = "system",
) -> User:
    """Create an account with exactly one role. Only administrators may use the admin site.

    Raises ``ValidationError`` for an unknown role or a taken user name.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"user {username!r} exists already"})
    is_admin = role == Role.ADMINISTRATOR
    user = User(
        username=username, role=role, display_name=display_name, department=department,
        is_staff=is_admin, is_superuser=is_admin,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if counters:
        user.counters.set(counters)
    audit.staff_account_created(user=user, role=role, created_by=created_by)
    return user


@transaction.atomic
def api_token_get_or_create(*, user, issued_by: str = "manage.py apitoken") -> ApiToken:
    token, created = ApiToken.objects.get_or_create(user=user)
    if created:
        audit.api_token_issued(user=user, issued_by=issued_by)
    return token
