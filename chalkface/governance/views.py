"""Governance pages: a workplace's AI agreements and red flags, each side's view of an item, a tool
version's safety standards and data practices, a deployment's declared uses and its ATRS record.

Access is decided by :func:`chalkface.accounts.permissions.can`; changes go through ``actions.py``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chalkface.accounts.permissions import can, permission_required, require
from chalkface.governance import actions, items
from chalkface.governance.atrs import atrs_csv, atrs_json
from chalkface.governance.forms import (
    DataPracticeForm,
    DeploymentRecordForm,
    PositionForm,
    ReviewForm,
    SafetyForm,
)
from chalkface.governance.models import Agreement, DataPractice, DeploymentRecord, Position, SafetyAssessment
from chalkface.governance.queries import flags_for_workplace, positions_of
from chalkface.governance.rules import data_rating, disagreements, eu_ai_act_flags
from chalkface.register.models import Deployment, ToolVersion
from chalkface.web.pages import handle_form, posted
from chalkface.workplaces.models import Organisation

SIDE_ACTIONS = {items.UNION: "record_union_view", items.EMPLOYER: "record_employer_view"}
SIDE_TITLES = {
    items.UNION: gettext_lazy("The union's view"),
    items.EMPLOYER: gettext_lazy("The employer's view"),
}
SIDE_DONE = {
    items.UNION: gettext_lazy("Recorded the union's view."),
    items.EMPLOYER: gettext_lazy("Recorded the employer's view."),
}


def _place(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.workplaces(), slug=slug)


def _deployment(request: HttpRequest, place: Organisation) -> Deployment | None:
    pk = request.GET.get("deployment") or ""
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(Deployment.objects.select_related("tool"), pk=int(pk), workplace=place)


def _agreement_url(place: Organisation, deployment: Deployment | None) -> str:
    url = reverse("governance:agreement", args=[place.slug])
    return f"{url}?deployment={deployment.pk}" if deployment else url


@permission_required("view_register")
def workplace(request: HttpRequest, slug: str) -> HttpResponse:
    """A workplace's AI agreements, what each deployment is declared to do, and the red flags."""
    place = _place(slug)
    today = timezone.localdate()
    deployments = []
    for deployment in (
        Deployment.objects.filter(workplace=place).select_related("tool").order_by("tool__name")
    ):
        record = DeploymentRecord.objects.filter(deployment=deployment).first()
        deployments.append(
            {
                "deployment": deployment,
                "active": deployment.is_active_on(today),
                "uses": [
                    items.label(items.INTENDED_USES, u) for u in (record.intended_uses if record else [])
                ],
                "eu_flags": eu_ai_act_flags(record.intended_uses if record else []),
                "agreement_url": _agreement_url(place, deployment),
                "version": deployment.tool.version_on(today),
            }
        )
    overdue = [a for a in Agreement.objects.filter(workplace=place) if a.review_overdue(today)]
    return render(
        request,
        "governance/workplace.html",
        {
            "workplace": place,
            "deployments": deployments,
            "whole_url": _agreement_url(place, None),
            "red_flags": flags_for_workplace(place, today),
            "overdue": overdue,
            "may_record": can(request.user, "edit_deployments", place),
        },
    )


@permission_required("view_register")
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    """The 18 items of the agreement, with the union's and the employer's view side by side."""
    place = _place(slug)
    deployment = _deployment(request, place)
    found = Agreement.objects.filter(workplace=place, deployment=deployment).first()
    positions = positions_of(found)
    differ = disagreements({i: {s: p.status for s, p in sides.items()} for i, sides in positions.items()})
    query = f"?deployment={deployment.pk}" if deployment else ""
    may = {side: can(request.user, action, place) for side, action in SIDE_ACTIONS.items()}
    rows = [
        {
            "code": code,
            "label": label,
            "union": positions.get(code, {}).get(items.UNION),
            "employer": positions.get(code, {}).get(items.EMPLOYER),
            "differ": code in differ,
            "urls": {
                side: reverse("governance:position", args=[place.slug, code, side]) + query
                for side, allowed in may.items()
                if allowed
            },
        }
        for code, label in items.AGREEMENT_ITEMS
    ]
    today = timezone.localdate()
    return render(
        request,
        "governance/agreement.html",
        {
            "workplace": place,
            "deployment": deployment,
            "agreement": found,
            "rows": rows,
            "disagreements": len(differ),
            "overdue": found is not None and found.review_overdue(today),
            "may_review": any(may.values()),
            "review_url": reverse("governance:review", args=[place.slug]) + query,
        },
    )


@permission_required("view_register")
def position(request: HttpRequest, slug: str, item: str, side: str) -> HttpResponse:
    """One side records its view of one item."""
    place = _place(slug)
    if item not in items.AGREEMENT_CODES or side not in SIDE_ACTIONS:
        raise Http404
    require(request.user, SIDE_ACTIONS[side], place)
    deployment = _deployment(request, place)
    found = Agreement.objects.filter(workplace=place, deployment=deployment).first()
    current = Position.objects.filter(agreement=found, item=item, side=side).first() if found else None
    initial = (
        {f: getattr(current, f) for f in PositionForm.base_fields}
        if current
        else {"decided_on": timezone.localdate()}
    )
    back = _agreement_url(place, deployment)
    return handle_form(
        request,
        PositionForm(posted(request), initial=initial),
        lambda values: actions.record_position(request.user, place, deployment, item, side, values),
        template="governance/position_form.html",
        context={
            "workplace": place,
            "deployment": deployment,
            "item_label": items.label(items.AGREEMENT_ITEMS, item),
            "side_label": SIDE_TITLES[side],
            "back": back,
        },
        done=lambda saved: (str(SIDE_DONE[side]), back),
    )


