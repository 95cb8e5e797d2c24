"""Turning a refusal into a page, in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chalkface.errors import ChalkfaceError
from chalkface.web.deferral import deferring


class ChalkfaceErrorMiddleware:
    """A :class:`~chalkface.errors.ChalkfaceError` that no view caught becomes a page that says what was
    refused and why, with the error's status. The API maps the same errors in ``chalkface/api/errors.py``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # within a request, figures too large to compute now are handed to the task worker
        with deferring():
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ChalkfaceError):
            return None
        template = getattr(exception, "template", "refused.html")
        context = {"error": exception, **getattr(exception, "context", dict)()}
        response = render(request, template, context, status=exception.status)
        if getattr(exception, "retry_after", None):
            response["Retry-After"] = str(exception.retry_after)
        return response
