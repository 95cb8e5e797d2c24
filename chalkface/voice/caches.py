"""What each process remembers to keep respondent pages fast, and forgets as soon as it may be stale.

Two caches, each emptied by model signals connected in :meth:`chalkface.voice.apps.VoiceConfig.ready`:
the tools offered at a workplace today (:func:`offered_tools`) and the question fields of question-set
versions that have answers (:func:`checkin_form`).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django import forms
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice.forms import CheckinForm, question_fields
from chalkface.voice.models import Campaign, Question
from chalkface.voice.offered import tools_in_use
from chalkface.workplaces.models import Organisation

# Respondent pages ask "which tools, at which version, are in use here today?" on every request. The answer
# changes only when someone edits the register (deployments, versions, tools) or the campaign's tools, so
# each process keeps it for OFFERED_TOOLS_SECONDS, keyed by (campaign, workplace, day). Any such edit made
# in this process empties the cache at once; an edit made in another process is seen here within the
# window. So for at most a minute after an edit elsewhere, a respondent may not yet be offered a tool
# deployed in that minute (they can come back), may still be offered a tool just taken out of the campaign,
# or have a version released that minute not yet recorded against their answer: the same staleness as a
# form they opened a minute earlier, and it touches no protection (codes, anonymity, disclosure control).
OFFERED_TOOLS_SECONDS = 60.0
_OFFERED_TOOLS_MAX = 10_000
_offered_tools: dict[
    tuple[int, int, dt.date], tuple[float, tuple[list[Tool], list[tuple[Tool, ToolVersion | None]]]]
] = {}


def offered_tools(
    campaign: Campaign, workplace: Organisation, day: dt.date
) -> tuple[list[Tool], list[tuple[Tool, ToolVersion | None]]]:
    """:func:`tools_in_use`, remembered by this process for up to ``OFFERED_TOOLS_SECONDS``.

    The lists and instances returned are shared between requests and threads: read them, never change them.
    """
    key = (campaign.pk, workplace.pk, day)
    now = time.monotonic()
    hit = _offered_tools.get(key)
    if hit is not None and now - hit[0] < OFFERED_TOOLS_SECONDS:
        return hit[1]
    result = tools_in_use(campaign, workplace, day)
    if len(_offered_tools) >= _OFFERED_TOOLS_MAX:
        _offered_tools.clear()
    _offered_tools[key] = (now, result)
    return result


def forget_offered_tools(**kwargs: Any) -> None:
    _offered_tools.clear()


# Questions of versions that have answers: those are never edited again (``actions.edit_question_set`` makes
# a new version), so each process keeps them, and the form fields that ask them (one set per language: the
# labels are translated when a field is made). Any change to a question in this process empties both. A
# version that has no answers yet may still be edited elsewhere, so it is read afresh on every request.
_ANSWERED_QUESTIONS: dict[int, list[Question]] = {}
_ANSWERED_FIELDS: dict[tuple[int, str], dict[str, forms.Field]] = {}


def forget_answered_questions(**kwargs: Any) -> None:
    _ANSWERED_QUESTIONS.clear()
    _ANSWERED_FIELDS.clear()


def checkin_form(data: Any, campaign: Campaign, tools: list[tuple[Tool, str | None]]) -> CheckinForm:
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


def remember_answered(version_id: int, questions: list[Question]) -> None:
    """The version now has answers, so it is never edited again (edits make a new version)."""
    _ANSWERED_QUESTIONS[version_id] = questions


def connect() -> None:
    """Empty the caches whenever what they hold changes in this process."""
    for sender in (Campaign, Deployment, Tool, ToolVersion):
        for signal in (post_save, post_delete):
            signal.connect(forget_offered_tools, sender=sender, dispatch_uid=f"voice.offered_tools.{sender}")
    m2m_changed.connect(
        forget_offered_tools, sender=Campaign.tools.through, dispatch_uid="voice.offered_tools"
    )
    for signal in (post_save, post_delete):
        signal.connect(
            forget_answered_questions, sender=Question, dispatch_uid="voice.forget_answered_questions"
        )
