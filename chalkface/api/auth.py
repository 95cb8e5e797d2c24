"""Who is calling: an API token (``Authorization: Bearer cf_…``) or the browser session.

Both give ``request.auth``, the person, who acts with the roles they hold (a token has no roles of its
own). The session works for every method, with Django's CSRF check on those that change things, so that
pages can call the API; scripts use tokens, which need no CSRF token.

Every operation except ``GET /me`` also needs the person to hold a role: a signed-in person without one
gets ``forbidden``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from chalkface.accounts import second_factor
from chalkface.accounts.permissions import roles
from chalkface.api.actions import mark_used
from chalkface.api.models import TOKEN_PREFIX, ApiToken, digest

NO_ROLE = (
    "Your account does not hold a role in Chalkface yet, so the API has nothing to show you. Ask your union "
    "officer or your employer's lead to add you to your organisation."
)


def _check_role(user: Any, needs_role: bool) -> Any:
    if needs_role and not roles(user):
        raise PermissionDenied(NO_ROLE)
    return user


class TokenAuth(HttpBearer):
    """A bearer token made on the API tokens page; revoked tokens and inactive people are refused."""

    def __init__(self, *, needs_role: bool = True) -> None:
        self.needs_role = needs_role
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(token_hash=digest(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        mark_used(found)
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.user
        return _check_role(found.user, self.needs_role)


class Session(SessionAuth):
    """The signed-in browser session, with the CSRF check for unsafe methods."""

    def __init__(self, *, needs_role: bool = True) -> None:
        self.needs_role = needs_role
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or second_factor.must_verify(request.user):
            return None  # a log-in still waiting for its second factor is not logged in yet
        return _check_role(user, self.needs_role)


def everyone_with_a_role() -> list[Any]:
    return [TokenAuth(), Session()]


def anyone_signed_in() -> list[Any]:
    return [TokenAuth(needs_role=False), Session(needs_role=False)]
