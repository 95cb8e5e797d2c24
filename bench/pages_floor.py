"""The floor for ``bench/pages.py``: the figures each insight page shows, computed directly in DuckDB over a
Parquet extract of the check-ins, with nothing else in the way (no ORM, no Django, no HTTP).

The extract is written from PostgreSQL with ``COPY (SELECT ...) TO STDOUT``: one row per check-in, answers as
typed columns (today they are read out of the JSON ``answers`` column; a measure that has its own column in
the response table is read from that column instead), the workplace context joined on. Incidents,
deployments and tool versions go out the same way (they are small).

What each page's floor computes, per cell (the groups each page shows) and per measure: n, the sum and the
sum of squares, the share agreeing (4 or 5 on the agreement scale), and from per-workplace sums the
ingredients of the workplace-clustered variance (sum over workplaces of n_c^2, n_c S_c, S_c^2 and the same
for the agreeing count), finished into the mean, the share and their clustered standard errors. Disclosure
control on those few hundred cells, the release history and rendering are not in the floor: they are what
the page may add on top, within the goal of 4x.
"""

# ruff: noqa: S608 - the SQL here is built from the benchmark's own table names, columns and values

from __future__ import annotations

import io
import math
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MEASURES: tuple[str, ...] = ("time_saved_hours", "workload", "quality", "wellbeing", "trust", "data_concern")
AGREEMENT = MEASURES[1:]
AGREE_FROM = 4
TOOL_GROUPINGS = ("version_label", "role", "phase", "region", "deprivation_quintile", "it_rating")
BRIEF_GROUPINGS = ("version_label", "role", "deprivation_quintile")
EXPORT_GROUPINGS = ("tool_id", "tool_version", "role", "phase", "region", "deprivation_quintile")
DONT_KNOW = "dont_know"


# --- The extract (PostgreSQL COPY) --------------------------------------------------------------------------


def _answer(column: str, typed: set[str], integer: bool) -> str:
    if column in typed:  # a typed column in the response table (after the rewrite)
        value = f"r.{column}"
        return f"round({value})::int2 AS {column}" if integer else f"{value}::float8 AS {column}"
    raw = f"(r.answers->>'{column}')"
    number = f"CASE WHEN {raw} ~ '^\\s*-?[0-9]+(\\.[0-9]*)?\\s*$' THEN {raw}::numeric END"
    return f"round({number})::int2 AS {column}" if integer else f"({number})::float8 AS {column}"


def write_extract(dsn: str, tables: dict[str, str], out: Path) -> dict[str, Any]:
    """Write checkins.parquet (and incidents, deployments, versions) to ``out``; returns timings and sizes."""
    import polars as pl
    import psycopg

    out.mkdir(parents=True, exist_ok=True)
    r, tool, version, org = tables["response"], tables["tool"], tables["version"], tables["organisation"]
    with psycopg.connect(dsn) as conn:
        typed = {
            name
            for (name,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [r]
            ).fetchall()
        }
        answers = ",\n  ".join(_answer(m, typed & set(MEASURES), m in AGREEMENT) for m in MEASURES)
        role = "COALESCE(NULLIF(r.role, ''), r.answers->>'role', '')" if "answers" in typed else "r.role"
        checkins = f"""
SELECT r.campaign_id, r.workplace_id, t.slug AS tool_id, COALESCE(v.label, '{DONT_KNOW}') AS version_label,
  r.week, {role} AS role,
  {answers},
  NULLIF(o.phase, '') AS phase, NULLIF(o.region, '') AS region, o.deprivation_quintile, o.it_rating
FROM {r} r JOIN {tool} t ON t.id = r.tool_id LEFT JOIN {version} v ON v.id = r.tool_version_id
JOIN {org} o ON o.id = r.workplace_id"""
        small = {
            "incidents": f"""
SELECT i.campaign_id, i.workplace_id, t.slug AS tool_id, COALESCE(v.label, '{DONT_KNOW}') AS version_label,
  i.month, i.category, i.severity
FROM {tables["incident"]} i JOIN {tool} t ON t.id = i.tool_id
LEFT JOIN {version} v ON v.id = i.tool_version_id""",
            "deployments": f"""
SELECT t.slug AS tool_id, d.workplace_id, d.starts_on, d.ends_on
FROM {tables["deployment"]} d JOIN {tool} t ON t.id = d.tool_id""",
            "versions": f"""
SELECT t.slug AS tool_id, v.label AS version_label, v.release_date
FROM {version} v JOIN {tool} t ON t.id = v.tool_id""",
        }
        figures: dict[str, Any] = {}
        started = time.perf_counter()
        buffer = _copy(conn, checkins)
        copied = time.perf_counter()
        schema = {
            "campaign_id": pl.Int64,
            "workplace_id": pl.Int64,
            "tool_id": pl.String,
            "version_label": pl.String,
            "week": pl.Date,
            "role": pl.String,
            "time_saved_hours": pl.Float64,
            **{m: pl.Int16 for m in AGREEMENT},
            "phase": pl.String,
            "region": pl.String,
            "deprivation_quintile": pl.Int16,
            "it_rating": pl.Int16,
        }
        frame = pl.read_csv(buffer, schema=schema)
        path = out / "checkins.parquet"
        frame.write_parquet(path, compression="zstd", row_group_size=256_000)
        done = time.perf_counter()
        figures.update(
            {
                "rows": frame.height,
                "copy_s": copied - started,
                "parquet_s": done - copied,
                "total_s": done - started,
                "csv_mb": buffer.getbuffer().nbytes / 1e6,
                "parquet_mb": path.stat().st_size / 1e6,
            }
        )
        del frame, buffer
        for name, sql in small.items():
            part = pl.read_csv(_copy(conn, sql), try_parse_dates=True, infer_schema_length=None)
            part.write_parquet(out / f"{name}.parquet")
            figures[f"{name}_rows"] = part.height
    return figures


