"""Equity gaps between ordered contexts, with a test for trend."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import ColumnError, equity_gap


def friction(slope: float = 0.2, seed: int = 3, n: int = 3000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    wp = rng.integers(0, 150, n)
    quintile = wp % 5 + 1
    value = 2.5 + slope * (quintile - 1) + rng.normal(0, 1, n) + rng.normal(0, 0.3, 150)[wp]
    return pl.DataFrame(
        {
            "workplace_id": wp,
            "deprivation_quintile": quintile,
            "it_friction": np.clip(np.round(value), 1, 5).astype(int),
            "time_saved_hours": value,
        }
    )


def test_it_finds_a_monotone_gap_with_a_trend() -> None:
    result = equity_gap(friction(), "time_saved_hours", "deprivation_quintile", cluster="workplace_id")
    gap = result.extreme_gap
    assert gap is not None and gap.lower is not None and gap.upper is not None
    assert gap.lower < 0.8 < gap.upper
    assert (
        result.trend is not None
        and result.trend.lower < 0.2 < result.trend.upper
        and result.trend.p_value < 1e-6
    )
    assert result.statistic == "mean"
    assert "Trend" in result.summary()


def test_it_reports_agreement_scales_as_share_agreeing() -> None:
    result = equity_gap(friction(), "it_friction", "deprivation_quintile", cluster="workplace_id")
    assert result.statistic == "share_agree"
    assert result.trend is not None and result.trend.estimate > 0


def test_it_finds_no_trend_where_there_is_none() -> None:
    result = equity_gap(
        friction(slope=0.0), "time_saved_hours", "deprivation_quintile", cluster="workplace_id"
    )
    assert result.trend is not None and result.trend.lower < 0 < result.trend.upper


def test_it_compares_unordered_groups_with_a_reference_and_hides_small_ones() -> None:
    frame = friction().with_columns(
        phase=pl.when(pl.col("workplace_id") < 3)
        .then(pl.lit("Special"))
        .when(pl.col("workplace_id") < 20)
        .then(pl.lit("All-through"))
        .when(pl.col("workplace_id") < 80)
        .then(pl.lit("Primary"))
        .otherwise(pl.lit("Secondary"))
    )
    small = frame.filter(pl.col("phase") == "Special").head(5)
    frame = pl.concat([frame.filter(pl.col("phase") != "Special"), small])
    result = equity_gap(frame, "time_saved_hours", "phase", reference="Primary", cluster="workplace_id")
    gaps = {g.group: g for g in result.gaps}
    assert gaps["Special"].suppressed and gaps["Special"].difference is None
    # the next smallest group is hidden too, so that Special cannot be worked out from the total
    assert gaps["All-through"].suppressed and "worked out" in (gaps["All-through"].reason or "")
    assert not gaps["Secondary"].suppressed
    assert result.trend is None


def test_it_names_a_bad_reference() -> None:
    with pytest.raises(ColumnError, match="reference group 9"):
        equity_gap(friction(), "time_saved_hours", "deprivation_quintile", reference=9)
