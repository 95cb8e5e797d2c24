"""Thin wrappers over statsmodels regressions used by several analyses; private to the evidence layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy import stats

from chalkface.evidence.notes import Note

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


#: Fewer clusters than this and a cluster-robust standard error is flagged as unreliable.
FEW_CLUSTERS = 4


@dataclass(frozen=True)
class LinearFit:
    """A least-squares fit: its coefficients and how their standard errors were computed.

    ``se_method``: ``"cluster"`` (CR1, t on G - 1 degrees of freedom) or ``"HC1"`` (n - p degrees of freedom).
    ``n_clusters``: G when clustering was asked for. ``notes``: why the method differs from what was asked, or
    why the interval deserves caution, in words the user can read. ``degenerate``: the clustered standard
    error collapsed to zero (every cluster's residuals sum to zero, e.g. one cluster per group compared), so
    the coefficients given carry no interval (``nan``) and the caller must not show them as if they did.
    """

    coefficients: list[Coefficient]
    se_method: str
    n_clusters: int | None
    notes: tuple[str, ...]
    degenerate: bool = False


def fit_linear(
    y: FloatArray,
    x: FloatArray,
    clusters: npt.ArrayLike | None = None,
    weights: FloatArray | None = None,
    alpha: float = 0.05,
    cluster_name: str = "cluster",
) -> LinearFit:
    """(Weighted) least squares with cluster-robust (CR1) or HC1 standard errors and t intervals.

    With clusters, inference uses a t distribution with G - 1 degrees of freedom (G clusters), as Stata and
    statsmodels' ``use_t`` do; without, HC1 with n - p degrees of freedom.

    Few clusters:

    - G < 2: a clustered standard error is undefined (CR1 divides by G - 1 and there is no between-cluster
      variation to estimate); statsmodels divides by zero. The fit falls back to HC1 and says so. This is
      honest when all the data come from one cluster: the comparison is then within that cluster, and the
      only variation left to describe is between its members.
    - 2 <= G < :data:`FEW_CLUSTERS`: CR1 is badly biased downwards (Cameron, Gelbach and Miller 2008); the t
      quantile on G - 1 = 1 or 2 degrees of freedom (12.7 or 4.3) more than compensates in most designs, so
      the interval stays clustered but very wide, and a note says to treat it as rough.
    - A clustered standard error of zero where HC1's is not (every cluster's residuals sum to zero, as when
      each group compared comes from one cluster): the coefficient cannot be told apart from the clusters, so
      its interval is ``nan`` and ``degenerate`` is set; falling back to HC1 would give a confident interval
      that ignores exactly the likeness clustering exists for.
    """
    model = sm.WLS(y, x, weights=weights) if weights is not None else sm.OLS(y, x)
    notes: list[str] = []
    n_clusters: int | None = None
    groups = cluster_codes(clusters) if clusters is not None else None
    if groups is not None:
        n_clusters = int(np.unique(groups).size)
        if n_clusters < 2:
            notes.append(
                Note(
                    "one_cluster",
                    f"all responses come from one {cluster_name}, so a standard error clustered by "
                    f"{cluster_name} is undefined; the interval is heteroskedasticity-robust (HC1) and "
                    "treats responses as independent",
                    cluster=cluster_name,
                )
            )
            groups = None
    hc1 = model.fit(cov_type="HC1", use_t=True)
    degenerate = np.zeros(x.shape[1], dtype=bool)
    if groups is not None:
        assert n_clusters is not None
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        df = float(n_clusters - 1)
        se_method = "cluster"
        cl_se = np.asarray(fit.bse, dtype=float)
        hc_se = np.asarray(hc1.bse, dtype=float)
        degenerate = ~np.isfinite(cl_se) | ((cl_se <= 1e-8 * hc_se) & (hc_se > 0))
        if n_clusters < FEW_CLUSTERS:
            notes.append(
                Note(
                    "few_clusters",
                    f"only {n_clusters} {cluster_name}s: cluster-robust standard errors are biased downwards "
                    f"with so few clusters; the t quantile on {n_clusters - 1} degree(s) of freedom widens "
                    "the interval to compensate, but treat it as rough",
                    cluster=cluster_name,
                    n=n_clusters,
                )
            )
    else:
        fit, df, se_method = hc1, float(hc1.df_resid), "HC1"
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    out = []
    tcrit = float(stats.t.ppf(1 - alpha / 2, df)) if df >= 1 else math.nan
    for b, s, bad in zip(params, bse, degenerate, strict=True):
        if bad:
            out.append(Coefficient(float(b), math.nan, math.nan, math.nan, math.nan, df))
            continue
        t = b / s if s > 0 else math.copysign(math.inf, b) if b else 0.0
        p = float(2 * stats.t.sf(abs(t), df)) if df >= 1 else math.nan
        out.append(Coefficient(float(b), float(s), float(b - tcrit * s), float(b + tcrit * s), p, df))
    if bool(degenerate.any()):
        notes.append(
            Note(
                "zero_clustered_se",
                f"the standard error clustered by {cluster_name} is zero (as when each group compared comes "
                f"from its own {cluster_name}s), so the comparison cannot be told apart from the "
                f"differences between {cluster_name}s and no interval is given",
                cluster=cluster_name,
            )
        )
    return LinearFit(out, se_method, n_clusters, tuple(notes), bool(degenerate.any()))


def linear_fit(
    y: FloatArray,
    x: FloatArray,
    clusters: npt.ArrayLike | None = None,
    weights: FloatArray | None = None,
    alpha: float = 0.05,
) -> list[Coefficient]:
    """The coefficients of :func:`fit_linear`."""
    return fit_linear(y, x, clusters, weights, alpha).coefficients
