"""Weighting national and regional figures to the workforce, without letting the weights single anyone out.

:func:`weight_to_workforce` gives every check-in one fixed weight, raked (with trimming) to the workforce's
margins by role, phase and region, and a *weight class*: the check-ins that share a weight. Check-ins whose
role, phase or region is unknown or absent from the margins, and every role x phase x region class with fewer
than ``k`` check-ins, keep weight 1 and share one class, so that no weight is carried by fewer than ``k``
people across the whole population.

Why the classes matter. A group's weighted and unweighted means are two different averages of the same
answers. When the group holds exactly two weight classes, one of them a single person, the two averages are
two equations in two unknowns: the person's answer follows exactly (``tests/evidence/test_workforce.py``
does it against a naive release). :func:`estimate_many_weighted` therefore shows a group's weighted figure
only when every weight class in that group holds at least ``k`` of its check-ins; otherwise it shows the
group's unweighted figure, marked as such, which anybody could have had anyway. Any figure the two releases
together give away is then an average over classes of at least ``k`` people. Weights are fixed per check-in
(raked once over the whole scope, not again per slice), so weighted sums over nested groups subtract to
weighted sums over their difference, which the release gate already judges by its members.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.estimate import EstimateRow, EstimateTable, estimate_many
from chalkface.evidence.intervals import kish_effective_n
from chalkface.evidence.weighting import Raker

#: The workforce margins a check-in is weighted on, in this order.
WEIGHTING_COLUMNS: tuple[str, ...] = ("role", "phase", "region")
#: The class of the check-ins that keep weight 1 (unknown category, or a class too small to weight alone).
UNWEIGHTED_CLASS = "unweighted"


@dataclass(frozen=True)
class WorkforceWeights:
    """How a scope's check-ins were weighted. ``dropped``: margin categories with no raked check-in in scope
    (nobody, or too few to weight), left out of the raking; ``design_effect``: Kish's, of the weights."""

    n: int
    raked: int
    kept_at_one: int
    design_effect: float
    trimmed: int
    converged: bool
    trim: float
    dropped: tuple[tuple[str, str], ...] = ()

    @property
    def weighted(self) -> bool:
        return self.raked > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "raked": self.raked,
            "kept_at_one": self.kept_at_one,
            "design_effect": round(self.design_effect, 6),
            "trimmed": self.trimmed,
            "converged": self.converged,
            "trim": self.trim,
            "dropped": [list(d) for d in self.dropped],
        }


def _shares(
    margins: Mapping[str, Mapping[Any, float]], present: Mapping[str, set[str]]
) -> dict[str, dict[str, float]]:
    """Each margin as shares of the categories somebody in scope is in (the others are dropped)."""
    out: dict[str, dict[str, float]] = {}
    for name in WEIGHTING_COLUMNS:
        kept = {str(c): float(v) for c, v in margins[name].items() if str(c) in present[name] and v > 0}
        total = sum(kept.values())
        out[name] = {c: v / total for c, v in kept.items()}
    return out


def weight_to_workforce(
    frame: pl.DataFrame,
    margins: Mapping[str, Mapping[Any, float]],
    *,
    k: int,
    trim: float = 5.0,
    weight: str = "weight",
    weight_class: str = "weight_class",
) -> tuple[pl.DataFrame, WorkforceWeights]:
    """``frame`` with a ``weight`` column (mean 1) and a ``weight_class`` column, raked to ``margins`` (a
    mapping of each of :data:`WEIGHTING_COLUMNS` to ``{category: population headcount or share}``)."""
    missing = [c for c in WEIGHTING_COLUMNS if c not in margins]
    if missing:
        raise ValueError(f"the margins need {', '.join(missing)}")
    cls = pl.concat_str([pl.col(c).cast(pl.String) for c in WEIGHTING_COLUMNS], separator="|")
    known = pl.all_horizontal(
        [pl.col(c).cast(pl.String).is_in([str(v) for v in margins[c]]) for c in WEIGHTING_COLUMNS]
    ).fill_null(False)
    work = frame.with_row_index("__row").with_columns(
        pl.when(known).then(cls).otherwise(None).alias("__class")
    )
    sizes = work.group_by("__class").len("__size")
    work = work.join(sizes, on="__class", how="left", nulls_equal=True).with_columns(
        (pl.col("__class").is_not_null() & (pl.col("__size") >= k)).alias("__rake")
    )
    rake_rows = work.filter(pl.col("__rake"))
    result = None
    dropped: list[tuple[str, str]] = []
    weights = pl.Series("__w", [], dtype=pl.Float64)
    if rake_rows.height:
        present = {c: set(rake_rows[c].cast(pl.String).unique().to_list()) for c in WEIGHTING_COLUMNS}
        dropped = [
            (c, str(cat)) for c in WEIGHTING_COLUMNS for cat in margins[c] if str(cat) not in present[c]
        ]
        target = _shares(margins, present)
        coded = rake_rows.select([pl.col(c).cast(pl.String) for c in WEIGHTING_COLUMNS])
        raker = Raker(target, trim=trim).fit(coded)
        result = raker.result_
        weights = pl.Series("__w", raker.weights_)
    raked = rake_rows.select("__row").with_columns(weights)
    out = (
        work.join(raked, on="__row", how="left")
        .with_columns(
            pl.col("__w").fill_null(1.0).alias(weight),
            pl.when(pl.col("__rake"))
            .then(pl.col("__class"))
            .otherwise(pl.lit(UNWEIGHTED_CLASS))
            .alias(weight_class),
        )
        .sort("__row")
        .drop("__row", "__class", "__size", "__rake", "__w")
    )
    n = frame.height
    n_eff = kish_effective_n(out[weight].to_numpy()) if n else 0.0
    summary = WorkforceWeights(
        n=n,
        raked=rake_rows.height,
        kept_at_one=n - rake_rows.height,
        design_effect=(n / n_eff) if n_eff else 1.0,
        trimmed=result.trimmed if result else 0,
        converged=result.converged if result else True,
        trim=trim,
        dropped=tuple(dropped),
    )
    return out, summary


