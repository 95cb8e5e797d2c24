"""The home page: what Chalkface is, and for each role the user holds, what to do next."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chalkface.accounts.models import Membership, Role
from chalkface.accounts.permissions import can, roles
from chalkface.register.models import Deployment, Tool
from chalkface.workplaces.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/home_anonymous.html")
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )
    places: dict[str, list[Organisation]] = {}
    for membership in memberships:
        places.setdefault(membership.role, []).append(membership.organisation)
    context: dict[str, Any] = {
        "held": roles(user),
        "memberships": memberships,
        "rep_workplaces": places.get(Role.UNION_REP, []),
        "officer_organisations": places.get(Role.UNION_OFFICER, []),
        "employer_organisations": places.get(Role.EMPLOYER_LEAD, []),
    }
    if can(user, "view_register"):
        context["counts"] = {
            "tools": Tool.objects.count(),
            "workplaces": Organisation.objects.workplaces().count(),
            "deployments": Deployment.objects.active_on(timezone.localdate()).count(),
        }
    return render(request, "home/home.html", context)
