"""Incident and concern reports counted for the insight pages: by category and severity, small counts
hidden, every count carrying its cell-key noise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalkface.evidence import PublishedCount, publish_counts
from chalkface.insights.frames import policy_for
from chalkface.insights.wording import plain_reason
from chalkface.register.models import Tool
from chalkface.voice.access import Scopes, incident_scopes, scope_q, threshold_for
from chalkface.voice.models import Campaign, IncidentCategory, IncidentReport, Severity
from chalkface.workplaces.models import Organisation


@dataclass
class IncidentSummary:
    """Incident and concern reports by category and by severity, small counts hidden."""

    k: int
    total: int | None
    by_category: list[dict[str, Any]]
    by_severity: list[dict[str, Any]]
    published: list[PublishedCount] = field(default_factory=list, repr=False)

    @property
    def any_count_shown(self) -> bool:
        """Whether any category or severity count is shown (the total alone may be)."""
        return any(not c["suppressed"] and c["n"] for c in [*self.by_category, *self.by_severity])

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "total": self.total,
            "by_category": self.by_category,
            "by_severity": self.by_severity,
        }


def _counted(
    rows: list[tuple[str, str, int]], index: int, labels: dict[str, Any], k: int
) -> tuple[list[dict[str, Any]], list[PublishedCount]]:
    counts: dict[str, list[int]] = {code: [0, 0] for code in labels}
    for row in rows:
        cell = counts.setdefault(row[index], [0, 0])
        cell[0] += 1
        cell[1] += row[2]
    published = publish_counts([(code, n, float(keys)) for code, (n, keys) in counts.items()], policy_for(k))
    shown = [
        {
            "code": p.code,
            "label": str(labels.get(p.code, p.code)),
            "n": p.n,
            "suppressed": p.suppressed,
            "reason": plain_reason(p.reason),
        }
        for p in published
    ]
    # A table never mixes "0" with "Not shown": once one count is hidden, an empty one is hidden too.
    hidden = next((row for row in shown if row["suppressed"]), None)
    if hidden is not None:
        for row in shown:
            if not row["suppressed"] and not row["n"]:
                row.update(n=None, suppressed=True, reason=hidden["reason"])
    return shown, published


def incident_summary(
    user: Any,
    *,
    tool: Tool | None = None,
    campaign: Campaign | None = None,
    workplace: Organisation | None = None,
    scopes: Scopes | None = None,
) -> IncidentSummary | None:
    """Incidents the user may see (``None`` when they may see none), counted with disclosure control.
    ``scopes``: the user's :func:`~chalkface.voice.access.incident_scopes`, when the caller has them."""
    scopes = incident_scopes(user) if scopes is None else scopes
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
    reports = IncidentReport.objects.filter(scope_q(scopes))
    if tool is not None:
        reports = reports.filter(tool=tool)
    rows = list(reports.values_list("category", "severity", "record_key"))
    k = threshold_for(scopes)
    policy = policy_for(k)
    by_category, published = _counted(rows, 0, dict(IncidentCategory.choices), k)
    by_severity, more = _counted(rows, 1, dict(Severity.choices), k)
    (everyone,) = publish_counts([("all", len(rows), float(sum(row[2] for row in rows)))], policy)
    return IncidentSummary(
        k=k,
        total=everyone.n,
        by_category=by_category,
        by_severity=by_severity,
        published=[everyone, *published, *more],
    )
