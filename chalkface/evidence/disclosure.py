"""Disclosure control: primary suppression, rounding and complementary suppression of tables with totals.

Every count or statistic the evidence layer returns goes through a :class:`DisclosurePolicy`. A group with
fewer than ``k`` responses is never shown (primary suppression). When a table is shown with its totals, hiding
the small cells is not enough: they could be worked out by subtraction. :func:`protect_table` therefore hides
further cells (complementary, or secondary, suppression) until a linear-programming attacker, who knows every
published cell and total and that counts are not negative, can no longer narrow any hidden small cell: every
value from 0 up to ``k`` must stay possible for it.

No maintained Python library does complementary suppression (sdcTable and tau-Argus are R and Java), so the
heuristic is written here: for each cell the attacker can still narrow, try the rectangles (the cell, a cell
in its row, one in its column and the opposite corner) in order of the fewest people hidden, and keep the
first that the attacker check (scipy's HiGHS ``linprog``) accepts. On the sdcTable reference problem it
finds the same pattern as sdcTable's optimal method.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from chalkface.evidence.cellkey import CellKey, cell_key
from chalkface.evidence.deduction import flow_intervals
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.history import HistoryGate
from chalkface.evidence.notes import Note

Status = Literal["primary", "secondary"] | None
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DisclosurePolicy:
    """The campaign's disclosure rules.

    ``k``: the smallest group that may be shown (the campaign's threshold, 10 by default, as ONS and UK LLC).
    ``round_to``: publish counts rounded to the nearest multiple of this (e.g. 5, as Ofqual); ``None`` keeps
    exact counts. ``zeros_disclosive``: treat an empty cell as disclosive too (it tells that nobody in a group
    gave an answer); off by default.
    """

    k: int = 10
    round_to: int | None = None
    zeros_disclosive: bool = False
    cell_key: CellKey | None = None
    #: The release history to judge each group against (:mod:`chalkface.evidence.history`); ``None``: none.
    history: HistoryGate | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.k < 1:
            raise EvidenceError(f"the threshold k must be at least 1, got {self.k}")
        if self.round_to is not None and self.round_to < 1:
            raise EvidenceError(f"round_to must be a positive whole number, got {self.round_to}")

    @property
    def small_reason(self) -> Note:
        """The reason given for a primary suppression."""
        return Note("below_k", f"fewer than k={self.k} responses", k=self.k)

    @property
    def secondary_reason(self) -> Note:
        """The reason given for a complementary suppression."""
        return Note(
            "complementary",
            f"hidden so that a group of fewer than k={self.k} cannot be worked out from the other figures",
            k=self.k,
        )

    @property
    def repeat_reason(self) -> Note:
        """The reason given for a group hidden by the release history."""
        return Note(
            "repeated",
            f"hidden because, with the figures already shown, it would single out a group of fewer than "
            f"k={self.k} people once too often",
            k=self.k,
        )

    def admits(self, group: Sequence[tuple[str, Any]], counts: Sequence[tuple[str, int, float]]) -> bool:
        """True unless the release history refuses this group (``counts``: measure, n, record-key sum)."""
        if self.history is None:
            return True
        return self.history.admit_group(group, [(m, n, int(key)) for m, n, key in counts])

    def with_history(self, history: HistoryGate | None) -> DisclosurePolicy:
        """This policy, judged against ``history``."""
        from dataclasses import replace

        return replace(self, history=history)

    def is_small(self, n: int) -> bool:
        """True when a group of ``n`` must not be shown."""
        if n == 0:
            return self.zeros_disclosive
        return n < self.k

    def publish_count(self, n: int, key_sum: float | None = None) -> int:
        """The count as published: with its cell-key noise when the policy perturbs and ``key_sum`` (the sum
        of the group's record keys) is given; rounded when the policy rounds (half away from zero)."""
        if self.cell_key is not None:
            if key_sum is None:
                raise EvidenceError("this policy perturbs counts: give the group's record-key sum")
            if n >= self.k:
                n = n + self.cell_key.count_noise(cell_key(key_sum), n, self.k)
        if self.round_to is None:
            return int(n)
        return int(math.floor(n / self.round_to + 0.5)) * self.round_to

    @property
    def perturbs(self) -> bool:
        return self.cell_key is not None


# ---------------------------------------------------------------------------------------------------------
# Tables with totals


@dataclass(frozen=True)
class TableCell:
    """One published cell: its value (``None`` when hidden) and why it is hidden."""

    value: int | None
    suppressed: Status = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "suppressed": self.suppressed}


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table of counts with totals, after primary and complementary suppression."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: tuple[tuple[TableCell, ...], ...]
    row_totals: tuple[TableCell, ...]
    col_totals: tuple[TableCell, ...]
    total: TableCell
    k: int
    status: npt.NDArray[np.int8] = field(repr=False, compare=False)
    """Status of the full table including totals: 0 published, 1 primary, 2 secondary."""

    @property
    def hidden(self) -> BoolArray:
        """Mask of hidden cells of the full table (totals in the last row and column)."""
        return np.asarray(self.status > 0)

    @property
    def n_primary(self) -> int:
        return int(np.sum(self.status == 1))

    @property
    def n_secondary(self) -> int:
        return int(np.sum(self.status == 2))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``chalkface analyze table``."""
        return {
            "rows": list(self.rows),
            "cols": list(self.cols),
            "cells": [[c.to_dict() for c in row] for row in self.cells],
            "row_totals": [c.value for c in self.row_totals],
            "col_totals": [c.value for c in self.col_totals],
            "total": self.total.value,
            "k": self.k,
            "suppressed": {"primary": self.n_primary, "secondary": self.n_secondary},
        }

    def summary(self) -> str:
        """The table as text, hidden cells shown as ``x`` (too few) or ``(x)`` (hidden to protect another)."""

        def show(c: TableCell) -> str:
            if c.suppressed == "primary":
                return "x"
            if c.suppressed == "secondary":
                return "(x)"
            return str(c.value)

        header = [""] + list(self.cols) + ["Total"]
        lines = [header]
        for label, row, tot in zip(self.rows, self.cells, self.row_totals, strict=True):
            lines.append([label] + [show(c) for c in row] + [show(tot)])
        lines.append(["Total"] + [show(c) for c in self.col_totals] + [show(self.total)])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        text = "\n".join("  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in lines)
        return (
            f"{text}\nx: fewer than k={self.k}; (x): hidden so that the small cells cannot be worked out "
            f"from the totals ({self.n_primary} primary, {self.n_secondary} secondary)"
        )


def _protected(interval: tuple[float, float], k: int) -> bool:
    lo, hi = interval
    return lo <= 0.5 and hi >= k - 0.5


def complementary_suppression(full: npt.ArrayLike, primary: npt.ArrayLike, k: int) -> npt.NDArray[np.int8]:
    """Choose complementary suppressions for a table with totals; returns a status array (0, 1 primary, 2).

    The rule checked for every primary cell: given the published cells and totals, the attacker's interval
    for it must reach down to 0 and up to ``k``. Greedy and deterministic; see the module docstring.
    """
    table = np.asarray(full, dtype=np.int64)
    status = np.where(np.asarray(primary, dtype=bool), 1, 0).astype(np.int8)
    if not status.any():
        return status
    n_rows, n_cols = table.shape
    for _ in range(table.size):
        hidden = status > 0
        targets = sorted(
            (tuple(int(v) for v in rc) for rc in np.argwhere(status == 1)),
            key=lambda rc: (int(table[rc]), rc),
        )
        intervals = flow_intervals(table, hidden, targets)  # type: ignore[arg-type]
        failing = [rc for rc in targets if not _protected(intervals[rc], k)]  # type: ignore[index]
        if not failing:
            return status
        r, c = failing[0]
        candidates: list[tuple[int, int, int, int, list[tuple[int, int]]]] = []
        for r2 in range(n_rows):
            for c2 in range(n_cols):
                if r2 == r or c2 == c:
                    continue
                new = [rc for rc in ((r, c2), (r2, c), (r2, c2)) if not hidden[rc]]
                if not new:
                    continue
                cost = sum(int(table[rc]) for rc in new)
                candidates.append((cost, len(new), r2, c2, new))
        candidates.sort(key=lambda t: t[:4])
        chosen = None
        for cand in candidates:
            trial = hidden.copy()
            for rc in cand[4]:
                trial[rc] = True
            if _protected(flow_intervals(table, trial, [(r, c)])[(r, c)], k):
                chosen = cand[4]
                break
        if chosen is None:
            # No single rectangle protects this cell: hide the cheapest one and look again; the loop ends at
            # the latest when everything is hidden, which the attacker cannot narrow at all.
            chosen = (
                candidates[0][4] if candidates else [(int(rc[0]), int(rc[1])) for rc in np.argwhere(~hidden)]
            )
            if not chosen:
                return status
        for rc in chosen:
            status[rc] = 2
    return status


def protect_table(
    counts: npt.ArrayLike,
    policy: DisclosurePolicy | None = None,
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
    forced: npt.ArrayLike | None = None,
) -> ProtectedTable:
    """Apply primary and complementary suppression to a two-way table of counts shown with its totals.

    ``counts`` is the table without totals (rows by columns); the totals are computed here. Every cell and
    total below ``policy.k`` is hidden as primary, then complementary suppression makes sure none of them
    can be recovered from the rest. Published values are rounded if the policy says so.
    """
    policy = policy or DisclosurePolicy()
    inner = np.asarray(counts, dtype=np.int64)
    if inner.ndim != 2 or inner.size == 0:
        raise EvidenceError("a table needs at least one row and one column")
    if np.any(inner < 0):
        raise EvidenceError("counts cannot be negative")
    n_rows, n_cols = inner.shape
    row_labels = tuple(rows) if rows is not None else tuple(str(i) for i in range(n_rows))
    col_labels = tuple(cols) if cols is not None else tuple(str(j) for j in range(n_cols))
    if len(row_labels) != n_rows or len(col_labels) != n_cols:
        raise EvidenceError("row and column labels must match the table's shape")
    full = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    full[:n_rows, :n_cols] = inner
    full[:n_rows, n_cols] = inner.sum(axis=1)
    full[n_rows, :n_cols] = inner.sum(axis=0)
    full[n_rows, n_cols] = inner.sum()
    primary = np.vectorize(policy.is_small, otypes=[bool])(full)
    if forced is not None:  # cells the release history refuses are hidden like small ones
        primary[:n_rows, :n_cols] |= np.asarray(forced, dtype=bool).reshape(n_rows, n_cols)
    status = complementary_suppression(full, primary, policy.k)

    def cell(i: int, j: int) -> TableCell:
        s = int(status[i, j])
        if s == 0:
            return TableCell(policy.publish_count(int(full[i, j])), None)
        return TableCell(None, "primary" if s == 1 else "secondary")

    return ProtectedTable(
        rows=row_labels,
        cols=col_labels,
        cells=tuple(tuple(cell(i, j) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(cell(i, n_cols) for i in range(n_rows)),
        col_totals=tuple(cell(n_rows, j) for j in range(n_cols)),
        total=cell(n_rows, n_cols),
        k=policy.k,
        status=status,
    )


def protect_partition(
    counts: Sequence[int], policy: DisclosurePolicy, forced: Sequence[bool] | None = None
) -> list[Status]:
    """Suppression for groups that partition a population whose total is published elsewhere.

    Small groups are hidden (primary); then, while any is hidden, the smallest other groups are hidden too
    until at least two are hidden and together they hold at least ``k`` people, so that subtracting the
    shown groups from the total neither reveals a hidden group nor pins it below ``k``. If the whole
    population is smaller than ``k`` everything is hidden.
    """
    n = np.asarray(counts, dtype=np.int64)
    hide = forced if forced is not None else [False] * len(n)
    status: list[Status] = [
        "primary" if policy.is_small(int(v)) or f else None for v, f in zip(n, hide, strict=True)
    ]
    if int(n.sum()) < policy.k and n.size:
        return ["primary" if s == "primary" else "secondary" for s in status]
    hidden = [i for i, s in enumerate(status) if s is not None]
    if not hidden:
        return status
    order = sorted((i for i in range(n.size) if status[i] is None), key=lambda i: (int(n[i]), i))
    while order and (len(hidden) < 2 or int(n[hidden].sum()) < policy.k):
        nxt = order.pop(0)
        status[nxt] = "secondary"
        hidden.append(nxt)
    return status


@dataclass(frozen=True)
class PublishedCount:
    """A count as it may be shown: its published value, or hidden and why."""

    code: Any
    n: int | None
    suppressed: bool
    reason: str | None
    perturbed: bool = False


def publish_counts(
    counts: Sequence[tuple[Any, int, float | None]],
    policy: DisclosurePolicy,
    column: str | None = None,
    measure: str = "responses",
) -> list[PublishedCount]:
    """Counts of groups that partition a population, ``(code, count, record-key sum)`` each, as they may be
    published: small groups and their complements hidden (:func:`protect_partition`), the rest with their
    cell-key noise when the policy perturbs. Each group is judged by the policy's release history too (as
    ``measure``): the group whose ``column`` has the value ``code``, or with no ``column`` the whole
    population (then give one count)."""

    def group(code: Any) -> tuple[tuple[str, Any], ...]:
        return ((column, code),) if column is not None else ()

    refused = [
        not policy.is_small(n) and not policy.admits(group(code), [(measure, n, float(key or 0))])
        for code, n, key in counts
    ]
    statuses = protect_partition([n for _code, n, _key in counts], policy, refused)
    out = []
    for (code, n, key_sum), status, repeated in zip(counts, statuses, refused, strict=True):
        if status is not None:
            reason = policy.small_reason if status == "primary" else policy.secondary_reason
            if repeated:
                reason = policy.repeat_reason
            out.append(PublishedCount(code, None, True, reason, policy.perturbs))
        else:
            out.append(PublishedCount(code, policy.publish_count(n, key_sum), False, None, policy.perturbs))
    return out
