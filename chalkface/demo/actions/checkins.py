"""Bulk-loading synthetic check-ins and incident reports (``chalkface synth`` output) into the voice models.

Run after the register tables are loaded (by :func:`chalkface.demo.actions.load_synth`): workplaces are
matched by URN, tools by slug (the synth ``tool_id``), versions by label. On PostgreSQL the check-ins go
in with ``COPY`` (a million in well under a minute); on SQLite with batched ``executemany``. Either way the
load is one transaction, and loading the same data twice is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.demo.files import LoadError, read_synth_table
from chalkface.register.models import Tool, ToolVersion
from chalkface.voice import core_checkin
from chalkface.voice.models import (
    MEASURE_COLUMNS,
    RECORD_KEY_RANGE,
    Campaign,
    CampaignShare,
    IncidentReport,
    QuestionSet,
    Response,
    Share,
    Source,
    week_of,
)
from chalkface.workplaces.models import Organisation

CHUNK = 100_000
DONT_KNOW = "dont_know"
# Synth columns that become answers (by question code); the rest describe the row.
_NOT_ANSWERS = frozenset(
    {
        "response_id",
        "workplace_id",
        "tool_id",
        "version_label",
        "submitted_on",
        "week",
        "pupil_ai_module",
        "comment_theme",
    }
)
_COLUMNS = (
    "id",
    "campaign_id",
    "question_set_version_id",
    "workplace_id",
    "tool_id",
    "tool_version_id",
    "week",
    "role",
    "answers",
    "source",
    "lower_trust",
    *MEASURE_COLUMNS,
    "record_key",
)


def _random_uuids(n: int) -> pl.Series:
    """n random (version 4) UUIDs as 32-character hex strings, fast."""
    raw = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    nibbles = np.empty((n, 32), dtype=np.uint8)
    nibbles[:, 0::2] = raw >> 4
    nibbles[:, 1::2] = raw & 0x0F
    text = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles]
    return pl.Series("id", np.ascontiguousarray(text).view("S32").ravel()).cast(pl.String)


def _lookups(workplaces: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    urn_to_id = dict(Organisation.objects.filter(urn__isnull=False).values_list("urn", "id"))
    places = workplaces.select(
        pl.col("workplace_id").cast(pl.String),
        pl.col("urn")
        .cast(pl.Int64)
        .replace_strict(urn_to_id, default=None, return_dtype=pl.Int64)
        .alias("wp"),
    )
    missing = places.filter(pl.col("wp").is_null())
    if missing.height:
        raise LoadError(
            f"{missing.height} synthetic workplaces are not in the database; load the register first."
        )
    tools = {slug: pk for slug, pk in Tool.objects.values_list("slug", "id")}
    versions = pl.DataFrame(
        [
            (slug, label, pk)
            for slug, label, pk in ToolVersion.objects.values_list("tool__slug", "label", "id")
        ],
        schema={"tool_id": pl.String, "version_label": pl.String, "tv": pl.Int64},
        orient="row",
    )
    tool_frame = pl.DataFrame(
        {"tool_id": list(tools), "tl": list(tools.values())}, schema={"tool_id": pl.String, "tl": pl.Int64}
    )
    return places, tool_frame.join(versions, on="tool_id", how="left")


def response_frame(responses: pl.DataFrame, workplaces: pl.DataFrame, version_id: int) -> pl.DataFrame:
    """The synth check-ins as rows of the ``voice_response`` table, in ``_COLUMNS`` order."""
    places, tools = _lookups(workplaces)
    questions = {q["code"] for q in core_checkin.QUESTIONS}
    answer_columns = [c for c in responses.columns if c not in _NOT_ANSWERS and c in questions]
    frame = (
        responses.with_columns(
            pl.col("workplace_id").cast(pl.String),
            pl.col("tool_id").cast(pl.String),
            pl.col("version_label").cast(pl.String),
        )
        .join(places, on="workplace_id", how="left")
        .join(tools.select("tool_id", "tl").unique(), on="tool_id", how="left")
        .join(tools.select("tool_id", "version_label", "tv"), on=["tool_id", "version_label"], how="left")
    )
    if frame.filter(pl.col("tl").is_null()).height:
        raise LoadError("Some check-ins name tools that are not in the register; load the register first.")
    unknown = frame.filter(pl.col("tv").is_null() & (pl.col("version_label") != DONT_KNOW))
    if unknown.height:
        raise LoadError(f"{unknown.height} check-ins name tool versions that are not in the register.")
    answers = (
        pl.struct([pl.col(c) for c in answer_columns])
        .struct.json_encode()
        .str.replace_all(r'"[a-z_]+":null,?', "")
        .str.replace(r",\}$", "}")
    )
    return frame.select(
        _random_uuids(frame.height),
        pl.lit(None, dtype=pl.Int64).alias("campaign_id"),
        pl.lit(version_id, dtype=pl.Int64).alias("question_set_version_id"),
        pl.col("wp").alias("workplace_id"),
        pl.col("tl").alias("tool_id"),
        pl.col("tv").alias("tool_version_id"),
        pl.col("submitted_on").cast(pl.Date).dt.truncate("1w").alias("week"),
        pl.col("role").fill_null("").cast(pl.String),
        answers.alias("answers"),
        pl.lit(Source.SYNTHETIC).alias("source"),
        pl.lit(False).alias("lower_trust"),
        *(_typed(frame, code) for code in MEASURE_COLUMNS),
        _record_keys(frame.height),
    )


def _typed(frame: pl.DataFrame, code: str) -> pl.Expr:
    """A core measure as its typed column (see :func:`chalkface.voice.models.typed_measures`)."""
    if code not in frame.columns:
        dtype = pl.Float64 if code == "time_saved_hours" else pl.Int64
        return pl.lit(None, dtype=dtype).alias(code)
    if code == "time_saved_hours":
        return pl.col(code).cast(pl.Float64).alias(code)
    value = pl.col(code).cast(pl.Float64).round(0)
    return pl.when(value.is_between(1, 5)).then(value).otherwise(None).cast(pl.Int64).alias(code)


def _record_keys(n: int) -> pl.Series:
    """n random record keys (see :func:`chalkface.voice.models.new_record_key`)."""
    raw = np.frombuffer(os.urandom(4 * n), dtype=np.uint32) % RECORD_KEY_RANGE
    return pl.Series("record_key", raw.astype(np.int64))


def _chunks(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, CHUNK):
        yield frame.slice(offset, CHUNK)


def _write_responses(frame: pl.DataFrame) -> None:
    table = Response._meta.db_table
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for chunk in _chunks(frame):
                    buffer = io.BytesIO()
                    chunk.write_csv(buffer, include_header=False, null_value="")
                    copy.write(buffer.getvalue())
        else:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - fixed names
            for chunk in _chunks(frame.with_columns(pl.col("week").cast(pl.String))):
                cursor.executemany(sql, chunk.rows())


def _incidents(incidents: pl.DataFrame, workplaces: pl.DataFrame) -> list[IncidentReport]:
    places, tools = _lookups(workplaces)
    place = dict(places.iter_rows())
    tool_ids = dict(tools.select("tool_id", "tl").unique().iter_rows())
    version_ids = {
        (t, v): pk for t, v, pk in tools.select("tool_id", "version_label", "tv").iter_rows() if pk
    }
    reports = []
    for row in incidents.iter_rows(named=True):
        month = _month(row["month"])
        reports.append(
            IncidentReport(
                workplace_id=place[str(row["workplace_id"])],
                tool_id=tool_ids[str(row["tool_id"])],
                tool_version_id=version_ids.get((str(row["tool_id"]), str(row["version_label"]))),
                month=month,
                category=row["category"],
                affected=[a for a in (row["affected"] or "").split(";") if a],
                severity=row["severity"],
                harm_type=row["harm_type"] or "unclear",
                description=row["description"] or "",
                week=week_of(month),
                source=Source.SYNTHETIC,
            )
        )
    return reports


def _month(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    year, month = str(value)[:7].split("-")
    return dt.date(int(year), int(month), 1)


SYNTHETIC_CAMPAIGN = "synthetic-checkins"
SYNTHETIC_CAMPAIGN_NAME = "Synthetic check-ins"
SYNTHETIC_CAMPAIGN_NAME_CY = "Holiaduron synthetig"


def _synthetic_campaign(frame: pl.DataFrame, version: Any) -> Campaign:
    """The campaign the synthetic check-ins belong to, so that they are seen through the sharing rules like
    real ones: owned by a union branch, threshold 10, its results shared with the union above the branch."""
    union, _ = Organisation.objects.get_or_create(
        slug="demo-education-union", defaults={"kind": "union", "name": "Demo Education Union"}
    )
    branch, _ = Organisation.objects.get_or_create(
        slug="demo-education-union-branch",
        defaults={"kind": "union_branch", "name": "Demo Education Union branch", "parent": union},
    )
    weeks = frame["week"].cast(pl.Date)
    opens = weeks.min() if frame.height else dt.date.today()
    closes = weeks.max() if frame.height else opens
    campaign = Campaign.objects.create(
        slug=SYNTHETIC_CAMPAIGN,
        name=SYNTHETIC_CAMPAIGN_NAME,
        name_cy=SYNTHETIC_CAMPAIGN_NAME_CY,
        owner=branch,
        question_set_version=version,
        opens_on=opens,
        closes_on=closes + dt.timedelta(days=6),
        threshold=10,
    )
    places = frame["workplace_id"].unique().to_list()
    tools = frame["tool_id"].unique().to_list()
    campaign.workplaces.through.objects.bulk_create(
        [campaign.workplaces.through(campaign_id=campaign.pk, organisation_id=p) for p in places],
        batch_size=5000,
    )
    campaign.tools.set(Tool.objects.filter(pk__in=tools))
    CampaignShare.objects.create(campaign=campaign, organisation=union, what=Share.RESULTS)
    return campaign


def load_responses(directory: Path, *, actor: User | None = None) -> dict[str, int]:
    """Load ``responses`` and ``incidents`` from a synth folder; returns the rows written per table."""
    responses = read_synth_table(directory, "responses")
    workplaces = read_synth_table(directory, "workplaces")
    try:
        incidents = read_synth_table(directory, "incidents")
    except LoadError:
        incidents = pl.DataFrame()
    version = QuestionSet.objects.get(slug=core_checkin.SLUG).current()
    if Response.objects.filter(source=Source.SYNTHETIC).exists():
        raise LoadError(
            "Synthetic check-ins are already loaded; start from an empty database to load them again."
        )
    frame = response_frame(responses, workplaces, version.pk)
    reports = _incidents(incidents, workplaces) if incidents.height else []
    with transaction.atomic():
        campaign = _synthetic_campaign(frame, version)
        frame = frame.with_columns(pl.lit(campaign.pk, dtype=pl.Int64).alias("campaign_id"))
        for report in reports:
            report.campaign_id = campaign.pk
        _write_responses(frame)
        IncidentReport.objects.bulk_create(reports, batch_size=5000)
        counts = {"responses": frame.height, "incidents": len(reports)}
        audit.record(
            actor,
            "synth.voice_loaded",
            None,
            f"Loaded {frame.height} synthetic check-ins",
            counts,
            object_type="voice.response",
        )
    return counts
