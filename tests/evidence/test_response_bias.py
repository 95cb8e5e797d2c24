"""Weighting to the workforce, checked on planted response bias.

``chalkface synth`` draws its check-ins from a population of potential check-ins in which support and admin
staff, teaching assistants, secondary schools, London and (a little) sceptics answer less often, and those
who answer less save less time and find their workload heavier (``truth.json``, truth ``response_bias``). The
national truth is the mean over that whole population. For 20 seeds (300 workplaces, 12 months, about 13,700
check-ins each), the respondents are raked to the population's margins by role, phase and region with
trimming and the national figures estimated clustered by workplace, as a user would: the weighted 95%
interval must cover the population truth in at least 18 of the 20 seeds, and the unweighted one must miss it
in most seeds, by several standard errors on average, so that the test fails if the bias is not planted or
the weighting does not remove it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import estimate
from chalkface.evidence.weighting import rake
from chalkface.synth import SynthConfig, generate

SEEDS = range(1, 21)
TRIM = 5.0
# Phases with few workplaces are merged with a neighbour, so that every category has respondents in a small
# data set (raking cannot give weight to a category nobody in it answered).
PHASE_GROUP = {"all_through": "secondary", "sixteen_plus": "secondary", "alternative_provision": "special"}
MEASURES = {
    "time_saved_hours": ("mean", "time_saved_hours"),
    "workload": ("share_agree", "workload_share_agree"),
}


def _merged(margins: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, counts in margins.items():
        merged: dict[str, float] = {}
        for category, count in counts.items():
            key = PHASE_GROUP.get(category, category) if name == "phase" else category
            merged[key] = merged.get(key, 0.0) + count
        out[name] = merged
    return out


def analyse(seed: int) -> dict[str, Any]:
    data = generate(SynthConfig(workplaces=300, months=12, seed=seed))
    truth = data.truth["truths"]["response_bias"]
    population = truth["population"]
    responses = data.responses.join(
        data.workplaces.select("workplace_id", "phase", "region"), on="workplace_id"
    ).with_columns(pl.col("phase").replace(PHASE_GROUP))
    weighted, raking = rake(responses, _merged(population["margins"]), trim=TRIM)
    assert raking.converged
    out: dict[str, Any] = {"design_effect": raking.design_effect, "truth": truth}
    for measure, (statistic, key) in MEASURES.items():
        for label, weight in (("weighted", "weight"), ("unweighted", None)):
            table = estimate(weighted, measure, weight=weight, cluster="workplace_id")
            row = next(r for r in table.rows if r.statistic == statistic)
            assert row.estimate is not None and row.lower is not None and row.upper is not None
            out[(measure, label)] = (row.estimate, row.lower, row.upper, population[key])
    return out


@pytest.fixture(scope="module")
def results() -> list[dict[str, Any]]:
    return [analyse(seed) for seed in SEEDS]


def _covers(results: list[dict[str, Any]], key: tuple[str, str]) -> int:
    return sum(lo <= truth <= hi for _, lo, hi, truth in (r[key] for r in results))


def _error_in_standard_errors(results: list[dict[str, Any]], key: tuple[str, str]) -> float:
    """Mean error over the seeds, in units of the mean standard error (half the 95% interval over 1.96)."""
    errors = [est - truth for est, _, _, truth in (r[key] for r in results)]
    ses = [(hi - lo) / (2 * 1.96) for _, lo, hi, _ in (r[key] for r in results)]
    return float(np.mean(errors) / np.mean(ses))


@pytest.mark.parametrize("measure", list(MEASURES))
def test_weighted_national_estimate_covers_the_population_truth_and_unweighted_misses(
    results: list[dict[str, Any]], measure: str
) -> None:
    weighted = _covers(results, (measure, "weighted"))
    unweighted = _covers(results, (measure, "unweighted"))
    assert weighted >= 18, f"weighted 95% intervals cover the population truth in only {weighted}/20 seeds"
    assert unweighted <= 5, f"unweighted 95% intervals cover the population truth in {unweighted}/20 seeds"
    # The unweighted figure is off in the direction planted (too much time saved, too few agreeing that
    # workload rose), by more than two standard errors on average; the weighted one by well under one.
    direction = 1.0 if measure == "time_saved_hours" else -1.0
    assert direction * _error_in_standard_errors(results, (measure, "unweighted")) > 2.0
    assert abs(_error_in_standard_errors(results, (measure, "weighted"))) < 1.0


def test_the_weights_cost_some_precision_and_the_truth_says_what_was_planted(
    results: list[dict[str, Any]],
) -> None:
    # Raking to role, phase and region costs precision (Kish design effect above 1), but trimming keeps it
    # modest.
    effects = [r["design_effect"] for r in results]
    assert min(effects) > 1.05 and max(effects) < 2.0
    truth = results[0]["truth"]
    assert truth["planted"]["on"] is True
    population, expected = truth["population"], truth["expected_observed"]
    assert population["size"] > truth["observed"]["n"]
    # The generator's own expectation of the unweighted mean is off in the planted direction.
    assert expected["time_saved_hours"] > population["time_saved_hours"] + 0.1
    assert expected["workload_share_agree"] < population["workload_share_agree"] - 0.02
