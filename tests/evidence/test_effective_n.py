"""Honest effective n: n over the design effect of clustering by workplace and of weighting together.

The design effect is the variance of the estimate under the design (clustered, and weighted when there are
weights) over the variance the same number of independent, equally weighted answers would give, ``s^2 / n``.
The references below are computed here from the textbook formulas, not with the evidence layer's code:
for a mean with clusters of equal size and no weights, the variance of the mean is
``sum_c (ybar_c - ybar)^2 / (C (C - 1))`` (Cochran 1977, section 9.2; Lohr 2010, section 5.2), and with
weights the linearised variance of the ratio mean, ``C/(C-1) sum_c (sum_{i in c} w_i (y_i - ybar_w))^2 /
(sum w)^2`` (R ``survey::svymean``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from chalkface.evidence import estimate
from chalkface.synth import SynthConfig, generate


def _clustered(
    workplaces: int = 40,
    per_workplace: int = 25,
    workplace_sd: float = 1.0,
    noise_sd: float = 2.0,
    seed: int = 3,
) -> pl.DataFrame:
    """Many check-ins from few workplaces, with a real workplace effect (intra-class correlation 0.2)."""
    rng = np.random.default_rng(seed)
    workplace = np.repeat(np.arange(workplaces), per_workplace)
    effect = workplace_sd * rng.standard_normal(workplaces)
    y = 1.0 + effect[workplace] + noise_sd * rng.standard_normal(workplace.size)
    return pl.DataFrame(
        {
            "workplace_id": workplace,
            "time_saved_hours": y,
            "agree": (y > 1.5).astype(np.int64),
            # weights unrelated to the answers, as a raking on role might give
            "w": rng.choice([0.5, 1.0, 3.0], workplace.size, p=[0.3, 0.5, 0.2]),
        }
    )


def _reference_design_effect(
    y: npt.NDArray[np.float64], cluster: npt.NDArray[np.int64], w: npt.NDArray[np.float64] | None = None
) -> float:
    """Linearised clustered variance of the (weighted) mean over s^2 / n, from the textbook formula."""
    w = np.ones_like(y) if w is None else w
    mean = np.sum(w * y) / np.sum(w)
    clusters = np.unique(cluster)
    totals = np.array([np.sum(w[cluster == c] * (y[cluster == c] - mean)) for c in clusters])
    c = clusters.size
    variance = c / (c - 1) * np.sum(totals**2) / np.sum(w) ** 2
    return float(variance / (np.var(y, ddof=1) / y.size))


def _rho(y: npt.NDArray[np.float64], cluster: npt.NDArray[np.int64]) -> float:
    """The ANOVA estimate of the intra-class correlation, for clusters of equal size."""
    clusters = np.unique(cluster)
    c, m = clusters.size, y.size // clusters.size
    means = np.array([y[cluster == k].mean() for k in clusters])
    between = m * np.sum((means - y.mean()) ** 2) / (c - 1)
    within = sum(np.sum((y[cluster == k] - means[j]) ** 2) for j, k in enumerate(clusters)) / (y.size - c)
    return float((between - within) / (between + (m - 1) * within))


def _b_star(cluster: npt.NDArray[np.int64], w: npt.NDArray[np.float64]) -> float:
    return float(sum(np.sum(w[cluster == k]) ** 2 for k in np.unique(cluster)) / np.sum(w**2))


def test_effective_n_of_a_small_hand_example_is_the_textbook_value() -> None:
    # Four workplaces of three: cluster means 2, 5, 8, 11 around 6.5, so the clustered variance of the mean
    # is 45 / (4 * 3) = 3.75; s^2 of 1..12 is 13, so s^2 / n = 13/12; the design effect is 45/13 and the
    # effective n 12 / (45/13) = 52/15 = 3.47.
    frame = pl.DataFrame({"workplace_id": np.repeat([1, 2, 3, 4], 3), "hours": np.arange(1.0, 13.0)})
    row = estimate(frame, "hours", cluster="workplace_id", k=1).rows[0]
    assert row.n == 12
    assert row.n_eff == pytest.approx(52 / 15, abs=0.05)
    y = frame["hours"].to_numpy()
    assert _reference_design_effect(y, frame["workplace_id"].to_numpy()) == pytest.approx(45 / 13)
    # Unclustered, the same answers are 12 independent ones.
    assert estimate(frame, "hours", k=1).rows[0].n_eff == 12


def test_clustered_effective_n_is_well_below_n() -> None:
    frame = _clustered()
    y, cluster = frame["time_saved_hours"].to_numpy(), frame["workplace_id"].to_numpy()
    row = estimate(frame, "time_saved_hours", cluster="workplace_id").rows[0]
    deff = _reference_design_effect(y, cluster)
    # Kish's approximation 1 + (m - 1) rho for clusters of m = 25 (planted rho 0.2, so about 5.8).
    assert 3.5 < deff < 9.0
    assert deff == pytest.approx(1 + 24 * _rho(y, cluster), rel=0.1)
    assert row.n == 1000
    assert row.n_eff == pytest.approx(1000 / deff, abs=0.05)
    assert row.n_eff < 1000 / 3


def test_clustered_and_weighted_effective_n_combines_both_design_effects() -> None:
    frame = _clustered()
    y, cluster, w = (frame[c].to_numpy() for c in ("time_saved_hours", "workplace_id", "w"))
    kish = len(w) * np.sum(w**2) / np.sum(w) ** 2  # the design effect of the weights alone
    clustered_only = _reference_design_effect(y, cluster)
    deff = _reference_design_effect(y, cluster, w)
    row = estimate(frame, "time_saved_hours", weight="w", cluster="workplace_id").rows[0]
    assert row.n_eff == pytest.approx(1000 / deff, abs=0.05)
    # Weights unrelated to the answers combine with clustering as in Gabler, Haeder and Lahiri (1999):
    # deff = Kish's deff x (1 + (b* - 1) rho), b* = sum_c (sum_{i in c} w_i)^2 / sum_i w_i^2, with rho the
    # intra-class correlation (ANOVA estimate); a model-based approximation, so only to within 15%.
    assert deff == pytest.approx(kish * (1 + (_b_star(cluster, w) - 1) * _rho(y, cluster)), rel=0.15)
    assert row.n_eff < 1000 / kish and row.n_eff < 1000 / clustered_only


def test_clustered_effective_n_of_a_share_uses_the_share_s_own_design_effect() -> None:
    frame = _clustered()
    agree, cluster = frame["agree"].to_numpy().astype(np.float64), frame["workplace_id"].to_numpy()
    p = agree.mean()
    # For a 0/1 answer s^2 = n p (1 - p) / (n - 1); the reference formula above uses exactly that.
    deff = _reference_design_effect(agree, cluster)
    assert np.var(agree, ddof=1) == pytest.approx(p * (1 - p) * 1000 / 999)
    row = next(
        r for r in estimate(frame, "agree", cluster="workplace_id").rows if r.statistic == "proportion"
    )
    assert deff > 2
    assert row.n_eff == pytest.approx(1000 / deff, abs=0.05)


def test_synthetic_check_ins_from_a_hundred_workplaces_have_an_effective_n_below_n() -> None:
    # The case the issue reported: about 400 check-ins from about a hundred workplaces.
    data = generate(SynthConfig(workplaces=108, months=12, seed=3, responses=412))
    responses = data.responses
    for measure, statistic in (
        ("time_saved_hours", "mean"),
        ("workload", "share_agree"),
        ("workload", "mean"),
    ):
        row = next(
            r for r in estimate(responses, measure, cluster="workplace_id").rows if r.statistic == statistic
        )
        assert row.n == 412
        assert row.n_eff is not None and row.n_eff < 412 / 1.2, (measure, statistic, row.n_eff)
        if statistic != "share_agree":
            y = responses[measure].cast(pl.Float64).to_numpy()
            deff = _reference_design_effect(y, responses["workplace_id"].to_numpy())
            assert row.n_eff == pytest.approx(412 / deff, abs=0.05)
