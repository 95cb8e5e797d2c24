"""Every change to a conversation, each in its own transaction.

Changes made by signed-in people (starting a conversation, seeding, moderating, importing) are written to
the audit log. What participants do (coming in, voting, adding a statement) is not: nothing that could link
a person to what they said is ever logged, and neither is the moment a code is used.

Coming in with an access code uses the code up in a transaction that writes nothing else
(:func:`chalkface.voice.actions.submissions.use_code`); the participant's random key is made afterwards, in
memory, and first written with their first vote, in a later request. So no row, row order or system
column ties a key to the code that let its holder in.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import polars as pl
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chalkface import redaction
from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.conversations.errors import ConversationError
from chalkface.conversations.models import Conversation, Statement, StatementStatus, Vote
from chalkface.imports.errors import ImportRefused, RowError
from chalkface.imports.tables import open_table
from chalkface.voice.actions.submissions import use_code
from chalkface.voice.entry import Access

KEY_BYTES = 16
MAX_STATEMENT = 400


def new_participant() -> str:
    """A fresh random participant key (22 characters); it means nothing outside its conversation."""
    return secrets.token_urlsafe(KEY_BYTES)


def record_key(participant: str) -> int:
    """The participant's record key for cell-key perturbation: a keyed hash of their random key, never
    shown, so the same person always adds the same key to every count they are in."""
    secret = hashlib.sha256(("chalkface.conversations.record-key:" + settings.SECRET_KEY).encode()).digest()
    digest = hmac.new(secret, participant.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % (2**31)


def enter(access: Access) -> str:
    """Let one participant in through ``access`` (a code is used up now; an open link's limit is the
    caller's) and return their new random key."""
    use_code(access)
    return new_participant()


def _check_open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise ConversationError(_("This conversation is not taking votes any more."))


# --- People who run the conversation ----------------------------------------------------------------------


@transaction.atomic
def create_conversation(actor: User | None, campaign: Any, values: dict[str, Any]) -> Conversation:
    conversation = Conversation(campaign=campaign, **values)
    conversation.full_clean()
    conversation.save()
    audit.record(actor, "conversation.created", conversation, conversation.topic, {"campaign": campaign.pk})
    return conversation


EDITABLE_FIELDS = ("topic", "topic_cy", "strict", "is_open")


@transaction.atomic
def edit_conversation(actor: User | None, conversation: Conversation, values: dict[str, Any]) -> Conversation:
    changes = {}
    for name in EDITABLE_FIELDS:
        if name in values and getattr(conversation, name) != values[name]:
            changes[name] = [getattr(conversation, name), values[name]]
            setattr(conversation, name, values[name])
    conversation.full_clean()
    conversation.save()
    if changes:
        audit.record(actor, "conversation.changed", conversation, conversation.topic, changes)
    return conversation


def _protected(conversation: Conversation, text: str, workplace_names: list[str] | None = None) -> str:
    text = " ".join(text.split())
    if not text:
        raise ConversationError(_("Write a statement first."))
    if len(text) > MAX_STATEMENT:
        raise ConversationError(_("A statement can be at most 400 characters long."))
    names = workplace_names
    if names is None:
        names = list(conversation.campaign.workplaces.values_list("name", flat=True))
    allow = list(conversation.campaign.tools.values_list("name", flat=True))
    return redaction.protect(text, workplace_names=names, allow=allow)


def _new_statement(conversation: Conversation, text: str, status: str, seeded: bool) -> Statement:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                top = conversation.statements.aggregate(top=Max("number"))["top"]
                return Statement.objects.create(
                    conversation=conversation,
                    number=(top + 1) if top is not None else 0,
                    text=text,
                    status=status,
                    seeded=seeded,
                )
        except IntegrityError:
            continue
    raise ConversationError(_("Too many statements are being added at once; try again."))


def seed_statement(actor: User | None, conversation: Conversation, text: str) -> Statement:
    """A statement written by the people who run the conversation: protected, accepted at once."""
    statement = _new_statement(conversation, _protected(conversation, text), StatementStatus.ACCEPTED, True)
    audit.record(actor, "conversation.seeded", conversation, statement.text, {"statement": statement.number})
    return statement


@transaction.atomic
def moderate(actor: User | None, statement: Statement, status: str) -> Statement:
    if status not in StatementStatus.values:
        raise ConversationError(_("Choose accept or reject."))
    before = statement.status
    statement.status = status
    statement.save(update_fields=["status"])
    audit.record(
        actor,
        "conversation.moderated",
        statement.conversation,
        statement.text,
        {"statement": statement.number, "status": [before, status]},
    )
    return statement


@transaction.atomic
def keep_report(conversation: Conversation, data: dict[str, Any], participants: int) -> None:
    """Keep the report just released (published figures only) and how many took part in it."""
    Conversation.objects.filter(pk=conversation.pk).update(
        report=data, report_participants=participants, report_queued_at=None
    )
    conversation.report, conversation.report_participants = data, participants
    conversation.report_queued_at = None


def queue_report(conversation: Conversation, task: Any) -> bool:
    """Queue ``task(conversation_id)`` to make a new report on the worker, unless one was queued in the last
    ``stale`` minutes (a worker that died frees it again). True if this call queued it."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    with transaction.atomic():
        free = Conversation.objects.filter(pk=conversation.pk).filter(
            models.Q(report_queued_at__isnull=True)
            | models.Q(report_queued_at__lt=now - timedelta(minutes=15))
        )
        if not free.update(report_queued_at=now):
            return False
        task.enqueue(conversation.pk)
    conversation.report_queued_at = now
    return True


# --- Participants (never logged) --------------------------------------------------------------------------


def add_statement(conversation: Conversation, text: str) -> Statement:
    """A statement a participant wrote: protected before it is stored; held for moderation in strict mode.
    It records no author."""
    _check_open(conversation)
    status = StatementStatus.PENDING if conversation.strict else StatementStatus.ACCEPTED
    return _new_statement(conversation, _protected(conversation, text), status, False)


@transaction.atomic
def cast_vote(conversation: Conversation, participant: str, statement_id: int, value: int) -> Vote:
    """The participant's vote on an accepted statement; a second vote replaces the first."""
    _check_open(conversation)
    if value not in (-1, 0, 1):
        raise ConversationError(_("Choose agree, disagree or pass."))
    statement = conversation.statements.filter(pk=statement_id, status=StatementStatus.ACCEPTED).first()
    if statement is None:
        raise ConversationError(_("That statement is not open for votes."))
    vote, _created = Vote.objects.update_or_create(
        statement=statement,
        participant=participant,
        defaults={"conversation": conversation, "value": value},
    )
    return vote


# --- Pol.is votes.csv in and out --------------------------------------------------------------------------

VOTE_COLUMNS = ("comment-id", "voter-id", "vote")


@dataclass
class VotesImport:
    """What an import of a ``votes.csv`` did: rows read, votes kept (the latest per participant and
    statement), participants and new statements; ``errors`` (then nothing was saved)."""

    filename: str
    rows: int = 0
    votes: int = 0
    participants: int = 0
    statements: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _whole(text: Any) -> int | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def import_votes(
    actor: User | None,
    conversation: Conversation,
    source: BinaryIO | bytes,
    filename: str,
    comments: tuple[BinaryIO | bytes, str] | None = None,
) -> VotesImport:
    """Import a Pol.is ``votes.csv`` (``timestamp, datetime, comment-id, voter-id, vote``) into
    ``conversation``: all of it or, if any row is wrong, nothing (``errors`` says which rows). The latest
    vote per voter and statement counts (by ``timestamp``, else the later row). Each Pol.is voter gets a
    new random key; their Pol.is id is not kept. Statements are matched by their number (the comment-id);
    unknown ones are made, with their text from ``comments`` (a Pol.is ``comments.csv``) when given."""
    report = VotesImport(filename)
    latest: dict[tuple[str, int], tuple[float, int, int]] = {}
    with ExitStack() as stack:
        table = open_table(source, filename, stack)
        header = [h.strip().lower() for h in table.header]
        missing = [c for c in VOTE_COLUMNS if c not in header]
        if missing:
            raise ImportRefused(
                _("%(file)s: the columns %(cols)s are missing (a Pol.is votes.csv has them).")
                % {"file": filename, "cols": ", ".join(missing)}
            )
        at = {name: header.index(name) for name in (*VOTE_COLUMNS, "timestamp") if name in header}
        for row, values in table.rows:
            report.rows += 1
            cells = {name: (values[i] if i < len(values) else "") for name, i in at.items()}
            comment, vote = _whole(cells["comment-id"]), _whole(cells["vote"])
            voter = str(cells["voter-id"]).strip()
            stamp = _whole(cells.get("timestamp", "")) if "timestamp" in cells else None
            if comment is None or comment < 0:
                report.errors.append(RowError(row, "comment-id", _("not a statement number")))
            if not voter:
                report.errors.append(RowError(row, "voter-id", _("empty")))
            if vote not in (-1, 0, 1):
                report.errors.append(RowError(row, "vote", _("must be 1 (agree), -1 (disagree) or 0 (pass)")))
            if "timestamp" in cells and stamp is None:
                report.errors.append(RowError(row, "timestamp", _("not a whole number")))
            if comment is None or vote is None or not voter or vote not in (-1, 0, 1):
                continue
            key = (voter, comment)
            order = (float(stamp) if stamp is not None else 0.0, row)
            if key not in latest or order >= latest[key][:2]:
                latest[key] = (order[0], order[1], vote)
        texts = _comment_texts(comments, report) if comments else {}
    if report.errors:
        return report
    with transaction.atomic():
        numbers = {s.number: s for s in conversation.statements.all()}
        for number in sorted({c for _v, c in latest}):
            if number in numbers:
                continue
            text = texts.get(number) or _("Imported statement %(n)s") % {"n": number}
            numbers[number] = Statement.objects.create(
                conversation=conversation,
                number=number,
                text=_protected(conversation, text)[:MAX_STATEMENT],
                status=StatementStatus.ACCEPTED,
                seeded=True,
            )
            report.statements += 1
        keys = {voter: new_participant() for voter in sorted({v for v, _c in latest})}
        # every imported voter is new here, so every vote is a new row
        Vote.objects.bulk_create(
            [
                Vote(
                    conversation=conversation, statement=numbers[number], participant=keys[voter], value=value
                )
                for (voter, number), (_t, _r, value) in sorted(
                    latest.items(), key=lambda kv: (keys[kv[0][0]], kv[0][1])
                )
            ],
            batch_size=1000,
        )
        report.votes, report.participants = len(latest), len(keys)
        audit.record(
            actor,
            "conversation.imported",
            conversation,
            filename,
            {"votes": report.votes, "participants": report.participants, "statements": report.statements},
        )
    return report


def _comment_texts(comments: tuple[BinaryIO | bytes, str], report: VotesImport) -> dict[int, str]:
    source, filename = comments
    out: dict[int, str] = {}
    with ExitStack() as stack:
        table = open_table(source, filename, stack)
        header = [h.strip().lower() for h in table.header]
        if "comment-id" not in header or "comment-body" not in header:
            raise ImportRefused(
                _("%(file)s: a Pol.is comments.csv has the columns comment-id and comment-body.")
                % {"file": filename}
            )
        i, j = header.index("comment-id"), header.index("comment-body")
        for row, values in table.rows:
            number = _whole(values[i]) if i < len(values) else None
            if number is None:
                report.errors.append(RowError(row, "comment-id", _("not a statement number")))
                continue
            out[number] = str(values[j] if j < len(values) else "")
    return out


def export_frame(conversation: Conversation) -> pl.DataFrame:
    """The conversation's votes with participants numbered 0, 1, ... in the order of their random keys (so
    the numbers follow nothing: not arrival, not a code, not a row id), and statements by number."""
    rows = list(
        Vote.objects.filter(conversation=conversation).values_list(
            "participant", "statement__number", "value"
        )
    )
    numbers = {p: i for i, p in enumerate(sorted({p for p, _s, _v in rows}))}
    rows.sort(key=lambda r: (numbers[r[0]], r[1]))
    return pl.DataFrame(
        {
            "participant": [numbers[p] for p, _s, _v in rows],
            "statement": [s for _p, s, _v in rows],
            "vote": [v for _p, _s, v in rows],
        },
        schema={"participant": pl.Int64, "statement": pl.Int64, "vote": pl.Int64},
    )


def export_votes(actor: User | None, conversation: Conversation) -> bytes:
    """A Pol.is ``votes.csv`` of the conversation (timestamps are row numbers: no time is kept)."""
    from chalkface.evidence.opinions import write_polis_votes

    buffer = io.BytesIO()
    write_polis_votes(export_frame(conversation), buffer, timestamp=None)
    audit.record(actor, "conversation.exported", conversation, conversation.topic, {})
    return buffer.getvalue()
