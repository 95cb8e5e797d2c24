"""``generate``: one synthetic data set from a configuration, deterministically.

Randomness comes only from ``numpy.random.Generator(PCG64)``, one independent stream per part (workplaces,
deployments, check-ins, incidents, opinions) spawned from the seed, so a change in one part (say the number of
check-ins) leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

from chalkface.synth import checks, truths
from chalkface.synth.catalogue import SUPPLIERS, TOOLS
from chalkface.synth.deployments import generate_deployments
from chalkface.synth.incidents import generate_incidents
from chalkface.synth.opinions import generate_opinions
from chalkface.synth.responses import default_total, generate_responses
from chalkface.synth.timeline import Period, Releases
from chalkface.synth.workplaces import generate_workplaces

TABLES: tuple[str, ...] = (
    "workplaces",
    "suppliers",
    "tools",
    "tool_versions",
    "deployments",
    "responses",
    "incidents",
    "exposure",
    "statements",
    "participants",
    "votes",
)
# The order in which streams are spawned from the seed: append, never reorder (that would change all output).
_STREAMS = ("workplaces", "deployments", "responses", "incidents", "opinions")
MAX_MONTHS = 60


@dataclass(frozen=True)
class SynthConfig:
    """What to generate.

    ``responses`` is the exact number of check-ins; None means about 3.8 per workplace per month.
    ``response_bias``: draw the check-ins from a larger population of potential ones, with support staff,
    sceptics, secondary schools and London answering less often (truths.RESPONSE_BY_*); when False every
    potential check-in is made, so the respondents are the population.
    """

    workplaces: int = 300
    months: int = 12
    seed: int = 1
    responses: int | None = None
    start: dt.date = dt.date(2025, 9, 1)
    response_bias: bool = True

    def __post_init__(self) -> None:
        if self.workplaces < 1:
            raise ValueError(f"workplaces must be at least 1, got {self.workplaces}")
        if not 1 <= self.months <= MAX_MONTHS:
            raise ValueError(f"months must be between 1 and {MAX_MONTHS}, got {self.months}")
        if self.seed < 0:
            raise ValueError(f"seed must be zero or positive, got {self.seed}")
        if self.responses is not None and self.responses < 0:
            raise ValueError(f"responses must be zero or positive, got {self.responses}")

    @property
    def total_responses(self) -> int:
        return default_total(self.workplaces, self.months) if self.responses is None else self.responses

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["start"] = self.start.isoformat()
        values["total_responses"] = self.total_responses
        return values


@dataclass
class SynthData:
    """The generated tables (polars DataFrames; columns in docs/synthetic-data.md) and the planted truths."""

    config: SynthConfig
    workplaces: pl.DataFrame
    suppliers: pl.DataFrame
    tools: pl.DataFrame
    tool_versions: pl.DataFrame
    deployments: pl.DataFrame
    responses: pl.DataFrame
    incidents: pl.DataFrame
    exposure: pl.DataFrame
    statements: pl.DataFrame
    participants: pl.DataFrame
    votes: pl.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table by name, in a fixed order."""
        return {name: getattr(self, name) for name in TABLES}


def _register(period: Period, releases: Releases) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    suppliers = pl.DataFrame(
        [(s.supplier_id, s.name, s.companies_house_number, s.website) for s in SUPPLIERS],
        schema={
            "supplier_id": pl.String,
            "name": pl.String,
            "companies_house_number": pl.String,
            "website": pl.String,
        },
        orient="row",
    )
    websites = {s.supplier_id: s.website for s in SUPPLIERS}
    tools = pl.DataFrame(
        [
            (
                t.tool_id,
                t.name,
                t.supplier_id,
                t.description,
                ";".join(t.capabilities),
                ";".join(t.audiences),
                t.min_age,
                t.max_age,
                f"{websites[t.supplier_id]}/{t.tool_id}",
            )
            for t in TOOLS
        ],
        schema={
            "tool_id": pl.String,
            "name": pl.String,
            "supplier_id": pl.String,
            "description": pl.String,
            "capabilities": pl.String,
            "audiences": pl.String,
            "min_age": pl.Int64,
            "max_age": pl.Int64,
            "website": pl.String,
        },
        orient="row",
    )
    versions = pl.DataFrame(
        [
            (
                t.tool_id,
                v.label,
                period.start + dt.timedelta(days=day),
                v.change_notes,
                v.underlying_models,
                v.material_change,
            )
            for t, days in zip(TOOLS, releases.offsets, strict=True)
            for v, day in zip(t.versions, days, strict=True)
        ],
        schema={
            "tool_id": pl.String,
            "label": pl.String,
            "release_date": pl.Date,
            "change_notes": pl.String,
            "underlying_models": pl.String,
            "material_change": pl.Boolean,
        },
        orient="row",
    )
    return suppliers, tools, versions


def generate(config: SynthConfig) -> SynthData:
    """Generate every table and the planted truths for ``config``; same config, same data."""
    streams = dict(
        zip(
            _STREAMS,
            (
                np.random.Generator(np.random.PCG64(s))
                for s in np.random.SeedSequence(config.seed).spawn(len(_STREAMS))
            ),
            strict=True,
        )
    )
    period = Period.of(config.start, config.months)
    releases = Releases.of(period)
    suppliers, tools, tool_versions = _register(period, releases)
    workplaces = generate_workplaces(streams["workplaces"], config.workplaces)
    deployments = generate_deployments(streams["deployments"], workplaces, period, releases)
    responses = generate_responses(
        streams["responses"],
        period,
        releases,
        workplaces,
        deployments,
        config.total_responses,
        response_bias=config.response_bias,
    )
    incidents = generate_incidents(streams["incidents"], period, releases, workplaces, deployments)
    opinions = generate_opinions(streams["opinions"], workplaces)

    release_dates = {
        (row["tool_id"], row["label"]): row["release_date"] for row in tool_versions.iter_rows(named=True)
    }
    observed = {
        "version_drop": checks.version_drop(responses.frame),
        "deprivation_it_friction": checks.deprivation_it_friction(responses.frame, workplaces.frame),
        "incident_spike": checks.incident_spike(incidents.incidents, incidents.exposure),
        "opinion_groups": checks.opinion_groups(opinions.votes, opinions.participants),
        "mandated_wellbeing": checks.mandated_wellbeing(responses.frame),
        "training_time_saved": checks.training_time_saved(responses.frame),
        "response_bias": checks.response_bias(responses.frame),
    }
    truth = truths.truth_document(
        seed=config.seed,
        release_dates=release_dates,
        expected=responses.expected,
        observed=observed,
        population=responses.population,
        response_bias=config.response_bias,
    )
    truth["period"] = {
        "start": period.start.isoformat(),
        "end_exclusive": period.end.isoformat(),
        "months": list(period.month_labels),
    }
    return SynthData(
        config=config,
        workplaces=workplaces.frame,
        suppliers=suppliers,
        tools=tools,
        tool_versions=tool_versions,
        deployments=deployments.frame,
        responses=responses.frame,
        incidents=incidents.incidents,
        exposure=incidents.exposure,
        statements=opinions.statements,
        participants=opinions.participants,
        votes=opinions.votes,
        truth=truth,
    )
