"""Differentially private releases through OpenDP and the per-campaign budget."""

from __future__ import annotations

import numpy as np
import opendp.prelude as dp
import polars as pl
import pytest

from chalkface.evidence import BudgetExhausted, EvidenceError, PrivacyBudget, release_counts, release_means
from chalkface.evidence.privacy import zcdp_to_approx_dp

dp.enable_features("contrib")


def responses(n: int = 500) -> pl.DataFrame:
    rng = np.random.default_rng(5)
    return pl.DataFrame(
        {"role": rng.choice(["teacher", "ta", "admin"], n, p=[0.6, 0.3, 0.1]), "trust": rng.integers(1, 6, n)}
    )


def test_opendp_matches_the_published_accuracy_and_variance() -> None:
    assert dp.laplacian_scale_to_accuracy(1.0, 0.05) == pytest.approx(2.9957, abs=1e-3)
    b = 2.0
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float)
    noise = np.array((space >> dp.m.then_laplace(scale=b))([0.0] * 100_000))
    assert noise.var() == pytest.approx(2 * b * b, rel=0.05)


def test_it_converts_zcdp_as_wikimedia_does() -> None:
    assert zcdp_to_approx_dp(0.015, 1e-7) == pytest.approx(0.998, abs=1e-3)


def test_it_releases_noisy_counts_and_charges_the_budget() -> None:
    frame = responses()
    budget = PrivacyBudget("c1", epsilon=2.0)
    release = release_counts(
        frame, "role", budget, categories=["teacher", "ta", "admin", "leader"], epsilon=1.0
    )
    truth = dict(frame.group_by("role").len().iter_rows())
    for v in release.values:
        assert v.count is not None and v.count >= 0
        assert v.count_accuracy == pytest.approx(2.9957, abs=1e-2)
        assert abs(v.count - truth.get(v.group, 0)) < 25  # 8 times the 95% margin
    assert budget.used == pytest.approx(1.0)
    assert "teacher" in release.summary()


def test_it_hands_back_the_stored_release_for_the_same_query() -> None:
    frame = responses()
    budget = PrivacyBudget("c1", epsilon=1.0)
    first = release_counts(frame, "role", budget, categories=["teacher", "ta", "admin"])
    again = release_counts(frame, "role", budget, categories=["teacher", "ta", "admin"])
    assert again.reused and again.values == first.values and budget.used == pytest.approx(1.0)
    restored = PrivacyBudget.from_dict(budget.to_dict())
    assert (
        release_counts(frame, "role", restored, categories=["teacher", "ta", "admin"]).values == first.values
    )


def test_it_refuses_to_overspend() -> None:
    frame = responses()
    budget = PrivacyBudget("c1", epsilon=1.5)
    release_means(frame, "trust", budget, by="role", categories=["teacher", "ta", "admin"], epsilon=1.0)
    with pytest.raises(BudgetExhausted, match="'c1' has 0.5"):
        release_counts(frame, None, budget, epsilon=1.0)
    assert budget.used == pytest.approx(1.0)


def test_it_releases_means_within_bounds_and_withholds_small_groups() -> None:
    frame = responses()
    budget = PrivacyBudget("c1", epsilon=5.0)
    release = release_means(
        frame, "trust", budget, by="role", categories=["teacher", "ta", "admin", "leader"], epsilon=2.0, k=10
    )
    by_group = {v.group: v for v in release.values}
    assert by_group["leader"].mean is None and by_group["leader"].note == "noisy count below k=10"
    truth = frame.filter(pl.col("role") == "teacher")["trust"].mean()
    assert by_group["teacher"].mean is not None and abs(by_group["teacher"].mean - truth) < 0.5  # type: ignore[operator]
    assert all(1 <= v.mean <= 5 for v in release.values if v.mean is not None)


def test_it_needs_public_categories() -> None:
    with pytest.raises(EvidenceError, match="list the categories"):
        release_counts(responses(), "role", PrivacyBudget("c1"))
