"""The evidence brief: a few pages for a decision maker about one tool. Findings in plain language first, then
charts and tables, incidents, quotes, register and governance records, and a method note.

:func:`build_brief` is pure computation on a results frame the viewer may see (the web page, the CLI and
``bench/brief.py`` all call it); :func:`brief_for_user` loads that frame for a signed-in viewer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface import redaction
from chalkface.evidence import EstimateTable, HistoryGate
from chalkface.governance.queries import flags_for_tool
from chalkface.insights.charts import Chart, counts_chart, estimate_chart, figure_rows
from chalkface.insights.frames import scoped_frame
from chalkface.insights.history import gate_for
from chalkface.insights.incidents import IncidentSummary, incident_summary
from chalkface.insights.redflags import version_drops
from chalkface.insights.release import publish
from chalkface.insights.results import Comparison, analyse_tool, compare, versions_of
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
    can_manage,
    narrow,
    result_scopes,
    shared_with,
    threshold_for,
    visible_campaigns,
)
from chalkface.voice.models import Campaign, Response, Share

BRIEF_MEASURES = ("workload", "time_saved_hours")
BRIEF_GROUPINGS = ("version_label", "role", "deprivation_quintile")
MAX_QUOTES = 5


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
    quotes: list[str]
    versions: list[dict[str, Any]]
    workplaces_deploying: int
    notes: list[str] = field(default_factory=list)
    red_flags: list[Any] = field(default_factory=list)
    figures: list[Any] = field(default_factory=list, repr=False)  # what it shows, for the release gate
    #: The campaigns the figures come from, by name, and the days they ran (first opened, last closed).
    campaign_names: list[str] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None
    #: A plain paragraph, before any number, on what the brief shows and how to read it.
    meaning: str = ""

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


def build_brief(
    frame: pl.DataFrame,
    tool: Tool,
    k: int,
    *,
    campaign: Campaign | None = None,
    incidents: IncidentSummary | None = None,
    quotes: list[str] | None = None,
    gate: HistoryGate | None = None,
) -> BriefDocument:
    """Compute every figure of the brief from one tool's visible check-ins; the caller passes
    ``document.figures`` through :func:`chalkface.insights.release.publish` before showing it."""
    frame = frame.filter(pl.col("tool_id") == tool.slug)
    headline, breakdowns, n, places = analyse_tool(frame, tool, k, groupings=BRIEF_GROUPINGS, gate=gate)
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
    pair = _latest_pair(frame, tool, k)
    comparisons: list[Comparison] = []
    if pair:
        for measure in MEASURES:
            answered = frame.filter(pl.col(measure).is_not_null())
            if answered.height:
                comparisons.append(
                    compare(answered, measure, pair[0], pair[1], k, tool, ordinal=False, gate=gate)
                )
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
        quotes=quotes or [],
        versions=versions_of(tool),
        workplaces_deploying=Deployment.objects.filter(tool=tool).values("workplace").distinct().count(),
        notes=notes,
        red_flags=flags_for_tool(
            tool,
            timezone.localdate(),
            {tool.slug: version_drops(tool, breakdowns.get("version_label", []), versions_of(tool))},
        ),
        figures=[headline, *breakdowns.values(), comparisons, incidents.published if incidents else []],
    )


def quotes_for(user: Any, tool: Tool, campaign: Campaign | None, k: int) -> list[str]:
    """A few comments about the tool (redacted when they were submitted, and again now), only from
    campaigns whose owner lets the viewer see comments, and only when at least k people commented."""
    allowed = [
        c.pk
        for c in visible_campaigns(user)
        if (campaign is None or c.pk == campaign.pk)
        and (can_manage(user, c) or shared_with(user, c, Share.COMMENTS))
    ]
    if not allowed:
        return []
    comments = [
        str(a.get("comment")).strip()
        for a in Response.objects.filter(
            campaign_id__in=allowed, tool=tool, answers__has_key="comment"
        ).values_list("answers", flat=True)[:5000]
        if isinstance(a, dict) and str(a.get("comment") or "").strip()
    ]
    if len(comments) < k:
        return []
    comments.sort(key=lambda text: hashlib.sha256(text.encode()).hexdigest())
    # Redacted again as they are shown: a comment stored before a redaction rule improved is caught now.
    return [redaction.protect(c)[:400] for c in comments[:MAX_QUOTES]]


def brief_for_user(
    user: Any,
    tool: Tool,
    *,
    campaign: Campaign | None = None,
    channel: str = "brief.html",
    with_quotes: bool = True,
) -> BriefDocument:
    """The brief as this viewer may see it, through the release gate. Raises ``PermissionDenied``.
    ``with_quotes=False`` leaves out staff comments (the command line's operator is no campaign's owner)."""
    scopes = narrow(result_scopes(user), campaign, None)
    if not scopes:
        raise PermissionDenied(_("No campaign has shared its results with you yet."))
    k = threshold_for(scopes)
    frame = scoped_frame(scopes, tool)
    incidents = incident_summary(user, tool=tool, campaign=campaign)
    gate = gate_for(k, scopes, tool_id=tool.slug)
    quotes = quotes_for(user, tool, campaign, k) if with_quotes else []
    document = build_brief(frame, tool, k, campaign=campaign, incidents=incidents, quotes=quotes, gate=gate)
    publish(user, channel, scopes, k, document.figures, {"tool_id": tool.slug}, [gate])
    campaigns = list(Campaign.objects.filter(pk__in=list(scopes), tools=tool).order_by("opens_on", "name"))
    document.campaign_names = [c.display_name for c in campaigns]
    if campaigns:
        document.period = (min(c.opens_on for c in campaigns), max(c.closes_on for c in campaigns))
    document.meaning = brief_meaning(tool.name, k, document.n_responses)
    return document
