"""An opinion map as it may be shown: :func:`publish_opinion_map`.

The raw :class:`~.OpinionMap` has every participant's id, position and group, and exact counts. What may
leave is made from it under the campaign's :class:`~chalkface.evidence.DisclosurePolicy`:

- groups smaller than ``k`` are withheld, and their complement when one alone would be
  (:meth:`OpinionMap.released`); a withheld group's members count only in the totals;
- every count is perturbed by its cell key (the sum of the record keys of exactly the people behind it:
  :mod:`chalkface.evidence.cellkey`), so the same people always give the same figure and two reports that
  differ by one person differ by that person plus noise that does not cancel;
- shares are worked out from sums with continuous cell-key noise, never from exact counts;
- a statement's figures are shown only when at least ``k`` people voted on it, and a group's share of a
  statement only when at least ``k`` of the group voted on it;
- the map shows the groups' centres and their published sizes: no participant's point, id or order;
- model figures (estimated shares, consensus, bridging and their intervals) are rounded to two places.

Cell-key noise of one person's size does not stop a single subtraction: two releases that differ by one
participant give that participant's votes away most of the time (``tests/evidence/test_opinions_publish.py``
measures it). So a new release is judged against the last one (:func:`hold_back`): a statement whose voters
changed by fewer than ``k`` people keeps the figures it had, and the caller makes a new release only once at
least ``k`` more people have taken part.

The release gate (:class:`~chalkface.evidence.ReleaseGate`) accepts a :class:`PublishedOpinionMap` only
when it was made with at least the campaign's ``k`` and perturbed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from chalkface.evidence.cellkey import cell_key, tag_of
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions._votes import VoteMatrix
from chalkface.evidence.opinions.result import OpinionMap

Interval = tuple[float, float] | None


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 2)


def _ri(iv: Interval) -> Interval:
    return None if iv is None else (round(float(iv[0]), 2), round(float(iv[1]), 2))


@dataclass(frozen=True)
class PublishedShare:
    """A published share: ``n`` people behind it (perturbed) and the share (from a perturbed sum)."""

    n: int
    share: float


@dataclass(frozen=True)
class PublishedGroupShare:
    group: int
    n: int
    agree: float
    disagree: float


@dataclass(frozen=True)
class PublishedStatement:
    """One statement's published figures; ``shown`` is False (and every figure ``None``) when fewer than
    ``k`` people voted on it."""

    id: Any
    shown: bool
    n_votes: int | None = None
    agree: float | None = None
    disagree: float | None = None
    passed: float | None = None
    estimated_agree: float | None = None
    estimated_agree_interval: Interval = None
    consensus: float | None = None
    consensus_interval: Interval = None
    consensus_for: str | None = None
    bridging: float | None = None
    bridging_interval: Interval = None
    divisiveness: float | None = None
    groups: tuple[PublishedGroupShare, ...] = ()


@dataclass(frozen=True)
class PublishedRepresentative:
    statement: Any
    direction: str
    share: PublishedShare


@dataclass(frozen=True)
class PublishedGroup:
    """A group as shown: its id, published size, centre on the map and representative statements;
    ``withheld`` groups have none of these."""

    id: int
    withheld: bool
    size: int | None = None
    x: float | None = None
    y: float | None = None
    representative: tuple[PublishedRepresentative, ...] = ()


@dataclass(frozen=True)
class PublishedOpinionMap:
    """What a page, brief or export of an opinion map may show (see the module notes)."""

    method: str
    seed: int
    k: int
    perturbed: bool
    shown: bool
    participants: int | None
    groups: tuple[PublishedGroup, ...] = ()
    statements: tuple[PublishedStatement, ...] = ()
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()

    def consensus(self, limit: int = 5) -> list[PublishedStatement]:
        found = [s for s in self.statements if s.shown and s.consensus is not None]
        return sorted(found, key=lambda s: (-(s.consensus or 0), str(s.id)))[:limit]

    def bridging(self, limit: int = 5) -> list[PublishedStatement]:
        found = [s for s in self.statements if s.shown and s.bridging is not None]
        return sorted(found, key=lambda s: (-(s.bridging or 0), str(s.id)))[:limit]

    def divisive(self, limit: int = 5) -> list[PublishedStatement]:
        found = [s for s in self.statements if s.shown and s.divisiveness is not None and s.divisiveness > 0]
        return sorted(found, key=lambda s: (-(s.divisiveness or 0), str(s.id)))[:limit]


class _Counter:
    """Perturbed counts and shares of sets of people, each set known by its record keys."""

    def __init__(self, policy: DisclosurePolicy, keys: np.ndarray) -> None:
        self.policy = policy
        self.keys = keys
        self.cell = policy.cell_key

    def count(self, rows: np.ndarray) -> int | None:
        n = int(rows.size)
        if self.policy.is_small(n) or n == 0:
            return None
        return self.policy.publish_count(n, float(self.keys[rows].sum()) if self.cell else None)

    def share(self, rows: np.ndarray, hits: np.ndarray, tag: str, n_published: int) -> float:
        """The share of ``rows`` in ``hits`` (a boolean per row), from the hit count plus continuous noise
        keyed by the whole set and ``tag``, over the published count."""
        total = float(hits.sum())
        if self.cell is not None:
            key = cell_key(float(self.keys[rows].sum()))
            total += self.cell.sum_noise(key, 1.0, tag_of(tag))
        return round(min(1.0, max(0.0, total / max(n_published, 1))), 2)


def publish_opinion_map(
    result: OpinionMap,
    votes: VoteMatrix,
    policy: DisclosurePolicy,
    record_keys: Mapping[Any, int],
) -> PublishedOpinionMap:
    """The figures of ``result`` (fitted on ``votes``) that may be shown under ``policy``.
    ``record_keys``: each participant's record key (a random whole number never shown)."""
    k = policy.k
    missing = [p for p in votes.participants if p not in record_keys]
    if missing:
        raise EvidenceError(f"{len(missing)} participant(s) have no record key")
    keys = np.array([int(record_keys[p]) for p in votes.participants], dtype=np.int64)
    counter = _Counter(policy, keys)
    everyone = np.arange(votes.n_participants)
    n_all = counter.count(everyone)
    if n_all is None:
        return PublishedOpinionMap(
            result.method, result.seed, k, policy.perturbs, False, None, notes=(("below_k", {"k": k}),)
        )
    released = result.released(k)
    sizes = {g.id: g.size for g in result.groups}
    hidden = {g.id for g in released.groups if g.suppressed}
    # the withheld groups together must hold at least k people, or the totals less the shown groups would
    # single them out: withhold the next smallest until they do
    while hidden and sum(sizes[g] for g in hidden) < k and len(hidden) < len(sizes):
        hidden.add(min((g for g in sizes if g not in hidden), key=lambda g: (sizes[g], g)))
    row_of = {pid: i for i, pid in enumerate(votes.participants)}
    group_rows: dict[int, np.ndarray] = {}
    positions: dict[int, list[tuple[float, float]]] = {}
    for p in released.participants:
        if p.group is None or p.group in hidden:
            continue
        positions.setdefault(p.group, []).append((p.x, p.y))
    for g in released.groups:
        if g.id not in hidden:
            members = [row_of[p.id] for p in released.participants if p.group == g.id]
            group_rows[g.id] = np.array(sorted(members), dtype=np.int64)
    col_of = {sid: j for j, sid in enumerate(votes.statements)}

    def voters(statement: Any, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        j = col_of[statement]
        on = votes.cols == j
        rows, vals = votes.rows[on], votes.values[on]
        if within is not None:
            keep = np.isin(rows, within)
            rows, vals = rows[keep], vals[keep]
        return rows, vals

    groups = []
    for g in released.groups:
        if g.id in hidden:
            groups.append(PublishedGroup(g.id, True))
            continue
        rows = group_rows[g.id]
        size = counter.count(rows)
        if size is None:
            groups.append(PublishedGroup(g.id, True))
            continue
        reps = []
        for r in g.representative:
            v_rows, vals = voters(r.statement, rows)
            n = counter.count(v_rows)
            if n is None:
                continue
            hits = vals == (1 if r.direction == "agree" else -1)
            share = counter.share(v_rows, hits, f"rep:{r.direction}", n)
            reps.append(PublishedRepresentative(r.statement, r.direction, PublishedShare(n, share)))
        xy = np.array(positions.get(g.id, [(0.0, 0.0)]), dtype=np.float64)
        cx, cy = xy.mean(axis=0)
        groups.append(PublishedGroup(g.id, False, size, _r(cx), _r(cy), tuple(reps)))
    statements = []
    for s in released.statements:
        rows, vals = voters(s.id)
        n = counter.count(rows)
        if n is None:
            statements.append(PublishedStatement(s.id, False))
            continue
        agree = counter.share(rows, vals == 1, "agree", n)
        disagree = counter.share(rows, vals == -1, "disagree", n)
        passed = counter.share(rows, vals == 0, "pass", n)
        shares = []
        for gs in s.groups:
            if gs.group not in group_rows:
                continue
            g_rows, g_vals = voters(s.id, group_rows[gs.group])
            gn = counter.count(g_rows)
            if gn is None:
                continue
            shares.append(
                PublishedGroupShare(
                    gs.group,
                    gn,
                    counter.share(g_rows, g_vals == 1, "agree", gn),
                    counter.share(g_rows, g_vals == -1, "disagree", gn),
                )
            )
        spread = [g.agree for g in shares]
        divisive = round(max(spread) - min(spread), 2) if len(spread) >= 2 else None
        statements.append(
            PublishedStatement(
                s.id,
                True,
                n,
                agree,
                disagree,
                passed,
                _r(s.estimated_agree_share),
                _ri(s.estimated_agree_share_interval),
                _r(s.consensus),
                _ri(s.consensus_interval),
                s.consensus_for,
                _r(s.bridging),
                _ri(s.bridging_interval),
                divisive,
                tuple(shares),
            )
        )
    notes = tuple((code, params) for code, params in released.notes if code == "groups_withheld")
    return PublishedOpinionMap(
        result.method,
        result.seed,
        k,
        policy.perturbs,
        True,
        n_all,
        tuple(groups),
        tuple(statements),
        notes,
    )


def voters_per_statement(votes: VoteMatrix) -> dict[Any, int]:
    """How many people voted on each statement (what :func:`hold_back` compares; never shown)."""
    counts = np.bincount(votes.cols, minlength=votes.n_statements)
    return {sid: int(counts[j]) for j, sid in enumerate(votes.statements)}


def hold_back(
    new: PublishedOpinionMap,
    basis: Mapping[Any, int],
    previous: PublishedOpinionMap | None,
    previous_basis: Mapping[Any, int] | None,
) -> tuple[PublishedOpinionMap, dict[Any, int]]:
    """``new`` judged against the last release: each statement whose number of voters grew by fewer than
    ``k`` since ``previous`` keeps its previous figures (and basis), so no two releases can be subtracted
    to find the votes of fewer than ``k`` people on it. Returns the release and its basis."""
    from dataclasses import replace

    if previous is None or previous_basis is None:
        return new, dict(basis)
    before = {s.id: s for s in previous.statements}
    kept_basis = dict(basis)
    statements = []
    for s in new.statements:
        old = before.get(s.id)
        grew = basis.get(s.id, 0) - previous_basis.get(s.id, 0)
        if old is not None and grew < new.k:
            statements.append(old)
            kept_basis[s.id] = previous_basis.get(s.id, 0)
        else:
            statements.append(s)
    return replace(new, statements=tuple(statements)), kept_basis


def to_dict(published: PublishedOpinionMap) -> dict[str, Any]:
    """``published`` as JSON-ready data (see :func:`from_dict`)."""
    from dataclasses import asdict

    return asdict(published)


def from_dict(data: dict[str, Any]) -> PublishedOpinionMap:
    """The :class:`PublishedOpinionMap` that :func:`to_dict` gave ``data``."""

    def iv(value: Any) -> Interval:
        return None if value is None else (float(value[0]), float(value[1]))

    groups = tuple(
        PublishedGroup(
            g["id"],
            g["withheld"],
            g["size"],
            g["x"],
            g["y"],
            tuple(
                PublishedRepresentative(r["statement"], r["direction"], PublishedShare(**r["share"]))
                for r in g["representative"]
            ),
        )
        for g in data["groups"]
    )
    statements = tuple(
        PublishedStatement(
            **{
                **s,
                "estimated_agree_interval": iv(s["estimated_agree_interval"]),
                "consensus_interval": iv(s["consensus_interval"]),
                "bridging_interval": iv(s["bridging_interval"]),
                "groups": tuple(PublishedGroupShare(**g) for g in s["groups"]),
            }
        )
        for s in data["statements"]
    )
    return PublishedOpinionMap(
        data["method"],
        data["seed"],
        data["k"],
        data["perturbed"],
        data["shown"],
        data["participants"],
        groups,
        statements,
        tuple((code, dict(params)) for code, params in data["notes"]),
    )
