"""The one error type of the Django side of Chalkface.

Code raises a subclass of :class:`ChalkfaceError` when it refuses a request on purpose (a code already used,
a campaign that is closed, a file that cannot be imported). The message is fit to show the person who made
the request, in their language. ``status`` is the HTTP status a page or the API answers with.

Errors reach people in one place each: :class:`chalkface.web.middleware.ChalkfaceErrorMiddleware` turns them
into a page, ``chalkface/api/errors.py`` into the API's error format, and the command line into a clean
message. A view catches one only to show it beside the form that caused it, keeping what was typed.

The evidence layer, which knows nothing of Django, has its own (``chalkface.evidence.errors``).
"""

from __future__ import annotations


class ChalkfaceError(Exception):
    """A request Chalkface refuses, with a message fit to show the person who made it."""

    status: int = 400

    @property
    def message(self) -> str:
        return str(self)
