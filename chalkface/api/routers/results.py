"""Aggregated results of a tool or a workplace, from :mod:`chalkface.insights.results`.

Every figure has passed disclosure control. A slice the release gate refuses (because, with what the caller
has already seen, it would single out too few people) is answered ``409 refused`` with the reason.
"""

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from chalkface.api.auth import everyone_with_a_role
from chalkface.api.routers.campaigns import campaign_for
from chalkface.api.schemas import Error, Phase, Region, StaffRole, Text
from chalkface.insights import results as insight_results
from chalkface.register.models import Tool
from chalkface.voice.models import Campaign
from chalkface.workplaces.models import Organisation

router = Router(tags=["results"], auth=everyone_with_a_role())

ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class ToolResultFilters(Schema):
    campaign: Text(80) = Field("", description="Only this campaign's check-ins (its slug)")  # type: ignore[valid-type]
    role: StaffRole | None = Field(None, description="Only staff in this role")
    phase: Phase | None = None
    region: Region | None = None
    quintile: int | None = Field(None, ge=1, le=5, description="Deprivation quintile, 1 least to 5 most")
    version: Text(60) = Field("", description="Only check-ins about this version (its label)")  # type: ignore[valid-type]
    period: str | None = Field(
        None, pattern=r"^[0-9]{4} Q[1-4]$", description="Only check-ins in this quarter, e.g. 2025 Q3"
    )
    weighting: Literal["workforce", "none"] | None = Field(
        None,
        description=(
            "National and regional figures are weighted to the workforce margins by default (workforce); "
            "none gives them as answered. Figures for some workplaces only are never weighted."
        ),
    )


def _campaign(request: HttpRequest, slug: str) -> Campaign | None:
    return campaign_for(request, slug) if slug else None


@router.get(
    "/tools/{slug:slug}/results",
    response={200: dict[str, Any], **ERRORS},
    summary="A tool's results, overall or for one slice",
)
def tool_results(request: HttpRequest, slug: str, filters: Query[ToolResultFilters]) -> Any:
    tool = get_object_or_404(Tool, slug=slug)
    chosen = {
        "role": filters.role,
        "phase": filters.phase,
        "region": filters.region,
        "deprivation_quintile": filters.quintile,
        "version": filters.version,
        "period": filters.period,
    }
    given = {name: str(value) for name, value in chosen.items() if value not in (None, "")}
    results = insight_results.tool_results(
        request.auth,  # type: ignore[attr-defined]
        tool,
        campaign=_campaign(request, filters.campaign),
        filters=given,
        channel="api.tool",
        weighting=filters.weighting,
    )
    return results.to_dict()


class WorkplaceResultFilters(Schema):
    campaign: Text(80) = Field("", description="Only this campaign's check-ins (its slug)")  # type: ignore[valid-type]


@router.get(
    "/workplaces/{slug:slug}/results",
    response={200: dict[str, Any], **ERRORS},
    summary="A workplace's results",
)
def workplace_results(request: HttpRequest, slug: str, filters: Query[WorkplaceResultFilters]) -> Any:
    place = get_object_or_404(Organisation.objects.workplaces(), slug=slug)
    results = insight_results.workplace_results(
        request.auth,  # type: ignore[attr-defined]
        place,
        campaign=_campaign(request, filters.campaign),
        channel="api.workplace",
    )
    return results.to_dict()
