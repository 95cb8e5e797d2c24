"""What the tool, version-comparison and workplace pages show (and the API and briefs reuse), for one
viewer: every figure from :mod:`chalkface.evidence` with its n, effective n and interval, or hidden and why.

Each function takes the viewer first and returns only what that viewer may see (the sharing rules of
:mod:`chalkface.voice.access`). Every figure is computed under :func:`chalkface.insights.frames.policy_for`
(threshold, complementary suppression, cell-key perturbation), so any slice may be asked for: a group
below k is hidden, and no two slices can be subtracted to single anyone out. The views hand what they
show to :func:`chalkface.insights.release.publish`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from chalkface.evidence import (
    DisclosurePolicy,
    EstimateTable,
    HistoryGate,
    VersionComparison,
    compare_versions,
    estimate_many,
    tool_figures,
)
from chalkface.insights import precomputed
from chalkface.insights.extract import checkins
from chalkface.insights.filters import InvalidFilter, parse_filters
from chalkface.insights.frames import CLUSTER, policy_for, scoped_frame, tool_named
from chalkface.insights.history import gate_for
from chalkface.insights.incidents import IncidentSummary, incident_summary
from chalkface.insights.release import audience_of, publish
from chalkface.insights.weighting import (
    SLICE_NOT_WEIGHTED,
    Weighting,
    weigh,
    weighable_slice,
    weighting_for,
)
from chalkface.insights.wording import (
    CONTEXT_GROUPINGS,
    MEASURE_LABELS,
    MEASURES,
    SENTENCE_LABELS,
    comparison_sentence,
    english,
    label_for,
    plain_notes,
    plain_reason,
    table_notes,
)
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice.access import Scopes, narrow, result_scopes, threshold_for
from chalkface.voice.models import Campaign
from chalkface.workplaces.models import Organisation


def _table_dict(table: EstimateTable) -> dict[str, Any]:
    out = table.to_dict()
    out["label"] = str(MEASURE_LABELS.get(table.measure, table.measure))
    out["plain_notes"] = plain_notes(table.notes)
    return out


@dataclass
class ToolResults:
    """What the tool page shows: headline measures, breakdowns, versions, incidents, for one viewer."""

    tool: Tool
    campaign: Campaign | None
    k: int
    filters: dict[str, str]
    conditions: dict[str, Any]
    n_responses: int | None
    n_workplaces: int | None
    headline: list[EstimateTable]
    breakdowns: dict[str, list[EstimateTable]] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)
    incidents: IncidentSummary | None = None
    as_of: str | None = None
    weighting: Weighting | None = None

    @property
    def as_of_time(self) -> dt.datetime | None:
        """When the copy of the check-ins these figures come from was brought up to date."""
        return dt.datetime.fromisoformat(self.as_of) if self.as_of else None

    @property
    def filtered(self) -> bool:
        return bool(self.filters)

    @property
    def description(self) -> str:
        """The slice shown, in words: "Role: Teacher, Phase: Primary"."""
        names = {"period": _("Period"), **CONTEXT_GROUPINGS}
        return ", ".join(
            f"{names.get(col, col)}: {label_for(col, value)}" for col, value in self.conditions.items()
        )

    @property
    def notes(self) -> list[str]:
        """Plain notes on the intervals shown (few or one workplace), for the page to show once."""
        return table_notes([*self.headline, *(t for ts in self.breakdowns.values() for t in ts)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: every figure with n, effective n, estimate, interval, and whether hidden and why."""
        return {
            "tool": {"slug": self.tool.slug, "name": self.tool.name},
            "campaign": self.campaign.slug if self.campaign else None,
            "k": self.k,
            "filters": dict(self.filters),
            "slice": {"conditions": dict(self.conditions)},
            "figures_as_of": self.as_of,
            "n_responses": self.n_responses,
            "n_workplaces": self.n_workplaces,
            "headline": [_table_dict(t) for t in self.headline],
            "breakdowns": {by: [_table_dict(t) for t in tables] for by, tables in self.breakdowns.items()},
            "versions": self.versions,
            "incidents": self.incidents.to_dict() if self.incidents else None,
            "notes": self.notes,
            "weighting": self.weighting.to_dict() if self.weighting else None,
        }


def versions_of(tool: Tool) -> list[dict[str, Any]]:
    return [
        {"label": v.label, "release_date": v.release_date.isoformat(), "material_change": v.material_change}
        for v in ToolVersion.objects.filter(tool=tool).order_by("release_date")
    ]


