"""Version change: ordinal logit, interrupted time series, incident rates, the signal list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import (
    InterruptedTimeSeries,
    OrdinalLogit,
    compare_versions,
    incident_rate_change,
    segmented_regression,
    signal_list,
)
from chalkface.evidence.change import rank_biserial

DATA = Path(__file__).parent / "data"
TOL = 1e-3


def test_it_reproduces_the_ucla_ordinal_logit_of_r_polr() -> None:
    frame = pl.read_csv(DATA / "ologit_ucla.csv")
    fit = OrdinalLogit(
        "apply", ["pared", "public", "gpa"], levels=["unlikely", "somewhat likely", "very likely"]
    )
    result = fit.fit(frame).result_
    assert result.coefficients["pared"].estimate == pytest.approx(1.04769, abs=TOL)
    assert result.coefficients["public"].estimate == pytest.approx(-0.05879, abs=TOL)
    assert result.coefficients["gpa"].estimate == pytest.approx(0.61594, abs=TOL)
    assert result.thresholds == pytest.approx((2.2039, 4.2994), abs=TOL)
    assert result.converged and "pared" in result.summary()


def sicily() -> pl.DataFrame:
    return pl.read_csv(DATA / "sicily.csv")


def test_it_reproduces_the_sicily_poisson_model() -> None:
    its = InterruptedTimeSeries(
        "aces", "time", "smokban", exposure="stdpop", family="poisson", slope_change=False
    ).fit(sicily())
    assert its.result_.rate_ratio == pytest.approx((0.894, 0.865, 0.925), abs=TOL)


def test_it_reproduces_the_sicily_quasi_poisson_model_with_seasonality() -> None:
    options = dict(exposure="stdpop", season="month", family="quasi_poisson", slope_change=False, harmonics=2)
    its = InterruptedTimeSeries("aces", "time", "smokban", period=12, **options)  # type: ignore[arg-type]
    result = its.fit(sicily()).result_
    assert result.rate_ratio == pytest.approx((0.885, 0.839, 0.933), abs=TOL)
    assert result.dispersion == pytest.approx(2.26, abs=0.005)
    # the intervention can also be given as the first period after it
    same = InterruptedTimeSeries("aces", "time", 37, period=12, **options).fit(sicily()).result_  # type: ignore[arg-type]
    assert same.rate_ratio == pytest.approx(result.rate_ratio)


def test_it_reproduces_the_scipy_mann_whitney_example() -> None:
    u, p, r, lo, hi = rank_biserial(np.array([19.0, 22, 16, 29, 24]), np.array([20.0, 11, 17, 12]))
    assert u == 17 and p == pytest.approx(0.1113, abs=TOL)
    assert r == pytest.approx(2 * 17 / 20 - 1) and lo < r < hi


def versions_frame(effect: float = -1.5, seed: int = 0, n: int = 3000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    wp = rng.integers(0, 80, n)
    after = rng.random(n) < 0.5
    workplace_effect = rng.normal(0, 0.7, 80)[wp]
    time_saved = 1.0 + workplace_effect + effect * after + rng.normal(0, 2, n)
    wellbeing = np.clip(np.round(3 + 0.5 * workplace_effect + rng.normal(0, 1, n)), 1, 5).astype(int)
    start = dt.date(2025, 9, 1)
    days = np.where(after, rng.integers(60, 120, n), rng.integers(0, 60, n))
    return pl.DataFrame(
        {
            "workplace_id": wp,
            "tool_id": "planner",
            "version_label": np.where(after, "3.0", "2.4"),
            "submitted_on": [start + dt.timedelta(days=int(d)) for d in days],
            "time_saved_hours": time_saved,
            "wellbeing": wellbeing,
        }
    )


def test_it_finds_a_planted_version_effect_with_a_clustered_interval() -> None:
    cmp = compare_versions(
        versions_frame(), "time_saved_hours", before="2.4", after="3.0", cluster="workplace_id"
    )
    assert cmp.difference is not None and cmp.lower is not None and cmp.upper is not None
    assert cmp.lower < -1.5 < cmp.upper and cmp.upper < 0
    assert cmp.rank_biserial is not None and cmp.rank_biserial < 0
    assert "lower" in cmp.sentence() and "3.0" in cmp.sentence()


def test_it_gives_an_odds_ratio_for_agreement_scales() -> None:
    cmp = compare_versions(versions_frame(), "wellbeing", before="2.4", after="3.0", cluster="workplace_id")
    assert (
        cmp.odds_ratio is not None and cmp.odds_ratio_lower is not None and cmp.odds_ratio_upper is not None
    )
    assert cmp.odds_ratio_lower < 1 < cmp.odds_ratio_upper  # nothing planted on wellbeing


def test_it_hides_a_comparison_with_too_few_responses() -> None:
    frame = versions_frame().head(12)
    cmp = compare_versions(frame, "time_saved_hours", before="2.4", after="3.0", k=10)
    assert cmp.suppressed and cmp.n_before is None and cmp.difference is None
    assert "fewer than k=10" in (cmp.reason or "")


def test_segmented_regression_finds_a_level_change() -> None:
    rng = np.random.default_rng(2)
    start = dt.date(2025, 9, 1)
    rows = []
    for week in range(30):
        for _ in range(40):
            level = 2.0 + 0.01 * week - (1.5 if week >= 15 else 0.0)
            rows.append(
                (start + dt.timedelta(weeks=week, days=int(rng.integers(0, 5))), level + rng.normal(0, 2))
            )
    frame = pl.DataFrame(rows, schema={"submitted_on": pl.Date, "time_saved_hours": pl.Float64}, orient="row")
    result = segmented_regression(
        frame, "time_saved_hours", date="submitted_on", release=start + dt.timedelta(weeks=15)
    )
    assert result.level_change.lower < -1.5 < result.level_change.upper
    assert result.level_change.upper < 0
    assert result.n_periods == 30 and result.intervention_index == 15


def incidents_and_exposure(ratio: float = 3.0, seed: int = 2) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    exposure, incidents = [], []
    for i, month in enumerate(months):
        version = "2.4" if i < 6 else "3.0"
        deployment = float(rng.integers(200, 300))
        exposure.append(("planner", version, month, deployment))
        rate = 0.05 * (ratio if version == "3.0" else 1.0)
        for _ in range(int(rng.poisson(rate * deployment))):
            incidents.append(("planner", version, month))
    return (
        pl.DataFrame(incidents, schema=["tool_id", "version_label", "month"], orient="row"),
        pl.DataFrame(
            exposure, schema=["tool_id", "version_label", "month", "deployment_months"], orient="row"
        ),
    )


def test_it_estimates_an_incident_rate_ratio_with_quasi_poisson() -> None:
    incidents, exposure = incidents_and_exposure()
    result = incident_rate_change(incidents, exposure, before="2.4", after="3.0", tool="planner")
    assert result.lower is not None and result.upper is not None
    assert result.lower < 3.0 < result.upper and result.lower > 1.5
    assert "times the rate" in result.sentence()


def test_the_signal_list_controls_the_false_discovery_rate_and_explains_itself() -> None:
    frame = versions_frame()
    null_tool = versions_frame(effect=0.0, seed=9).with_columns(tool_id=pl.lit("marker"))
    incidents, exposure = incidents_and_exposure()
    signals = signal_list(
        pl.concat([frame, null_tool]),
        ["time_saved_hours", "wellbeing"],
        incidents=incidents,
        exposure=exposure,
    )
    found = {(s.tool, s.measure) for s in signals.signals}
    assert ("planner", "time_saved_hours") in found
    assert ("planner", "incident rate") in found
    assert ("marker", "time_saved_hours") not in found
    assert all(s.q_value >= s.p_value for s in signals.tests)
    assert len(signals.tests) == 5
    assert all(s.sentence.endswith("comparisons).") for s in signals.tests)
    assert any("incident-rate comparisons" in s.sentence for s in signals.tests)
    assert "signal" in signals.summary()
