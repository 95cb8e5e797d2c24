"""The proportional-odds (ordinal logit) model, reported as R's ``MASS::polr`` reports it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel  # type: ignore[import-untyped]

from chalkface.evidence._frames import jsonable, require_columns, require_numeric
from chalkface.evidence._models import FEW_CLUSTERS, Coefficient
from chalkface.evidence.errors import ColumnError, ConvergenceError, EvidenceError, SeparationError
from chalkface.evidence.notes import Note


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
        compress: bool = True,
    ) -> None:
        self.outcome = outcome
        self.covariates = covariates
        self.levels = levels
        self.cluster = cluster
        #: Fit on the distinct (answer, covariates) rows with their counts when that is much smaller; the
        #: results are those of the fit on every row (``tests/evidence/test_ordinal_compressed.py``).
        self.compress = compress

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
        # The likelihood depends on each row only through its (answer, covariates), so when rows repeat the
        # model is fitted on the distinct rows, each counted as often as it occurs: the same estimates and
        # information matrix in a fraction of the time (a version comparison has 2 x 5 distinct rows).
        types, inverse, counts = _distinct_rows(np.column_stack([y, x]).astype(np.float64))
        compressed = self.compress and types.shape[0] * 4 <= y.size
        if compressed:
            model = _CountedOrderedModel(types[:, 0].astype(int), types[:, 1:], counts, distr="logit")
        else:
            model = OrderedModel(y, x, distr="logit")
        kwargs: dict[str, Any] = {"method": "newton", "disp": False, "maxiter": 200}
        se_method, notes = "model", []
        groups = None
        if self.cluster is not None:
            groups = _codes(data[self.cluster])
            if np.unique(groups).size < 2:
                # CR1 divides by G - 1: undefined for one cluster. With every answer from one cluster the
                # model-based (information matrix) standard errors describe that cluster's answers.
                notes.append(
                    Note(
                        "one_cluster",
                        f"all answers come from one {self.cluster}, so a standard error clustered by "
                        f"{self.cluster} is undefined; the model-based standard error is used",
                        cluster=self.cluster,
                    )
                )
            else:
                if not compressed:
                    kwargs.update(cov_type="cluster", cov_kwds={"groups": groups})
                se_method = "cluster"
                if np.unique(groups).size < FEW_CLUSTERS:
                    notes.append(
                        Note(
                            "few_clusters",
                            f"only {np.unique(groups).size} {self.cluster}s: the odds ratio's cluster-robust "
                            "interval is too narrow with so few clusters; treat it as rough",
                            cluster=self.cluster,
                            n=int(np.unique(groups).size),
                        )
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
        if compressed and se_method == "cluster" and groups is not None:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                bse = _clustered_se(model, params, inverse, groups)
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


class _CountedOrderedModel(OrderedModel):  # type: ignore[misc]
    """statsmodels' proportional-odds model on distinct rows, row ``i`` standing for ``counts[i]`` identical
    rows: the log-likelihood (and so its numerical score and Hessian, and Newton's steps) is the full data's.
    statsmodels has no frequency weights for this model, hence this small subclass."""

    def __init__(self, endog: Any, exog: Any, counts: Any, **kwargs: Any) -> None:
        super().__init__(endog, exog, **kwargs)
        self.counts = np.asarray(counts, dtype=float)

    def loglike(self, params: Any) -> float:
        return float(np.sum(self.counts * self.loglikeobs(params)))

    # The logistic distribution's cdf and pdf straight from scipy.special: the same numbers as
    # scipy.stats.logistic (which calls expit), without its per-call argument checks, which dominate on a
    # handful of rows evaluated thousands of times by the numerical Hessian.
    def cdf(self, x: Any) -> Any:
        return special.expit(x)

    def pdf(self, x: Any) -> Any:
        e = special.expit(x)
        return e * (1.0 - e)


def _distinct_rows(
    design: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct rows of ``design`` (sorted), each row's index among them, and how often each occurs, as
    ``np.unique(axis=0)`` gives them, by hashing rather than sorting every row."""
    frame = pl.DataFrame(design, schema=[f"c{j}" for j in range(design.shape[1])], orient="row")
    columns = frame.columns
    grouped = (
        frame.with_row_index("row").group_by(columns).agg(pl.col("row")).sort(columns).with_row_index("type")
    )
    inverse = np.empty(design.shape[0], dtype=np.int64)
    rows = grouped.select("type", "row").explode("row", empty_as_null=False)
    inverse[rows["row"].to_numpy()] = rows["type"].to_numpy()
    types = grouped.select(columns).to_numpy().astype(np.float64)
    counts = grouped["row"].list.len().to_numpy().astype(np.int64)
    return types, inverse, counts


def _clustered_se(
    model: _CountedOrderedModel,
    params: npt.NDArray[np.float64],
    row_type: npt.NDArray[np.int64],
    groups: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """Cluster-robust (CR1) standard errors of a fit on counted rows, exactly as statsmodels' ``cov_cluster``
    computes them on every row: the sandwich ``H^-1 M H^-1`` with ``M`` the sum over clusters of the outer
    product of each cluster's summed scores, times ``G/(G-1) * (n-1)/(n-k)``. Each row's score is its distinct
    row's, so a cluster's summed score is a count-weighted sum of the distinct rows' scores."""
    hessian_inv = np.linalg.inv(model.hessian(params))
    scores = np.asarray(model.score_obs(params), dtype=float)[row_type]
    n, k = scores.shape
    n_groups = int(groups.max()) + 1
    sums = np.zeros((n_groups, k))
    np.add.at(sums, groups, scores)
    cov = hessian_inv @ (sums.T @ sums) @ hessian_inv.T
    cov *= n_groups / (n_groups - 1.0) * ((n - 1.0) / float(n - k))
    return np.sqrt(np.clip(np.diag(cov), 0.0, None))


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