def headline_tables(
    frame: pl.DataFrame, policy: DisclosurePolicy, by: Sequence[str] = ()
) -> list[EstimateTable]:
    present = [m for m in MEASURES if m in frame.columns and frame[m].null_count() < frame.height]
    if not present:
        return []
    # A group drawn from one workplace gets an interval that treats its answers as independent, and one
    # from 2-3 workplaces a wide, rough one: the tables' notes say so (see plain_notes).
    return estimate_many(frame, present, list(by), cluster=CLUSTER, policy=policy)


def analyse_tool(
    frame: pl.DataFrame,
    tool: Tool,
    k: int,
    *,
    groupings: Sequence[str] = tuple(CONTEXT_GROUPINGS),
    gate: HistoryGate | None = None,
    weighted: bool = False,
) -> tuple[list[EstimateTable], dict[str, list[EstimateTable]], int | None, int | None]:
    """Headline and breakdowns of one tool's (already visible, already audited) check-ins, as
    :func:`chalkface.evidence.tool_figures` computes them for the tool page, the brief and the benchmark.
    ``weighted``: the frame carries the ``weight`` and ``weight_class`` of :func:`weigh`; use them."""
    figures = tool_figures(
        frame,
        tool.slug,
        measures=MEASURES,
        groupings=groupings,
        cluster=CLUSTER,
        policy=policy_for(k, gate),
        weight="weight" if weighted else None,
        weight_class="weight_class" if weighted else None,
    )
    breakdowns = {by: list(tables) for by, tables in figures.breakdowns.items()}
    return list(figures.headline), breakdowns, figures.n_responses, figures.n_workplaces


def tool_results(
    user: Any,
    tool: Tool | str,
    *,
    campaign: Campaign | None = None,
    filters: dict[str, str] | None = None,
    channel: str = "page.tool",
    weighting: str | None = None,
) -> ToolResults:
    """Results for one tool as the viewer may see them.

    Without filters: headline measures and breakdowns by version, role, phase, region, deprivation and IT
    self-rating. With filters (see :data:`FILTERS`): the headline measures for that slice only. Every
    population shown is checked by the release gate against what this viewer has already seen, and
    remembered. National and regional views are weighted to the workforce unless ``weighting`` is
    ``"none"`` (see :mod:`chalkface.insights.weighting`); the weights are fitted on the tool's whole scope
    before any filter, so that each check-in keeps one weight in every slice. Raises ``PermissionDenied``
    when the viewer sees no results at all (or not the campaign's), :class:`SliceRefused` when the gate
    refuses, :class:`InvalidFilter` for an unknown filter.
    """
    tool = tool_named(tool)
    scopes = narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    conditions = parse_filters(filters)
    k = threshold_for(scopes)
    kept = {name: str(v) for name, v in (filters or {}).items() if str(v or "").strip()}
    versions = versions_of(tool)
    found, gates = kept_tool_figures(scopes, tool, k, conditions, weighting_for(scopes, weighting), versions)
    headline, breakdowns, n, places, weights, as_of = found
    if conditions:
        publish(
            user, channel, scopes, k, headline, {"tool_id": tool.slug, **conditions}, gates, workplaces=places
        )
        return ToolResults(
            tool, campaign, k, kept, conditions, n, places, headline, {}, versions, None, as_of, weights
        )
    incidents = incident_summary(user, tool=tool, campaign=campaign)
    shown = [headline, *breakdowns.values(), incidents.published if incidents else []]
    publish(user, channel, scopes, k, shown, {"tool_id": tool.slug}, gates, workplaces=places)
    return ToolResults(
        tool, campaign, k, {}, {}, n, places, headline, breakdowns, versions, incidents, as_of, weights
    )


