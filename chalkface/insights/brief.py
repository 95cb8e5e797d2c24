"""The evidence brief: a few pages for a decision maker about one tool. Findings in plain language first, then
charts and tables, incidents, quotes, register and governance records, and a method note.

:func:`build_brief` is pure computation on a results frame the viewer may see (the web page, the CLI and
``bench/brief.py`` all call it); :func:`brief_for_user` loads that frame for a signed-in viewer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chalkface.evidence import EstimateTable, HistoryGate
from chalkface.governance.queries import flags_for_tool
from chalkface.insights import precomputed
from chalkface.insights.charts import Chart, counts_chart, estimate_chart, figure_rows
from chalkface.insights.extract import checkins
from chalkface.insights.frames import scoped_frame
from chalkface.insights.history import gate_for
from chalkface.insights.incidents import IncidentSummary, incident_summary
from chalkface.insights.redflags import version_drops
from chalkface.insights.release import audience_of, publish
from chalkface.insights.results import Comparison, analyse_tool, compare, versions_of
from chalkface.insights.weighting import Weighting, weigh, weighting_for
from chalkface.insights.wording import (
    CHART_LABELS,
    CONTEXT_GROUPINGS,
    GROUPING_NOUNS,
    MEASURE_LABELS,
    MEASURES,
    NO_INCIDENT_COUNTS,
    brief_meaning,
    display_n_eff,
    plain_notes,
)
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice.access import (
    Scopes,
    narrow,
    result_scopes,
    threshold_for,
)
from chalkface.voice.models import Campaign

BRIEF_MEASURES = ("workload", "time_saved_hours")
BRIEF_GROUPINGS = ("version_label", "role", "deprivation_quintile")
MAX_THEMES = 8  # the largest themes a brief shows; the tool page shows them all


@dataclass
class BriefPart:
    """A part of the brief that another app adds (e.g. a conversation's opinion map): its template and the
    context it is rendered with. The app has already passed its figures through the release gate."""

    template: str
    context: dict[str, Any]


#: Providers of further parts: each is called as ``provider(viewer, tool, campaigns, channel)`` with the
#: campaigns the brief draws on, and returns the parts the viewer may see. Apps register theirs when they
#: load (``AppConfig.ready``), so the brief needs no import of them.
BRIEF_PARTS: list[Callable[[Any, Tool, list[Campaign], str], list[BriefPart]]] = []


@dataclass
class BriefSection:
    title: str
    chart: Chart
    svg: str = ""


@dataclass
class BriefDocument:
    """Everything the brief shows; ``html()`` and ``pdf()`` render it."""

    tool: Tool
    campaign: Campaign | None
    k: int
    generated_on: dt.date
    n_responses: int | None
    n_workplaces: int | None
    findings: list[str]
    headline: list[dict[str, Any]]
    sections: list[BriefSection]
    comparisons: list[Comparison]
    compared: tuple[str, str] | None
    incidents: IncidentSummary | None
    incident_sections: list[BriefSection]
    versions: list[dict[str, Any]]
    workplaces_deploying: int
    notes: list[str] = field(default_factory=list)
    red_flags: list[Any] = field(default_factory=list)
    figures: list[Any] = field(default_factory=list, repr=False)  # what it shows, for the release gate
    #: The campaigns the figures come from, by name, and the days they ran (first opened, last closed, or
    #: today while one of them is ``still_open``).
    campaign_names: list[str] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None
    still_open: bool = False
    #: A plain paragraph, before any number, on what the brief shows and how to read it.
    meaning: str = ""
    #: What staff wrote, as themes with quotes (:class:`chalkface.insights.themes.ThemesSection`), or None.
    themes: Any = None
    #: Parts other apps add (:data:`BRIEF_PARTS`).
    parts: list[BriefPart] = field(default_factory=list)
    #: How the figures were weighted (:class:`chalkface.insights.weighting.Weighting`), or None.
    weighting: Weighting | None = None
    #: When the copy of the check-ins the figures come from was brought up to date (ISO), when known.
    as_of: str | None = None

    @property
    def as_of_time(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.as_of) if self.as_of else None

    def context(self, *, for_print: bool) -> dict[str, Any]:
        return {"brief": self, "for_print": for_print}

    def html(self, *, for_print: bool = False) -> str:
        return render_to_string("insights/brief.html", self.context(for_print=for_print))

    def pdf(self) -> bytes:
        import logging

        from weasyprint import HTML

        for name in ("weasyprint", "fontTools"):  # their progress lines are noise on a terminal
            logging.getLogger(name).setLevel(logging.ERROR)
        for section in [*self.sections, *self.incident_sections]:
            if not section.svg and section.chart.drawn:
                section.svg = section.chart.svg()
        return HTML(string=self.html(for_print=True)).write_pdf()  # type: ignore[no-any-return]


def _headline_sentence(table: EstimateTable) -> str | None:
    label = str(MEASURE_LABELS.get(table.measure, table.measure))
    rows = figure_rows(table)
    if not rows or rows[0]["suppressed"] or rows[0]["estimate"] is None:
        return None
    row = _display_row(rows[0])
    if table.kind == "agreement":
        return _(
            "%(value)s of staff agreed with “%(label)s” (95%% interval %(lo)s to %(hi)s; n=%(n)s, "
            "effective n=%(neff)s)."
        ) % {
            "value": row["estimate_text"],
            "label": label,
            "lo": row["lower_text"],
            "hi": row["upper_text"],
            "n": row["n"],
            "neff": row["n_eff"],
        }
    return _(
        "%(label)s: on average %(value)s (95%% interval %(lo)s to %(hi)s; n=%(n)s, effective n=%(neff)s)."
    ) % {
        "label": label,
        "value": row["estimate_text"],
        "lo": row["lower_text"],
        "hi": row["upper_text"],
        "n": row["n"],
        "neff": row["n_eff"],
    }


def _display_row(row: dict[str, Any]) -> dict[str, Any]:
    """A figure as the brief prints it: effective n as a whole number."""
    return {**row, "n_eff": display_n_eff(row["n_eff"])}


def _latest_pair(frame: pl.DataFrame, tool: Tool, k: int) -> tuple[str, str] | None:
    counts = dict(frame.group_by("version_label").len().iter_rows()) if frame.height else {}
    ordered = [
        label
        for label in ToolVersion.objects.filter(tool=tool)
        .order_by("release_date")
        .values_list("label", flat=True)
        if counts.get(label, 0) >= k
    ]
    return (ordered[-2], ordered[-1]) if len(ordered) >= 2 else None


@dataclass(frozen=True)
class BriefFigures:
    """The brief's figures (the expensive part, kept per audience like the tool page's), before wording."""

    headline: list[EstimateTable]
    breakdowns: dict[str, list[EstimateTable]]
    n: int | None
    places: int | None
    comparisons: list[Comparison]
    pair: tuple[str, str] | None
    weighting: Weighting | None
    as_of: str | None = None


def brief_figures(
    frame: pl.DataFrame,
    tool: Tool,
    k: int,
    *,
    gate: HistoryGate | None = None,
    weighting: Weighting | None = None,
) -> BriefFigures:
    """Every figure of the brief from one tool's visible check-ins, through ``gate``. With ``weighting``
    (national and regional briefs), figures are weighted to the workforce where they may be."""
    frame = frame.filter(pl.col("tool_id") == tool.slug)
    if weighting is not None:
        frame, weighting = weigh(frame, weighting, k, gate=gate)
    use = weighting is not None and weighting.applied
    headline, breakdowns, n, places = analyse_tool(
        frame, tool, k, groupings=BRIEF_GROUPINGS, gate=gate, weighted=use
    )
    pair = _latest_pair(frame, tool, k)
    comparisons: list[Comparison] = []
    if pair:
        for measure in MEASURES:
            answered = frame.filter(pl.col(measure).is_not_null())
            if answered.height:
                comparisons.append(
                    compare(answered, measure, pair[0], pair[1], k, tool, ordinal=False, gate=gate)
                )
    return BriefFigures(headline, breakdowns, n, places, comparisons, pair, weighting)


def build_brief(
    frame: pl.DataFrame,
    tool: Tool,
    k: int,
    *,
    campaign: Campaign | None = None,
    incidents: IncidentSummary | None = None,
    gate: HistoryGate | None = None,
    weighting: Weighting | None = None,
) -> BriefDocument:
    """Compute every figure of the brief from one tool's visible check-ins and word it; the caller passes
    ``document.figures`` through :func:`chalkface.insights.release.publish` before showing it."""
    figures = brief_figures(frame, tool, k, gate=gate, weighting=weighting)
    return assemble_brief(figures, tool, k, campaign=campaign, incidents=incidents)


def assemble_brief(
    figures: BriefFigures,
    tool: Tool,
    k: int,
    *,
    campaign: Campaign | None = None,
    incidents: IncidentSummary | None = None,
) -> BriefDocument:
    """The brief from its figures: findings in words, charts, incidents, the register's records."""
    headline, breakdowns, n, places = figures.headline, figures.breakdowns, figures.n, figures.places
    comparisons, pair, weighting = figures.comparisons, figures.pair, figures.weighting
    findings: list[str] = []
    if n is None:
        findings.append(
            _("Fewer than %(k)s people answered about %(tool)s, so no figures are shown.")
            % {"k": k, "tool": tool.name}
        )
    else:
        findings.append(
            _("%(n)s check-ins about %(tool)s from %(places)s workplaces.")
            % {"n": n, "tool": tool.name, "places": places}
        )
        findings += [s for s in (_headline_sentence(t) for t in headline) if s]
    if pair:
        clear = [c for c in comparisons if not c.suppressed and c.p_value is not None and c.p_value < 0.05]
        if clear:
            findings += [c.sentence() for c in clear]
        else:
            findings.append(
                _("No clear change between versions %(a)s and %(b)s on any measure.")
                % {"a": pair[0], "b": pair[1]}
            )
    sections = []
    for by in BRIEF_GROUPINGS:
        for table in breakdowns.get(by, []):
            if table.measure in BRIEF_MEASURES:
                label = str(CHART_LABELS[table.measure])
                chart = estimate_chart(
                    f"brief-{by}-{table.measure}",
                    table,
                    label,
                    str(CONTEXT_GROUPINGS[by]),
                    str(GROUPING_NOUNS[by]),
                )
                sections.append(BriefSection(chart.title, chart))
    incident_sections = []
    if incidents is not None:
        for code, counts, axis in (
            ("category", incidents.by_category, _("Category")),
            ("severity", incidents.by_severity, _("Severity")),
        ):
            chart = counts_chart(
                f"brief-incidents-{code}", counts, _("Incident reports"), axis, str(NO_INCIDENT_COUNTS)
            )
            incident_sections.append(BriefSection(chart.title, chart))
    headline_rows = [
        {"measure": str(MEASURE_LABELS.get(t.measure, t.measure)), **_display_row(row)}
        for t in headline
        for row in figure_rows(t)
    ]
    # plain notes on the intervals (one workplace; only 2 or 3 workplaces), from every figure in the brief
    notes = plain_notes(
        [
            *(note for t in headline for note in t.notes),
            *(note for tables in breakdowns.values() for t in tables for note in t.notes),
            *(note for c in comparisons for note in c.notes),
        ]
    )
    return BriefDocument(
        weighting=weighting,
        tool=tool,
        campaign=campaign,
        k=k,
        generated_on=timezone.localdate(),
        n_responses=n,
        n_workplaces=places,
        findings=findings,
        headline=headline_rows,
        sections=sections,
        comparisons=comparisons,
        compared=pair,
        incidents=incidents,
        incident_sections=incident_sections,
        versions=versions_of(tool),
        workplaces_deploying=Deployment.objects.filter(tool=tool).values("workplace").distinct().count(),
        notes=notes,
        red_flags=flags_for_tool(
            tool,
            timezone.localdate(),
            {tool.slug: version_drops(tool, breakdowns.get("version_label", []), versions_of(tool))},
        ),
        figures=[headline, *breakdowns.values(), comparisons, incidents.published if incidents else []],
        as_of=figures.as_of,
    )


