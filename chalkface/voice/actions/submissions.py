"""Anonymous submissions: a check-in or an incident report, using up the access code that let it in.

Never audit-logged: nothing that could link a person to what they said is ever logged, and using an
access code is not logged either (it would give the moment each code was used).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chalkface.register.models import Tool, ToolVersion
from chalkface.voice import codes
from chalkface.voice.entry import Access
from chalkface.voice.errors import CampaignClosed, CodeRejected
from chalkface.voice.models import AccessCode, Campaign, IncidentReport, Response, Source, week_of
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


def submit_checkin(
    access: Access,
    *,
    tool: Tool,
    answers: dict[str, Any],
    version_known: bool = True,
    day: dt.date | None = None,
    live_version: ToolVersion | None = _UNKNOWN,
) -> Response:
    """Save one anonymous check-in, using up the access code in the same transaction.

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
    response = Response(
        campaign=access.campaign,
        question_set_version_id=access.campaign.question_set_version_id,
        workplace=access.workplace,
        tool=tool,
        tool_version=version,
        week=week_of(day),
        role=str(answers.get("role") or ""),
        answers=answers,
        source=access.source,
        lower_trust=access.lower_trust,
    )
    if access.source == Source.CODE and connection.vendor == "postgresql":
        _consume_and_insert(access, response)
        return response
    with transaction.atomic():
        _consume(access)
        response.save(force_insert=True)
    return response


_CONSUME_AND_INSERT_SQL: list[tuple[str, list[Any]]] = []


def _consume_and_insert(access: Access, response: Response) -> None:
    """PostgreSQL: use up the code and save the response in ONE statement, so one round trip.

    ``WITH used AS (UPDATE access code SET used = true WHERE ... AND NOT used ... RETURNING 1)
    INSERT INTO response SELECT ... FROM used``: a single statement is atomic on its own (inside the
    caller's transaction if there is one, its own otherwise). The UPDATE takes the code's row lock and
    re-checks ``NOT used`` after any concurrent winner commits, so at most one statement sees the row; the
    INSERT writes one row per code row used, so exactly one response or none. If the INSERT fails, the
    UPDATE is undone with it. Nothing links the two rows: the response gets no reference to the code.
    """
    digest = codes.digest(access.code)
    if not _CONSUME_AND_INSERT_SQL:
        q = connection.ops.quote_name
        fields = list(Response._meta.concrete_fields)
        # Cast each parameter to its column's type without a length ("varchar", not "varchar(30)"): an
        # explicit cast to varchar(30) would silently cut a longer value, where the ORM's insert fails.
        values = ", ".join(f"CAST(%s AS {field.db_type(connection).split('(')[0]})" for field in fields)
        # Identifiers and types come from the models' metadata; every value is a parameter.
        sql = (
            f"WITH used AS ({_consume_sql()} RETURNING 1) "  # noqa: S608
            f"INSERT INTO {q(Response._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
            f"SELECT {values} FROM used"
        )
        _CONSUME_AND_INSERT_SQL.append((sql, fields))
    sql, fields = _CONSUME_AND_INSERT_SQL[0]
    inserted = 0
    if digest:
        using = connection.alias
        pre_save.send(sender=Response, instance=response, raw=False, using=using, update_fields=None)
        params = [True, digest, access.campaign.pk, access.workplace.pk, _now()]
        params.extend(field.get_db_prep_save(field.pre_save(response, True), connection) for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.rowcount
    if inserted != 1:
        raise CodeRejected(
            _("That code has just been used or withdrawn, so nothing was saved. Ask your rep for a new code.")
        )
    response._state.adding = False
    response._state.db = using
    post_save.send(
        sender=Response, instance=response, created=True, update_fields=None, raw=False, using=using
    )


def submit_incident(
    access: Access, *, values: dict[str, Any], version_known: bool = True, day: dt.date | None = None
) -> IncidentReport:
    """Save one anonymous incident or concern report, using up the access code in the same transaction."""
    day = day or timezone.localdate()
    _open(access.campaign, day)
    tool: Tool = values["tool"]
    month: dt.date = values["month"]
    version = version_for(tool, access.workplace, month) if version_known else None
    with transaction.atomic():
        _consume(access)
        return IncidentReport.objects.create(
            campaign=access.campaign,
            workplace=access.workplace,
            tool=tool,
            tool_version=version,
            month=month.replace(day=1),
            category=values["category"],
            affected=list(values.get("affected") or []),
            severity=values["severity"],
            harm_type=values["harm_type"],
            description=values.get("description") or "",
            week=week_of(day),
            source=access.source,
            lower_trust=access.lower_trust,
        )
