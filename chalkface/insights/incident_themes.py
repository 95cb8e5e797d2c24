"""Themes in the descriptions of a campaign's incident reports, to help whoever triages them see what keeps
coming up ("the marking tool gave a pupil's grade to another pupil", six times in a month).

The people who see a campaign's incident list see every report on it (a rep, only their workplace's), so
the themes list the reports in each theme, linked, for exactly those reports; nothing is counted across
reports they could not open. Finding the themes runs on the task worker like the themes of comments
(:mod:`chalkface.insights.themes`), and every keyword is checked by the redactor; descriptions are shown
only on the reports themselves, redacted again there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from chalkface.insights.models import ThemeRun
from chalkface.insights.themes import Comments, latest_done, latest_run, still_running
from chalkface.voice import access as perms
from chalkface.voice.models import Campaign, IncidentReport

KIND = "incidents"
MIN_THEME = 3  # the smallest theme of reports: every report is visible to the reader anyway
MIN_REPORTS = 2 * MIN_THEME


def reports_for(user: Any, campaign: Campaign) -> Any:
    """The reports ``user`` may see on the campaign's incident list (raises ``PermissionDenied``)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not perms.can_see_incidents(user, campaign):
        raise PermissionDenied(_("The owner of this campaign has not shared its incident reports with you."))
    reports = campaign.incidents.select_related("tool", "workplace")
    if not perms.can_manage(user, campaign) and perms.can_act(user, campaign):
        reports = reports.filter(workplace__in=perms.rep_workplaces(user, campaign))
    return reports


def audience(user: Any, campaign: Campaign) -> str:
    """Whose reports: the whole campaign, or a rep's workplaces in it."""
    if perms.can_manage(user, campaign) or not perms.can_act(user, campaign):
        return f"incidents:{campaign.pk}"
    places = sorted(perms.rep_workplaces(user, campaign).values_list("pk", flat=True))
    return f"incidents:{campaign.pk}:{','.join(str(p) for p in places)}"


def load_reports(user: Any, campaign: Campaign) -> Comments:
    """The reports with a description, oldest first, in the form theme discovery reads."""
    rows = [
        (str(pk), (text or "").strip(), int(key), int(place))
        for pk, text, key, place in reports_for(user, campaign)
        .order_by("month", "id")
        .values_list("id", "description", "record_key", "workplace_id")
    ]
    rows = [r for r in rows if r[1]]
    return Comments(
        ids=[r[0] for r in rows],
        texts=[r[1] for r in rows],
        keys=np.array([r[2] for r in rows], dtype=np.float64),
        workplaces=[r[3] for r in rows],
        may_quote=np.ones(len(rows), dtype=bool),
        frame=pl.DataFrame({"workplace_id": [r[3] for r in rows]}, schema={"workplace_id": pl.Int64}),
    )


@dataclass
class IncidentTheme:
    label: str
    keywords: tuple[str, ...]
    reports: list[IncidentReport]


@dataclass
class IncidentThemes:
    """What the incident-themes page shows: a state and, once found, each theme with its reports."""

    state: str  # "too_few", "not_found", "running", "failed", "shown"
    n_reports: int
    run: ThemeRun | None = None
    themes: list[IncidentTheme] = field(default_factory=list)
    other: list[IncidentReport] = field(default_factory=list)
    new_since: int = 0


def incident_themes(user: Any, campaign: Campaign) -> IncidentThemes:
    reports = load_reports(user, campaign)
    whose = audience(user, campaign)
    latest = latest_run(None, whose, KIND)
    done = latest_done(None, whose, KIND)
    out = IncidentThemes("not_found", len(reports), run=done)
    if len(reports) < MIN_REPORTS:
        out.state = "too_few"
        return out
    if still_running(latest):
        out.state, out.run = "running", latest
    elif done is None:
        if latest is not None:
            out.state, out.run = "failed", latest
        return out
    if done is None:
        return out
    visible = {str(r.pk): r for r in reports_for(user, campaign)}
    rows = done.result.get("rows", [])
    assignment = done.result.get("assignment", [])
    for theme in done.result.get("themes", []):
        members = [
            visible[rid]
            for rid, a in zip(rows, assignment, strict=False)
            if a == theme["id"] and rid in visible
        ]
        if members:
            words = tuple(theme.get("keywords", ()))
            out.themes.append(IncidentTheme(", ".join(words[:3]), words, members))
    out.other = [visible[rid] for rid, a in zip(rows, assignment, strict=False) if a < 0 and rid in visible]
    stored = set(rows)
    out.new_since = sum(1 for rid in reports.ids if rid not in stored)
    out.themes.sort(key=lambda t: -len(t.reports))
    if out.state != "running":
        out.state = "shown"
    return out
