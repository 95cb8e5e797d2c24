"""What changed when a tool changed version.

- :func:`compare_versions`: before/after comparison of one measure: difference in means with a
  workplace-clustered interval, the Mann-Whitney test with the rank-biserial effect size and its interval,
  and for agreement scales the proportional-odds (ordinal logit) odds ratio.
- :class:`OrdinalLogit`: the proportional-odds model (statsmodels ``OrderedModel``), reported as R's
  ``MASS::polr`` reports it (coefficients and increasing thresholds).
- :class:`InterruptedTimeSeries` and :func:`segmented_regression`: segmented regression around a release date
  (level and slope change; HAC standard errors; or Poisson / quasi-Poisson for counts with an offset).
- :func:`incident_rate_change`: incident rates per deployment-month for two versions, with the quasi-Poisson
  rate ratio.
- :func:`signal_list`: every tool, version change and measure at once, with Benjamini-Hochberg false
  discovery rate control, each signal explained in a sentence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy import optimize, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel  # type: ignore[import-untyped]
from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

from chalkface.evidence._frames import jsonable, require_columns, require_numeric
from chalkface.evidence._models import FEW_CLUSTERS, Coefficient, fit_linear
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import ColumnError, ConvergenceError, EvidenceError, SeparationError

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------------------------------------
# Ordinal logit


@dataclass(frozen=True)
class OrdinalLogitResult:
    """Proportional-odds fit: ``logit P(Y <= j) = theta_j - x'b``."""

    outcome: str
    levels: tuple[Any, ...]
    coefficients: dict[str, Coefficient]
    thresholds: tuple[float, ...]
    n: int
    converged: bool
    se_method: str = "model"
    notes: tuple[str, ...] = ()

    def odds_ratio(self, name: str) -> tuple[float, float, float]:
        """``exp(b)`` with its interval: the odds of a higher answer, per unit of ``name``."""
        c = self.coefficients[name]
        return math.exp(c.estimate), math.exp(c.lower), math.exp(c.upper)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "levels": [jsonable(v) for v in self.levels],
            "coefficients": {k: vars(v) for k, v in self.coefficients.items()},
            "thresholds": list(self.thresholds),
            "n": self.n,
            "converged": self.converged,
            "se_method": self.se_method,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        lines = [f"Proportional-odds model for {self.outcome} (n={self.n})"]
        for name, c in self.coefficients.items():
            orr = self.odds_ratio(name)
            lines.append(
                f"  {name}: {c.estimate:.4f} (SE {c.se:.4f}, p={c.p_value:.3g}); odds ratio {orr[0]:.3f} "
                f"({orr[1]:.3f} to {orr[2]:.3f})"
            )
        lines.append("  thresholds: " + ", ".join(f"{t:.4f}" for t in self.thresholds))
        lines += [f"  Note: {n}." for n in self.notes]
        return "\n".join(lines)


