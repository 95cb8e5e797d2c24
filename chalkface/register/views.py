"""Pages of the register: suppliers, tools with their version timelines, and deployments.

Every page asks :func:`chalkface.accounts.permissions.can` (through ``require`` or
``permission_required``), checks input with a form, and changes nothing except through
``chalkface.register.actions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface.accounts.permissions import can, permission_required, require
from chalkface.register import actions
from chalkface.register.forms import (
    DeploymentFilterForm,
    DeploymentForm,
    EndDeploymentForm,
    SupplierFilterForm,
    SupplierForm,
    ToolFilterForm,
    ToolForm,
    VersionForm,
)
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.register.queries import count_of, timeline, workplaces_using_tool_on
from chalkface.web.pages import handle_form, paginate, posted
from chalkface.workplaces.models import Organisation


def _codes_include(field: str, code: str) -> tuple[dict[str, Any], Q]:
    """Rows whose JSON list ``field`` holds ``code``, on SQLite and PostgreSQL alike.

    Codes come from the fixed vocabularies (letters and underscores), so the quoted code appears in the
    list's text exactly when the list holds it."""
    alias = f"{field}_text"
    return {alias: Cast(field, TextField())}, Q(**{f"{alias}__contains": f'"{code}"'})


# Suppliers ---------------------------------------------------------------------------------------------


@permission_required("view_register")
def supplier_list(request: HttpRequest) -> HttpResponse:
    form = SupplierFilterForm(request.GET)
    suppliers = Supplier.objects.annotate(tool_count=Count("tools")).order_by("name")
    query = ""
    if form.is_valid() and (query := form.cleaned_data["q"].strip()):
        suppliers = suppliers.filter(Q(name__icontains=query) | Q(companies_house_number__iexact=query))
    return render(
        request,
        "register/supplier_list.html",
        {"form": form, "page": paginate(request, suppliers), "query": query, "filtered": bool(query)},
    )


@permission_required("view_register")
def supplier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    supplier = get_object_or_404(Supplier, slug=slug)
    today = timezone.localdate()
    tools = supplier.tools.annotate(
        current_version=ToolVersion.objects.label_live_on(today, "pk"),
        workplaces_today=workplaces_using_tool_on(today),
    ).order_by("name")
    return render(
        request,
        "register/supplier_detail.html",
        {"supplier": supplier, "tools": tools, "may_edit": can(request.user, "edit_catalogue")},
    )


@permission_required("edit_catalogue")
def supplier_create(request: HttpRequest) -> HttpResponse:
    return handle_form(
        request,
        SupplierForm(posted(request)),
        lambda values: actions.save_supplier(request.user, values),
        template="register/supplier_form.html",
        context={"supplier": None},
        done=lambda supplier: (
            _("Added %(name)s to the register.") % {"name": supplier.name},
            supplier.get_absolute_url(),
        ),
    )


@permission_required("edit_catalogue")
def supplier_edit(request: HttpRequest, slug: str) -> HttpResponse:
    supplier = get_object_or_404(Supplier, slug=slug)
    initial = {name: getattr(supplier, name) for name in SupplierForm.base_fields}
    return handle_form(
        request,
        SupplierForm(posted(request), initial=initial),
        lambda values: actions.save_supplier(request.user, values, supplier),
        template="register/supplier_form.html",
        context={"supplier": supplier},
        done=lambda saved: (
            _("Saved the changes to %(name)s.") % {"name": saved.name},
            saved.get_absolute_url(),
        ),
    )


# Tools and versions ------------------------------------------------------------------------------------


