"""Getting in: which campaign and workplace an access code or open link answers for.

Nothing here changes anything: a code is only used up when the answers it unlocked are saved
(:mod:`chalkface.voice.actions.submissions`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface.voice import codes
from chalkface.voice.errors import CodeRejected
from chalkface.voice.models import AccessCode, Campaign, Source
from chalkface.workplaces.models import Organisation


@dataclass(frozen=True)
class Access:
    """How a respondent got in: which campaign and workplace, and with what."""

    campaign: Campaign
    workplace: Organisation
    source: str
    code: str = ""  # the typed code, kept only in memory for the request that consumes it

    @property
    def lower_trust(self) -> bool:
        return self.source == Source.OPEN_LINK


def check_code(campaign: Campaign, typed: str) -> Access:
    """The workplace a code belongs to, if it can still be used; nothing is changed."""
    digest = codes.digest(typed)
    row = (
        AccessCode.objects.filter(
            code_hash=digest, campaign=campaign, used=False, revoked=False, expires_at__gt=timezone.now()
        )
        .select_related("workplace__parent__parent")  # comment protection reads the workplace's parents
        .first()
        if digest
        else None
    )
    if row is None:
        raise CodeRejected(
            _("That code does not work. It may be mistyped, already used, withdrawn or out of date.")
        )
    return Access(campaign=campaign, workplace=row.workplace, source=Source.CODE, code=typed)


def find_code(slug: str, typed: str) -> Access | None:
    """The campaign (by slug) and workplace of a code that can still be used, in one query; None if the
    code is not usable (the caller then works out why, with :func:`check_code`). Nothing is changed.

    This runs on every submission, so it is one parameterised SQL statement compiled once per process
    (see :class:`_FindCode`) rather than an ORM query compiled per request. The workplace comes with its
    parent and grandparent, which comment protection reads.
    """
    digest = codes.digest(typed)
    if digest is None:
        return None
    found = _FIND_CODE.run(digest, slug)
    if found is None:
        return None
    campaign, workplace = found
    return Access(campaign=campaign, workplace=workplace, source=Source.CODE, code=typed)


class _FindCode:
    """``find_code``'s statement: code → campaign, workplace, parent, grandparent, in one SELECT.

    The SQL and each column's converters (the same ones the ORM applies, so SQLite dates, decimals and
    booleans come back as Python values) are worked out once per database vendor from the models' own
    metadata: no table or column name is written by hand, and the only inputs are bound parameters.
    """

    PARTS: tuple[tuple[type[Model], str], ...] = (
        (Campaign, "c"),
        (Organisation, "w"),
        (Organisation, "p"),
        (Organisation, "g"),
    )

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[str, list[tuple[type[Model], list[str], list[Any]]]]] = {}
        self._lock = threading.Lock()

    def _compile(self) -> tuple[str, list[tuple[type[Model], list[str], list[Any]]]]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is not None:
            return compiled
        q = connection.ops.quote_name
        columns: list[str] = []
        loaders: list[tuple[type[Model], list[str], list[Any]]] = []
        for model, alias in self.PARTS:
            fields = list(model._meta.concrete_fields)
            converters = []
            for field in fields:
                col = field.get_col(alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                converters.append((col, found))
            columns.extend(f"{alias}.{q(field.column)}" for field in fields)
            loaders.append((model, [field.attname for field in fields], converters))
        code = AccessCode._meta
        org = Organisation._meta
        parent = q(org.get_field("parent").column)
        pk = q(org.pk.column)
        # Identifiers come from the models' metadata, quoted by the backend; every value is a parameter.
        sql = (
            f"SELECT {', '.join(columns)} FROM {q(code.db_table)} a "  # noqa: S608
            f"INNER JOIN {q(Campaign._meta.db_table)} c "
            f"ON c.{q(Campaign._meta.pk.column)} = a.{q(code.get_field('campaign').column)} "
            f"INNER JOIN {q(org.db_table)} w ON w.{pk} = a.{q(code.get_field('workplace').column)} "
            f"LEFT OUTER JOIN {q(org.db_table)} p ON p.{pk} = w.{parent} "
            f"LEFT OUTER JOIN {q(org.db_table)} g ON g.{pk} = p.{parent} "
            f"WHERE a.{q(code.get_field('code_hash').column)} = %s "
            f"AND c.{q(Campaign._meta.get_field('slug').column)} = %s "
            f"AND NOT a.{q(code.get_field('used').column)} AND NOT a.{q(code.get_field('revoked').column)} "
            f"AND a.{q(code.get_field('expires_at').column)} > %s"
        )
        with self._lock:
            self._compiled[connection.vendor] = (sql, loaders)
        return sql, loaders

    def run(self, digest: str, slug: str) -> tuple[Campaign, Organisation] | None:
        sql, loaders = self._compile()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [digest, slug, now])
            row = cursor.fetchone()  # code_hash is unique: at most one row
        if row is None:
            return None
        instances: list[Any] = []
        start = 0
        for model, attnames, converters in loaders:
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            if values[0] is None and model is Organisation:
                instances.append(None)  # no parent (or grandparent)
                continue
            for i, (col, funcs) in enumerate(converters):
                for convert in funcs:
                    values[i] = convert(values[i], col, connection)
            instances.append(model.from_db(connection.alias, attnames, values))
        campaign, workplace, parent, grandparent = instances
        parent_field = Organisation._meta.get_field("parent")
        parent_field.set_cached_value(workplace, parent)
        if parent is not None:
            parent_field.set_cached_value(parent, grandparent)
        return campaign, workplace


_FIND_CODE = _FindCode()
