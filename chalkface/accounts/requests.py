"""The request of a signed-in person, so that views can say so in their types."""

from __future__ import annotations

from django.http import HttpRequest

from chalkface.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that ``login_required`` has let through: ``user`` is a :class:`User`, never anonymous."""

    user: User  # type: ignore[assignment]