def kept_tool_figures(
    scopes: Scopes,
    tool: Tool,
    k: int,
    conditions: dict[str, Any],
    wanted: Weighting,
    versions: list[dict[str, Any]] | None = None,
) -> tuple[tuple[Any, ...], list[HistoryGate]]:
    """A tool's figures for an audience, as kept (:mod:`precomputed`), or computed now and kept: (headline,
    breakdowns, n, workplaces, weighting, computed from check-ins received by), and the gates whose
    decisions the release must save (none when they were kept: saved when they were computed)."""
    _lazy, manifest = checkins()
    # The figures depend on who may see them, not on who looks: kept per audience.
    stable = {
        "audience": audience_of(scopes),
        "k": k,
        "tool": tool.slug,
        "conditions": conditions,
        "weighting": [wanted.available, wanted.mode, getattr(wanted.margins, "pk", None)],
        "versions": versions if versions is not None else versions_of(tool),
        "language": translation.get_language(),  # notes made while computing are in the viewer's language
    }
    fresh = {"checkins": manifest.get("fingerprint")}
    params = {
        "scopes": precomputed.scopes_param(scopes),
        "tool": tool.slug,
        "k": k,
        "weighting": wanted.mode,
        "conditions": conditions,
    }
    found = precomputed.lookup("tool", stable, fresh, scopes=scopes, params=params)
    if found is not None:
        return found, []
    figures, gates = _tool_figures(scopes, tool, k, conditions, wanted)
    found = (*figures, manifest.get("built_at"))
    precomputed.keep("tool", stable, fresh, found)
    return found, gates


def _tool_figures(
    scopes: Scopes, tool: Tool, k: int, conditions: dict[str, Any], wanted: Weighting
) -> tuple[tuple[Any, ...], list[HistoryGate]]:
    """A tool's figures for ``scopes`` (and a slice), through the release gate: (headline, breakdowns, n,
    workplaces, weighting), and the gates whose decisions the release must save."""
    whole = gate_for(k, scopes, tool_id=tool.slug)
    frame, weights = weigh(scoped_frame(scopes, tool), wanted, k, gate=whole)
    gate = gate_for(k, scopes, tool_id=tool.slug, **conditions) if conditions else whole
    use = weights.applied
    if use and not weighable_slice(conditions):
        use, weights = False, replace(weights, summary=None, why_not=str(SLICE_NOT_WEIGHTED))
    if conditions:
        sub = frame.filter(pl.all_horizontal([pl.col(c) == v for c, v in conditions.items()]))
        headline, _breakdowns, n, places = analyse_tool(sub, tool, k, groupings=(), gate=gate, weighted=use)
        return (headline, {}, n, places, weights), [gate, whole]
    headline, breakdowns, n, places = analyse_tool(frame, tool, k, gate=gate, weighted=use)
    return (headline, breakdowns, n, places, weights), [gate]


class Comparison(VersionComparison):
    """A :class:`VersionComparison` whose sentence is in plain words and the viewer's language, naming the
    tool and the measure, with plain notes on its interval (``plain_notes``)."""

    def sentence(self) -> str:
        return comparison_sentence(self)

    @property
    def plain_notes(self) -> list[str]:
        notes = plain_notes(self.notes)
        if self.odds_ratio_reason and not self.suppressed:
            notes.append(
                _("The odds ratio cannot be estimated: %(why)s.")
                % {"why": plain_reason(self.odds_ratio_reason)}
            )
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "sentence": self.sentence(), "plain_notes": self.plain_notes}


def compare(
    frame: pl.DataFrame,
    measure: str,
    before: str,
    after: str,
    k: int,
    tool: Tool,
    *,
    ordinal: bool | None = None,
    gate: HistoryGate | None = None,
) -> Comparison:
    """:func:`compare_versions` of one tool's measure, clustered by workplace. The evidence layer reports
    what it cannot estimate (an odds ratio for separated answers, in ``odds_ratio_reason``; a clustered
    interval from one workplace, in ``notes``) instead of failing."""
    result = compare_versions(
        frame,
        measure,
        before=before,
        after=after,
        cluster=CLUSTER,
        policy=policy_for(k, gate),
        ordinal=ordinal,
        tool=tool.slug,
        tool_name=tool.name,
        measure_label=english(SENTENCE_LABELS).get(measure),
    )
    return Comparison(**{f.name: getattr(result, f.name) for f in fields(result)})


def version_comparison(
    user: Any,
    tool: Tool | str,
    before: str,
    after: str,
    *,
    campaign: Campaign | None = None,
    channel: str = "page.compare",
) -> list[Comparison]:
    """Two versions of one tool side by side, measure by measure (difference in means clustered by workplace,
    rank-biserial, odds ratio), each hidden when either side has fewer than k check-ins."""
    tool = tool_named(tool)
    scopes = narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    labels = set(ToolVersion.objects.filter(tool=tool).values_list("label", flat=True))
    if before not in labels or after not in labels:
        raise InvalidFilter(_("Choose two versions of this tool."))
    k = threshold_for(scopes)
    out, gates = kept_comparisons(scopes, tool, k, before, after)
    publish(user, channel, scopes, k, out, {"tool_id": tool.slug}, gates)
    return list(out)


