"""Separated answers and too few workplaces: results that say so, not overflow or divide by zero."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import compare_versions, design_mean, equity_gap, estimate
from chalkface.evidence.change import OrdinalLogit, separation
from chalkface.evidence.errors import SeparationError


def two_versions(before: np.ndarray, after: np.ndarray, workplaces: np.ndarray | None = None) -> pl.DataFrame:
    n = before.size + after.size
    return pl.DataFrame(
        {
            "q": np.r_[before, after].astype(int),
            "version_label": ["1.0"] * before.size + ["2.0"] * after.size,
            "workplace_id": np.random.default_rng(n).integers(0, 6, n) if workplaces is None else workplaces,
        }
    )


def test_it_reports_separation_instead_of_overflowing() -> None:
    rng = np.random.default_rng(3)
    frame = two_versions(rng.integers(1, 3, 40), rng.integers(4, 6, 40))
    cmp = compare_versions(frame, "q", before="1.0", after="2.0", cluster="workplace_id")
    assert not cmp.suppressed
    assert cmp.odds_ratio is None and cmp.odds_ratio_lower is None and cmp.odds_ratio_upper is None
    assert cmp.odds_ratio_reason is not None and "separated" in cmp.odds_ratio_reason
    assert "not estimable" in cmp.summary() and "separated" in cmp.summary()
    # the effect size is still there, at its boundary, with an interval that does not collapse to the point
    assert cmp.rank_biserial == 1.0
    assert cmp.rank_biserial_lower is not None and 0.5 < cmp.rank_biserial_lower < 1.0
    assert cmp.rank_biserial_upper == 1.0
    assert cmp.difference is not None and cmp.lower is not None and cmp.upper is not None
    assert 0 < cmp.lower < cmp.difference < cmp.upper
    # and the other way round
    down = compare_versions(two_versions(np.full(20, 5), np.full(20, 1)), "q", before="1.0", after="2.0")
    assert down.odds_ratio is None and down.rank_biserial == -1.0
    assert down.rank_biserial_lower == -1.0 and down.rank_biserial_upper is not None
    assert -1.0 < down.rank_biserial_upper < -0.5


def test_it_reports_quasi_complete_separation_when_the_versions_share_one_answer() -> None:
    frame = two_versions(np.array([1, 2, 3] * 10), np.array([3, 4, 5] * 10))
    cmp = compare_versions(frame, "q", before="1.0", after="2.0", cluster="workplace_id")
    assert cmp.odds_ratio is None and cmp.odds_ratio_reason is not None
    assert "quasi-completely" in cmp.odds_ratio_reason
    # one more shared answer and the odds ratio exists again
    overlap = two_versions(np.array([1, 2, 3, 4] * 10), np.array([3, 4, 5] * 10))
    cmp = compare_versions(overlap, "q", before="1.0", after="2.0", cluster="workplace_id")
    assert cmp.odds_ratio is not None and math.isfinite(cmp.odds_ratio) and cmp.odds_ratio > 1


def test_the_ordinal_model_raises_a_separation_error_rather_than_overflowing() -> None:
    frame = two_versions(np.full(15, 2), np.full(15, 4)).with_columns(
        (pl.col("version_label") == "2.0").cast(pl.Float64).alias("after")
    )
    with pytest.raises(SeparationError, match="separated"):
        OrdinalLogit("q", ["after"]).fit(frame)
    assert separation([1, 3, 2, 3], [0, 0, 1, 1]) is None
    assert separation([1, 2, 2, 3], [0.5, 0, 1, 1]) is None  # not a 0/1 covariate


def test_a_single_workplace_falls_back_to_heteroskedasticity_robust_errors() -> None:
    rng = np.random.default_rng(5)
    frame = two_versions(rng.integers(1, 6, 40), rng.integers(2, 6, 40), np.full(80, 7))
    cmp = compare_versions(frame, "q", before="1.0", after="2.0", cluster="workplace_id")
    plain = compare_versions(frame, "q", before="1.0", after="2.0")
    assert cmp.se_method == "HC1" and cmp.clustered_by is None
    assert (cmp.lower, cmp.upper, cmp.p_value) == pytest.approx((plain.lower, plain.upper, plain.p_value))
    assert cmp.odds_ratio == pytest.approx(plain.odds_ratio)
    assert any("one workplace_id" in n for n in cmp.notes) and "undefined" in cmp.summary()
    assert all(v is not None and math.isfinite(v) for v in (cmp.lower, cmp.upper, cmp.odds_ratio_lower))


def test_a_single_workplace_falls_back_to_response_level_design_means() -> None:
    rng = np.random.default_rng(6)
    frame = pl.DataFrame({"q": rng.integers(1, 6, 60), "workplace_id": np.full(60, 3)})
    clustered = estimate(frame, "q", cluster="workplace_id", kind="mean")
    plain = estimate(frame, "q", kind="mean")
    assert clustered.rows[0].lower == pytest.approx(plain.rows[0].lower)
    assert clustered.rows[0].upper == pytest.approx(plain.rows[0].upper)
    assert any("one workplace_id" in n for n in clustered.notes)
    # and the same for one group among several, without hiding the others' clustering
    mixed = pl.concat(
        [frame.with_columns(pl.lit("a").alias("g")), frame.with_columns(pl.lit("b").alias("g"))]
    ).with_columns(pl.Series("workplace_id", [3] * 60 + list(np.arange(60) % 5)))
    table = estimate(mixed, "q", ["g"], cluster="workplace_id", kind="mean")
    assert all(r.lower is not None and math.isfinite(r.lower) for r in table.rows)
    assert any("1 group(s)" in n for n in table.notes)


def test_a_single_workplace_falls_back_to_heteroskedasticity_robust_equity_gaps() -> None:
    rng = np.random.default_rng(7)
    frame = pl.DataFrame(
        {"q": rng.normal(3, 1, 90), "band": np.arange(90) % 3, "workplace_id": np.full(90, 1)}
    )
    result = equity_gap(frame, "q", "band", cluster="workplace_id", statistic="mean")
    assert result.se_method == "HC1" and result.notes
    assert all(g.lower is not None and math.isfinite(g.lower) for g in result.gaps)
    assert result.trend is not None and math.isfinite(result.trend.upper)


def test_two_or_three_workplaces_keep_clustered_intervals_with_a_warning() -> None:
    rng = np.random.default_rng(8)
    for g in (2, 3):
        frame = two_versions(rng.integers(1, 6, 40), rng.integers(1, 6, 40), np.arange(80) % g)
        cmp = compare_versions(frame, "q", before="1.0", after="2.0", cluster="workplace_id")
        assert cmp.se_method == "cluster" and cmp.clustered_by == "workplace_id"
        assert cmp.lower is not None and cmp.upper is not None
        assert math.isfinite(cmp.lower) and math.isfinite(cmp.upper)
        assert any(f"only {g} workplace_ids" in n for n in cmp.notes)
        table = estimate(frame, "q", cluster="workplace_id", kind="mean")
        assert any("only 2 or 3" in n for n in table.notes)


def test_versions_each_from_their_own_workplace_get_no_interval_rather_than_a_zero_width_one() -> None:
    rng = np.random.default_rng(9)
    frame = two_versions(rng.integers(1, 6, 30), rng.integers(1, 6, 30), np.repeat([1, 2], 30))
    cmp = compare_versions(frame, "q", before="1.0", after="2.0", cluster="workplace_id")
    assert cmp.suppressed and cmp.reason is not None and "told apart" in cmp.reason
    frame = pl.DataFrame(
        {
            "q": rng.normal(3, 1, 60),
            "band": np.repeat([0, 1, 2], 20),
            "workplace_id": np.repeat([4, 5, 6], 20),
        }
    )
    gap = equity_gap(frame, "q", "band", cluster="workplace_id", statistic="mean", trend=False)
    assert all(g.suppressed and g.reason and "zero" in g.reason for g in gap.gaps)


def test_design_mean_with_one_cluster_still_says_it_has_no_interval() -> None:
    dm = design_mean([1.0, 2.0, 3.0], clusters=[1, 1, 1])
    assert math.isnan(dm.se) and dm.df == 0
