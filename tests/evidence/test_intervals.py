"""Intervals and design effects against the published values in statistics.md (to 1e-3)."""

from __future__ import annotations

import numpy as np
import pytest

from chalkface.evidence import (
    EvidenceError,
    design_effect,
    design_mean,
    kish_effective_n,
    korn_graubard_interval,
    proportion_interval,
    t_interval,
)

TOL = 1e-3


@pytest.mark.parametrize(
    ("count", "nobs", "wilson", "clopper_pearson", "agresti_coull"),
    [
        (81, 263, (0.2553, 0.3662), (0.2527, 0.3676), (0.2552, 0.3663)),
        (15, 148, (0.0624, 0.1605), None, None),
        (0, 20, (0.0, 0.1611), (0.0, 0.1684), (0.0, 0.1898)),
        (1, 29, (0.0061, 0.1718), None, None),
    ],
)
def test_it_matches_newcombe_1998(
    count: int,
    nobs: int,
    wilson: tuple[float, float],
    clopper_pearson: tuple[float, float] | None,
    agresti_coull: tuple[float, float] | None,
) -> None:
    assert proportion_interval(count, nobs) == pytest.approx(wilson, abs=TOL)
    if clopper_pearson:
        assert proportion_interval(count, nobs, method="clopper_pearson") == pytest.approx(
            clopper_pearson, abs=TOL
        )
    if agresti_coull:
        # Agresti-Coull for 0/20 is -0.0287 before clipping; we clip to 0
        assert proportion_interval(count, nobs, method="agresti_coull") == pytest.approx(
            agresti_coull, abs=TOL
        )


def test_it_computes_the_t_interval() -> None:
    mean, lo, hi = t_interval([4, 5, 3, 4, 2, 5, 4, 3])
    assert (mean, lo, hi) == pytest.approx((3.75, 2.885, 4.615), abs=TOL)


def test_it_matches_balance_design_effect_oracles() -> None:
    assert design_effect([0, 1, 2, 3]) == pytest.approx(1.5556, abs=TOL)
    assert design_effect([1, 1, 1000]) == pytest.approx(2.9880, abs=TOL)
    assert kish_effective_n([1, 1, 1, 1, 4]) == pytest.approx(3.2, abs=TOL)
    assert design_effect([1, 1, 1, 1, 4]) == pytest.approx(1.5625, abs=TOL)


def test_it_puts_kish_effective_n_in_the_wilson_interval() -> None:
    y = np.array([1, 0, 1, 1, 0])
    w = np.array([1, 1, 1, 1, 4.0])
    p = float(np.dot(w, y) / w.sum())
    n_eff = kish_effective_n(w)
    assert p == pytest.approx(0.375)
    assert proportion_interval(p * n_eff, n_eff) == pytest.approx((0.079, 0.807), abs=TOL)


def test_it_reduces_korn_graubard_to_clopper_pearson_for_a_simple_random_sample() -> None:
    n, x = 40, 12
    p = x / n
    lo, hi, n_star = korn_graubard_interval(p, p * (1 - p) / n, n, df=n - 1)
    assert n_star == pytest.approx(n)
    assert (lo, hi) == pytest.approx(proportion_interval(x, n, method="clopper_pearson"), abs=1e-9)


def test_it_clusters_the_standard_error_of_a_mean() -> None:
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    clusters = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    plain = design_mean(y)
    assert plain.se == pytest.approx(np.std(y, ddof=1) / np.sqrt(8))
    clustered = design_mean(y, clusters=clusters)
    totals = np.array([y[clusters == c].sum() - 2 * y.mean() for c in range(4)]) / 8
    assert clustered.se == pytest.approx(np.sqrt(4 / 3 * np.sum(totals**2)))
    assert clustered.df == 3


def test_it_refuses_impossible_counts() -> None:
    with pytest.raises(EvidenceError, match="nobs"):
        proportion_interval(1, 0)
    with pytest.raises(EvidenceError, match="between 0 and nobs"):
        proportion_interval(5, 3)
