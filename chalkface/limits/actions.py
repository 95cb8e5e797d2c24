"""Counting events: one atomic statement per event, and forgetting windows that have ended.

:func:`hit` counts with ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count``,
which PostgreSQL and SQLite (3.35 and later) both run as one atomic statement: parallel requests in
several web processes each get their own count, none is lost, and the limit holds exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone

from chalkface.limits.models import RateCounter
from chalkface.limits.windows import Window, bucket_key, window_of


@dataclass(frozen=True)
class Hit:
    """One counted event: the count it made, the limit, and its window."""

    key: str
    count: int
    limit: int
    window: Window

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def reached(self) -> bool:
        """Did this very event reach the limit (so the bucket is refused from now on)?"""
        return self.count == self.limit


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table, key, start, end, count = (
        q(n) for n in (RateCounter._meta.db_table, "key", "window_start", "window_end", "count")
    )
    return (  # names from the model, values as parameters
        f"INSERT INTO {table} ({key}, {start}, {end}, {count}) VALUES (%s, %s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key}, {start}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    )


def hit(bucket: str, limit: int, seconds: int, *, now: dt.datetime | None = None) -> Hit:
    """Count one event in ``bucket``'s current window of ``seconds``; ``allowed`` is False past ``limit``.

    The first event of a window also forgets every window that has ended, so that no counter outlives
    its window even without the task worker's sweep.
    """
    now = now or timezone.now()
    window = window_of(seconds, now)
    key = bucket_key(bucket, seconds)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, adapt(window.start), adapt(window.end)])
        (count,) = cursor.fetchone()
    if count == 1:
        forget_ended(now=now)
    return Hit(key=key, count=int(count), limit=limit, window=window)


def release(event: Hit) -> None:
    """Take back one event counted by :func:`hit` (an attempt that turned out not to be a failure)."""
    RateCounter.objects.filter(key=event.key, window_start=event.window.start, count__gt=0).update(
        count=F("count") - 1
    )


def forget_ended(*, now: dt.datetime | None = None) -> int:
    """Delete every counter whose window has ended; returns how many."""
    deleted, _ = RateCounter.objects.filter(window_end__lte=now or timezone.now()).delete()
    return deleted


def vacuum() -> None:
    """Remove the dead row versions that counting leaves behind on PostgreSQL (outside a transaction)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {connection.ops.quote_name(RateCounter._meta.db_table)}")


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's sweep: forget ended windows, then vacuum the table."""
    deleted = forget_ended(now=now)
    vacuum()
    return {"rate_windows_forgotten": deleted}
