"""The worker finds the themes again once enough new comments have come in, for whoever asked for them.

A tool page says "at least k more comments have come in since the themes were found" once that many have;
the worker's sweep does not wait for someone to press the button. For each audience's newest themes about a
tool, if at least ``k`` comments it may read were not among those the themes came from, the themes are found
again on the task worker, as the person who first asked (their job list shows it; a page shows the newer
themes once they are done). Runs that failed are not retried here, and nothing is queued while a run for the
same audience and tool is waiting or running.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied

from chalkface.insights import extract
from chalkface.insights.models import ThemeRun, ThemeRunStatus
from chalkface.insights.release import audience_of
from chalkface.insights.tasks import start_themes
from chalkface.insights.themes import comment_scopes, load_comments
from chalkface.voice.access import threshold_for

REFRESH_EVERY = 300.0  # seconds: at most this often, and only when the check-ins have changed
RECENT_RUNS = 200  # the newest runs looked at in one sweep
_STATE: dict[str, object] = {"at": 0.0, "token": None}
logger = logging.getLogger("chalkface.worker")


def newest_runs() -> list[ThemeRun]:
    """The newest run of staff-comment themes for each audience and tool (any status), newest first."""
    seen: set[tuple[int | None, str]] = set()
    newest: list[ThemeRun] = []
    # each run's result holds the ids of every comment it read: loaded below only for the runs looked at
    runs = ThemeRun.objects.filter(kind="comments").select_related("asked_by", "campaign", "tool")
    for run in runs.defer("result").order_by("-created_at", "-pk")[: RECENT_RUNS * 5]:
        key = (run.tool_id, run.audience)
        if key not in seen:
            seen.add(key)
            newest.append(run)
    return newest[:RECENT_RUNS]


def requeue_stale(*, force: bool = False) -> int:
    """Queue theme discovery again wherever ``k`` or more new comments have come in; returns how many."""
    token = extract.change_state()
    now = time.monotonic()
    if not force and (
        (token is not None and token == _STATE["token"]) or now - float(_STATE["at"]) < REFRESH_EVERY  # type: ignore[arg-type]
    ):
        return 0
    _STATE.update(at=now, token=token)
    queued = 0
    for run in newest_runs():
        user = run.asked_by
        if run.status != ThemeRunStatus.DONE or run.tool is None or user is None or not user.is_active:
            continue  # running, failed (the person who asked sees why), or nobody to find them for
        try:
            scopes = comment_scopes(user, run.campaign)
        except PermissionDenied:
            continue
        if not scopes or audience_of(scopes) != run.audience:
            continue  # what they may read has changed: their next request finds the themes for that
        comments = load_comments(scopes, run.tool)
        stored = set(run.result.get("rows", []))  # the deferred result: one query, for this run only
        if sum(1 for rid in comments.ids if rid not in stored) >= threshold_for(scopes):
            start_themes(user, run.tool, run.campaign, again=True)
            queued += 1
    if queued:
        logger.info("Queued %d theme runs again for new comments", queued)
    return queued
