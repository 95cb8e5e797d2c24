"""The one way figures leave the insight layer: :func:`publish`.

Every channel (the overview, the tool, comparison and workplace pages and their fragments and charts, the
brief in HTML and PDF, open-data exports, the JSON API, alerts and their e-mails, the command line) hands
what it is about to show to :func:`publish` with its channel name. The evidence layer's
:class:`~chalkface.evidence.ReleaseGate` refuses anything not made under the release policy; what passes is
recorded (:func:`chalkface.insights.actions.record_release`) against its audience: the campaigns (and
workplaces) it describes, which is what everyone who may see those campaigns shares.

``CHANNELS`` lists every channel; ``tests/insights/test_release.py`` exercises each and fails when one shows
figures without passing here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalkface.evidence import HistoryGate, ReleaseGate
from chalkface.insights.actions import record_release
from chalkface.insights.frames import policy_for
from chalkface.voice.access import Scopes

CHANNELS: tuple[str, ...] = (
    "page.overview",
    "page.tool",
    "page.compare",
    "page.workplace",
    "brief.html",
    "brief.pdf",
    "export",
    "api.tool",
    "api.workplace",
    "api.export",
    "alert",
    "cli.brief",
    "cli.export",
    "page.conversation",
)


# Channels whose every release is written to the audit log (accounts.AuditEvent), beside the release record:
# workplace-level reads, and everything that leaves as a document or a file. A release on any other channel
# is audited too when it is about named workplaces (a rep's view, or a slice that comes from one workplace).
WORKPLACE_CHANNELS = frozenset({"page.workplace", "api.workplace", "alert"})
EXPORT_CHANNELS = frozenset({"brief.html", "brief.pdf", "cli.brief", "export", "api.export", "cli.export"})


def audit_action(channel: str, scopes: Scopes, workplaces: int | None = None) -> str:
    """The audit action for a release ("results.exported", "results.read"), or "" if it is not audited."""
    if channel in EXPORT_CHANNELS:
        return "results.exported"
    narrowed = any(places is not None for places in scopes.values())
    if channel in WORKPLACE_CHANNELS or narrowed or workplaces == 1:
        return "results.read"
    return ""


def audience_of(scopes: Scopes) -> str:
    """The audience of figures about ``scopes``: its campaigns, each with its workplaces when narrowed."""
    parts = []
    for campaign_id in sorted(scopes, key=lambda c: -1 if c is None else c):
        places = scopes[campaign_id]
        name = "none" if campaign_id is None else str(campaign_id)
        parts.append(name if places is None else f"{name}:{','.join(str(p) for p in sorted(places))}")
    return ";".join(parts)


def publish(
    viewer: Any,
    channel: str,
    scopes: Scopes,
    k: int,
    items: Iterable[Any],
    base: dict[str, Any] | None = None,
    gates: Iterable[HistoryGate | None] = (),
    *,
    workplaces: int | None = None,
) -> None:
    """Pass ``items`` through the release gate for ``channel`` and record the release, with what the
    release history decided while they were computed (``gates``, see :mod:`chalkface.insights.history`).
    Raises :class:`~chalkface.evidence.ReleaseRefused` (nothing may be shown) for figures not made under
    :func:`~chalkface.insights.frames.policy_for`. Workplace-level releases and exports are also audit-logged
    (:func:`audit_action`); ``workplaces`` says how many workplaces the figures come from, when known."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; add it to CHANNELS")
    release = ReleaseGate(policy_for(k)).check(channel, items, base)
    histories = {id(g.history): g.history for g in gates if g is not None}
    record_release(
        viewer,
        audience_of(scopes),
        release,
        list(histories.values()),
        audit_as=audit_action(channel, scopes, workplaces),
    )
