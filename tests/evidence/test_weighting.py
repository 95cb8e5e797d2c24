"""Raking to population margins, trimming, and the error messages."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import MarginError, Raker, design_effect, kish_effective_n, rake

MARGINS = {
    "phase": {"Primary": 21000, "Secondary": 3400},
    "region": {"North": 8000, "South": 9400, "Wales": 7000},
}


def sample(n: int = 2000, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "phase": rng.choice(["Primary", "Secondary"], n, p=[0.5, 0.5]),
            "region": rng.choice(["North", "South", "Wales"], n, p=[0.6, 0.3, 0.1]),
            "quintile": rng.integers(1, 6, n),
            "base": rng.uniform(1, 3, n),
        }
    )


def test_it_matches_every_margin() -> None:
    frame, result = rake(sample(), MARGINS)
    assert result.converged and result.max_margin_error < 1e-6
    for col, targets in MARGINS.items():
        sums = dict(frame.group_by(col).agg(pl.col("weight").sum()).iter_rows())
        for level, total in targets.items():
            assert sums[level] == pytest.approx(total, rel=1e-6)
    w = frame["weight"].to_numpy()
    assert result.effective_n == pytest.approx(kish_effective_n(w))
    assert result.design_effect == pytest.approx(design_effect(w))


def test_it_preserves_the_sample_odds_ratio_in_a_two_by_two_table() -> None:
    # IPF changes row and column margins but keeps the interaction (the cross-product ratio) of the start
    frame = pl.DataFrame(
        {
            "a": ["x"] * 30 + ["x"] * 10 + ["y"] * 20 + ["y"] * 40,
            "b": ["p"] * 30 + ["q"] * 10 + ["p"] * 20 + ["q"] * 40,
        }
    )
    out, _ = rake(frame, {"a": {"x": 0.5, "y": 0.5}, "b": {"p": 0.3, "q": 0.7}})
    cell = {(a, b): w for a, b, w in out.group_by("a", "b").agg(pl.col("weight").sum()).iter_rows()}
    ratio = cell[("x", "p")] * cell[("y", "q")] / (cell[("x", "q")] * cell[("y", "p")])
    assert ratio == pytest.approx(30 * 40 / (10 * 20), rel=1e-6)
    assert sum(cell.values()) == pytest.approx(100)  # shares scale to the number of responses


def test_it_starts_from_base_weights() -> None:
    frame = sample()
    raker = Raker(MARGINS, base_weight="base").fit(frame)
    unweighted = Raker(MARGINS).fit(frame)
    assert raker.result_.converged
    assert not np.allclose(raker.weights_, unweighted.weights_)


def test_it_trims_and_rakes_again() -> None:
    frame = sample()
    plain = Raker(MARGINS).fit(frame).result_
    assert plain.weight_max > 4 * plain.weight_mean
    raker = Raker(MARGINS, trim=4).fit(frame)
    res = raker.result_
    assert res.converged and res.trimmed > 0
    assert res.weight_max <= 4 * res.weight_mean * (1 + 1e-6)
    assert res.design_effect < plain.design_effect
    assert res.max_margin_error < 1e-6


def test_it_names_the_margin_and_category_with_no_respondents() -> None:
    margins = {"phase": {"Primary": 21000, "Secondary": 3400, "Special": 600}}
    with pytest.raises(MarginError, match="margin 'phase', category 'Special' has no respondents"):
        Raker(margins).fit(sample())


def test_it_names_a_category_missing_from_the_margins() -> None:
    with pytest.raises(MarginError, match="margin 'region' has no population total for category 'Wales'"):
        Raker({"region": {"North": 10, "South": 20}}).fit(sample())


def test_it_names_margins_that_disagree_on_the_total() -> None:
    margins = {"phase": {"Primary": 21000, "Secondary": 3400}, "region": {"North": 1, "South": 2, "Wales": 3}}
    with pytest.raises(MarginError, match="margin 'phase' adds up to 24400 but margin 'region' adds up to 6"):
        Raker(margins).fit(sample())


def test_it_matches_numeric_columns_to_text_keys_from_json() -> None:
    out, result = rake(sample(), {"quintile": {"1": 0.2, "2": 0.2, "3": 0.2, "4": 0.2, "5": 0.2}})
    assert result.converged


def test_it_reports_diagnostics() -> None:
    _, result = rake(sample(), MARGINS)
    d = result.to_dict()
    assert {"iterations", "converged", "effective_n", "design_effect"} <= set(d)
    assert "converged" in result.summary()


def test_it_is_deterministic() -> None:
    a = Raker(MARGINS, trim=3).fit(sample()).weights_
    b = Raker(MARGINS, trim=3).fit(sample()).weights_
    assert np.array_equal(a, b)


def test_it_says_when_the_cap_cannot_be_met() -> None:
    # Wales is a tenth of the sample but more than a quarter of the population: a cap of 2.5 times the mean
    # weight cannot give it enough weight
    result = Raker(MARGINS, trim=2.5).fit(sample()).result_
    assert not result.converged
    assert "DID NOT CONVERGE" in result.summary()
