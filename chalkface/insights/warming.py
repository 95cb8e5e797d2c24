"""The worker computes the figures viewers will ask for before they ask (see :mod:`precomputed`).

For each audience that has looked at the evidence pages in the last week (one viewer standing for it), the
overview and every tool's page are computed and kept whenever the check-ins or incident reports have
changed, at most every ``WARM_EVERY`` seconds. What the release history decided while computing is saved
as for a page view; no release is recorded to anyone, as nobody has looked yet.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from chalkface.accounts.models import User
from chalkface.insights import actions, precomputed
from chalkface.insights.brief import kept_brief_figures
from chalkface.insights.extract import checkins
from chalkface.insights.frames import scope_filter
from chalkface.insights.models import ReleaseRecord
from chalkface.insights.opendata import kept_estimates
from chalkface.insights.overview import kept_overview
from chalkface.insights.results import kept_tool_figures
from chalkface.insights.weighting import weighting_for
from chalkface.register.models import Tool
from chalkface.voice.access import can_export, narrow, result_scopes, threshold_for
from chalkface.voice.models import Campaign

WARM_EVERY = 300.0
RECENT_DAYS = 7
CHANNELS = ("page.overview", "page.tool", "api.tool", "alert")  # alerts read the overview's figures
BRIEF_CHANNELS = ("brief.html", "brief.pdf")
EXPORT_CHANNELS = ("export", "api.export")
_STATE: dict[str, object] = {"at": 0.0, "state": None}
logger = logging.getLogger("chalkface.worker")


def warm(*, force: bool = False) -> int:
    """Compute and keep the figures of recent audiences if the data changed; returns how many pages."""
    _lazy, manifest = checkins()
    state = (manifest.get("fingerprint"), precomputed.incident_state())
    now = time.monotonic()
    if not force and (state == _STATE["state"] or now - float(_STATE["at"]) < WARM_EVERY):  # type: ignore[arg-type]
        return 0
    _STATE.update(at=now, state=state)
    precomputed.prune()
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    picked: dict[str, int] = {}
    briefs: set[str] = set()
    exports: dict[str, int] = {}
    for audience, viewer, channel in (
        ReleaseRecord.objects.filter(
            channel__in=[*CHANNELS, *BRIEF_CHANNELS, *EXPORT_CHANNELS],
            released_on__gte=since,
            viewer__isnull=False,
        )
        .order_by("-pk")
        .values_list("audience", "viewer_id", "channel")[:10_000]
    ):
        if channel in EXPORT_CHANNELS:
            exports.setdefault(audience, viewer)
            continue
        picked.setdefault(audience, viewer)
        if channel in BRIEF_CHANNELS:
            briefs.add(audience)
    pages = 0
    readers = {viewer for audience, viewer in picked.items() if audience in briefs}
    with translation.override(settings.LANGUAGE_CODE):
        for user in User.objects.filter(pk__in=set(picked.values()), is_active=True):
            pages += _warm_for(user, briefs=user.pk in readers)
        pages += _warm_exports(exports)
    return pages


def _warm_exports(exports: dict[str, int]) -> int:
    """The estimate tables of campaigns downloaded lately (an export's audience is one campaign, with its
    workplaces when the downloader sees only some), for the person who downloaded them."""
    pages = 0
    users = {u.pk: u for u in User.objects.filter(pk__in=set(exports.values()), is_active=True)}
    for audience, viewer in exports.items():
        head = audience.split(";")[0].split(":")[0]
        user = users.get(viewer)
        if user is None or ";" in audience or not head.isdigit():
            continue
        campaign = Campaign.objects.filter(pk=int(head)).first()
        if campaign is None or not can_export(user, campaign):
            continue
        try:
            scopes = narrow(result_scopes(user), campaign, None)
        except PermissionDenied:
            continue
        _tables, gates = kept_estimates(scopes, campaign)
        for gate in gates:
            actions.save_history(gate.history)
        pages += 1
    return pages


def _warm_for(user: User, *, briefs: bool = False) -> int:
    scopes = result_scopes(user)
    if not scopes:
        return 0
    k = threshold_for(scopes)
    _overview, gate = kept_overview(user, scopes, k)
    if gate is not None:
        actions.save_history(gate.history)
    pages = 1
    lazy, _manifest = checkins()
    # the tools with check-ins in scope, read from one column of the copy rather than every row
    seen = lazy.filter(scope_filter(scopes)).select("tool_id").unique().collect()["tool_id"].drop_nulls()
    for tool in Tool.objects.filter(pk__in=seen.to_list()).order_by("slug"):
        _found, gates = kept_tool_figures(scopes, tool, k, {}, weighting_for(scopes))
        if briefs:  # this audience reads briefs too
            _figures, more = kept_brief_figures(scopes, tool, k, weighting_for(scopes))
            gates = [*gates, *more]
            pages += 1
        for history in {id(g.history): g.history for g in gates}.values():
            actions.save_history(history)
        pages += 1
    return pages
