"""Each planted truth is clearly present in the generated tables, and truth.json describes it.

One data set large enough for every effect to stand well clear of sampling noise (6,000 workplaces: 1,000 to
1,400 a deprivation quintile, ~1,900 deployments of the spiking tool; 120,000 check-ins), which still runs
in well under a second. Each tolerance below is three to four standard errors at this size, worked out in the
comment next to it. Effects are computed with plain polars from the output frames, as a user would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest

from chalkface.synth import SynthConfig, SynthData, generate

START = dt.date(2025, 9, 1)
END = dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def data() -> SynthData:
    return generate(SynthConfig(workplaces=6000, months=12, seed=2024, responses=120_000, start=START))


def _truth(data: SynthData, truth_id: str) -> dict[str, Any]:
    truth: dict[str, Any] = data.truth["truths"][truth_id]
    return truth


def _within(frame: pl.DataFrame, stratum: str, factor: str, high: str, low: str, measure: str) -> float:
    """Mean difference high - low within each stratum, averaged with the stratum's check-ins as weights."""
    cells = (
        frame.filter(pl.col(factor).is_in([high, low]))
        .group_by(stratum)
        .agg(
            pl.col(measure).filter(pl.col(factor) == high).cast(pl.Float64).mean().alias("high"),
            pl.col(measure).filter(pl.col(factor) == low).cast(pl.Float64).mean().alias("low"),
            pl.len().alias("n"),
        )
        .drop_nulls()
    )
    return float(((cells["high"] - cells["low"]) * cells["n"]).sum()) / float(cells["n"].sum())


def test_truth_json_describes_every_planted_effect(data: SynthData) -> None:
    truths = data.truth["truths"]
    assert set(truths) == {
        "version_drop", "deprivation_it_friction", "incident_spike", "opinion_groups", "mandated_wellbeing",
        "training_time_saved", "response_bias",
    }  # fmt: skip
    for truth_id, truth in truths.items():
        assert truth["id"] == truth_id
        for key in ("description", "table", "measure", "planted", "expected_observed", "observed", "detect"):
            assert truth[key] not in (None, "", {}), (truth_id, key)
        assert truth["table"] in data.tables()
    # Every other release during the period is a negative control with nothing planted.
    controls = {(c["tool_id"], c["version_label"]) for c in data.truth["negative_controls"]}
    assert ("lessonloom", "3.0") not in controls and len(controls) >= 8


def test_a_new_version_saves_one_and_a_half_hours_less(data: SynthData) -> None:
    truth = _truth(data, "version_drop")
    assert (truth["tool_id"], truth["from_version"], truth["to_version"]) == ("lessonloom", "2.0", "3.0")
    release = dt.date.fromisoformat(truth["release_date"])
    assert START < release < END
    versions = data.tool_versions.filter(pl.col("tool_id") == "lessonloom")
    assert versions.filter(pl.col("label") == "3.0")["release_date"].item() == release
    means = (
        data.responses.filter(
            (pl.col("tool_id") == "lessonloom") & pl.col("version_label").is_in(["2.0", "3.0"])
        )
        .group_by("version_label")
        .agg(pl.col("time_saved_hours").mean(), pl.len())
        .sort("version_label")
    )
    assert means["len"].min() > 3000  # type: ignore[operator]
    difference = means["time_saved_hours"][1] - means["time_saved_hours"][0]
    # SD of time saved ~2.7 h and ~4,000 vs ~6,000 check-ins: SE ~0.06 (~0.08 with workplace clustering).
    assert truth["planted"] == -1.5
    assert truth["expected_observed"] == pytest.approx(-1.5, abs=0.02)  # clipping at +-10 barely bites
    assert difference == pytest.approx(truth["expected_observed"], abs=0.3)
    assert truth["observed"]["difference"] == pytest.approx(difference, abs=1e-3)
    # A negative control: another tool's in-period release changes nothing.
    control = (
        data.responses.filter(
            (pl.col("tool_id") == "paperlane-assist") & pl.col("version_label").is_in(["2.0", "2.1"])
        )
        .group_by("version_label")
        .agg(pl.col("time_saved_hours").mean())
        .sort("version_label")["time_saved_hours"]
    )
    assert abs(control[1] - control[0]) < 0.2


