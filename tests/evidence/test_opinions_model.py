"""Chalkface's opinion map: predictions of unseen votes, groups, bridging, uncertainty, disclosure.

Real data: three Pol.is conversations (CC BY 4.0, The Computational Democracy Project; see
``data/polis/README.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions import ChalkfaceModel, PolisModel, read_polis_votes, vote_matrix

DATA = Path(__file__).parent / "data" / "polis"
CONVERSATIONS = ["15-per-hour-seattle", "brexit-consensus", "canadian-electoral-reform"]


def load(name: str) -> tuple[pl.DataFrame, set[Any]]:
    votes = read_polis_votes(DATA / name / "votes.csv")
    comments = pl.read_csv(DATA / name / "comments.csv")
    return votes, set(comments.filter(pl.col("moderated") == -1)["comment-id"].to_list())


def hide_votes(
    votes: pl.DataFrame, mod: set[Any], share: float, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The latest votes split into kept and hidden; ``share`` of the agree/disagree votes on statements not
    moderated out are hidden."""
    vm = vote_matrix(votes, mod)
    latest = pl.DataFrame(
        {
            "participant": [vm.participants[i] for i in vm.rows],
            "statement": [vm.statements[j] for j in vm.cols],
            "vote": vm.values.astype(np.int64),
        }
    )
    eligible = np.flatnonzero((vm.values != 0) & ~vm.moderated[vm.cols])
    rng = np.random.default_rng(seed)
    hidden = np.zeros(latest.height, dtype=bool)
    hidden[rng.choice(eligible, int(round(share * len(eligible))), replace=False)] = True
    mask = pl.Series(hidden)
    return latest.filter(~mask), latest.filter(mask)


def group_majority(model: PolisModel, kept: pl.DataFrame, hidden: pl.DataFrame) -> np.ndarray:
    """For each hidden pair, the majority of the participant's Pol.is group on that statement among the
    kept votes; ties and participants outside the groups fall back to everyone's majority, then agree."""
    group = dict(zip(model.votes_.participants, model.labels_.tolist(), strict=True))
    side = kept.filter(pl.col("vote") != 0).with_columns(
        pl.col("participant").replace_strict(group, default=-1).alias("g")
    )
    by_group = side.group_by("g", "statement").agg(pl.col("vote").sum().alias("net"))
    overall = side.group_by("statement").agg(pl.col("vote").sum().alias("all"))
    q = (
        hidden.with_columns(pl.col("participant").replace_strict(group, default=-1).alias("g"))
        .join(by_group, on=["g", "statement"], how="left")
        .join(overall, on="statement", how="left")
        .with_columns(pl.col("net").fill_null(0), pl.col("all").fill_null(0))
    )
    net = np.where(q["g"].to_numpy() >= 0, q["net"].to_numpy(), 0)
    return np.where(net != 0, net > 0, q["all"].to_numpy() >= 0)


def accuracies(name: str) -> tuple[float, float]:
    votes, mod = load(name)
    kept, hidden = hide_votes(votes, mod, 0.10, seed=0)
    truth = hidden["vote"].to_numpy() == 1
    pairs = hidden.select("participant", "statement")
    polis = PolisModel().fit(kept, mod)
    baseline = float((group_majority(polis, kept, hidden) == truth).mean())
    ours = ChalkfaceModel(n_bootstrap=0).fit(kept, mod)
    predicted = ours.predict_proba(pairs, given_side=True) > 0.5
    return baseline, float((predicted == truth).mean())


def test_it_predicts_hidden_votes_better_than_polis_groups() -> None:
    figures = {name: accuracies(name) for name in CONVERSATIONS}
    print("hidden-vote accuracy (Pol.is group majority, ours):", figures)
    for name, (baseline, ours) in figures.items():
        assert ours >= baseline + 0.02, (name, baseline, ours)


@pytest.fixture(scope="module")
def seattle() -> ChalkfaceModel:
    votes, mod = load("15-per-hour-seattle")
    return ChalkfaceModel(seed=0).fit(votes, mod)


def test_the_result_has_the_shape_the_cli_prints(seattle: ChalkfaceModel) -> None:
    d = seattle.result_.to_dict()
    assert d["method"] == "chalkface" and d["seed"] == 0
    assert len(d["participants"]) == 339
    grouped = [p for p in d["participants"] if p["group"] is not None]
    assert len(grouped) == sum(g["size"] for g in d["groups"])
    assert all(0 <= p["stability"] <= 1 for p in grouped)
    for s in d["statements"]:
        lo, hi = s["estimated_agree_share_interval"]
        assert lo <= s["estimated_agree_share"] <= hi
        lo, hi = s["bridging_interval"]
        assert lo <= s["bridging"] <= hi
        assert s["consensus"] == pytest.approx(min(g["estimated_agree_share"] for g in s["groups"]), abs=1e-6)
    levels = d["levels"]
    assert [lv["k"] for lv in levels] == list(range(2, 9))
    chosen = max((lv for lv in levels if lv["eligible"]), key=lambda lv: lv["silhouette"])
    assert chosen["k"] == len(d["groups"])