class OrdinalLogit:
    """Proportional-odds (ordinal logistic) regression, as R's ``MASS::polr``.

    ``levels``: the answers in increasing order (default: the sorted distinct values). ``cluster``: a column
    whose members are alike (e.g. ``workplace_id``), for cluster-robust standard errors.

    Raises :class:`SeparationError` when a 0/1 covariate separates the answers (every answer with it at 1
    is at least as high, or at least as low, as every answer with it at 0): the likelihood then keeps
    rising as that coefficient goes to infinity, so there is no estimate to report (Newton's method
    overflows or meets a singular Hessian). A fit that fails numerically for another reason raises
    :class:`ConvergenceError`. With a single cluster the standard errors fall back to the model-based ones
    (``se_method="model"``, with a note): a clustered standard error is undefined there. A clustered standard
    error that collapses to zero (each value of a covariate in its own clusters) raises
    :class:`EvidenceError`, as the effect cannot be told apart from the clusters.
    """

    def __init__(
        self,
        outcome: str,
        covariates: Sequence[str],
        levels: Sequence[Any] | None = None,
        cluster: str | None = None,
    ) -> None:
        self.outcome = outcome
        self.covariates = covariates
        self.levels = levels
        self.cluster = cluster

    def fit(self, frame: pl.DataFrame) -> OrdinalLogit:
        covs = list(self.covariates)
        require_columns(frame, [self.outcome, *covs, self.cluster])
        for c in covs:
            require_numeric(frame, c)
        data = frame.drop_nulls([self.outcome, *covs])
        levels = (
            list(self.levels) if self.levels is not None else data[self.outcome].unique().sort().to_list()
        )
        index = {v: i for i, v in enumerate(levels)}
        unknown = set(data[self.outcome].unique().to_list()) - set(index)
        if unknown:
            raise ColumnError(
                f"column {self.outcome!r} has answers not among the levels: {sorted(map(str, unknown))}"
            )
        if len(levels) < 2:
            raise EvidenceError(f"column {self.outcome!r} needs at least two different answers")
        y = np.array([index[v] for v in data[self.outcome].to_list()])
        x = data.select(covs).cast(pl.Float64).to_numpy()
        for j, name in enumerate(covs):
            why = separation(y, x[:, j])
            if why is not None:
                raise SeparationError(f"{self.outcome!r} by {name!r}: {why}")
        model = OrderedModel(y, x, distr="logit")
        kwargs: dict[str, Any] = {"method": "newton", "disp": False, "maxiter": 200}
        se_method, notes = "model", []
        if self.cluster is not None:
            groups = _codes(data[self.cluster])
            if np.unique(groups).size < 2:
                # CR1 divides by G - 1: undefined for one cluster. With every answer from one cluster the
                # model-based (information matrix) standard errors describe that cluster's answers.
                notes.append(
                    f"all answers come from one {self.cluster}, so a standard error clustered by "
                    f"{self.cluster} is undefined; the model-based standard error is used"
                )
            else:
                kwargs.update(cov_type="cluster", cov_kwds={"groups": groups})
                se_method = "cluster"
                if np.unique(groups).size < FEW_CLUSTERS:
                    notes.append(
                        f"only {np.unique(groups).size} {self.cluster}s: the odds ratio's cluster-robust "
                        "interval is too narrow with so few clusters; treat it as rough"
                    )
        try:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                res = model.fit(**kwargs)
        except (np.linalg.LinAlgError, ArithmeticError) as exc:
            raise ConvergenceError(
                f"the proportional-odds model for {self.outcome!r} could not be fitted ({exc}); the answers "
                "may be (nearly) separated by a covariate"
            ) from exc
        params = np.asarray(res.params, dtype=float)
        bse = np.asarray(res.bse, dtype=float)
        if not (np.all(np.isfinite(params)) and np.all(np.isfinite(bse[: len(covs)]))):
            raise ConvergenceError(
                f"the proportional-odds model for {self.outcome!r} gave no finite estimate; the answers may "
                "be (nearly) separated by a covariate"
            )
        if se_method == "cluster" and bool(np.any(bse[: len(covs)] <= 1e-8 * np.abs(params[: len(covs)]))):
            raise EvidenceError(
                f"the standard error clustered by {self.cluster} is zero for the proportional-odds model of "
                f"{self.outcome!r}: each value of a covariate comes from its own {self.cluster}(s), so its "
                f"effect cannot be told apart from the differences between {self.cluster}s"
            )
        z = float(stats.norm.ppf(0.975))
        coefs = {}
        for i, name in enumerate(covs):
            b, s = float(params[i]), float(bse[i])
            p = float(2 * stats.norm.sf(abs(b / s))) if s > 0 else math.nan
            coefs[name] = Coefficient(b, s, b - z * s, b + z * s, p, math.inf)
        thresholds = tuple(float(t) for t in model.transform_threshold_params(params)[1:-1])
        converged = bool(res.mle_retvals.get("converged", True))
        self.result_ = OrdinalLogitResult(
            self.outcome, tuple(levels), coefs, thresholds, int(y.size), converged, se_method, tuple(notes)
        )
        self.coef_ = {k: v.estimate for k, v in coefs.items()}
        self.thresholds_ = thresholds
        return self