def test_it_friction_rises_with_every_deprivation_quintile(data: SynthData) -> None:
    truth = _truth(data, "deprivation_it_friction")
    means = (
        data.responses.join(data.workplaces.select("workplace_id", "deprivation_quintile"), on="workplace_id")
        .group_by("deprivation_quintile")
        .agg(pl.col("it_friction").cast(pl.Float64).mean())
        .sort("deprivation_quintile")
    )
    assert means["deprivation_quintile"].to_list() == [1, 2, 3, 4, 5]
    values = means["it_friction"].to_list()
    assert all(b > a + 0.1 for a, b in zip(values, values[1:], strict=False))  # planted steps of 0.2
    gap = values[-1] - values[0]
    # ~20,000 check-ins a quintile, SD ~1.0, workplace effect SD 0.3 over ~1,200 workplaces: gap SE ~0.02.
    assert truth["planted"] == pytest.approx(0.8)
    assert 0.65 < truth["expected_observed"] < 0.8  # rounding to whole points shrinks it a little
    assert gap == pytest.approx(truth["expected_observed"], abs=0.08)
    assert truth["observed"]["gap_q5_q1"] == pytest.approx(gap, abs=1e-3)


def test_incidents_triple_after_the_new_version(data: SynthData) -> None:
    truth = _truth(data, "incident_spike")
    assert (truth["tool_id"], truth["to_version"], truth["planted"]) == ("tutor-owl", "3.0", 3.0)

    def rate_ratio(tool_id: str, label: str) -> tuple[float, int, int]:
        incidents = data.incidents.filter(pl.col("tool_id") == tool_id)
        exposure = data.exposure.filter(pl.col("tool_id") == tool_id)
        after, before = pl.col("version_label") == label, pl.col("version_label") != label
        n_after, n_before = incidents.filter(after).height, incidents.filter(before).height
        months_after = float(exposure.filter(after)["deployment_months"].sum())
        months_before = float(exposure.filter(before)["deployment_months"].sum())
        return (n_after / months_after) / (n_before / months_before), n_before, n_after

    ratio, n_before, n_after = rate_ratio("tutor-owl", "3.0")
    # ~300 incidents before and ~900 after: SE of log ratio ~0.07, so 3 SE is about x/÷ 1.23.
    assert n_before > 150 and n_after > 500
    assert 3.0 / 1.25 < ratio < 3.0 * 1.25
    assert truth["observed"]["rate_ratio"] == pytest.approx(ratio, abs=1e-3)
    # A negative control: the office assistant's 3.0 brings no change (~350 incidents a side).
    control, _, _ = rate_ratio("paperlane-assist", "3.0")
    assert 0.75 < control < 1.33
    # After the change incidents lean to inappropriate content and safeguarding.
    tutor = data.incidents.filter(pl.col("tool_id") == "tutor-owl")
    harmful = pl.col("category").is_in(["inappropriate_content", "safeguarding"])
    share_before = tutor.filter(pl.col("version_label") != "3.0").select(harmful.mean()).item()
    share_after = tutor.filter(pl.col("version_label") == "3.0").select(harmful.mean()).item()
    assert share_before < 0.35 < 0.55 < share_after


