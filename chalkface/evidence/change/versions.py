"""Before/after comparison of one measure between two versions of a tool: the difference in means with a
workplace-clustered interval, the Mann-Whitney test with the rank-biserial effect size and its interval, and
for agreement scales the proportional-odds odds ratio."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import optimize, stats

from chalkface.evidence._frames import jsonable, require_columns, require_numeric
from chalkface.evidence._models import fit_linear
from chalkface.evidence.cellkey import cell_key, tag_of
from chalkface.evidence.change.ordinal import OrdinalLogit, separation
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.notes import Note, format_p

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class VersionComparison:
    """Before/after comparison of one measure between two versions of a tool."""

    measure: str
    before: str
    after: str
    n_before: int | None
    n_after: int | None
    mean_before: float | None
    mean_after: float | None
    difference: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    mann_whitney_u: float | None
    mann_whitney_p: float | None
    rank_biserial: float | None
    rank_biserial_lower: float | None
    rank_biserial_upper: float | None
    odds_ratio: float | None
    odds_ratio_lower: float | None
    odds_ratio_upper: float | None
    clustered_by: str | None
    suppressed: bool
    reason: str | None
    tool: Any = None
    se_method: str | None = None
    odds_ratio_reason: str | None = None
    notes: tuple[str, ...] = ()
    tool_name: str | None = None
    measure_label: str | None = None
    k: int = 10
    perturbed: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {k: jsonable(v) for k, v in vars(self).items()}
        # one flat string, so that a table of comparisons (CSV) keeps one value per cell
        out["notes"] = "; ".join(self.notes) or None
        return out

    def sentence(self) -> str:
        """The comparison in one plain sentence (in English), naming the tool and the measure by their display
        names when given (``tool_name``, ``measure_label``), else by their codes."""
        tool = display_name(self.tool_name, self.tool)
        what = self.measure_label or self.measure
        if self.suppressed:
            return f"{tool}{self.after} vs {self.before} on {what}: not shown ({self.reason})."
        assert self.difference is not None and self.lower is not None and self.upper is not None
        direction = "higher" if self.difference > 0 else "lower"
        return (
            f"After {tool}version {self.after}, {what} was {abs(self.difference):.2f} {direction} on "
            f"average than with {self.before} (95% interval {self.lower:+.2f} to {self.upper:+.2f}; "
            f"n={self.n_before} before, {self.n_after} after; {format_p(self.p_value)})."
        )

    def summary(self) -> str:
        lines = [self.sentence()]
        if not self.suppressed and self.rank_biserial is not None:
            lines.append(
                f"  Mann-Whitney U={self.mann_whitney_u:.1f}, {format_p(self.mann_whitney_p)}; "
                f"rank-biserial r={self.rank_biserial:+.3f} ({self.rank_biserial_lower:+.3f} to "
                f"{self.rank_biserial_upper:+.3f})"
            )
        if not self.suppressed and self.odds_ratio is not None:
            lines.append(
                f"  Proportional-odds odds ratio {self.odds_ratio:.3f} ({self.odds_ratio_lower:.3f} to "
                f"{self.odds_ratio_upper:.3f})"
            )
        elif not self.suppressed and self.odds_ratio_reason is not None:
            lines.append(f"  Proportional-odds odds ratio not estimable: {self.odds_ratio_reason}.")
        lines += [f"  Note: {n}." for n in self.notes]
        return "\n".join(lines)


def rank_biserial(
    after: FloatArray, before: FloatArray, alpha: float = 0.05
) -> tuple[float, float, float, float, float]:
    """Mann-Whitney U (of ``after``), its asymptotic p-value, and the rank-biserial r with an interval.

    ``r = 2U / (n1 n2) - 1`` (positive when answers after tend to be higher). scipy gives the test but no
    interval for the effect, so the interval is computed here from Hanley and McNeil's (1982) variance of
    ``U / (n1 n2)`` (the probability of superiority), then mapped to r.
    """
    res = stats.mannwhitneyu(after, before, alternative="two-sided", method="asymptotic")
    n1, n2 = after.size, before.size
    a = float(res.statistic) / (n1 * n2)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)
    z = float(stats.norm.ppf(1 - alpha / 2))
    half = z * math.sqrt(max(var, 0.0))
    lo, hi = max(0.0, a - half), min(1.0, a + half)
    if a in (0.0, 1.0):
        # Complete separation: the Hanley-McNeil variance is zero at the boundary, so the Wald interval
        # would collapse to the point. Invert the same variance instead (a score-type interval, Newcombe
        # 2006): the open end is the A whose own variance puts the observed value z standard errors away.
        lo, hi = _score_bound(a, n1, n2, z)
    return float(res.statistic), float(res.pvalue), 2 * a - 1, 2 * lo - 1, 2 * hi - 1


def _hanley_mcneil_variance(a: float, n1: int, n2: int) -> float:
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)


def _score_bound(a: float, n1: int, n2: int, z: float) -> tuple[float, float]:
    """The interval for a probability of superiority observed at 0 or 1: solve ``(A - a)^2 = z^2 Var(A)``
    for the ``A`` inside (0, 1), with the Hanley-McNeil ``Var``."""

    def gap(p: float) -> float:
        return (p - a) ** 2 - z * z * _hanley_mcneil_variance(p, n1, n2)

    eps = 1e-12
    if a == 1.0:
        # gap(0) = 1 > 0 and gap just below 1 is negative (Var is linear in 1 - A there)
        return float(optimize.brentq(gap, 0.0, 1.0 - eps)), 1.0
    return 0.0, float(optimize.brentq(gap, eps, 1.0))


def compare_versions(
    frame: pl.DataFrame,
    measure: str,
    *,
    version: str = "version_label",
    before: str,
    after: str,
    cluster: str | None = None,
    k: int = 10,
    policy: DisclosurePolicy | None = None,
    ordinal: bool | None = None,
    alpha: float = 0.05,
    tool: Any = None,
    tool_name: str | None = None,
    measure_label: str | None = None,
    within: Mapping[str, Any] | None = None,
) -> VersionComparison:
    """Compare ``measure`` between responses about version ``before`` and version ``after``.

    ``within``: conditions every response in ``frame`` meets beyond the policy's (e.g. the tool, when the
    frame holds one tool's responses), so that the release history knows which groups are compared.

    ``tool_name`` and ``measure_label``: what :meth:`VersionComparison.sentence` calls the tool and the
    measure (default: ``tool`` and ``measure`` themselves).

    The headline is the difference in means (after minus before) with a t interval whose standard error is
    clustered by ``cluster`` (e.g. ``workplace_id``), because colleagues' answers are alike. Alongside: the
    Mann-Whitney test with the rank-biserial r, and for 1-5 scales (``ordinal=None`` decides) the
    proportional-odds odds ratio. Both groups need at least ``k`` responses or nothing is shown.
    """
    policy = policy or DisclosurePolicy(k=k)
    key = policy.cell_key.column if policy.cell_key is not None else None
    require_columns(frame, [measure, version, cluster, key])
    require_numeric(frame, measure)
    data = frame.with_columns(pl.col(version).cast(pl.String)).filter(
        pl.col(version).is_in([str(before), str(after)]) & pl.col(measure).is_not_null()
    )
    is_after = (data[version] == str(after)).to_numpy()
    y = data[measure].cast(pl.Float64).to_numpy()
    n_b, n_a = int((~is_after).sum()), int(is_after.sum())
    empty: dict[str, Any] = dict.fromkeys(
        [
            "mean_before",
            "mean_after",
            "difference",
            "lower",
            "upper",
            "p_value",
            "mann_whitney_u",
            "mann_whitney_p",
            "rank_biserial",
            "rank_biserial_lower",
            "rank_biserial_upper",
            "odds_ratio",
            "odds_ratio_lower",
            "odds_ratio_upper",
        ]
    )
    repeated = False
    if policy.history is not None and key is not None and n_b and n_a:
        keys_all = data[key].cast(pl.Float64).to_numpy()
        for label, n_v, chosen in ((before, n_b, ~is_after), (after, n_a, is_after)):
            group = (*(within or {}).items(), (version, str(label)))
            if not policy.is_small(n_v) and not policy.admits(
                group, [(measure, n_v, float(keys_all[chosen].sum()))]
            ):
                repeated = True
    if policy.is_small(n_b) or policy.is_small(n_a) or n_b == 0 or n_a == 0 or repeated:
        reason = (
            policy.repeat_reason
            if repeated
            else Note("below_k_version", f"{policy.small_reason} for one of the versions", k=policy.k)
        )
        return VersionComparison(
            measure,
            str(before),
            str(after),
            None,
            None,
            **empty,
            clustered_by=cluster,
            suppressed=True,
            reason=reason,
            tool=tool,
            tool_name=tool_name,
            measure_label=measure_label,
            k=policy.k,
            perturbed=policy.perturbs,
        )
    x = np.column_stack([np.ones(y.size), is_after.astype(float)])
    groups = data[cluster].to_numpy() if cluster is not None else None
    # One workplace: the clustered standard error is undefined, and fit_linear falls back to HC1 (with a
    # note), which is honest because the comparison is then within that workplace. Each version from its own
    # workplace(s) with nothing shared: the difference cannot be told apart from the workplaces, so no
    # interval (and no p-value) is given; see fit_linear.
    lf = fit_linear(y, x, groups, alpha=alpha, cluster_name=cluster or "cluster")
    coef = lf.coefficients[1]
    notes = list(lf.notes)
    u, p_mw, r, r_lo, r_hi = rank_biserial(y[is_after], y[~is_after], alpha)
    values = np.unique(y)
    if ordinal is None:
        ordinal = values.size <= 7 and bool(np.all(values == np.round(values)))
    orr: tuple[float | None, float | None, float | None] = (None, None, None)
    orr_reason: str | None = None
    if ordinal and values.size >= 2:
        why = separation(y, is_after.astype(float))
        if why is not None:
            # The odds ratio is infinite (or zero): report that it cannot be estimated rather than let
            # Newton's method overflow. The rank-biserial r (+1 or -1) and its interval still say how far
            # apart the answers are.
            orr_reason = Note(
                "separated",
                f"the answers are {why.replace('with it', 'after').replace('without it', 'before')}, so "
                "the odds ratio is infinite (or zero) and has no finite estimate",
                direction="higher" if "as high" in why else "lower",
            )
        else:
            try:
                ol = OrdinalLogit(measure, ["__after"], cluster=cluster).fit(
                    data.with_columns(pl.Series("__after", is_after.astype(float)))
                )
            except EvidenceError as exc:
                orr_reason = Note("odds_ratio_failed", str(exc))
            else:
                orr = ol.result_.odds_ratio("__after")
                if not all(math.isfinite(v) for v in orr):
                    orr, orr_reason = (
                        (None, None, None),
                        Note("odds_ratio_failed", "the odds ratio overflowed (nearly separated answers)"),
                    )
                notes += [n for n in ol.result_.notes if n not in notes]
    if lf.degenerate:
        return VersionComparison(
            measure,
            str(before),
            str(after),
            None,
            None,
            **empty,
            clustered_by=cluster,
            suppressed=True,
            reason=Note(
                "zero_clustered_se",
                f"no interval: the standard error clustered by {cluster} is zero (as when each version was "
                f"answered in its own {cluster}s), so the change cannot be told apart from the differences "
                f"between {cluster}s",
                cluster=cluster,
            ),
            tool=tool,
            se_method=lf.se_method,
            notes=tuple(notes),
            tool_name=tool_name,
            measure_label=measure_label,
            k=policy.k,
            perturbed=policy.perturbs,
        )
    mean_b, mean_a = float(y[~is_after].mean()), float(y[is_after].mean())
    difference, lower, upper = coef.estimate, coef.lower, coef.upper
    key_b = key_a = None
    if policy.cell_key is not None and key is not None:
        # The same noise as the tool page's breakdown by version gives these two groups (same people, same
        # cell keys), so the comparison and the page agree and neither can be subtracted from the other.
        ck = policy.cell_key
        keys = data[key].cast(pl.Float64).to_numpy()
        key_b, key_a = float(keys[~is_after].sum()), float(keys[is_after].sum())
        scale = ck.scale(measure, "mean_agreement" if ordinal else "mean")
        tag = tag_of(f"{measure}/mean")
        noise_b = ck.sum_noise(cell_key(key_b), scale, tag) / n_b
        noise_a = ck.sum_noise(cell_key(key_a), scale, tag) / n_a
        mean_b, mean_a = mean_b + noise_b, mean_a + noise_a
        difference = coef.estimate + noise_a - noise_b
        if math.isfinite(coef.se) and coef.se > 0:
            t = (coef.upper - coef.estimate) / coef.se
            half = t * math.sqrt(coef.se**2 + ck.sum_variance(scale) * (1 / n_a**2 + 1 / n_b**2))
            lower, upper = difference - half, difference + half
    return VersionComparison(
        measure=measure,
        before=str(before),
        after=str(after),
        n_before=policy.publish_count(n_b, key_b),
        n_after=policy.publish_count(n_a, key_a),
        mean_before=mean_b,
        mean_after=mean_a,
        difference=difference,
        lower=lower,
        upper=upper,
        p_value=coef.p_value,
        mann_whitney_u=u,
        mann_whitney_p=p_mw,
        rank_biserial=r,
        rank_biserial_lower=r_lo,
        rank_biserial_upper=r_hi,
        odds_ratio=orr[0],
        odds_ratio_lower=orr[1],
        odds_ratio_upper=orr[2],
        clustered_by=cluster if lf.se_method == "cluster" else None,
        suppressed=False,
        reason=None,
        tool=tool,
        se_method=lf.se_method,
        odds_ratio_reason=orr_reason,
        notes=tuple(notes),
        tool_name=tool_name,
        measure_label=measure_label,
        k=policy.k,
        perturbed=policy.perturbs,
    )


def display_name(display: str | None, code: Any) -> str:
    """The tool as a sentence names it, followed by a space: its display name, else its code, else nothing."""
    if display:
        return f"{display} "
    return f"{code} " if code is not None else ""
