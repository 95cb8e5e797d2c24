"""Views: thin wrappers that validate input and call :mod:`chalkface.voice.actions`.

Respondent pages (check-in, incident report, thanks) need no account and set no cookie: they are exempt
from CSRF (there is no session or other ambient authority to protect), never cached, and take their
language from a ``lang`` parameter carried in the form. Access codes travel only in POST bodies.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkface.register.models import Tool
from chalkface.voice import access as perms
from chalkface.voice import actions, exports, protect, ratelimit, sheets
from chalkface.voice.forms import (
    CampaignEditForm,
    CampaignForm,
    CheckinForm,
    CodeBatchForm,
    CodeForm,
    ImportForm,
    IncidentForm,
    OpenLinkForm,
    SharingForm,
    question_fields,
)
from chalkface.voice.models import (
    Campaign,
    CodeBatch,
    IncidentReport,
    IncidentStatus,
    OpenLink,
    Question,
    Share,
)
from chalkface.workplaces.models import Organisation

View = Callable[..., HttpResponse]
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# --- Respondent pages -------------------------------------------------------------------------------------


def respondent_page(view: View) -> View:
    """No cookie, no cache, no CSRF token; language from ``lang`` in the form or the address."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lang = request.POST.get("lang") or request.GET.get("lang") or ""
        if lang in LANGUAGE_CODES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return csrf_exempt(never_cache(wrapped))


def _lang() -> str:
    return "cy" if (translation.get_language() or "").startswith("cy") else "en-gb"


def _tools(campaign: Campaign, workplace: Organisation, day: dt.date) -> list[tuple[Tool, str | None]]:
    """The campaign's tools in use at the workplace today (all of its tools if none is recorded)."""
    return [(t, v.label if v else None) for t, v in actions.offered_tools(campaign, workplace, day)[1]]


def _campaign_open(campaign: Campaign) -> bool:
    return campaign.is_open_on(timezone.localdate())


