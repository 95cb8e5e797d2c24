"""Writing the audit log. Every action in an ``actions.py`` calls :func:`record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from chalkface.accounts.models import AuditEvent, User

# What respondents said: events about these keep only their week.
RESPONDENT_SIDE = frozenset({"voice.incidentreport", "voice.response"})


def record(
    actor: User | None,
    action: str,
    obj: models.Model | None,
    summary: str,
    changes: dict[str, Any] | None = None,
    *,
    object_type: str = "",
    week_only: bool = False,
) -> AuditEvent:
    """Append one event: who did what to which object, with the fields that changed.

    ``obj`` may be None for an action on many objects at once (an import); then ``object_type`` names them.
    Events about what respondents said (check-ins, incident reports), and any with ``week_only``, keep only
    the Monday of the week they happened in: a finer time next to a report could help tell who made it.
    """
    kind = obj._meta.label_lower if obj is not None else object_type
    at = timezone.now()
    if week_only or kind in RESPONDENT_SIDE:
        day = timezone.localdate(at)
        monday = day - dt.timedelta(days=day.weekday())
        at = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    return AuditEvent.objects.create(
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=kind,
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        changes=_jsonable(changes or {}),
    )


def _fields(obj: models.Model, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def save_changes(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Set ``values`` on ``obj``, check it (``full_clean``) and save it; returns what changed, as
    :func:`diff` gives it, for the audit entry. Called by actions inside their transaction."""
    names = list(values)
    before = _fields(obj, names) if obj.pk is not None else {}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return diff(before, _fields(obj, names))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ, as {field: [old, new]}."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)
