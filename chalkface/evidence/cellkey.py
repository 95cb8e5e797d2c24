"""Cell-key perturbation: the same group of people always gets the same small noise.

This is the method national statistics offices use for tables built on demand (the Australian Bureau of
Statistics' TableBuilder, the 2021 censuses of England and Wales and of Scotland). Every response carries a
random *record key*. The *cell key* of a group is the sum of its members' record keys, modulo
:data:`KEY_RANGE`; a deterministic function of the cell key picks the noise from a published table of
probabilities (the *ptable*). So:

- asking for the same group again, through any page, export or viewer, gives the same figures: nothing to
  average away;
- two groups that differ by one person have unrelated cell keys, so the difference of their published
  counts is that person plus noise, never exactly that person;
- the noise is small (at most :attr:`CellKey.count_spread` on a count) and its spread is known, so intervals
  can allow for it.

Counts get whole-number noise from the ptable. Sums (from which means and shares are worked out) get
continuous noise, so that a published mean or share carries no whole-number trace of the count behind it.
A count that is at least ``k`` is never perturbed below ``k``.

The record keys are stored with the responses and never shown; the ptable and these rules are public.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chalkface.evidence.errors import EvidenceError

KEY_RANGE = 2**31
_MASK = (1 << 64) - 1

#: The ptable for counts: the chance of each noise value, for counts far enough above ``k`` (variance 0.8).
COUNT_PTABLE: tuple[tuple[int, float], ...] = ((-2, 0.05), (-1, 0.2), (0, 0.5), (1, 0.2), (2, 0.05))


def _mix(value: int) -> int:
    """SplitMix64: a well-spread 64-bit hash of a 64-bit value."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def uniform(cell_key: int, tag: int) -> float:
    """A number in [0, 1) fixed by the cell key and what it is for (``tag``)."""
    return _mix((int(cell_key) % KEY_RANGE) * 1_000_003 + tag) / 2.0**64


def cell_key(key_sum: float | int) -> int:
    """The cell key of a group from the sum of its record keys."""
    return int(key_sum) % KEY_RANGE


def tag_of(name: str) -> int:
    """A stable small number for a measure or statistic name (not Python's salted ``hash``)."""
    out = 0
    for byte in name.encode():
        out = (out * 131 + byte) % 1_000_003
    return out


@dataclass(frozen=True)
class CellKey:
    """How figures are perturbed: ``column`` holds the record keys; ``count_spread`` bounds count noise;
    ``sum_spread`` is the half-width of the noise on a sum, as a share of the measure's range (one person's
    largest possible contribution)."""

    column: str = "record_key"
    count_spread: int = 2
    #: One person's whole contribution each side: a few looks at the same small group (the release history
    #: allows at most three) cannot pin what they answered (``tests/evidence/test_attack.py``).
    sum_spread: float = 1.0
    #: The range of each mean measure (largest minus smallest possible answer), which scales its sum's
    #: noise. Fixed by the instrument, never read off the data: a scale that changed with the data would let
    #: two releases of the same group be solved for its exact sum.
    scales: tuple[tuple[str, float], ...] = ()

    def scale(self, measure: str, statistic: str) -> float:
        """How far one person can move the sum behind ``statistic`` of ``measure``."""
        if statistic in ("proportion", "share_agree"):
            return 1.0
        for name, value in self.scales:
            if name == measure:
                return float(value)
        if statistic == "mean_agreement":
            return 4.0
        raise EvidenceError(
            f"cell-key perturbation needs the range of {measure!r} (CellKey.scales); it is not read off "
            "the data"
        )

    def count_noise(self, key: int, n: int, k: int, tag: int = 0) -> int:
        """The noise for a count ``n`` (at least ``k``) of the group with cell key ``key``: from the ptable,
        restricted so that the published count stays at least ``k``."""
        allowed = [(v, p) for v, p in COUNT_PTABLE if abs(v) <= self.count_spread and n + v >= k]
        total = sum(p for _v, p in allowed)
        u = uniform(key, tag) * total
        for value, p in allowed:
            if u < p:
                return value
            u -= p
        return allowed[-1][0]

    def sum_noise(self, key: int, scale: float, tag: int) -> float:
        """Continuous noise on a sum: triangular on ``[-h, h]`` with ``h = sum_spread * scale``."""
        half = self.sum_spread * scale
        u1, u2 = uniform(key, tag), uniform(key, tag + 7_919)
        return half * (u1 + u2 - 1.0)

    def sum_variance(self, scale: float) -> float:
        """The variance of :meth:`sum_noise` (a triangular distribution on ``[-h, h]`` has ``h^2 / 6``)."""
        half = self.sum_spread * scale
        return half * half / 6.0

    @property
    def count_variance(self) -> float:
        return math.fsum(v * v * p for v, p in COUNT_PTABLE if abs(v) <= self.count_spread)