@permission_required("view_register")
def tool_list(request: HttpRequest) -> HttpResponse:
    form = ToolFilterForm(request.GET)
    today = timezone.localdate()
    tools = (
        Tool.objects.select_related("supplier")
        .annotate(
            version_count=count_of(ToolVersion.objects.filter(tool=OuterRef("pk")), "tool", "pk"),
            current_version=ToolVersion.objects.label_live_on(today, "pk"),
            workplaces_today=workplaces_using_tool_on(today),
        )
        .order_by("name", "supplier__name")
    )
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    query = (filters.get("q") or "").strip()
    if query:
        tools = tools.filter(
            Q(name__icontains=query) | Q(supplier__name__icontains=query) | Q(description__icontains=query)
        )
    for field, key in (("capabilities", "capability"), ("audiences", "audience")):
        if filters.get(key):
            alias, condition = _codes_include(field, filters[key])
            tools = tools.alias(**alias).filter(condition)
    filtered = bool(query or filters.get("capability") or filters.get("audience"))
    return render(
        request,
        "register/tool_list.html",
        {
            "form": form,
            "page": paginate(request, tools),
            "query": query,
            "filtered": filtered,
            "may_edit": can(request.user, "edit_catalogue"),
        },
    )


@permission_required("view_register")
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.select_related("supplier"), slug=slug)
    today = timezone.localdate()
    entries = timeline(tool)
    current = next((e.version for e in reversed(entries) if e.version.release_date <= today), None)
    may_edit = can(request.user, "edit_catalogue")
    return render(
        request,
        "register/tool_detail.html",
        {
            "tool": tool,
            "today": today,
            "timeline": entries,
            "current": current,
            "workplaces_today": Deployment.objects.active_on(today)
            .filter(tool=tool)
            .values("workplace")
            .distinct()
            .count(),
            "may_edit": may_edit,
            "version_form": VersionForm() if may_edit else None,
        },
    )


@permission_required("edit_catalogue")
def tool_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if supplier_slug := request.GET.get("supplier"):
        initial["supplier"] = Supplier.objects.filter(slug=supplier_slug).first()
    return handle_form(
        request,
        ToolForm(posted(request), initial=initial),
        lambda values: actions.save_tool(request.user, values),
        template="register/tool_form.html",
        context={"tool": None},
        done=lambda tool: (
            _("Added %(name)s to the register.") % {"name": tool.name},
            tool.get_absolute_url(),
        ),
    )


@permission_required("edit_catalogue")
def tool_edit(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.select_related("supplier"), slug=slug)
    initial = {name: getattr(tool, name) for name in ToolForm.base_fields}
    return handle_form(
        request,
        ToolForm(posted(request), initial=initial, tool=tool),
        lambda values: actions.save_tool(request.user, values, tool),
        template="register/tool_form.html",
        context={"tool": tool},
        done=lambda saved: (
            _("Saved the changes to %(name)s.") % {"name": saved.name},
            saved.get_absolute_url(),
        ),
    )


@permission_required("edit_catalogue")
def version_create(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.select_related("supplier"), slug=slug)
    return handle_form(
        request,
        VersionForm(posted(request)),
        lambda values: actions.add_version(request.user, tool, values),
        template="register/version_form.html",
        context={"tool": tool, "version": None},
        done=lambda version: (
            _("Added version %(label)s of %(tool)s.") % {"label": version.label, "tool": tool.name},
            f"{tool.get_absolute_url()}#version-{version.pk}",
        ),
    )


@permission_required("edit_catalogue")
def version_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    version = get_object_or_404(ToolVersion.objects.select_related("tool__supplier"), tool__slug=slug, pk=pk)
    tool = version.tool
    return handle_form(
        request,
        VersionForm(posted(request), initial=VersionForm.initial_for(version)),
        lambda values: actions.update_version(request.user, version, values),
        template="register/version_form.html",
        context={"tool": tool, "version": version},
        done=lambda saved: (
            _("Saved the changes to version %(label)s of %(tool)s.")
            % {"label": saved.label, "tool": tool.name},
            f"{tool.get_absolute_url()}#version-{saved.pk}",
        ),
    )


# Deployments -------------------------------------------------------------------------------------------


