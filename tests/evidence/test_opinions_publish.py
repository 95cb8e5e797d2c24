"""Publishing an opinion map: the attacks first, each against a naive release that leaks as a control.

The naive release is the raw result (:meth:`OpinionMap.to_dict`, exact counts); the protected one is
:func:`publish_opinion_map` under a policy with the campaign's threshold and cell-key perturbation.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from chalkface.evidence import CellKey, DisclosurePolicy, ReleaseGate
from chalkface.evidence.opinions import ChalkfaceModel
from chalkface.evidence.opinions.publish import (
    from_dict,
    hold_back,
    publish_opinion_map,
    to_dict,
    voters_per_statement,
)
from chalkface.evidence.release import ReleaseRefused

K = 10
POLICY = DisclosurePolicy(k=K, cell_key=CellKey())


def _votes(sizes: list[int], n_statements: int = 24, seed: int = 0, prefix: str = "p") -> pl.DataFrame:
    """Camps of the given sizes, each agreeing with its own side of every statement 85% of the time."""
    rng = np.random.default_rng(seed)
    camps = [rng.choice([-1, 1], size=n_statements) for _ in sizes]
    rows = []
    pid = 0
    for camp, size in zip(camps, sizes, strict=True):
        for _ in range(size):
            for s in range(n_statements):
                v = camp[s] if rng.random() < 0.85 else -camp[s]
                rows.append((f"{prefix}{pid:03d}", s, int(v)))
            pid += 1
    return pl.DataFrame(rows, schema=["participant", "statement", "vote"], orient="row")


def _keys(frame: pl.DataFrame) -> dict[str, int]:
    rng = np.random.default_rng(42)
    return {p: int(rng.integers(0, 2**31)) for p in sorted(frame["participant"].unique())}


def _fit(frame: pl.DataFrame) -> ChalkfaceModel:
    return ChalkfaceModel(seed=0, n_jobs=1, min_group_share=0.01).fit(frame)


def test_a_naive_release_shows_a_group_smaller_than_k() -> None:
    naive = _fit(_votes([30, 30, 5])).result_.to_dict()
    assert any(g["size"] < K for g in naive["groups"])


def test_it_never_shows_a_group_smaller_than_k() -> None:
    frame = _votes([30, 30, 5])
    model = _fit(frame)
    raw_sizes = {g.id: g.size for g in model.result_.groups}
    assert min(raw_sizes.values()) < K  # the control above: there is a small group to hide
    published = publish_opinion_map(model.result_, model.votes_, POLICY, _keys(frame))
    small = {g for g, n in raw_sizes.items() if n < K}
    for group in published.groups:
        if group.id in small:
            assert group.withheld and group.size is None and not group.representative
        if not group.withheld:
            assert group.size is not None and group.size >= K
    withheld = [raw_sizes[g.id] for g in published.groups if g.withheld]
    assert sum(withheld) >= K  # the withheld groups together cannot be worked out from the totals
    for statement in published.statements:
        assert all(share.group not in small for share in statement.groups)
        assert all(share.n >= K for share in statement.groups)


def test_nothing_is_shown_for_fewer_than_k_participants() -> None:
    frame = _votes([5, 4])
    model = ChalkfaceModel(seed=0, n_jobs=1).fit(frame)
    published = publish_opinion_map(model.result_, model.votes_, POLICY, _keys(frame))
    assert not published.shown and published.participants is None
    assert published.groups == () and published.statements == ()


def _new_persons_votes(before: dict[int, tuple[int, float]], after: dict[int, tuple[int, float]]) -> dict:
    """The attacker's guess of one new participant's vote on each statement, from the agree counts that
    the two releases imply (agree share times votes)."""
    guess = {}
    for statement, (n1, share1) in before.items():
        n2, share2 = after[statement]
        guess[statement] = round(share2 * n2 - share1 * n1)
    return guess


def test_two_naive_releases_before_and_after_one_more_participant_give_their_votes_away() -> None:
    before = _votes([20, 20])
    newcomer = _votes([1], seed=9, prefix="new")
    after = pl.concat([before, newcomer])
    releases = []
    for frame in (before, after):
        result = _fit(frame).result_
        releases.append({s.id: (s.n_votes, s.n_agree / s.n_votes) for s in result.statements})
    guess = _new_persons_votes(*releases)
    truth = {row["statement"]: int(row["vote"] == 1) for row in newcomer.iter_rows(named=True)}
    assert guess == truth


def _two_releases(newcomers: int, seed: int = 9) -> tuple[list[dict], dict]:
    before = _votes([20, 20])
    newcomer = _votes([newcomers], seed=seed, prefix="new")
    after = pl.concat([before, newcomer])
    keys = _keys(after)
    releases, previous, basis = [], None, None
    for frame in (before, after):
        model = _fit(frame)
        published = publish_opinion_map(model.result_, model.votes_, POLICY, keys)
        published, basis = hold_back(published, voters_per_statement(model.votes_), previous, basis)
        previous = published
        releases.append({s.id: (s.n_votes, s.agree) for s in published.statements})
    truth = {row["statement"]: int(row["vote"] == 1) for row in newcomer.iter_rows(named=True)}
    return releases, truth


def test_cell_key_noise_alone_gives_most_of_one_newcomers_votes_away() -> None:
    """Why :func:`hold_back` exists: one person's worth of noise does not hide one person's vote."""
    before = _votes([20, 20])
    newcomer = _votes([1], seed=9, prefix="new")
    after = pl.concat([before, newcomer])
    keys = _keys(after)
    releases = []
    for frame in (before, after):
        model = _fit(frame)
        published = publish_opinion_map(model.result_, model.votes_, POLICY, keys)
        releases.append({s.id: (s.n_votes, s.agree) for s in published.statements})
    guess = _new_persons_votes(*releases)
    truth = {row["statement"]: int(row["vote"] == 1) for row in newcomer.iter_rows(named=True)}
    assert sum(guess[s] == truth[s] for s in truth) > 0.6 * len(truth)


def test_two_releases_before_and_after_one_more_participant_cannot_be_subtracted() -> None:
    releases, truth = _two_releases(1)
    assert releases[0] == releases[1]  # nothing moved: there is nothing to subtract
    guess = _new_persons_votes(*releases)
    assert all(v == 0 for v in guess.values()) and any(truth.values())


def test_a_release_moves_once_k_more_people_voted() -> None:
    releases, _truth = _two_releases(K)
    assert releases[0] != releases[1]
    for statement, (n, _share) in releases[1].items():
        assert n >= releases[0][statement][0] + K - 2 * POLICY.cell_key.count_spread  # type: ignore[union-attr]
    # and asking again gives exactly the same figures: nothing to average away
    again, _ = _two_releases(K)
    assert again == releases


def test_nothing_published_names_or_orders_a_participant() -> None:
    frame = _votes([15, 15])
    model = _fit(frame)
    published = publish_opinion_map(model.result_, model.votes_, POLICY, _keys(frame))
    text = json.dumps(to_dict(published))
    for participant in frame["participant"].unique():
        assert participant not in text
    assert "participants" not in to_dict(published) or isinstance(to_dict(published)["participants"], int)
    assert from_dict(json.loads(text)) == published


def test_the_release_gate_accepts_only_maps_made_under_the_policy() -> None:
    frame = _votes([15, 15])
    model = _fit(frame)
    keys = _keys(frame)
    good = publish_opinion_map(model.result_, model.votes_, POLICY, keys)
    release = ReleaseGate(POLICY).check("page.conversation", [good])
    assert any(f.statistic == "size" and f.n is not None for f in release.figures)
    loose = publish_opinion_map(model.result_, model.votes_, DisclosurePolicy(k=5, cell_key=CellKey()), keys)
    with pytest.raises(ReleaseRefused):
        ReleaseGate(POLICY).check("page.conversation", [loose])
    exact = publish_opinion_map(model.result_, model.votes_, DisclosurePolicy(k=K), keys)
    with pytest.raises(ReleaseRefused):
        ReleaseGate(POLICY).check("page.conversation", [exact])