def test_opinion_groups_split_on_monitoring_and_agree_on_consultation(data: SynthData) -> None:
    truth = _truth(data, "opinion_groups")
    assert truth["consensus_statement_ids"] == [1, 2, 3]
    assert truth["divisive_statement_ids"] == [4, 5, 6, 7]
    topics = dict(data.statements.select("statement_id", "topic").iter_rows())
    assert {topics[i] for i in truth["consensus_statement_ids"]} == {"consultation"}
    assert {topics[i] for i in truth["divisive_statement_ids"]} == {"monitoring"}
    shares = (
        data.votes.join(data.participants.select("participant_id", "opinion_group"), on="participant_id")
        .group_by("statement_id", "opinion_group")
        .agg((pl.col("vote") == 1).mean().alias("agree"), (pl.col("vote") == -1).mean().alias("disagree"))
    )
    share = {(s, g): (a, d) for s, g, a, d in shares.iter_rows()}
    # ~1,100 votes per statement and group (3,000 participants, 60% vote on each): SE of a share ~0.012.
    for statement in truth["consensus_statement_ids"]:
        assert share[(statement, "A")][0] > 0.85 and share[(statement, "B")][0] > 0.85
    for statement in truth["divisive_statement_ids"]:
        assert share[(statement, "A")][0] > 0.75 and share[(statement, "B")][1] > 0.7
    # Nothing else is consensus: each other statement has a group below 80% agreement.
    for statement in set(range(1, 21)) - set(truth["consensus_statement_ids"]):
        assert min(share[(statement, "A")][0], share[(statement, "B")][0]) < 0.8

    # The groups can be recovered from the votes alone (first principal component of the vote matrix).
    participants = data.participants.height
    matrix = np.zeros((participants, data.statements.height))
    matrix[data.votes["participant_id"].to_numpy() - 1, data.votes["statement_id"].to_numpy() - 1] = (
        data.votes["vote"].to_numpy()
    )
    matrix -= matrix.mean(axis=0)
    first = np.linalg.svd(matrix, full_matrices=False)[0][:, 0]
    in_b = (data.participants["opinion_group"] == "B").to_numpy()
    accuracy = float(np.mean((first > 0) == in_b))
    assert max(accuracy, 1 - accuracy) > 0.85


def test_mandatory_use_lowers_wellbeing(data: SynthData) -> None:
    truth = _truth(data, "mandated_wellbeing")
    difference = _within(data.responses, "tool_id", "use", "mandatory", "optional", "wellbeing")
    # ~43,000 mandatory vs ~77,000 optional check-ins, SD ~1.1: SE ~0.01 (~0.02 with clustering).
    assert truth["planted"] == -0.5
    assert -0.5 < truth["expected_observed"] < -0.4
    assert difference == pytest.approx(truth["expected_observed"], abs=0.07)
    assert truth["observed"]["difference_within_tools"] == pytest.approx(difference, abs=1e-3)


def test_enough_training_adds_two_hours_saved(data: SynthData) -> None:
    truth = _truth(data, "training_time_saved")
    difference = _within(data.responses, "role", "training", "enough", "none", "time_saved_hours")
    # ~20,000 vs ~38,000 check-ins, SD ~2.6: SE ~0.025 (~0.04 with clustering).
    assert truth["planted"] == 2.0
    assert truth["expected_observed"] == pytest.approx(2.0, abs=0.02)
    assert difference == pytest.approx(truth["expected_observed"], abs=0.15)
    assert truth["observed"]["difference_within_roles"] == pytest.approx(difference, abs=1e-3)


def test_workplaces_look_like_englands_schools(data: SynthData) -> None:
    w = data.workplaces
    phases = w["phase"].value_counts(normalize=True)
    share = dict(phases.iter_rows())
    assert share["primary"] == pytest.approx(0.8, abs=0.02)
    assert share["secondary"] == pytest.approx(0.155, abs=0.015)
    assert share["special"] == pytest.approx(0.03, abs=0.01)
    pupils = dict(w.group_by("phase").agg(pl.col("pupils").median()).iter_rows())
    assert pupils["primary"] == pytest.approx(280, abs=20)
    assert pupils["secondary"] == pytest.approx(1000, abs=50)
    assert w["fsm_share"].mean() == pytest.approx(25, abs=1.5)
    assert w["fsm_share"].skew() > 0.5  # type: ignore[operator]
    fsm = dict(w.group_by("region").agg(pl.col("fsm_share").mean()).iter_rows())
    assert min(fsm["north_east"], fsm["london"]) > max(fsm["south_east"], fsm["south_west"])
    rural = dict(
        w.filter(pl.col("phase") == "primary")
        .group_by(pl.col("pupils") < 150)
        .agg((pl.col("urban_rural") == "rural").mean())
        .iter_rows()
    )
    assert rural[True] > 2 * rural[False]
    it_rating = dict(
        w.group_by("deprivation_quintile").agg(pl.col("it_rating").cast(pl.Float64).mean()).iter_rows()
    )
    assert it_rating[5] < it_rating[1] - 0.5
    assert (w["kind"] == "college").sum() > 0 and (w["kind"] == "college").mean() < 0.02  # type: ignore[operator]
    # HR analytics mostly in trusts' schools, and more often mandatory there.
    hr = data.deployments.filter(pl.col("tool_id") == "tallyworth-insights").join(w, on="workplace_id")
    assert (hr["trust"] != "").mean() > 0.75  # type: ignore[operator]
    mandatory = dict(
        hr.group_by(pl.col("trust") != "").agg((pl.col("use") == "mandatory").mean()).iter_rows()
    )
    assert mandatory[True] > mandatory[False] + 0.2
    office = data.deployments.filter(pl.col("tool_id") == "paperlane-assist").height / w.height
    assert office > 0.75


