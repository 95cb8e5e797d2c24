"""The check-ins and incident reports a viewer may see, as Polars frames with each workplace's context.

For the insight layer's own analyses only: a frame is never shown or returned to anyone. Figures leave
through :mod:`chalkface.evidence` under :func:`policy_for` (threshold, complementary suppression and cell-key
perturbation) and through :func:`chalkface.insights.release.publish`.

Check-ins come from the columnar copy (:mod:`chalkface.insights.extract`), never through the ORM.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from chalkface.evidence import CellKey, DisclosurePolicy, HistoryGate
from chalkface.insights.extract import checkins
from chalkface.insights.wording import AGREEMENT_MEASURES, DONT_KNOW
from chalkface.register.models import Deployment, Tool, ToolVersion
from chalkface.voice.access import Scopes, incident_scopes, narrow, result_scopes, scope_q
from chalkface.voice.models import Campaign, IncidentReport
from chalkface.workplaces.models import Organisation


def today() -> dt.date:
    return timezone.localdate()


# Intervals are clustered by workplace: colleagues' answers are alike. The evidence layer falls back (with a
# note) when a figure's answers come from one workplace, and warns when they come from only 2 or 3.
CLUSTER = "workplace_id"

#: The cell-key perturbation of every figure the insight layer shows. The ranges are the instrument's: time
#: saved runs from -10 to +10 hours a week, agreement from 1 to 5.
CELL_KEY = CellKey(scales=(("time_saved_hours", 20.0), *((m, 4.0) for m in sorted(AGREEMENT_MEASURES))))


def policy_for(k: int, gate: HistoryGate | None = None) -> DisclosurePolicy:
    """The disclosure rules of every figure shown to anyone: nothing for fewer than ``k``, complementary
    suppression, cell-key perturbation, and (with ``gate``, from :func:`chalkface.insights.history.gate_for`)
    the release history (see docs/methods.md)."""
    return DisclosurePolicy(k=k, cell_key=CELL_KEY, history=gate)


def tool_named(tool: Tool | str) -> Tool:
    if isinstance(tool, Tool):
        return tool
    found = Tool.objects.filter(slug=tool).first()
    if found is None:
        raise Tool.DoesNotExist(f"No tool with the slug {tool!r}")
    return found


# Workplace context changes rarely (an employer lead edits it, an import of the schools register updates it),
# so each process keeps it for CONTEXT_SECONDS, and forgets it at once when it changes in this process.
CONTEXT_SECONDS = 60.0
_context: list[tuple[float, pl.DataFrame]] = []


def _forget_context(**kwargs: Any) -> None:
    _context.clear()


post_save.connect(_forget_context, sender=Organisation, dispatch_uid="insights.forget_context")
post_delete.connect(_forget_context, sender=Organisation, dispatch_uid="insights.forget_context")


def workplace_context() -> pl.DataFrame:
    """Every workplace's phase, region, deprivation quintile and IT self-rating."""
    if _context and time.monotonic() - _context[0][0] < CONTEXT_SECONDS:
        return _context[0][1]
    rows = list(
        Organisation.objects.values_list("pk", "phase", "region", "deprivation_quintile", "it_rating")
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
    ).with_columns(pl.col("phase").replace("", None), pl.col("region").replace("", None))
    _context[:] = [(time.monotonic(), places)]
    return places


def _names() -> tuple[pl.DataFrame, pl.DataFrame]:
    tools = pl.DataFrame(
        list(Tool.objects.values_list("pk", "slug")),
        schema={"tool_pk": pl.Int64, "slug": pl.String},
        orient="row",
    )
    versions = pl.DataFrame(
        list(ToolVersion.objects.values_list("pk", "label")),
        schema={"version_pk": pl.Int64, "version_label": pl.String},
        orient="row",
    )
    return tools, versions


def scope_filter(scopes: Scopes) -> pl.Expr:
    """The check-ins of ``scopes`` (campaign ids, each with all its workplaces or some)."""
    condition = pl.lit(False)
    for campaign_id, workplaces in scopes.items():
        part = (
            pl.col("campaign_id").is_null() if campaign_id is None else pl.col("campaign_id") == campaign_id
        )
        if workplaces is not None:
            part = part & pl.col("workplace_id").is_in(sorted(workplaces))
        condition = condition | part
    return condition


