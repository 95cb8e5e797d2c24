"""What the insight pages, briefs, exports and the JSON API show, computed in one place.

Every function here takes the viewer first and returns only what that viewer may see:

- a campaign's results are visible to the people who run it for its owner and to organisations the owner
  shared its results with; a union rep sees the results of their own workplace in a union-owned campaign;
  an administrator sees everything;
- every figure comes from :mod:`chalkface.evidence`, which applies disclosure control, so every figure
  carries n, effective n, its estimate and interval, or says that it is hidden and why;
- every population a viewer is shown is remembered (:class:`ShownSlice`), and a new slice is refused by the
  :class:`~chalkface.evidence.QueryAuditor` when, combined with what the viewer has already seen, it would
  single out fewer than k people.

Raw responses never leave this module: :func:`results_frame` is for the insight layer's own use.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chalkface import vocab
from chalkface.evidence import (
    DisclosurePolicy,
    EquityGapResult,
    EstimateTable,
    EvidenceError,
    PrivacyBudget,
    QueryAuditor,
    Signal,
    Slice,
    VersionComparison,
    compare_versions,
    equity_gap,
    estimate_many,
    protect_partition,
    release_counts,
    release_means,
    signal_list,
)
from chalkface.insights.models import PrivacyLedger, ShownSlice
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice import access as voice_access
from chalkface.voice.models import (
    DEFAULT_THRESHOLD,
    Campaign,
    IncidentCategory,
    IncidentReport,
    Response,
    Severity,
    Share,
)
from chalkface.workplaces.models import Organisation

__all__ = [
    "CONTEXT_GROUPINGS",
    "FILTERS",
    "MEASURES",
    "SENTENCE_LABELS",
    "Comparison",
    "IncidentSummary",
    "InvalidFilter",
    "PermissionDenied",
    "SliceRefused",
    "ToolResults",
    "WorkplaceResults",
    "campaign_export_tables",
    "compare",
    "comparison_sentence",
    "data_dictionary",
    "display_n_eff",
    "incident_summary",
    "plain_notes",
    "results_frame",
    "tool_results",
    "version_comparison",
    "visible_campaigns",
    "workplace_results",
]

# The measures shown everywhere, in this order: question codes of the core check-in.
MEASURES: tuple[str, ...] = ("time_saved_hours", "workload", "quality", "wellbeing", "trust", "data_concern")
MEASURE_LABELS: dict[str, Any] = {
    "time_saved_hours": gettext_lazy("Time saved (hours a week; negative means time added)"),
    "workload": gettext_lazy("It has increased my workload"),
    "quality": gettext_lazy("It has improved the quality of my work"),
    "wellbeing": gettext_lazy("It has been good for my wellbeing"),
    "trust": gettext_lazy("I trust what it produces"),
    "data_concern": gettext_lazy("I am concerned about how it uses data"),
}
# What a sentence calls each measure: what was measured, and on what scale (for the difference in means).
SENTENCE_LABELS: dict[str, Any] = {
    "time_saved_hours": gettext_lazy("time saved (hours a week)"),
    "workload": gettext_lazy("agreement that it has increased workload (1 to 5)"),
    "quality": gettext_lazy("agreement that it has improved the quality of work (1 to 5)"),
    "wellbeing": gettext_lazy("agreement that it has been good for wellbeing (1 to 5)"),
    "trust": gettext_lazy("trust in what it produces (1 to 5)"),
    "data_concern": gettext_lazy("concern about how it uses data (1 to 5)"),
}
# What a sentence calls the share agreeing with an agreement item.
SHARE_LABELS: dict[str, Any] = {
    "workload": gettext_lazy("the share who agree it has increased their workload"),
    "quality": gettext_lazy("the share who agree it has improved the quality of their work"),
    "wellbeing": gettext_lazy("the share who agree it has been good for their wellbeing"),
    "trust": gettext_lazy("the share who trust what it produces"),
    "data_concern": gettext_lazy("the share concerned about how it uses data"),
}
AGREEMENT_MEASURES = frozenset(MEASURES) - {"time_saved_hours"}
# Breakdowns on the tool page: the column of the results frame and what to call it.
CONTEXT_GROUPINGS: dict[str, Any] = {
    "version_label": gettext_lazy("Version"),
    "role": gettext_lazy("Role"),
    "phase": gettext_lazy("Phase"),
    "region": gettext_lazy("Region"),
    "deprivation_quintile": gettext_lazy("Deprivation quintile (1 least, 5 most deprived)"),
    "it_rating": gettext_lazy("IT infrastructure (self-rated, 1 very poor to 5 very good)"),
}
# Filters a viewer may apply (the name in the address) and the column they select on.
FILTERS: dict[str, str] = {
    "role": "role",
    "phase": "phase",
    "region": "region",
    "deprivation_quintile": "deprivation_quintile",
    "version": "version_label",
    "period": "period",
}
_INTEGER_FILTERS = frozenset({"deprivation_quintile"})
DONT_KNOW = "dont_know"


class SliceRefused(Exception):
    """The query auditor refused a slice; ``reason`` says why in plain words, without any small count."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidFilter(ValueError):
    """A filter name or value that the insight pages do not offer."""


