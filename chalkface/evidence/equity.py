"""Equity gaps: how a measure differs between contexts (deprivation quintile, phase, region, IT rating).

:func:`equity_gap` gives the estimate in each group (with disclosure control), the gap between each group and
a reference group with its interval, and for ordered groups a test for trend (the change per step along the
order, from a regression on the group's position, with standard errors clustered by workplace). Context is a
property of the workplace, so answers from one workplace are alike; without ``cluster`` the intervals would be
too narrow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.evidence._frames import jsonable, require_columns, require_numeric
from chalkface.evidence._models import Coefficient, fit_linear
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import ColumnError, EvidenceError
from chalkface.evidence.estimate import EstimateRow, EstimateTable, estimate
from chalkface.evidence.notes import NO_RESPONSES, Note

GapStatistic = Literal["auto", "mean", "share_agree", "proportion"]


@dataclass(frozen=True)
class Gap:
    """The difference between one group and the reference group (group minus reference)."""

    group: Any
    reference: Any
    difference: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    suppressed: bool
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in vars(self).items()}


@dataclass(frozen=True)
class EquityGapResult:
    """Group estimates, gaps against the reference, and the trend across ordered groups."""

    measure: str
    group: str
    statistic: str
    order: tuple[Any, ...]
    reference: Any
    estimates: EstimateTable
    gaps: tuple[Gap, ...]
    trend: Coefficient | None
    trend_groups: tuple[Any, ...]
    clustered_by: str | None
    adjusted_for: tuple[str, ...] = ()
    se_method: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def extreme_gap(self) -> Gap | None:
        """The gap between the last and the first group of the order (e.g. most vs least deprived)."""
        last = self.order[-1]
        for g in self.gaps:
            if g.group == last:
                return g
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "group": self.group,
            "statistic": self.statistic,
            "order": [jsonable(v) for v in self.order],
            "reference": jsonable(self.reference),
            "estimates": self.estimates.to_dict(),
            "gaps": [g.to_dict() for g in self.gaps],
            "trend": vars(self.trend) if self.trend else None,
            "trend_groups": [jsonable(v) for v in self.trend_groups],
            "clustered_by": self.clustered_by,
            "adjusted_for": list(self.adjusted_for),
            "se_method": self.se_method,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        unit = " percentage points" if self.statistic != "mean" else ""
        scale = 100.0 if self.statistic != "mean" else 1.0
        lines = [f"{self.measure} by {self.group} ({self.statistic}); reference {jsonable(self.reference)}"]
        for g in self.gaps:
            if g.suppressed:
                lines.append(f"  {jsonable(g.group)}: not shown ({g.reason})")
            else:
                assert g.difference is not None and g.lower is not None and g.upper is not None
                lines.append(
                    f"  {jsonable(g.group)} minus {jsonable(g.reference)}: {scale * g.difference:+.2f}{unit} "
                    f"(95% CI {scale * g.lower:+.2f} to {scale * g.upper:+.2f})"
                )
        if self.trend is not None:
            t = self.trend
            lines.append(
                f"  Trend across {self.group}: {scale * t.estimate:+.3f}{unit} per step (95% CI "
                f"{scale * t.lower:+.3f} to {scale * t.upper:+.3f}, p={t.p_value:.3g})"
            )
        lines += [f"  Note: {n}." for n in self.notes]
        return "\n".join(lines)


def equity_gap(
    frame: pl.DataFrame,
    measure: str,
    group: str,
    *,
    order: Sequence[Any] | None = None,
    reference: Any | None = None,
    statistic: GapStatistic = "auto",
    cluster: str | None = None,
    weight: str | None = None,
    k: int = 10,
    policy: DisclosurePolicy | None = None,
    agree_from: int = 4,
    level: Any | None = None,
    trend: bool | None = None,
    adjust_for: Sequence[str] = (),
    alpha: float = 0.05,
) -> EquityGapResult:
    """The gap in ``measure`` between the groups of ``group``.

    ``order``: the groups in their natural order (default: sorted); the trend test runs along it (by
    default only when ``group`` is numeric or ``order`` is given). ``reference``: the group the others are
    compared with (default: the first in ``order``). ``statistic``: ``"mean"``, ``"share_agree"`` (answers
    ``agree_from`` or above on a 1-5 scale), ``"proportion"`` (0/1, or equal to ``level``), or ``"auto"``.
    Hidden groups (fewer than ``k``, or hidden to protect one) get no gap and stay out of the trend.
    ``adjust_for``: columns to compare within (e.g. ``["tool_id"]`` when tools differ both in the measure and
    in how the groups are spread over them); the gaps and the trend then come from a regression with one
    indicator per category of each (fixed effects). The group estimates stay unadjusted.
    """
    policy = policy or DisclosurePolicy(k=k)
    require_columns(frame, [measure, group, cluster, weight, *adjust_for])
    data = frame.filter(pl.col(measure).is_not_null() & pl.col(group).is_not_null()).drop_nulls(
        list(adjust_for)
    )
    present = data[group].unique().sort().to_list()
    levels = list(order) if order is not None else present
    extra = [v for v in present if v not in levels]
    if extra:
        raise ColumnError(f"column {group!r} has groups not in the order given: {', '.join(map(str, extra))}")
    data = data.filter(pl.col(group).is_in(levels))
    if data.height == 0:
        raise EvidenceError(f"no responses with both {measure!r} and {group!r}")
    ref = levels[0] if reference is None else reference
    if ref not in levels:
        raise ColumnError(f"reference group {ref!r} is not one of the groups of {group!r}")

    table = estimate(
        data,
        measure,
        [group],
        weight=weight,
        cluster=cluster,
        policy=policy,
        level=level,
        agree_from=agree_from,
        kind="auto" if statistic == "auto" else ("agreement" if statistic == "share_agree" else statistic),
    )
    stats_present = {r.statistic for r in table.rows}
    chosen = (
        "share_agree"
        if statistic == "auto" and "share_agree" in stats_present
        else (statistic if statistic != "auto" else next(iter(stats_present)))
    )
    rows: dict[Any, EstimateRow] = {r.group[0][1]: r for r in table.rows if r.statistic == chosen}
    if level is not None:
        y_expr = (pl.col(measure) == level).cast(pl.Float64)
    else:
        require_numeric(frame, measure)
        y_expr = pl.col(measure).cast(pl.Float64)
        if chosen == "share_agree":
            y_expr = (pl.col(measure) >= agree_from).cast(pl.Float64)

    shown = [g for g in levels if g in rows and not rows[g].suppressed]
    y_all = data.select(y_expr).to_series().to_numpy()
    g_all = data[group].to_list()
    w_all = data[weight].cast(pl.Float64).to_numpy() if weight else None
    c_all = data[cluster].to_numpy() if cluster else None
    fixed = _indicators(data, adjust_for)

    gaps: list[Gap] = []
    ref_hidden = ref not in shown
    others = [g for g in shown if g != ref]
    coefs: dict[Any, Coefficient] = {}
    # Clustering by workplace (see fit_linear): one workplace in all falls back to HC1 with a note (the gaps
    # are then within that workplace); 2-3 workplaces keep the wide t(G-1) interval with a note; a gap whose
    # clustered standard error collapses to zero (each group from its own workplaces) is not shown, since it
    # cannot be told apart from the differences between workplaces and an HC1 interval would overstate it.
    notes: list[str] = []
    se_method: str | None = None
    degenerate: set[Any] = set()
    cname = cluster or "cluster"
    if not ref_hidden and others:
        keep = np.array([g in shown for g in g_all])
        gk = [g for g, kp in zip(g_all, keep, strict=True) if kp]
        x = np.column_stack(
            [np.ones(len(gk))] + [np.array([g == o for g in gk], dtype=float) for o in others] + [fixed[keep]]
        )
        lf = fit_linear(
            y_all[keep],
            x,
            None if c_all is None else c_all[keep],
            None if w_all is None else w_all[keep],
            alpha,
            cname,
        )
        se_method = lf.se_method
        notes += [n for n in lf.notes if n not in notes]
        coefs = dict(zip(others, lf.coefficients[1 : 1 + len(others)], strict=True))
        degenerate = {g for g, c in coefs.items() if not math.isfinite(c.se)}
    for g in levels:
        if g == ref:
            continue
        if g in degenerate:
            no_interval = Note(
                "zero_clustered_se",
                f"no interval: the standard error clustered by {cname} is zero (as when {jsonable(g)} "
                f"and {jsonable(ref)} each come from their own {cname}s)",
                cluster=cname,
            )
            gaps.append(Gap(g, ref, None, None, None, None, True, no_interval))
        elif g in coefs:
            c = coefs[g]
            gaps.append(Gap(g, ref, c.estimate, c.lower, c.upper, c.p_value, False, None))
        else:
            why = rows[g].reason if g in rows and rows[g].suppressed else NO_RESPONSES
            if ref_hidden:
                ref_reason = rows[ref].reason if ref in rows else NO_RESPONSES
                why = Note(
                    "reference_hidden", f"the reference group is not shown ({ref_reason})", reason=ref_reason
                )
            gaps.append(Gap(g, ref, None, None, None, None, True, why))

    do_trend = trend if trend is not None else (order is not None or frame.schema[group].is_numeric())
    trend_coef: Coefficient | None = None
    if do_trend and len(shown) >= 3:
        score = {g: float(i) for i, g in enumerate(levels)}
        keep = np.array([g in shown for g in g_all])
        s = np.array([score[g] for g, kp in zip(g_all, keep, strict=True) if kp])
        x = np.column_stack([np.ones(s.size), s, fixed[keep]])
        tf = fit_linear(
            y_all[keep],
            x,
            None if c_all is None else c_all[keep],
            None if w_all is None else w_all[keep],
            alpha,
            cname,
        )
        se_method = se_method or tf.se_method
        notes += [n for n in tf.notes if n not in notes]
        trend_coef = tf.coefficients[1]
        if not (math.isfinite(trend_coef.estimate) and math.isfinite(trend_coef.se)):
            trend_coef = None
    return EquityGapResult(
        measure=measure,
        group=group,
        statistic=chosen,
        order=tuple(levels),
        reference=ref,
        estimates=table,
        gaps=tuple(gaps),
        trend=trend_coef,
        trend_groups=tuple(shown) if trend_coef is not None else (),
        clustered_by=cluster,
        adjusted_for=tuple(adjust_for),
        se_method=se_method,
        notes=tuple(notes),
    )


def _indicators(data: pl.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.float64]:
    """One 0/1 column per category of each column but its first: fixed effects for a regression."""
    parts = [np.zeros((data.height, 0))]
    for col in columns:
        levels = data[col].unique().sort().to_list()
        values = data[col].to_list()
        for lev in levels[1:]:
            parts.append(np.array([v == lev for v in values], dtype=float)[:, None])
    return np.hstack(parts)


__all__ = ["EquityGapResult", "Gap", "equity_gap"]