def _codes(series: pl.Series) -> npt.NDArray[np.int64]:
    return series.rank("dense").cast(pl.Int64).to_numpy() - 1


def separation(y: npt.ArrayLike, x: npt.ArrayLike) -> str | None:
    """Why a 0/1 covariate ``x`` separates the ordered answers ``y``, or ``None`` if it does not (or is not
    0/1).

    In a proportional-odds model ``logit P(Y <= j) = theta_j - b x`` the maximum-likelihood ``b`` is finite
    exactly when the two groups' answers overlap in at least two categories: ``max(y | x=0) > min(y | x=1)``
    and ``max(y | x=1) > min(y | x=0)``. If, say, every answer with ``x=1`` is at least as high as every
    answer with ``x=0`` (complete separation, or quasi-complete when they share one category), letting
    ``b`` and the thresholds above the shared category go to infinity together fits both groups' answers
    ever better, so the likelihood has no maximum. With a single 0/1 covariate this is the whole condition;
    with others alongside it is sufficient (the same direction still raises the likelihood).
    """
    yy = np.asarray(y, dtype=float)
    xx = np.asarray(x, dtype=float)
    if not bool(np.all((xx == 0) | (xx == 1))):
        return None
    y0, y1 = yy[xx == 0], yy[xx == 1]
    if y0.size == 0 or y1.size == 0 or np.unique(yy).size < 2:
        return None
    kind = "completely" if y0.max() < y1.min() or y1.max() < y0.min() else "quasi-completely"
    if y0.max() <= y1.min():
        return f"{kind} separated: every answer with it is at least as high as every answer without it"
    if y1.max() <= y0.min():
        return f"{kind} separated: every answer with it is at least as low as every answer without it"
    return None