@permission_required("view_register")
def deployment_list(request: HttpRequest) -> HttpResponse:
    form = DeploymentFilterForm(request.GET)
    today = timezone.localdate()
    deployments = (
        Deployment.objects.select_related("tool__supplier", "workplace")
        .annotate(version_today=ToolVersion.objects.label_live_on(today))
        .order_by("workplace__name", "tool__name", "-starts_on", "pk")
    )
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    query = (filters.get("q") or "").strip()
    if query:
        matches = Q(tool__name__icontains=query) | Q(workplace__name__icontains=query)
        if query.isdigit():
            matches |= Q(workplace__urn=int(query))
        deployments = deployments.filter(matches)
    if filters.get("tool"):
        deployments = deployments.filter(tool=filters["tool"])
    if filters.get("status") == "active":
        deployments = deployments.active_on(today)
    elif filters.get("status") == "ended":
        deployments = deployments.filter(ends_on__lt=today)
    if filters.get("use"):
        deployments = deployments.filter(use=filters["use"])
    workplace = None
    if filters.get("workplace"):
        workplace = Organisation.objects.filter(slug=filters["workplace"]).first()
        deployments = deployments.filter(workplace=workplace) if workplace else deployments.none()
    filtered = any(filters.get(key) for key in ("q", "tool", "status", "use", "workplace"))
    return render(
        request,
        "register/deployment_list.html",
        {
            "form": form,
            "page": paginate(request, deployments),
            "query": query,
            "filtered": filtered,
            "workplace": workplace,
            "today": today,
            "may_record": workplace is not None and can(request.user, "edit_deployments", workplace),
        },
    )


@permission_required("view_register")
def deployment_create(request: HttpRequest, workplace: str) -> HttpResponse:
    place = get_object_or_404(Organisation.objects.workplaces(), slug=workplace)
    require(request.user, "edit_deployments", place)
    initial: dict[str, Any] = {"starts_on": timezone.localdate()}
    if tool_slug := request.GET.get("tool"):
        initial["tool"] = Tool.objects.filter(slug=tool_slug).first()
    return handle_form(
        request,
        DeploymentForm(posted(request), initial=initial),
        lambda values: actions.save_deployment(request.user, {**values, "workplace": place}),
        template="register/deployment_form.html",
        context={"workplace": place, "deployment": None},
        done=lambda deployment: (
            _("Recorded %(tool)s in use at %(workplace)s.")
            % {"tool": deployment.tool.name, "workplace": place.name},
            place.get_absolute_url(),
        ),
    )


@permission_required("view_register")
def deployment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = get_object_or_404(Deployment.objects.select_related("tool", "workplace"), pk=pk)
    require(request.user, "edit_deployments", deployment)
    place = deployment.workplace
    return handle_form(
        request,
        DeploymentForm(posted(request), initial=DeploymentForm.initial_for(deployment)),
        lambda values: actions.save_deployment(request.user, values, deployment),
        template="register/deployment_form.html",
        context={"workplace": place, "deployment": deployment},
        done=lambda saved: (
            _("Saved the changes to %(tool)s at %(workplace)s.")
            % {"tool": saved.tool.name, "workplace": place.name},
            place.get_absolute_url(),
        ),
    )


@permission_required("view_register")
def deployment_end(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = get_object_or_404(Deployment.objects.select_related("tool", "workplace"), pk=pk)
    require(request.user, "edit_deployments", deployment)
    today = timezone.localdate()
    place = deployment.workplace
    return handle_form(
        request,
        EndDeploymentForm(
            posted(request), deployment=deployment, initial={"ends_on": max(today, deployment.starts_on)}
        ),
        lambda values: actions.end_deployment(request.user, deployment, values["ends_on"]),
        template="register/deployment_end.html",
        context={"workplace": place, "deployment": deployment},
        done=lambda saved: (
            _("Recorded that %(tool)s is no longer in use at %(workplace)s.")
            % {"tool": saved.tool.name, "workplace": place.name},
            place.get_absolute_url(),
        ),
    )
