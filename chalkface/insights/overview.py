"""The officer's overview: campaigns, check-ins and workplaces covered, tools, and the strongest signals
(version changes, incident-rate changes and deprivation gaps, after false-discovery-rate control), each in
one plain sentence with its n and interval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chalkface.evidence import EvidenceError, HistoryGate, equity_gap, publish_counts, signal_list
from chalkface.insights import precomputed
from chalkface.insights.extract import checkins
from chalkface.insights.frames import (
    CLUSTER,
    exposure_frame,
    figures_as_of,
    incident_frame,
    policy_for,
    releases_frame,
    scoped_frame,
)
from chalkface.insights.history import gate_for
from chalkface.insights.release import audience_of, publish
from chalkface.insights.wording import (
    DONT_KNOW,
    MEASURES,
    SENTENCE_LABELS,
    english,
    equity_sentence,
    plain_notes,
    signal_sentence,
)
from chalkface.register.models import Tool
from chalkface.voice.access import incident_scopes, result_scopes, threshold_for
from chalkface.voice.models import Campaign


@dataclass
class Finding:
    """One signal worth a decision maker's attention, in one sentence, with where its evidence is."""

    kind: str
    tool: str
    sentence: str
    url: str
    key: str
    q_value: float | None = None
    notes: list[str] = field(default_factory=list)
    evidence: Any = field(default=None, repr=False)  # the Signal or EquityGapResult, for the release gate

    def to_dict(self) -> dict[str, Any]:
        out = {**vars(self), "notes": list(self.notes)}
        out.pop("evidence")
        return out


SHOWN = 10  # signals the overview shows
ALERT_LIMIT = 1000  # signals kept for alerts


@dataclass
class Overview:
    campaigns: list[dict[str, Any]]
    n_responses: int | None
    n_workplaces: int
    tools: list[dict[str, Any]]
    signals: list[Finding]
    k: int
    published: list[Any] = field(default_factory=list, repr=False)
    as_of: str | None = None
    #: Every signal found (up to :data:`ALERT_LIMIT`), strongest first: ``signals`` are the first
    #: :data:`SHOWN` of them; alerts (:mod:`chalkface.insights.alerts`) read them all from the same kept
    #: figures, so a scheduled run costs no more than a page view.
    all_signals: list[Finding] = field(default_factory=list, repr=False)

    @property
    def named_signals(self) -> list[tuple[Finding, str]]:
        """The signals shown, each with its tool's name (a signal holds the tool's code)."""
        names = {t["slug"]: t["name"] for t in self.tools}
        return [(s, names.get(s.tool) or tool_name(s.tool)) for s in self.signals]

    @property
    def as_of_time(self) -> dt.datetime | None:
        """When the copy of the check-ins these figures come from was brought up to date."""
        return dt.datetime.fromisoformat(self.as_of) if self.as_of else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaigns": self.campaigns,
            "n_responses": self.n_responses,
            "n_workplaces": self.n_workplaces,
            "tools": self.tools,
            "signals": [s.to_dict() for s in self.signals],
            "k": self.k,
            "figures_as_of": self.as_of,
        }


def tool_name(slug: str) -> str:
    """A tool's name from its code (the code itself if the tool has gone from the register)."""
    return Tool.objects.filter(slug=slug).values_list("name", flat=True).first() or slug


def find_signals(
    frame: pl.DataFrame,
    incidents: pl.DataFrame | None,
    k: int,
    *,
    limit: int = SHOWN,
    gate: HistoryGate | None = None,
) -> list[Finding]:
    """Version changes and incident-rate changes (Benjamini-Hochberg across all tests), and equity gaps by
    deprivation with a significant trend, strongest first. Pure computation on a visible results frame.
    Each finding's sentence names the tool and the measure in the viewer's language; its ``notes`` say in
    plain words when its interval is rough (few workplaces) or comes from one workplace."""
    findings: list[Finding] = []
    if frame.height == 0:
        return findings
    tools = frame["tool_id"].drop_nulls().unique().to_list()
    names = dict(Tool.objects.filter(slug__in=tools).values_list("slug", "name"))
    exposure = exposure_frame(tools) if incidents is not None and incidents.height else None
    present = [m for m in MEASURES if frame[m].null_count() < frame.height]
    signals = signal_list(
        frame.filter(pl.col("version_label") != DONT_KNOW),
        present,
        releases=releases_frame(tools),
        release_label="version_label",
        cluster=CLUSTER,
        incidents=incidents if exposure is not None else None,
        exposure=exposure,
        k=k,
        labels=english(SENTENCE_LABELS),
        tool_names=names,
        policy=policy_for(k, gate),
    )
    family = {kind: sum(1 for t in signals.tests if t.kind == kind) for kind in ("difference", "rate_ratio")}
    for s in signals.signals:
        url = reverse("insights:compare", args=[s.tool]) + f"?before={s.before}&after={s.after}"
        kind = "incidents" if s.kind == "rate_ratio" else "version"
        findings.append(
            Finding(
                kind,
                str(s.tool),
                signal_sentence(s, family[s.kind]),
                url,
                f"{kind}:{s.tool}:{s.measure}:{s.before}:{s.after}",
                s.q_value,
                plain_notes(s.notes),
                s,
            )
        )
    for tool in sorted(tools):
        sub = frame.filter(pl.col("tool_id") == tool)
        for measure in ("workload", "time_saved_hours"):
            answered = sub.filter(
                pl.col(measure).is_not_null() & pl.col("deprivation_quintile").is_not_null()
            )
            if answered.height < 2 * k:
                continue
            try:
                within = gate.narrowed(tool_id=tool) if gate is not None else None
                gap = equity_gap(
                    answered, measure, "deprivation_quintile", cluster=CLUSTER, policy=policy_for(k, within)
                )
            except EvidenceError:
                # e.g. fewer than three quintiles shown, or no answers in them: no trend to report
                continue
            trend = gap.trend
            if trend is None or trend.p_value is None or trend.p_value >= 0.01:
                continue
            url = reverse("insights:tool", args=[tool]) + "#by-deprivation_quintile"
            findings.append(
                Finding(
                    "equity",
                    tool,
                    equity_sentence(gap, names.get(tool, tool)),
                    url,
                    f"equity:{tool}:{measure}",
                    trend.p_value,
                    plain_notes(gap.notes),
                    gap,
                )
            )
    findings.sort(key=lambda f: f.q_value if f.q_value is not None else 1.0)
    return findings[:limit]


