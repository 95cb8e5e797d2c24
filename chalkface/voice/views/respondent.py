"""Respondent pages: entering a code or opening a link, answering, and the thank-you page.

They need no account and set no cookie: they are exempt from CSRF (there is no session or other ambient
authority to protect), never cached, and take their language from a ``lang`` parameter carried in the form.
Access codes travel only in POST bodies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkface import redaction
from chalkface.register.models import Tool
from chalkface.voice import actions, caches, ratelimit
from chalkface.voice.entry import Access, check_code, find_code
from chalkface.voice.errors import CampaignClosed, CodeRejected
from chalkface.voice.forms import CheckinForm, CodeForm, IncidentForm
from chalkface.voice.models import Campaign, OpenLink
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


def offered_for_form(
    campaign: Campaign, workplace: Organisation, day: dt.date
) -> list[tuple[Tool, str | None]]:
    """The campaign's tools in use at the workplace today (all of its tools if none is recorded)."""
    return [(t, v.label if v else None) for t, v in caches.offered_tools(campaign, workplace, day)[1]]


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
        refused = ratelimit.codes_refused(campaign.slug)
        if refused is not None:
            return _too_many(request, refused.seconds_left())
        try:
            entry = check_code(campaign, form.cleaned_data["code"])
        except CodeRejected as exc:
            ratelimit.code_failed(campaign.slug)
            form.add_error("code", str(exc))
        else:
            kind = "incident" if request.POST.get("next") == "incident" else "checkin"
            return _show_form(request, entry, kind, _code_url(campaign, kind))
    return render(request, "voice/start.html", {"campaign": campaign, "form": form, "lang": _lang()})


def _show_form(
    request: HttpRequest,
    entry: Access,
    kind: str,
    action_url: str,
    *,
    form: CheckinForm | IncidentForm | None = None,
    findings: dict[str, Any] | None = None,
    status: int = 200,
    retry_after: int = 0,
) -> HttpResponse:
    day = timezone.localdate()
    tools = offered_for_form(entry.campaign, entry.workplace, day)
    if form is None:
        form = (
            IncidentForm(tools=tools)
            if kind == "incident"
            else caches.checkin_form(None, entry.campaign, tools)
        )
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


def check_free_text(
    request: HttpRequest,
    form: CheckinForm | IncidentForm,
    entry: Access,
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
        spans = redaction.find(text, workplace_names=names, allow=allow)
        if not spans:
            continue
        if redacting:
            form.cleaned_data[field] = redaction.redact(text, spans)
        else:
            findings[field] = {
                "segments": redaction.segments(text, spans),
                "redacted": redaction.redact(text, spans),
                "kinds": sorted({s.kind for s in spans}),
            }
    return findings


def _code_url(campaign: Campaign, kind: str) -> str:
    return reverse("voice:code_report" if kind == "incident" else "voice:code_checkin", args=[campaign.slug])


def _submit(request: HttpRequest, entry: Access, kind: str, action_url: str) -> HttpResponse:
    day = timezone.localdate()
    campaign_tools, in_use = caches.offered_tools(entry.campaign, entry.workplace, day)
    tools = [(t, v.label if v else None) for t, v in in_use]
    form: CheckinForm | IncidentForm
    if kind == "incident":
        form = IncidentForm(request.POST, tools=tools)
    else:
        form = caches.checkin_form(request.POST, entry.campaign, tools)
    if not form.is_valid():
        return _show_form(request, entry, kind, action_url, form=form, status=400)
    findings = check_free_text(request, form, entry, allow=[t.name for t in campaign_tools])
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
            caches.remember_answered(entry.campaign.question_set_version_id, form.questions)
    except CampaignClosed:
        return _closed(request, entry.campaign)
    except CodeRejected as exc:
        form.add_error(None, str(exc))
        return _show_form(request, entry, kind, action_url, form=form, status=409)
    # Once enough have come in, this campaign's waiting submissions join the results together, shuffled.
    actions.mix_due(campaign_id=entry.campaign.pk)
    return redirect(f"{reverse('voice:thanks')}?lang={_lang()}&kind={kind}")


def _code_entry(request: HttpRequest, slug: str) -> Access | HttpResponse:
    refused = ratelimit.codes_refused(slug)
    if refused is not None:
        return _too_many(request, refused.seconds_left())
    found = find_code(slug, request.POST.get("code", ""))
    if found is not None and _campaign_open(found.campaign):
        return found  # the usual case, in one query; otherwise find out what is wrong, step by step
    campaign = get_object_or_404(Campaign.objects.select_related("question_set_version"), slug=slug)
    if not _campaign_open(campaign):
        return _closed(request, campaign)
    try:
        return check_code(campaign, request.POST.get("code", ""))
    except CodeRejected as exc:
        ratelimit.code_failed(slug)
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
    entry = Access(campaign=link.campaign, workplace=link.workplace, source="open_link")
    url = reverse("voice:open_report" if kind == "incident" else "voice:open_checkin", args=[link.token])
    if request.method != "POST":
        return _show_form(request, entry, kind, url)
    refused = ratelimit.open_link_refused(link.pk, link.per_hour)
    if refused is not None:
        retry_after = refused.seconds_left()
        # A kind 429 page that keeps everything typed, so it can be sent again later.
        tools = offered_for_form(entry.campaign, entry.workplace, timezone.localdate())
        form: CheckinForm | IncidentForm
        if kind == "incident":
            form = IncidentForm(request.POST, tools=tools)
        else:
            form = caches.checkin_form(request.POST, entry.campaign, tools)
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
