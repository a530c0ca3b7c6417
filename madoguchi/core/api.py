"""The JSON API, /api/v1/. Each app adds its router in ``config/urls.py``.

Errors are always JSON: ``{"message": "...", "field": "...", "errors": [...]}`` — for the
operations' own refusals, and for what happens before any operation (an unknown address, a body
too large, a typed individual number: see ``core.middleware``). The OpenAPI document lists, for
every operation, the error answers it can give, with that shape.
"""

import re
from datetime import date
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator

from .errors import ConflictError


def _iso_day(value):
    # Pydantic's lax date would take "0" (or 0 in a JSON body) as a Unix timestamp, 1970-01-01: only
    # YYYY-MM-DD is a day here.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]

# A database id in a URL: a positive 64-bit integer (a larger one is a 422, not a database error).
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class ProblemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer of the API."""

    message: str
    field: str = ""
    errors: list[ProblemOut] = []


ERROR_DESCRIPTIONS = {
    "400": "The request could not be read.",
    "401": "Authentication required: log in or send 'Authorization: Bearer <token>'.",
    "403": "The account's role may not do this (or not at this counter).",
    "404": "Not found (a missing object and one the account may not see answer alike).",
    "409": "The state does not allow it now: someone else acted first, or it is too early.",
    "413": "The request body is too large.",
    "422": "A field is refused: the message names it (typed individual numbers are refused here too).",
    "429": "Too many requests from this client: try again later (Retry-After).",
}


class MadoguchiAPI(NinjaAPI):
    """The API, with an OpenAPI document that tells the truth about the error answers."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})
        schema["components"]["schemas"].setdefault("ErrorOut", ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"))
        schema["components"]["schemas"]["ErrorOut"].pop("$defs", None)
        schema["components"]["schemas"].setdefault("ProblemOut", ProblemOut.model_json_schema())
        schema["components"]["schemas"]["ErrorOut"]["properties"]["errors"]["items"] = {
            "$ref": "#/components/schemas/ProblemOut"}
        throttled = self._throttled_operation_ids()
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                codes = {"400", "404", "422"}
                if operation.get("security"):
                    codes |= {"401", "403"}
                if method in ("post", "put", "patch", "delete"):
                    codes |= {"409", "413"}
                if operation.get("operationId") in throttled:
                    codes.add("429")
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(code, {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                    })
        return schema

    def _throttled_operation_ids(self) -> set[str]:
        found = set()
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    if operation.throttle_objects:
                        found.add(self.get_openapi_operation_id(operation))
        return found


api = MadoguchiAPI(
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
@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"message": _("Not found."), "field": ""}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"message": _("Not allowed."), "field": ""}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"message": _("Authentication required: log in or send 'Authorization: Bearer <token>'."), "field": ""},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"message": str(exc), "field": ""}, status=exc.status_code)