# ---------------------------------------------------------------------------------------------------------
# Version comparison


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

    def to_dict(self) -> dict[str, Any]:
        out = {k: jsonable(v) for k, v in vars(self).items()}
        # one flat string, so that a table of comparisons (CSV) keeps one value per cell
        out["notes"] = "; ".join(self.notes) or None
        return out

    def sentence(self) -> str:
        """The comparison in one plain sentence (in English), naming the tool and the measure by their display
        names when given (``tool_name``, ``measure_label``), else by their codes."""
        tool = _name(self.tool_name, self.tool)
        what = self.measure_label or self.measure
        if self.suppressed:
            return f"{tool}{self.after} vs {self.before} on {what}: not shown ({self.reason})."
        assert self.difference is not None and self.lower is not None and self.upper is not None
        direction = "higher" if self.difference > 0 else "lower"
        return (
            f"After {tool}version {self.after}, {what} was {abs(self.difference):.2f} {direction} on "
            f"average than with {self.before} (95% interval {self.lower:+.2f} to {self.upper:+.2f}; "
            f"n={self.n_before} before, {self.n_after} after; {_fmt_p(self.p_value)})."
        )

    def summary(self) -> str:
        lines = [self.sentence()]
        if not self.suppressed and self.rank_biserial is not None:
            lines.append(
                f"  Mann-Whitney U={self.mann_whitney_u:.1f}, {_fmt_p(self.mann_whitney_p)}; rank-biserial r="
                f"{self.rank_biserial:+.3f} ({self.rank_biserial_lower:+.3f} to "
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


def _name(display: str | None, code: Any) -> str:
    """The tool as a sentence names it, followed by a space: its display name, else its code, else nothing."""
    if display:
        return f"{display} "
    return f"{code} " if code is not None else ""


def _fmt_p(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return "p n/a"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


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
) -> VersionComparison:
    """Compare ``measure`` between responses about version ``before`` and version ``after``.

    ``tool_name`` and ``measure_label``: what :meth:`VersionComparison.sentence` calls the tool and the
    measure (default: ``tool`` and ``measure`` themselves).

    The headline is the difference in means (after minus before) with a t interval whose standard error is
    clustered by ``cluster`` (e.g. ``workplace_id``), because colleagues' answers are alike. Alongside: the
    Mann-Whitney test with the rank-biserial r, and for 1-5 scales (``ordinal=None`` decides) the
    proportional-odds odds ratio. Both groups need at least ``k`` responses or nothing is shown.
    """
    policy = policy or DisclosurePolicy(k=k)
    require_columns(frame, [measure, version, cluster])
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
    if policy.is_small(n_b) or policy.is_small(n_a) or n_b == 0 or n_a == 0:
        return VersionComparison(
            measure,
            str(before),
            str(after),
            None,
            None,
            **empty,
            clustered_by=cluster,
            suppressed=True,
            reason=policy.small_reason + " for one of the versions",
            tool=tool,
            tool_name=tool_name,
            measure_label=measure_label,
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
            orr_reason = f"the answers are {why.replace('with it', 'after').replace('without it', 'before')}"
            orr_reason += ", so the odds ratio is infinite (or zero) and has no finite estimate"
        else:
            try:
                ol = OrdinalLogit(measure, ["__after"], cluster=cluster).fit(
                    data.with_columns(pl.Series("__after", is_after.astype(float)))
                )
            except EvidenceError as exc:
                orr_reason = str(exc)
            else:
                orr = ol.result_.odds_ratio("__after")
                if not all(math.isfinite(v) for v in orr):
                    orr, orr_reason = (
                        (None, None, None),
                        "the odds ratio overflowed (nearly separated answers)",
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
            reason=f"no interval: the standard error clustered by {cluster} is zero (as when each version "
            f"was answered in its own {cluster}s), so the change cannot be told apart from the differences "
            f"between {cluster}s",
            tool=tool,
            se_method=lf.se_method,
            notes=tuple(notes),
            tool_name=tool_name,
            measure_label=measure_label,
        )
    return VersionComparison(
        measure=measure,
        before=str(before),
        after=str(after),
        n_before=policy.publish_count(n_b),
        n_after=policy.publish_count(n_a),
        mean_before=float(y[~is_after].mean()),
        mean_after=float(y[is_after].mean()),
        difference=coef.estimate,
        lower=coef.lower,
        upper=coef.upper,
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
    )


# ---------------------------------------------------------------------------------------------------------
# Interrupted time series


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
                f"{_fmt_p(c.p_value)})"
            )
        else:
            rr = self.rate_ratio
            text = f"Rate ratio {rr[0]:.3f} (95% CI {rr[1]:.3f} to {rr[2]:.3f}, {_fmt_p(c.p_value)})"
        if self.slope_change is not None:
            s = self.slope_change
            text += f"; slope change {s.estimate:+.4f} per period ({s.lower:+.4f} to {s.upper:+.4f})"
        after = self.n_periods - self.intervention_index
        return f"{text}; {self.n_periods} periods, {after} of them after the change."


class InterruptedTimeSeries:
    """Segmented regression ``Y_t = b0 + b1 t + b2 D_t + b3 (t - T0) D_t [+ season] + e_t``.

    ``family``: ``"gaussian"`` (OLS with Newey-West HAC errors, ``hac_lags`` lags, default 1; 0 for plain
    OLS errors), ``"poisson"`` or
    ``"quasi_poisson"`` (counts, log link, offset ``log(exposure)``, the latter scaled by the Pearson
    dispersion as R's quasipoisson). ``slope_change``: include ``b3``. ``harmonics``: pairs of Fourier terms
    for seasonality with period ``period`` (R ``tsModel::harmonic``).
    """

    def __init__(
        self,
        family: Family = "gaussian",
        slope_change: bool = True,
        harmonics: int = 0,
        period: float = 12.0,
        hac_lags: int | None = None,
        alpha: float = 0.05,
    ) -> None:
        self.family = family
        self.slope_change = slope_change
        self.harmonics = harmonics
        self.period = period
        self.hac_lags = hac_lags
        self.alpha = alpha

    def fit(
        self,
        frame: pl.DataFrame,
        outcome: str,
        time: str,
        intervention: str | float,
        exposure: str | None = None,
        season: str | None = None,
        weights: str | None = None,
    ) -> InterruptedTimeSeries:
        """``intervention``: a 0/1 column, or the first time value after the change. ``season``: the column
        the harmonics use (e.g. month 1-12); defaults to ``time``."""
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
    its = InterruptedTimeSeries("gaussian", slope_change=True, hac_lags=hac_lags)
    return its.fit(data, "y", "t", t0, weights="n").result_


# ---------------------------------------------------------------------------------------------------------
# Incident rates


@dataclass(frozen=True)
class IncidentRateChange:
    """Incident rates per 100 deployment-months for two versions and their quasi-Poisson rate ratio."""

    tool: Any
    before: str
    after: str
    incidents_before: int | None
    incidents_after: int | None
    exposure_before: float
    exposure_after: float
    rate_before: float | None
    rate_after: float | None
    rate_ratio: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    dispersion: float | None
    suppressed: bool
    reason: str | None
    tool_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in vars(self).items()}

    def sentence(self) -> str:
        tool = _name(self.tool_name, self.tool)
        if self.suppressed:
            return f"Incidents with {tool}{self.after} vs {self.before}: not shown ({self.reason})."
        assert self.rate_ratio is not None and self.rate_before is not None and self.rate_after is not None
        return (
            f"With {tool}version {self.after}, incidents were reported at {self.rate_after:.2f} per 100 "
            f"deployment-months against {self.rate_before:.2f} with {self.before}: {self.rate_ratio:.2f} "
            f"times the rate (95% interval {self.lower:.2f} to {self.upper:.2f}; {_fmt_p(self.p_value)})."
        )

    def summary(self) -> str:
        return self.sentence()


