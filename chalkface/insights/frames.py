"""Loading the check-ins a viewer may see as a Polars frame, with each workplace's context joined on.

For the insight layer's own analyses only: a frame is never shown or returned to anyone. What leaves goes
through :mod:`chalkface.evidence`, which applies disclosure control.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.utils import timezone

from chalkface.insights.wording import AGREEMENT_MEASURES, DONT_KNOW
from chalkface.register.models import Deployment, Tool, ToolVersion, label_live_on
from chalkface.voice.access import incident_scopes, narrow, result_scopes, scope_q
from chalkface.voice.models import Campaign, IncidentReport, Response
from chalkface.workplaces.models import Organisation


def today() -> dt.date:
    return timezone.localdate()


# Intervals are clustered by workplace: colleagues' answers are alike. The evidence layer falls back (with a
# note) when a figure's answers come from one workplace, and warns when they come from only 2 or 3.
CLUSTER = "workplace_id"


def tool_named(tool: Tool | str) -> Tool:
    if isinstance(tool, Tool):
        return tool
    found = Tool.objects.filter(slug=tool).first()
    if found is None:
        raise Tool.DoesNotExist(f"No tool with the slug {tool!r}")
    return found


_SCHEMA: dict[str, Any] = {m: pl.Int64 for m in sorted(AGREEMENT_MEASURES)} | {"time_saved_hours": pl.Float64}


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def frame_from_rows(rows: Sequence[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows of (campaign id, workplace id, tool slug, version label, week, role, answers) as a results frame
    with the workplace context joined on."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(7)]
    answers = columns[6]
    data: dict[str, Any] = {
        "campaign_id": pl.Series(columns[0], dtype=pl.Int64),
        "workplace_id": pl.Series(columns[1], dtype=pl.Int64),
        "tool_id": pl.Series(columns[2], dtype=pl.String),
        "version_label": pl.Series([v or DONT_KNOW for v in columns[3]], dtype=pl.String),
        "week": pl.Series(columns[4], dtype=pl.Date),
    }
    parsed = [json.loads(a) if isinstance(a, str) else (a or {}) for a in answers]
    data["role"] = pl.Series(
        [r or str(a.get("role") or "") for r, a in zip(columns[5], parsed, strict=True)], dtype=pl.String
    )
    for measure, dtype in _SCHEMA.items():
        values = [_number(a.get(measure)) for a in parsed]
        if dtype == pl.Int64:
            data[measure] = pl.Series([None if v is None else round(v) for v in values], dtype=pl.Int64)
        else:
            data[measure] = pl.Series(values, dtype=pl.Float64)
    return with_context(pl.DataFrame(data))


def with_context(frame: pl.DataFrame, places: pl.DataFrame | None = None) -> pl.DataFrame:
    """Join each response's workplace context (phase, region, deprivation quintile, IT self-rating) and add
    ``period`` (the quarter) and ``submitted_on`` (the week, as the evidence layer names it)."""
    if places is None:
        ids = frame["workplace_id"].unique().to_list()
        rows = list(
            Organisation.objects.filter(pk__in=ids).values_list(
                "pk", "phase", "region", "deprivation_quintile", "it_rating"
            )
        )
        places = pl.DataFrame(
            rows,
            schema={
                "workplace_id": pl.Int64,
                "phase": pl.String,
                "region": pl.String,
                "deprivation_quintile": pl.Int64,
                "it_rating": pl.Int64,
            },
            orient="row",
        )
    return frame.join(places, on="workplace_id", how="left").with_columns(
        pl.col("phase").replace("", None),
        pl.col("region").replace("", None),
        (pl.col("week").dt.year().cast(pl.String) + " Q" + pl.col("week").dt.quarter().cast(pl.String)).alias(
            "period"
        ),
        pl.col("week").alias("submitted_on"),
    )


def load(responses: QuerySet[Response]) -> pl.DataFrame:
    rows = list(
        responses.values_list(
            "campaign_id", "workplace_id", "tool__slug", "tool_version__label", "week", "role", "answers"
        ).iterator(chunk_size=20_000)
    )
    return frame_from_rows(rows)


def results_frame(
    user: Any,
    *,
    tool: Tool | str | None = None,
    campaign: Campaign | None = None,
    workplace: Organisation | None = None,
) -> pl.DataFrame:
    """The check-ins the user may see (by campaign sharing and role), as a Polars frame, one row per
    check-in, with the workplace context joined on. For the insight layer's own analyses only: it is never
    shown or returned to anyone. Raises ``PermissionDenied`` when a named campaign or workplace is not
    visible to the user."""
    scopes = narrow(result_scopes(user), campaign, workplace)
    responses = Response.objects.filter(scope_q(scopes))
    if tool is not None:
        responses = responses.filter(tool=tool_named(tool))
    return load(responses)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def exposure_frame(tool_slugs: Iterable[str], until: dt.date | None = None) -> pl.DataFrame:
    """Deployment-months per tool, version and month: one workplace using the tool for one month, counted
    against the version live in the middle of that month (the denominator of incident rates)."""
    until = until or today()
    releases: dict[str, list[tuple[dt.date, str]]] = {}
    for slug, label, released in ToolVersion.objects.filter(tool__slug__in=list(tool_slugs)).values_list(
        "tool__slug", "label", "release_date"
    ):
        releases.setdefault(slug, []).append((released, label))
    counts: dict[tuple[str, str, dt.date], float] = {}
    deployments = Deployment.objects.filter(tool__slug__in=list(releases)).values_list(
        "tool__slug", "starts_on", "ends_on"
    )
    for slug, starts, ends in deployments:
        ordered = sorted(releases[slug])
        for month in _months(starts, min(ends or until, until)):
            live = label_live_on(ordered, month + dt.timedelta(days=14))
            if live is not None:
                key = (slug, live, month)
                counts[key] = counts.get(key, 0.0) + 1.0
    return pl.DataFrame(
        [(t, v, m, n) for (t, v, m), n in counts.items()],
        schema={
            "tool_id": pl.String,
            "version_label": pl.String,
            "month": pl.Date,
            "deployment_months": pl.Float64,
        },
        orient="row",
    )


def incident_frame(user: Any) -> pl.DataFrame:
    scopes = incident_scopes(user)
    rows = (
        list(
            IncidentReport.objects.filter(scope_q(scopes)).values_list(
                "tool__slug", "tool_version__label", "month"
            )
        )
        if scopes
        else []
    )
    return pl.DataFrame(
        [(t, v or DONT_KNOW, m) for t, v, m in rows],
        schema={"tool_id": pl.String, "version_label": pl.String, "month": pl.Date},
        orient="row",
    )


def releases_frame(tool_slugs: Iterable[str]) -> pl.DataFrame:
    rows = list(
        ToolVersion.objects.filter(tool__slug__in=list(tool_slugs)).values_list(
            "tool__slug", "label", "release_date"
        )
    )
    return pl.DataFrame(
        rows, schema={"tool_id": pl.String, "version_label": pl.String, "released_on": pl.Date}, orient="row"
    )
