"""Incident reports that people with an account handle: entered for a colleague, and triaged."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.voice.actions.submissions import submit_incident
from chalkface.voice.entry import Access
from chalkface.voice.errors import VoiceError
from chalkface.voice.models import Campaign, IncidentReport, IncidentStatus, PendingSubmission, Source
from chalkface.workplaces.models import Organisation


@transaction.atomic
def report_incident_for_someone(
    actor: User,
    campaign: Campaign,
    workplace: Organisation,
    values: dict[str, Any],
    version_known: bool = True,
) -> PendingSubmission:
    """A rep enters a report on a colleague's behalf. The rep is logged; the colleague is never recorded."""
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    access = Access(campaign=campaign, workplace=workplace, source=Source.REP)
    # The rep is logged when the report joins the results (see actions.mixing), with its week only.
    return submit_incident(access, values=values, version_known=version_known, entered_by=actor.pk)


_NEXT_STATUS: dict[str, set[str]] = {
    IncidentStatus.NEW: {IncidentStatus.REVIEWED},
    IncidentStatus.REVIEWED: {IncidentStatus.RAISED, IncidentStatus.RESOLVED, IncidentStatus.NEW},
    IncidentStatus.RAISED: {IncidentStatus.RESOLVED, IncidentStatus.REVIEWED},
    IncidentStatus.RESOLVED: {IncidentStatus.REVIEWED},
}


@transaction.atomic
def set_incident_status(actor: User | None, incident: IncidentReport, status: str) -> IncidentReport:
    """Move a report through new → reviewed → raised with employer → resolved (or back a step)."""
    locked = IncidentReport.objects.select_for_update().get(pk=incident.pk)
    if status not in _NEXT_STATUS.get(locked.status, set()):
        raise VoiceError(
            f"A report that is {locked.get_status_display().lower()} cannot move to "
            f"{IncidentStatus(status).label.lower() if status in IncidentStatus.values else status}."
        )
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    audit.record(actor, "incident.status_changed", locked, str(locked), {"status": [before, status]})
    return locked


def allowed_statuses(incident: IncidentReport) -> list[tuple[str, str]]:
    return [
        (s, str(IncidentStatus(s).label)) for s in IncidentStatus.values if s in _NEXT_STATUS[incident.status]
    ]