def incident_rate_change(
    incidents: pl.DataFrame,
    exposure: pl.DataFrame,
    *,
    before: str | Sequence[str],
    after: str,
    tool: Any = None,
    tool_col: str = "tool_id",
    version: str = "version_label",
    period: str = "month",
    exposure_col: str = "deployment_months",
    k: int = 10,
    tool_name: str | None = None,
) -> IncidentRateChange:
    """Compare incident rates per exposure between two versions with a quasi-Poisson model.

    ``incidents``: one row per incident report. ``exposure``: deployment-months per version and period.
    Counts per (version, period) are modelled as ``count ~ after + offset(log exposure)``; the Pearson
    dispersion widens the interval for overdispersion. ``before`` may list several versions (all those
    before ``after``). Reports are counted, not people, and carry no answers, so the threshold ``k``
    applies to the reports of the whole comparison; a version with no reports at all gives no ratio.
    """
    befores = [before] if isinstance(before, str) else [str(b) for b in before]
    before_label = " and ".join(befores)
    require_columns(incidents, [version, period] + ([tool_col] if tool is not None else []), "the incidents")
    require_columns(
        exposure,
        [version, period, exposure_col] + ([tool_col] if tool is not None else []),
        "the exposure table",
    )
    inc, exp = incidents, exposure
    if tool is not None:
        inc = inc.filter(pl.col(tool_col) == tool)
        exp = exp.filter(pl.col(tool_col) == tool)
    inc = inc.filter(pl.col(version).is_in([*befores, after]))
    exp = exp.filter(pl.col(version).is_in([*befores, after]) & (pl.col(exposure_col) > 0))
    counts = inc.group_by(version, period).agg(pl.len().alias("__count"))
    cells = (
        exp.group_by(version, period)
        .agg(pl.col(exposure_col).sum().alias("__exposure"))
        .join(counts, on=[version, period], how="left")
        .with_columns(pl.col("__count").fill_null(0))
        .sort(version, period)
    )
    n_b = int(inc.filter(pl.col(version) != after).height)
    n_a = int(inc.filter(pl.col(version) == after).height)
    e_b = float(cells.filter(pl.col(version) != after)["__exposure"].sum())
    e_a = float(cells.filter(pl.col(version) == after)["__exposure"].sum())
    policy = DisclosurePolicy(k=k)
    if e_b <= 0 or e_a <= 0:
        raise EvidenceError(f"no exposure recorded for version {before_label if e_b <= 0 else after!r}")
    if policy.is_small(n_b + n_a) or n_b == 0 or n_a == 0:
        return IncidentRateChange(
            tool,
            before_label,
            after,
            None,
            None,
            e_b,
            e_a,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            True,
            f"fewer than k={k} incident reports in all, or none for one of the versions",
            tool_name,
        )
    y = cells["__count"].cast(pl.Float64).to_numpy()
    d = (cells[version] == after).cast(pl.Float64).to_numpy()
    x = np.column_stack([np.ones(y.size), d])
    offset = np.log(cells["__exposure"].cast(pl.Float64).to_numpy())
    res = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    df_resid = float(res.df_resid)
    # Quasi-Poisson: widen by the Pearson dispersion, but never narrow below Poisson (with a dozen monthly
    # cells the dispersion is poorly estimated and can fall well under 1 by chance), and use a t quantile on
    # the residual degrees of freedom for the same reason.
    pearson = float(np.sum(res.resid_pearson**2)) / df_resid if df_resid > 0 else 1.0
    dispersion = max(1.0, pearson)
    b = float(res.params[1])
    se = float(res.bse[1]) * math.sqrt(dispersion)
    tcrit = float(stats.t.ppf(0.975, df_resid)) if df_resid >= 1 else float(stats.norm.ppf(0.975))
    p_value = float(2 * stats.t.sf(abs(b / se), df_resid)) if df_resid >= 1 else math.nan
    return IncidentRateChange(
        tool=tool,
        before=before_label,
        after=after,
        incidents_before=policy.publish_count(n_b),
        incidents_after=policy.publish_count(n_a),
        exposure_before=e_b,
        exposure_after=e_a,
        rate_before=100 * n_b / e_b,
        rate_after=100 * n_a / e_a,
        rate_ratio=math.exp(b),
        lower=math.exp(b - tcrit * se),
        upper=math.exp(b + tcrit * se),
        p_value=p_value,
        dispersion=pearson,
        suppressed=False,
        reason=None,
        tool_name=tool_name,
    )