def kept_brief_figures(
    scopes: Scopes, tool: Tool, k: int, wanted: Weighting
) -> tuple[BriefFigures, list[HistoryGate]]:
    """The brief's figures for an audience, as kept (:mod:`chalkface.insights.precomputed`) or computed
    now and kept, and the gates whose decisions the release must save (none when they were kept)."""
    _lazy, manifest = checkins()
    stable = {
        "audience": audience_of(scopes),
        "k": k,
        "tool": tool.slug,
        "weighting": [wanted.available, wanted.mode, getattr(wanted.margins, "pk", None)],
        "versions": versions_of(tool),
        "language": translation.get_language(),
    }
    fresh = {"checkins": manifest.get("fingerprint")}
    params = {"scopes": precomputed.scopes_param(scopes), "tool": tool.slug, "k": k, "weighting": wanted.mode}
    found = precomputed.lookup("brief", stable, fresh, scopes=scopes, params=params)
    if found is not None:
        return found, []
    gate = gate_for(k, scopes, tool_id=tool.slug)
    figures = brief_figures(scoped_frame(scopes, tool), tool, k, gate=gate, weighting=wanted)
    figures = replace(figures, as_of=manifest.get("built_at"))
    precomputed.keep("brief", stable, fresh, figures)
    return figures, [gate]


