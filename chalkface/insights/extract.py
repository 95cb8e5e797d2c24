"""A columnar copy of the check-ins, for analysis: Parquet files, one a month, read with Polars.

Pages never load check-ins through the ORM or decode answers from JSON: the typed columns of every check-in
(its campaign, workplace, tool, version, week, role, the core measures and its record key) are copied into
``DATA_DIR/extract/`` and read from there, only the columns and rows a figure needs. Check-ins are never
changed once they are in the results, only added (in batches, see :mod:`chalkface.voice.actions.mixing`),
so a month's file is rewritten when its check-ins change (their number and the sum of their random
record keys tell). :func:`refresh` does
it, on the task worker's sweep and, if it has not run, on the first read that finds the copy behind.

SQLite and PostgreSQL give the same files, so the same figures. The files hold no more than the table does
(no free text), are readable by the server's user only, and their rows are ordered by campaign, tool,
workplace and record key: no order of arrival.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone

from chalkface.voice.models import MEASURE_COLUMNS, Response

COLUMNS: tuple[str, ...] = (
    "campaign_id",
    "workplace_id",
    "tool_id",
    "tool_version_id",
    "week",
    "role",
    *MEASURE_COLUMNS,
    "record_key",
)
SCHEMA: dict[str, Any] = {
    "campaign_id": pl.Int64,
    "workplace_id": pl.Int64,
    "tool_id": pl.Int64,
    "tool_version_id": pl.Int64,
    "week": pl.Date,
    "role": pl.String,
    "time_saved_hours": pl.Float64,
    **{m: pl.Int64 for m in MEASURE_COLUMNS if m != "time_saved_hours"},
    "record_key": pl.Int64,
}
_LOCK = threading.Lock()


def extract_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "extract"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _manifest_path() -> Path:
    return extract_dir() / "manifest.json"


def _read_manifest() -> dict[str, Any]:
    path = _manifest_path()
    if not path.exists():
        return {"months": {}, "fingerprint": None, "built_at": None}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table() -> str:
    return _q(Response._meta.db_table)


def _references() -> str:
    """The sum of the references a check-in carries (campaign, workplace, tool, version), in SQL: with the
    record keys, a copy of the same answers under other campaigns or workplaces is told apart."""
    columns = ("campaign", "workplace", "tool", "tool_version")
    return " + ".join(f"coalesce(sum({_q(Response._meta.get_field(c).column)}), 0)" for c in columns)


def _fingerprint() -> str:
    """How many check-ins there are, and the sum of their (random) record keys and of their references: it
    changes whenever one is added, removed or moved, and two different sets of check-ins practically never
    share it."""
    key = _q(Response._meta.get_field("record_key").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum({key}), 0), {_references()} FROM {_table()}")  # noqa: S608
        n, total, refs = cursor.fetchone()
    return f"{int(n)}:{int(total)}:{int(refs)}"


def change_state() -> str | None:
    """A cheap look at whether the check-ins may have changed: the token a trigger renews whenever
    check-ins are added, changed or deleted (migration voice 0007), one row. ``None`` when the row is
    missing: then only the full fingerprint tells."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM voice_checkinchange WHERE id = 1")
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _month_counts() -> dict[str, str]:
    week = _q(Response._meta.get_field("week").column)
    key = _q(Response._meta.get_field("record_key").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {week}, count(*), sum({key}), {_references()} FROM {_table()} GROUP BY {week}"  # noqa: S608
        )
        rows = cursor.fetchall()
    counts: dict[str, list[int]] = {}
    for day, n, total, refs in rows:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        month = counts.setdefault(f"{day:%Y-%m}", [0, 0, 0])
        month[0] += int(n)
        month[1] += int(total)
        month[2] += int(refs)
    return {month: f"{n}:{total}:{refs}" for month, (n, total, refs) in counts.items()}


