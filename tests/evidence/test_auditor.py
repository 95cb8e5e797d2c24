"""The query auditor against differencing: examples, explanations, and a random attacker."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from chalkface.evidence import QueryAuditor, QueryRefused, Slice, audit_sequence

K = 10


def staff(n: int = 600, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "role": rng.choice(
                ["teacher", "ta", "support", "admin", "leader"], n, p=[0.5, 0.25, 0.12, 0.08, 0.05]
            ),
            "phase": rng.choice(["Primary", "Secondary", "Special"], n, p=[0.6, 0.35, 0.05]),
            "region": rng.choice([f"R{i}" for i in range(6)], n),
            "quintile": rng.integers(1, 6, n),
            "tool": rng.choice(["planner", "marker", "tutor"], n, p=[0.5, 0.3, 0.2]),
        }
    )


def test_it_refuses_the_classic_difference_and_says_why() -> None:
    frame = pl.DataFrame(
        {"role": ["teacher"] * 40 + ["ta"] * 30, "phase": ["Primary"] * 37 + ["Secondary"] * 33}
    )
    auditor = QueryAuditor(k=K).fit(frame)
    assert auditor.ask(Slice.of(role="teacher")).allowed
    decision = auditor.ask(Slice.of(role="teacher", phase="Primary"))
    assert not decision.allowed
    assert decision.reason is not None
    assert (
        "'role is teacher'" in decision.reason and "'phase is Primary and role is teacher'" in decision.reason
    )
    assert f"fewer than k={K}" in decision.reason
    assert "3" not in decision.reason  # the size of the small group is never told
    assert auditor.shown_ == [Slice.of(role="teacher")]


def test_it_refuses_a_small_slice_on_its_own() -> None:
    frame = pl.DataFrame({"role": ["teacher"] * 40 + ["leader"] * 4})
    decision = QueryAuditor(k=K).fit(frame).check(Slice.of(role="leader"))
    assert not decision.allowed and decision.reason is not None and "fewer than k=10" in decision.reason


def test_it_refuses_a_slice_whose_complement_is_small() -> None:
    frame = pl.DataFrame({"role": ["teacher"] * 40 + ["leader"] * 4})
    decision = QueryAuditor(k=K).fit(frame).check(Slice.of(role="teacher"))
    assert not decision.allowed and decision.reason is not None and "overall total" in decision.reason


def test_it_allows_slices_that_isolate_nobody() -> None:
    frame = staff()
    decisions = audit_sequence(
        frame, [Slice.of(role="teacher"), Slice.of(role="ta"), Slice.of(tool="planner")]
    )
    assert [d.allowed for d in decisions] == [True, True, True]


def test_it_raises_on_request() -> None:
    frame = pl.DataFrame({"role": ["teacher"] * 40 + ["leader"] * 4})
    with pytest.raises(QueryRefused, match="fewer than k=10"):
        QueryAuditor(k=K).fit(frame).require(Slice.of(role="leader"))


def test_slices_describe_themselves() -> None:
    s = Slice.from_dict({"phase": ["Secondary", "Primary"], "role": "teacher"})
    assert s.describe() == "phase is Primary or Secondary and role is teacher"
    assert Slice().describe() == "everyone"
    assert Slice.from_dict(s.to_dict()) == s


def random_slice(rng: np.random.Generator, frame: pl.DataFrame) -> Slice:
    columns = rng.choice(frame.columns, size=int(rng.integers(1, 4)), replace=False)
    conditions = {}
    for col in columns:
        levels = frame[str(col)].unique().sort().to_list()
        take = rng.choice(len(levels), size=int(rng.integers(1, min(3, len(levels)) + 1)), replace=False)
        conditions[str(col)] = [levels[i] for i in take]
    return Slice.from_dict(conditions)


def revealed_small_groups(masks: list[npt.NDArray[np.bool_]], k: int) -> list[str]:
    """What an attacker learns from the counts of the slices shown (and the overall total).

    Pairwise differences and intersections, then linear algebra: any group of people that are in exactly the
    same shown slices (an atom) whose membership vector lies in the span of the shown slices can be counted
    and its answers recovered by adding and subtracting published figures.
    """
    n = masks[0].size
    found = []
    for a, b in itertools.combinations(masks, 2):
        for name, group in (("a-b", a & ~b), ("b-a", b & ~a), ("a&b", a & b)):
            if 0 < int(group.sum()) < k:
                found.append(name)
    matrix = np.array(masks, dtype=float)
    labels = np.unique(matrix.T, axis=0, return_inverse=True)[1].ravel()
    rank = np.linalg.matrix_rank(matrix)
    for atom in np.unique(labels):
        member = labels == atom
        if 0 < int(member.sum()) < k:
            stacked = np.vstack([matrix, member.astype(float)])
            if np.linalg.matrix_rank(stacked) == rank:
                found.append(f"atom of {int(member.sum())} in the span")
    assert n == matrix.shape[1]
    return found


def test_the_differencing_attacker_reveals_no_small_group_in_10000_random_queries() -> None:
    frame = staff()
    rng = np.random.default_rng(99)
    everyone = np.ones(frame.height, dtype=bool)
    queries = allowed = 0
    while queries < 10_000:
        auditor = QueryAuditor(k=K).fit(frame)
        shown = [everyone]
        for _ in range(25):
            s = random_slice(rng, frame)
            queries += 1
            decision = auditor.ask(s)
            if not decision.allowed:
                assert decision.reason and f"fewer than k={K}" in decision.reason
                continue
            allowed += 1
            shown.append(auditor.mask(s))
            assert revealed_small_groups(shown, K) == [], [x.describe() for x in auditor.shown_]
    assert queries >= 10_000
    assert allowed > 1_000  # the auditor is not simply refusing everything


def test_the_attacker_does_catch_a_naive_per_slice_threshold() -> None:
    frame = staff()
    rng = np.random.default_rng(3)
    everyone = np.ones(frame.height, dtype=bool)
    auditor = QueryAuditor(k=K).fit(frame)
    caught = 0
    for _ in range(40):
        shown = [everyone]
        for _ in range(10):
            mask = auditor.mask(random_slice(rng, frame))
            if int(mask.sum()) >= K:  # the naive rule: only the slice itself must have k people
                shown.append(mask)
        caught += bool(revealed_small_groups(shown, K))
    assert caught > 10
