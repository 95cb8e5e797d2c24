"""Campaigns the caller may see, their incident reports (for those the owner lets see them) and open data.

Only aggregated, disclosure-controlled figures leave here; a check-in is never shown one by one.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from chalkface.api.auth import everyone_with_a_role
from chalkface.api.pagination import Mapped, Pages
from chalkface.api.schemas import CampaignOut, Error, ExportOut, IncidentOut
from chalkface.insights.opendata import campaign_export_tables
from chalkface.voice import access
from chalkface.voice.exports import incident_json
from chalkface.voice.models import Campaign, IncidentReport, IncidentStatus

router = Router(tags=["campaigns"], auth=everyone_with_a_role())

ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
IncidentStatusCode = Literal[tuple(IncidentStatus.values)]  # type: ignore[valid-type]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def visible(request: HttpRequest) -> QuerySet[Campaign]:
    return access.visible_campaigns(_user(request))


def campaign_for(request: HttpRequest, slug: str) -> Campaign:
    """The campaign, if the caller may see it; otherwise not found (its existence is not disclosed)."""
    return get_object_or_404(visible(request), slug=slug)


def campaign_out(campaign: Campaign, user: Any) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "owner": {"slug": campaign.owner.slug, "name": campaign.owner.name},
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "threshold": campaign.threshold,
        "question_set": campaign.question_set_version.question_set.slug,
        "question_set_version": campaign.question_set_version.number,
        "workplaces": [w.slug for w in campaign.workplaces.all()],
        "tools": [t.slug for t in campaign.tools.all()],
        "incidents_visible": access.can_see_incidents(user, campaign),
    }


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="Campaigns you may see")
@paginate(Pages)
def campaigns(request: HttpRequest) -> Any:
    user = _user(request)
    rows = visible(request).prefetch_related("workplaces", "tools").order_by("-opens_on", "name", "pk")
    return Mapped(rows, lambda campaign: campaign_out(campaign, user))


@router.get("/campaigns/{slug:slug}", response={200: CampaignOut, **ERRORS}, summary="A campaign")
def campaign(request: HttpRequest, slug: str) -> Any:
    return campaign_out(campaign_for(request, slug), _user(request))


class IncidentFilters(Schema):
    status: IncidentStatusCode | None = Field(None, description="Only reports in this triage status")


def incidents_for(user: Any, campaign: Campaign) -> QuerySet[IncidentReport]:
    """The campaign's reports the user may see, as on the campaign's incidents page: all for those who
    run it or were shared them, their own workplace's for a rep."""
    if not access.can_see_incidents(user, campaign):
        raise PermissionDenied("The owner of this campaign has not shared its incident reports with you.")
    rows = campaign.incidents.select_related("tool__supplier", "tool_version", "workplace")
    if not access.can_manage(user, campaign) and access.can_act(user, campaign):
        rows = rows.filter(workplace__in=access.rep_workplaces(user, campaign))
    return rows.order_by("-month", "category", "pk")


@router.get(
    "/campaigns/{slug:slug}/incidents",
    response={200: list[IncidentOut], **ERRORS},
    summary="A campaign's incident reports (AI Incident Database fields)",
)
@paginate(Pages)
def incidents(request: HttpRequest, slug: str, filters: Query[IncidentFilters]) -> Any:
    rows = incidents_for(_user(request), campaign_for(request, slug))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return Mapped(rows, incident_json)


@router.get(
    "/campaigns/{slug:slug}/export",
    response={200: ExportOut, **ERRORS},
    summary="A campaign's open data: aggregated, disclosure-controlled tables",
)
def export(
    request: HttpRequest,
    slug: str,
    format: Literal["json"] = "json",  # noqa: A002 — the name in the address
    dp: bool = Query(False, description="Add differentially private counts and means (spends budget)"),
) -> Any:
    campaign = campaign_for(request, slug)
    tables = campaign_export_tables(_user(request), campaign, dp=dp, channel="api.export")
    return {
        "campaign": campaign.slug,
        "format": format,
        "dp": dp,
        "tables": {name: frame.to_dicts() for name, frame in tables.items()},
    }