def test_check_ins_cluster_by_workplace(data: SynthData) -> None:
    """Workplace random effects: between-workplace variation in mean time saved exceeds sampling noise."""
    per_workplace = data.responses.group_by("workplace_id").agg(
        pl.col("time_saved_hours").mean().alias("mean"),
        pl.col("time_saved_hours").var().alias("var"),
        pl.len(),
    )
    busy = per_workplace.filter(pl.col("len") >= 30)
    noise = busy.select((pl.col("var") / pl.col("len")).mean()).item()
    assert busy.select(pl.col("mean").var()).item() > 3 * noise


def test_support_staff_and_sceptics_answer_less_and_differently(data: SynthData) -> None:
    truth = _truth(data, "response_bias")
    population = truth["population"]
    margins = population["margins"]
    assert truth["planted"]["on"] is True
    assert {"role", "phase", "region"} <= set(margins)
    for counts in margins.values():
        assert sum(counts.values()) == population["size"]
    # About 45% of the population of potential check-ins is made.
    assert population["size"] == pytest.approx(data.responses.height / 0.45, rel=1e-3)
    answered = data.responses.group_by("role").len()
    rate = {row["role"]: row["len"] / margins["role"][row["role"]] for row in answered.iter_rows(named=True)}
    # Support staff answer at under half a teacher's rate (planted 0.3, a little more through their stance).
    assert rate["support_staff"] < 0.45 * rate["teacher"]
    assert rate["admin_staff"] < rate["teaching_assistant"] < rate["teacher"]
    # ... and they save less time: the population's means by role.
    by_role = population["time_saved_hours_by_role"]
    assert by_role["support_staff"] < by_role["admin_staff"] < by_role["teacher"]
    # So the respondents' unweighted mean overstates time saved and understates the share agreeing that the
    # tool increased workload (120,000 check-ins: standard errors about 0.01 hours and 0.002).
    observed = truth["observed"]
    assert observed["time_saved_hours"] == pytest.approx(data.responses["time_saved_hours"].mean(), abs=1e-6)
    assert observed["time_saved_hours"] - population["time_saved_hours"] > 0.15
    assert observed["workload_share_agree"] - population["workload_share_agree"] < -0.02
    # Sceptical and opposed staff are a smaller share of those who answer than role alone would give:
    # within each role the shares fall a little (planted propensities 0.95 and 0.9 of the others').
    assert truth["expected_observed"]["time_saved_hours"] == pytest.approx(
        observed["time_saved_hours"], abs=0.05
    )


def test_without_response_bias_everyone_answers() -> None:
    data = generate(SynthConfig(workplaces=60, months=3, seed=5, response_bias=False))
    truth = _truth(data, "response_bias")
    assert truth["planted"]["on"] is False
    population = truth["population"]
    assert population["size"] == data.responses.height
    assert population["time_saved_hours"] == pytest.approx(
        data.responses["time_saved_hours"].mean(), abs=1e-6
    )
    roles = data.responses.group_by("role").len()
    assert {r["role"]: r["len"] for r in roles.iter_rows(named=True)} == population["margins"]["role"]
