"""Pages of conversations: participants voting and adding statements; owners running and reading them.

Participant pages need no account. Coming in (with an access code, or through an open link) gives the
participant a random key kept in a signed cookie for this conversation's pages only, ending with the
browser session; the server keeps the key only with their votes. These pages never log, cache or refer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkface.conversations import actions, report
from chalkface.conversations.errors import ConversationError
from chalkface.conversations.forms import ConversationForm, ImportVotesForm, StatementForm
from chalkface.conversations.models import Conversation, Statement, StatementStatus, Vote
from chalkface.conversations.shown import ShownText
from chalkface.evidence.opinions.routing import StatementTally, next_statement
from chalkface.evidence.opinions.similar import most_similar
from chalkface.imports.errors import ImportRefused
from chalkface.voice import access as perms
from chalkface.voice import ratelimit
from chalkface.voice.entry import Access, check_code
from chalkface.voice.errors import CodeRejected
from chalkface.voice.forms import CodeForm
from chalkface.voice.models import Campaign, OpenLink, Share

View = Callable[..., HttpResponse]
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# --- Participants -----------------------------------------------------------------------------------------


def participant_page(view: View) -> View:
    """No cache, no referrer; language from ``lang`` in the form or the address."""

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

    return never_cache(wrapped)


def _lang() -> str:
    return "cy" if (translation.get_language() or "").startswith("cy") else "en-gb"


def _cookie(conversation: Conversation) -> str:
    return f"cf_talk_{conversation.pk}"


def _signer(conversation: Conversation) -> signing.Signer:
    return signing.Signer(salt=f"chalkface.conversations.participant.{conversation.pk}")


def participant_of(request: HttpRequest, conversation: Conversation) -> str | None:
    value = request.COOKIES.get(_cookie(conversation), "")
    try:
        return _signer(conversation).unsign(value) if value else None
    except signing.BadSignature:
        return None


def form_token(conversation: Conversation, participant: str) -> str:
    """What the participant's own pages put in each form they post: a keyed hash of the participant's key.

    Django's CSRF check cannot serve here: these pages send no referrer, so browsers post with ``Origin:
    null``, and they have no session to hold a token. A page on another site can neither read the key (it is
    in an HTTP-only cookie) nor this token, so it cannot make a post that counts, even where a browser sends
    the SameSite=Lax cookie with it."""
    return salted_hmac(f"chalkface.conversations.form.{conversation.pk}", participant).hexdigest()[:32]


def _from_own_page(request: HttpRequest, conversation: Conversation, participant: str) -> bool:
    return constant_time_compare(request.POST.get("form_token", ""), form_token(conversation, participant))


def _admit(conversation: Conversation, key: str) -> HttpResponse:
    response = redirect(f"{reverse('conversations:vote', args=[conversation.pk])}?lang={_lang()}")
    response.set_cookie(
        _cookie(conversation),
        _signer(conversation).sign(key),
        path=reverse("conversations:vote", args=[conversation.pk]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        # Lax: a page on another site cannot post with it in today's browsers; the forms' own token
        # (form_token) protects them where a browser would
        samesite="Lax",
    )
    return response


def _open_conversation(pk: int, campaign: Campaign) -> Conversation:
    conversation = get_object_or_404(
        Conversation.objects.select_related("campaign"), pk=pk, campaign=campaign
    )
    if not conversation.is_open:
        raise Http404(_("This conversation is not taking votes any more."))
    return conversation


def _closed(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return render(request, "voice/closed.html", {"campaign": campaign, "lang": _lang()}, status=410)


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(
        request, "voice/rate_limited.html", {"lang": _lang(), "minutes": max(1, seconds // 60)}, status=429
    )
    response.headers["Retry-After"] = str(seconds)
    return response


@csrf_exempt  # like the check-in's code page: no session or other ambient authority before the code
@participant_page
@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Come in with an access code: it is used up now, and admits one participant once."""
    campaign = get_object_or_404(Campaign, slug=slug)
    conversation = _open_conversation(pk, campaign)
    if not campaign.is_open_on(timezone.localdate()):
        return _closed(request, campaign)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        refused = ratelimit.codes_refused(campaign.slug)
        if refused is not None:
            return _too_many(request, refused.seconds_left())
        try:
            entry = check_code(campaign, form.cleaned_data["code"])
            key = actions.enter(entry)
        except CodeRejected as exc:
            ratelimit.code_failed(campaign.slug)
            form.add_error("code", str(exc))
            status = 409
        else:
            return _admit(conversation, key)
    context = {"campaign": campaign, "conversation": conversation, "form": form, "lang": _lang()}
    return render(request, "conversations/enter.html", context, status=status)