def _closed(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return render(request, "voice/closed.html", {"campaign": campaign, "lang": _lang()}, status=410)


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "voice/rate_limited.html",
        {"lang": _lang(), "minutes": max(1, retry_after // 60)},
        status=429,
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


@respondent_page
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Enter an access code, then choose a check-in or an incident report."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if not _campaign_open(campaign):
        return _closed(request, campaign)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ratelimit.over(f"codes:{campaign.pk}", ratelimit.failed_codes_per_hour(), 3600):
            return _too_many(request, 3600)
        try:
            entry = actions.check_code(campaign, form.cleaned_data["code"])
        except actions.CodeRejected as exc:
            ratelimit.hit(f"codes:{campaign.pk}", ratelimit.failed_codes_per_hour(), 3600)
            form.add_error("code", str(exc))
        else:
            kind = "incident" if request.POST.get("next") == "incident" else "checkin"
            return _show_form(request, entry, kind, _code_url(campaign, kind))
    return render(request, "voice/start.html", {"campaign": campaign, "form": form, "lang": _lang()})


def _show_form(
    request: HttpRequest,
    entry: actions.Access,
    kind: str,
    action_url: str,
    *,
    form: CheckinForm | IncidentForm | None = None,
    findings: dict[str, Any] | None = None,
    status: int = 200,
    retry_after: int = 0,
) -> HttpResponse:
    day = timezone.localdate()
    tools = _tools(entry.campaign, entry.workplace, day)
    if form is None:
        form = IncidentForm(tools=tools) if kind == "incident" else _checkin_form(None, entry.campaign, tools)
    context = {
        "campaign": entry.campaign,
        "workplace": entry.workplace,
        "form": form,
        "action": action_url,
        "code": entry.code,
        "lower_trust": entry.lower_trust,
        "findings": findings or {},
        "lang": _lang(),
        "kind": kind,
        "retry_minutes": max(1, retry_after // 60) if retry_after else 0,
    }
    template = "voice/incident_form.html" if kind == "incident" else "voice/checkin_form.html"
    response = render(request, template, context, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _protect(
    request: HttpRequest,
    form: CheckinForm | IncidentForm,
    entry: actions.Access,
    allow: list[str] | None = None,
) -> dict[str, Any]:
    """Check free text for what could identify someone (``allow``: the campaign's tool names, if known).

    Returns the findings to show (empty when the text is clean or the respondent accepted redaction,
    in which case the form's cleaned data now holds the redacted text).
    """
    texts = {field: form.cleaned_data.get(field) or "" for field in form.text_fields()}
    if not any(texts.values()):
        return {}
    names = [entry.workplace.name, *(o.name for o in entry.workplace.ancestors())]
    if allow is None:
        allow = list(entry.campaign.tools.values_list("name", flat=True))
    findings: dict[str, Any] = {}
    redacting = request.POST.get("protect") == "redact"
    for field, text in texts.items():
        spans = protect.find(text, workplace_names=names, allow=allow)
        if not spans:
            continue
        if redacting:
            form.cleaned_data[field] = protect.redact(text, spans)
        else:
            findings[field] = {
                "segments": protect.segments(text, spans),
                "redacted": protect.redact(text, spans),
                "kinds": sorted({s.kind for s in spans}),
            }
    return findings


def _code_url(campaign: Campaign, kind: str) -> str:
    return reverse("voice:code_report" if kind == "incident" else "voice:code_checkin", args=[campaign.slug])


def _submit(request: HttpRequest, entry: actions.Access, kind: str, action_url: str) -> HttpResponse:
    day = timezone.localdate()
    campaign_tools, in_use = actions.offered_tools(entry.campaign, entry.workplace, day)
    tools = [(t, v.label if v else None) for t, v in in_use]
    form: CheckinForm | IncidentForm
    if kind == "incident":
        form = IncidentForm(request.POST, tools=tools)
    else:
        form = _checkin_form(request.POST, entry.campaign, tools)
    if not form.is_valid():
        return _show_form(request, entry, kind, action_url, form=form, status=400)
    findings = _protect(request, form, entry, allow=[t.name for t in campaign_tools])
    if findings:
        return _show_form(request, entry, kind, action_url, form=form, findings=findings)
    try:
        version_known = not form.cleaned_data.get("version_unknown")
        if isinstance(form, IncidentForm):
            actions.submit_incident(entry, values=form.values(), version_known=version_known)
        else:
            tool = form.chosen_tool()
            live = dict((t.pk, v) for t, v in in_use)
            actions.submit_checkin(
                entry,
                tool=tool,
                answers=form.answers(),
                version_known=version_known,
                day=day,
                live_version=live[tool.pk],
            )
            # The version now has answers, so it is never edited again (edits make a new version).
            _ANSWERED_QUESTIONS[entry.campaign.question_set_version_id] = form.questions
    except actions.CampaignClosed:
        return _closed(request, entry.campaign)
    except actions.CodeRejected as exc:
        form.add_error(None, str(exc))
        return _show_form(request, entry, kind, action_url, form=form, status=409)
    return redirect(f"{reverse('voice:thanks')}?lang={_lang()}&kind={kind}")


# Questions of versions that have answers: those are never edited again (``actions.edit_question_set`` makes
# a new version), so each process keeps them, and the form fields that ask them (one set per language: the
# labels are translated when a field is made). Any change to a question in this process empties both. A
# version that has no answers yet may still be edited elsewhere, so it is read afresh on every request.
_ANSWERED_QUESTIONS: dict[int, list[Question]] = {}
_ANSWERED_FIELDS: dict[tuple[int, str], dict[str, forms.Field]] = {}


@receiver([post_save, post_delete], sender=Question, dispatch_uid="voice.forget_answered_questions")
def _forget_questions(**kwargs: Any) -> None:
    _ANSWERED_QUESTIONS.clear()
    _ANSWERED_FIELDS.clear()


def _checkin_form(data: Any, campaign: Campaign, tools: list[tuple[Tool, str | None]]) -> CheckinForm:
    """The check-in form, with the question fields of an answered version built once per process."""
    version_id = campaign.question_set_version_id
    questions = _ANSWERED_QUESTIONS.get(version_id)
    if questions is None:
        return CheckinForm(data, questions=campaign.question_set_version.ordered_questions(), tools=tools)
    key = (version_id, translation.get_language() or settings.LANGUAGE_CODE)
    fields = _ANSWERED_FIELDS.get(key)
    if fields is None:
        fields = _ANSWERED_FIELDS[key] = question_fields(questions)
    return CheckinForm(data, questions=questions, tools=tools, fields=fields)


def _code_entry(request: HttpRequest, slug: str) -> actions.Access | HttpResponse:
    found = actions.find_code(slug, request.POST.get("code", ""))
    if found is not None and _campaign_open(found.campaign):
        return found  # the usual case, in one query; otherwise find out what is wrong, step by step
    campaign = get_object_or_404(Campaign.objects.select_related("question_set_version"), slug=slug)
    if not _campaign_open(campaign):
        return _closed(request, campaign)
    try:
        return actions.check_code(campaign, request.POST.get("code", ""))
    except actions.CodeRejected as exc:
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_error("code", str(exc))
        return render(
            request, "voice/start.html", {"campaign": campaign, "form": form, "lang": _lang()}, status=409
        )


@respondent_page
@require_POST
def code_checkin(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _code_entry(request, slug)
    if isinstance(entry, HttpResponse):
        return entry
    # The form posts back to this address (``_code_url`` of the campaign, found by this slug).
    return _submit(request, entry, "checkin", request.path)


@respondent_page
@require_POST
def code_report(request: HttpRequest, slug: str) -> HttpResponse:
    entry = _code_entry(request, slug)
    if isinstance(entry, HttpResponse):
        return entry
    return _submit(request, entry, "incident", request.path)


def _open_link(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    link = (
        OpenLink.objects.select_related("campaign__question_set_version", "workplace")
        .filter(token=token)
        .first()
    )
    if link is None or not link.active:
        raise Http404(_("This link is not in use any more."))
    if not _campaign_open(link.campaign):
        return _closed(request, link.campaign)
    entry = actions.Access(campaign=link.campaign, workplace=link.workplace, source="open_link")
    url = reverse("voice:open_report" if kind == "incident" else "voice:open_checkin", args=[link.token])
    if request.method != "POST":
        return _show_form(request, entry, kind, url)
    retry_after = 0
    if not ratelimit.hit(f"link:{link.pk}", link.per_hour, 3600):
        retry_after = 3600
    elif not ratelimit.hit("open:global", ratelimit.global_open_per_minute(), 60):
        retry_after = 60
    if retry_after:
        # A kind 429 page that keeps everything typed, so it can be sent again later.
        tools = _tools(entry.campaign, entry.workplace, timezone.localdate())
        form: CheckinForm | IncidentForm
        if kind == "incident":
            form = IncidentForm(request.POST, tools=tools)
        else:
            form = _checkin_form(request.POST, entry.campaign, tools)
        form.is_valid()
        return _show_form(request, entry, kind, url, form=form, status=429, retry_after=retry_after)
    return _submit(request, entry, kind, url)


@respondent_page
@require_http_methods(["GET", "POST"])
def open_checkin(request: HttpRequest, token: str) -> HttpResponse:
    return _open_link(request, token, "checkin")


@respondent_page
@require_http_methods(["GET", "POST"])
def open_report(request: HttpRequest, token: str) -> HttpResponse:
    return _open_link(request, token, "incident")


@respondent_page
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    kind = "incident" if request.GET.get("kind") == "incident" else "checkin"
    return render(request, "voice/thanks.html", {"kind": kind, "lang": _lang()})


# --- Campaign owners and reps ---------------------------------------------------------------------------


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("owner", "question_set_version__question_set"), slug=slug
    )
    if not perms.visible_campaigns(request.user).filter(pk=campaign.pk).exists():
        raise Http404
    return campaign


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
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
def campaign_create(request: HttpRequest) -> HttpResponse:
    owners = perms.owner_choices(request.user)
    if not owners.exists():
        raise PermissionDenied(_("Union officers, employer leads and administrators can start campaigns."))
    form = CampaignForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "slug": _free_slug(data["name"]),
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
            )  # type: ignore[arg-type]
        except actions.VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(campaign)
    return render(request, "voice/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a campaign's name, dates, threshold (never below 5) and scope."""
    campaign = _campaign(request, slug)
    perms.require_manage(request.user, campaign)
    initial = {
        "name": campaign.name,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "threshold": campaign.threshold,
        "workplaces": list(campaign.workplaces.values_list("pk", flat=True)),
        "tools": list(campaign.tools.values_list("pk", flat=True)),
    }
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in actions.EDITABLE_CAMPAIGN_FIELDS}
        try:
            actions.edit_campaign(
                request.user,  # type: ignore[arg-type]
                campaign,
                values,
                list(data["workplaces"]),
                list(data["tools"]),
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        except actions.VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The campaign has been changed."))
            return redirect(campaign)
    return render(
        request,
        "voice/campaign_edit.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_sharing(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose which other organisations see the campaign's results, comments and incident reports."""
    campaign = _campaign(request, slug)
    perms.require_manage(request.user, campaign)
    form = SharingForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        actions.set_shares(request.user, campaign, form.shares())  # type: ignore[arg-type]
        messages.success(request, _("Sharing has been changed."))
        return redirect(campaign)
    return render(
        request,
        "voice/campaign_sharing.html",
        {"campaign": campaign, "form": form},
        status=400 if form.errors else 200,
    )


def _free_slug(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:70] or "campaign"
    slug, n = base, 2
    while Campaign.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@login_required
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
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
        "rows": rows,
        "can_manage": perms.can_manage(request.user, campaign),
        "can_act": perms.can_act(request.user, campaign),
        "can_see_incidents": perms.can_see_incidents(request.user, campaign),
        "batches": CodeBatch.objects.filter(campaign=campaign, workplace__in=workplaces).select_related(
            "workplace"
        ),
        "links": OpenLink.objects.filter(campaign=campaign, workplace__in=workplaces).select_related(
            "workplace"
        ),
        "code_form": CodeBatchForm(campaign=campaign, workplaces=workplaces),
        "link_form": OpenLinkForm(workplaces=workplaces),
        "start_url": request.build_absolute_uri(reverse("voice:start", args=[campaign.slug])),
    }
    return render(request, "voice/campaign_detail.html", context)


@login_required
@require_POST
def codes_generate(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a batch and return its printable sheet at once: the codes are never shown again."""
    campaign = _campaign(request, slug)
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
        )  # type: ignore[arg-type]
    except actions.VoiceError as exc:
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
def batch_revoke(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    campaign = _campaign(request, slug)
    batch = get_object_or_404(
        CodeBatch, pk=batch_id, campaign=campaign, workplace__in=perms.rep_workplaces(request.user, campaign)
    )
    actions.revoke_batch(request.user, batch)  # type: ignore[arg-type]
    return redirect(campaign)


@login_required
@require_POST
def link_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    perms.require_act(request.user, campaign)
    form = OpenLinkForm(request.POST, workplaces=perms.rep_workplaces(request.user, campaign))
    if form.is_valid():
        actions.create_open_link(
            request.user, campaign, form.cleaned_data["workplace"], form.cleaned_data["per_hour"]
        )  # type: ignore[arg-type]
    return redirect(campaign)


@login_required
@require_POST
def link_close(request: HttpRequest, slug: str, link_id: int) -> HttpResponse:
    campaign = _campaign(request, slug)
    link = get_object_or_404(
        OpenLink, pk=link_id, campaign=campaign, workplace__in=perms.rep_workplaces(request.user, campaign)
    )
    actions.close_open_link(request.user, link)  # type: ignore[arg-type]
    return redirect(campaign)


def _incidents_for(request: HttpRequest, campaign: Campaign) -> Any:
    if not perms.can_see_incidents(request.user, campaign):
        raise PermissionDenied(_("The owner of this campaign has not shared its incident reports with you."))
    incidents = campaign.incidents.select_related("tool__supplier", "tool_version", "workplace")
    if not perms.can_manage(request.user, campaign) and perms.can_act(request.user, campaign):
        incidents = incidents.filter(workplace__in=perms.rep_workplaces(request.user, campaign))
    return incidents.order_by("-month", "category")


@login_required
def incidents(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
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
def incidents_export(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = _campaign(request, slug)
    rows = list(_incidents_for(request, campaign))
    response = JsonResponse(
        exports.incidents_json(rows), safe=False, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response.headers["Content-Disposition"] = f'attachment; filename="incidents-{campaign.slug}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, pk: str) -> HttpResponse:
    incident = get_object_or_404(
        IncidentReport.objects.select_related("campaign", "tool", "tool_version", "workplace"), pk=pk
    )
    if incident.campaign is None:
        raise Http404
    campaign = _campaign(request, incident.campaign.slug)
    if not _incidents_for(request, campaign).filter(pk=incident.pk).exists():
        raise Http404
    may_triage = perms.can_act(request.user, campaign)
    error = ""
    if request.method == "POST":
        if not may_triage:
            raise PermissionDenied(_("Only the people who run this campaign, or its reps, can do that."))
        try:
            actions.set_incident_status(request.user, incident, request.POST.get("status", ""))  # type: ignore[arg-type]
        except actions.VoiceError as exc:
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
def rep_report(request: HttpRequest, slug: str) -> HttpResponse:
    """A rep enters an incident report for a colleague who would rather not use a code themselves."""
    campaign = _campaign(request, slug)
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
    tools = _tools(campaign, workplace, timezone.localdate())
    form = IncidentForm(request.POST or None, tools=tools)
    findings: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        entry = actions.Access(campaign=campaign, workplace=workplace, source="rep")
        findings = _protect(request, form, entry)
        if not findings:
            actions.report_incident_for_someone(
                request.user,
                campaign,
                workplace,
                form.values(),
                version_known=not form.cleaned_data.get("version_unknown"),  # type: ignore[arg-type]
            )
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_responses(request: HttpRequest, slug: str) -> HttpResponse:
    """Import a CSV or XLSX export on the task worker; the owner follows it on the job page."""
    from chalkface.voice import importing

    campaign = _campaign(request, slug)
    perms.require_manage(request.user, campaign)
    form = ImportForm(request.POST or None, request.FILES or None)
    limit = importing.web_limit_bytes()
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > limit:
            error = _(
                "That file is %(size)s MB; files imported here can be up to %(limit)s MB. Split it, or "
                "use the command line: chalkface import responses."
            ) % {"size": f"{upload.size / 1_000_000:.1f}", "limit": limit // 1_000_000}
        else:
            try:
                mapping = json.loads(form.cleaned_data["mapping"].read().decode("utf-8"))
                if not isinstance(mapping, dict):
                    raise ValueError(_("The mapping must be a JSON object."))
                path = importing.save_upload(upload.chunks(), upload.name)
                job = importing.start_web_import(
                    request.user,  # type: ignore[arg-type]
                    campaign,
                    path,
                    upload.name,
                    mapping,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except UnicodeDecodeError:
                error = _("The mapping is not a UTF-8 text file.")
            except json.JSONDecodeError as exc:
                error = _("The mapping is not valid JSON: %(problem)s") % {"problem": exc}
            except (ValueError, importing.ImportRefused) as exc:
                error = str(exc)
            else:
                return redirect(job)
    return render(
        request,
        "voice/import.html",
        {"campaign": campaign, "form": form, "error": error, "limit_mb": limit // 1_000_000},
        status=400 if error else 200,
    )
