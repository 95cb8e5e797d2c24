"""Pages of workplaces (and the trusts, authorities and unions around them): list, context, edit."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface.accounts.permissions import can, permission_required, require
from chalkface.register import actions
from chalkface.register.models import Deployment, ToolVersion
from chalkface.register.queries import count_of
from chalkface.register.workplace_forms import OrganisationContextForm, WorkplaceFilterForm
from chalkface.web.pages import handle_form, paginate, posted
from chalkface.workplaces.models import Organisation


@permission_required("view_register")
def workplace_list(request: HttpRequest) -> HttpResponse:
    form = WorkplaceFilterForm(request.GET)
    today = timezone.localdate()
    organisations = Organisation.objects.annotate(
        tools_today=count_of(
            Deployment.objects.active_on(today).filter(workplace=OuterRef("pk")), "workplace", "tool"
        )
    ).order_by("name", "pk")
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    query = (filters.get("q") or "").strip()
    if query:
        matches = Q(name__icontains=query)
        if query.isdigit():
            matches |= Q(urn=int(query))
        organisations = organisations.filter(matches)
    for name, field in (
        ("kind", "kind"),
        ("phase", "phase"),
        ("region", "region"),
        ("urban_rural", "urban_rural"),
    ):
        if filters.get(name):
            organisations = organisations.filter(**{field: filters[name]})
    if filters.get("quintile"):
        organisations = organisations.filter(deprivation_quintile=filters["quintile"])
    parent = None
    if filters.get("parent"):
        parent = Organisation.objects.filter(slug=filters["parent"]).first()
        organisations = organisations.filter(parent=parent) if parent else organisations.none()
    filtered = any(
        filters.get(key) for key in ("q", "kind", "phase", "region", "quintile", "urban_rural", "parent")
    )
    return render(
        request,
        "workplaces/list.html",
        {
            "form": form,
            "page": paginate(request, organisations),
            "query": query,
            "filtered": filtered,
            "parent": parent,
        },
    )


@permission_required("view_register")
def workplace_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("parent__parent"), slug=slug)
    today = timezone.localdate()
    deployments = (
        Deployment.objects.filter(workplace=organisation)
        .select_related("tool__supplier")
        .annotate(version_today=ToolVersion.objects.label_live_on(today))
        .order_by("-starts_on", "tool__name", "pk")
    )
    current = [d for d in deployments if d.is_active_on(today)]
    past = [d for d in deployments if not d.is_active_on(today)]
    return render(
        request,
        "workplaces/detail.html",
        {
            "organisation": organisation,
            "ancestors": organisation.ancestors(),
            "children": organisation.children.count(),
            "current": current,
            "past": past,
            "today": today,
            "may_edit": can(request.user, "edit_organisation", organisation),
            "may_record": organisation.is_workplace and can(request.user, "edit_deployments", organisation),
        },
    )


@permission_required("view_register")
def workplace_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, "edit_organisation", organisation)
    return handle_form(
        request,
        OrganisationContextForm(
            posted(request),
            initial=OrganisationContextForm.initial_for(organisation),
            organisation=organisation,
        ),
        lambda values: actions.save_organisation(request.user, values, organisation),
        template="workplaces/form.html",
        context={"organisation": organisation},
        done=lambda saved: (
            _("Saved the details of %(name)s.") % {"name": saved.name},
            saved.get_absolute_url(),
        ),
    )