def _copy(conn: Any, sql: str) -> io.BytesIO:
    buffer = io.BytesIO()
    with conn.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    return buffer


# --- The figures (DuckDB) -----------------------------------------------------------------------------------


def _quote(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def where(**conditions: Any) -> str:
    """A WHERE clause from column = value (a list or tuple means IN)."""
    parts = []
    for column, value in conditions.items():
        if isinstance(value, list | tuple):
            parts.append(f"{column} IN ({', '.join(_quote(v) for v in value)})")
        else:
            parts.append(f"{column} = {_quote(value)}")
    return ("WHERE " + " AND ".join(parts)) if parts else ""


# Workplace context: the same for every check-in from a workplace, so grouping by it as well as by the
# workplace adds no groups, and the per-workplace sums serve every one of them.
WORKPLACE_CONTEXT = ("phase", "region", "deprivation_quintile", "it_rating")


def _sums(measures: Sequence[str], cluster: str | None) -> tuple[list[str], list[str]]:
    first, second = [], []
    for m in measures:
        y = f"{m}::DOUBLE"  # sums of small integers would be 128-bit integers in DuckDB, and slow
        if cluster is None:  # one row per check-in
            first += [f"({m} IS NOT NULL)::DOUBLE AS n_{m}", f"coalesce({y}, 0) AS s_{m}"]
            first += [f"coalesce({y} * {y}, 0) AS q_{m}"]
        else:
            first += [f"count({m})::DOUBLE AS n_{m}", f"sum({y}) AS s_{m}", f"sum({y} * {y}) AS q_{m}"]
        second += [
            f"sum(n_{m}) AS n_{m}",
            f"sum(s_{m}) AS s_{m}",
            f"sum(q_{m}) AS q_{m}",
            f"sum(n_{m} * n_{m}) AS nn_{m}",
            f"sum(s_{m} * n_{m}) AS sn_{m}",
            f"sum(s_{m} * s_{m}) AS ss_{m}",
            f"count(*) FILTER (WHERE n_{m} > 0) AS nc_{m}",
        ]
        if m in AGREEMENT:
            agree = f"({m} >= {AGREE_FROM})"
            first.append(
                f"coalesce({agree}::DOUBLE, 0) AS a_{m}"
                if cluster is None
                else f"count(*) FILTER (WHERE {agree})::DOUBLE AS a_{m}"
            )
            second += [
                f"sum(a_{m}) AS a_{m}",
                f"sum(a_{m} * n_{m}) AS an_{m}",
                f"sum(a_{m} * a_{m}) AS aa_{m}",
            ]
    return first, second


def estimates_sql(
    source: str,
    condition: str,
    groupings: Sequence[Sequence[str]],
    measures: Sequence[str] = MEASURES,
    cluster: str | None = "workplace_id",
) -> str:
    """Means and shares with workplace-clustered standard errors for each cell of each grouping, in one
    statement: per (cell, workplace) n, sum, sum of squares, agreeing count; then per cell the sums over
    workplaces that give the clustered (linearised) variance (:func:`finish` turns them into estimates).

    The per-workplace sums are made once for the keys that vary within a workplace (version, role, tool)
    and once for the workplace with its context, and each grouping sums the set it needs. With
    ``cluster=None`` (figures for single workplaces) each check-in is its own cluster; then only one
    grouping."""
    first, second = _sums(measures, cluster)
    if cluster is None:
        if len(groupings) != 1:
            raise ValueError("without a cluster, one grouping at a time")
        keys = list(groupings[0])
        listed = "".join(f"{k}, " for k in keys)
        by = ", ".join(keys) if keys else "()"
        return f"""
WITH cells AS (SELECT {listed}{", ".join(first)} FROM {source} {condition})
SELECT {listed}{", ".join(second)} FROM cells GROUP BY {by}"""
    within: list[tuple[str, ...]] = []
    for g in groupings:
        w = tuple(c for c in g if c not in WORKPLACE_CONTEXT)
        if w not in within:
            within.append(w)
    context = sorted({c for g in groupings for c in g if c in WORKPLACE_CONTEXT})
    keys = sorted({c for w in within for c in w})
    columns = [*keys, *context]
    sets = ", ".join("(" + ", ".join([*w, cluster, *context]) + ")" for w in within)
    gid = f"GROUPING({', '.join(keys)})" if keys else "0"
    parts = []
    for i, g in enumerate(groupings):
        # the set of per-workplace sums this grouping adds up: GROUPING()'s bit mask of the keys it lacks
        mask = sum(1 << (len(keys) - 1 - n) for n, c in enumerate(keys) if c not in g)
        chosen = [c if c in g else f"NULL AS {c}" for c in columns]
        by = ", ".join(g) if g else "()"
        parts.append(
            f"SELECT {', '.join([f'{i} AS grouping', *chosen, *second])} FROM cells WHERE gid = {mask} "
            f"GROUP BY {by}"
        )
    listed = "".join(f"{c}, " for c in columns)
    union = "\nUNION ALL\n".join(parts)
    return f"""
WITH cells AS MATERIALIZED (
  SELECT {listed}{cluster}, {gid} AS gid, {", ".join(first)}
  FROM {source} {condition}
  GROUP BY GROUPING SETS ({sets})
)
{union}"""


def finish(columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Each cell's mean (and share agreeing) with its workplace-clustered standard error, from the sums of
    :func:`estimates_sql`: var = C/(C-1) * sum_c (S_c - mean n_c)^2 / n^2."""
    out = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        for m in MEASURES:
            n = row.get(f"n_{m}")
            if not n:
                continue
            c, nn, q = row[f"nc_{m}"], row[f"nn_{m}"], row[f"q_{m}"]
            for stat, total, cross, square in (
                ("mean", row[f"s_{m}"], row[f"sn_{m}"], row[f"ss_{m}"]),
                ("share", row.get(f"a_{m}"), row.get(f"an_{m}"), row.get(f"aa_{m}")),
            ):
                if total is None:
                    continue
                estimate = total / n
                if c > 1:
                    spread = square - 2 * estimate * cross + estimate * estimate * nn
                    se = math.sqrt(c / (c - 1) * max(spread, 0.0)) / n
                else:  # one workplace: the check-ins as independent
                    within = (q if stat == "mean" else total) - n * estimate * estimate
                    se = math.sqrt(max(within, 0.0)) / n
                row[f"{stat}_{m}"], row[f"se_{stat}_{m}"] = estimate, se
        out.append(row)
    return out


def distribution_sql(source: str, condition: str, by: str) -> str:
    """Answers per value per group (rank-biserial and odds ratios of the version comparison need them)."""
    columns = ", ".join(f"{m}::DOUBLE AS {m}" for m in MEASURES)
    return f"""
SELECT {by}, measure, value, count(*) AS n FROM (
  UNPIVOT (SELECT {by}, {columns} FROM {source} {condition})
  ON {", ".join(MEASURES)} INTO NAME measure VALUE value
) GROUP BY ALL ORDER BY ALL"""


def exposure_sql(folder: Path, until: str) -> str:
    """Deployment-months per tool, version and month (the version live mid-month), for incident rates."""
    return f"""
WITH deployments AS (
  SELECT tool_id, date_trunc('month', starts_on) AS first,
    date_trunc('month', least(coalesce(ends_on, DATE '{until}'), DATE '{until}')) AS last
  FROM '{folder}/deployments.parquet'
), calendar AS (
  SELECT unnest(generate_series(min(first), max(last), INTERVAL 1 MONTH))::DATE AS month FROM deployments
), months AS (
  SELECT d.tool_id, c.month, c.month + 14 AS middle, count(*) AS deployment_months
  FROM deployments d JOIN calendar c ON c.month BETWEEN d.first AND d.last GROUP BY ALL
)
SELECT m.tool_id, v.version_label, m.month, m.deployment_months FROM months m
ASOF JOIN '{folder}/versions.parquet' v ON m.tool_id = v.tool_id AND m.middle >= v.release_date
ORDER BY ALL"""


def floor_queries(folder: Path, target: dict[str, Any]) -> dict[str, list[str]]:
    """For each measured call, the statements that compute the figures it shows."""
    checkins = f"'{folder}/checkins.parquet'"
    incidents = f"'{folder}/incidents.parquet'"
    tool, before, after = target["tool"], target["before"], target["after"]
    known = "WHERE version_label <> 'dont_know'"
    signals = [
        # version changes: every tool's every version, clustered; equity: by deprivation quintile
        estimates_sql(checkins, known, [("tool_id", "version_label")]),
        estimates_sql(
            checkins, "", [("tool_id", "deprivation_quintile")], measures=("workload", "time_saved_hours")
        ),
        f"SELECT tool_id, version_label, date_trunc('month', month) AS month, count(*) FROM {incidents} "
        "GROUP BY ALL ORDER BY ALL",
        exposure_sql(folder, target["today"]),
    ]
    tool_page = [
        estimates_sql(checkins, where(tool_id=tool), [(), *((g,) for g in TOOL_GROUPINGS)]),
        f"SELECT count(*), count(DISTINCT workplace_id) FROM {checkins} {where(tool_id=tool)}",
        f"SELECT category, severity, count(*) FROM {incidents} {where(tool_id=tool)} GROUP BY ALL",
    ]
    pair = where(tool_id=tool, version_label=[before, after])
    compare = [
        estimates_sql(checkins, pair, [("version_label",)]),
        distribution_sql(checkins, pair, "version_label"),
    ]
    slice_ = where(tool_id=tool, role=target["role"], phase=target["phase"])
    workplace = where(workplace_id=target["workplace_id"])
    subscribed = target.get("alert_workplaces") or [target["workplace_id"]]
    alerts_for = lambda places: [  # noqa: E731
        *signals,
        estimates_sql(checkins, where(workplace_id=places), [("workplace_id",)], cluster=None),
        f"SELECT workplace_id, count(*) FROM {incidents} {where(workplace_id=places)} GROUP BY ALL",
    ]
    export_source = f"(SELECT *, tool_id || ' ' || version_label AS tool_version FROM {checkins})"
    return {
        "overview": [
            f"SELECT campaign_id, count(*) FROM {checkins} GROUP BY ALL",
            f"SELECT tool_id, count(*) FROM {checkins} GROUP BY ALL ORDER BY ALL",
            f"SELECT count(*), count(DISTINCT workplace_id) FROM {checkins}",
            *signals,
        ],
        "tool": tool_page,
        "tool_filtered": [
            estimates_sql(checkins, slice_, [()]),
            f"SELECT count(*), count(DISTINCT workplace_id) FROM {checkins} {slice_}",
        ],
        "compare": compare,
        "workplace": [
            estimates_sql(checkins, workplace, [()], cluster=None),
            f"SELECT category, severity, count(*) FROM {incidents} {workplace} GROUP BY ALL",
        ],
        "brief": [
            estimates_sql(checkins, where(tool_id=tool), [(), *((g,) for g in BRIEF_GROUPINGS)]),
            f"SELECT count(*), count(DISTINCT workplace_id) FROM {checkins} {where(tool_id=tool)}",
            f"SELECT category, severity, count(*) FROM {incidents} {where(tool_id=tool)} GROUP BY ALL",
            *compare,
        ],
        "api_tool": tool_page,
        "api_export": [
            estimates_sql(export_source, "", [(), *((g,) for g in EXPORT_GROUPINGS)]),
        ],
        "alerts_1": alerts_for(subscribed[:1]),
        "alerts_100": alerts_for(subscribed[:100]),
    }


def run_floor(
    folder: Path,
    target: dict[str, Any],
    repeat: int,
    calls: Sequence[str],
    threads: int = 1,
    echo: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Median time (of ``repeat``) of each call's floor statements, and the number of rows they returned.

    ``threads``: DuckDB's threads. One by default: a web worker serves one request on one core, and on a
    small shared machine more threads only contend (measured: 2 threads on 2 busy cores took 2.5x as long).
    """
    import duckdb

    queries = floor_queries(folder, target)
    out: dict[str, dict[str, Any]] = {}
    conn = duckdb.connect()
    conn.execute(f"SET threads = {int(threads)}")
    try:
        for call in calls:
            statements = queries.get(call)
            if not statements:
                continue
            times, rows = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                rows = 0
                for sql in statements:
                    cursor = conn.execute(sql)
                    found = cursor.fetchall()
                    if sql.lstrip().startswith("WITH cells AS"):  # sums: finish the estimates
                        found = finish([d[0] for d in cursor.description], found)
                    rows += len(found)
                times.append(time.perf_counter() - started)
            out[call] = {
                "median_s": statistics.median(times),
                "min_s": min(times),
                "times_s": times,
                "rows": rows,
            }
            echo(f"  floor {call:<14} {out[call]['median_s']:.3f} s ({rows} result rows)")
    finally:
        conn.close()
    return out