# ---------------------------------------------------------------------------------------------------------
# Who may see what


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user runs, acts in, or has been shared something from (see :mod:`voice.access`)."""
    return voice_access.visible_campaigns(user)


def result_scopes(user: Any) -> dict[int | None, set[int] | None]:
    """For each campaign whose results the user may see: ``None`` for every workplace in it, or the ids of
    the workplaces whose results they may see (a rep's own). The key ``None`` stands for check-ins outside
    any campaign, which only administrators see."""
    return _scopes(user, Share.RESULTS)


def _incident_scopes(user: Any) -> dict[int | None, set[int] | None]:
    return _scopes(user, Share.INCIDENTS)


def _scopes(user: Any, share: str) -> dict[int | None, set[int] | None]:
    scopes: dict[int | None, set[int] | None] = {}
    admin = voice_access.is_admin(user)
    for campaign in visible_campaigns(user):
        if (
            admin
            or voice_access.can_manage(user, campaign)
            or voice_access.shared_with(user, campaign, share)
        ):
            scopes[campaign.pk] = None
            continue
        own = set(voice_access.rep_workplaces(user, campaign).values_list("pk", flat=True))
        if own:
            scopes[campaign.pk] = own
    if admin:
        scopes[None] = None
    return scopes


def _scope_q(scopes: dict[int | None, set[int] | None]) -> Q:
    q = Q(pk__in=[])
    for campaign_id, workplaces in scopes.items():
        part = Q(campaign__isnull=True) if campaign_id is None else Q(campaign_id=campaign_id)
        if workplaces is not None:
            part &= Q(workplace_id__in=workplaces)
        q |= part
    return q


def _narrow(
    scopes: dict[int | None, set[int] | None], campaign: Campaign | None, workplace: Organisation | None
) -> dict[int | None, set[int] | None]:
    if campaign is not None:
        if campaign.pk not in scopes:
            raise PermissionDenied(_("The owner of this campaign has not shared its results with you."))
        scopes = {campaign.pk: scopes[campaign.pk]}
    if workplace is not None:
        narrowed: dict[int | None, set[int] | None] = {}
        for key, places in scopes.items():
            if places is None or workplace.pk in places:
                narrowed[key] = {workplace.pk}
        if not narrowed:
            raise PermissionDenied(_("You cannot see results for this workplace."))
        scopes = narrowed
    return scopes


def can_see_results(user: Any) -> bool:
    """Does the user see the results of at least one campaign (and so the insight pages)?"""
    return bool(result_scopes(user))


def threshold_for(campaign_ids: Iterable[int | None]) -> int:
    """The disclosure threshold for figures that pool these campaigns: the strictest of theirs."""
    ids = [c for c in campaign_ids if c is not None]
    found = list(Campaign.objects.filter(pk__in=ids).values_list("threshold", flat=True))
    return max([DEFAULT_THRESHOLD, *found]) if None in campaign_ids else max(found or [DEFAULT_THRESHOLD])


# ---------------------------------------------------------------------------------------------------------
# Loading


# Intervals are clustered by workplace: colleagues' answers are alike. The evidence layer falls back (with a
# note) when a figure's answers come from one workplace, and warns when they come from only 2 or 3.
CLUSTER = "workplace_id"


def _tool(tool: Tool | str) -> Tool:
    if isinstance(tool, Tool):
        return tool
    found = Tool.objects.filter(slug=tool).first()
    if found is None:
        raise Tool.DoesNotExist(f"No tool with the slug {tool!r}")
    return found


_SCHEMA: dict[str, Any] = {m: pl.Int64 for m in AGREEMENT_MEASURES} | {"time_saved_hours": pl.Float64}


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def frame_from_rows(rows: Sequence[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows of (campaign id, workplace id, tool slug, version label, week, role, answers) as a results frame
    with the workplace context joined on."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(7)]
    answers = columns[6]
    data: dict[str, Any] = {
        "campaign_id": pl.Series(columns[0], dtype=pl.Int64),
        "workplace_id": pl.Series(columns[1], dtype=pl.Int64),
        "tool_id": pl.Series(columns[2], dtype=pl.String),
        "version_label": pl.Series([v or DONT_KNOW for v in columns[3]], dtype=pl.String),
        "week": pl.Series(columns[4], dtype=pl.Date),
    }
    parsed = [json.loads(a) if isinstance(a, str) else (a or {}) for a in answers]
    data["role"] = pl.Series(
        [r or str(a.get("role") or "") for r, a in zip(columns[5], parsed, strict=True)], dtype=pl.String
    )
    for measure, dtype in _SCHEMA.items():
        values = [_number(a.get(measure)) for a in parsed]
        if dtype == pl.Int64:
            data[measure] = pl.Series([None if v is None else round(v) for v in values], dtype=pl.Int64)
        else:
            data[measure] = pl.Series(values, dtype=pl.Float64)
    return with_context(pl.DataFrame(data))


def with_context(frame: pl.DataFrame, places: pl.DataFrame | None = None) -> pl.DataFrame:
    """Join each response's workplace context (phase, region, deprivation quintile, IT self-rating) and add
    ``period`` (the quarter) and ``submitted_on`` (the week, as the evidence layer names it)."""
    if places is None:
        ids = frame["workplace_id"].unique().to_list()
        rows = list(
            Organisation.objects.filter(pk__in=ids).values_list(
                "pk", "phase", "region", "deprivation_quintile", "it_rating"
            )
        )
        places = pl.DataFrame(
            rows,
            schema={
                "workplace_id": pl.Int64,
                "phase": pl.String,
                "region": pl.String,
                "deprivation_quintile": pl.Int64,
                "it_rating": pl.Int64,
            },
            orient="row",
        )
    return frame.join(places, on="workplace_id", how="left").with_columns(
        pl.col("phase").replace("", None),
        pl.col("region").replace("", None),
        (pl.col("week").dt.year().cast(pl.String) + " Q" + pl.col("week").dt.quarter().cast(pl.String)).alias(
            "period"
        ),
        pl.col("week").alias("submitted_on"),
    )


def _load(responses: QuerySet[Response]) -> pl.DataFrame:
    rows = list(
        responses.values_list(
            "campaign_id", "workplace_id", "tool__slug", "tool_version__label", "week", "role", "answers"
        ).iterator(chunk_size=20_000)
    )
    return frame_from_rows(rows)


def results_frame(
    user: Any,
    *,
    tool: Tool | str | None = None,
    campaign: Campaign | None = None,
    workplace: Organisation | None = None,
) -> pl.DataFrame:
    """The check-ins the user may see (by campaign sharing and role), as a Polars frame, one row per
    check-in, with the workplace context joined on. For the insight layer's own analyses only: it is never
    shown or returned to anyone. Raises ``PermissionDenied`` when a named campaign or workplace is not
    visible to the user."""
    scopes = _narrow(result_scopes(user), campaign, workplace)
    responses = Response.objects.filter(_scope_q(scopes))
    if tool is not None:
        responses = responses.filter(tool=_tool(tool))
    return _load(responses)


# ---------------------------------------------------------------------------------------------------------
# The query auditor's memory


def _slice_key(slice_: Slice) -> str:
    return json.dumps(slice_.to_dict(), sort_keys=True, default=str)[:500]


def shown_slices(user: Any, campaign: Campaign | None) -> list[Slice]:
    """The populations this viewer has already been shown figures for (within the campaign, or overall)."""
    rows = ShownSlice.objects.filter(user=user, campaign=campaign).order_by("pk")
    return [Slice.from_dict(row.conditions) for row in rows]


def remember(user: Any, campaign: Campaign | None, slices: Iterable[Slice]) -> None:
    """Record that the viewer has been shown these populations."""
    if not getattr(user, "is_authenticated", False):
        return
    known = set(ShownSlice.objects.filter(user=user, campaign=campaign).values_list("key", flat=True))
    for slice_ in slices:
        key = _slice_key(slice_)
        if key in known:
            continue
        known.add(key)
        try:
            with transaction.atomic():
                ShownSlice.objects.create(user=user, campaign=campaign, key=key, conditions=slice_.to_dict())
        except IntegrityError:
            continue


def audit(user: Any, campaign: Campaign | None, frame: pl.DataFrame, slice_: Slice, k: int) -> None:
    """Raise :class:`SliceRefused` when ``slice_`` may not be shown to this viewer; otherwise remember it."""
    if frame.height == 0:
        return
    auditor = QueryAuditor(k=k).fit(frame)
    decision = auditor.check(slice_, shown_slices(user, campaign))
    if not decision.allowed:
        raise SliceRefused(decision.reason or _("This slice cannot be shown."))
    remember(user, campaign, [slice_])


def parse_filters(filters: dict[str, str] | None) -> dict[str, Any]:
    """Filters as given (``{"role": "teacher", "deprivation_quintile": "5"}``) as conditions on the columns
    of the results frame; blank values are ignored. Raises :class:`InvalidFilter`."""
    conditions: dict[str, Any] = {}
    for name, raw in (filters or {}).items():
        value = str(raw).strip() if raw is not None else ""
        if not value:
            continue
        if name not in FILTERS:
            raise InvalidFilter(_("There is no filter called %(name)s.") % {"name": name})
        if name in _INTEGER_FILTERS:
            try:
                conditions[FILTERS[name]] = int(value)
            except ValueError as exc:
                raise InvalidFilter(_("%(name)s must be a whole number.") % {"name": name}) from exc
        else:
            conditions[FILTERS[name]] = value
    return conditions


# ---------------------------------------------------------------------------------------------------------
# Results objects


def _table_dict(table: EstimateTable) -> dict[str, Any]:
    out = table.to_dict()
    out["label"] = str(MEASURE_LABELS.get(table.measure, table.measure))
    out["plain_notes"] = plain_notes(table.notes)
    return out


def display_n_eff(value: float | None) -> int | None:
    """Effective n as shown on a page: a whole number (the JSON keeps the evidence layer's decimal)."""
    return None if value is None or not math.isfinite(value) else round(value)


_FEW_CLUSTERS = re.compile(r"\bonly (\d+)(?: or (\d+))? \w+s\b")
_ONE_CLUSTER = re.compile(r"\bfrom one \w+")


def plain_notes(notes: Iterable[str]) -> list[str]:
    """The evidence layer's notes about a figure's interval (English, technical) as plain sentences for a
    decision maker, in the viewer's language, without repeats. A note of a kind not known here is kept
    as the evidence layer wrote it."""
    out: list[str] = []
    for note in notes:
        if (match := _FEW_CLUSTERS.search(note)) and match[2]:
            text = _(
                "Treat as rough: some of these figures rest on check-ins from only %(a)s or %(b)s "
                "workplaces, too few for the 95%% interval to be reliable."
            ) % {"a": match[1], "b": match[2]}
        elif match:
            text = _(
                "Treat as rough: these check-ins come from only %(n)s workplaces, too few for the 95%% "
                "interval to be reliable."
            ) % {"n": match[1]}
        elif _ONE_CLUSTER.search(note):
            text = _(
                "Some figures rest on check-ins from a single workplace: their 95% interval treats "
                "colleagues as independent of each other, so it describes that workplace only."
            )
        elif "is zero" in note:
            text = _(
                "No interval: each version or group was reported on in its own workplaces, so the difference "
                "cannot be told apart from the differences between workplaces."
            )
        else:
            text = note[:1].upper() + note[1:]
        if text not in out:
            out.append(text)
    return out


def _table_notes(tables: Iterable[EstimateTable]) -> list[str]:
    return plain_notes(note for table in tables for note in table.notes)


@dataclass
class IncidentSummary:
    """Incident and concern reports by category and by severity, small counts hidden."""

    k: int
    total: int | None
    by_category: list[dict[str, Any]]
    by_severity: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "total": self.total,
            "by_category": self.by_category,
            "by_severity": self.by_severity,
        }


def _protected_counts(counts: dict[str, int], labels: dict[str, Any], k: int) -> list[dict[str, Any]]:
    policy = DisclosurePolicy(k=k)
    codes = list(labels)
    statuses = protect_partition([counts.get(c, 0) for c in codes], policy)
    out = []
    for code, status in zip(codes, statuses, strict=True):
        n = counts.get(code, 0)
        hidden = status is not None
        reason = None
        if hidden:
            reason = policy.small_reason if status == "primary" else policy.secondary_reason
        out.append(
            {
                "code": code,
                "label": str(labels[code]),
                "n": None if hidden else n,
                "suppressed": hidden,
                "reason": reason,
            }
        )
    return out


def incident_summary(
    user: Any,
    *,
    tool: Tool | None = None,
    campaign: Campaign | None = None,
    workplace: Organisation | None = None,
) -> IncidentSummary | None:
    """Incidents the user may see (``None`` when they may see none), counted with disclosure control."""
    scopes = _incident_scopes(user)
    if campaign is not None:
        if campaign.pk not in scopes:
            return None
        scopes = {campaign.pk: scopes[campaign.pk]}
    if workplace is not None:
        scopes = {
            c: {workplace.pk} for c, places in scopes.items() if places is None or workplace.pk in places
        }
    if not scopes:
        return None
    reports = IncidentReport.objects.filter(_scope_q(scopes))
    if tool is not None:
        reports = reports.filter(tool=tool)
    rows = list(reports.values_list("category", "severity"))
    k = threshold_for(scopes)
    categories: dict[str, int] = {}
    severities: dict[str, int] = {}
    for category, severity in rows:
        categories[category] = categories.get(category, 0) + 1
        severities[severity] = severities.get(severity, 0) + 1
    total = len(rows)
    return IncidentSummary(
        k=k,
        total=total if total >= k else None,
        by_category=_protected_counts(categories, dict(IncidentCategory.choices), k),
        by_severity=_protected_counts(severities, dict(Severity.choices), k),
    )


@dataclass
class ToolResults:
    """What the tool page shows: headline measures, breakdowns, versions, incidents, for one viewer."""

    tool: Tool
    campaign: Campaign | None
    k: int
    filters: dict[str, str]
    slice: Slice
    n_responses: int | None
    n_workplaces: int | None
    headline: list[EstimateTable]
    breakdowns: dict[str, list[EstimateTable]] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)
    incidents: IncidentSummary | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.filters)

    @property
    def notes(self) -> list[str]:
        """Plain notes on the intervals shown (few or one workplace), for the page to show once."""
        return _table_notes([*self.headline, *(t for ts in self.breakdowns.values() for t in ts)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: every figure with n, effective n, estimate, interval, and whether hidden and why."""
        return {
            "tool": {"slug": self.tool.slug, "name": self.tool.name},
            "campaign": self.campaign.slug if self.campaign else None,
            "k": self.k,
            "filters": dict(self.filters),
            "slice": self.slice.to_dict(),
            "n_responses": self.n_responses,
            "n_workplaces": self.n_workplaces,
            "headline": [_table_dict(t) for t in self.headline],
            "breakdowns": {by: [_table_dict(t) for t in tables] for by, tables in self.breakdowns.items()},
            "versions": self.versions,
            "incidents": self.incidents.to_dict() if self.incidents else None,
            "notes": self.notes,
        }


def _versions(tool: Tool) -> list[dict[str, Any]]:
    return [
        {"label": v.label, "release_date": v.release_date.isoformat(), "material_change": v.material_change}
        for v in ToolVersion.objects.filter(tool=tool).order_by("release_date")
    ]


def _headline(frame: pl.DataFrame, policy: DisclosurePolicy, by: Sequence[str] = ()) -> list[EstimateTable]:
    present = [m for m in MEASURES if m in frame.columns and frame[m].null_count() < frame.height]
    if not present:
        return []
    # A group drawn from one workplace gets an interval that treats its answers as independent, and one
    # from 2-3 workplaces a wide, rough one: the tables' notes say so (see plain_notes).
    return estimate_many(frame, present, list(by), cluster=CLUSTER, policy=policy)


def _published_groups(base: dict[str, Any], tables: list[EstimateTable]) -> list[Slice]:
    slices: list[Slice] = []
    seen: set[str] = set()
    for table in tables:
        for row in table.rows:
            if row.suppressed:
                continue
            conditions = dict(base)
            conditions.update({col: val for col, val in row.group})
            slice_ = Slice.from_dict(conditions)
            key = _slice_key(slice_)
            if key not in seen:
                seen.add(key)
                slices.append(slice_)
    return slices


def analyse_tool(
    frame: pl.DataFrame, tool: Tool, k: int, *, groupings: Sequence[str] = tuple(CONTEXT_GROUPINGS)
) -> tuple[list[EstimateTable], dict[str, list[EstimateTable]], int | None, int | None]:
    """Headline and breakdowns of one tool's (already visible, already audited) check-ins: pure computation,
    shared by the tool page, the brief and the benchmark."""
    policy = DisclosurePolicy(k=k)
    headline = _headline(frame, policy)
    breakdowns: dict[str, list[EstimateTable]] = {}
    for by in groupings:
        if by in frame.columns and frame[by].null_count() < frame.height:
            breakdowns[by] = _headline(frame, policy, (by,))
    n = frame.height
    n_published = None if policy.is_small(n) else policy.publish_count(n)
    n_places = frame["workplace_id"].n_unique() if n_published is not None else None
    return headline, breakdowns, n_published, n_places


def tool_results(
    user: Any,
    tool: Tool | str,
    *,
    campaign: Campaign | None = None,
    filters: dict[str, str] | None = None,
) -> ToolResults:
    """Results for one tool as the viewer may see them.

    Without filters: headline measures and breakdowns by version, role, phase, region, deprivation and IT
    self-rating. With filters (see :data:`FILTERS`): the headline measures for that slice only. Every
    population shown is checked by the query auditor against what this viewer has already seen, and
    remembered. Raises ``PermissionDenied`` when the viewer sees no results at all (or not the campaign's),
    :class:`SliceRefused` when the auditor refuses, :class:`InvalidFilter` for an unknown filter.
    """
    tool = _tool(tool)
    scopes = _narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    conditions = parse_filters(filters)
    k = threshold_for(scopes)
    everyone = _load(Response.objects.filter(_scope_q(scopes)))
    frame = everyone.filter(pl.col("tool_id") == tool.slug)
    base = {"tool_id": tool.slug}
    slice_ = Slice.from_dict({**base, **conditions})
    audit(user, campaign, everyone, slice_, k)
    kept = {name: str(v) for name, v in (filters or {}).items() if str(v or "").strip()}
    if conditions:
        chosen = QueryAuditor(k=k).fit(frame).mask(slice_) if frame.height else []
        sub = frame.filter(pl.Series(chosen, dtype=pl.Boolean)) if frame.height else frame
        headline, _breakdowns, n, places = analyse_tool(sub, tool, k, groupings=())
        return ToolResults(tool, campaign, k, kept, slice_, n, places, headline, {}, _versions(tool), None)
    headline, breakdowns, n, places = analyse_tool(frame, tool, k)
    remember(user, campaign, [s for tables in breakdowns.values() for s in _published_groups(base, tables)])
    incidents = incident_summary(user, tool=tool, campaign=campaign)
    return ToolResults(
        tool, campaign, k, {}, slice_, n, places, headline, breakdowns, _versions(tool), incidents
    )


class Comparison(VersionComparison):
    """A :class:`VersionComparison` whose sentence is in plain words and the viewer's language, naming the
    tool and the measure, with plain notes on its interval (``plain_notes``)."""

    def sentence(self) -> str:
        return comparison_sentence(self)

    @property
    def plain_notes(self) -> list[str]:
        notes = plain_notes(self.notes)
        if self.odds_ratio_reason and not self.suppressed:
            notes.append(_("The odds ratio cannot be estimated: %(why)s.") % {"why": self.odds_ratio_reason})
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "sentence": self.sentence(), "plain_notes": self.plain_notes}


def _english(labels: Mapping[str, Any]) -> dict[str, str]:
    with translation.override("en"):
        return {code: str(label) for code, label in labels.items()}


def compare(
    frame: pl.DataFrame,
    measure: str,
    before: str,
    after: str,
    k: int,
    tool: Tool,
    *,
    ordinal: bool | None = None,
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
        k=k,
        ordinal=ordinal,
        tool=tool.slug,
        tool_name=tool.name,
        measure_label=_english(SENTENCE_LABELS).get(measure),
    )
    return Comparison(**{f.name: getattr(result, f.name) for f in fields(result)})


def _p_text(p: float | None, letter: str = "p") -> str:
    if p is None or not math.isfinite(p):
        return f"{letter} n/a"
    return f"{letter}<0.001" if p < 0.001 else f"{letter}={p:.3f}"


def comparison_sentence(c: VersionComparison) -> str:
    """A version comparison in one plain sentence in the viewer's language, with n and the 95% interval."""
    values: dict[str, Any] = {
        "tool": c.tool_name or str(c.tool or ""),
        "measure": str(SENTENCE_LABELS.get(c.measure, c.measure)),
        "before": c.before,
        "after": c.after,
    }
    if c.suppressed:
        return _(
            "%(tool)s version %(after)s against version %(before)s, %(measure)s: not shown (%(reason)s)."
        ) % {
            **values,
            "reason": c.reason,
        }
    assert c.difference is not None and c.lower is not None and c.upper is not None
    values |= {
        "size": f"{abs(c.difference):.2f}",
        "lo": f"{c.lower:+.2f}",
        "hi": f"{c.upper:+.2f}",
        "n_before": c.n_before,
        "n_after": c.n_after,
        "p": _p_text(c.p_value),
    }
    if c.difference > 0:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s higher on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s)."
        )
    else:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s lower on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s)."
        )
    return text % values


