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
from scipy.optimize import linprog

from chalkface.evidence.errors import EvidenceError
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

    def is_small(self, n: int) -> bool:
        """True when a group of ``n`` must not be shown."""
        if n == 0:
            return self.zeros_disclosive
        return n < self.k

    def publish_count(self, n: int) -> int:
        """The count as published: rounded when the policy rounds (half away from zero)."""
        if self.round_to is None:
            return int(n)
        return int(math.floor(n / self.round_to + 0.5)) * self.round_to


# ---------------------------------------------------------------------------------------------------------
# The attacker


def _table_constraints(shape: tuple[int, int]) -> npt.NDArray[np.float64]:
    """Additivity constraints of a table with totals: rows are equations over the flattened full table."""
    r1, c1 = shape  # including the total row and column
    rows = []
    for i in range(r1):
        eq = np.zeros((r1, c1))
        eq[i, : c1 - 1] = 1.0
        eq[i, c1 - 1] = -1.0
        rows.append(eq.ravel())
    for j in range(c1 - 1):  # the total column's own column equation repeats the total row's
        eq = np.zeros((r1, c1))
        eq[: r1 - 1, j] = 1.0
        eq[r1 - 1, j] = -1.0
        rows.append(eq.ravel())
    return np.array(rows)


def attacker_intervals(
    full: npt.ArrayLike, hidden: npt.ArrayLike, cells: Sequence[tuple[int, int]] | None = None
) -> dict[tuple[int, int], tuple[float, float]]:
    """What an attacker can deduce about hidden cells of a table with totals.

    ``full`` is the table including its totals (last row and last column, the grand total bottom right);
    ``hidden`` a boolean mask of the same shape. For each hidden cell (or those listed in ``cells``) this
    solves two linear programmes, minimising and maximising the cell subject to every published value, the
    additivity of rows and columns, and non-negativity. Returns ``{(row, col): (low, high)}``; ``high`` is
    ``inf`` when nothing bounds the cell. Tables with totals have totally unimodular constraints, so these
    bounds are also the bounds over whole numbers.
    """
    table = np.asarray(full, dtype=np.float64)
    mask = np.asarray(hidden, dtype=bool)
    if table.shape != mask.shape or table.ndim != 2:
        raise EvidenceError(
            "the table and the mask of hidden cells must be two-dimensional and the same shape"
        )
    a = _table_constraints(table.shape)
    flat_hidden = np.flatnonzero(mask.ravel())
    flat_known = np.flatnonzero(~mask.ravel())
    a_h = a[:, flat_hidden]
    b = -a[:, flat_known] @ table.ravel()[flat_known]
    keep = np.any(a_h != 0, axis=1)
    a_h, b = a_h[keep], b[keep]
    targets = cells if cells is not None else [divmod(int(f), table.shape[1]) for f in flat_hidden]
    position = {int(f): i for i, f in enumerate(flat_hidden)}
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for r, c in targets:
        flat = r * table.shape[1] + c
        if flat not in position:
            value = float(table[r, c])
            out[(r, c)] = (value, value)
            continue
        cost = np.zeros(len(flat_hidden))
        cost[position[flat]] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            if a_h.shape[0] == 0:
                res_ok, res_val, unbounded = False, 0.0, sign < 0
            else:
                res = linprog(sign * cost, A_eq=a_h, b_eq=b, bounds=(0, None), method="highs")
                res_ok, unbounded = res.status == 0, res.status == 3
                res_val = float(res.fun) if res_ok and res.fun is not None else 0.0
            if res_ok:
                bounds.append(sign * res_val)
            elif unbounded or a_h.shape[0] == 0:
                bounds.append(0.0 if sign > 0 else math.inf)
            else:  # infeasible: the figures contradict each other, which cannot happen for real data
                raise EvidenceError("the published table is inconsistent with its totals")
        out[(r, c)] = (max(0.0, bounds[0]), bounds[1])
    return out


def flow_intervals(
    full: npt.ArrayLike, hidden: npt.ArrayLike, cells: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], tuple[float, float]]:
    """The same bounds as :func:`attacker_intervals`, computed as maximum flows (much faster).

    Negating the totals turns a table with totals into one whose rows and columns all sum to zero, so the
    changes that keep every published figure are circulations on the bipartite graph of rows and columns
    whose edges are the hidden cells; non-negativity caps each edge in one direction. How far a hidden cell
    can rise (or fall) is the maximum flow that can return around such a cycle. This is what
    :func:`complementary_suppression` uses; the tests check it against the linear-programming attacker.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    table = np.asarray(full, dtype=np.int64)
    mask = np.asarray(hidden, dtype=bool)
    n_rows, n_cols = table.shape
    big = int(table[mask].sum()) + 1 if mask.any() else 1
    sign = np.ones(table.shape, dtype=np.int64)
    sign[-1, :] *= -1
    sign[:, -1] *= -1  # totals count negatively, the grand total positively again
    n_nodes = n_rows + n_cols
    out: dict[tuple[int, int], tuple[float, float]] = {}
    hidden_cells = [(int(i), int(j)) for i, j in np.argwhere(mask)]
    for r, c in cells:
        value = int(table[r, c])
        if not mask[r, c]:
            out[(r, c)] = (float(value), float(value))
            continue
        src, dst, cap = [], [], []
        for i, j in hidden_cells:
            if (i, j) == (r, c):
                continue
            row_node, col_node = i, n_rows + j
            down = int(table[i, j])  # how far the cell may fall
            forward, backward = (big, down) if sign[i, j] > 0 else (down, big)
            src += [row_node, col_node]
            dst += [col_node, row_node]
            cap += [forward, backward]
        if not cap:
            out[(r, c)] = (float(value), float(value))
            continue
        graph = csr_array(
            (np.array(cap, dtype=np.int32), (np.array(src), np.array(dst))), shape=(n_nodes, n_nodes)
        )
        graph.sum_duplicates()
        row_node, col_node = r, n_rows + c
        # raising the cell sends flow along it one way and back round the cycle the other way
        up_from, up_to = (col_node, row_node) if sign[r, c] > 0 else (row_node, col_node)
        up = int(maximum_flow(graph, up_from, up_to).flow_value)
        down = int(maximum_flow(graph, up_to, up_from).flow_value)
        hi = math.inf if up >= big else float(value + up)
        out[(r, c)] = (float(max(0, value - down)), hi)
    return out


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


def protect_partition(counts: Sequence[int], policy: DisclosurePolicy) -> list[Status]:
    """Suppression for groups that partition a population whose total is published elsewhere.

    Small groups are hidden (primary); then, while any is hidden, the smallest other groups are hidden too
    until at least two are hidden and together they hold at least ``k`` people, so that subtracting the
    shown groups from the total neither reveals a hidden group nor pins it below ``k``. If the whole
    population is smaller than ``k`` everything is hidden.
    """
    n = np.asarray(counts, dtype=np.int64)
    status: list[Status] = ["primary" if policy.is_small(int(v)) else None for v in n]
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
