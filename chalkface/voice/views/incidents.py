"""Incident and concern reports for the people who may see them: the list, one report and its triage,
the export, and a report a rep enters for a colleague."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chalkface.accounts.requests import AuthenticatedRequest
from chalkface.voice import access as perms
from chalkface.voice import actions, exports
from chalkface.voice.entry import Access
from chalkface.voice.errors import CampaignClosed, VoiceError
from chalkface.voice.forms import IncidentForm
from chalkface.voice.models import Campaign, IncidentReport, IncidentStatus
from chalkface.voice.views.campaigns import campaign_for
from chalkface.voice.views.respondent import check_free_text, offered_for_form


def _incidents_for(request: AuthenticatedRequest, campaign: Campaign) -> Any:
    if not perms.can_see_incidents(request.user, campaign):
        raise PermissionDenied(_("The owner of this campaign has not shared its incident reports with you."))
    incidents = campaign.incidents.select_related("tool__supplier", "tool_version", "workplace")
    if not perms.can_manage(request.user, campaign) and perms.can_act(request.user, campaign):
        incidents = incidents.filter(workplace__in=perms.rep_workplaces(request.user, campaign))
    return incidents.order_by("-month", "category")


@login_required
def incidents(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    rows = _incidents_for(request, campaign)
    status = request.GET.get("status", "")
    if status in IncidentStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "voice/incidents.html",
        {"campaign": campaign, "incidents": rows, "statuses": IncidentStatus.choices, "status": status},
    )


@login_required
def incidents_export(request: AuthenticatedRequest, slug: str) -> JsonResponse:
    campaign = campaign_for(request, slug)
    rows = list(_incidents_for(request, campaign))
    response = JsonResponse(
        exports.incidents_json(rows), safe=False, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response.headers["Content-Disposition"] = f'attachment; filename="incidents-{campaign.slug}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: AuthenticatedRequest, pk: str) -> HttpResponse:
    incident = get_object_or_404(
        IncidentReport.objects.select_related("campaign", "tool", "tool_version", "workplace"), pk=pk
    )
    if incident.campaign is None:
        raise Http404
    campaign = campaign_for(request, incident.campaign.slug)
    if not _incidents_for(request, campaign).filter(pk=incident.pk).exists():
        raise Http404
    may_triage = perms.can_act(request.user, campaign)
    error = ""
    if request.method == "POST":
        if not may_triage:
            raise PermissionDenied(_("Only the people who run this campaign, or its reps, can do that."))
        try:
            actions.set_incident_status(request.user, incident, request.POST.get("status", ""))
        except VoiceError as exc:
            error = str(exc)
        else:
            return redirect(incident)
    return render(
        request,
        "voice/incident_detail.html",
        {
            "incident": incident,
            "campaign": campaign,
            "may_triage": may_triage,
            "next_statuses": actions.allowed_statuses(incident) if may_triage else [],
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rep_report(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A rep enters an incident report for a colleague who would rather not use a code themselves."""
    campaign = campaign_for(request, slug)
    perms.require_act(request.user, campaign)
    workplaces = perms.rep_workplaces(request.user, campaign)
    workplace_id = request.POST.get("workplace") or request.GET.get("workplace")
    workplace = (
        get_object_or_404(workplaces, pk=workplace_id)
        if workplace_id
        else workplaces.order_by("name").first()
    )
    if workplace is None:
        raise Http404
    tools = offered_for_form(campaign, workplace, timezone.localdate())
    form = IncidentForm(request.POST or None, tools=tools)
    findings: dict[str, Any] = {}
    status = 200
    refused = ""
    if request.method == "POST" and form.is_valid():
        entry = Access(campaign=campaign, workplace=workplace, source="rep")
        findings = check_free_text(request, form, entry)
        if not findings:
            try:
                actions.report_incident_for_someone(
                    request.user,
                    campaign,
                    workplace,
                    form.values(),
                    version_known=not form.cleaned_data.get("version_unknown"),
                )
            except CampaignClosed as exc:
                # Said above the form, which keeps what the rep typed so that it is not lost.
                refused = _("The report was not saved because the campaign is closed. %(reason)s") % {
                    "reason": exc
                }
                status = 410
            else:
                return redirect("voice:incidents", slug=campaign.slug)
    return render(
        request,
        "voice/rep_report.html",
        {
            "campaign": campaign,
            "form": form,
            "workplace": workplace,
            "workplaces": workplaces,
            "findings": findings,
            "refused": refused,
        },
        status=status,
    )
