"""Whether expensive work may be handed to the task worker instead of done now.

A request sets it (:class:`chalkface.web.middleware.ChalkfaceErrorMiddleware`): a page whose figures are
not computed yet, for an audience too large to compute them within a page view, has the task worker
compute them and says so (:class:`chalkface.insights.precomputed.FiguresPending`). Everything else (the
command line, the worker itself, tests calling functions directly) computes at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_DEFER: ContextVar[bool] = ContextVar("chalkface_defer", default=False)


def may_defer() -> bool:
    return _DEFER.get()


@contextlib.contextmanager
def deferring() -> Iterator[None]:
    token = _DEFER.set(True)
    try:
        yield
    finally:
        _DEFER.reset(token)