def version_comparison(
    user: Any, tool: Tool | str, before: str, after: str, *, campaign: Campaign | None = None
) -> list[Comparison]:
    """Two versions of one tool side by side, measure by measure (difference in means clustered by workplace,
    rank-biserial, odds ratio), each hidden when either side has fewer than k check-ins."""
    tool = _tool(tool)
    scopes = _narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    labels = set(ToolVersion.objects.filter(tool=tool).values_list("label", flat=True))
    if before not in labels or after not in labels:
        raise InvalidFilter(_("Choose two versions of this tool."))
    k = threshold_for(scopes)
    everyone = _load(Response.objects.filter(_scope_q(scopes)))
    frame = everyone.filter(pl.col("tool_id") == tool.slug)
    for label in (before, after):
        audit(user, campaign, everyone, Slice.from_dict({"tool_id": tool.slug, "version_label": label}), k)
    out = []
    for measure in MEASURES:
        if frame.height == 0 or frame[measure].null_count() == frame.height:
            continue
        out.append(compare(frame.filter(pl.col(measure).is_not_null()), measure, before, after, k, tool))
    return out


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
        return _table_notes([*self.headline, *self.by_tool])


def workplace_results(
    user: Any, workplace: Organisation, *, campaign: Campaign | None = None
) -> WorkplaceResults:
    """A workplace's results for its rep, its employer lead (when the owner shares or owns) and officers.

    Nothing is shown until at least k people in the workplace responded. For a viewer who also sees other
    workplaces, the workplace is a slice and goes through the query auditor. Raises ``PermissionDenied``."""
    all_scopes = _narrow(result_scopes(user), campaign, None)
    scopes = _narrow(all_scopes, None, workplace)
    k = threshold_for(scopes)
    policy = DisclosurePolicy(k=k)
    everyone = _load(Response.objects.filter(_scope_q(all_scopes)))
    frame = everyone.filter(pl.col("workplace_id") == workplace.pk)
    enough = not policy.is_small(frame.height)
    headline: list[EstimateTable] = []
    by_tool: list[EstimateTable] = []
    if enough:
        audit(user, campaign, everyone, Slice.from_dict({"workplace_id": workplace.pk}), k)
        headline = _headline(frame, policy)
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
    return WorkplaceResults(
        workplace,
        campaign,
        k,
        policy.publish_count(frame.height) if enough else None,
        enough,
        headline,
        by_tool,
        deployments,
        incidents,
    )