@csrf_exempt
@participant_page
@require_http_methods(["GET", "POST"])
def open_entry(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """Come in through an open link (within its hourly limit, counted per participant let in)."""
    link = OpenLink.objects.select_related("campaign", "workplace").filter(token=token).first()
    if link is None or not link.active:
        raise Http404(_("This link is not in use any more."))
    conversation = _open_conversation(pk, link.campaign)
    if not link.campaign.is_open_on(timezone.localdate()):
        return _closed(request, link.campaign)
    if request.method == "POST":
        refused = ratelimit.open_link_refused(link.pk, link.per_hour)
        if refused is not None:
            return _too_many(request, refused.seconds_left())
        entry = Access(campaign=link.campaign, workplace=link.workplace, source="open_link")
        return _admit(conversation, actions.enter(entry))
    context = {"campaign": link.campaign, "conversation": conversation, "open_link": True, "lang": _lang()}
    return render(request, "conversations/enter.html", context)


def _tallies(conversation: Conversation) -> list[StatementTally]:
    accepted = list(
        conversation.statements.filter(status=StatementStatus.ACCEPTED).values_list("pk", flat=True)
    )
    counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in accepted}
    for statement, value in Vote.objects.filter(statement_id__in=accepted).values_list(
        "statement_id", "value"
    ):
        counts[statement][0] += 1
        counts[statement][1] += value == 1
        counts[statement][2] += value == 0
    return [StatementTally(pk, *c) for pk, c in counts.items()]


def _participant_conversation(request: HttpRequest, pk: int) -> tuple[Conversation, str | None]:
    conversation = get_object_or_404(Conversation.objects.select_related("campaign"), pk=pk)
    return conversation, participant_of(request, conversation)


