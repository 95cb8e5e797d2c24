"""The one error format of the API, and the one place where every error becomes a response.

Every error, whoever raises it, leaves as::

    {"error": {"code": "not_found", "message": "No tool with that slug.", "fields": {}}}

with the HTTP status that :data:`STATUS` gives its code. ``fields`` names the inputs that were wrong, each
with its messages, for ``invalid``; it is empty otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from chalkface.evidence import BudgetExhausted
from chalkface.insights.filters import InvalidFilter
from chalkface.insights.precomputed import FiguresFailed, FiguresPending

logger = logging.getLogger(__name__)

STATUS: dict[str, int] = {
    "bad_request": 400,
    "unauthorised": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "refused": 409,
    "invalid": 422,
    "rate_limited": 429,
    "server_error": 500,
    "unavailable": 503,
}
CODES: dict[int, str] = {status: code for code, status in STATUS.items()}

MESSAGES: dict[str, str] = {
    "bad_request": "The request could not be read.",
    "unauthorised": "Send a valid API token: Authorization: Bearer <token>.",
    "forbidden": "You may not do that.",
    "not_found": "There is nothing at this address, or you may not see it.",
    "method_not_allowed": "This address does not take that method.",
    "invalid": "Some of what you sent is not valid.",
    "server_error": "Something went wrong on our side. It has been logged.",
}


class ApiError(Exception):
    """An error the API raises on purpose; ``code`` is one of :data:`STATUS`."""

    def __init__(self, code: str, message: str = "", fields: dict[str, list[str]] | None = None) -> None:
        if code not in STATUS:
            raise ValueError(f"Unknown error code {code!r}")
        self.code = code
        self.message = message or MESSAGES.get(code, "")
        self.fields = fields or {}
        super().__init__(self.message)


def error_body(code: str, message: str = "", fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message or MESSAGES.get(code, ""), "fields": fields or {}}}


def error_response(code: str, message: str = "", fields: dict[str, list[str]] | None = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message, fields), status=STATUS[code])
    if code == "unauthorised":
        response.headers["WWW-Authenticate"] = 'Bearer realm="chalkface"'
    return response


def form_fields(errors: Any) -> dict[str, list[str]]:
    """A Django form's ``errors`` (or a ``ValidationError``) as ``{field: [messages]}``."""
    if isinstance(errors, DjangoValidationError):
        if hasattr(errors, "error_dict"):
            return {name: [str(m) for m in messages] for name, messages in errors.message_dict.items()}
        return {"__all__": [str(m) for m in errors.messages]}
    return {name: [str(m) for m in messages] for name, messages in errors.items()}


def _ninja_fields(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        # loc is ("query", "page"), ("path", "slug") or ("body", "payload", "name"): keep the input's name.
        loc = [str(part) for part in error.get("loc", ())]
        parts = [p for p in loc[1:] if p != "payload"] if len(loc) > 1 else loc
        name = ".".join(parts) or "__all__"
        fields.setdefault(name, []).append(str(error.get("msg", "Not valid.")))
    return fields


def _respond(code: str, message: str = "", fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return error_response(code, message, fields)


def _message(exc: BaseException) -> str:
    return str(exc.args[0]) if exc.args and exc.args[0] else ""


def install(api: NinjaAPI) -> None:
    """Map every kind of error to the one format. Called once, by ``chalkface.api.api``."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _respond(exc.code, exc.message, exc.fields)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _respond("invalid", "", _ninja_fields(exc.errors))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _respond("invalid", "", form_fields(exc))

    def on_invalid_filter(request: HttpRequest, exc: InvalidFilter) -> HttpResponse:
        return _respond("invalid", str(exc))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _respond("unauthorised")

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "server_error")
        message = str(getattr(exc, "message", "")) if exc.status_code < 500 else ""
        return _respond(code, message)

    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond("forbidden", _message(exc))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond("not_found")

    def on_refused(request: HttpRequest, exc: BudgetExhausted) -> HttpResponse:
        return _respond("refused", getattr(exc, "reason", "") or str(exc))

    def on_pending(request: HttpRequest, exc: FiguresPending) -> HttpResponse:
        response = JsonResponse(
            {
                "status": "computing",
                "message": str(exc),
                "more_than": exc.limit,
                "retry_after": exc.retry_after,
            },
            status=202,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_failed(request: HttpRequest, exc: FiguresFailed) -> HttpResponse:
        response = _respond("unavailable", str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected error in the API", exc_info=exc)
        return _respond("server_error")

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_ninja_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(InvalidFilter, on_invalid_filter)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(BudgetExhausted, on_refused)
    api.add_exception_handler(FiguresPending, on_pending)
    api.add_exception_handler(FiguresFailed, on_failed)
