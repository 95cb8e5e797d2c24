"""State changes in the voice app. Each function owns its transaction.

Actions by signed-in people (campaigns, codes, links, triage, imports) write the audit log. Submissions
by respondents do not: nothing that could link a person to what they said is ever logged, and using an
access code is not logged either (it would give the moment each code was used).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice import codes
from chalkface.voice.models import (
    MIN_THRESHOLD,
    AccessCode,
    Campaign,
    CampaignShare,
    CodeBatch,
    IncidentReport,
    IncidentStatus,
    OpenLink,
    Question,
    QuestionSetVersion,
    Response,
    Source,
    week_of,
)
from chalkface.workplaces.models import Organisation

MAX_BATCH = 2000


class VoiceError(Exception):
    """A request the voice app refuses, with a message fit to show the person who made it."""


class CodeRejected(VoiceError):
    """The access code is unknown, used, revoked or expired (deliberately not saying which)."""


class CampaignClosed(VoiceError):
    """The campaign is not taking answers today."""


# --- Question sets -------------------------------------------------------------------------------------


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


# --- Campaigns -----------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    actor: User | None,
    values: dict[str, Any],
    workplaces: list[Organisation],
    tools: list[Tool],
    shares: dict[str, list[Organisation]] | None = None,
) -> Campaign:
    """A new campaign; ``shares`` maps what is shared ("results", "comments", "incidents") to whom."""
    threshold = int(values.get("threshold") or 10)
    if threshold < MIN_THRESHOLD:
        raise VoiceError(f"The disclosure threshold cannot be below {MIN_THRESHOLD}.")
    campaign = Campaign(**values)
    campaign.full_clean()
    campaign.save()
    campaign.workplaces.set(workplaces)
    campaign.tools.set(tools)
    _set_shares(campaign, shares or {})
    audit.record(
        actor,
        "campaign.created",
        campaign,
        campaign.name,
        {
            "owner": campaign.owner_id,
            "workplaces": [w.pk for w in workplaces],
            "tools": [t.pk for t in tools],
            "threshold": campaign.threshold,
            "shares": {k: [o.pk for o in v] for k, v in (shares or {}).items()},
        },
    )
    return campaign


EDITABLE_CAMPAIGN_FIELDS = ("name", "opens_on", "closes_on", "threshold")


@transaction.atomic
def edit_campaign(
    actor: User | None,
    campaign: Campaign,
    values: dict[str, Any],
    workplaces: list[Organisation],
    tools: list[Tool],
) -> Campaign:
    """Change a campaign's name, dates, disclosure threshold (never below 5) and scope."""
    threshold = int(values.get("threshold") or campaign.threshold)
    if threshold < MIN_THRESHOLD:
        raise VoiceError(f"The disclosure threshold cannot be below {MIN_THRESHOLD}.")
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = {name: getattr(locked, name) for name in EDITABLE_CAMPAIGN_FIELDS}
    before_workplaces = sorted(locked.workplaces.values_list("pk", flat=True))
    before_tools = sorted(locked.tools.values_list("pk", flat=True))
    for name in EDITABLE_CAMPAIGN_FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    locked.full_clean()
    locked.save()
    locked.workplaces.set(workplaces)
    locked.tools.set(tools)
    changes: dict[str, Any] = {
        name: [before[name], getattr(locked, name)]
        for name in EDITABLE_CAMPAIGN_FIELDS
        if before[name] != getattr(locked, name)
    }
    after_workplaces = sorted(w.pk for w in workplaces)
    after_tools = sorted(t.pk for t in tools)
    if after_workplaces != before_workplaces:
        changes["workplaces"] = [before_workplaces, after_workplaces]
    if after_tools != before_tools:
        changes["tools"] = [before_tools, after_tools]
    audit.record(actor, "campaign.edited", locked, locked.name, changes)
    return locked


@transaction.atomic
def set_shares(actor: User | None, campaign: Campaign, shares: dict[str, list[Organisation]]) -> None:
    """Replace what the owner shares with other organisations."""
    _set_shares(campaign, shares)
    audit.record(
        actor,
        "campaign.shares_changed",
        campaign,
        campaign.name,
        {k: [o.pk for o in v] for k, v in shares.items()},
    )


def _set_shares(campaign: Campaign, shares: dict[str, list[Organisation]]) -> None:
    campaign.shares.all().delete()
    CampaignShare.objects.bulk_create(
        CampaignShare(campaign=campaign, organisation=organisation, what=what)
        for what, organisations in shares.items()
        for organisation in organisations
        if organisation.pk != campaign.owner_id
    )


# --- Access codes and open links -----------------------------------------------------------------------


