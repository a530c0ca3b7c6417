"""The JSON API, /api/v1/. Each app adds its router in ``config/urls.py``.

Errors are always JSON: ``{"message": "...", "field": "...", "errors": [...]}``.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .errors import ConflictError

api = NinjaAPI(
    title="madoguchi API",
    version="1",
    description="One-stop counter of a ward office: catalogue, visits, counters, congestion.",
    urls_namespace="api",
)


def _field_of(loc: list | tuple) -> str:
    # ninja prefixes the location with where the value came from ("body", "query", "path")
    # and the parameter name; the resident-facing field is what follows.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = [{"field": _field_of(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    first = errors[0] if errors else {"field": "", "message": "invalid input"}
    return api.create_response(
        request,
        {"message": f"{first['field']}: {first['message']}", "field": first["field"], "errors": errors},
        status=422,
    )


def _problems_response(request, exc: DjangoValidationError, *, status: int):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": str(message)} for message in exc.messages]
    first = errors[0]
    return api.create_response(
        request, {"message": first["message"], "field": first["field"], "errors": errors}, status=status
    )


@api.exception_handler(DjangoValidationError)
def on_domain_validation_error(request, exc: DjangoValidationError):
    """A refusal of the input (``DomainError`` and Django's own): 422 naming the field."""
    return _problems_response(request, exc, status=422)


@api.exception_handler(ConflictError)
def on_conflict(request, exc: ConflictError):
    """The state does not allow it now (someone else acted first): 409."""
    return _problems_response(request, exc, status=409)


@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request, exc):
    return api.create_response(request, {"message": "Not found.", "field": ""}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"message": "Not allowed.", "field": ""}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"message": "Authentication required: log in or send 'Authorization: Bearer <token>'.", "field": ""},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"message": str(exc), "field": ""}, status=exc.status_code)
