"""The release history: no small group may be singled out by subtraction more than a few times.

Cell-key perturbation (:mod:`chalkface.evidence.cellkey`) makes the difference of two published groups
that differ by a few people *those people plus noise*. One such difference says little; but a patient
attacker can find many pairs of groups that differ by the same few people (``{tool, quintile 4}`` minus
``{tool, quintile 4, teachers}``, the same within one region, within one term, within one campaign...) and
average the noise away. The history stops that: it remembers every group whose figures were released, across
every channel and every viewer, and refuses a new group when it would be the ``limit + 1``-th pair to single
out the same people.

A group is described by its *conditions*: for each column, the set of values it keeps (the tool, the
campaigns and workplaces the viewer may see, the filters, the row of a breakdown). For each pair of
released groups that are not plainly disjoint (the same column kept to different values) and whose counts
differ by 1 to ``k - 1``, the difference may be an *isolation* of those people, recognised by the sum of
their record keys (the difference of the two groups' key sums: two different sets of people practically
never share it), however the pair was found, and whether the groups nest by their conditions or only by
accident of the data. Once ``limit`` different pairs
have isolated the same people, every further group that would isolate them again is hidden, for everyone,
as if it were small, and stays hidden.

With at most ``limit`` independent looks, each blurred by the noise of two cells, an attacker cannot tell a
small group's size with confidence; docs/methods.md gives the measured odds, and
``tests/evidence/test_attack.py`` attacks it.

This module is pure: :class:`ReleaseHistory` holds the records in memory, and the caller loads it from
and saves it to storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalkface.evidence.cellkey import KEY_RANGE
from chalkface.evidence.errors import EvidenceError

Conditions = tuple[tuple[str, frozenset[str]], ...]
#: The name under which a group's count of check-ins (whatever they answered) is kept.
RESPONSES = "responses"


def conditions_of(values: Mapping[str, Any]) -> Conditions:
    """Canonical conditions from ``{column: value or collection of values}`` (values compared as text)."""
    out = []
    for column, value in values.items():
        if isinstance(value, set | frozenset | list | tuple):
            kept = frozenset(str(v) for v in value)
        else:
            kept = frozenset([str(value)])
        out.append((str(column), kept))
    return tuple(sorted(out, key=lambda item: item[0]))


def label_of(conditions: Conditions) -> str:
    """A stable text form of ``conditions``, for storage."""
    return ";".join(f"{c}={'|'.join(sorted(v))}" for c, v in conditions)


def parse_label(label: str) -> Conditions:
    """The inverse of :func:`label_of`."""
    if not label:
        return ()
    out = []
    for part in label.split(";"):
        column, _, values = part.partition("=")
        out.append((column, frozenset(values.split("|"))))
    return tuple(out)


def disjoint(one: Conditions, other: Conditions) -> bool:
    """True when no group can meet both ``one`` and ``other`` (some column keeps disjoint values in each)."""
    theirs = dict(other)
    return any(column in theirs and not (values & theirs[column]) for column, values in one)


@dataclass(frozen=True)
class Members:
    """Who is behind a released group, for each measure: how many answered and their record keys' sum.
    Never shown; kept so that later releases can be judged against this one."""

    conditions: Conditions
    counts: tuple[tuple[str, int, int], ...]  # (measure, n, key sum modulo KEY_RANGE)

    @property
    def label(self) -> str:
        return label_of(self.conditions)

    def count(self, measure: str) -> tuple[int, int] | None:
        for name, n, key in self.counts:
            if name == measure:
                return n, key
        return None


@dataclass(frozen=True)
class Isolation:
    """A pair of released groups, one inside the other, that differ by 1 to k - 1 people: ``fingerprint``
    (their record keys' sum) names those people."""

    fingerprint: int
    pair: str  # a digest of the two groups' labels


def isolations(new: Members, other: Members, k: int) -> list[Isolation]:
    """The isolations the pair ``new``, ``other`` may make: for every count of the smaller group against the
    same count, or every check-in, of the larger one that differs by 1 to ``k - 1``.

    Whether one group lies inside the other is not judged on their conditions, because groups also nest by
    accident of the data (a workplace inside ``{region, quintile}`` when it is the only one with both): any
    pair that is not plainly disjoint counts. When the groups do not nest, the difference of their key sums
    names nobody and only ever matches another such pair by chance."""
    if disjoint(new.conditions, other.conditions):
        return []
    found: dict[int, Isolation] = {}
    first, second = sorted([new.label, other.label])
    pair = hashlib.sha256(f"{first}\n{second}".encode()).hexdigest()
    for inner, outer in ((new, other), (other, new)):
        everyone = outer.count(RESPONSES)
        for measure, n_in, key_in in inner.counts:
            # the same measure on both sides; and every check-in of the larger group against those of the
            # smaller one that answered anything (they are some of its check-ins, when the groups nest)
            for theirs in {outer.count(measure), everyone}:
                if theirs is None:
                    continue
                n_out, key_out = theirs
                if 0 < n_out - n_in < k:
                    fingerprint = (key_out - key_in) % KEY_RANGE
                    found.setdefault(fingerprint, Isolation(fingerprint, pair))
    return list(found.values())


@dataclass
class HistoryStore:
    """Released groups (by label), groups hidden by this rule, and for each fingerprint the pairs that
    isolated it; indexed by size so that only groups close in size are compared."""

    released: dict[str, Members] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    pairs: dict[int, set[str]] = field(default_factory=dict)
    by_size: dict[tuple[int, int], set[str]] = field(default_factory=dict, repr=False)
    indexed: set[int] = field(default_factory=set, repr=False)

    def add_released(self, group: Members, k: int | None = None) -> None:
        self.released[group.label] = group
        for size in self.indexed | ({k} if k else set()):
            self._index(group, size)

    def _index(self, group: Members, k: int) -> None:
        for bucket in {n // k for _m, n, _key in group.counts}:
            self.by_size.setdefault((k, bucket), set()).add(group.label)

    def add_isolation(self, isolation: Isolation) -> None:
        self.pairs.setdefault(isolation.fingerprint, set()).add(isolation.pair)

    def near(self, buckets: Iterable[int], k: int) -> set[str]:
        if k not in self.indexed:  # first use of this threshold: index every group by it
            self.indexed.add(k)
            for group in self.released.values():
                self._index(group, k)
        out: set[str] = set()
        for bucket in buckets:
            out |= self.by_size.get((k, bucket), set())
        return out


@dataclass
class ReleaseHistory:
    """What has been released, and the isolations it made: ``stored`` (loaded from storage, shared and
    only read) under this computation's own decisions (``own``). :meth:`admit` decides one new group;
    ``pending``, ``pending_refused`` and ``pending_isolations`` are what the caller stores once the figures
    are released."""

    k: int
    limit: int = 3
    stored: HistoryStore = field(default_factory=HistoryStore)
    own: HistoryStore = field(default_factory=HistoryStore)
    pending: list[Members] = field(default_factory=list)
    pending_refused: list[str] = field(default_factory=list)
    pending_isolations: list[Isolation] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise EvidenceError(f"the release history's limit must be at least 1, got {self.limit}")

    def admit(self, group: Members) -> bool:
        """True if ``group`` may be released; False if it would isolate people already isolated ``limit``
        times (then it is hidden, now and later)."""
        label = group.label
        if label in self.own.released or label in self.stored.released:
            return True
        if label in self.own.refused or label in self.stored.refused:
            return False
        found: list[Isolation] = []
        for other in self._nested_candidates(group):
            found.extend(isolations(group, other, self.k))
        # One new group can pair with several released ones that single out the same people (the workplace
        # against each of its breakdowns that miss the same few): count every pair it would add.
        new_pairs: dict[int, set[str]] = {}
        for isolation in found:
            new_pairs.setdefault(isolation.fingerprint, set()).add(isolation.pair)
        for fingerprint, pairs in new_pairs.items():
            if len(self._pairs(fingerprint) | pairs) > self.limit:
                self.own.refused.add(label)
                self.pending_refused.append(label)
                return False
        for isolation in found:
            if isolation.pair not in self._pairs(isolation.fingerprint):
                self.own.add_isolation(isolation)
                self.pending_isolations.append(isolation)
        self.own.add_released(group, self.k)
        self.pending.append(group)
        return True

    def _pairs(self, fingerprint: int) -> set[str]:
        return self.stored.pairs.get(fingerprint, set()) | self.own.pairs.get(fingerprint, set())

    def _nested_candidates(self, group: Members) -> list[Members]:
        """Released groups whose size (for some measure) is within k of this one's: only those can differ
        from it by fewer than k people."""
        buckets = {b + d for b in {n // self.k for _m, n, _key in group.counts} for d in (-1, 0, 1)}
        labels = self.stored.near(buckets, self.k) | self.own.near(buckets, self.k)
        return [self.own.released.get(label) or self.stored.released[label] for label in sorted(labels)]


@dataclass
class HistoryGate:
    """Binds a :class:`ReleaseHistory` to the conditions every group of one computation shares (the tool,
    the viewer's campaigns and workplaces, the filters); a :class:`~chalkface.evidence.DisclosurePolicy`
    with ``history`` set asks it about each group before showing it."""

    history: ReleaseHistory
    base: Mapping[str, Any] = field(default_factory=dict)
    #: Columns that join others' values with a space (``tool_version``: ``"<tool> <version>"``): judged as
    #: those columns.
    joined: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def admit_group(self, group: Iterable[tuple[str, Any]], counts: Iterable[tuple[str, int, int]]) -> bool:
        values = dict(self.base)
        for column, value in group:
            parts = self.joined.get(column)
            if parts:
                values.update(zip(parts, str(value).split(" ", len(parts) - 1), strict=False))
            else:
                values[column] = value
        conditions = conditions_of(values)
        kept = tuple((m, int(n), int(key) % KEY_RANGE) for m, n, key in counts if n)
        if not kept:
            return True
        return self.history.admit(Members(conditions, kept))

    def narrowed(self, **extra: Any) -> HistoryGate:
        """The same history for groups within ``extra`` conditions too."""
        return HistoryGate(self.history, {**self.base, **extra}, self.joined)


def refused_groups(
    policy: Any, data: Any, records: Sequence[Mapping[str, Any]], by: Sequence[str], measures: Sequence[str]
) -> list[bool]:
    """For each group of an estimate (``records`` of sufficient statistics, one per group of ``by``, with
    ``n_m<j>`` and ``ks_m<j>`` for measure ``j``; ``data`` the rows with their record keys in ``__key``),
    whether the policy's release history refuses it. Every check-in of a group counts too
    (:data:`RESPONSES`), as the pages say how many there are. A group below ``policy.k`` on every count is
    hidden anyway and not asked about."""
    refused = [False] * len(records)
    if policy.history is None:
        return refused
    import polars as pl

    if by:
        rows = data.group_by(list(by)).agg(pl.len().alias("n"), pl.col("__key").sum())
        per_group = {tuple(r[:-2]): (int(r[-2]), float(r[-1])) for r in rows.iter_rows()}
    everyone = (data.height, float(data["__key"].sum() or 0))
    for i, rec in enumerate(records):
        n_rows, key_rows = per_group.get(tuple(rec[c] for c in by), (0, 0.0)) if by else everyone
        counts = [(RESPONSES, n_rows, key_rows)] + [
            (measure, int(rec[f"n_m{j}"]), float(rec.get(f"ks_m{j}") or 0))
            for j, measure in enumerate(measures)
        ]
        if any(n >= policy.k for _m, n, _key in counts):
            refused[i] = not policy.admits(tuple((c, rec[c]) for c in by), counts)
    return refused
