"""Anonymous submissions: a check-in or an incident report, using up the access code that let it in.

A submission is kept as a :class:`~chalkface.voice.models.PendingSubmission` in the same statement (or
transaction) that uses up the code: once the respondent sees "thank you", it is stored and survives a crash.
The pending row is moved into the results later, with others, in a shuffled batch
(:mod:`chalkface.voice.actions.mixing`): only then does a :class:`Response` or :class:`IncidentReport`
exist, in a transaction of its own, so no system column (PostgreSQL's ``xmin``, SQLite's rowid) or row order
ties it to the code or to the moment it came.

Never audit-logged: nothing that could link a person to what they said is ever logged, and using an
access code is not logged either (it would give the moment each code was used).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chalkface.register.models import Tool, ToolVersion
from chalkface.voice import codes
from chalkface.voice.entry import Access
from chalkface.voice.errors import CampaignClosed, CodeRejected
from chalkface.voice.models import (
    AccessCode,
    Campaign,
    IncidentReport,
    PendingKind,
    PendingSubmission,
    Response,
    Source,
    week_of,
)
from chalkface.voice.offered import version_for


def _consume(access: Access) -> None:
    """Mark the code used, inside the caller's transaction; exactly one caller can win.

    One parameterised ``UPDATE ... WHERE used = false`` (and not revoked or expired): the database row lock
    makes concurrent attempts on the same code wait, and only the first sees ``used = false``, so only one
    updates a row. It must run in the same transaction as the response insert (see :func:`submit_checkin`).
    """
    if access.source != Source.CODE:
        return
    digest = codes.digest(access.code)
    used = 0
    if digest:
        with connection.cursor() as cursor:
            cursor.execute(_consume_sql(), [True, digest, access.campaign.pk, access.workplace.pk, _now()])
            used = cursor.rowcount
    if used != 1:
        raise CodeRejected(
            _("That code has just been used or withdrawn, so nothing was saved. Ask your rep for a new code.")
        )


def _now() -> Any:
    return connection.ops.adapt_datetimefield_value(timezone.now())


_CONSUME_SQL: dict[str, str] = {}


def _consume_sql() -> str:
    sql = _CONSUME_SQL.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        meta = AccessCode._meta

        def column(name: str) -> str:
            return q(meta.get_field(name).column)

        # Identifiers come from the model's metadata, quoted by the backend; every value is a parameter.
        sql = _CONSUME_SQL[connection.vendor] = (
            f"UPDATE {q(meta.db_table)} SET {column('used')} = %s "  # noqa: S608
            f"WHERE {column('code_hash')} = %s AND {column('campaign')} = %s AND {column('workplace')} = %s "
            f"AND NOT {column('used')} AND NOT {column('revoked')} AND {column('expires_at')} > %s"
        )
    return sql


def _open(campaign: Campaign, day: dt.date) -> None:
    if not campaign.is_open_on(day):
        raise CampaignClosed(
            _("This campaign takes answers from %(opens)s to %(closes)s.")
            % {"opens": date_format(campaign.opens_on), "closes": date_format(campaign.closes_on)},
            campaign,
        )


_UNKNOWN: Any = object()
# Checked before a submission is kept: every field but the key and the relations, which the caller found
# (checking them would cost a query each on the busiest path).
_NOT_CHECKED = ["id", "campaign", "question_set_version", "workplace", "tool", "tool_version"]


def submit_checkin(
    access: Access,
    *,
    tool: Tool,
    answers: dict[str, Any],
    version_known: bool = True,
    day: dt.date | None = None,
    live_version: ToolVersion | None = _UNKNOWN,
) -> PendingSubmission:
    """Keep one anonymous check-in, using up the access code in the same statement or transaction.

    ``answers`` are clean values keyed by question code; free text must already be protected.
    ``live_version`` is :func:`version_for` of the tool on ``day``, when the caller has already worked it out.
    """
    day = day or timezone.localdate()
    _open(access.campaign, day)
    if not version_known:
        version = None
    elif live_version is _UNKNOWN:
        version = version_for(tool, access.workplace, day)
    else:
        version = live_version
    payload = {
        "question_set_version_id": access.campaign.question_set_version_id,
        "workplace_id": access.workplace.pk,
        "tool_id": tool.pk,
        "tool_version_id": version.pk if version is not None else None,
        "role": str(answers.get("role") or ""),
        "answers": answers,
        "source": access.source,
        "lower_trust": access.lower_trust,
    }
    # Checked now, so that what waits is certain to join the results when its batch is mixed.
    Response(campaign=access.campaign, week=week_of(day), **payload).clean_fields(exclude=_NOT_CHECKED)
    return _keep(access, PendingKind.CHECKIN, day, payload)


def submit_incident(
    access: Access,
    *,
    values: dict[str, Any],
    version_known: bool = True,
    day: dt.date | None = None,
    entered_by: int | None = None,
) -> PendingSubmission:
    """Keep one anonymous incident or concern report, using up the access code in the same transaction.
    ``entered_by``: the rep who entered it for a colleague (logged when the report joins the results)."""
    day = day or timezone.localdate()
    _open(access.campaign, day)
    tool: Tool = values["tool"]
    month: dt.date = values["month"]
    version = version_for(tool, access.workplace, month) if version_known else None
    payload = {
        "workplace_id": access.workplace.pk,
        "tool_id": tool.pk,
        "tool_version_id": version.pk if version is not None else None,
        "month": month.replace(day=1).isoformat(),
        "category": values["category"],
        "affected": list(values.get("affected") or []),
        "severity": values["severity"],
        "harm_type": values["harm_type"],
        "description": values.get("description") or "",
        "source": access.source,
        "lower_trust": access.lower_trust,
        "entered_by": entered_by,
    }
    checked = {k: v for k, v in payload.items() if k != "entered_by"}
    IncidentReport(
        campaign=access.campaign, week=week_of(day), **{**checked, "month": month.replace(day=1)}
    ).clean_fields(exclude=_NOT_CHECKED)
    return _keep(access, PendingKind.INCIDENT, day, payload)


def _keep(access: Access, kind: str, day: dt.date, payload: dict[str, Any]) -> PendingSubmission:
    pending = PendingSubmission(kind=kind, campaign=access.campaign, week=week_of(day), payload=payload)
    if access.source == Source.CODE and connection.vendor == "postgresql":
        _consume_and_insert(access, pending)
        return pending
    with transaction.atomic():
        _consume(access)
        pending.save(force_insert=True)
    return pending


_CONSUME_AND_INSERT_SQL: list[tuple[str, list[Any]]] = []


def _consume_and_insert(access: Access, pending: PendingSubmission) -> None:
    """PostgreSQL: use up the code and keep the submission in ONE statement, so one round trip.

    ``WITH used AS (UPDATE access code SET used = true WHERE ... AND NOT used ... RETURNING 1)
    INSERT INTO pending SELECT ... FROM used``: a single statement is atomic on its own. The UPDATE takes the
    code's row lock and re-checks ``NOT used`` after any concurrent winner commits, so at most one statement
    sees the row; the INSERT writes one row per code row used, so exactly one submission or none. The two
    rows share a transaction id, which is why the pending row is deleted (and its table vacuumed) when it is
    mixed into the results: the check-in itself is written by another transaction.
    """
    digest = codes.digest(access.code)
    if not _CONSUME_AND_INSERT_SQL:
        q = connection.ops.quote_name
        fields = list(PendingSubmission._meta.concrete_fields)
        # Cast each parameter to its column's type without a length ("varchar", not "varchar(30)"): an
        # explicit cast to varchar(30) would silently cut a longer value, where the ORM's insert fails.
        values = ", ".join(f"CAST(%s AS {field.db_type(connection).split('(')[0]})" for field in fields)
        # Identifiers and types come from the models' metadata; every value is a parameter.
        sql = (
            f"WITH used AS ({_consume_sql()} RETURNING 1) "  # noqa: S608
            f"INSERT INTO {q(PendingSubmission._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
            f"SELECT {values} FROM used"
        )
        _CONSUME_AND_INSERT_SQL.append((sql, fields))
    sql, fields = _CONSUME_AND_INSERT_SQL[0]
    inserted = 0
    if digest:
        params = [True, digest, access.campaign.pk, access.workplace.pk, _now()]
        params.extend(field.get_db_prep_save(field.pre_save(pending, True), connection) for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.rowcount
    if inserted != 1:
        raise CodeRejected(
            _("That code has just been used or withdrawn, so nothing was saved. Ask your rep for a new code.")
        )
    pending._state.adding = False
    pending._state.db = connection.alias


@transaction.atomic
def use_code(access: Access) -> None:
    """Use up the access code of ``access`` on its own (for answers kept elsewhere, such as a conversation's
    votes, which must never be tied to it): in a transaction of its own that writes nothing else. Raises
    :class:`CodeRejected` if it has just been used or withdrawn; an open link has no code to use."""
    _consume(access)