def _month_frame(month: str) -> pl.DataFrame:
    """Every check-in of one month (by its week's Monday), in the extract's columns and types."""
    start = dt.date.fromisoformat(f"{month}-01")
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    columns = [
        Response._meta.get_field(c.removesuffix("_id")).column if c.endswith("_id") else c for c in COLUMNS
    ]
    select = ", ".join(_q(c) for c in columns)
    week = _q(Response._meta.get_field("week").column)
    sql = f"SELECT {select} FROM {_table()} WHERE {week} >= %s AND {week} < %s"  # noqa: S608 - model metadata
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            literal = raw.mogrify(sql, [start, end])
            with raw.copy(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv)") as copy:
                for data in copy:
                    buffer.write(data)
        buffer.seek(0)
        if buffer.getbuffer().nbytes == 0:
            return pl.DataFrame(schema=SCHEMA)
        frame = pl.read_csv(buffer, has_header=False, new_columns=list(COLUMNS), schema_overrides=SCHEMA)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [start.isoformat(), end.isoformat()])
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=list(COLUMNS), orient="row")
        frame = frame.with_columns(pl.col("week").cast(pl.String).str.to_date())
        frame = frame.cast({c: t for c, t in SCHEMA.items() if c != "week"})  # type: ignore[arg-type]
    return frame.with_columns(pl.col("role").fill_null("")).sort(
        ["campaign_id", "tool_id", "workplace_id", "record_key"], nulls_last=True
    )


def _write(frame: pl.DataFrame, path: Path) -> None:
    temporary = path.with_suffix(".tmp")
    frame.write_parquet(temporary)
    temporary.chmod(0o600)
    os.replace(temporary, path)


def refresh(*, force: bool = False, verify: bool = False) -> dict[str, Any]:
    """Bring the copy up to date: rewrite the months whose check-ins changed. Returns the manifest (each
    month's fingerprint, the whole table's, and when it was built).

    A page view looks first at :func:`change_state` (one row): if it is what it was when the copy was
    last checked, the copy is current and nothing is counted. Otherwise, and always with ``verify`` (the
    worker's sweep, every minute, in case anything changed the check-ins with the trigger off), the whole
    table's fingerprint decides."""
    with _LOCK:
        manifest = _read_manifest()
        state = change_state()
        if not force and not verify and state is not None and manifest.get("state") == state:
            return manifest
        fingerprint = _fingerprint()
        if not force and manifest.get("fingerprint") == fingerprint:
            if manifest.get("state") != state:
                manifest = {**manifest, "state": state}
                _write_manifest(manifest)
            return manifest
        counts = _month_counts()
        folder = extract_dir()
        known: dict[str, str] = dict(manifest.get("months") or {})
        for month, n in counts.items():
            if force or known.get(month) != n:
                _write(_month_frame(month), folder / f"{month}.parquet")
        for month in set(known) - set(counts):
            (folder / f"{month}.parquet").unlink(missing_ok=True)
        manifest = {
            "months": counts,
            "fingerprint": fingerprint,
            "state": state,
            "built_at": timezone.now().isoformat(timespec="minutes"),
        }
        _write_manifest(manifest)
        return manifest


def _write_manifest(manifest: dict[str, Any]) -> None:
    path = _manifest_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


_PINNED = threading.local()


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """Within this block, every read of the check-ins sees the copy as it was at its start: one check of the
    database instead of one per read (``chalkface alerts`` reads once per subscription)."""
    if getattr(_PINNED, "manifest", None) is not None:
        yield
        return
    _PINNED.manifest = refresh()
    try:
        yield
    finally:
        _PINNED.manifest = None


def checkins() -> tuple[pl.LazyFrame, dict[str, Any]]:
    """Every check-in in the results, as a lazy frame to filter, with the manifest saying when the copy
    was made. Refreshes the copy first if the database holds more check-ins than it does (except within
    :func:`snapshot`)."""
    pinned = getattr(_PINNED, "manifest", None)
    manifest = pinned if pinned is not None else refresh()
    files = sorted(str(p) for p in extract_dir().glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=SCHEMA).lazy(), manifest
    return pl.scan_parquet(files, schema=SCHEMA), manifest
