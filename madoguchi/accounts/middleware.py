from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .access import view_policy


class AccessPolicyMiddleware:
    """Deny by default: every page must be marked public or name the capability it needs.

    Two areas enforce access themselves and are let through here: the JSON API (django-ninja
    authenticates every operation, see ``madoguchi.core.api``) and the Django admin (only
    administrators are ``is_staff``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = "/api/"

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.api_prefix):
            return None
        if request.resolver_match and request.resolver_match.app_name == "admin":
            return None
        is_public, capability = view_policy(view_func)
        if is_public:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if capability is None or not user.can(capability):
            raise PermissionDenied
        return None
