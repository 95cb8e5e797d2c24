"""Sends a log-in that still needs its second factor to the page that asks for it (see ``second_factor``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from chalkface.accounts import second_factor

# Pages a log-in waiting for its second factor may still open: the code page itself, logging out, the
# language switch, the health check, the admin site's own log-in and log-out. The API answers an
# unconfirmed browser session as not logged in (chalkface/api/auth.py), so it is left to the API.
_OPEN = frozenset({"second_factor", "logout", "set_language", "healthz", "admin:login", "admin:logout"})


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor.must_verify(request.user) and not self._open(request):
            target = reverse("second_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path.startswith("/api/"):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # the 404 page tells nothing
        return match.view_name in _OPEN