# ---------------------------------------------------------------------------------------------------------
# Open data

EXPORT_GROUPINGS: tuple[str, ...] = (
    "tool_id",
    "tool_version",
    "role",
    "phase",
    "region",
    "deprivation_quintile",
)
DP_EPSILON_COUNTS = 0.5
DP_EPSILON_MEAN = 0.25
DP_BUDGET = 3.0


def can_export(user: Any, campaign: Campaign) -> bool:
    """Open data for a campaign is for those who run it and those it shares its results with."""
    return (
        voice_access.is_admin(user)
        or voice_access.can_manage(user, campaign)
        or voice_access.shared_with(user, campaign, Share.RESULTS)
    )


def _estimates_frame(tables: list[EstimateTable], by: str | None) -> pl.DataFrame:
    frames = []
    for table in tables:
        part = table.to_frame().with_columns(pl.lit(table.measure).alias("measure"))
        if by is None:
            part = part.with_columns(pl.lit("everyone").alias("group"))
        else:
            part = part.rename({by: "group"})
        frames.append(
            part.select(
                "measure",
                "group",
                "statistic",
                "n",
                "n_eff",
                "estimate",
                "lower",
                "upper",
                "suppressed",
                "reason",
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame()


def data_dictionary() -> pl.DataFrame:
    """What each table and column of the open data means."""
    rows = [
        ("*", "measure", _("Question code of the check-in (see the measures below)")),
        ("*", "group", _("The group the row describes; 'everyone' for the whole campaign")),
        ("*", "statistic", _("share_agree: share answering agree or strongly agree; mean: average answer")),
        ("*", "n", _("Check-ins the figure rests on; empty when the figure is hidden")),
        ("*", "n_eff", _("Effective number of check-ins (equal to n when unweighted)")),
        ("*", "estimate", _("The share (0 to 1) or the mean")),
        ("*", "lower", _("Lower end of the 95% interval")),
        ("*", "upper", _("Upper end of the 95% interval")),
        ("*", "suppressed", _("True when the figure is hidden to protect respondents")),
        ("*", "reason", _("Why a figure is hidden")),
        ("dp_counts", "count", _("Check-ins with Laplace noise added (differential privacy)")),
        ("dp_counts", "accuracy", _("95% of noisy counts are within this of the true count")),
        ("dp_means", "mean", _("Mean with Laplace noise added; empty when the noisy count is below k")),
    ]
    for measure, label in MEASURE_LABELS.items():
        rows.append(("measures", measure, str(label)))
    for grouping in EXPORT_GROUPINGS:
        rows.append(("tables", f"estimates_by_{grouping}", _("Estimates by %(g)s") % {"g": grouping}))
    return pl.DataFrame(
        rows, schema={"table": pl.String, "column": pl.String, "meaning": pl.String}, orient="row"
    )


def _budget(campaign: Campaign) -> tuple[PrivacyLedger, PrivacyBudget]:
    ledger, _created = PrivacyLedger.objects.get_or_create(
        campaign=campaign, defaults={"data": PrivacyBudget(campaign.slug, epsilon=DP_BUDGET).to_dict()}
    )
    return ledger, PrivacyBudget.from_dict(ledger.data)


def campaign_export_tables(user: Any, campaign: Campaign, *, dp: bool = False) -> dict[str, pl.DataFrame]:
    """The campaign's open data: aggregated, disclosure-controlled tables (never a row per check-in), keyed
    by table name, with ``data_dictionary``. With ``dp`` also noisy counts and means by tool (differential
    privacy), charged to the campaign's privacy budget, which is stored; asking again reuses the stored
    release. Raises ``PermissionDenied`` or :class:`chalkface.evidence.BudgetExhausted`."""
    if not can_export(user, campaign):
        raise PermissionDenied(
            _("Only the campaign's owner and those it shares results with can download it.")
        )
    frame = results_frame(user, campaign=campaign).with_columns(
        (pl.col("tool_id") + " " + pl.col("version_label")).alias("tool_version")
    )
    policy = DisclosurePolicy(k=campaign.threshold)
    tables: dict[str, pl.DataFrame] = {"estimates_overall": _estimates_frame(_headline(frame, policy), None)}
    for grouping in EXPORT_GROUPINGS:
        data = frame.with_columns(pl.col(grouping).cast(pl.String))
        tables[f"estimates_by_{grouping}"] = _estimates_frame(_headline(data, policy, (grouping,)), grouping)
    if dp:
        tools = sorted(campaign.tools.values_list("slug", flat=True))
        with transaction.atomic():
            ledger, budget = _budget(campaign)
            counts = release_counts(
                frame,
                "tool_id",
                budget,
                categories=tools,
                epsilon=DP_EPSILON_COUNTS,
                threshold=campaign.threshold,
            )
            tables["dp_counts"] = pl.DataFrame(
                [
                    {"group": str(v.group), "count": v.count, "accuracy": v.count_accuracy, "note": v.note}
                    for v in counts.values
                ],
                schema={"group": pl.String, "count": pl.Int64, "accuracy": pl.Float64, "note": pl.String},
            )
            rows = []
            for measure in MEASURES:
                answered = frame.filter(pl.col(measure).is_not_null())
                bounds = (-10.0, 10.0) if measure == "time_saved_hours" else (1.0, 5.0)
                release = release_means(
                    answered,
                    measure,
                    budget,
                    bounds=bounds,
                    by="tool_id",
                    categories=tools,
                    epsilon=DP_EPSILON_MEAN,
                    k=campaign.threshold,
                )
                for v in release.values:
                    rows.append(
                        {
                            "measure": measure,
                            "group": str(v.group),
                            "mean": v.mean,
                            "accuracy": v.mean_accuracy,
                            "note": v.note,
                        }
                    )
            tables["dp_means"] = pl.DataFrame(
                rows,
                schema={
                    "measure": pl.String,
                    "group": pl.String,
                    "mean": pl.Float64,
                    "accuracy": pl.Float64,
                    "note": pl.String,
                },
            )
            ledger.data = budget.to_dict()
            ledger.updated_at = timezone.now()
            ledger.save(update_fields=["data", "updated_at"])
    tables["data_dictionary"] = data_dictionary()
    return tables


def today() -> dt.date:
    return timezone.localdate()


def label_for(column: str, value: Any) -> str:
    """A readable label for a group value (a role, phase or region code)."""
    vocabularies = {"role": vocab.STAFF_ROLES, "phase": vocab.PHASES, "region": vocab.REGIONS}
    if value is None:
        return _("not known")
    if column in vocabularies:
        return vocab.label(vocabularies[column], str(value))
    if column == "version_label" and value == DONT_KNOW:
        return _("Version not known")
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# Overview and signals


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

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "notes": list(self.notes)}


@dataclass
class Overview:
    campaigns: list[dict[str, Any]]
    n_responses: int | None
    n_workplaces: int
    tools: list[dict[str, Any]]
    signals: list[Finding]
    k: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaigns": self.campaigns,
            "n_responses": self.n_responses,
            "n_workplaces": self.n_workplaces,
            "tools": self.tools,
            "signals": [s.to_dict() for s in self.signals],
            "k": self.k,
        }


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def exposure_frame(tool_slugs: Iterable[str], until: dt.date | None = None) -> pl.DataFrame:
    """Deployment-months per tool, version and month: one workplace using the tool for one month, counted
    against the version live in the middle of that month (the denominator of incident rates)."""
    until = until or today()
    releases: dict[str, list[tuple[dt.date, str]]] = {}
    for slug, label, released in ToolVersion.objects.filter(tool__slug__in=list(tool_slugs)).values_list(
        "tool__slug", "label", "release_date"
    ):
        releases.setdefault(slug, []).append((released, label))
    counts: dict[tuple[str, str, dt.date], float] = {}
    deployments = Deployment.objects.filter(tool__slug__in=list(releases)).values_list(
        "tool__slug", "starts_on", "ends_on"
    )
    for slug, starts, ends in deployments:
        ordered = sorted(releases[slug])
        for month in _months(starts, min(ends or until, until)):
            middle = month + dt.timedelta(days=14)
            live = [label for released, label in ordered if released <= middle]
            if live:
                key = (slug, live[-1], month)
                counts[key] = counts.get(key, 0.0) + 1.0
    return pl.DataFrame(
        [(t, v, m, n) for (t, v, m), n in counts.items()],
        schema={
            "tool_id": pl.String,
            "version_label": pl.String,
            "month": pl.Date,
            "deployment_months": pl.Float64,
        },
        orient="row",
    )


