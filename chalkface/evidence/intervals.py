"""Confidence intervals and design effects for small and weighted groups.

Unweighted proportions use the Wilson score interval (Agresti-Coull and Clopper-Pearson on request) from
statsmodels. Weighted proportions put the Kish effective sample size into the Wilson interval, or use the
Korn-Graubard beta interval with the design-based variance. Means use the t interval; weighted means use a
linearised, workplace-clustered standard error. No method here ever returns a Wald interval for a proportion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats
from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped]

from chalkface.evidence.errors import EvidenceError

FloatArray = npt.NDArray[np.float64]
ProportionMethod = Literal["wilson", "agresti_coull", "clopper_pearson", "korn_graubard"]

_STATSMODELS_NAMES = {"wilson": "wilson", "agresti_coull": "agresti_coull", "clopper_pearson": "beta"}


def proportion_interval(
    count: float, nobs: float, alpha: float = 0.05, method: ProportionMethod = "wilson"
) -> tuple[float, float]:
    """Interval for ``count`` successes out of ``nobs``; ``nobs`` may be an effective (non-integer) size.

    ``method`` is ``"wilson"`` (default), ``"agresti_coull"`` or ``"clopper_pearson"``; Agresti-Coull is
    clipped to [0, 1]. For Korn-Graubard use :func:`korn_graubard_interval`, which needs a design variance.
    """
    if nobs <= 0:
        raise EvidenceError(f"a proportion needs at least one response, got nobs={nobs}")
    if count < 0 or count > nobs + 1e-9:
        raise EvidenceError(f"count {count} must lie between 0 and nobs={nobs}")
    if method == "korn_graubard":
        raise EvidenceError("korn_graubard needs a design variance: call korn_graubard_interval")
    lo, hi = proportion_confint(count, nobs, alpha=alpha, method=_STATSMODELS_NAMES[method])
    return max(0.0, float(lo)), min(1.0, float(hi))


def kish_effective_n(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0:
        return 0.0
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise EvidenceError("weights must be finite and not negative")
    s2 = float(np.dot(w, w))
    return float(w.sum()) ** 2 / s2 if s2 > 0 else 0.0


def design_effect(weights: npt.ArrayLike) -> float:
    """Kish's design effect due to unequal weights, ``n sum w^2 / (sum w)^2 = 1 + CV^2(w)``."""
    w = np.asarray(weights, dtype=np.float64)
    n_eff = kish_effective_n(w)
    return float(w.size) / n_eff if n_eff > 0 else math.nan


@dataclass(frozen=True)
class DesignMean:
    """A (weighted) mean with its design-based standard error and degrees of freedom."""

    mean: float
    se: float
    df: int
    n: int
    n_eff: float

    def interval(self, alpha: float = 0.05) -> tuple[float, float]:
        """t interval ``mean +- t(df) se``; collapses to the mean when the standard error is zero."""
        if self.df < 1 or not math.isfinite(self.se):
            return math.nan, math.nan
        half = float(stats.t.ppf(1 - alpha / 2, self.df)) * self.se
        return self.mean - half, self.mean + half


def design_mean(
    values: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    clusters: npt.ArrayLike | None = None,
) -> DesignMean:
    """Weighted mean with a linearised standard error, clustered when ``clusters`` is given.

    Written by hand because neither statsmodels nor scipy has survey-design variances, and this is six lines:
    the ratio estimator ``sum(w y) / sum(w)`` has influence values ``z_i = w_i (y_i - ybar) / sum(w)``; they
    are totalled by cluster (each response is its own cluster when none is given) and
    ``Var = C / (C - 1) * sum_c Z_c^2`` with ``C - 1`` degrees of freedom. This is R survey's ``svymean`` for
    a with-replacement design ``svydesign(ids = ~cluster, weights = ~w)``. Without weights or clusters it is
    exactly the textbook ``s / sqrt(n)``.
    """
    y = np.asarray(values, dtype=np.float64)
    n = int(y.size)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != y.shape:
        raise EvidenceError("values and weights must have the same length")
    if n == 0:
        return DesignMean(math.nan, math.nan, 0, 0, 0.0)
    total = float(w.sum())
    if total <= 0:
        raise EvidenceError("weights must have a positive sum")
    mean = float(np.dot(w, y) / total)
    z = w * (y - mean) / total
    if clusters is None:
        cluster_totals = z
    else:
        _, inverse = np.unique(np.asarray(clusters), return_inverse=True)
        cluster_totals = np.bincount(inverse.ravel(), weights=z).astype(np.float64)
    c = int(cluster_totals.size)
    if c < 2:
        return DesignMean(mean, math.nan, 0, n, kish_effective_n(w))
    var = c / (c - 1) * float(np.dot(cluster_totals, cluster_totals))
    return DesignMean(mean, math.sqrt(var), c - 1, n, kish_effective_n(w))


def t_interval(values: npt.ArrayLike, alpha: float = 0.05) -> tuple[float, float, float]:
    """Mean and t interval of unweighted values: ``(mean, lower, upper)``."""
    dm = design_mean(values)
    lo, hi = dm.interval(alpha)
    return dm.mean, lo, hi


def korn_graubard_interval(
    p: float, variance: float, n: int, df: int, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Korn-Graubard (1998) beta interval for a design-based proportion; returns ``(lower, upper, n_star)``.

    As R survey's ``svyciprop(method = "beta")``: effective size ``n* = p(1-p)/Var(p)``, shrunk by
    ``(t_{n-1} / t_df)^2`` for the design's degrees of freedom, then a Clopper-Pearson interval on ``n* p``
    successes out of ``n*``. When the variance is zero (all answers equal) ``n*`` is taken as ``n``.
    """
    if n < 1:
        raise EvidenceError("a proportion needs at least one response")
    if variance > 0 and 0 < p < 1:
        n_star = p * (1 - p) / variance
        if df >= 1 and n > 1:
            n_star *= (float(stats.t.ppf(alpha / 2, n - 1)) / float(stats.t.ppf(alpha / 2, df))) ** 2
    else:
        n_star = float(n)
    x = n_star * p
    lo = 0.0 if x <= 0 else float(stats.beta.ppf(alpha / 2, x, n_star - x + 1))
    hi = 1.0 if x >= n_star else float(stats.beta.ppf(1 - alpha / 2, x + 1, n_star - x))
    return lo, hi, n_star
