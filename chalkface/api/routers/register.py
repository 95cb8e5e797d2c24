"""The register: suppliers, tools with their version timelines, workplaces and deployments.

Reading needs ``view_register``; writing asks :func:`chalkface.accounts.permissions.can` for the object,
checks the input with the same form as the web page, and saves through ``chalkface.register.actions``.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from chalkface.accounts.permissions import require
from chalkface.api.auth import everyone_with_a_role
from chalkface.api.errors import ApiError, form_fields
from chalkface.api.pagination import Mapped, Pages
from chalkface.api.schemas import (
    Capability,
    DeploymentIn,
    DeploymentOut,
    DeploymentPatch,
    Error,
    Id,
    Phase,
    Region,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
    Text,
    ToolDetailOut,
    ToolIn,
    ToolOut,
    ToolPatch,
    VersionIn,
    VersionOut,
    VersionPatch,
    WorkplaceOut,
    WorkplacePatch,
)
from chalkface.register import actions
from chalkface.register.forms import DeploymentForm, SupplierForm, ToolForm, VersionForm
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.register.queries import timeline
from chalkface.register.workplace_forms import OrganisationContextForm
from chalkface.web.forms import ChalkfaceForm
from chalkface.workplaces.models import Organisation

router = Router(tags=["register"], auth=everyone_with_a_role())

WRITE = {401: Error, 403: Error, 404: Error, 422: Error}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _can_read(request: HttpRequest) -> None:
    require(_user(request), "view_register")


def _checked(form: ChalkfaceForm) -> dict[str, Any]:
    if not form.is_valid():
        raise ApiError("invalid", fields=form_fields(form.errors))
    return dict(form.cleaned_data)


def _ref(obj: Any) -> dict[str, str]:
    return {"slug": obj.slug, "name": obj.name}


def _found(queryset: QuerySet[Any], what: str, **lookup: Any) -> Any:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise ApiError("invalid", fields={what: [f"There is no {what} with that slug."]})
    return found


# Suppliers ----------------------------------------------------------------------------------------------


def supplier_out(supplier: Supplier) -> dict[str, Any]:
    return {
        "slug": supplier.slug,
        "name": supplier.name,
        "companies_house_number": supplier.companies_house_number,
        "website": supplier.website,
    }


class SupplierFilters(Schema):
    q: Text(100) = Field("", description="Part of the name, or the Companies House number")  # type: ignore[valid-type]


@router.get("/suppliers", response={200: list[SupplierOut], **WRITE}, summary="Suppliers")
@paginate(Pages)
def suppliers(request: HttpRequest, filters: Query[SupplierFilters]) -> Any:
    _can_read(request)
    rows = Supplier.objects.order_by("name")
    if query := filters.q.strip():
        rows = rows.filter(Q(name__icontains=query) | Q(companies_house_number__iexact=query))
    return Mapped(rows, supplier_out)


@router.get("/suppliers/{slug:slug}", response={200: SupplierOut, **WRITE}, summary="A supplier")
def supplier(request: HttpRequest, slug: str) -> Any:
    _can_read(request)
    return supplier_out(get_object_or_404(Supplier, slug=slug))


@router.post("/suppliers", response={201: SupplierOut, **WRITE}, summary="Add a supplier")
def supplier_create(request: HttpRequest, payload: SupplierIn) -> Any:
    require(_user(request), "edit_catalogue")
    values = _checked(SupplierForm(payload.dict()))
    return Status(201, supplier_out(actions.save_supplier(_user(request), values)))


@router.patch("/suppliers/{slug:slug}", response={200: SupplierOut, **WRITE}, summary="Change a supplier")
def supplier_update(request: HttpRequest, slug: str, payload: SupplierPatch) -> Any:
    require(_user(request), "edit_catalogue")
    found = get_object_or_404(Supplier, slug=slug)
    data = {name: getattr(found, name) for name in SupplierForm.base_fields}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    values = _checked(SupplierForm(data))
    return supplier_out(actions.save_supplier(_user(request), values, found))


# Tools and versions -------------------------------------------------------------------------------------


def version_out(version: ToolVersion, live_until: dt.date | None = None) -> dict[str, Any]:
    return {
        "id": version.pk,
        "tool": version.tool.slug,
        "label": version.label,
        "release_date": version.release_date,
        "live_until": live_until,
        "change_notes": version.change_notes,
        "underlying_models": version.underlying_models,
        "material_change": version.material_change,
    }


def tool_out(tool: Tool) -> dict[str, Any]:
    return {
        "slug": tool.slug,
        "name": tool.name,
        "supplier": _ref(tool.supplier),
        "description": tool.description,
        "capabilities": list(tool.capabilities),
        "audiences": list(tool.audiences),
        "min_age": tool.min_age,
        "max_age": tool.max_age,
        "website": tool.website,
        "current_version": getattr(tool, "current_version", None),
    }


def tool_detail_out(tool: Tool) -> dict[str, Any]:
    entries = timeline(tool)
    today = timezone.localdate()
    current = next((e.version.label for e in reversed(entries) if e.version.release_date <= today), None)
    return {
        **tool_out(tool),
        "current_version": current,
        "versions": [{**version_out(e.version, e.live_until), "workplaces": e.workplaces} for e in entries],
    }


class ToolFilters(Schema):
    q: Text(100) = Field("", description="Part of the name, the supplier's name or the description")  # type: ignore[valid-type]
    supplier: Text(220) = Field("", description="The supplier's slug")  # type: ignore[valid-type]
    capability: Capability | None = None


@router.get("/tools", response={200: list[ToolOut], **WRITE}, summary="AI tools")
@paginate(Pages)
def tools(request: HttpRequest, filters: Query[ToolFilters]) -> Any:
    _can_read(request)
    rows = (
        Tool.objects.select_related("supplier")
        .annotate(current_version=ToolVersion.objects.label_live_on(timezone.localdate(), "pk"))
        .order_by("name", "supplier__name")
    )
    if query := filters.q.strip():
        rows = rows.filter(
            Q(name__icontains=query) | Q(supplier__name__icontains=query) | Q(description__icontains=query)
        )
    if filters.supplier:
        rows = rows.filter(supplier__slug=filters.supplier)
    if filters.capability:
        # Codes are letters and underscores, so the quoted code is in the list's text exactly when the
        # list holds it (as on the register's pages), on SQLite and PostgreSQL alike.
        rows = rows.alias(capabilities_text=Cast("capabilities", TextField())).filter(
            capabilities_text__contains=f'"{filters.capability}"'
        )
    return Mapped(rows, tool_out)


def _tool(slug: str) -> Tool:
    return get_object_or_404(Tool.objects.select_related("supplier"), slug=slug)


@router.get("/tools/{slug:slug}", response={200: ToolDetailOut, **WRITE}, summary="A tool and its versions")
def tool(request: HttpRequest, slug: str) -> Any:
    _can_read(request)
    return tool_detail_out(_tool(slug))


def _tool_form_data(payload: ToolIn | ToolPatch, start: dict[str, Any]) -> dict[str, Any]:
    data = dict(start)
    given = payload.dict(exclude_unset=isinstance(payload, ToolPatch))
    if "supplier" in given and given["supplier"] is not None:
        given["supplier"] = _found(Supplier.objects.all(), "supplier", slug=given["supplier"]).pk
    data.update({k: v for k, v in given.items() if v is not None or k in ("min_age", "max_age")})
    return data


@router.post("/tools", response={201: ToolDetailOut, **WRITE}, summary="Add a tool")
def tool_create(request: HttpRequest, payload: ToolIn) -> Any:
    require(_user(request), "edit_catalogue")
    values = _checked(ToolForm(_tool_form_data(payload, {})))
    return Status(201, tool_detail_out(actions.save_tool(_user(request), values)))


@router.patch("/tools/{slug:slug}", response={200: ToolDetailOut, **WRITE}, summary="Change a tool")
def tool_update(request: HttpRequest, slug: str, payload: ToolPatch) -> Any:
    require(_user(request), "edit_catalogue")
    found = _tool(slug)
    start = {name: getattr(found, name) for name in ToolForm.base_fields}
    start["supplier"] = found.supplier_id
    values = _checked(ToolForm(_tool_form_data(payload, start), tool=found))
    return tool_detail_out(actions.save_tool(_user(request), values, found))


@router.get(
    "/tools/{slug:slug}/versions", response={200: list[VersionOut], **WRITE}, summary="A tool's versions"
)
def versions(request: HttpRequest, slug: str) -> Any:
    _can_read(request)
    return [version_out(e.version, e.live_until) for e in timeline(_tool(slug))]


@router.post("/tools/{slug:slug}/versions", response={201: VersionOut, **WRITE}, summary="Add a version")
def version_create(request: HttpRequest, slug: str, payload: VersionIn) -> Any:
    require(_user(request), "edit_catalogue")
    found = _tool(slug)
    values = _checked(VersionForm(payload.dict()))
    return Status(201, version_out(actions.add_version(_user(request), found, values)))


@router.patch(
    "/tools/{slug:slug}/versions/{version_id}",
    response={200: VersionOut, **WRITE},
    summary="Change a version",
)
def version_update(request: HttpRequest, slug: str, version_id: Id, payload: VersionPatch) -> Any:
    require(_user(request), "edit_catalogue")
    version = get_object_or_404(ToolVersion.objects.select_related("tool"), pk=version_id, tool__slug=slug)
    data = VersionForm.initial_for(version)
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    values = _checked(VersionForm(data))
    saved = actions.update_version(_user(request), version, values)
    return version_out(saved, saved.live_until())


# Workplaces ---------------------------------------------------------------------------------------------


def workplace_out(place: Organisation) -> dict[str, Any]:
    return {
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "urn": place.urn,
        "part_of": place.parent.slug if place.parent_id else None,
        "phase": place.phase,
        "region": place.region,
        "establishment_type": place.establishment_type,
        "pupils_on_roll": place.pupils_on_roll,
        "staff_headcount": place.staff_headcount,
        "fsm_share": float(place.fsm_share) if place.fsm_share is not None else None,
        "deprivation_quintile": place.deprivation_quintile,
        "urban_rural": place.urban_rural,
        "it_rating": place.it_rating,
        "is_open": place.is_open,
    }


class WorkplaceFilters(Schema):
    q: Text(100) = Field("", description="Part of the name, or the URN")  # type: ignore[valid-type]
    phase: Phase | None = None
    region: Region | None = None
    quintile: int | None = Field(None, ge=1, le=5, description="Deprivation quintile, 1 least to 5 most")


@router.get("/workplaces", response={200: list[WorkplaceOut], **WRITE}, summary="Workplaces")
@paginate(Pages)
def workplaces(request: HttpRequest, filters: Query[WorkplaceFilters]) -> Any:
    _can_read(request)
    rows = Organisation.objects.workplaces().select_related("parent").order_by("name", "pk")
    if query := filters.q.strip():
        by_name = Q(name__icontains=query)
        rows = rows.filter(by_name | Q(urn=int(query)) if query.isdigit() and len(query) < 10 else by_name)
    if filters.phase:
        rows = rows.filter(phase=filters.phase)
    if filters.region:
        rows = rows.filter(region=filters.region)
    if filters.quintile:
        rows = rows.filter(deprivation_quintile=filters.quintile)
    return Mapped(rows, workplace_out)


def _workplace(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.workplaces().select_related("parent"), slug=slug)


@router.get("/workplaces/{slug:slug}", response={200: WorkplaceOut, **WRITE}, summary="A workplace")
def workplace(request: HttpRequest, slug: str) -> Any:
    _can_read(request)
    return workplace_out(_workplace(slug))


@router.patch(
    "/workplaces/{slug:slug}", response={200: WorkplaceOut, **WRITE}, summary="Change a workplace's context"
)
def workplace_update(request: HttpRequest, slug: str, payload: WorkplacePatch) -> Any:
    found = _workplace(slug)
    require(_user(request), "edit_organisation", found)
    data = OrganisationContextForm.initial_for(found)
    data.update(payload.dict(exclude_unset=True))
    data = {k: ("" if v is None else v) for k, v in data.items()}
    values = _checked(OrganisationContextForm(data))
    return workplace_out(actions.save_organisation(_user(request), values, found))


# Deployments --------------------------------------------------------------------------------------------


def deployment_out(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.pk,
        "tool": _ref(deployment.tool),
        "workplace": _ref(deployment.workplace),
        "starts_on": deployment.starts_on,
        "ends_on": deployment.ends_on,
        "staff_roles": list(deployment.staff_roles),
        "purpose": deployment.purpose,
        "use": deployment.use,
    }


class DeploymentFilters(Schema):
    tool: Text(220) = Field("", description="The tool's slug")  # type: ignore[valid-type]
    workplace: Text(220) = Field("", description="The workplace's slug")  # type: ignore[valid-type]
    active_on: dt.date | None = Field(None, description="Only deployments in use on this day")


def _deployments() -> QuerySet[Deployment]:
    return Deployment.objects.select_related("tool", "workplace")


@router.get("/deployments", response={200: list[DeploymentOut], **WRITE}, summary="Deployments")
@paginate(Pages)
def deployments(request: HttpRequest, filters: Query[DeploymentFilters]) -> Any:
    _can_read(request)
    rows = _deployments().order_by("-starts_on", "pk")
    if filters.tool:
        rows = rows.filter(tool__slug=filters.tool)
    if filters.workplace:
        rows = rows.filter(workplace__slug=filters.workplace)
    if filters.active_on:
        rows = rows.active_on(filters.active_on)
    return Mapped(rows, deployment_out)


@router.get("/deployments/{deployment_id}", response={200: DeploymentOut, **WRITE}, summary="A deployment")
def deployment(request: HttpRequest, deployment_id: Id) -> Any:
    _can_read(request)
    return deployment_out(get_object_or_404(_deployments(), pk=deployment_id))


def _deployment_form_data(payload: DeploymentIn | DeploymentPatch, start: dict[str, Any]) -> dict[str, Any]:
    data = dict(start)
    given = payload.dict(exclude_unset=isinstance(payload, DeploymentPatch))
    given.pop("workplace", None)
    if given.get("tool") is not None:
        given["tool"] = _found(Tool.objects.all(), "tool", slug=given["tool"]).pk
    data.update({k: v for k, v in given.items() if v is not None or k == "ends_on"})
    return {k: ("" if v is None else v) for k, v in data.items()}


@router.post("/deployments", response={201: DeploymentOut, **WRITE}, summary="Record a deployment")
def deployment_create(request: HttpRequest, payload: DeploymentIn) -> Any:
    place = _found(Organisation.objects.workplaces(), "workplace", slug=payload.workplace)
    require(_user(request), "edit_deployments", place)
    values = _checked(DeploymentForm(_deployment_form_data(payload, {})))
    saved = actions.save_deployment(_user(request), {**values, "workplace": place})
    return Status(201, deployment_out(saved))


@router.patch(
    "/deployments/{deployment_id}", response={200: DeploymentOut, **WRITE}, summary="Change a deployment"
)
def deployment_update(request: HttpRequest, deployment_id: Id, payload: DeploymentPatch) -> Any:
    found = get_object_or_404(_deployments(), pk=deployment_id)
    require(_user(request), "edit_deployments", found)
    start = DeploymentForm.initial_for(found)
    start["tool"] = found.tool_id
    values = _checked(DeploymentForm(_deployment_form_data(payload, start)))
    return deployment_out(actions.save_deployment(_user(request), values, found))
