"""Differencing attacks on the published figures: colluding viewers ask thousands of random questions
and subtract every pair of groups that single out fewer than k people.

The naive control (exact counts, no history) is shown to leak, so the attacker is real; cell-key
perturbation alone still leaks to a patient attacker who finds many pairs for the same people; with the
release history as well, nothing is recovered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalkface.evidence import CellKey, DisclosurePolicy, HistoryGate, ReleaseHistory
from chalkface.evidence.attack import POPULATION_COLUMNS, attack, population, random_queries

K = 10
#: A rep who sees one campaign, and an officer who sees both, pooling what they are shown.
VIEWERS: tuple[Mapping[str, Any], ...] = ({"campaign": "c0"}, {})


def _shown(policy_for: Any, queries: int) -> list[Any]:
    return random_queries(
        population(1500, seed=3), POPULATION_COLUMNS, policy_for, queries=queries, seed=5, viewers=VIEWERS
    )


def test_a_naive_release_gives_every_small_group_away() -> None:
    shown = _shown(lambda _conditions: DisclosurePolicy(k=K), 1_000)
    result = attack(shown, K)
    assert result.targets >= 30, result.summary()
    assert result.recovered == result.targets, result.summary()


def test_cell_key_noise_alone_leaks_to_a_patient_attacker() -> None:
    key = CellKey()
    shown = _shown(lambda _conditions: DisclosurePolicy(k=K, cell_key=key), 4_000)
    result = attack(shown, K, cell_key=key)
    assert result.most_pairs > 10, result.summary()
    assert result.recovered >= 1, result.summary()


def test_no_small_group_is_recovered_from_ten_thousand_questions_with_the_release_history() -> None:
    key = CellKey()
    history = ReleaseHistory(k=K)

    def policy_for(conditions: Mapping[str, Any]) -> DisclosurePolicy:
        return DisclosurePolicy(k=K, cell_key=key, history=HistoryGate(history, base=conditions))

    shown = _shown(policy_for, 10_000)
    result = attack(shown, K, cell_key=key)
    assert result.targets >= 30, result.summary()  # the attacker did find small differences
    assert result.most_pairs <= history.limit, result.summary()
    assert result.recovered == 0, (result.summary(), result.examples)
    assert result.certain == 0, result.summary()