@permission_required("view_register")
def review(request: HttpRequest, slug: str) -> HttpResponse:
    place = _place(slug)
    if not any(can(request.user, action, place) for action in SIDE_ACTIONS.values()):
        require(request.user, "record_union_view", place)
    deployment = _deployment(request, place)
    found = Agreement.objects.filter(workplace=place, deployment=deployment).first()
    back = _agreement_url(place, deployment)
    return handle_form(
        request,
        ReviewForm(posted(request), initial={"review_due": found.review_due if found else None}),
        lambda values: actions.set_review_due(request.user, place, deployment, values),
        template="governance/review_form.html",
        context={"workplace": place, "deployment": deployment, "back": back},
        done=lambda saved: (_("Saved the review date."), back),
    )


# Tool versions --------------------------------------------------------------------------------------------


def _version(slug: str, pk: int) -> ToolVersion:
    return get_object_or_404(ToolVersion.objects.select_related("tool__supplier"), tool__slug=slug, pk=pk)


@permission_required("view_register")
def version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A tool version's DfE product safety standards and its data-practice profile."""
    found = _version(slug, pk)
    pupil_facing = "pupils" in (found.tool.audiences or [])
    assessments = {a.expectation: a for a in SafetyAssessment.objects.filter(version=found)}
    rows = [
        {"expectation": e, "assessment": assessments.get(e.code)}
        for e in items.expectations_for(pupil_facing)
    ]
    practice = DataPractice.objects.filter(version=found).first()
    rating, reasons = data_rating(practice.answers() if practice else {})
    return render(
        request,
        "governance/version.html",
        {
            "version": found,
            "tool": found.tool,
            "pupil_facing": pupil_facing,
            "rows": rows,
            "practice": practice,
            "practice_rows": [
                (label, getattr(practice, f"get_{code}_display")()) for code, label in items.PRACTICES
            ]
            if practice
            else [],
            "rating": items.label(items.RATINGS, rating),
            "rating_code": rating,
            "reasons": reasons,
            "may_assess": can(request.user, "assess_tools"),
        },
    )


@permission_required("assess_tools")
def safety(request: HttpRequest, slug: str, pk: int, code: str) -> HttpResponse:
    found = _version(slug, pk)
    expectation = next((e for e in items.EXPECTATIONS if e.code == code), None)
    if expectation is None:
        raise Http404
    current = SafetyAssessment.objects.filter(version=found, expectation=code).first()
    initial = (
        {f: getattr(current, f) for f in SafetyForm.base_fields} if current else {"status": items.UNKNOWN}
    )
    back = reverse("governance:version", args=[slug, pk])
    return handle_form(
        request,
        SafetyForm(posted(request), initial=initial),
        lambda values: actions.record_safety(request.user, found, code, values),
        template="governance/safety_form.html",
        context={"version": found, "expectation": expectation, "back": back},
        done=lambda saved: (_("Saved the assessment."), back),
    )


@permission_required("assess_tools")
def data_practice(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _version(slug, pk)
    current = DataPractice.objects.filter(version=found).first()
    initial: dict[str, Any] = (
        {f: getattr(current, f) for f in DataPracticeForm.base_fields} if current else {}
    )
    back = reverse("governance:version", args=[slug, pk])
    return handle_form(
        request,
        DataPracticeForm(posted(request), initial=initial),
        lambda values: actions.save_data_practice(request.user, found, values),
        template="governance/data_practice_form.html",
        context={"version": found, "back": back},
        done=lambda saved: (_("Saved the data practices."), back),
    )


# Deployments ----------------------------------------------------------------------------------------------


@permission_required("view_register")
def deployment_record(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Deployment.objects.select_related("tool", "workplace"), pk=pk)
    require(request.user, "edit_deployments", found)
    current = DeploymentRecord.objects.filter(deployment=found).first()
    initial = {f: getattr(current, f) for f in DeploymentRecordForm.base_fields} if current else {}
    back = reverse("governance:workplace", args=[found.workplace.slug])
    return handle_form(
        request,
        DeploymentRecordForm(posted(request), initial=initial),
        lambda values: actions.save_deployment_record(request.user, found, values),
        template="governance/deployment_record_form.html",
        context={"deployment": found, "back": back},
        done=lambda saved: (_("Saved what %(tool)s is used for.") % {"tool": found.tool.name}, back),
    )


@permission_required("view_register")
def atrs(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The deployment's ATRS v3 record as a JSON or CSV download."""
    found = get_object_or_404(Deployment.objects.select_related("tool__supplier", "workplace"), pk=pk)
    if fmt not in ("json", "csv"):
        raise Http404
    name = f"atrs-{found.workplace.slug}-{found.tool.slug}"
    if fmt == "json":
        response = HttpResponse(atrs_json(found), content_type="application/json")
    else:
        response = HttpResponse(atrs_csv(found), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
