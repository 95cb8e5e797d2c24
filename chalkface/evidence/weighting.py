"""Survey weights by raking (iterative proportional fitting) to population margins, with trimming.

Raking is written here rather than taken from svy or balance (both are benchmarked against it in
``bench/evidence.py``) for two reasons: it works on the cross-classification cells rather than on every
response, so one million responses rake in well under a second; and it gives the error messages this project
needs, naming the margin and category at fault. The algorithm is the textbook one (Deming and Stephan 1940;
R ``survey::rake`` and ``calibrate(calfun = "raking")`` give the same weights):

    for each margin m and category c:  w_i <- w_i * T_mc / sum_{j in c} w_j

cycled until every weighted margin is within ``tol`` (relative) of its target. Trimming caps weights at a
multiple of the mean weight and rakes again, alternating until both hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.evidence._frames import require_columns, require_numeric
from chalkface.evidence.errors import ColumnError, ConvergenceError, MarginError
from chalkface.evidence.intervals import design_effect, kish_effective_n

Margins = Mapping[str, Mapping[Any, float]]


@dataclass(frozen=True)
class RakingResult:
    """Diagnostics of a raking run."""

    iterations: int
    converged: bool
    max_margin_error: float
    n: int
    effective_n: float
    design_effect: float
    weight_min: float
    weight_max: float
    weight_mean: float
    trimmed: int
    trim_rounds: int
    total: float
    margins: tuple[str, ...]
    history: tuple[float, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "iterations": self.iterations,
            "converged": self.converged,
            "max_margin_error": self.max_margin_error,
            "n": self.n,
            "effective_n": round(self.effective_n, 3),
            "design_effect": round(self.design_effect, 6),
            "weight_min": self.weight_min,
            "weight_max": self.weight_max,
            "weight_mean": self.weight_mean,
            "trimmed": self.trimmed,
            "trim_rounds": self.trim_rounds,
            "total": self.total,
            "margins": list(self.margins),
        }

    def summary(self) -> str:
        state = "converged" if self.converged else "DID NOT CONVERGE"
        return (
            f"Raking on {', '.join(self.margins)}: {state} after {self.iterations} iterations "
            f"(largest margin error {self.max_margin_error:.2e}). {self.n} responses, effective n "
            f"{self.effective_n:.1f}, design effect {self.design_effect:.3f}; weights from "
            f"{self.weight_min:.3g} to {self.weight_max:.3g} (mean {self.weight_mean:.3g})"
            + (f"; {self.trimmed} weights trimmed." if self.trimmed else ".")
        )


class Raker:
    """Rake base weights to population margins.

    ``margins`` maps a column to ``{category: population total}``, e.g.
    ``{"phase": {"Primary": 21000, "Secondary": 3400}, "region": {...}}``. Shares work too: if every margin
    sums to 1 the weights sum to the number of responses. ``base_weight``: a column of starting (design)
    weights; 1 for everybody when ``None``. ``trim``: cap weights at this multiple of the mean weight (e.g.
    5), then rake again, until both hold. ``tol``: largest relative error allowed in any margin.

    After :meth:`fit`: ``weights_`` (one per response, in input order), ``result_`` (:class:`RakingResult`).
    """

    def __init__(
        self,
        margins: Margins,
        base_weight: str | None = None,
        trim: float | None = None,
        tol: float = 1e-6,
        max_iter: int = 1000,
        max_trim_rounds: int = 100,
        raise_on_failure: bool = False,
    ) -> None:
        self.margins = margins
        self.base_weight = base_weight
        self.trim = trim
        self.tol = tol
        self.max_iter = max_iter
        self.max_trim_rounds = max_trim_rounds
        self.raise_on_failure = raise_on_failure

    def fit(self, frame: pl.DataFrame) -> Raker:
        """Validate the margins against the responses and compute the weights."""
        if not self.margins:
            raise MarginError("give at least one margin to rake to")
        if self.trim is not None and self.trim <= 1:
            raise MarginError(f"trim must be a multiple of the mean weight above 1, got {self.trim}")
        names = list(self.margins)
        require_columns(frame, [*names, self.base_weight], "the responses")
        n = frame.height
        if n == 0:
            raise MarginError("there are no responses to weight")
        targets, codes = self._encode(frame, names)
        base = self._base(frame)

        # Collapse responses into cells of identical margin categories and base weight: every response in a
        # cell ends with the same weight, so raking the cells is raking the responses, only faster.
        radix = np.ones(len(names) + 1, dtype=np.int64)
        for i, t in enumerate(targets):
            radix[i + 1] = radix[i] * len(t)
        key = np.zeros(n, dtype=np.int64)
        for i, c in enumerate(codes):
            key += c * radix[i]
        if self.base_weight is not None:
            _, base_code = np.unique(base, return_inverse=True)
            key = key + base_code.ravel().astype(np.int64) * radix[-1]
        key_range = int(key.max()) + 1
        if key_range <= 8 * n + 1_000_000:
            # Few possible cells: count them directly, no sorting needed.
            counts = np.bincount(key, minlength=key_range)
            cell_key = np.flatnonzero(counts)
            lookup = np.zeros(key_range, dtype=np.int64)
            lookup[cell_key] = np.arange(cell_key.size)
            cell_of = lookup[key]
            cell_n = counts[cell_key]
        else:
            cell_key, cell_of, cell_n = np.unique(key, return_inverse=True, return_counts=True)
            cell_of = cell_of.ravel()
        cell_base = np.zeros(cell_key.size)
        cell_base[cell_of] = base
        cell_codes = [(cell_key // radix[i]) % len(t) for i, t in enumerate(targets)]

        mass = cell_n * cell_base  # total base weight per cell
        factor = np.ones(cell_key.size)
        total = float(targets[0].sum())
        cap = math.inf if self.trim is None else self.trim * total / n
        history: list[float] = []
        iterations, trim_rounds, converged, err = 0, 0, False, math.inf
        # Trimming: a cell whose weight reaches the cap is held there, and the other cells are raked to what
        # the margins still need ("trimmed raking"); repeat while raking pushes new cells over the cap.
        capped = np.zeros(cell_key.size, dtype=bool)
        while True:
            held = np.where(capped, mass * factor, 0.0)
            free_targets = []
            for cc, t in zip(cell_codes, targets, strict=True):
                free_targets.append(t - np.bincount(cc, weights=held, minlength=t.size))
            if any(np.any(ft <= 0) for ft in free_targets):
                break  # the cap leaves nothing for some category: cannot satisfy both
            for _ in range(self.max_iter):
                iterations += 1
                for cc, ft in zip(cell_codes, free_targets, strict=True):
                    sums = np.bincount(cc, weights=np.where(capped, 0.0, mass * factor), minlength=ft.size)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        adjust = np.where(sums > 0, ft / sums, 1.0)
                    factor = np.where(capped, factor, factor * adjust[cc])
                err = _max_error(cell_codes, targets, mass * factor)
                history.append(err)
                if err < self.tol:
                    break
            over = (cell_base * factor > cap * (1 + 1e-9)) & ~capped
            if not over.any():
                converged = err < self.tol
                break
            if trim_rounds >= self.max_trim_rounds:
                break
            trim_rounds += 1
            capped |= over
            factor = np.where(over, cap / cell_base, factor)
        w_cell = cell_base * factor
        weights = w_cell[cell_of]
        if not converged and self.raise_on_failure:
            raise ConvergenceError(
                f"raking did not converge in {iterations} iterations (largest margin error {err:.2e})"
                + (f" with weights capped at {self.trim} times the mean" if self.trim else "")
            )
        trimmed = int(np.sum(cell_n[w_cell >= cap * (1 - 1e-9)])) if self.trim is not None else 0
        self.weights_ = weights
        self.result_ = RakingResult(
            iterations=iterations,
            converged=converged,
            max_margin_error=float(err),
            n=n,
            effective_n=kish_effective_n(weights),
            design_effect=design_effect(weights),
            weight_min=float(weights.min()),
            weight_max=float(weights.max()),
            weight_mean=float(weights.mean()),
            trimmed=trimmed,
            trim_rounds=trim_rounds,
            total=total,
            margins=tuple(names),
            history=tuple(history),
        )
        return self

    def transform(self, frame: pl.DataFrame, name: str = "weight") -> pl.DataFrame:
        """The fitted frame with its weights as a new column (``frame`` must be the one given to ``fit``)."""
        if not hasattr(self, "weights_"):
            raise MarginError("call fit before transform")
        if frame.height != self.weights_.size:
            raise MarginError("transform needs the same responses that fit was given")
        return frame.with_columns(pl.Series(name, self.weights_))

    def fit_transform(self, frame: pl.DataFrame, name: str = "weight") -> pl.DataFrame:
        return self.fit(frame).transform(frame, name)

    # -- validation ------------------------------------------------------------------------------------

    def _base(self, frame: pl.DataFrame) -> npt.NDArray[np.float64]:
        if self.base_weight is None:
            return np.ones(frame.height)
        require_numeric(frame, self.base_weight)
        base = frame[self.base_weight].cast(pl.Float64).to_numpy()
        if np.any(~np.isfinite(base)) or np.any(base <= 0):
            raise ColumnError(f"base weight column {self.base_weight!r} must hold positive numbers only")
        return np.asarray(base, dtype=np.float64)

    def _encode(
        self, frame: pl.DataFrame, names: list[str]
    ) -> tuple[list[npt.NDArray[np.float64]], list[npt.NDArray[np.int64]]]:
        totals: dict[str, float] = {}
        targets: list[npt.NDArray[np.float64]] = []
        codes: list[npt.NDArray[np.int64]] = []
        for name in names:
            margin = self.margins[name]
            if not margin:
                raise MarginError(f"margin {name!r} has no categories")
            col = frame[name]
            if col.null_count():
                raise MarginError(
                    f"{col.null_count()} responses have no value for margin {name!r}; "
                    "drop them or add a category"
                )
            levels = list(margin)
            values = np.array([float(margin[lev]) for lev in levels])
            bad = [lev for lev, v in zip(levels, values, strict=True) if not (math.isfinite(v) and v > 0)]
            if bad:
                raise MarginError(f"margin {name!r}, category {bad[0]!r}: population totals must be positive")
            key_dtype = col.dtype
            try:
                lookup = pl.DataFrame({name: pl.Series(levels).cast(key_dtype), "__code": range(len(levels))})
            except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
                raise MarginError(
                    f"margin {name!r}: categories {levels!r} do not match the column's type"
                ) from exc
            coded = frame.select(pl.col(name)).join(lookup, on=name, how="left", maintain_order="left")
            missing = coded.filter(pl.col("__code").is_null())[name].unique().sort().to_list()
            if missing:
                raise MarginError(
                    f"margin {name!r} has no population total for category {missing[0]!r}"
                    + (f" (nor for {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else "")
                    + "; add it to the margins or drop those responses"
                )
            code = coded["__code"].to_numpy().astype(np.int64)
            present = np.bincount(code, minlength=len(levels))
            empty = [lev for lev, c in zip(levels, present, strict=True) if c == 0]
            if empty:
                raise MarginError(
                    f"margin {name!r}, category {empty[0]!r} has no respondents, so no weights can stand for "
                    "its population; merge it with a neighbouring category or drop it from the margin"
                )
            totals[name] = float(values.sum())
            targets.append(values)
            codes.append(code)
        shares = all(abs(t - 1.0) < 1e-6 for t in totals.values())
        if shares:
            targets = [t * frame.height for t in targets]
        else:
            first = names[0]
            for name in names[1:]:
                if abs(totals[name] - totals[first]) > 1e-6 * max(totals[first], 1.0):
                    raise MarginError(
                        f"the margins disagree on the population total: margin {first!r} adds up to "
                        f"{totals[first]:g} but margin {name!r} adds up to {totals[name]:g}"
                    )
        return targets, codes


def _max_error(
    cell_codes: list[npt.NDArray[np.int64]],
    targets: list[npt.NDArray[np.float64]],
    w: npt.NDArray[np.float64],
) -> float:
    err = 0.0
    for cc, t in zip(cell_codes, targets, strict=True):
        sums = np.bincount(cc, weights=w, minlength=t.size)
        err = max(err, float(np.max(np.abs(sums / t - 1.0))))
    return err


def rake(
    frame: pl.DataFrame,
    margins: Margins,
    *,
    base_weight: str | None = None,
    trim: float | None = None,
    tol: float = 1e-6,
    max_iter: int = 1000,
    name: str = "weight",
) -> tuple[pl.DataFrame, RakingResult]:
    """Functional form of :class:`Raker`: the frame with a weight column, and the diagnostics."""
    raker = Raker(margins, base_weight=base_weight, trim=trim, tol=tol, max_iter=max_iter).fit(frame)
    return raker.transform(frame, name), raker.result_
