"""The home page: what Chalkface is, and for each role the user holds, what to do next."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chalkface.accounts.models import Membership, Role
from chalkface.accounts.permissions import can, roles, scope_ids
from chalkface.governance.queries import overdue_agreements
from chalkface.register.models import Deployment, Tool
from chalkface.voice import access
from chalkface.voice.models import Campaign
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
    if context["held"]:
        context["sees_results"] = access.can_see_results(user)
    if can(user, "run_campaigns"):
        context["can_start_campaign"] = access.owner_choices(user).exists()
    if Role.UNION_REP in context["held"]:
        context["rep_campaigns"] = rep_campaigns(user)
    # A passed review date is shown to those who can act on it: the reps and employer leads who reach it.
    reach = scope_ids(user, frozenset({Role.UNION_REP, Role.EMPLOYER_LEAD}))
    context["overdue_reviews"] = list(
        overdue_agreements(timezone.localdate()).filter(workplace_id__in=reach)[:5]
    )
    if can(user, "view_register"):
        context["counts"] = {
            "tools": Tool.objects.count(),
            "workplaces": Organisation.objects.workplaces().count(),
            "deployments": Deployment.objects.active_on(timezone.localdate()).count(),
        }
    return render(request, "home/home.html", context)


def rep_campaigns(user: object, limit: int = 5) -> list[Campaign]:
    """Campaigns not yet closed in which the user, as a rep, hands out codes for their own workplace."""
    today = timezone.localdate()
    found: list[Campaign] = []
    for campaign in access.visible_campaigns(user).filter(closes_on__gte=today).order_by("closes_on"):
        if access.can_act(user, campaign):
            found.append(campaign)
        if len(found) == limit:
            break
    return found
