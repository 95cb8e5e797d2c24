"""Estimates by group with disclosure control built in."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import (
    ColumnError,
    DisclosurePolicy,
    attacker_intervals,
    design_mean,
    estimate,
    protect_table,
    tool_figures,
)


def checkins(n: int = 800, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "workplace_id": rng.integers(0, 60, n),
            "role": rng.choice(["teacher", "ta", "admin", "leader"], n, p=[0.6, 0.3, 0.092, 0.008]),
            "phase": rng.choice(["Primary", "Secondary"], n, p=[0.7, 0.3]),
            "trust": rng.integers(1, 6, n),
            "time_saved_hours": rng.normal(1.0, 2.0, n),
            "use": rng.choice(["optional", "mandatory"], n),
            "flag": rng.random(n) < 0.3,
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def test_it_reproduces_the_kish_wilson_oracle() -> None:
    frame = pl.DataFrame({"y": [1, 0, 1, 1, 0], "w": [1.0, 1, 1, 1, 4]})
    row = estimate(frame, "y", weight="w", k=1).rows[0]
    assert row.estimate == pytest.approx(0.375)
    assert row.n_eff == pytest.approx(3.2)
    assert (row.lower, row.upper) == pytest.approx((0.079, 0.807), abs=1e-3)


def test_it_reproduces_the_t_interval_oracle() -> None:
    row = estimate(pl.DataFrame({"y": [4.0, 5, 3, 4, 2, 5, 4, 3]}), "y", k=1).rows[0]
    assert (row.estimate, row.lower, row.upper) == pytest.approx((3.75, 2.885, 4.615), abs=1e-3)
    assert row.n == 8 and row.statistic == "mean"


def test_it_reports_agreement_as_share_agreeing_and_as_mean() -> None:
    table = estimate(checkins(), "trust", ["phase"])
    assert table.kind == "agreement"
    stats = {(r.group[0][1], r.statistic) for r in table.rows}
    assert stats == {(p, s) for p in ("Primary", "Secondary") for s in ("share_agree", "mean")}
    frame = checkins()
    primary = frame.filter(pl.col("phase") == "Primary")
    share = next(r for r in table.rows if r.group == (("phase", "Primary"),) and r.statistic == "share_agree")
    assert share.estimate == pytest.approx(float((primary["trust"] >= 4).mean()), abs=1e-6)
    assert share.n == primary.height and share.n_eff == primary.height


def test_it_hides_small_groups_without_giving_their_size() -> None:
    frame = checkins()
    assert 0 < frame.filter(pl.col("role") == "leader").height < 10
    table = estimate(frame, "time_saved_hours", ["role"], k=10)
    leader = next(r for r in table.rows if r.group == (("role", "leader"),))
    assert leader.suppressed and leader.n is None and leader.n_eff is None and leader.estimate is None
    assert leader.reason == "fewer than k=10 responses"
    # the smallest other group is hidden too, so that leader cannot be worked out from the total
    admin = next(r for r in table.rows if r.group == (("role", "admin"),))
    assert admin.suppressed and admin.n is None and "worked out" in (admin.reason or "")
    assert table.notes


def test_it_protects_two_way_groupings_against_the_lp_attacker() -> None:
    frame = checkins(seed=4)
    table = estimate(frame, "time_saved_hours", ["role", "phase"], k=10)
    roles = sorted(frame["role"].unique().to_list())
    phases = sorted(frame["phase"].unique().to_list())
    counts = np.array(
        [[frame.filter((pl.col("role") == r) & (pl.col("phase") == p)).height for p in phases] for r in roles]
    )
    full = np.zeros((len(roles) + 1, len(phases) + 1), dtype=np.int64)
    full[:-1, :-1] = counts
    full[:-1, -1] = counts.sum(1)
    full[-1, :-1] = counts.sum(0)
    full[-1, -1] = counts.sum()
    # the engine hides margins as well as cells (as the one-way estimates would); take those from the table
    protected = protect_table(counts, DisclosurePolicy(k=10))
    hidden = protected.hidden.copy()
    for row in table.rows:
        i = roles.index(row.group[0][1])
        j = phases.index(row.group[1][1])
        assert row.suppressed == bool(hidden[i, j])
    small = [(i, j) for i in range(len(roles)) for j in range(len(phases)) if 0 < counts[i, j] < 10]
    assert small
    for cell, (lo, hi) in attacker_intervals(full, hidden, small).items():
        assert lo <= 1e-6 and hi >= 10 - 1e-6, cell


def test_it_clusters_and_weights_means_by_design() -> None:
    frame = checkins()
    row = estimate(frame, "time_saved_hours", weight="w", cluster="workplace_id").rows[0]
    dm = design_mean(
        frame["time_saved_hours"].to_numpy(), frame["w"].to_numpy(), frame["workplace_id"].to_numpy()
    )
    lo, hi = dm.interval()
    assert (row.estimate, row.lower, row.upper) == pytest.approx((dm.mean, lo, hi), abs=1e-6)
    # Effective n allows for clustering and weighting together: n over the design effect, the design-based
    # variance against that of as many independent, equally weighted answers.
    y = frame["time_saved_hours"].to_numpy()
    deff = dm.se**2 / (y.var(ddof=1) / y.size)
    assert deff > 1.1  # colleagues' answers are alike: the design matters here
    assert row.n_eff == pytest.approx(y.size / deff, abs=0.05)
    assert row.n_eff < dm.n_eff  # less than weighting alone would say


def test_it_estimates_shares_of_a_level_and_of_booleans() -> None:
    frame = checkins()
    table = estimate(frame, "use", level="mandatory")
    assert table.kind == "proportion"
    assert table.rows[0].estimate == pytest.approx(float((frame["use"] == "mandatory").mean()), abs=1e-6)
    assert estimate(frame, "flag").rows[0].estimate == pytest.approx(float(frame["flag"].mean()), abs=1e-6)
    kg = estimate(frame, "flag", weight="w", cluster="workplace_id", proportion_method="korn_graubard").rows[
        0
    ]
    assert kg.lower is not None and kg.upper is not None and kg.lower < kg.estimate < kg.upper  # type: ignore[operator]


def test_it_rounds_counts_when_the_policy_says_so() -> None:
    row = estimate(checkins(), "trust", policy=DisclosurePolicy(k=10, round_to=5)).rows[0]
    assert row.n is not None and row.n % 5 == 0


def test_it_names_missing_and_unusable_columns() -> None:
    with pytest.raises(ColumnError, match="no column 'nope'"):
        estimate(checkins(), "nope")
    with pytest.raises(ColumnError, match="level="):
        estimate(checkins(), "use")


def test_it_is_deterministic_and_serialisable() -> None:
    a = estimate(checkins(), "trust", ["role"])
    b = estimate(checkins(), "trust", ["role"])
    assert a == b
    assert a.to_frame().height == len(a.rows)
    assert a.to_dict()["rows"][0]["statistic"] in ("share_agree", "mean")
    assert "role = teacher" in a.summary()


def test_it_computes_a_tools_brief() -> None:
    frame = checkins().with_columns(
        tool_id=pl.lit("planner"), version_label=pl.lit("2.0"), wellbeing=pl.col("trust")
    )
    brief = tool_figures(
        frame, "planner", measures=["time_saved_hours", "wellbeing"], groupings=["role", "phase"]
    )
    assert len(brief.figures) == 6
    assert brief.get("wellbeing", ["role"]).kind == "agreement"
    assert brief.n_responses == frame.height
