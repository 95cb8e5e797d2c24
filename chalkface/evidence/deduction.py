"""What an attacker can deduce about the hidden cells of a table with totals, by linear programming
(:func:`attacker_intervals`) or, much faster and with the same answers, by maximum flow
(:func:`flow_intervals`). Complementary suppression (:mod:`chalkface.evidence.disclosure`) keeps every
hidden small cell's interval wide."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from chalkface.evidence.errors import EvidenceError

__all__ = ["attacker_intervals", "flow_intervals"]


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