def brief_for_user(
    user: Any,
    tool: Tool,
    *,
    campaign: Campaign | None = None,
    channel: str = "brief.html",
    with_quotes: bool = True,
) -> BriefDocument:
    """The brief as this viewer may see it, through the release gate. Raises ``PermissionDenied``.
    ``with_quotes=False`` leaves out what staff wrote (the command line's operator is no campaign's owner);
    otherwise the themes last found in the comments the viewer may read are shown, through the gate too."""
    from chalkface.insights.themes import themes_section

    scopes = narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    k = threshold_for(scopes)
    incidents = incident_summary(user, tool=tool, campaign=campaign)
    figures, gates = kept_brief_figures(scopes, tool, k, weighting_for(scopes))
    document = assemble_brief(figures, tool, k, campaign=campaign, incidents=incidents)
    publish(user, channel, scopes, k, document.figures, {"tool_id": tool.slug}, gates)
    campaigns = list(Campaign.objects.filter(pk__in=list(scopes), tools=tool).order_by("opens_on", "name"))
    document.campaign_names = [c.display_name for c in campaigns]
    if campaigns:
        start, end, today = (
            min(c.opens_on for c in campaigns),
            max(c.closes_on for c in campaigns),
            timezone.localdate(),
        )
        document.still_open = end > today
        document.period = (start, max(start, min(end, today)))
    document.meaning = brief_meaning(tool.name, k, document.n_responses)
    if with_quotes:
        document.themes = themes_section(user, tool, campaign=campaign, channel=channel)
    document.parts = [part for provider in BRIEF_PARTS for part in provider(user, tool, campaigns, channel)]
    return document