def _incident_frame(user: Any) -> pl.DataFrame:
    scopes = _incident_scopes(user)
    rows = (
        list(
            IncidentReport.objects.filter(_scope_q(scopes)).values_list(
                "tool__slug", "tool_version__label", "month"
            )
        )
        if scopes
        else []
    )
    return pl.DataFrame(
        [(t, v or DONT_KNOW, m) for t, v, m in rows],
        schema={"tool_id": pl.String, "version_label": pl.String, "month": pl.Date},
        orient="row",
    )


def _releases(tool_slugs: Iterable[str]) -> pl.DataFrame:
    rows = list(
        ToolVersion.objects.filter(tool__slug__in=list(tool_slugs)).values_list(
            "tool__slug", "label", "release_date"
        )
    )
    return pl.DataFrame(
        rows, schema={"tool_id": pl.String, "version_label": pl.String, "released_on": pl.Date}, orient="row"
    )


def _signal_sentence(signal: Signal, tests: int) -> str:
    """A signal from :func:`signal_list` in one plain sentence in the viewer's language: the tool's name, the
    measure's label, the change with its 95% interval, n, the p-value and the q-value among all the tests."""
    values: dict[str, Any] = {
        "tool": signal.tool_name or str(signal.tool),
        "measure": str(SENTENCE_LABELS.get(signal.measure, signal.measure)),
        "before": signal.before,
        "after": signal.after,
        "n_before": signal.n_before,
        "n_after": signal.n_after,
        "p": _p_text(signal.p_value),
        "q": _p_text(signal.q_value, "q"),
        "tests": tests,
    }
    if signal.kind == "rate_ratio":
        return _(
            "With %(tool)s version %(after)s, incidents were reported %(ratio)s times as often per "
            "deployment-month as with version %(before)s (95%% interval %(lo)s to %(hi)s; %(n_before)s "
            "reports before, %(n_after)s after; %(p)s; %(q)s among %(tests)s incident-rate comparisons)."
        ) % {
            **values,
            "ratio": f"{signal.estimate:.2f}",
            "lo": f"{signal.lower:.2f}",
            "hi": f"{signal.upper:.2f}",
        }
    values |= {
        "size": f"{abs(signal.estimate):.2f}",
        "lo": f"{signal.lower:+.2f}",
        "hi": f"{signal.upper:+.2f}",
    }
    if signal.estimate > 0:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s higher on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s; "
            "%(q)s among %(tests)s check-in comparisons)."
        )
    else:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s lower on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s; "
            "%(q)s among %(tests)s check-in comparisons)."
        )
    return text % values


