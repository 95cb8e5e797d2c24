"""State changes to governance records. Each function owns its transaction and writes the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.governance.models import Agreement, DataPractice, DeploymentRecord, Position, SafetyAssessment
from chalkface.register.models import Deployment, ToolVersion
from chalkface.workplaces.models import Organisation


@transaction.atomic
def agreement_for(actor: User | None, workplace: Organisation, deployment: Deployment | None) -> Agreement:
    """The agreement for a deployment (or for all AI at a workplace), started when first needed."""
    found = Agreement.objects.filter(workplace=workplace, deployment=deployment).first()
    if found is not None:
        return found
    agreement = Agreement(workplace=workplace, deployment=deployment)
    audit.save_changes(agreement, {})
    audit.record(actor, "agreement.created", agreement, str(agreement))
    return agreement


@transaction.atomic
def record_position(
    actor: User | None,
    workplace: Organisation,
    deployment: Deployment | None,
    item: str,
    side: str,
    values: dict[str, Any],
) -> Position:
    """One side's view of one item: its status, evidence link, note and date."""
    agreement = agreement_for(actor, workplace, deployment)
    position = Position.objects.filter(agreement=agreement, item=item, side=side).first()
    created = position is None
    position = position or Position(agreement=agreement, item=item, side=side)
    changes = audit.save_changes(
        position,
        {
            **values,
            "recorded_by": actor if actor and actor.is_authenticated else None,
            "recorded_at": timezone.now(),
        },
    )
    changes.pop("recorded_at", None)
    audit.record(
        actor,
        "agreement.position_recorded" if created else "agreement.position_changed",
        position,
        f"{agreement}: {item} ({side}) {position.status}",
        changes,
    )
    return position


@transaction.atomic
def set_review_due(
    actor: User | None, workplace: Organisation, deployment: Deployment | None, values: dict[str, Any]
) -> Agreement:
    agreement = agreement_for(actor, workplace, deployment)
    changes = audit.save_changes(agreement, {"review_due": values["review_due"]})
    audit.record(actor, "agreement.review_set", agreement, str(agreement), changes)
    return agreement


@transaction.atomic
def record_safety(
    actor: User | None, version: ToolVersion, expectation: str, values: dict[str, Any]
) -> SafetyAssessment:
    found = SafetyAssessment.objects.filter(version=version, expectation=expectation).first()
    assessment = found or SafetyAssessment(version=version, expectation=expectation)
    changes = audit.save_changes(assessment, values)
    audit.record(
        actor, "safety.recorded", assessment, f"{version}: {expectation} {assessment.status}", changes
    )
    return assessment


@transaction.atomic
def save_data_practice(actor: User | None, version: ToolVersion, values: dict[str, Any]) -> DataPractice:
    practice = DataPractice.objects.filter(version=version).first() or DataPractice(version=version)
    changes = audit.save_changes(practice, values)
    audit.record(actor, "data_practice.saved", practice, str(practice), changes)
    return practice


@transaction.atomic
def save_deployment_record(
    actor: User | None, deployment: Deployment, values: dict[str, Any]
) -> DeploymentRecord:
    record = DeploymentRecord.objects.filter(deployment=deployment).first() or DeploymentRecord(
        deployment=deployment
    )
    changes = audit.save_changes(record, values)
    audit.record(actor, "deployment_record.saved", record, str(record), changes)
    return record
