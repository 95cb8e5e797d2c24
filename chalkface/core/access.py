"""Turning the answers of :func:`chalkface.accounts.permissions.can` into responses.

Views never decide access themselves: they call :func:`require` (or use :func:`permission_required`),
which asks ``can`` and raises ``PermissionDenied`` with a sentence the 403 page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from chalkface.accounts.permissions import can

REFUSALS: dict[str, Any] = {
    "view_register": _(
        "The register is open to people who hold a role in Chalkface, and your account does not hold one "
        "yet. Ask your union officer or your employer's lead to add you to your organisation."
    ),
    "edit_catalogue": _(
        "Only union officers, employer leads and administrators can add or change suppliers, tools and "
        "versions."
    ),
    "view_audit_log": _("Only administrators can see the audit log."),
    "edit_organisation": _(
        "Only the employer lead for this workplace (or for its trust or local authority) can change its "
        "details."
    ),
    "edit_deployments": _(
        "Only the union rep or the employer lead for this workplace can record the AI tools it uses."
    ),
}

View = Callable[..., HttpResponse]


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` (a 403 page that says why) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(REFUSALS.get(action, ""))


def permission_required(action: str) -> Callable[[View], View]:
    """Anonymous visitors are sent to log in; signed-in people without ``action`` get a 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, action)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
