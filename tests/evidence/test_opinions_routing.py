"""Routing: which statement a participant sees next, and when more votes would add little."""

from __future__ import annotations

from collections import Counter

import pytest

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions.routing import (
    NEW_STATEMENT_PRIORITY,
    StatementTally,
    next_statement,
    priority,
)


def _tallies(n: int, votes: int = 0, agrees: int = 0) -> list[StatementTally]:
    return [StatementTally(i, votes, agrees, 0) for i in range(n)]


def test_it_offers_each_statement_once_and_none_when_all_are_voted() -> None:
    tallies = _tallies(5)
    voted: list[int] = []
    for step in range(5):
        route = next_statement(tallies, voted, participant="p", seed=1)
        assert route.statement not in voted
        assert (route.voted, route.total) == (step, 5)
        voted.append(route.statement)
    last = next_statement(tallies, voted, participant="p", seed=1)
    assert last.statement is None and last.remaining == 0 and last.enough


def test_it_is_deterministic_for_a_seed() -> None:
    tallies = [StatementTally(i, 3 * i, i, i % 2) for i in range(20)]
    first = [next_statement(tallies, [], participant=f"p{j}", seed=7).statement for j in range(50)]
    again = [
        next_statement(list(reversed(tallies)), [], participant=f"p{j}", seed=7).statement for j in range(50)
    ]
    other = [next_statement(tallies, [], participant=f"p{j}", seed=8).statement for j in range(50)]
    assert first == again
    assert first != other
    assert len(set(first)) > 5  # it spreads participants over the statements


def test_it_offers_new_statements_far_more_often_than_well_known_ones() -> None:
    tallies = [StatementTally(0, 0, 0, 0), *(StatementTally(i, 40, 20, 0) for i in range(1, 10))]
    chosen = Counter(next_statement(tallies, [], participant=f"p{j}", seed=0).statement for j in range(2000))
    assert chosen[0] > 0.3 * 2000  # one new statement among ten, drawn far more than a tenth of the time
    assert priority(tallies[0]) == pytest.approx(NEW_STATEMENT_PRIORITY)


def test_it_prefers_statements_people_vote_on_to_ones_they_pass() -> None:
    voted_on = StatementTally("a", 10, 5, 0)
    passed = StatementTally("b", 10, 0, 9)
    assert priority(voted_on) > 10 * priority(passed)


def test_it_says_more_votes_add_little_once_the_rest_are_well_known() -> None:
    known = [StatementTally(i, 60, 30, 0) for i in range(12)]
    assert not next_statement(known, [0, 1, 2], participant="p", seed=0, enough_share=0.1).enough
    assert next_statement(known, list(range(7)), participant="p", seed=0, enough_share=0.1).enough
    fresh = [*known, StatementTally(99, 1, 1, 0)]
    assert not next_statement(fresh, list(range(7)), participant="p", seed=0, enough_share=0.1).enough


def test_it_refuses_an_impossible_tally() -> None:
    with pytest.raises(EvidenceError):
        StatementTally(1, votes=2, agrees=2, passes=1)
