"""Thin wrappers over statsmodels regressions used by several analyses; private to the evidence layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy import stats

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Coefficient:
    """One regression coefficient with its standard error, interval and p-value."""

    estimate: float
    se: float
    lower: float
    upper: float
    p_value: float
    df: float


def cluster_codes(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    _, inverse = np.unique(np.asarray(values), return_inverse=True)
    return inverse.ravel().astype(np.int64)


def linear_fit(
    y: FloatArray,
    x: FloatArray,
    clusters: npt.ArrayLike | None = None,
    weights: FloatArray | None = None,
    alpha: float = 0.05,
) -> list[Coefficient]:
    """(Weighted) least squares with cluster-robust (CR1) or HC1 standard errors and t intervals.

    With clusters, inference uses a t distribution with G - 1 degrees of freedom (G clusters), as Stata and
    statsmodels' ``use_t`` do; without, HC1 with n - p degrees of freedom.
    """
    model = sm.WLS(y, x, weights=weights) if weights is not None else sm.OLS(y, x)
    if clusters is not None:
        groups = cluster_codes(clusters)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        df = float(np.unique(groups).size - 1)
    else:
        fit = model.fit(cov_type="HC1", use_t=True)
        df = float(fit.df_resid)
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    out = []
    tcrit = float(stats.t.ppf(1 - alpha / 2, df)) if df >= 1 else math.nan
    for b, s in zip(params, bse, strict=True):
        t = b / s if s > 0 else math.copysign(math.inf, b) if b else 0.0
        p = float(2 * stats.t.sf(abs(t), df)) if df >= 1 else math.nan
        out.append(Coefficient(float(b), float(s), float(b - tcrit * s), float(b + tcrit * s), p, df))
    return out
