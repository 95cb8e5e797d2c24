"""PostgreSQL: check-ins partitioned by the month of their week (declarative range partitioning), with the
months from the first check-in (or January 2024) to two years ahead created now and a default partition for
anything outside them; the worker's sweep keeps two years ahead ready (chalkface.voice.actions.partitions).

The table is rebuilt once: renamed aside, a partitioned table made like it (columns, defaults, NOT NULL and
CHECK constraints), its primary key (id, week) as partitioning requires, the rows copied, its indexes and
foreign keys made again under the same names, and the old table dropped. Nothing refers to check-ins by
foreign key, so nothing else changes. SQLite keeps one table."""

import datetime as dt

from django.db import migrations

TABLE = "voice_response"
FIRST_MONTH = dt.date(2024, 1, 1)
MONTHS_AHEAD = 24


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _partition(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        if cursor.fetchone():
            return
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
            [TABLE],
        )
        indexes = [(name, sql) for name, sql in cursor.fetchall() if name != f"{TABLE}_pkey"]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(f"SELECT min(week) FROM {TABLE}")
        earliest = cursor.fetchone()[0]
    first = min(FIRST_MONTH, earliest) if earliest else FIRST_MONTH
    today = dt.date.today()
    last = (today.replace(day=1) + dt.timedelta(days=31 * MONTHS_AHEAD)).replace(day=1)
    old = f"{TABLE}_unpartitioned"
    execute = schema_editor.execute
    execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    execute(f"ALTER TABLE {old} RENAME CONSTRAINT {TABLE}_pkey TO {old}_pkey")
    for i, (name, _sql) in enumerate(indexes):
        execute(f'ALTER INDEX "{name}" RENAME TO "{old}_index_{i}"')
    execute(
        f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
        "PARTITION BY RANGE (week)"
    )
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, week)")
    execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    for month in _months(first, last):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        execute(
            f"CREATE TABLE {TABLE}_y{month.year}m{month.month:02d} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
        )
    execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")
    for _name, sql in indexes:
        execute(sql)
    for name, definition in foreign_keys:
        execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    execute(f"DROP TABLE {old}")
    execute(f"ANALYZE {TABLE}")


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("voice", "0005_campaign_name_cy")]
    operations = [migrations.RunPython(_partition, migrations.RunPython.noop)]