# ---------------------------------------------------------------------------------------------------------
# Signal list


@dataclass(frozen=True)
class Signal:
    """One tested change: a tool's version change on one measure (or on incident rates)."""

    tool: Any
    measure: str
    before: str
    after: str
    estimate: float
    lower: float
    upper: float
    p_value: float
    q_value: float
    significant: bool
    sentence: str
    kind: Literal["difference", "rate_ratio"] = "difference"
    n_before: int | None = None
    n_after: int | None = None
    notes: tuple[str, ...] = ()
    tool_name: str | None = None
    measure_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in vars(self).items()}


@dataclass(frozen=True)
class SignalList:
    """Every comparison tested, with Benjamini-Hochberg q-values; ``signals`` are those below ``fdr``."""

    tests: tuple[Signal, ...]
    fdr: float
    not_shown: tuple[str, ...] = ()

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for s in self.tests if s.significant)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fdr": self.fdr,
            "tests": len(self.tests),
            "signals": [s.to_dict() for s in self.signals],
            "all": [s.to_dict() for s in self.tests],
            "not_shown": list(self.not_shown),
        }

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame([s.to_dict() for s in self.tests], infer_schema_length=None)

    def summary(self) -> str:
        head = (
            f"{len(self.signals)} signal(s) among {len(self.tests)} comparisons "
            f"(false discovery rate {self.fdr:.0%} within check-ins and within incidents, Benjamini-Hochberg)"
        )
        return "\n".join([head] + [f"- {s.sentence}" for s in self.signals])