def overview(user: Any, channel: str = "page.overview") -> Overview:
    """The officer's overview: campaigns, check-ins and workplaces covered, tools, the strongest signals.
    Kept per audience until the check-ins or incident reports change (see :mod:`precomputed`)."""
    scopes = result_scopes(user)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    k = threshold_for(scopes)
    kept, gate = kept_overview(user, scopes, k)
    publish(user, channel, scopes, k, kept.published, gates=[gate] if gate else [])
    return kept


def kept_overview(user: Any, scopes: Any, k: int) -> tuple[Overview, HistoryGate | None]:
    """The overview's figures for an audience, as kept (:mod:`precomputed`) or computed now and kept, and
    the gate whose decisions the release must save (``None`` when they were kept)."""
    _lazy, manifest = checkins()
    stable = {
        "audience": audience_of(scopes),
        "incidents_audience": audience_of(incident_scopes(user)),
        "k": k,
        "campaigns": sorted(
            Campaign.objects.filter(pk__in=[c for c in scopes if c is not None]).values_list(
                "pk", "threshold", "name", "name_cy"
            )
        ),
        "tools": sorted(Tool.objects.values_list("slug", "name")),
        "language": translation.get_language(),
    }
    fresh = {"checkins": manifest.get("fingerprint"), "incidents": precomputed.incident_state()}
    found = precomputed.lookup("overview", stable, fresh, scopes=scopes, params={"user": user.pk, "k": k})
    if found is not None:
        return found, None
    computed, gate = _overview(user, scopes, k)
    computed = replace(computed, as_of=manifest.get("built_at"))
    precomputed.keep("overview", stable, fresh, computed)
    return computed, gate


def _overview(user: Any, scopes: Any, k: int) -> tuple[Overview, HistoryGate]:
    gate = gate_for(k, scopes)
    policy = policy_for(k, gate)
    frame = scoped_frame(scopes)
    published: list[Any] = []
    campaigns = []
    by_campaign = (
        {
            c: (n, keys)
            for c, n, keys in frame.group_by("campaign_id")
            .agg(pl.len(), pl.col("record_key").sum())
            .iter_rows()
        }
        if frame.height
        else {}
    )
    for campaign in Campaign.objects.filter(pk__in=[c for c in scopes if c is not None]).select_related(
        "owner"
    ):
        n, keys = by_campaign.get(campaign.pk, (0, 0))
        (count,) = publish_counts(
            [(campaign.pk, int(n), float(keys))], policy_for(campaign.threshold, gate), "campaign_id"
        )
        published.append(count)
        campaigns.append(
            {
                "slug": campaign.slug,
                "name": campaign.display_name,
                "owner": campaign.owner.name,
                "k": campaign.threshold,
                "n_responses": count.n,
                "own_workplaces_only": scopes[campaign.pk] is not None,
            }
        )
    names = dict(Tool.objects.values_list("slug", "name"))
    tools: list[dict[str, Any]] = []
    if frame.height:
        per_tool = frame.group_by("tool_id").agg(pl.len(), pl.col("record_key").sum()).sort("tool_id")
        counts = publish_counts(
            [(slug, int(n), float(keys)) for slug, n, keys in per_tool.iter_rows()], policy, "tool_id"
        )
        published.extend(counts)
        # check-ins about no tool in particular are counted (they are part of the total) but not listed
        tools = [
            {"slug": c.code, "name": names.get(c.code, c.code), "n_responses": c.n}
            for c in counts
            if c.code is not None
        ]
    (everyone,) = publish_counts([("all", frame.height, float(frame["record_key"].sum() or 0))], policy)
    published.append(everyone)
    found = find_signals(frame, incident_frame(user), k, limit=ALERT_LIMIT, gate=gate)
    signals = found[:SHOWN]
    return Overview(
        campaigns=campaigns,
        n_responses=everyone.n,
        n_workplaces=frame["workplace_id"].n_unique() if frame.height else 0,
        tools=tools,
        signals=signals,
        k=k,
        published=[*published, *(f.evidence for f in signals)],
        as_of=figures_as_of(),
        all_signals=found,
    ), gate