def _safe_groups(
    frame: pl.DataFrame, measure: str, by: Sequence[str], weight_class: str, k: int
) -> set[tuple[tuple[str, Any], ...]]:
    """The groups of ``by`` (as row ``group`` tuples) in which every weight class holds ``k`` or more of the
    check-ins that answered ``measure``."""
    answered = frame.filter(pl.col(measure).is_not_null())
    if not by:
        sizes = answered.group_by(weight_class).len()
        return {()} if sizes.height and int(sizes["len"].min()) >= k else set()  # type: ignore[arg-type]
    sizes = answered.group_by([*by, weight_class]).len().group_by(list(by)).agg(pl.col("len").min())
    return {
        tuple(zip(by, values, strict=True))
        for *values, smallest in sizes.iter_rows()
        if smallest is not None and smallest >= k
    }


def estimate_many_weighted(
    frame: pl.DataFrame,
    measures: Sequence[str],
    by: Sequence[str] = (),
    *,
    weight: str = "weight",
    weight_class: str = "weight_class",
    cluster: str | None = None,
    policy: DisclosurePolicy,
    weighable: Collection[str] = WEIGHTING_COLUMNS,
) -> list[EstimateTable]:
    """:func:`estimate_many` with weights where they cannot single anyone out (see the module's note): each
    row is the weighted figure when every weight class in its group holds ``k`` or more check-ins, else the
    unweighted one; ``EstimateRow.weighted`` says which. Hidden rows are the same either way (disclosure is
    decided on counts, which weights do not change). Only groups made of whole weight classes (``by`` among
    ``weighable``: role, phase, region) are weighted, so that every class sum a pair of releases could give
    away is a class of the whole scope, which the caller puts through its release history
    (:func:`chalkface.insights.weighting.weigh`)."""
    options: dict[str, Any] = {"cluster": cluster, "policy": policy}
    if not set(by) <= set(weighable):
        # A group cut by something other than role, phase and region splits weight classes, and two groups
        # that split the same class differently would give away the answers in between: shown unweighted.
        return [
            replace(t, rows=tuple(replace(r, weighted=False) for r in t.rows))
            for t in estimate_many(frame, measures, by, **options)
        ]
    weighted = estimate_many(frame, measures, by, weight=weight, **options)
    safe = {t.measure: _safe_groups(frame, t.measure, t.by, weight_class, policy.k) for t in weighted}
    if all(r.group in safe[t.measure] or r.suppressed for t in weighted for r in t.rows):
        # every group shown may be weighted (the usual case at national scale): no unweighted figures needed
        return [
            replace(t, rows=tuple(replace(r, weighted=not r.suppressed) for r in t.rows), weighted=True)
            for t in weighted
        ]
    plain = estimate_many(frame, measures, by, **options)
    out: list[EstimateTable] = []
    for table, fallback in zip(weighted, plain, strict=True):
        rows: list[EstimateRow] = []
        for row, other in zip(table.rows, fallback.rows, strict=True):
            if row.group != other.group or row.statistic != other.statistic or row.n != other.n:
                raise AssertionError("weighted and unweighted tables differ in their groups")
            ok = row.group in safe[table.measure]
            rows.append(replace(row if ok else other, weighted=ok and not row.suppressed))
        any_weighted = any(r.weighted for r in rows)
        out.append(replace(table, rows=tuple(rows), weighted=any_weighted))
    return out


def weight_classes(
    frame: pl.DataFrame, *, weight_class: str = "weight_class", key: str | None = "record_key"
) -> list[tuple[tuple[tuple[str, Any], ...], int, int]]:
    """Each raked weight class as a group: its conditions (role, phase, region), how many check-ins, and the
    sum of their record keys (0 without ``key``), for a release history to judge."""
    classed = frame.filter(pl.col(weight_class) != UNWEIGHTED_CLASS)
    if classed.height == 0:
        return []
    sums = [pl.len().alias("__n")]
    sums.append(
        pl.col(key).sum().alias("__key") if key and key in frame.columns else pl.lit(0).alias("__key")
    )
    rows = classed.group_by(list(WEIGHTING_COLUMNS)).agg(sums).sort(list(WEIGHTING_COLUMNS))
    return [
        (tuple(zip(WEIGHTING_COLUMNS, values, strict=True)), int(n), int(total))
        for *values, n, total in rows.iter_rows()
    ]
