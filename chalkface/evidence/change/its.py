"""Segmented regression around a release date (interrupted time series): level and slope change, with HAC
standard errors, or Poisson / quasi-Poisson for counts with an offset."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
import statsmodels.api as sm  # type: ignore[import-untyped]

from chalkface.evidence._frames import require_columns, require_numeric
from chalkface.evidence._models import Coefficient
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.notes import format_p

Family = Literal["gaussian", "poisson", "quasi_poisson"]


@dataclass(frozen=True)
class ITSResult:
    """Segmented regression: level change at the intervention and change in slope after it.

    For Poisson families the effects are also given as rate ratios (``exp``).
    """

    family: Family
    level_change: Coefficient
    slope_change: Coefficient | None
    pre_slope: Coefficient
    dispersion: float
    n_periods: int
    intervention_index: int
    params: dict[str, float] = field(repr=False)

    @property
    def rate_ratio(self) -> tuple[float, float, float]:
        """``exp`` of the level change and its interval (Poisson families)."""
        c = self.level_change
        return math.exp(c.estimate), math.exp(c.lower), math.exp(c.upper)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "family": self.family,
            "level_change": vars(self.level_change),
            "slope_change": vars(self.slope_change) if self.slope_change else None,
            "pre_slope": vars(self.pre_slope),
            "dispersion": self.dispersion,
            "n_periods": self.n_periods,
            "intervention_index": self.intervention_index,
        }
        if self.family != "gaussian":
            out["rate_ratio"] = list(self.rate_ratio)
        return out

    def summary(self) -> str:
        c = self.level_change
        if self.family == "gaussian":
            text = (
                f"Level change {c.estimate:+.3f} (95% CI {c.lower:+.3f} to {c.upper:+.3f}, "
                f"{format_p(c.p_value)})"
            )
        else:
            rr = self.rate_ratio
            text = f"Rate ratio {rr[0]:.3f} (95% CI {rr[1]:.3f} to {rr[2]:.3f}, {format_p(c.p_value)})"
        if self.slope_change is not None:
            s = self.slope_change
            text += f"; slope change {s.estimate:+.4f} per period ({s.lower:+.4f} to {s.upper:+.4f})"
        after = self.n_periods - self.intervention_index
        return f"{text}; {self.n_periods} periods, {after} of them after the change."


class InterruptedTimeSeries:
    """Segmented regression ``Y_t = b0 + b1 t + b2 D_t + b3 (t - T0) D_t [+ season] + e_t``.

    ``outcome`` and ``time``: columns; ``intervention``: a 0/1 column, or the first time value after the
    change; ``exposure``: the offset's column for counts; ``season``: the column the harmonics use (e.g.
    month 1-12; defaults to ``time``); ``weights``: a column of weights.

    ``family``: ``"gaussian"`` (OLS with Newey-West HAC errors, ``hac_lags`` lags, default 1; 0 for plain
    OLS errors), ``"poisson"`` or ``"quasi_poisson"`` (counts, log link, offset ``log(exposure)``, the
    latter scaled by the Pearson dispersion as R's quasipoisson). ``slope_change``: include ``b3``.
    ``harmonics``: pairs of Fourier terms for seasonality with period ``period`` (R ``tsModel::harmonic``).
    """

    def __init__(
        self,
        outcome: str,
        time: str,
        intervention: str | float,
        *,
        exposure: str | None = None,
        season: str | None = None,
        weights: str | None = None,
        family: Family = "gaussian",
        slope_change: bool = True,
        harmonics: int = 0,
        period: float = 12.0,
        hac_lags: int | None = None,
        alpha: float = 0.05,
    ) -> None:
        self.outcome = outcome
        self.time = time
        self.intervention = intervention
        self.exposure = exposure
        self.season = season
        self.weights = weights
        self.family = family
        self.slope_change = slope_change
        self.harmonics = harmonics
        self.period = period
        self.hac_lags = hac_lags
        self.alpha = alpha

    def fit(self, frame: pl.DataFrame) -> InterruptedTimeSeries:
        """Fit to ``frame``; the result is in ``result_``."""
        outcome, time, intervention = self.outcome, self.time, self.intervention
        exposure, season, weights = self.exposure, self.season, self.weights
        cols = [outcome, time, exposure, season, weights]
        if isinstance(intervention, str):
            cols.append(intervention)
        require_columns(frame, cols)
        data = frame.sort(time)
        t = data[time].cast(pl.Float64).to_numpy()
        y = data[outcome].cast(pl.Float64).to_numpy()
        if isinstance(intervention, str):
            d = data[intervention].cast(pl.Float64).to_numpy()
        else:
            d = (t >= float(intervention)).astype(float)
        if d.min() == d.max():
            raise EvidenceError("the series needs periods both before and after the intervention")
        t0_index = int(np.argmax(d > 0))
        t0 = t[t0_index]
        columns = {"const": np.ones(t.size), "time": t, "level": d}
        if self.slope_change:
            columns["slope"] = (t - t0) * d
        s = data[season].cast(pl.Float64).to_numpy() if season else t
        for h in range(1, self.harmonics + 1):
            columns[f"sin{h}"] = np.sin(2 * np.pi * h * s / self.period)
            columns[f"cos{h}"] = np.cos(2 * np.pi * h * s / self.period)
        x = np.column_stack(list(columns.values()))
        names = list(columns)
        before_n, after_n = int((d == 0).sum()), int((d > 0).sum())
        if before_n < 2 or after_n < 2 or np.linalg.matrix_rank(x) < x.shape[1]:
            raise EvidenceError(
                f"the series has {before_n} period(s) before and {after_n} after the change: too few to "
                "estimate a level and a slope on each side"
            )
        if self.family == "gaussian":
            w = data[weights].cast(pl.Float64).to_numpy() if weights else None
            model = sm.WLS(y, x, weights=w) if w is not None else sm.OLS(y, x)
            lags = 1 if self.hac_lags is None else self.hac_lags
            if lags > 0:
                # Newey-West with the small-sample correction; more lags make intervals too narrow in
                # series as short as a term of weeks (simulated coverage 82% with 3 lags, 89% with 1)
                res = model.fit(
                    cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
                )
            else:
                res = model.fit(use_t=True)
            dispersion = float(res.scale)
        else:
            offset = np.log(data[exposure].cast(pl.Float64).to_numpy()) if exposure else None
            model = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)
            res = model.fit(scale="X2") if self.family == "quasi_poisson" else model.fit()
            dispersion = float(res.scale)
        ci = np.asarray(res.conf_int(alpha=self.alpha))
        params = np.asarray(res.params, dtype=float)
        bse = np.asarray(res.bse, dtype=float)
        pvals = np.asarray(res.pvalues, dtype=float)
        df = float(res.df_resid)

        def coef(name: str) -> Coefficient:
            i = names.index(name)
            return Coefficient(
                float(params[i]), float(bse[i]), float(ci[i, 0]), float(ci[i, 1]), float(pvals[i]), df
            )

        self.result_ = ITSResult(
            family=self.family,
            level_change=coef("level"),
            slope_change=coef("slope") if self.slope_change else None,
            pre_slope=coef("time"),
            dispersion=dispersion,
            n_periods=int(t.size),
            intervention_index=t0_index,
            params=dict(zip(names, (float(p) for p in params), strict=True)),
        )
        return self


def segmented_regression(
    frame: pl.DataFrame,
    measure: str,
    *,
    date: str,
    release: dt.date,
    unit: Literal["week", "month"] = "week",
    k: int = 10,
    hac_lags: int | None = None,
) -> ITSResult:
    """Segmented regression of the mean of ``measure`` per week (or month) around a release date.

    Periods with fewer than ``k`` responses are left out (their means would be both noisy and disclosive);
    the others are weighted by their number of responses.
    """
    require_columns(frame, [measure, date])
    require_numeric(frame, measure)
    every = "1w" if unit == "week" else "1mo"
    per = (
        frame.filter(pl.col(measure).is_not_null())
        .with_columns(pl.col(date).cast(pl.Date).dt.truncate(every).alias("__period"))
        .group_by("__period")
        .agg(pl.col(measure).cast(pl.Float64).mean().alias("__mean"), pl.len().alias("__n"))
        .filter(pl.col("__n") >= k)
        .sort("__period")
    )
    if per.height < 4:
        raise EvidenceError(f"segmented regression needs at least 4 {unit}s with {k} or more responses each")
    start = per["__period"].min()
    assert isinstance(start, dt.date)
    release_period = pl.Series([release]).cast(pl.Date).dt.truncate(every)[0]
    days = (per["__period"] - start).dt.total_days().to_numpy().astype(float)
    step = 7.0 if unit == "week" else 30.4375
    index = np.round(days / step)
    t0 = float(round((release_period - start).days / step))
    data = pl.DataFrame({"y": per["__mean"], "t": index, "n": per["__n"].cast(pl.Float64)})
    its = InterruptedTimeSeries(
        "y", "t", t0, weights="n", family="gaussian", slope_change=True, hac_lags=hac_lags
    )
    return its.fit(data).result_
