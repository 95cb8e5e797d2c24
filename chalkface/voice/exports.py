"""Incident reports as JSON, using the AI Incident Database's field names where they fit.

Fields follow the AIID ``Incident`` type (``incident_id``, ``title``, ``description``, ``date``,
``AllegedDeployerOfAISystem``, ``AllegedDeveloperOfAISystem``, ``AllegedHarmedOrNearlyHarmedParties``,
``implicated_systems``) with ``classifications`` in three namespaces: ``CSETv1`` (AI Harm Level),
``OECD`` (harm type and severity, in OECD AI Incidents Monitor terms) and ``Chalkface`` (our category,
triage status and how the report arrived).
"""

from __future__ import annotations

from typing import Any

from chalkface.voice.models import IncidentReport, Severity


def _harm_level(incident: IncidentReport) -> str:
    return (
        "AI tangible harm near-miss" if incident.severity == Severity.NEAR_MISS else "AI tangible harm event"
    )


def incident_json(incident: IncidentReport) -> dict[str, Any]:
    tool = incident.tool
    system = tool.name + (f" {incident.tool_version.label}" if incident.tool_version else "")
    return {
        "incident_id": str(incident.pk),
        "title": f"{incident.get_category_display()}: {tool.name}",
        "description": incident.shown_description(),
        "date": incident.month.isoformat(),
        "AllegedDeployerOfAISystem": [incident.workplace.name],
        "AllegedDeveloperOfAISystem": [tool.supplier.name],
        "AllegedHarmedOrNearlyHarmedParties": incident.affected_labels(),
        "implicated_systems": [system],
        "classifications": [
            {
                "namespace": "CSETv1",
                "attributes": [{"short_name": "AI Harm Level", "value_json": _harm_level(incident)}],
            },
            {
                "namespace": "OECD",
                "attributes": [
                    {"short_name": "harm_type", "value_json": incident.harm_type},
                    {"short_name": "severity", "value_json": incident.severity},
                ],
            },
            {
                "namespace": "Chalkface",
                "attributes": [
                    {"short_name": "category", "value_json": incident.category},
                    {"short_name": "status", "value_json": incident.status},
                    {"short_name": "source", "value_json": incident.source},
                    {"short_name": "lower_trust", "value_json": incident.lower_trust},
                    {"short_name": "tool_version_known", "value_json": incident.tool_version_id is not None},
                ],
            },
        ],
    }


def incidents_json(incidents: list[IncidentReport]) -> list[dict[str, Any]]:
    return [incident_json(i) for i in incidents]
