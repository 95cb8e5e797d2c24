"""Figures computed once and served to every viewer who may see the same, until the check-ins change.

The expensive part of a tool page or the overview is computing its figures from the columnar copy of the
check-ins (seconds at national scale); who may see them (the *audience*: the campaigns and workplaces of the
viewer's scope) is shared by many viewers. So the figures are kept, per audience and page, in
``DATA_DIR/results/`` (readable by the server's user only), under a key that names everything they depend on:
the copy's fingerprint (any new check-in changes it), the incident reports' count and key sum, the tool's
versions, the workforce margins in use, the threshold and the page's own choices. The worker's sweep
computes them after it brings the copy up to date (:mod:`chalkface.insights.warming`), so page views find
them ready. Until it has, a page is served the figures last kept for it if they are younger than
``CHALKFACE_RESULTS_STALE_SECONDS`` (600 by default; the page says when they were computed); a page with
nothing kept computes its figures, once, and keeps them.

Why serving kept figures is safe. Every figure kept went through the release gate when it was computed and
its decisions were saved; the release history only grows, and a group it released is released for good,
so the same figures shown again later (to the same audience) give away nothing the history has not already
allowed. Each view is still recorded as a release to its viewer.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle  # noqa: S403 - files this server wrote, readable by its user only (see _folder)
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from chalkface.errors import ChalkfaceError

FORMAT = 2  # raised whenever what is kept changes shape


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "results"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def incident_state() -> tuple[int, int]:
    """How many incident reports there are and the sum of their record keys: changes with any new one."""
    from chalkface.voice.models import IncidentReport

    found = IncidentReport.objects.aggregate(n=Count("id"), keys=Sum("record_key"))
    return int(found["n"] or 0), int(found["keys"] or 0)


def key(page: str, **parts: Any) -> str:
    """The key of a page's figures: a hash of everything they depend on (``parts``, JSON-serialisable)."""
    text = json.dumps({"format": FORMAT, "page": page, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load(name: str) -> Any | None:
    path = _folder() / f"{name}.pickle"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 - see the import
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        path.unlink(missing_ok=True)  # written by another version of the code: compute again
        return None


def store(name: str, value: Any) -> None:
    path = _folder() / f"{name}.pickle"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.chmod(0o600)
    os.replace(temporary, path)


def load_text(name: str, suffix: str) -> str | None:
    """A kept text (a chart's drawing), or None."""
    try:
        return (_folder() / f"{name}.{suffix}").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def store_text(name: str, suffix: str, text: str) -> None:
    path = _folder() / f"{name}.{suffix}"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o600)
    os.replace(temporary, path)


def _kept_files() -> list[Path]:
    folder = _folder()
    return [*folder.glob("*.pickle"), *folder.glob("*.svg"), *folder.glob("*.txt")]


def forget_all() -> int:
    """Drop every kept figure (the tests do; so may an operator). Returns how many files went."""
    gone = 0
    for path in _kept_files():
        path.unlink(missing_ok=True)
        gone += 1
    return gone


PENDING_SECONDS = 900.0  # a computation asked for longer ago than this is asked for again


class FiguresPending(ChalkfaceError):
    """The figures of this page are being computed by the task worker: the page says so and offers to
    look again. It says only that they come from more than ``limit`` check-ins (the setting), never how
    many: an exact count here would undo the noise on the counts the pages publish."""

    status = 202
    template = "insights/computing.html"
    retry_after = 15

    def __init__(self, limit: int) -> None:
        super().__init__(_("The figures for this page are being computed."))
        self.limit = limit

    def context(self) -> dict[str, Any]:
        return {"limit": self.limit}


class FiguresFailed(ChalkfaceError):
    """Computing this page's figures on the task worker failed (the worker's log says why)."""

    status = 503
    template = "insights/computing.html"
    retry_after = int(PENDING_SECONDS)

    def __init__(self) -> None:
        super().__init__(
            _(
                "The figures for this page could not be computed. The error is in the task worker's log for "
                "the administrator; the page will try again in a quarter of an hour."
            )
        )

    def context(self) -> dict[str, Any]:
        return {"failed": True}


def compute_on_view_max() -> int:
    """The most check-ins whose figures a page view computes itself (when nothing is kept for it)."""
    return int(getattr(settings, "CHALKFACE_COMPUTE_ON_VIEW_MAX", 50_000))


#: How a page hands its figures to the task worker: ``enqueue(page, params)``. The app sets it when it
#: loads (:mod:`chalkface.insights.apps`) to :func:`chalkface.insights.tasks.compute_figures`; the task
#: computes with the modules that call this one, so this module does not import it.
ENQUEUE: list[Callable[[str, dict[str, Any]], Any]] = []


def defer_if_large(
    page: str, stable: dict[str, Any], fresh: dict[str, Any], scopes: Any, params: Any
) -> None:
    """Called by a page with nothing kept, before it computes. Within a request (see
    :mod:`chalkface.web.deferral`), when the audience holds more check-ins than
    :func:`compute_on_view_max`, has the task worker compute the figures (once, however many ask) and
    raises :class:`FiguresPending`; otherwise returns, and the caller computes now. ``params`` (JSON) is
    what :func:`chalkface.insights.tasks.compute_figures` needs to compute the same figures."""
    from chalkface.web.deferral import may_defer

    if not may_defer() or not ENQUEUE:
        return
    from chalkface.insights.extract import checkins
    from chalkface.insights.frames import scope_filter

    lazy, _manifest = checkins()
    n = int(lazy.filter(scope_filter(scopes)).select(pl.len()).collect().item())
    limit = compute_on_view_max()
    if n <= limit:
        return
    ask = key(page, **stable, **fresh)
    failed = load_text(f"failed-{ask}", "txt")
    if failed is not None and time.time() - float(failed) < PENDING_SECONDS:
        raise FiguresFailed()
    asked = load_text(f"pending-{ask}", "txt")
    if asked is None or time.time() - float(asked) > PENDING_SECONDS:
        ENQUEUE[0](page, {**params, "language": translation.get_language(), "ask": ask})
        store_text(f"pending-{ask}", "txt", str(time.time()))
    raise FiguresPending(limit)


def computation_failed(ask: str) -> None:
    """The task computing ``ask`` failed: its page says so, instead of "being computed", until
    :data:`PENDING_SECONDS` have passed; then a view asks again."""
    store_text(f"failed-{ask}", "txt", str(time.time()))
    (_folder() / f"pending-{ask}.txt").unlink(missing_ok=True)


def scopes_param(scopes: Any) -> list[list[Any]]:
    """Scopes as JSON: ``[[campaign id or None, sorted workplace ids or None], ...]``."""
    return [
        [c, None if w is None else sorted(w)] for c, w in sorted(scopes.items(), key=lambda i: i[0] or -1)
    ]


def scopes_from(param: list[list[Any]]) -> dict[int | None, set[int] | None]:
    return {c: None if w is None else set(w) for c, w in param}


def stale_seconds() -> float:
    return float(getattr(settings, "CHALKFACE_RESULTS_STALE_SECONDS", 600))


def lookup(
    page: str, stable: dict[str, Any], fresh: dict[str, Any], *, scopes: Any, params: dict[str, Any]
) -> Any | None:
    """The figures kept for ``page`` with ``stable`` choices (audience, tool, filters, language...) and
    ``fresh`` state (the check-ins' fingerprint, the incidents'): those of exactly this state, or else the
    last kept for the same choices if younger than :func:`stale_seconds`. With nothing kept, ``None`` (the
    caller computes them now and keeps them), unless the audience (``scopes``) is too large to compute
    during a page view: then :func:`defer_if_large` hands ``params`` to the task worker and raises."""
    found = load(key(page, **stable, **fresh))
    if found is not None:
        return found
    latest = load(key(page, **stable, latest=True))
    if latest is not None:
        name, kept_at = latest
        if time.time() - kept_at <= stale_seconds():
            found = load(name)
            if found is not None:
                return found
    defer_if_large(page, stable, fresh, scopes, params)
    return None


def keep(page: str, stable: dict[str, Any], fresh: dict[str, Any], value: Any) -> None:
    name = key(page, **stable, **fresh)
    store(name, value)
    store(key(page, **stable, latest=True), (name, time.time()))


def prune(older_than: float = 86400.0) -> int:
    """Delete kept figures not written for ``older_than`` seconds (the worker does, every sweep)."""
    cutoff = time.time() - older_than
    gone = 0
    for path in _kept_files():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                gone += 1
        except FileNotFoundError:
            continue
    return gone
