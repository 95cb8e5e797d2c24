"""The detection methods described in truth.json, applied to generated tables.

``generate`` records what they find in ``truth.json`` ("observed") next to what was planted, so a user can see
at once how clearly each truth shows in their data set; they are plain polars, as a user would write them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from chalkface.synth import truths
from chalkface.synth.catalogue import INCIDENT_SPIKE_TOOL, VERSION_DROP_TOOL
from chalkface.synth.statements import CONSENSUS_STATEMENTS, DIVISIVE_STATEMENTS


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def version_drop(responses: pl.DataFrame) -> dict[str, Any]:
    means = (
        responses.filter(
            (pl.col("tool_id") == VERSION_DROP_TOOL)
            & pl.col("version_label").is_in([truths.VERSION_DROP_FROM, truths.VERSION_DROP_TO])
        )
        .group_by("version_label")
        .agg(pl.col("time_saved_hours").mean().alias("mean"), pl.len().alias("n"))
    )
    found = {row["version_label"]: row for row in means.iter_rows(named=True)}
    before, after = found.get(truths.VERSION_DROP_FROM), found.get(truths.VERSION_DROP_TO)
    difference = after["mean"] - before["mean"] if before and after else None
    return {
        "difference": _round(difference),
        "n_from": before["n"] if before else 0,
        "n_to": after["n"] if after else 0,
    }


def deprivation_it_friction(responses: pl.DataFrame, workplaces: pl.DataFrame) -> dict[str, Any]:
    means = (
        responses.select("workplace_id", "it_friction")
        .join(workplaces.select("workplace_id", "deprivation_quintile"), on="workplace_id")
        .group_by("deprivation_quintile")
        .agg(pl.col("it_friction").cast(pl.Float64).mean().alias("mean"), pl.len().alias("n"))
        .sort("deprivation_quintile")
    )
    by_quintile = {
        str(q): _round(m) for q, m in zip(means["deprivation_quintile"], means["mean"], strict=True)
    }
    gap = None
    if "1" in by_quintile and "5" in by_quintile:
        gap = _round(
            means.filter(pl.col("deprivation_quintile") == 5)["mean"][0]
            - means.filter(pl.col("deprivation_quintile") == 1)["mean"][0]
        )
    return {"gap_q5_q1": gap, "mean_by_quintile": by_quintile}


def _within(
    responses: pl.DataFrame, stratum: str, factor: str, high: str, low: str, measure: str
) -> float | None:
    """Difference in mean ``measure`` between factor == high and == low within each stratum, averaged over the
    strata that have both, weighted by the stratum's check-ins."""
    cells = (
        responses.filter(pl.col(factor).is_in([high, low]))
        .group_by(stratum, factor)
        .agg(pl.col(measure).cast(pl.Float64).mean().alias("mean"), pl.len().alias("n"))
        .pivot(on=factor, index=stratum, values=["mean", "n"])
    )
    needed = [f"mean_{high}", f"mean_{low}", f"n_{high}", f"n_{low}"]
    if any(column not in cells.columns for column in needed):
        return None
    cells = cells.drop_nulls(needed)
    if cells.height == 0:
        return None
    weight = cells[f"n_{high}"] + cells[f"n_{low}"]
    difference = cells[f"mean_{high}"] - cells[f"mean_{low}"]
    return _round(float((difference * weight).sum()) / float(weight.sum()))


def mandated_wellbeing(responses: pl.DataFrame) -> dict[str, Any]:
    return {
        "difference_within_tools": _within(responses, "tool_id", "use", "mandatory", "optional", "wellbeing")
    }


def training_time_saved(responses: pl.DataFrame) -> dict[str, Any]:
    return {
        "difference_within_roles": _within(
            responses, "role", "training", "enough", "none", "time_saved_hours"
        )
    }


def incident_spike(
    incidents: pl.DataFrame, exposure: pl.DataFrame, tool_id: str = INCIDENT_SPIKE_TOOL
) -> dict[str, Any]:
    def totals(frame: pl.DataFrame, value: pl.Expr) -> tuple[float, float]:
        tool = frame.filter(pl.col("tool_id") == tool_id)
        after = pl.col("version_label") == truths.INCIDENT_SPIKE_TO
        return (
            float(tool.filter(~after).select(value).item() or 0.0),
            float(tool.filter(after).select(value).item() or 0.0),
        )

    count_before, count_after = totals(incidents, pl.len().cast(pl.Float64))
    months_before, months_after = totals(exposure, pl.col("deployment_months").sum())
    rate_before = count_before / months_before if months_before else None
    rate_after = count_after / months_after if months_after else None
    ratio = rate_after / rate_before if rate_before and rate_after is not None else None
    return {
        "incidents_before": int(count_before),
        "incidents_after": int(count_after),
        "deployment_months_before": _round(months_before, 1),
        "deployment_months_after": _round(months_after, 1),
        "rate_before": _round(rate_before, 4),
        "rate_after": _round(rate_after, 4),
        "rate_ratio": _round(ratio),
    }


def agree_shares(votes: pl.DataFrame, participants: pl.DataFrame) -> pl.DataFrame:
    """Per statement and opinion group: share of votes cast that agree, and that disagree."""
    return (
        votes.join(participants.select("participant_id", "opinion_group"), on="participant_id")
        .group_by("statement_id", "opinion_group")
        .agg(
            (pl.col("vote") == 1).mean().alias("agree"),
            (pl.col("vote") == -1).mean().alias("disagree"),
            pl.len().alias("n"),
        )
        .sort("statement_id", "opinion_group")
    )


def opinion_groups(votes: pl.DataFrame, participants: pl.DataFrame) -> dict[str, Any]:
    shares = agree_shares(votes, participants)

    def pick(ids: tuple[int, ...], group: str, column: str, how: str) -> float | None:
        values = shares.filter(pl.col("statement_id").is_in(list(ids)) & (pl.col("opinion_group") == group))[
            column
        ]
        if values.len() == 0:
            return None
        return _round(values.min() if how == "min" else values.max())  # type: ignore[arg-type]

    return {
        "participants": {
            g: int(participants.filter(pl.col("opinion_group") == g).height) for g in ("A", "B")
        },
        "consensus_lowest_agree": {g: pick(CONSENSUS_STATEMENTS, g, "agree", "min") for g in ("A", "B")},
        "divisive_lowest_agree_a": pick(DIVISIVE_STATEMENTS, "A", "agree", "min"),
        "divisive_lowest_disagree_b": pick(DIVISIVE_STATEMENTS, "B", "disagree", "min"),
    }


def response_bias(responses: pl.DataFrame) -> dict[str, Any]:
    """The unweighted means of the respondents, to set beside the population's."""
    if responses.height == 0:
        return {"time_saved_hours": None, "workload_share_agree": None, "n": 0}
    means = responses.select(
        pl.col("time_saved_hours").mean(),
        (pl.col("workload") >= truths.AGREE_FROM).mean().alias("workload_share_agree"),
    )
    return {
        "time_saved_hours": _round(means["time_saved_hours"].item(), 6),
        "workload_share_agree": _round(means["workload_share_agree"].item(), 6),
        "n": responses.height,
    }
