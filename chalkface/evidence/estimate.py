"""Estimates by group, with intervals, effective sizes and disclosure control built in.

:func:`estimate` is the one entry point: proportions (Wilson, or for weighted data Kish-Wilson or
Korn-Graubard), means (t interval, design-based and clustered when weighted) and agreement scales (share
agreeing and mean), by any grouping. Every row says how many responses it rests on, its effective size, the
estimate and interval, and whether it is hidden and why. Hidden rows give no n at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import stats

from chalkface.evidence._frames import describe_group, jsonable, require_columns, require_numeric
from chalkface.evidence._models import FEW_CLUSTERS
from chalkface.evidence.cellkey import cell_key, tag_of
from chalkface.evidence.disclosure import DisclosurePolicy, Status, protect_partition, protect_table
from chalkface.evidence.errors import ColumnError, EvidenceError
from chalkface.evidence.history import refused_groups
from chalkface.evidence.intervals import korn_graubard_interval, proportion_interval
from chalkface.evidence.notes import NO_RESPONSES, Note
from chalkface.evidence.sufficient import design_variance, srs_variance, sufficient_statistics

Kind = Literal["auto", "proportion", "mean", "agreement"]
ResolvedKind = Literal["proportion", "mean", "agreement"]
Statistic = Literal["proportion", "mean", "share_agree"]
ProportionMethod = Literal["wilson", "korn_graubard"]


@dataclass(frozen=True)
class EstimateRow:
    """One published figure. ``n`` and ``n_eff`` are ``None`` when the row is hidden."""

    group: tuple[tuple[str, Any], ...]
    statistic: Statistic
    n: int | None
    n_eff: float | None
    estimate: float | None
    lower: float | None
    upper: float | None
    suppressed: bool
    reason: str | None
    #: Whether the figure is weighted, where a table mixes weighted and unweighted rows
    #: (:func:`chalkface.evidence.workforce.estimate_many_weighted`); ``None``: as the table says.
    weighted: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {col: jsonable(val) for col, val in self.group}
        out.update(
            statistic=self.statistic,
            n=self.n,
            n_eff=self.n_eff,
            estimate=self.estimate,
            lower=self.lower,
            upper=self.upper,
            suppressed=self.suppressed,
            reason=self.reason,
        )
        if self.weighted is not None:
            out["weighted"] = self.weighted
        return out

    def describe(self) -> str:
        who = describe_group(self.group)
        if self.suppressed:
            return f"{who}: not shown ({self.reason})"
        assert self.estimate is not None and self.lower is not None and self.upper is not None
        if self.statistic == "mean":
            value = f"mean {self.estimate:.2f} (95% CI {self.lower:.2f} to {self.upper:.2f})"
        else:
            label = "agree" if self.statistic == "share_agree" else "share"
            value = (
                f"{label} {100 * self.estimate:.0f}% "
                f"(95% CI {100 * self.lower:.0f}% to {100 * self.upper:.0f}%)"
            )
        return f"{who}: {value}, n={self.n}, effective n={self.n_eff:.1f}"


@dataclass(frozen=True)
class EstimateTable:
    """The result of :func:`estimate`: one row per group and statistic, disclosure control applied."""

    measure: str
    by: tuple[str, ...]
    kind: ResolvedKind
    rows: tuple[EstimateRow, ...]
    k: int
    weighted: bool
    method: str
    alpha: float = 0.05
    notes: tuple[str, ...] = field(default=())
    #: Made under cell-key perturbation (see :mod:`chalkface.evidence.cellkey`).
    perturbed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "by": list(self.by),
            "kind": self.kind,
            "k": self.k,
            "weighted": self.weighted,
            "method": self.method,
            "confidence": 1 - self.alpha,
            "notes": list(self.notes),
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> pl.DataFrame:
        """One row per published figure; the group columns first."""
        records = [r.to_dict() for r in self.rows]
        schema: dict[str, Any] = {c: pl.String for c in self.by}
        schema.update(
            statistic=pl.String,
            n=pl.Int64,
            n_eff=pl.Float64,
            estimate=pl.Float64,
            lower=pl.Float64,
            upper=pl.Float64,
            suppressed=pl.Boolean,
            reason=pl.String,
        )
        for rec in records:
            rec.pop("weighted", None)
            for c in self.by:
                rec[c] = None if rec[c] is None else str(rec[c])
        return pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)

    def summary(self) -> str:
        head = f"{self.measure} by {', '.join(self.by) or 'everyone'} ({self.method}; k={self.k})"
        return "\n".join([head] + ["  " + r.describe() for r in self.rows] + list(self.notes))


def _detect_kind(
    frame: pl.DataFrame, measure: str, level: Any | None
) -> Literal["proportion", "mean", "agreement"]:
    if level is not None:
        return "proportion"
    dtype = frame.schema[measure]
    if dtype == pl.Boolean:
        return "proportion"
    if not dtype.is_numeric():
        raise ColumnError(
            f"column {measure!r} holds {dtype}; say which answer to count with level=..., "
            f"e.g. level={frame[measure].drop_nulls().first()!r}"
        )
    values = frame[measure].drop_nulls().unique()
    if values.len() and bool(values.is_in([0, 1]).all()):
        return "proportion"
    if dtype.is_integer() and values.len() and int(values.min()) >= 1 and int(values.max()) <= 5:  # type: ignore[arg-type]
        return "agreement"
    return "mean"


def estimate(
    frame: pl.DataFrame,
    measure: str,
    by: Sequence[str] = (),
    *,
    weight: str | None = None,
    cluster: str | None = None,
    k: int = 10,
    policy: DisclosurePolicy | None = None,
    kind: Kind = "auto",
    level: Any | None = None,
    agree_from: int = 4,
    proportion_method: ProportionMethod = "wilson",
    alpha: float = 0.05,
) -> EstimateTable:
    """Estimate ``measure`` by the groups in ``by``, with intervals and disclosure control.

    ``kind``: ``"proportion"`` (0/1 or boolean, or answers equal to ``level``), ``"mean"``, or ``"agreement"``
    (a 1-5 agreement scale: the share answering ``agree_from`` or more, and the mean); ``"auto"`` decides from
    the column. ``weight``: a column of survey weights (e.g. from :class:`Raker`). ``cluster``: a column such
    as ``workplace_id`` whose members' answers are alike; standard errors then allow for it. ``k`` or
    ``policy``: the campaign's disclosure rules; groups below ``k`` are hidden, and more are hidden when
    needed so that the hidden ones cannot be worked out from the overall total (for two ``by`` columns, from
    the one-way totals as well).
    """
    return estimate_many(
        frame,
        [measure],
        by,
        weight=weight,
        cluster=cluster,
        k=k,
        policy=policy,
        kind=kind,
        level=level,
        agree_from=agree_from,
        proportion_method=proportion_method,
        alpha=alpha,
    )[0]


def estimate_many(
    frame: pl.DataFrame,
    measures: Sequence[str],
    by: Sequence[str] = (),
    *,
    weight: str | None = None,
    cluster: str | None = None,
    k: int = 10,
    policy: DisclosurePolicy | None = None,
    kind: Kind = "auto",
    level: Any | None = None,
    agree_from: int = 4,
    proportion_method: ProportionMethod = "wilson",
    alpha: float = 0.05,
) -> list[EstimateTable]:
    """:func:`estimate` for several measures by the same groups, in one pass over the data.

    Each measure is estimated on the responses that answered it; the result is one table per measure, the
    same as separate calls to :func:`estimate` would give.
    """
    policy = policy or DisclosurePolicy(k=k)
    by = tuple(by)
    measures = list(measures)
    key = policy.cell_key.column if policy.cell_key is not None else None
    require_columns(frame, [*measures, *by, weight, cluster, key])
    for measure in measures:
        if measure in by:
            raise ColumnError(f"column {measure!r} cannot be both the measure and a grouping")
    if weight is not None:
        require_numeric(frame, weight)
        if frame[weight].null_count() or bool((frame[weight] < 0).any()):
            raise ColumnError(f"weight column {weight!r} has missing or negative weights")
    if cluster is not None and frame[cluster].null_count():
        raise ColumnError(f"cluster column {cluster!r} has missing values")

    w_expr = pl.col(weight).cast(pl.Float64) if weight else pl.lit(1.0)
    columns: list[pl.Expr] = [pl.col(c) for c in by] + ([pl.col(cluster)] if cluster else [])
    if key is not None:
        columns.append(pl.col(key).alias("__key"))
    specs: list[tuple[str, ResolvedKind, list[tuple[Statistic, str]]]] = []
    for j, measure in enumerate(measures):
        resolved = _detect_kind(frame, measure, level) if kind == "auto" else kind
        if resolved != "proportion" or level is None:
            require_numeric(frame, measure)
        yexpr = pl.col(measure).cast(pl.Float64)
        if level is not None:
            yexpr = (pl.col(measure) == level).cast(pl.Float64)
        valid = yexpr.is_not_null() & yexpr.is_not_nan()
        if resolved == "proportion":
            values = frame.filter(valid).select(yexpr.alias("y"))["y"].unique()
            if not bool(values.is_in([0.0, 1.0]).all()):
                raise ColumnError(
                    f"column {measure!r} must hold only 0 and 1 (or true/false) for a proportion"
                )
            outcomes: list[tuple[Statistic, pl.Expr]] = [("proportion", yexpr)]
        elif resolved == "agreement":
            outcomes = [("share_agree", (yexpr >= agree_from).cast(pl.Float64)), ("mean", yexpr)]
        else:
            outcomes = [("mean", yexpr)]
        m = f"m{j}"
        columns.append(pl.when(valid).then(w_expr).otherwise(0.0).alias(f"wv_{m}"))
        named: list[tuple[Statistic, str]] = []
        for t, (stat, expr) in enumerate(outcomes):
            name = f"y{j}_{t}"
            columns.append(pl.when(valid).then(expr).otherwise(0.0).alias(name))
            named.append((stat, name))
        specs.append((measure, resolved, named))
    data = frame.select(columns)

    # Groups: every combination of observed levels (so that empty cells count in the suppression).
    if by:
        data = data.drop_nulls(list(by))
        levels = [data[c].unique().sort() for c in by]
        grid = pl.DataFrame({by[0]: levels[0]})
        for col, lev in zip(by[1:], levels[1:], strict=True):
            grid = grid.join(pl.DataFrame({col: lev}), how="cross")
    else:
        grid = pl.DataFrame()
    suff = sufficient_statistics(
        data,
        by,
        cluster,
        [(f"m{j}", [y for _, y in sp[2]]) for j, sp in enumerate(specs)],
        key="__key" if key is not None else None,
    )
    if by:
        suff = grid.join(suff, on=list(by), how="left").fill_null(0).sort(list(by))
    records = list(suff.iter_rows(named=True))

    weighted = weight is not None
    tables = []
    # The release history (if the policy has one) judges each group once, on every measure's count.
    refused = (
        refused_groups(policy, data, records, by, [sp[0] for sp in specs]) if key else [False] * len(records)
    )
    for j, (measure, kind_j, named) in enumerate(specs):
        m = f"m{j}"
        counts = [int(rec[f"n_{m}"]) for rec in records]
        statuses = _suppression(counts, grid, by, policy, refused)
        notes: list[str] = []
        if any(s == "secondary" for s in statuses):
            notes.append(
                Note(
                    "complementary_some",
                    "Some groups are hidden only so that smaller groups cannot be worked out from the "
                    "totals.",
                )
            )
        if cluster is not None:
            shown = [
                int(rec[f"nc_{m}"])
                for rec, s, n in zip(records, statuses, counts, strict=True)
                if s is None and n
            ]
            single, few = sum(c < 2 for c in shown), sum(2 <= c < FEW_CLUSTERS for c in shown)
            if single:
                who = "the responses" if not by else f"{single} group(s)"
                notes.append(
                    Note(
                        "one_cluster_groups",
                        f"For {who}, every answer comes from one {cluster}, where a standard error clustered "
                        f"by {cluster} is undefined: the interval treats the responses as independent.",
                        cluster=cluster,
                        groups=single if by else None,
                    )
                )
            if few:
                who = "the responses come" if not by else f"{few} group(s) come"
                notes.append(
                    Note(
                        "few_clusters_groups",
                        f"For {who} from only 2 or 3 {cluster}s: clustered intervals use a t distribution on "
                        "1 or 2 degrees of freedom and are very wide, and cluster-robust standard errors are "
                        "unreliable with so few clusters.",
                        cluster=cluster,
                        groups=few if by else None,
                    )
                )
        rows: list[EstimateRow] = []
        for stat, y in named:
            for rec, status, n, repeated in zip(records, statuses, counts, refused, strict=True):
                group = tuple((c, rec[c]) for c in by)
                if status is not None or n == 0:
                    reason = policy.small_reason if status == "primary" else policy.secondary_reason
                    if repeated and not policy.is_small(n):
                        reason = policy.repeat_reason
                    if n == 0 and status is None:
                        reason = NO_RESPONSES
                    rows.append(
                        EstimateRow(group, stat, None if status else 0, None, None, None, None, True, reason)
                    )
                    continue
                rows.append(
                    _row(
                        group,
                        stat,
                        rec,
                        m,
                        y,
                        policy,
                        weighted,
                        proportion_method,
                        alpha,
                        measure,
                        kind_j,
                        cluster is not None,
                    )
                )
        method = _method_name(kind_j, weighted, cluster, proportion_method)
        tables.append(
            EstimateTable(
                measure,
                by,
                kind_j,
                tuple(rows),
                policy.k,
                weighted,
                method,
                alpha,
                tuple(notes),
                policy.perturbs,
            )
        )
    return tables


def _suppression(
    counts: list[int],
    grid: pl.DataFrame,
    by: tuple[str, ...],
    policy: DisclosurePolicy,
    refused: list[bool],
) -> list[Status]:
    if len(by) == 2 and counts:
        r_levels = grid[by[0]].unique(maintain_order=True).len()
        c_levels = grid[by[1]].unique(maintain_order=True).len()
        table = np.asarray(counts, dtype=np.int64).reshape(r_levels, c_levels)
        protected = protect_table(table, policy, forced=np.asarray(refused).reshape(r_levels, c_levels))
        flat = protected.status[:r_levels, :c_levels].ravel()
        return [None if s == 0 else ("primary" if s == 1 else "secondary") for s in flat]
    return protect_partition(counts, policy, refused)


def _method_name(kind: str, weighted: bool, cluster: str | None, proportion_method: str) -> str:
    parts = []
    if kind in ("proportion", "agreement"):
        if proportion_method == "korn_graubard":
            parts.append("Korn-Graubard interval for shares")
        else:
            parts.append("Wilson interval for shares" + (" with Kish effective n" if weighted else ""))
    if kind in ("mean", "agreement"):
        parts.append(
            "t interval for means" + (" with design-based standard error" if weighted or cluster else "")
        )
    if cluster:
        parts.append(f"clustered by {cluster}")
    return "; ".join(parts)


def _round(x: float, digits: int = 6) -> float:
    return float(round(x, digits))


def _row(
    group: tuple[tuple[str, Any], ...],
    stat: Statistic,
    rec: dict[str, Any],
    m: str,
    y: str,
    policy: DisclosurePolicy,
    weighted: bool,
    proportion_method: ProportionMethod,
    alpha: float,
    measure: str = "",
    kind: str = "",
    clustered: bool = False,
) -> EstimateRow:
    n = int(rec[f"n_{m}"])
    sw, sw2 = float(rec[f"sw_{m}"]), float(rec[f"sw2_{m}"])
    mean, var, df = design_variance(rec, m, y)
    # Effective n: n over the design effect of clustering and weighting together, that is the variance of
    # the estimate against the variance the same number of independent, equally weighted answers would give
    # (truncated at 1: a design effect below 1 here is chance, not design).
    srs = srs_variance(rec, m, y) if stat == "mean" else (mean * (1 - mean) / (n - 1) if n > 1 else math.nan)
    kish = sw * sw / sw2 if sw2 > 0 else float(n)
    if clustered and math.isfinite(var) and math.isfinite(srs) and srs > 0:
        deff = max(var / srs, 1.0)
    else:  # unclustered (or no variance to compare): the design effect of the weights alone (Kish)
        deff = max(n / kish, 1.0) if kish else 1.0
    n_eff = n / deff
    published = policy.publish_count(n, rec.get(f"ks_{m}"))
    noise_var = 0.0
    if policy.cell_key is not None:
        # Continuous noise on the sum behind the figure, fixed by the group's cell key (see cellkey.py).
        scale = policy.cell_key.scale(
            measure, "mean_agreement" if kind == "agreement" and stat == "mean" else stat
        )
        key_sum = rec.get(f"ksy_{y}") if stat != "mean" else rec.get(f"ks_{m}")
        tag = tag_of(f"{measure}/{stat}")
        average_weight = sw / n if n else 1.0
        mean = mean + policy.cell_key.sum_noise(cell_key(key_sum or 0), scale, tag) * average_weight / sw
        noise_var = policy.cell_key.sum_variance(scale) * average_weight**2 / (sw * sw)
        n_eff = n_eff * published / n
    if stat == "mean":
        if df >= 1 and math.isfinite(var):
            half = float(stats.t.ppf(1 - alpha / 2, df)) * math.sqrt(var + noise_var)
            lo, hi = mean - half, mean + half
        else:
            lo = hi = math.nan
    else:
        p = min(max(mean, 0.0), 1.0)
        if proportion_method == "korn_graubard":
            lo, hi, _ = korn_graubard_interval(p, var if math.isfinite(var) else 0.0, n, df, alpha)
        else:
            size = n_eff if (weighted or policy.cell_key is not None or deff > 1) else float(n)
            count = float(round(p * n)) if size == float(n) else p * size
            lo, hi = proportion_interval(min(count, size), size, alpha=alpha, method="wilson")
        if noise_var:
            widen = math.sqrt(1 + noise_var / max(p * (1 - p) / max(size, 1.0), 1e-12))
            lo, hi = max(0.0, p - (p - lo) * widen), min(1.0, p + (hi - p) * widen)
        mean = p
    if not math.isfinite(lo):
        raise EvidenceError(f"cannot compute an interval for {describe_group(group)} from {n} response(s)")
    return EstimateRow(
        group=group,
        statistic=stat,
        n=published,
        n_eff=round(n_eff, 1),
        estimate=_round(mean),
        lower=_round(lo),
        upper=_round(hi),
        suppressed=False,
        reason=None,
    )
