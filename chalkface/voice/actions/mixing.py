"""Moving acknowledged submissions into the results, in shuffled batches.

A submission waits as a :class:`PendingSubmission` until its campaign has at least ``CHALKFACE_MIX_BATCH``
(default 10, never below 5) waiting from the same week, or until that week is over. Then the whole batch
becomes check-ins and incident reports in one transaction, in a random order, with fresh random keys, and
the pending rows are deleted (and their table vacuumed). So:

- no check-in shares a transaction id (PostgreSQL's ``xmin``) with the access code that unlocked it;
- neither row order (``ctid``, SQLite's rowid) nor transaction ids order the check-ins of a batch;
- across batches, the order says only which batch of at least ``CHALKFACE_MIX_BATCH`` a check-in joined,
  and every check-in keeps only the Monday of its week.

A rep who entered a report for a colleague is logged when the report joins the results, with the week only.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.voice.models import (
    MIN_THRESHOLD,
    IncidentReport,
    PendingKind,
    PendingSubmission,
    Response,
    new_record_key,
    week_of,
)

_SHUFFLE = random.SystemRandom()


def batch_size() -> int:
    """How many submissions of one campaign and week are mixed together at the least."""
    return max(MIN_THRESHOLD, int(getattr(settings, "CHALKFACE_MIX_BATCH", 10)))


def mix_due(*, today: dt.date | None = None, campaign_id: int | None = None, batch: int | None = None) -> int:
    """Mix every batch that is due: a campaign's submissions of a week that is over, and those of the
    current week once there are at least ``batch`` of them. Returns how many submissions were mixed."""
    current = week_of(today or timezone.localdate())
    need = batch if batch is not None else batch_size()
    waiting = PendingSubmission.objects.values("campaign_id", "week").annotate(n=Count("pk")).order_by()
    if campaign_id is not None:
        waiting = waiting.filter(campaign_id=campaign_id)
    moved = 0
    for group in waiting:
        if group["week"] < current or group["n"] >= need:
            moved += mix(group["campaign_id"], group["week"])
    return moved


@transaction.atomic
def mix(campaign_id: int, week: dt.date) -> int:
    """Move one campaign's waiting submissions of one week into the results, shuffled."""
    pending = list(
        PendingSubmission.objects.select_for_update(skip_locked=True).filter(
            campaign_id=campaign_id, week=week
        )
    )
    if not pending:
        return 0
    _SHUFFLE.shuffle(pending)
    checkins: list[Response] = []
    reports: list[IncidentReport] = []
    entered: list[tuple[int, int]] = []
    for item in pending:
        values = dict(item.payload)
        if item.kind == PendingKind.CHECKIN:
            response = Response(
                id=uuid.uuid4(), campaign_id=campaign_id, week=week, record_key=new_record_key(), **values
            )
            response.set_measures()
            checkins.append(response)
        else:
            rep = values.pop("entered_by", None)
            values["month"] = dt.date.fromisoformat(values["month"])
            report = IncidentReport(
                id=uuid.uuid4(), campaign_id=campaign_id, week=week, record_key=new_record_key(), **values
            )
            reports.append(report)
            if rep is not None:
                entered.append((rep, report.workplace_id))
    Response.objects.bulk_create(checkins, batch_size=2000)
    IncidentReport.objects.bulk_create(reports, batch_size=2000)
    actors = User.objects.in_bulk({rep for rep, _ in entered})
    for rep, workplace_id in entered:
        audit.record(
            actors.get(rep),
            "incident.entered_by_rep",
            None,
            f"An incident report entered by a rep joined the results (workplace {workplace_id})",
            {"workplace": workplace_id},
            object_type="voice.incidentreport",
            week_only=True,
        )
    PendingSubmission.objects.filter(pk__in=[item.pk for item in pending]).delete()
    return len(pending)


def forget_mixed() -> None:
    """Remove what deleted pending rows leave behind: PostgreSQL's dead row versions (VACUUM) and SQLite's
    write-ahead log (a checkpoint; deleted content is zeroed by ``secure_delete``). Run outside a
    transaction, by the task worker's sweep."""
    table = connection.ops.quote_name(PendingSubmission._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sweep(today: dt.date | None = None) -> dict[str, Any]:
    """The worker's regular sweep: mix what is due, then forget what the mixing deleted."""
    moved = mix_due(today=today)
    if moved and not connection.in_atomic_block:
        forget_mixed()
    return {"mixed": moved}