def test_predictions_are_probabilities_and_know_unseen_pairs(seattle: ChalkfaceModel) -> None:
    vm = seattle.votes_
    pairs = [(vm.participants[0], vm.statements[5]), (vm.participants[3], vm.statements[40]), ("nobody", 999)]
    p = seattle.predict_proba(pairs)
    side = seattle.predict_proba(pairs, given_side=True)
    assert np.all((p > 0) & (p < 1)) and np.all(p <= side)
    frame = pl.DataFrame({"participant": [vm.participants[0]], "statement": [vm.statements[5]]})
    assert seattle.predict_proba(frame)[0] == p[0]


def synthetic(seed: int = 0) -> pl.DataFrame:
    """Two camps; statement 0 is agreed by both, statement 1 by one camp only (with the same overall
    share), the rest split the camps."""
    rng = np.random.default_rng(seed)
    n, m = 200, 30
    camp = np.repeat([1.0, -1.0], n // 2)
    loading = np.r_[0.0, 3.0, rng.choice([-2.0, 2.0], m - 2)]
    appeal = np.r_[1.2, 1.2, rng.normal(0, 0.3, m - 2)]
    rows, cols = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    seen = rng.random(rows.size) < 0.6
    rows, cols = rows[seen], cols[seen]
    logit = appeal[cols] + camp[rows] * loading[cols]
    agree = rng.random(rows.size) < 1 / (1 + np.exp(-logit))
    return pl.DataFrame({"participant": rows, "statement": cols, "vote": np.where(agree, 1, -1)})


def test_bridging_prefers_support_from_both_sides() -> None:
    model = ChalkfaceModel(n_bootstrap=10).fit(synthetic())
    by_id = {s.id: s for s in model.result_.statements}
    assert model.k_ == 2
    assert by_id[0].bridging > by_id[1].bridging + 0.1
    assert by_id[0].consensus > by_id[1].consensus
    # the two camps are recovered
    truth = np.repeat([0, 1], 100)
    labels = model.labels_[np.argsort(model.votes_.participants)]
    assert max((labels == truth).mean(), (labels != truth).mean()) > 0.95


def test_same_seed_same_map_and_seed_matters() -> None:
    votes = synthetic(1)
    a = ChalkfaceModel(seed=4, n_bootstrap=5).fit(votes).result_.to_dict()
    b = (
        ChalkfaceModel(seed=4, n_bootstrap=5)
        .fit(votes.sample(fraction=1.0, shuffle=True, seed=9))
        .result_.to_dict()
    )
    assert a == b
    assert ChalkfaceModel(seed=4, n_bootstrap=5, n_jobs=1).fit(votes).result_.to_dict() == a
    c = ChalkfaceModel(seed=5, n_bootstrap=5).fit(votes).result_.to_dict()
    assert c["statements"][0]["bridging_interval"] != a["statements"][0]["bridging_interval"]


def test_it_withholds_small_groups_and_their_shares() -> None:
    votes = synthetic(2)
    result = ChalkfaceModel(n_bootstrap=0).fit(votes).result_
    biggest = max(g.size for g in result.groups)
    released = result.released(biggest + 1)
    assert all(g.suppressed and g.to_dict()["size"] is None for g in released.groups)
    assert all(s.groups == () for s in released.statements)
    assert all(p.group is None and p.stability is None for p in released.participants)
    assert all("sizes" not in lv for lv in released.to_dict()["levels"])
    assert all("sizes" not in lv for lv in result.released(1).levels)


@pytest.mark.parametrize(
    "params", [{"rank": 0}, {"lambda_factor": 0.0}, {"max_groups": 1}, {"n_bootstrap": -1}]
)
def test_it_refuses_bad_parameters(params: dict[str, Any]) -> None:
    with pytest.raises(EvidenceError):
        ChalkfaceModel(**params).fit(synthetic())


def test_it_needs_agree_or_disagree_votes() -> None:
    passes = pl.DataFrame({"participant": [1, 2], "statement": [1, 1], "vote": [0, 0]})
    with pytest.raises(EvidenceError, match="agree or disagree"):
        ChalkfaceModel().fit(passes)