def version_order(
    frame: pl.DataFrame,
    *,
    tool_col: str = "tool_id",
    version: str = "version_label",
    date: str = "submitted_on",
    releases: pl.DataFrame | None = None,
    release_date: str = "released_on",
    release_label: str | None = None,
    unknown: Sequence[str] = ("dont_know",),
) -> dict[Any, list[str]]:
    """The versions of each tool in release order: from ``releases`` (the version register, whose version
    column is ``release_label``, by default ``version``) when given, else by when responses start."""
    if releases is not None:
        label = release_label or version
        require_columns(releases, [tool_col, label, release_date], "the version register")
        ordered = releases.sort(tool_col, release_date)
        out: dict[Any, list[str]] = {}
        for t, v in ordered.select(tool_col, label).iter_rows():
            out.setdefault(t, []).append(str(v))
        return out
    require_columns(frame, [tool_col, version, date])
    firsts = (
        frame.with_columns(pl.col(version).cast(pl.String))
        .filter(~pl.col(version).is_in(list(unknown)))
        .group_by(tool_col, version)
        .agg(pl.col(date).quantile(0.05, "nearest").alias("__first"))
        .sort(tool_col, "__first", version)
    )
    out = {}
    for t, v in firsts.select(tool_col, version).iter_rows():
        out.setdefault(t, []).append(str(v))
    return out


