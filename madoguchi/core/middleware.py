from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty
from django_htmx.http import HttpResponseClientRedirect

from .access import view_policy
from .mynumber import REFUSAL, find_individual_numbers
from .roles import Capability
from .text import CONTROL_CHARACTER_REFUSAL, has_control_characters


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


class TypedTextGuardMiddleware:
    """The boundary guard for what people type: no individual number (and no control character)
    enters through any request — a query string, a JSON body (the whole API), or a posted form.

    Posts to a view marked ``@form_guarded`` go on to the view: its ``GuardedForm`` refuses the number
    next to the field and keeps the rest of what was typed. Anything else that holds one is refused
    here, whole, with 422 (a JSON error for the API, a short page otherwise) before a view, a service,
    a log line or the database can see it. The refusal never repeats what was typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        fields = [f"?{name}" for name in find_individual_numbers(_multi(request.GET))]
        problems = [f"?{name}" for name in _control_characters(_multi(request.GET))]
        # The path's own values (/counters/<code>/…): a NUL there reached PostgreSQL, which refuses it (a 500).
        problems += [f"/{name}" for name in _control_characters(
            {key: value for key, value in view_kwargs.items() if isinstance(value, str)})]
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type == "application/json":
                data = _json_body(request)
                fields += find_individual_numbers(data)
                problems += _control_characters(data)
            elif not _is_form_guarded(view_func):
                try:
                    posted = _multi(request.POST)
                except (SuspiciousOperation, MultiPartParserError):  # too big, too many fields, garbled
                    posted = {}  # Django answers 400 for it when the view reads the form
                fields += find_individual_numbers(posted)
                problems += _control_characters(posted)
        if fields:
            return _refusal(request, fields, REFUSAL)
        if problems:
            return _refusal(request, problems, CONTROL_CHARACTER_REFUSAL)
        return None


def _multi(query_dict) -> dict:
    return {key: query_dict.getlist(key) for key in query_dict}


def _json_body(request):
    import json

    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, SuspiciousOperation, RawPostDataException):
        return None  # not JSON, or over the size limit: the API answers that itself


def _is_form_guarded(view_func) -> bool:
    from .forms import FORM_GUARDED_ATTR

    return any(getattr(candidate, FORM_GUARDED_ATTR, False)
               for candidate in (view_func, getattr(view_func, "view_class", None)) if candidate is not None)


def _control_characters(value, path: str = "") -> list[str]:
    """The fields of ``value`` holding a control character other than tab and line breaks (NUL included)."""
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in _control_characters(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [found for item in value for found in _control_characters(item, path)]
    if isinstance(value, str) and has_control_characters(value):
        return [path or "(value)"]
    return []


def _refusal(request, fields: list[str], message):
    from django.http import JsonResponse
    from django.shortcuts import render

    fields = list(dict.fromkeys(fields))
    if request.path_info.startswith("/api/"):
        errors = [{"field": field.removeprefix("?"), "message": str(message)} for field in fields]
        return JsonResponse({"message": str(message), "field": errors[0]["field"], "errors": errors}, status=422,
                            json_dumps_params={"ensure_ascii": False})
    template = "core/_refused.html" if getattr(request, "htmx", False) else "core/refused.html"
    return render(request, template, {"message": message}, status=422)


class ApiErrorShapeMiddleware:
    """The API answers in its own error shape even before (or without) an operation: an address under
    /api/ that names no operation is a JSON 404, a method it does not take a JSON 405, and a body
    larger than ``API_MAX_BODY_BYTES`` a JSON 413 — refused before it is read."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.max_body = settings.API_MAX_BODY_BYTES

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        try:
            declared = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            declared = 0
        if declared > self.max_body:
            response = JsonResponse({"message": _("The request body is too large (at most %(size)d bytes).") % {
                "size": self.max_body}, "field": "", "errors": []}, status=413)
            response["Connection"] = "close"  # the body stays unread
            return response
        response = self.get_response(request)
        if response.status_code in (404, 405) and not response.get("Content-Type", "").startswith("application/json"):
            message = _("Not found.") if response.status_code == 404 else _("This method is not allowed here.")
            shaped = JsonResponse({"message": message, "field": "", "errors": []}, status=response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of a response that changes nothing built once per process.

    django-csp builds the header from the settings on every response (a dataclass copy and a string
    join each time): a tenth of what a cached congestion answer costs. A response or request that
    adjusts the policy (``_csp_update``, ``_csp_replace``, ``_csp_config``, a nonce used) goes the
    library's own way, unchanged."""

    _ADJUSTMENTS = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro",
                    "_csp_replace_ro", "_csp_exempt", "_csp_exempt_ro")

    def __init__(self, get_response):
        super().__init__(get_response)
        self._policy = build_policy()
        self._report_only = build_policy(report_only=True)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self._plain = not self._report_only and not policy.get("EXCLUDE_URL_PREFIXES")

    def process_response(self, request, response):
        if (not self._plain or getattr(request, "_csp_nonce", None) is not None
                or any(hasattr(response, name) for name in self._ADJUSTMENTS)):
            return super().process_response(request, response)
        if self._policy and CSP_HEADER not in response:
            response[CSP_HEADER] = self._policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with the storage made when a message is first added or read.

    Django's builds the cookie-and-session storage for every request: an API call, a display's poll or a
    congestion answer, which never show a message, paid for it (7% of a cached congestion answer's CPU).
    A request whose messages were never touched has none to store."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
