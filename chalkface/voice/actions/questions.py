"""Question sets: a version that has answers is never edited; editing it makes a new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.voice.models import Question, QuestionSetVersion


@transaction.atomic
def edit_question_set(
    actor: User | None, version: QuestionSetVersion, questions: list[dict[str, Any]], note: str = ""
) -> QuestionSetVersion:
    """Replace the questions of ``version``; if anyone has answered it, make a new version instead.

    Responses always keep the version they answered. Returns the version now holding ``questions``.
    """
    locked = QuestionSetVersion.objects.select_for_update().get(pk=version.pk)
    if locked.has_answers():
        latest = locked.question_set.versions.order_by("-number").first()
        number = (latest.number if latest else locked.number) + 1
        target = QuestionSetVersion.objects.create(question_set=locked.question_set, number=number, note=note)
        action = "question_set.versioned"
    else:
        target = locked
        target.questions.all().delete()
        if note:
            target.note = note
            target.save(update_fields=["note"])
        action = "question_set.edited"
    for position, definition in enumerate(questions, start=1):
        values = {k: v for k, v in definition.items() if k not in ("id", "version", "position")}
        question = Question(version=target, position=position, **values)
        question.full_clean(exclude=["version"])
        question.save()
    audit.record(
        actor, action, target, str(target), {"questions": len(questions), "from_version": locked.number}
    )
    return target
