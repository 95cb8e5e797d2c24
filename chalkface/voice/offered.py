"""Which of a campaign's tools are in use at a workplace on a day, and at which version."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery

from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice.models import Campaign
from chalkface.workplaces.models import Organisation


def version_for(tool: Tool, workplace: Organisation, day: dt.date) -> ToolVersion | None:
    """The version live at the workplace on ``day`` from its deployment timeline, or None (don't know)."""
    deployed = any(d.is_active_on(day) for d in tool.deployments.filter(workplace=workplace))
    return tool.version_on(day) if deployed else None


def tools_in_use(
    campaign: Campaign, workplace: Organisation, day: dt.date
) -> tuple[list[Tool], list[tuple[Tool, ToolVersion | None]]]:
    """The campaign's tools, and those deployed at the workplace on ``day`` (all of them if none is), each
    with the version live there that day (as :func:`version_for`). One query."""
    active = Deployment.objects.filter(tool=OuterRef("pk"), workplace=workplace, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    live = ToolVersion.objects.filter(tool=OuterRef("pk")).live_on(day)
    tools = list(
        campaign.tools.order_by("name").annotate(
            deployed_here=Exists(active),
            live_version_id=Subquery(live.values("pk")[:1]),
            live_version_label=Subquery(live.values("label")[:1]),
        )
    )
    deployed = [t for t in tools if t.deployed_here]  # type: ignore[attr-defined]
    if not deployed:
        return tools, [(t, None) for t in tools]
    in_use: list[tuple[Tool, ToolVersion | None]] = []
    for tool in deployed:
        version_id = tool.live_version_id  # type: ignore[attr-defined]
        version = (
            ToolVersion(pk=version_id, tool=tool, label=tool.live_version_label)  # type: ignore[attr-defined]
            if version_id is not None
            else None
        )
        in_use.append((tool, version))
    return tools, in_use