def kept_comparisons(
    scopes: Scopes, tool: Tool, k: int, before: str, after: str
) -> tuple[list[Comparison], list[HistoryGate]]:
    """Two versions compared for an audience, kept as the tool page's figures are (see precomputed)."""
    _lazy, manifest = checkins()
    stable = {
        "audience": audience_of(scopes),
        "k": k,
        "tool": tool.slug,
        "versions": versions_of(tool),
        "pair": [before, after],
        "language": translation.get_language(),
    }
    fresh = {"checkins": manifest.get("fingerprint")}
    params = {"scopes": precomputed.scopes_param(scopes), "tool": tool.slug, "k": k, "pair": [before, after]}
    out = precomputed.lookup("compare", stable, fresh, scopes=scopes, params=params)
    if out is not None:
        return out, []
    frame = scoped_frame(scopes, tool)
    gate = gate_for(k, scopes, tool_id=tool.slug)
    out = []
    for measure in MEASURES:
        if frame.height == 0 or frame[measure].null_count() == frame.height:
            continue
        answered = frame.filter(pl.col(measure).is_not_null())
        out.append(compare(answered, measure, before, after, k, tool, gate=gate))
    precomputed.keep("compare", stable, fresh, out)
    return out, [gate]


@dataclass
class WorkplaceResults:
    """What a workplace's page shows: results once at least k responded, deployments, incidents."""

    workplace: Organisation
    campaign: Campaign | None
    k: int
    n_responses: int | None
    enough: bool
    headline: list[EstimateTable]
    by_tool: list[EstimateTable]
    deployments: list[dict[str, Any]]
    incidents: IncidentSummary | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "workplace": {"slug": self.workplace.slug, "name": self.workplace.name},
            "campaign": self.campaign.slug if self.campaign else None,
            "k": self.k,
            "n_responses": self.n_responses,
            "enough_responses": self.enough,
            "headline": [_table_dict(t) for t in self.headline],
            "by_tool": [_table_dict(t) for t in self.by_tool],
            "deployments": self.deployments,
            "incidents": self.incidents.to_dict() if self.incidents else None,
            "notes": self.notes,
        }

    @property
    def notes(self) -> list[str]:
        """Plain notes on the intervals shown (few or one workplace), for the page to show once."""
        return table_notes([*self.headline, *self.by_tool])


def workplace_results(
    user: Any,
    workplace: Organisation,
    *,
    campaign: Campaign | None = None,
    channel: str = "page.workplace",
    scopes: Scopes | None = None,
) -> WorkplaceResults:
    """A workplace's results for its rep, its employer lead (when the owner shares or owns) and officers.

    Nothing is shown until at least k people in the workplace responded. ``scopes``: the user's
    :func:`~chalkface.voice.access.result_scopes`, when the caller has them already. Raises
    ``PermissionDenied``."""
    all_scopes = narrow(result_scopes(user) if scopes is None else scopes, campaign, None)
    scopes = narrow(all_scopes, None, workplace)
    k = threshold_for(scopes)
    gate = gate_for(k, scopes)
    policy = policy_for(k, gate)
    frame = scoped_frame(scopes, workplace=workplace)
    enough = not policy.is_small(frame.height)
    headline: list[EstimateTable] = []
    by_tool: list[EstimateTable] = []
    if enough:
        headline = headline_tables(frame, policy)
        by_tool = headline_tables(frame, policy, ("tool_id",))
    deployments = [
        {
            "tool": d.tool.name,
            "tool_slug": d.tool.slug,
            "starts_on": d.starts_on.isoformat(),
            "ends_on": d.ends_on.isoformat() if d.ends_on else None,
            "use": d.get_use_display(),
        }
        for d in Deployment.objects.filter(workplace=workplace).select_related("tool").order_by("tool__name")
    ]
    incidents = incident_summary(user, campaign=campaign, workplace=workplace)
    shown = [headline, by_tool, incidents.published if incidents else []]
    publish(user, channel, scopes, k, shown, {"workplace_id": workplace.pk}, [gate])
    return WorkplaceResults(
        workplace,
        campaign,
        k,
        policy.publish_count(frame.height, float(frame["record_key"].sum())) if enough else None,
        enough,
        headline,
        by_tool,
        deployments,
        incidents,
    )
