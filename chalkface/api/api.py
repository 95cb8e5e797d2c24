"""The API: one ``NinjaAPI`` under ``/api/v1``, its OpenAPI schema at ``/api/v1/openapi.json`` and its
documentation at ``/api/v1/docs``, rendered here from that schema (no script fetched from elsewhere).

Every response that is not a success has the one error format of :mod:`chalkface.api.errors`, including
addresses under ``/api/v1/`` that do not exist and methods an address does not take.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from chalkface.api import errors
from chalkface.api.routers import campaigns, me, register, results

DESCRIPTION = """\
Chalkface's JSON API: the register of AI tools, campaigns, incident reports (in the AI Incident Database's
terms) and aggregated, disclosure-controlled results. Raw check-ins and comments are never available.

Authenticate with a personal API token (`Authorization: Bearer cf_…`), made on the API tokens page; it acts
with your roles. Errors always look like `{"error": {"code": ..., "message": ..., "fields": {...}}}`.
See docs/api.md.
"""


class Docs(DocsBase):
    """The documentation page: every operation with its parameters, from the OpenAPI schema."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema()
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tag": (operation.get("tags") or [""])[0],
                        "parameters": [
                            {
                                "name": p["name"],
                                "where": p["in"],
                                "required": p.get("required", False),
                                "description": p.get("description")
                                or p.get("schema", {}).get("description", ""),
                            }
                            for p in operation.get("parameters", [])
                        ],
                        "body": "requestBody" in operation,
                        "statuses": sorted(operation.get("responses", {})),
                    }
                )
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "operations": operations,
                "openapi_url": self.get_openapi_url(api, kwargs),
                "description": DESCRIPTION,
            },
        )


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a method an address does not take with plain text; give the one error format."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.headers.get("Allow", "")
            replaced = errors.error_response(
                "method_not_allowed", f"This address takes {allowed or 'no other method'}."
            )
            replaced.headers["Allow"] = allowed
            return replaced
        return response

    return wrapped


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return errors.error_response("not_found", "There is no such address in the API. See /api/v1/docs.")


class ChalkfaceAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(
                    pattern.pattern, _json_not_allowed(pattern.callback), pattern.default_args, pattern.name
                )
            patterns.append(pattern)
        patterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not-found"))
        return patterns


api = ChalkfaceAPI(
    title="Chalkface API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", me.router)
api.add_router("", register.router)
api.add_router("", campaigns.router)
api.add_router("", results.router)
