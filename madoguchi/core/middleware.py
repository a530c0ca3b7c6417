from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .access import view_policy
from .roles import Capability


class AccessPolicyMiddleware:
    """Deny by default: every page must be marked public or name the capability it needs.

    Two areas are let through to their own checks: the JSON API (django-ninja authenticates
    every operation, see ``madoguchi.core.api``) and the Django admin's login page. The rest of
    the admin needs ``Capability.ADMINISTER`` here as well as ``is_staff`` there, so an account
    whose flags drifted from its role still cannot reach it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = "/api/"

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.api_prefix):
            return None
        user = request.user
        if request.resolver_match and request.resolver_match.app_name == "admin":
            # Anonymous visitors get the admin's own login page; a logged-in non-administrator
            # gets the 403 page rather than an invitation to log in as somebody else.
            if user.is_authenticated and not user.can(Capability.ADMINISTER):
                raise PermissionDenied
            return None
        is_public, capabilities = view_policy(view_func)
        if is_public:
            return None
        if not user.is_authenticated:
            if getattr(request, "htmx", False):
                # A 302 would be followed inside the XHR and the login page swapped into a
                # fragment of the page: send the whole browser tab to the login page instead,
                # coming back to the page the fragment belongs to.
                back = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(redirect_to_login(back, reverse(settings.LOGIN_URL)).url)
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if not capabilities or not any(user.can(capability) for capability in capabilities):
            raise PermissionDenied
        return None