@transaction.atomic
def generate_codes(
    actor: User | None, campaign: Campaign, workplace: Organisation, count: int, expires_on: dt.date
) -> tuple[CodeBatch, list[str]]:
    """A batch of single-use codes for one workplace. The plain codes are returned once and never stored."""
    if not 1 <= count <= MAX_BATCH:
        raise VoiceError(f"A batch holds between 1 and {MAX_BATCH} codes.")
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    if expires_on < timezone.localdate():
        raise VoiceError("The codes would already have expired.")
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
    batch = CodeBatch.objects.create(
        campaign=campaign, workplace=workplace, size=count, expires_at=expires_at
    )
    plain: list[str] = []
    hashes: set[str] = set()
    while len(plain) < count:
        code = codes.generate()
        digest = codes.digest(code)
        if digest is None or digest in hashes:
            continue
        hashes.add(digest)
        plain.append(code)
    taken = set(AccessCode.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
    if taken:  # 60 random bits: a clash is astronomically unlikely, but never reuse one.
        raise VoiceError("Please try again: a generated code clashed with an existing one.")
    AccessCode.objects.bulk_create(
        AccessCode(batch=batch, campaign=campaign, workplace=workplace, code_hash=h, expires_at=expires_at)
        for h in (codes.digest(c) for c in plain)
    )
    audit.record(
        actor,
        "codes.generated",
        batch,
        f"{count} access codes for {workplace} ({campaign})",
        {"count": count, "workplace": workplace.pk, "expires_on": expires_on},
    )
    return batch, plain


@transaction.atomic
def revoke_batch(actor: User | None, batch: CodeBatch) -> int:
    """Revoke every unused code of a batch (a lost sheet); returns how many were still unused."""
    unused = AccessCode.objects.filter(batch=batch, used=False, revoked=False).update(revoked=True)
    batch.revoked = True
    batch.save(update_fields=["revoked"])
    audit.record(actor, "codes.revoked", batch, f"Revoked {unused} unused codes", {"unused": unused})
    return unused


@transaction.atomic
def create_open_link(
    actor: User | None, campaign: Campaign, workplace: Organisation, per_hour: int = 60
) -> OpenLink:
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    link = OpenLink.objects.create(
        campaign=campaign, workplace=workplace, token=secrets.token_urlsafe(18), per_hour=per_hour
    )
    audit.record(actor, "open_link.created", link, str(link), {"per_hour": per_hour})
    return link


@transaction.atomic
def close_open_link(actor: User | None, link: OpenLink) -> OpenLink:
    link.active = False
    link.save(update_fields=["active"])
    audit.record(actor, "open_link.closed", link, str(link))
    return link


# --- Submitting (never audit-logged) ----------------------------------------------------------------------


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
            % {"opens": date_format(campaign.opens_on), "closes": date_format(campaign.closes_on)}
        )


def version_for(tool: Tool, workplace: Organisation, day: dt.date) -> ToolVersion | None:
    """The version live at the workplace on ``day`` from its deployment timeline, or None (don't know)."""
    deployed = any(d.is_active_on(day) for d in tool.deployments.filter(workplace=workplace))
    return tool.version_on(day) if deployed else None


def tools_in_use(
    campaign: Campaign, workplace: Organisation, day: dt.date
) -> tuple[list[Tool], list[tuple[Tool, ToolVersion | None]]]:
    """The campaign's tools, and those deployed at the workplace on ``day`` (all of them if none is), each
    with the version live there that day (as :func:`version_for`). One query."""
    active = Deployment.objects.filter(tool=OuterRef("pk"), workplace=workplace, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    live = ToolVersion.objects.filter(tool=OuterRef("pk"), release_date__lte=day).order_by("-release_date")
    tools = list(
        campaign.tools.order_by("name").annotate(
            deployed_here=Exists(active),
            live_version_id=Subquery(live.values("pk")[:1]),
            live_version_label=Subquery(live.values("label")[:1]),
        )
    )
    deployed = [t for t in tools if t.deployed_here]  # type: ignore[attr-defined]
    if not deployed:
        return tools, [(t, None) for t in tools]
    in_use: list[tuple[Tool, ToolVersion | None]] = []
    for tool in deployed:
        version_id = tool.live_version_id  # type: ignore[attr-defined]
        version = (
            ToolVersion(pk=version_id, tool=tool, label=tool.live_version_label)  # type: ignore[attr-defined]
            if version_id is not None
            else None
        )
        in_use.append((tool, version))
    return tools, in_use


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


for _sender in (Campaign, Deployment, Tool, ToolVersion):
    for _signal in (post_save, post_delete):
        _signal.connect(forget_offered_tools, sender=_sender, dispatch_uid=f"voice.offered_tools.{_sender}")
m2m_changed.connect(forget_offered_tools, sender=Campaign.tools.through, dispatch_uid="voice.offered_tools")


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


@transaction.atomic
def report_incident_for_someone(
    actor: User,
    campaign: Campaign,
    workplace: Organisation,
    values: dict[str, Any],
    version_known: bool = True,
) -> IncidentReport:
    """A rep enters a report on a colleague's behalf. The rep is logged; the colleague is never recorded."""
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    access = Access(campaign=campaign, workplace=workplace, source=Source.REP)
    incident = submit_incident(access, values=values, version_known=version_known)
    audit.record(actor, "incident.entered_by_rep", incident, f"Incident entered for {workplace}")
    return incident


_NEXT_STATUS: dict[str, set[str]] = {
    IncidentStatus.NEW: {IncidentStatus.REVIEWED},
    IncidentStatus.REVIEWED: {IncidentStatus.RAISED, IncidentStatus.RESOLVED, IncidentStatus.NEW},
    IncidentStatus.RAISED: {IncidentStatus.RESOLVED, IncidentStatus.REVIEWED},
    IncidentStatus.RESOLVED: {IncidentStatus.REVIEWED},
}


@transaction.atomic
def set_incident_status(actor: User | None, incident: IncidentReport, status: str) -> IncidentReport:
    """Move a report through new → reviewed → raised with employer → resolved (or back a step)."""
    locked = IncidentReport.objects.select_for_update().get(pk=incident.pk)
    if status not in _NEXT_STATUS.get(locked.status, set()):
        raise VoiceError(
            f"A report that is {locked.get_status_display().lower()} cannot move to "
            f"{IncidentStatus(status).label.lower() if status in IncidentStatus.values else status}."
        )
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    audit.record(actor, "incident.status_changed", locked, str(locked), {"status": [before, status]})
    return locked


def allowed_statuses(incident: IncidentReport) -> list[tuple[str, str]]:
    return [
        (s, str(IncidentStatus(s).label)) for s in IncidentStatus.values if s in _NEXT_STATUS[incident.status]
    ]
