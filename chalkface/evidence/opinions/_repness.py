"""The vote statistics of the Pol.is math: representative statements per group, consensus statements and
group-informed consensus (``repness.clj`` and ``stats.clj``). Vectorised over statements; the selection
keeps the Pol.is order of tests and tie-breaks (statement order, stable sorts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: One-sided 90% z threshold of the Pol.is tests.
Z90 = 1.2816


def prop_test(success: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray:
    """Pol.is one-proportion statistic: ``2 sqrt(n + 1) ((success + 1) / (n + 1) - 0.5)``."""
    s, m = np.asarray(success, dtype=np.float64) + 1, np.asarray(n, dtype=np.float64) + 1
    return np.asarray(2 * np.sqrt(m) * (s / m - 0.5), dtype=np.float64)


def two_prop_test(s1: npt.ArrayLike, s2: npt.ArrayLike, n1: npt.ArrayLike, n2: npt.ArrayLike) -> FloatArray:
    """Pol.is two-proportion z with 1 added to all four counts; 0 where the pooled share is 1."""
    a, b = np.asarray(s1, dtype=np.float64) + 1, np.asarray(s2, dtype=np.float64) + 1
    m1, m2 = np.asarray(n1, dtype=np.float64) + 1, np.asarray(n2, dtype=np.float64) + 1
    pooled = (a + b) / (m1 + m2)
    var = pooled * (1 - pooled) * (1 / m1 + 1 / m2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (a / m1 - b / m2) / np.sqrt(var)
    return np.asarray(np.where(pooled == 1, 0.0, z), dtype=np.float64)


@dataclass(frozen=True)
class Representative:
    """A statement representative of a group, with the Pol.is statistics of its chosen direction.

    ``direction``: ``"agree"`` or ``"disagree"``; ``n_success``: the group's votes in that direction out of
    ``n_trials`` (all its votes, passes included); ``p_success`` = (n_success + 1) / (n_trials + 2);
    ``p_test``: the one-proportion z; ``repness``: p_success over the same share among the other groups;
    ``repness_test``: the two-proportion z against the other groups; ``best_agree``: the statement Pol.is
    puts first as the one the group agrees with most.
    """

    statement: Any
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": self.p_success,
            "p_test": self.p_test,
            "repness": self.repness,
            "repness_test": self.repness_test,
            "best_agree": self.best_agree,
        }


def _stats(na: FloatArray, nd: FloatArray, ns: FloatArray) -> dict[str, FloatArray]:
    """Per group (rows) and statement (columns): the in-group statistics and those against the rest."""
    rest_a, rest_d, rest_s = na.sum(axis=0) - na, nd.sum(axis=0) - nd, ns.sum(axis=0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": pa,
        "pd": pd,
        "pat": prop_test(na, ns),
        "pdt": prop_test(nd, ns),
        "ra": pa / ((rest_a + 1) / (rest_s + 2)),
        "rd": pd / ((rest_d + 1) / (rest_s + 2)),
        "rat": two_prop_test(na, rest_a, ns, rest_s),
        "rdt": two_prop_test(nd, rest_d, ns, rest_s),
    }


def _finalise(st: dict[str, FloatArray], g: int, j: int, statement: Any, best_agree: bool) -> Representative:
    agree = bool(st["rat"][g, j] > st["rdt"][g, j])
    a, b = ("a", "at") if agree else ("d", "dt")
    return Representative(
        statement=statement,
        direction="agree" if agree else "disagree",
        n_success=int(st["na" if agree else "nd"][g, j]),
        n_trials=int(st["ns"][g, j]),
        p_success=float(st["p" + a][g, j]),
        p_test=float(st["p" + b][g, j]),
        repness=float(st["r" + a][g, j]),
        repness_test=float(st["r" + b][g, j]),
        best_agree=best_agree,
    )


def _best_agree(st: dict[str, FloatArray], g: int, order: IntArray) -> int | None:
    """Pol.is ``beats-best-agr?`` folded over the statements in order."""
    best: int | None = None
    na, nd, ra, rat, pa, pat = (st[k][g] for k in ("na", "nd", "ra", "rat", "pa", "pat"))
    for j in order.tolist():
        if na[j] == 0 and nd[j] == 0:
            continue
        if best is not None and ra[best] > 1.0:
            better = ra[j] * rat[j] * pa[j] * pat[j] > ra[best] * rat[best] * pa[best] * pat[best]
        elif best is not None:
            better = pa[j] * pat[j] > pa[best] * pat[best]
        else:
            better = bool(pat[j] > Z90 or (ra[j] > 1.0 and pa[j] > 0.5))
        if better:
            best = j
    return best


def representative_statements(
    na: IntArray,
    nd: IntArray,
    ns: IntArray,
    statements: tuple[Any, ...],
    keep: npt.NDArray[np.bool_],
    top: int = 5,
) -> list[list[Representative]]:
    """Representative statements of each group (rows of the count arrays), Pol.is ``select-rep-comments``.

    ``keep`` masks the statements that may be chosen (moderated-out ones are not).
    """
    st = _stats(na.astype(np.float64), nd.astype(np.float64), ns.astype(np.float64))
    order = np.flatnonzero(keep).astype(np.int64)
    passes = ((st["rat"] > Z90) & (st["pat"] > Z90)) | ((st["rdt"] > Z90) & (st["pdt"] > Z90))
    out: list[list[Representative]] = []
    for g in range(na.shape[0]):
        best_agree = _best_agree(st, g, order)
        sufficient = [int(j) for j in order if passes[g, j]]
        head = [_finalise(st, g, best_agree, statements[best_agree], True)] if best_agree is not None else []
        if not sufficient:
            if not head and len(order):
                z = np.maximum(st["rat"][g, order], st["rdt"][g, order])
                j = int(order[int(np.argmax(z))])
                head = [_finalise(st, g, j, statements[j], False)]
            out.append(head)
            continue
        chosen = [_finalise(st, g, j, statements[j], False) for j in sufficient if j != best_agree]
        chosen.sort(key=lambda r: -(r.repness * r.repness_test * r.p_success * r.p_test))
        picked = (head + chosen)[:top]
        out.append(
            [r for r in picked if r.direction == "agree"] + [r for r in picked if r.direction != "agree"]
        )
    return out


def consensus_statements(
    na: IntArray, nd: IntArray, ns: IntArray, keep: npt.NDArray[np.bool_], top: int = 5
) -> tuple[list[int], list[int]]:
    """Pol.is ``select-consensus-comments`` over everyone: indices of the top agree and disagree statements
    (p > 0.5 and z > 1.2816, ranked by p * z)."""
    picks: list[list[int]] = []
    for n_dir in (na, nd):
        p = (n_dir + 1) / (ns + 2)
        z = prop_test(n_dir, ns)
        ok = np.flatnonzero(keep & (p > 0.5) & (z > Z90))
        ranked = ok[np.argsort(-(p[ok] * z[ok]), kind="stable")]
        picks.append([int(j) for j in ranked[:top]])
    return picks[0], picks[1]


def group_informed_consensus(agree: IntArray, total: IntArray) -> FloatArray:
    """Pol.is group-aware consensus per statement: the product over groups of (A_g + 1) / (S_g + 2)."""
    if agree.shape[0] == 0:
        return np.full(agree.shape[1], np.nan)
    return np.asarray(np.prod((agree + 1.0) / (total + 2.0), axis=0), dtype=np.float64)
