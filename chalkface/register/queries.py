"""Counts and timelines shared by the register's pages, the workplace pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from chalkface.register.models import Deployment, Tool, ToolVersion

# A date after every real one, standing for "still live" in comparisons.
FAR_FUTURE = dt.date(9999, 12, 31)


def count_of(queryset: QuerySet[Any], group: str, field: str) -> Coalesce:
    """A correlated ``COUNT(DISTINCT field)`` of ``queryset``, grouped by its outer reference ``group``."""
    counted = queryset.order_by().values(group).annotate(n=Count(field, distinct=True)).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def workplaces_using_tool_on(day: dt.date) -> Coalesce:
    """For each tool in the outer query: how many workplaces have it in use on ``day``."""
    return count_of(Deployment.objects.active_on(day).filter(tool=OuterRef("pk")), "tool", "workplace")


@dataclass(frozen=True)
class TimelineEntry:
    version: ToolVersion
    live_until: dt.date | None
    workplaces: int


def timeline(tool: Tool) -> list[TimelineEntry]:
    """The tool's versions in release order, each with the last day it was live and the number of
    workplaces that deployed it: those with a deployment whose period overlaps the version's. One query."""
    next_release = (
        ToolVersion.objects.filter(tool=OuterRef("tool"), release_date__gt=OuterRef("release_date"))
        .order_by("release_date")
        .values("release_date")[:1]
    )
    overlapping = Deployment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("release_date")),
        tool=OuterRef("tool"),
        starts_on__lt=Coalesce(OuterRef("next_release"), Value(FAR_FUTURE)),
    )
    versions = (
        tool.versions.annotate(next_release=Subquery(next_release))
        .annotate(workplaces=count_of(overlapping, "tool", "workplace"))
        .order_by("release_date")
    )
    return [
        TimelineEntry(
            version=version,
            live_until=version.next_release - dt.timedelta(days=1) if version.next_release else None,
            workplaces=version.workplaces,
        )
        for version in versions
    ]
