"""Differentially private release of counts and means for open data, with a per-campaign privacy budget.

The noise is added by OpenDP's measurements (the Laplace mechanism over OpenDP's own transformations, which
also do the sensitivity accounting). OpenDP's Polars front end is not used because it pins an older Polars
than the project's; the vector API used here needs no Polars at all.

The privacy unit is one check-in response; when a person can send several check-ins into one release, give
``contributions`` (the most any one person can send) and the loss is accounted for that many. Groups must be
disjoint (a response belongs to one group), so that the groups of one release share the same epsilon
(parallel composition). Each release is charged to a :class:`PrivacyBudget`, which refuses releases beyond
the campaign's total and hands back the stored release when the same query on the same data is asked again:
fresh noise on a repeated query would let anyone average the noise away.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import opendp.prelude as dp
import polars as pl

from chalkface.evidence._frames import jsonable, require_columns, require_numeric
from chalkface.evidence.errors import BudgetExhausted, EvidenceError

dp.enable_features("contrib")


@dataclass
class PrivacyBudget:
    """The privacy-loss ledger of one campaign: its total epsilon, what was spent, and the releases made.

    Store it with the campaign (``to_dict`` / ``from_dict``) and pass it to every release.
    """

    campaign: str
    epsilon: float = 3.0
    spent: list[dict[str, Any]] = field(default_factory=list)
    releases: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def used(self) -> float:
        return float(sum(float(s["epsilon"]) for s in self.spent))

    @property
    def remaining(self) -> float:
        return max(0.0, self.epsilon - self.used)

    def charge(self, label: str, epsilon: float, key: str) -> None:
        """Record a spend, or raise :class:`BudgetExhausted` saying what is left."""
        if epsilon <= 0 or not math.isfinite(epsilon):
            raise EvidenceError(f"epsilon must be a positive number, got {epsilon}")
        if self.used + epsilon > self.epsilon + 1e-12:
            refused = BudgetExhausted(
                f"campaign {self.campaign!r} has {self.remaining:.3g} of its privacy budget "
                f"(epsilon {self.epsilon:g}) left; '{label}' needs {epsilon:.3g}"
            )
            refused.remaining, refused.needed = self.remaining, epsilon
            raise refused
        self.spent.append({"label": label, "epsilon": epsilon, "key": key})

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "epsilon": self.epsilon,
            "spent": self.spent,
            "releases": self.releases,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrivacyBudget:
        return cls(
            campaign=str(data["campaign"]),
            epsilon=float(data["epsilon"]),
            spent=list(data.get("spent", [])),
            releases=dict(data.get("releases", {})),
        )

    def summary(self) -> str:
        return (
            f"Campaign {self.campaign!r}: epsilon {self.used:.3g} of {self.epsilon:g} spent over "
            f"{len(self.spent)} release(s); {self.remaining:.3g} left."
        )


@dataclass(frozen=True)
class DPValue:
    """One released group: noisy count and, for means, noisy mean; with 95% accuracy half-widths."""

    group: Any
    count: int | None
    count_accuracy: float
    mean: float | None = None
    mean_accuracy: float | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": jsonable(self.group),
            "count": self.count,
            "count_accuracy": self.count_accuracy,
            "mean": self.mean,
            "mean_accuracy": self.mean_accuracy,
            "note": self.note,
        }


@dataclass(frozen=True)
class DPRelease:
    """A differentially private release: values per group, the loss charged and how to read the noise."""

    kind: str
    measure: str | None
    by: str | None
    values: tuple[DPValue, ...]
    epsilon: float
    contributions: int
    mechanism: str
    campaign: str
    reused: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "measure": self.measure,
            "by": self.by,
            "epsilon": self.epsilon,
            "contributions": self.contributions,
            "mechanism": self.mechanism,
            "campaign": self.campaign,
            "values": [v.to_dict() for v in self.values],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], reused: bool = False) -> DPRelease:
        values = tuple(DPValue(**v) for v in data["values"])
        return cls(
            kind=data["kind"],
            measure=data["measure"],
            by=data["by"],
            values=values,
            epsilon=float(data["epsilon"]),
            contributions=int(data["contributions"]),
            mechanism=data["mechanism"],
            campaign=data["campaign"],
            reused=reused,
        )

    def summary(self) -> str:
        lines = [
            f"Differentially private {self.kind} ({self.mechanism}, epsilon {self.epsilon:g}, "
            f"up to {self.contributions} response(s) per person); 95% of noisy counts lie within the stated "
            "margin of the true count."
        ]
        for v in self.values:
            text = f"  {jsonable(v.group)}: count {v.count} (+-{v.count_accuracy:.1f})"
            if v.mean is not None:
                text += f", mean {v.mean:.2f} (+-{v.mean_accuracy:.2f})"
            if v.note:
                text += f" [{v.note}]"
            lines.append(text)
        return "\n".join(lines)


def _laplace_chain(make: Callable[[float], Any], d_in: int, epsilon: float) -> tuple[Any, float]:
    """Find the smallest Laplace scale whose OpenDP privacy map gives at most ``epsilon`` at ``d_in``."""
    scale = float(dp.binary_search_param(make, d_in=d_in, d_out=epsilon))
    meas = make(scale)
    if float(meas.map(d_in)) > epsilon * (1 + 1e-9):
        raise EvidenceError("OpenDP could not calibrate the noise to the requested epsilon")
    return meas, scale


def _fingerprint(frame: pl.DataFrame, columns: Sequence[str]) -> str:
    """A digest of the data a release rests on, so that new responses make a new release."""
    digest = hashlib.sha256()
    part = frame.select(columns)
    digest.update(str(part.height).encode())
    digest.update(str(int(part.hash_rows(seed=0).sum())).encode())
    return digest.hexdigest()[:16]


def _key(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _categories(frame: pl.DataFrame, by: str | None, categories: Sequence[Any] | None) -> list[Any]:
    if by is None:
        return [None]
    if categories is None:
        raise EvidenceError(
            f"list the categories of {by!r} to release: taking them from the data would itself reveal which "
            "categories have respondents"
        )
    return list(categories)


def release_counts(
    frame: pl.DataFrame,
    by: str | None,
    budget: PrivacyBudget,
    *,
    categories: Sequence[Any] | None = None,
    epsilon: float = 1.0,
    contributions: int = 1,
    threshold: int | None = None,
    label: str | None = None,
) -> DPRelease:
    """Noisy counts of responses (by ``by``, over the public list ``categories``), charged to ``budget``.

    Counts are rounded and floored at 0; with ``threshold`` a noisy count below it is withheld (safe: this
    is post-processing of the noisy value).
    """
    require_columns(frame, [by])
    cats = _categories(frame, by, categories)
    cols = [by] if by else []
    spec = {
        "kind": "counts",
        "by": by,
        "categories": [jsonable(c) for c in cats],
        "epsilon": epsilon,
        "contributions": contributions,
        "threshold": threshold,
        "data": _fingerprint(frame, cols or frame.columns),
    }
    key = _key(spec)
    if key in budget.releases:
        return DPRelease.from_dict(budget.releases[key], reused=True)
    if by is None:
        space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
        meas, scale = _laplace_chain(
            lambda s: space >> dp.t.then_count() >> dp.m.then_laplace(scale=s), contributions, epsilon
        )
        raw = [int(meas(["x"] * frame.height))]
    else:
        labels = [str(jsonable(c)) for c in cats]
        space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
        meas, scale = _laplace_chain(
            lambda s: (
                space
                >> dp.t.then_count_by_categories(categories=labels, null_category=False)
                >> dp.m.then_laplace(scale=s)
            ),
            contributions,
            epsilon,
        )
        data = [str(jsonable(v)) for v in frame[by].to_list()]
        raw = [int(v) for v in meas(data)]
    accuracy = float(dp.laplacian_scale_to_accuracy(scale, 0.05))
    values = []
    for cat, noisy in zip(cats, raw, strict=True):
        count: int | None = max(0, noisy)
        note = None
        if threshold is not None and noisy < threshold:
            count, note = None, f"noisy count below {threshold}"
        values.append(DPValue(cat, count, round(accuracy, 3), note=note))
    budget.charge(label or f"counts by {by or 'everyone'}", epsilon, key)
    release = DPRelease("counts", None, by, tuple(values), epsilon, contributions, "Laplace", budget.campaign)
    budget.releases[key] = release.to_dict()
    return release


def release_means(
    frame: pl.DataFrame,
    measure: str,
    budget: PrivacyBudget,
    *,
    bounds: tuple[float, float] = (1.0, 5.0),
    by: str | None = None,
    categories: Sequence[Any] | None = None,
    epsilon: float = 1.0,
    contributions: int = 1,
    k: int = 10,
    label: str | None = None,
) -> DPRelease:
    """Noisy means of ``measure`` clamped to ``bounds``, by ``by`` over ``categories``, charged to budget.

    Half the epsilon goes to a noisy count and half to a noisy sum of the values centred on the middle of
    the bounds (which halves the sensitivity); the mean is their ratio. A mean whose noisy count is below
    ``k`` is withheld (post-processing).
    """
    require_columns(frame, [measure, by])
    require_numeric(frame, measure)
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo < hi:
        raise EvidenceError(f"bounds must be (low, high) with low < high, got {bounds}")
    cats = _categories(frame, by, categories)
    cols = [measure] + ([by] if by else [])
    spec = {
        "kind": "means",
        "measure": measure,
        "by": by,
        "categories": [jsonable(c) for c in cats],
        "bounds": [lo, hi],
        "epsilon": epsilon,
        "contributions": contributions,
        "k": k,
        "data": _fingerprint(frame, cols),
    }
    key = _key(spec)
    if key in budget.releases:
        return DPRelease.from_dict(budget.releases[key], reused=True)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
    count_meas, count_scale = _laplace_chain(
        lambda s: space >> dp.t.then_count() >> dp.m.then_laplace(scale=s), contributions, epsilon / 2
    )
    then_sum: Callable[[], Any] = dp.t.then_sum  # OpenDP leaves this one unannotated

    def make_sum(scale: float) -> Any:
        return space >> dp.t.then_clamp((-half, half)) >> then_sum() >> dp.m.then_laplace(scale=scale)

    sum_meas, sum_scale = _laplace_chain(make_sum, contributions, epsilon / 2)
    count_acc = float(dp.laplacian_scale_to_accuracy(count_scale, 0.05))
    sum_acc = float(dp.laplacian_scale_to_accuracy(sum_scale, 0.05))
    data = frame.select(pl.col(measure).cast(pl.Float64), *([pl.col(by)] if by else [])).drop_nulls(measure)
    values = []
    for cat in cats:
        part = data if by is None else data.filter(pl.col(by) == cat)
        x = [float(v) - mid for v in part[measure].to_list()]
        noisy_n = float(count_meas(x))
        noisy_sum = float(sum_meas(x))
        count = max(0, int(round(noisy_n)))
        if noisy_n < k:
            values.append(DPValue(cat, count, round(count_acc, 3), None, None, f"noisy count below k={k}"))
            continue
        mean = float(np.clip(mid + noisy_sum / noisy_n, lo, hi))
        # rough 95% accuracy of the ratio: the sum's noise over the count (the count's noise matters little)
        values.append(DPValue(cat, count, round(count_acc, 3), round(mean, 4), round(sum_acc / noisy_n, 4)))
    budget.charge(label or f"mean of {measure} by {by or 'everyone'}", epsilon, key)
    release = DPRelease(
        "means", measure, by, tuple(values), epsilon, contributions, "Laplace", budget.campaign
    )
    budget.releases[key] = release.to_dict()
    return release


def zcdp_to_approx_dp(rho: float, delta: float) -> float:
    """Epsilon of a rho-zCDP release at ``delta``: ``rho + 2 sqrt(rho ln(1/delta))`` (Bun, Steinke 2016)."""
    if rho <= 0 or not 0 < delta < 1:
        raise EvidenceError("rho must be positive and delta between 0 and 1")
    return rho + 2 * math.sqrt(rho * math.log(1 / delta))