def scoped_frame(
    scopes: Scopes, tool: Tool | None = None, workplace: Organisation | None = None
) -> pl.DataFrame:
    """The check-ins of ``scopes`` (of one tool, or one workplace), one row each, with ``tool_id`` the tool's
    slug, ``version_label`` the version's label (or "dont_know"), the workplace's context, the quarter
    (``period``) and ``submitted_on`` (the week, as the evidence layer names it)."""
    lazy, _manifest = checkins()
    lazy = lazy.filter(scope_filter(scopes))
    if tool is not None:
        lazy = lazy.filter(pl.col("tool_id") == tool.pk)
    if workplace is not None:
        lazy = lazy.filter(pl.col("workplace_id") == workplace.pk)
    frame = lazy.collect()
    tools, versions = _names()
    frame = (
        frame.join(tools, left_on="tool_id", right_on="tool_pk", how="left")
        .join(versions, left_on="tool_version_id", right_on="version_pk", how="left")
        .drop("tool_id", "tool_version_id")
        .rename({"slug": "tool_id"})
        .with_columns(pl.col("version_label").fill_null(DONT_KNOW))
        .join(workplace_context(), on="workplace_id", how="left")
    )
    return frame.with_columns(
        (pl.col("week").dt.year().cast(pl.String) + " Q" + pl.col("week").dt.quarter().cast(pl.String)).alias(
            "period"
        ),
        pl.col("week").alias("submitted_on"),
    )


def results_frame(
    user: Any,
    *,
    tool: Tool | str | None = None,
    campaign: Campaign | None = None,
    workplace: Organisation | None = None,
) -> pl.DataFrame:
    """The check-ins the user may see (by campaign sharing and role), as :func:`scoped_frame` gives them.
    Raises ``PermissionDenied`` when a named campaign or workplace is not visible to the user."""
    scopes = narrow(result_scopes(user), campaign, workplace)
    return scoped_frame(scopes, tool_named(tool) if tool is not None else None)


def figures_as_of() -> str | None:
    """When the copy the figures are computed from was last brought up to date (ISO, to the minute)."""
    _lazy, manifest = checkins()
    built: str | None = manifest.get("built_at")
    return built


def exposure_frame(tool_slugs: Iterable[str], until: dt.date | None = None) -> pl.DataFrame:
    """Deployment-months per tool, version and month: one workplace using the tool for one month, counted
    against the version live in the middle of that month (the denominator of incident rates). "Live" is
    the register's rule (:meth:`~chalkface.register.models.ToolVersionQuerySet.live_on`): the latest
    release on or before that day, worked out here for every month at once."""
    until = until or today()
    slugs = list(tool_slugs)
    empty = pl.DataFrame(
        schema={
            "tool_id": pl.String,
            "version_label": pl.String,
            "month": pl.Date,
            "deployment_months": pl.Float64,
        }
    )
    releases = pl.DataFrame(
        list(
            ToolVersion.objects.filter(tool__slug__in=slugs).values_list(
                "tool__slug", "label", "release_date"
            )
        ),
        schema={"tool_id": pl.String, "version_label": pl.String, "released_on": pl.Date},
        orient="row",
    )
    deployments = pl.DataFrame(
        list(
            Deployment.objects.filter(tool__slug__in=slugs).values_list("tool__slug", "starts_on", "ends_on")
        ),
        schema={"tool_id": pl.String, "starts_on": pl.Date, "ends_on": pl.Date},
        orient="row",
    )
    if releases.height == 0 or deployments.height == 0:
        return empty
    months = (
        deployments.with_columns(
            pl.min_horizontal(pl.col("ends_on").fill_null(until), pl.lit(until)).alias("last")
        )
        .filter(pl.col("starts_on") <= pl.col("last"))
        .select(
            "tool_id",
            pl.date_ranges(pl.col("starts_on").dt.month_start(), pl.col("last"), interval="1mo").alias(
                "month"
            ),
        )
        .explode("month", empty_as_null=True)
        .with_columns((pl.col("month") + pl.duration(days=14)).alias("middle"))
        .sort("middle")
    )
    live = months.join_asof(
        releases.sort("released_on"),
        left_on="middle",
        right_on="released_on",
        by="tool_id",
        strategy="backward",
        # both sides are sorted on their keys above; polars cannot check that within groups
        check_sortedness=False,
    )
    return (
        live.filter(pl.col("version_label").is_not_null())
        .group_by("tool_id", "version_label", "month")
        .agg(pl.len().cast(pl.Float64).alias("deployment_months"))
        .sort("tool_id", "version_label", "month")
    )


def incident_frame(user: Any) -> pl.DataFrame:
    scopes = incident_scopes(user)
    rows = (
        list(
            IncidentReport.objects.filter(scope_q(scopes)).values_list(
                "tool__slug", "tool_version__label", "month", "record_key"
            )
        )
        if scopes
        else []
    )
    return pl.DataFrame(
        [(t, v or DONT_KNOW, m, key) for t, v, m, key in rows],
        schema={"tool_id": pl.String, "version_label": pl.String, "month": pl.Date, "record_key": pl.Int64},
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
