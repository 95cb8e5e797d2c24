"""The opinion map both methods return: participants on a map, opinion groups with their representative
statements, and what each statement's support looks like overall and per group.

Notes are machine codes with parameters, e.g. ``("few_participants", {"n": 12})``; the presentation layer
words them. :meth:`OpinionMap.released` withholds the groups smaller than the campaign's threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions._repness import Representative

Note = tuple[str, dict[str, Any]]
Interval = tuple[float, float] | None


def _num(x: float | None, digits: int = 6) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    value = round(float(x), digits)
    return 0.0 if value == 0 else value


def _interval(iv: Interval) -> list[float | None] | None:
    return None if iv is None else [_num(iv[0]), _num(iv[1])]


@dataclass(frozen=True)
class ParticipantPosition:
    """A participant on the map. ``group`` is ``None`` for participants left out of the grouping (too few
    votes) or in a withheld group; ``stability``: share of bootstrap refits that put them in the same group
    (``None`` where the method has no bootstrap)."""

    id: Any
    group: int | None
    x: float
    y: float
    stability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "group": self.group, "x": _num(self.x), "y": _num(self.y)}
        if self.stability is not None:
            out["stability"] = _num(self.stability)
        return out


@dataclass(frozen=True)
class GroupShare:
    """One group's votes on one statement: ``n_votes`` (passes included), ``n_agree``, the observed
    ``agree_share`` and, where the method has a model, the ``estimated_agree_share`` of all its members."""

    group: int
    n_votes: int
    n_agree: int
    agree_share: float | None
    estimated_agree_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n_votes": self.n_votes,
            "n_agree": self.n_agree,
            "agree_share": _num(self.agree_share),
            "estimated_agree_share": _num(self.estimated_agree_share),
        }


@dataclass(frozen=True)
class StatementResult:
    """How one statement fared.

    ``agree_share``: agrees over all votes on it (passes included) with a 95% Wilson interval.
    ``estimated_agree_share``: the share of all participants estimated to agree, voters or not, with its
    interval. ``consensus``: the method's consensus score (Pol.is: group-informed consensus; ours: the
    smallest estimated agree share of any group); ``consensus_for``: ``"agree"`` / ``"disagree"`` when
    Pol.is's consensus selection over everyone's votes picks the statement (both methods).
    ``bridging``: support across opinion groups, the Community Notes statement intercept (ours only;
    Community Notes' helpful threshold is 0.40).
    ``groups``: per-group shares.
    """

    id: Any
    n_votes: int
    n_agree: int
    n_disagree: int
    n_pass: int
    agree_share: float | None
    agree_share_interval: Interval
    estimated_agree_share: float | None
    estimated_agree_share_interval: Interval
    consensus: float | None
    consensus_interval: Interval
    consensus_for: str | None
    bridging: float | None
    bridging_interval: Interval
    groups: tuple[GroupShare, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "n_votes": self.n_votes,
            "n_agree": self.n_agree,
            "n_disagree": self.n_disagree,
            "n_pass": self.n_pass,
            "agree_share": _num(self.agree_share),
            "agree_share_interval": _interval(self.agree_share_interval),
            "estimated_agree_share": _num(self.estimated_agree_share),
            "estimated_agree_share_interval": _interval(self.estimated_agree_share_interval),
            "consensus": _num(self.consensus),
            "consensus_interval": _interval(self.consensus_interval),
            "consensus_for": self.consensus_for,
            "bridging": _num(self.bridging),
            "bridging_interval": _interval(self.bridging_interval),
            "groups": [g.to_dict() for g in self.groups],
        }


@dataclass(frozen=True)
class OpinionGroup:
    """An opinion group: its ``size`` (participants), representative statements, and ``parent``, the group
    it joins one level up the hierarchy (``None`` at the top or where the method has no hierarchy).
    ``suppressed``: withheld by :meth:`OpinionMap.released`; size and statements are then not given."""

    id: int
    size: int
    representative: tuple[Representative, ...]
    parent: int | None = None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        if self.suppressed:
            return {
                "id": self.id,
                "size": None,
                "suppressed": True,
                "parent": self.parent,
                "representative": [],
            }
        reps = []
        for r in self.representative:
            d = r.to_dict()
            for key in ("p_success", "p_test", "repness", "repness_test"):
                d[key] = _num(d[key])
            reps.append(d)
        return {
            "id": self.id,
            "size": self.size,
            "suppressed": False,
            "parent": self.parent,
            "representative": reps,
        }


@dataclass(frozen=True)
class OpinionMap:
    """The result of :class:`~.PolisModel` or :class:`~.ChalkfaceModel`.

    ``method``: ``"polis"`` or ``"chalkface"``; ``seed``; ``participants``, ``groups`` and ``statements`` in
    a stable order (participants by first vote, groups by id, statements by id); ``notes``: machine codes;
    ``levels``: for methods with a hierarchy, one entry per number of groups tried, with its score.
    """

    method: str
    seed: int
    participants: tuple[ParticipantPosition, ...]
    groups: tuple[OpinionGroup, ...]
    statements: tuple[StatementResult, ...]
    notes: tuple[Note, ...] = ()
    levels: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "seed": self.seed,
            "participants": [p.to_dict() for p in self.participants],
            "groups": [g.to_dict() for g in self.groups],
            "statements": [s.to_dict() for s in self.statements],
            "levels": [
                {k: (_num(v) if isinstance(v, float) else v) for k, v in lv.items()} for lv in self.levels
            ],
            "notes": [[code, params] for code, params in self.notes],
        }

    def group_sizes(self) -> dict[int, int]:
        return {g.id: g.size for g in self.groups}

    def released(self, k: int) -> OpinionMap:
        """A copy fit to publish with threshold ``k``: groups of fewer than ``k`` participants are withheld
        (their size, representative statements and per-statement shares, and their members' group), and
        when that withholds exactly one group, the next smallest is withheld too so that its size cannot
        be worked out from the total. Group sizes at the other levels of a hierarchy are dropped."""
        if k < 1:
            raise EvidenceError(f"the threshold k must be at least 1, got {k}")
        hidden = {g.id for g in self.groups if g.size < k}
        if len(hidden) == 1 and len(self.groups) > 1:
            rest = sorted((g for g in self.groups if g.id not in hidden), key=lambda g: (g.size, g.id))
            hidden.add(rest[0].id)
        # the sizes of the groups at other cuts of the hierarchy are not shown either
        levels = tuple({key: v for key, v in lv.items() if key != "sizes"} for lv in self.levels)
        if not hidden:
            return replace(self, levels=levels) if levels != self.levels else self
        groups = tuple(
            replace(g, suppressed=True, size=0, representative=()) if g.id in hidden else g
            for g in self.groups
        )
        participants = tuple(
            replace(p, group=None, stability=None) if p.group in hidden else p for p in self.participants
        )
        statements = tuple(
            replace(s, groups=tuple(gs for gs in s.groups if gs.group not in hidden)) for s in self.statements
        )
        notes = self.notes + (("groups_withheld", {"k": k, "n": len(hidden)}),)
        return replace(
            self, groups=groups, participants=participants, statements=statements, notes=notes, levels=levels
        )

    def summary(self) -> str:
        """A short English summary for the command line."""
        grouped = sum(1 for p in self.participants if p.group is not None)
        lines = [
            f"Opinion map ({self.method} method, seed {self.seed}): {len(self.participants)} participants, "
            f"{grouped} in {len(self.groups)} groups, {len(self.statements)} statements."
        ]
        by_id = {s.id: s for s in self.statements}
        for g in self.groups:
            if g.suppressed:
                lines.append(f"  group {g.id}: withheld (too small to show)")
                continue
            lines.append(f"  group {g.id}: {g.size} participants")
            for r in g.representative[:3]:
                share = by_id[r.statement].agree_share if r.statement in by_id else None
                shown = "" if share is None else f"; everyone: {share:.0%} agree"
                counts = f"{r.n_success} of {r.n_trials} in the group {r.direction}"
                lines.append(f"    statement {r.statement}: {counts}{shown}")
        top = sorted(
            (s for s in self.statements if s.consensus is not None),
            key=lambda s: (-(s.consensus or 0), str(s.id)),
        )[:3]
        if top:
            lines.append("  most consensus: " + ", ".join(f"{s.id} ({s.consensus:.2f})" for s in top))
        bridging = sorted(
            (s for s in self.statements if s.bridging is not None),
            key=lambda s: (-(s.bridging or 0), str(s.id)),
        )[:3]
        if bridging:
            lines.append("  most bridging: " + ", ".join(f"{s.id} ({s.bridging:.2f})" for s in bridging))
        return "\n".join(lines)
