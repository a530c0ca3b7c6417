"""The staff login form: Django's, behind the boundary guard (a login name holding an individual
number is refused at the field before anything — authentication, the lockout table, the audit log —
sees it)."""

from django.contrib.auth.forms import AuthenticationForm

from madoguchi.core.forms import GuardedFormMixin


class StaffLoginForm(GuardedFormMixin, AuthenticationForm):
    pass


def lockout_username(request, credentials) -> str | None:
    """The name django-axes keeps in its lockout table (``AXES_USERNAME_CALLABLE``): as typed, unless it
    holds an individual number — then a fixed text, so the table never stores one."""
    from madoguchi.core.mynumber import contains_individual_number

    username = (credentials or {}).get("username") if isinstance(credentials, dict) else None
    if username is None:
        username = request.POST.get("username") if request is not None and hasattr(request, "POST") else None
    if username and contains_individual_number(username):
        return "(withheld)"
    # The table's column is 255 characters: a longer "name" (a script's garbage) must not crash the login.
    return username[:150] if isinstance(username, str) else username
