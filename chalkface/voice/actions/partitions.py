"""PostgreSQL: keep a partition of the check-ins ready for each month up to two years ahead.

Check-ins are partitioned by the month of their week (migration ``voice.0006``), so that a query for some
months reads only those months' tables and a year of weekly check-ins stays fast. The worker's sweep calls
:func:`ensure_month_partitions`; it costs one catalogue query when nothing is missing. A check-in outside
every month made lands in the default partition, so nothing is ever refused for want of one. SQLite keeps
one table and this does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

TABLE = "voice_response"
MONTHS_AHEAD = 24


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month.year}m{month.month:02d}"


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_partitions() -> list[str]:
    """The names of the check-ins' partitions (the default one too), or [] if the table is not partitioned."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure_month_partitions(today: dt.date | None = None, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Make the partitions missing from this month to ``months_ahead`` months ahead; returns those made."""
    existing = set(month_partitions())
    if not existing:
        return []
    month = (today or dt.date.today()).replace(day=1)
    made = []
    for _ in range(months_ahead + 1):
        name = partition_name(month)
        if name not in existing:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} "
                    f"FOR VALUES FROM ('{month.isoformat()}') TO ('{_next(month).isoformat()}')"
                )
            made.append(name)
        month = _next(month)
    return made
