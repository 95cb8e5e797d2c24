"""Reading governance records into the plain data the red-flag rules and the pages take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet

from chalkface.accounts.models import Role, User
from chalkface.governance import items
from chalkface.governance.models import Agreement, DataPractice, DeploymentRecord, Position, SafetyAssessment
from chalkface.governance.rules import DeploymentFacts, RedFlag, VersionDrop, red_flags
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.workplaces.models import Organisation

Drops = Mapping[str, Sequence[VersionDrop]]  # tool slug -> released drops in time saved


def positions_of(agreement: Agreement | None) -> dict[str, dict[str, Position]]:
    """item -> side -> that side's view."""
    out: dict[str, dict[str, Position]] = {}
    if agreement is None:
        return out
    for position in agreement.positions.all():
        out.setdefault(position.item, {})[position.side] = position
    return out


def _statuses(agreements: Sequence[Agreement]) -> dict[str, dict[str, str]]:
    """The views of a deployment's own agreement, with the whole-workplace agreement filling the gaps."""
    out: dict[str, dict[str, str]] = {}
    for agreement in agreements:
        for item, sides in positions_of(agreement).items():
            for side, position in sides.items():
                out.setdefault(item, {}).setdefault(side, position.status)
    return out


def version_in_use(deployment: Deployment, today: dt.date) -> ToolVersion | None:
    return deployment.tool.version_on(today) or deployment.tool.versions.order_by("-release_date").first()


def deployment_facts(deployment: Deployment, today: dt.date, drops: Drops | None = None) -> DeploymentFacts:
    own = Agreement.objects.filter(deployment=deployment).first()
    whole = Agreement.objects.filter(workplace_id=deployment.workplace_id, deployment__isnull=True).first()
    agreements = [a for a in (own, whole) if a is not None]
    version = version_in_use(deployment, today)
    safety = (
        dict(SafetyAssessment.objects.filter(version=version).values_list("expectation", "status"))
        if version
        else {}
    )
    practice = DataPractice.objects.filter(version=version).first() if version else None
    record = DeploymentRecord.objects.filter(deployment=deployment).first()
    due = [a.review_due for a in agreements if a.review_due is not None]
    return DeploymentFacts(
        tool=deployment.tool.name,
        workplace=deployment.workplace.name,
        starts_on=deployment.starts_on,
        pupil_facing="pupils" in (deployment.tool.audiences or []),
        intended_uses=tuple(record.intended_uses) if record else (),
        positions=_statuses(agreements),
        safety=safety,
        trains_on_customer_data=practice.trains_on_customer_data if practice else "",
        review_due=min(due) if due else None,
        drops=tuple((drops or {}).get(deployment.tool.slug, ())),
    )


def _flags(deployments: QuerySet[Deployment], today: dt.date, drops: Drops | None) -> list[RedFlag]:
    found: list[RedFlag] = []
    for deployment in deployments.select_related("tool", "workplace"):
        for flag in red_flags(deployment_facts(deployment, today, drops), today):
            if flag not in found:
                found.append(flag)
    return found


def flags_for_workplace(workplace: Organisation, today: dt.date, drops: Drops | None = None) -> list[RedFlag]:
    """Red flags for the tools in use at a workplace today."""
    return _flags(Deployment.objects.active_on(today).filter(workplace=workplace), today, drops)


# A tool in use in thousands of workplaces would otherwise list thousands of sentences (and run queries for
# each): the tool page and the brief read the deployments that have governance records, up to this many.
TOOL_DEPLOYMENTS_READ = 200


def flags_for_tool(tool: Tool, today: dt.date, drops: Drops | None = None) -> list[RedFlag]:
    """Red flags for a tool wherever it is in use today and someone has recorded an agreement or the
    deployment's declared uses. Each workplace's own page shows the flags of all its deployments."""
    recorded = (
        Q(agreement__isnull=False)
        | Q(governance_record__isnull=False)
        | Exists(Agreement.objects.filter(workplace=OuterRef("workplace"), deployment__isnull=True))
    )
    ids = (
        Deployment.objects.active_on(today)
        .filter(tool=tool)
        .filter(recorded)
        .order_by("workplace__name", "pk")
        .values_list("pk", flat=True)
        .distinct()[:TOOL_DEPLOYMENTS_READ]
    )
    return _flags(Deployment.objects.filter(pk__in=list(ids)).order_by("workplace__name", "pk"), today, drops)


def workload_agreed_tools(workplace: Organisation | None = None) -> set[str]:
    """Slugs of tools whose agreement (or their workplace's) records a workload item as agreed: the only
    tools for which the evidence rule can fire, so the only ones worth looking for a drop."""
    positions = Position.objects.filter(item__in=items.WORKLOAD_ITEMS, status=items.AGREED)
    if workplace is not None:
        positions = positions.filter(agreement__workplace=workplace)
    slugs: set[str] = set()
    for agreement in Agreement.objects.filter(pk__in=positions.values("agreement")).select_related(
        "deployment__tool"
    ):
        if agreement.deployment is not None:
            slugs.add(agreement.deployment.tool.slug)
        else:
            slugs |= set(
                Deployment.objects.filter(workplace_id=agreement.workplace_id).values_list(
                    "tool__slug", flat=True
                )
            )
    return slugs


def overdue_agreements(today: dt.date) -> QuerySet[Agreement]:
    return Agreement.objects.filter(review_due__lt=today).select_related("workplace", "deployment__tool")


def people_who_act(agreement: Agreement) -> QuerySet[User]:
    """The union reps and employer leads whose reach includes the agreement's workplace."""
    chain = [agreement.workplace.pk, *(o.pk for o in agreement.workplace.ancestors())]
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=chain,
        memberships__role__in=[Role.UNION_REP, Role.EMPLOYER_LEAD],
    ).distinct()