def signal_list(
    responses: pl.DataFrame,
    measures: Sequence[str],
    *,
    tool_col: str = "tool_id",
    version: str = "version_label",
    date: str = "submitted_on",
    cluster: str | None = "workplace_id",
    releases: pl.DataFrame | None = None,
    release_date: str = "released_on",
    release_label: str | None = None,
    incidents: pl.DataFrame | None = None,
    exposure: pl.DataFrame | None = None,
    period: str = "month",
    exposure_col: str = "deployment_months",
    fdr: float = 0.05,
    k: int = 10,
    unknown: Sequence[str] = ("dont_know",),
    labels: Mapping[str, str] | None = None,
    tool_names: Mapping[Any, str] | None = None,
) -> SignalList:
    """Test every tool's every version change on every measure (and incident rates), controlling the FDR.

    Each tool's versions are compared in release order, each with the one before it. p-values come from the
    clustered difference in means (and the quasi-Poisson rate ratio for incidents); Benjamini-Hochberg turns
    them into q-values within each family (check-in measures; incident rates), and comparisons with
    ``q < fdr`` are signals. Comparisons with too few responses
    are not tested and are listed in ``not_shown``.

    ``labels`` (measure code to display label) and ``tool_names`` (tool to display name) say what the
    sentences call them; a measure or tool missing from them is called by its code.
    """
    labels = labels or {}
    tool_names = tool_names or {}
    require_columns(responses, [tool_col, version, *measures, cluster])
    order = version_order(
        responses,
        tool_col=tool_col,
        version=version,
        date=date,
        releases=releases,
        release_date=release_date,
        release_label=release_label,
        unknown=unknown,
    )
    raw: list[dict[str, Any]] = []
    not_shown: list[str] = []
    for tool in sorted(order, key=str):
        sub = responses.filter(pl.col(tool_col) == tool)
        answered = set(sub[version].cast(pl.String).unique().to_list())
        versions = [v for v in order[tool] if v not in unknown and v in answered]
        for before, after in zip(versions, versions[1:], strict=False):
            for m in measures:
                cmp = compare_versions(
                    sub,
                    m,
                    version=version,
                    before=before,
                    after=after,
                    cluster=cluster,
                    k=k,
                    ordinal=False,
                    tool=tool,
                    tool_name=tool_names.get(tool),
                    measure_label=labels.get(m),
                )
                if cmp.suppressed or cmp.p_value is None or not math.isfinite(cmp.p_value):
                    not_shown.append(cmp.sentence())
                    continue
                assert cmp.difference is not None and cmp.lower is not None and cmp.upper is not None
                raw.append(
                    dict(
                        tool=tool,
                        measure=m,
                        before=before,
                        after=after,
                        estimate=cmp.difference,
                        lower=cmp.lower,
                        upper=cmp.upper,
                        p=cmp.p_value,
                        kind="difference",
                        obj=cmp,
                    )
                )
        if incidents is None or exposure is None:
            continue
        exposed = set(
            exposure.filter((pl.col(tool_col) == tool) & (pl.col(exposure_col) > 0))[version]
            .cast(pl.String)
            .unique()
            .to_list()
        )
        deployed = [v for v in order[tool] if v not in unknown and v in exposed]
        for before, after in zip(deployed, deployed[1:], strict=False):
            try:
                irc = incident_rate_change(
                    incidents,
                    exposure,
                    before=before,
                    after=after,
                    tool=tool,
                    tool_col=tool_col,
                    version=version,
                    period=period,
                    exposure_col=exposure_col,
                    k=k,
                    tool_name=tool_names.get(tool),
                )
            except EvidenceError as exc:
                not_shown.append(
                    f"Incidents with {_name(tool_names.get(tool), tool)}{after} vs {before}: {exc}"
                )
                continue
            if irc.suppressed or irc.p_value is None or not math.isfinite(irc.p_value):
                not_shown.append(irc.sentence())
                continue
            assert irc.rate_ratio is not None and irc.lower is not None and irc.upper is not None
            raw.append(
                dict(
                    tool=tool,
                    measure="incident rate",
                    before=before,
                    after=after,
                    estimate=irc.rate_ratio,
                    lower=irc.lower,
                    upper=irc.upper,
                    p=irc.p_value,
                    kind="rate_ratio",
                    obj=irc,
                )
            )
    if not raw:
        return SignalList((), fdr, tuple(not_shown))
    # False discovery rate control within each family of tests: the check-in measures, and incident rates
    # (different data, different questions); each family's q-values account for all the tests in it.
    tests = []
    families = {kind: [r for r in raw if r["kind"] == kind] for kind in ("difference", "rate_ratio")}
    for family in families.values():
        if not family:
            continue
        pvals = np.array([r["p"] for r in family])
        reject, qvals, _, _ = multipletests(pvals, alpha=fdr, method="fdr_bh")
        what = "check-in comparisons" if family[0]["kind"] == "difference" else "incident-rate comparisons"
        for r, rej, q in zip(family, reject, qvals, strict=True):
            # the sentence ends "...; p=0.012)." and gains the q-value inside its parentheses
            sentence = r["obj"].sentence()
            sentence = (
                sentence.removesuffix(").")
                + f"; {_fmt_p(float(q)).replace('p', 'q', 1)} among {len(family)} {what})."
            )
            obj = r["obj"]
            is_cmp = isinstance(obj, VersionComparison)
            tests.append(
                Signal(
                    r["tool"],
                    r["measure"],
                    r["before"],
                    r["after"],
                    float(r["estimate"]),
                    float(r["lower"]),
                    float(r["upper"]),
                    float(r["p"]),
                    float(q),
                    bool(rej),
                    sentence,
                    r["kind"],
                    obj.n_before if is_cmp else obj.incidents_before,
                    obj.n_after if is_cmp else obj.incidents_after,
                    obj.notes if is_cmp else (),
                    tool_names.get(r["tool"]),
                    labels.get(r["measure"]) if is_cmp else None,
                )
            )
    tests.sort(key=lambda s: (s.q_value, str(s.tool), s.measure, s.after))
    return SignalList(tuple(tests), fdr, tuple(not_shown))


__all__ = [
    "ITSResult",
    "IncidentRateChange",
    "InterruptedTimeSeries",
    "OrdinalLogit",
    "OrdinalLogitResult",
    "Signal",
    "SignalList",
    "VersionComparison",
    "compare_versions",
    "incident_rate_change",
    "rank_biserial",
    "segmented_regression",
    "signal_list",
    "version_order",
]
