"""The query auditor: stops a viewer from isolating a small group by slicing and subtracting.

Suppressing every slice below ``k`` is not enough: "all teachers" (40) minus "teachers in primary schools"
(37) is a group of 3, and their answers follow from the two published averages. The auditor remembers which
populations (slices, given as filter definitions) a viewer has been shown, and refuses a new slice when the
viewer could then single out between 1 and ``k - 1`` people.

The rule is deliberately stronger than checking pairwise differences: the slices shown so far, together with
the new one and the whole population, cut the responses into *atoms* (people who are in exactly the same
slices). Anything a viewer can compute by adding and subtracting published figures concerns a union of atoms.
So if every atom that the new slice would split off holds either nobody or at least ``k`` people, no
difference, intersection or longer combination of published slices can isolate a smaller group. The price is
that some harmless slices are refused too; the refusal explains which combination was the problem, without
saying how many people it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.evidence._frames import jsonable, require_columns
from chalkface.evidence.errors import EvidenceError, QueryRefused

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Slice:
    """A population a viewer asks to see: the responses that satisfy every condition.

    Each condition is a column and the values it may take, e.g.
    ``Slice.of(role=["teacher"], phase=["Primary", "Secondary"])``. ``Slice.of()`` is everyone.
    """

    conditions: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @classmethod
    def of(cls, **conditions: Any) -> Slice:
        return cls.from_dict(conditions)

    @classmethod
    def from_dict(cls, conditions: Mapping[str, Any]) -> Slice:
        """Build from ``{column: value or list of values}``; order does not matter."""
        items = []
        for col in sorted(conditions):
            values = conditions[col]
            if isinstance(values, str | bytes) or not isinstance(values, Iterable):
                values = [values]
            vals = tuple(sorted(set(values), key=lambda v: (str(type(v)), str(v))))
            if not vals:
                raise EvidenceError(f"the condition on {col!r} allows no value at all")
            items.append((col, vals))
        return cls(tuple(items))

    def to_dict(self) -> dict[str, list[Any]]:
        return {col: [jsonable(v) for v in vals] for col, vals in self.conditions}

    def describe(self) -> str:
        """``role is teacher and phase is Primary or Secondary``; ``everyone`` when unconditional."""
        if not self.conditions:
            return "everyone"
        parts = []
        for col, vals in self.conditions:
            shown = [str(jsonable(v)) for v in vals]
            text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
            parts.append(f"{col} is {text}")
        return " and ".join(parts)

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class AuditDecision:
    """Whether a slice may be shown, and if not, why (in words, without revealing any small count)."""

    allowed: bool
    slice: Slice
    reason: str | None = None
    inside: tuple[Slice, ...] = field(default=())
    outside: tuple[Slice, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "slice": self.slice.to_dict(),
            "reason": self.reason,
            "inside": [s.to_dict() for s in self.inside],
            "outside": [s.to_dict() for s in self.outside],
        }

    def summary(self) -> str:
        return f"{self.slice.describe()}: " + ("allowed" if self.allowed else f"refused. {self.reason}")


class QueryAuditor:
    """Audit slices against what a viewer has already been shown.

    ``k``: the campaign's threshold. ``everyone_shown``: treat the whole population's count as known (it
    usually is, from the campaign's headline figure). After :meth:`fit` on the responses, :meth:`check` judges
    a slice against a list of slices already shown, and :meth:`ask` does the same against the auditor's own
    memory and remembers the slice when it is allowed.
    """

    def __init__(self, k: int = 10, everyone_shown: bool = True) -> None:
        self.k = k
        self.everyone_shown = everyone_shown

    def fit(self, frame: pl.DataFrame) -> QueryAuditor:
        if self.k < 1:
            raise EvidenceError(f"the threshold k must be at least 1, got {self.k}")
        self.n_ = frame.height
        self._frame = frame
        self._codes: dict[str, tuple[npt.NDArray[np.int64], dict[Any, int]]] = {}
        self.shown_: list[Slice] = []
        self._labels = np.zeros(self.n_, dtype=np.int64)
        return self

    def _column(self, col: str) -> tuple[npt.NDArray[np.int64], dict[Any, int]]:
        if col not in self._codes:
            require_columns(self._frame, [col], "the responses")
            series = self._frame[col]
            levels = series.unique(maintain_order=True).to_list()
            index = {v: i for i, v in enumerate(levels)}
            lookup = pl.DataFrame({col: pl.Series(levels, dtype=series.dtype), "__i": range(len(levels))})
            codes = self._frame.select(col).join(
                lookup, on=col, how="left", nulls_equal=True, maintain_order="left"
            )
            self._codes[col] = (codes["__i"].to_numpy().astype(np.int64), index)
        return self._codes[col]

    def mask(self, slice_: Slice) -> BoolArray:
        """Which responses belong to the slice."""
        self._check_fitted()
        out = np.ones(self.n_, dtype=bool)
        for col, values in slice_.conditions:
            codes, index = self._column(col)
            allowed = np.zeros(len(index) + 1, dtype=bool)
            for v in values:
                if v in index:
                    allowed[index[v]] = True
            out &= allowed[codes]
        return out

    def check(self, slice_: Slice, shown: Sequence[Slice] = ()) -> AuditDecision:
        """May ``slice_`` be shown to a viewer who has already seen ``shown``?"""
        self._check_fitted()
        labels = np.zeros(self.n_, dtype=np.int64)
        for s in shown:
            labels = _refine(labels, self.mask(s))
        return self._decide(slice_, labels, list(shown))

    def ask(self, slice_: Slice) -> AuditDecision:
        """Like :meth:`check` against everything this auditor has allowed so far; remembers allowed slices."""
        self._check_fitted()
        decision = self._decide(slice_, self._labels, self.shown_)
        if decision.allowed:
            self._labels = _refine(self._labels, self.mask(slice_))
            self.shown_.append(slice_)
        return decision

    def require(self, slice_: Slice, shown: Sequence[Slice] = ()) -> None:
        """Raise :class:`QueryRefused` with the explanation when the slice may not be shown."""
        decision = self.check(slice_, shown)
        if not decision.allowed:
            raise QueryRefused(decision.reason)

    def _decide(self, slice_: Slice, labels: npt.NDArray[np.int64], shown: list[Slice]) -> AuditDecision:
        for col, _ in slice_.conditions:
            self._column(col)
        new_mask = self.mask(slice_)
        before = np.bincount(labels) if labels.size else np.zeros(0, dtype=np.int64)
        refined = labels * 2 + new_mask
        _, inverse, counts = np.unique(refined, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        # size of the old atom each new atom came from: an atom that did not split tells nothing new
        first = np.zeros(counts.size, dtype=np.int64)
        first[inverse[::-1]] = np.arange(self.n_)[::-1]
        parent_size = before[labels[first]] if self.everyone_shown else np.full(counts.size, -1)
        small = np.flatnonzero((counts < self.k) & (counts != parent_size))
        if not self.everyone_shown:
            # without the overall total, only sets inside some shown slice (or the new one) can be computed
            member = np.zeros(counts.size, dtype=bool)
            member[inverse[new_mask]] = True
            for s in shown:
                member[inverse[self.mask(s)]] = True
            small = small[member[small]]
        if small.size == 0:
            return AuditDecision(True, slice_)
        atom = int(small[np.argmin(counts[small])])
        row = int(first[atom])
        return self._explain(slice_, new_mask, shown, refined == refined[row])

    def _explain(self, new: Slice, new_mask: BoolArray, shown: list[Slice], atom: BoolArray) -> AuditDecision:
        """Explain a refusal by the simplest combination that isolates a small group."""
        k = self.k

        def small(m: BoolArray) -> bool:
            c = int(m.sum())
            return 0 < c < k

        def refuse(text: str, inside: tuple[Slice, ...], outside: tuple[Slice, ...]) -> AuditDecision:
            reason = (
                f"Not shown: {text}, a group of fewer than k={k} people whose answers could then be worked "
                "out by subtraction. Try a broader slice."
            )
            return AuditDecision(False, new, reason, inside, outside)

        q = f"'{new.describe()}'"
        if small(new_mask):
            reason = f"Not shown: {q} has fewer than k={k} people. Try a broader slice."
            return AuditDecision(False, new, reason, (new,), ())
        if self.everyone_shown and small(~new_mask):
            return refuse(
                f"together with the overall total, {q} would reveal everyone outside it", (Slice(),), (new,)
            )
        for s in shown:
            m = self.mask(s)
            e = f"'{s.describe()}'"
            if small(m & ~new_mask):
                return refuse(
                    f"together with {e}, already shown, {q} would reveal the people in {e} but not in {q}",
                    (s,),
                    (new,),
                )
            if small(new_mask & ~m):
                return refuse(
                    f"together with {e}, already shown, {q} would reveal the people in {q} but not in {e}",
                    (new,),
                    (s,),
                )
            if self.everyone_shown and small(new_mask & m):
                return refuse(
                    f"together with {e}, already shown, {q} would reveal the people in both", (s, new), ()
                )
        all_slices = [*shown, new]
        masks = [self.mask(s) for s in shown] + [new_mask]
        row = int(np.flatnonzero(atom)[0])
        inside = tuple(s for s, m in zip(all_slices, masks, strict=True) if m[row])
        region = np.ones(self.n_, dtype=bool)
        for m in masks:
            if m[row]:
                region &= m
        outside = tuple(
            s for s, m in zip(all_slices, masks, strict=True) if not m[row] and bool((m & region).any())
        )
        group = "the people in " + (
            " and ".join(f"'{s.describe()}'" for s in inside) if inside else "no slice shown"
        )
        if outside:
            group += " but not in " + " or ".join(f"'{s.describe()}'" for s in outside)
        earlier = [s for s in (*inside, *outside) if s != new]
        context = " and ".join(f"'{s.describe()}'" for s in earlier)
        return refuse(f"together with {context}, already shown, {q} would reveal {group}", inside, outside)

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_"):
            raise EvidenceError("call fit with the responses before auditing slices")


def _refine(labels: npt.NDArray[np.int64], mask: BoolArray) -> npt.NDArray[np.int64]:
    _, inverse = np.unique(labels * 2 + mask, return_inverse=True)
    return inverse.ravel().astype(np.int64)


def audit_sequence(frame: pl.DataFrame, slices: Sequence[Slice], k: int = 10) -> list[AuditDecision]:
    """Audit slices in the order a viewer asks for them; refused ones are not remembered."""
    auditor = QueryAuditor(k=k).fit(frame)
    return [auditor.ask(s) for s in slices]


__all__ = ["AuditDecision", "QueryAuditor", "QueryRefused", "Slice", "audit_sequence"]
