"""Campaign pages for the people who run a campaign and its reps: the list, starting and changing a
campaign, sharing, access codes and open links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chalkface.accounts.requests import AuthenticatedRequest
from chalkface.voice import access as perms
from chalkface.voice import actions, sheets
from chalkface.voice.errors import VoiceError
from chalkface.voice.forms import CampaignEditForm, CampaignForm, CodeBatchForm, OpenLinkForm, SharingForm
from chalkface.voice.models import Campaign, CodeBatch, OpenLink, Share
from chalkface.web.pages import handle_form, posted


def campaign_for(request: AuthenticatedRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("owner", "question_set_version__question_set"), slug=slug
    )
    if not perms.visible_campaigns(request.user).filter(pk=campaign.pk).exists():
        raise Http404
    return campaign


@login_required
def campaigns(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "voice/campaigns.html",
        {
            "campaigns": perms.visible_campaigns(request.user),
            "can_create": perms.owner_choices(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    owners = perms.owner_choices(request.user)
    if not owners.exists():
        raise PermissionDenied(_("Union officers, employer leads and administrators can start campaigns."))
    form = CampaignForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "name_cy": data["name_cy"],
            "owner": data["owner"],
            "question_set_version": data["question_set_version"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "threshold": data["threshold"],
        }
        shares = {Share.RESULTS: list(data["share_results"]), Share.INCIDENTS: list(data["share_incidents"])}
        try:
            campaign = actions.create_campaign(
                request.user, values, list(data["workplaces"]), list(data["tools"]), shares
            )
        except VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(campaign)
    return render(request, "voice/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Change a campaign's name, dates, threshold (never below 5) and scope."""
    campaign = campaign_for(request, slug)
    perms.require_manage(request.user, campaign)
    initial = {
        "name": campaign.name,
        "name_cy": campaign.name_cy,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "threshold": campaign.threshold,
        "workplaces": list(campaign.workplaces.values_list("pk", flat=True)),
        "tools": list(campaign.tools.values_list("pk", flat=True)),
    }
    return handle_form(
        request,
        CampaignEditForm(posted(request), initial=initial),
        lambda data: actions.edit_campaign(
            request.user,
            campaign,
            {name: data[name] for name in actions.EDITABLE_CAMPAIGN_FIELDS},
            list(data["workplaces"]),
            list(data["tools"]),
        ),
        template="voice/campaign_edit.html",
        context={"campaign": campaign},
        done=lambda saved: (_("The campaign has been changed."), saved.get_absolute_url()),
        invalid_status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_sharing(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Choose which other organisations see the campaign's results, comments and incident reports."""
    campaign = campaign_for(request, slug)
    perms.require_manage(request.user, campaign)
    form = SharingForm(posted(request), campaign=campaign)
    return handle_form(
        request,
        form,
        lambda _data: actions.set_shares(request.user, campaign, form.shares()),
        template="voice/campaign_sharing.html",
        context={"campaign": campaign},
        done=lambda saved: (_("Sharing has been changed."), saved.get_absolute_url()),
        invalid_status=400,
    )


@login_required
def campaign_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    workplaces = perms.rep_workplaces(request.user, campaign)
    counts = dict(
        campaign.responses.filter(workplace__in=workplaces).values_list("workplace").annotate(n=Count("pk"))
    )
    rows = [
        {"workplace": w, "responses": counts.get(w.pk, 0), "shown": counts.get(w.pk, 0) >= campaign.threshold}
        for w in workplaces.order_by("name")
    ]
    context = {
        "campaign": campaign,
        "status": campaign.status_on(timezone.localdate()),
        "rows": rows,
        "can_manage": perms.can_manage(request.user, campaign),
        "can_act": perms.can_act(request.user, campaign),
        "can_see_incidents": perms.can_see_incidents(request.user, campaign),
        # who may read its conversations (the rule of chalkface.conversations.views.can_read_report)
        "can_read_conversations": perms.can_manage(request.user, campaign)
        or perms.shared_with(request.user, campaign, Share.RESULTS),
        "batches": CodeBatch.objects.filter(campaign=campaign, workplace__in=workplaces).select_related(
            "workplace"
        ),
        "links": OpenLink.objects.filter(campaign=campaign, workplace__in=workplaces).select_related(
            "workplace"
        ),
        "code_form": CodeBatchForm(campaign=campaign, workplaces=workplaces),
        # Its own ids: the codes form above it has a workplace field too.
        "link_form": OpenLinkForm(workplaces=workplaces, auto_id="link_%s"),
        "start_url": request.build_absolute_uri(reverse("voice:start", args=[campaign.slug])),
    }
    return render(request, "voice/campaign_detail.html", context)


@login_required
@require_POST
def codes_generate(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Make a batch and return its printable sheet at once: the codes are never shown again."""
    campaign = campaign_for(request, slug)
    perms.require_act(request.user, campaign)
    form = CodeBatchForm(
        request.POST, campaign=campaign, workplaces=perms.rep_workplaces(request.user, campaign)
    )
    if not form.is_valid():
        return render(request, "voice/codes_form.html", {"campaign": campaign, "form": form}, status=400)
    data = form.cleaned_data
    try:
        batch, plain = actions.generate_codes(
            request.user, campaign, data["workplace"], data["count"], data["expires_on"]
        )
    except VoiceError as exc:
        form.add_error(None, str(exc))
        return render(request, "voice/codes_form.html", {"campaign": campaign, "form": form}, status=400)
    start_url = request.build_absolute_uri(reverse("voice:start", args=[campaign.slug]))
    if data["output"] == "pdf":
        response = HttpResponse(sheets.pdf(batch, plain, start_url), content_type="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="access-codes-{campaign.slug}-{batch.pk}.pdf"'
        )
    else:
        response = HttpResponse(sheets.html(batch, plain, start_url))
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def batch_revoke(request: AuthenticatedRequest, slug: str, batch_id: int) -> HttpResponse:
    campaign = campaign_for(request, slug)
    batch = get_object_or_404(
        CodeBatch, pk=batch_id, campaign=campaign, workplace__in=perms.rep_workplaces(request.user, campaign)
    )
    actions.revoke_batch(request.user, batch)
    return redirect(campaign)


@login_required
@require_POST
def link_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    perms.require_act(request.user, campaign)
    form = OpenLinkForm(request.POST, workplaces=perms.rep_workplaces(request.user, campaign))
    if form.is_valid():
        try:
            actions.create_open_link(
                request.user, campaign, form.cleaned_data["workplace"], form.cleaned_data["per_hour"]
            )
        except VoiceError as exc:
            messages.error(request, str(exc))
    return redirect(campaign)


@login_required
@require_POST
def link_close(request: AuthenticatedRequest, slug: str, link_id: int) -> HttpResponse:
    campaign = campaign_for(request, slug)
    link = get_object_or_404(
        OpenLink, pk=link_id, campaign=campaign, workplace__in=perms.rep_workplaces(request.user, campaign)
    )
    actions.close_open_link(request.user, link)
    return redirect(campaign)