def _not_in(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    context = {"conversation": conversation, "campaign": conversation.campaign, "lang": _lang()}
    return render(request, "conversations/not_in.html", context, status=403)


@csrf_exempt  # checked by the participant's own form token instead: see form_token
@participant_page
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """One statement at a time: agree, disagree or pass."""
    conversation, participant = _participant_conversation(request, pk)
    if participant is None:
        return _not_in(request, conversation)
    error = ""
    if request.method == "POST" and not _from_own_page(request, conversation, participant):
        error = _(
            "Your vote was not counted: it did not come from this conversation's page. Vote again below."
        )
    elif request.method == "POST":
        try:
            actions.cast_vote(
                conversation,
                participant,
                int(request.POST.get("statement", "0")),
                int(request.POST.get("vote", "9")),
            )
        except (ConversationError, ValueError) as exc:
            error = str(exc) if isinstance(exc, ConversationError) else _("Choose agree, disagree or pass.")
        else:
            return redirect(f"{request.path}?lang={_lang()}")
    voted = set(
        Vote.objects.filter(conversation=conversation, participant=participant).values_list(
            "statement_id", flat=True
        )
    )
    route = next_statement(
        _tallies(conversation), voted, participant=participant, seed=conversation.seed, enough_share=0.1
    )
    statement = Statement.objects.filter(pk=route.statement).first() if route.statement is not None else None
    context = {
        "conversation": conversation,
        "statement": statement,
        "statement_text": ShownText(conversation)(statement.text) if statement is not None else "",
        "route": route,
        "error": error,
        "lang": _lang(),
        "added": request.GET.get("added", ""),
        "form_token": form_token(conversation, participant),
    }
    return render(request, "conversations/vote.html", context, status=400 if error else 200)


@csrf_exempt  # checked by the participant's own form token instead: see form_token
@participant_page
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a statement: first see the most similar ones, and vote on one of them instead if it says it."""
    conversation, participant = _participant_conversation(request, pk)
    if participant is None:
        return _not_in(request, conversation)
    form = StatementForm(request.POST or None)
    similar: list[tuple[Statement, str]] = []
    forged = request.method == "POST" and not _from_own_page(request, conversation, participant)
    if forged:
        form.is_valid()  # keeps what they typed, with this error on the box
        form.add_error(
            "text",
            _("Your statement was not added: it did not come from this conversation's page. Send it again."),
        )
    elif request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if request.POST.get("confirm") != "yes":
            accepted = list(conversation.statements.filter(status=StatementStatus.ACCEPTED))
            found, _method = most_similar(text, [s.text for s in accepted])
            shown = ShownText(conversation)
            similar = [(accepted[f.index], shown(accepted[f.index].text)) for f in found]
        if not similar:
            try:
                statement = actions.add_statement(conversation, text)
            except ConversationError as exc:
                form.add_error("text", str(exc))
            else:
                held = "held" if statement.status == StatementStatus.PENDING else "shown"
                return redirect(f"{reverse('conversations:vote', args=[pk])}?lang={_lang()}&added={held}")
    context = {
        "conversation": conversation,
        "form": form,
        "similar": similar,
        "lang": _lang(),
        "form_token": form_token(conversation, participant),
    }
    return render(request, "conversations/add.html", context, status=400 if forged else 200)


# --- People who run conversations -------------------------------------------------------------------------


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("owner"), slug=slug)
    if not perms.visible_campaigns(request.user).filter(pk=campaign.pk).exists():
        raise Http404
    return campaign


def _managed(request: HttpRequest, pk: int) -> Conversation:
    conversation = get_object_or_404(Conversation.objects.select_related("campaign__owner"), pk=pk)
    perms.require_manage(request.user, conversation.campaign)
    return conversation


def can_read_report(user: Any, campaign: Campaign) -> bool:
    return perms.can_manage(user, campaign) or perms.shared_with(user, campaign, Share.RESULTS)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_conversations(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(request, slug)
    manage = perms.can_manage(request.user, campaign)
    if not (manage or can_read_report(request.user, campaign)):
        raise PermissionDenied(_("The owner of this campaign has not shared its results with you."))
    form = ConversationForm(request.POST or None)
    if request.method == "POST":
        perms.require_manage(request.user, campaign)
        if form.is_valid():
            conversation = actions.create_conversation(request.user, campaign, form.cleaned_data)
            return redirect(conversation)
    context = {
        "campaign": campaign,
        "conversations": campaign.conversations.all(),
        "form": form,
        "can_manage": manage,
    }
    return render(request, "conversations/list.html", context)


@login_required
@require_GET
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _managed(request, pk)
    campaign = conversation.campaign
    codes_url = request.build_absolute_uri(reverse("conversations:code_entry", args=[campaign.slug, pk]))
    links = [
        request.build_absolute_uri(reverse("conversations:open_entry", args=[link.token, pk]))
        for link in campaign.open_links.filter(active=True)
    ]
    context = {
        "conversation": conversation,
        "campaign": campaign,
        "statements": conversation.statements.all(),
        "statement_form": StatementForm(),
        "settings_form": ConversationForm(
            initial={
                "topic": conversation.topic,
                "topic_cy": conversation.topic_cy,
                "strict": conversation.strict,
            }
        ),
        "import_form": ImportVotesForm(),
        "codes_url": codes_url,
        "links": links,
    }
    return render(request, "conversations/manage.html", context)


@login_required
@require_POST
def seed(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _managed(request, pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        actions.seed_statement(request.user, conversation, form.cleaned_data["text"])
    return redirect(f"{conversation.get_absolute_url()}#statements")


@login_required
@require_POST
def settings_change(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _managed(request, pk)
    form = ConversationForm(request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)
        if "is_open" in request.POST:
            values["is_open"] = request.POST.get("is_open") == "yes"
        actions.edit_conversation(request.user, conversation, values)
    return redirect(conversation)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, statement_id: int) -> HttpResponse:
    conversation = _managed(request, pk)
    statement = get_object_or_404(Statement, pk=statement_id, conversation=conversation)
    actions.moderate(request.user, statement, request.POST.get("status", ""))
    return redirect(f"{conversation.get_absolute_url()}#statements")


@login_required
@require_POST
def import_votes(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _managed(request, pk)
    form = ImportVotesForm(request.POST, request.FILES)
    result = None
    refused = ""
    if form.is_valid():
        votes = form.cleaned_data["votes"]
        comments = form.cleaned_data.get("comments")
        try:
            result = actions.import_votes(
                request.user,
                conversation,
                votes.read(),
                votes.name,
                (comments.read(), comments.name) if comments else None,
            )
        except ImportRefused as exc:
            refused = str(exc)
    context = {"conversation": conversation, "form": form, "result": result, "refused": refused}
    status = 200 if result is not None and result.ok else 400
    return render(request, "conversations/imported.html", context, status=status)


@login_required
@require_GET
def export_votes(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _managed(request, pk)
    body = actions.export_votes(request.user, conversation)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="conversation-{pk}-votes.csv"'
    return response


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation.objects.select_related("campaign__owner"), pk=pk)
    if not can_read_report(request.user, conversation.campaign):
        raise PermissionDenied(_("The owner of this campaign has not shared its results with you."))
    published = report.current(conversation)
    if published is not None:
        report.release(request.user, conversation, published)
    shown = ShownText(conversation)
    texts = {
        number: shown(text)
        for number, text in conversation.statements.filter(status=StatementStatus.ACCEPTED).values_list(
            "number", "text"
        )
    }
    context = {
        "conversation": conversation,
        "campaign": conversation.campaign,
        "published": published,
        "view": report.view_of(published, texts) if published is not None else None,
        "can_manage": perms.can_manage(request.user, conversation.campaign),
    }
    return render(request, "conversations/report.html", context)
