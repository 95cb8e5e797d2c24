"""Incident and concern reports counted for the insight pages: by category and severity, small counts
hidden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalkface.evidence import DisclosurePolicy, protect_partition
from chalkface.insights.wording import plain_reason
from chalkface.register.models import Tool
from chalkface.voice.access import incident_scopes, scope_q, threshold_for
from chalkface.voice.models import Campaign, IncidentCategory, IncidentReport, Severity
from chalkface.workplaces.models import Organisation


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
                "reason": plain_reason(reason),
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
    scopes = incident_scopes(user)
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
