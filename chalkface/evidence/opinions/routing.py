"""Which statement a participant sees next, and when more votes would add little.

Pol.is routes by a priority per statement (polis ``math/src/polismath/math/conversation.clj``
``priority-metric``): with ``A``, ``P`` and ``S`` the statement's agrees, passes and votes so far,
``p = (P+1)/(S+2)``, ``a = (A+1)/(S+2)``, importance ``(1-p)(E+1)a`` (``E``: the statement's extremity on
the map, 0 when no map is given) and priority ``(importance * (1 + 8 * 2^(-S/5)))^2``; the next statement is
drawn among those the participant has not voted on with probability proportional to its priority. A new
statement (``S = 0``) is nine times as likely to be drawn as a well-known one, so new statements get votes.

Unlike the Pol.is server, the draw here is seeded: the same seed, participant and votes always give the same
next statement (a SplitMix stream keyed by the seed, the participant key and how many votes they cast).

*Enough*: once the participant has cast ``min_votes`` votes (the Pol.is rule for being placed on the map),
further votes add little when every statement left is already well known: the best priority left is below
``enough_share`` of the priority of a brand-new statement, i.e. every remaining statement already has many
votes and most of them passes or one-sided. The participant is told so and may still go on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalkface.evidence.cellkey import _mix, tag_of
from chalkface.evidence.errors import EvidenceError

#: The priority of a statement nobody has voted on (p = a = 1/2, E = 0, S = 0): (0.25 * 9)^2.
NEW_STATEMENT_PRIORITY = (0.5 * 0.5 * 9.0) ** 2


@dataclass(frozen=True)
class StatementTally:
    """What is known of a statement so far: its votes (passes included), agrees and passes."""

    id: Any
    votes: int = 0
    agrees: int = 0
    passes: int = 0

    def __post_init__(self) -> None:
        if min(self.votes, self.agrees, self.passes) < 0 or self.agrees + self.passes > self.votes:
            raise EvidenceError(f"impossible tally for statement {self.id!r}: {self}")


def priority(tally: StatementTally, extremity: float = 0.0) -> float:
    """The Pol.is routing priority of one statement (see the module notes)."""
    s = tally.votes
    p = (tally.passes + 1) / (s + 2)
    a = (tally.agrees + 1) / (s + 2)
    importance = (1 - p) * (extremity + 1) * a
    return (importance * (1 + 8 * 2 ** (-s / 5))) ** 2


@dataclass(frozen=True)
class Route:
    """The next statement (``None`` when none is left), whether more votes would add little (``enough``),
    and progress: how many the participant has voted on of how many there are."""

    statement: Any
    enough: bool
    voted: int
    total: int

    @property
    def remaining(self) -> int:
        return self.total - self.voted


def _unit(seed: int, participant: str, step: int) -> float:
    value = _mix((seed & ((1 << 32) - 1)) * 1_000_003 + tag_of(participant) * 7_919 + step)
    return _mix(value) / 2.0**64


def next_statement(
    tallies: Iterable[StatementTally],
    voted: Iterable[Any],
    *,
    participant: str,
    seed: int,
    extremity: Mapping[Any, float] | None = None,
    min_votes: int = 7,
    enough_share: float = 0.05,
) -> Route:
    """Choose the statement ``participant`` (a text key) sees next among ``tallies`` (the statements on
    offer), not counting those in ``voted``; deterministic for ``seed``. See the module notes."""
    if not 0 <= enough_share <= 1:
        raise EvidenceError(f"enough_share must be between 0 and 1, got {enough_share}")
    offered = sorted(tallies, key=lambda t: str(t.id))
    done = set(voted)
    left = [t for t in offered if t.id not in done]
    n_voted = sum(1 for t in offered if t.id in done)
    if not left:
        return Route(None, True, n_voted, len(offered))
    ext = extremity or {}
    weights = [priority(t, float(ext.get(t.id, 0.0))) for t in left]
    total = math.fsum(weights)
    enough = n_voted >= min(min_votes, len(offered)) and max(weights) < enough_share * NEW_STATEMENT_PRIORITY
    u = _unit(seed, participant, n_voted) * total
    chosen = left[-1]
    for tally, weight in zip(left, weights, strict=True):
        if u < weight:
            chosen = tally
            break
        u -= weight
    return Route(chosen.id, enough, n_voted, len(offered))