def _equity_sentence(gap: EquityGapResult, tool_name: str) -> str:
    """The trend of a measure across deprivation quintiles in one plain sentence, with its 95% interval and
    the number of check-ins it rests on."""
    trend = gap.trend
    assert trend is not None
    share = gap.statistic != "mean"
    scale = 100.0 if share else 1.0
    n = sum(
        row.n or 0
        for row in gap.estimates.rows
        if row.statistic == gap.statistic and not row.suppressed and row.group[0][1] in gap.trend_groups
    )
    values = {
        "tool": tool_name,
        "measure": str(
            (SHARE_LABELS if share else SENTENCE_LABELS).get(gap.measure, MEASURE_LABELS.get(gap.measure))
        ),
        "size": f"{abs(scale * trend.estimate):.2f}",
        "lo": f"{scale * trend.lower:+.2f}",
        "hi": f"{scale * trend.upper:+.2f}",
        "n": n,
        "p": _p_text(trend.p_value),
    }
    if share and trend.estimate > 0:
        text = _(
            "%(tool)s: %(measure)s is %(size)s percentage points higher with each step from the least to the "
            "most deprived workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    elif share:
        text = _(
            "%(tool)s: %(measure)s is %(size)s percentage points lower with each step from the least to the "
            "most deprived workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    elif trend.estimate > 0:
        text = _(
            "%(tool)s: %(measure)s is %(size)s higher with each step from the least to the most deprived "
            "workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    else:
        text = _(
            "%(tool)s: %(measure)s is %(size)s lower with each step from the least to the most deprived "
            "workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    return text % values


def find_signals(
    frame: pl.DataFrame, incidents: pl.DataFrame | None, k: int, *, limit: int = 10
) -> list[Finding]:
    """Version changes and incident-rate changes (Benjamini-Hochberg across all tests), and equity gaps by
    deprivation with a significant trend, strongest first. Pure computation on a visible results frame.
    Each finding's sentence names the tool and the measure in the viewer's language; its ``notes`` say in
    plain words when its interval is rough (few workplaces) or comes from one workplace."""
    from django.urls import reverse

    findings: list[Finding] = []
    if frame.height == 0:
        return findings
    tools = frame["tool_id"].unique().to_list()
    names = dict(Tool.objects.filter(slug__in=tools).values_list("slug", "name"))
    exposure = exposure_frame(tools) if incidents is not None and incidents.height else None
    present = [m for m in MEASURES if frame[m].null_count() < frame.height]
    signals = signal_list(
        frame.filter(pl.col("version_label") != DONT_KNOW),
        present,
        releases=_releases(tools),
        release_label="version_label",
        cluster=CLUSTER,
        incidents=incidents if exposure is not None else None,
        exposure=exposure,
        k=k,
        labels=_english(SENTENCE_LABELS),
        tool_names=names,
    )
    family = {kind: sum(1 for t in signals.tests if t.kind == kind) for kind in ("difference", "rate_ratio")}
    for s in signals.signals:
        url = reverse("insights:compare", args=[s.tool]) + f"?before={s.before}&after={s.after}"
        kind = "incidents" if s.kind == "rate_ratio" else "version"
        findings.append(
            Finding(
                kind,
                str(s.tool),
                _signal_sentence(s, family[s.kind]),
                url,
                f"{kind}:{s.tool}:{s.measure}:{s.before}:{s.after}",
                s.q_value,
                plain_notes(s.notes),
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
                gap = equity_gap(answered, measure, "deprivation_quintile", cluster=CLUSTER, k=k)
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
                    _equity_sentence(gap, names.get(tool, tool)),
                    url,
                    f"equity:{tool}:{measure}",
                    trend.p_value,
                    plain_notes(gap.notes),
                )
            )
    findings.sort(key=lambda f: f.q_value if f.q_value is not None else 1.0)
    return findings[:limit]


def overview(user: Any) -> Overview:
    """The officer's overview: campaigns, check-ins and workplaces covered, tools, the strongest signals."""
    scopes = result_scopes(user)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    k = threshold_for(scopes)
    policy = DisclosurePolicy(k=k)
    frame = _load(Response.objects.filter(_scope_q(scopes)))
    campaigns = []
    by_campaign = dict(frame.group_by("campaign_id").len().iter_rows()) if frame.height else {}
    for campaign in Campaign.objects.filter(pk__in=[c for c in scopes if c is not None]).select_related(
        "owner"
    ):
        n = int(by_campaign.get(campaign.pk, 0))
        campaigns.append(
            {
                "slug": campaign.slug,
                "name": campaign.name,
                "owner": campaign.owner.name,
                "k": campaign.threshold,
                "n_responses": None if DisclosurePolicy(k=campaign.threshold).is_small(n) else n,
                "own_workplaces_only": scopes[campaign.pk] is not None,
            }
        )
    tool_counts = frame.group_by("tool_id").len().sort("tool_id") if frame.height else pl.DataFrame()
    names = dict(Tool.objects.values_list("slug", "name"))
    tools: list[dict[str, Any]] = []
    if frame.height:
        counts = tool_counts["len"].to_list()
        statuses = protect_partition(counts, policy)
        for (slug, n), status in zip(tool_counts.iter_rows(), statuses, strict=True):
            tools.append(
                {"slug": slug, "name": names.get(slug, slug), "n_responses": None if status else int(n)}
            )
        remember(user, None, [Slice.of(tool_id=t["slug"]) for t in tools if t["n_responses"] is not None])
    n = frame.height
    return Overview(
        campaigns=campaigns,
        n_responses=None if policy.is_small(n) else n,
        n_workplaces=frame["workplace_id"].n_unique() if frame.height else 0,
        tools=tools,
        signals=find_signals(frame, _incident_frame(user), k),
        k=k,
    )
