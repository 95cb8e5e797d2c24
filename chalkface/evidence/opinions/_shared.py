"""Pieces both opinion methods share: Wilson intervals, per-group vote counts, and the statement table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from chalkface.evidence.opinions._repness import (
    Representative,
    consensus_statements,
    representative_statements,
)
from chalkface.evidence.opinions._votes import VoteMatrix
from chalkface.evidence.opinions.result import GroupShare, Interval, OpinionGroup, StatementResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Z95 = 1.959963984540054


def wilson(success: npt.ArrayLike, n: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """95% Wilson score intervals, vectorised; ``nan`` where ``n`` is 0."""
    s, m = np.asarray(success, dtype=np.float64), np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / m
        centre = (p + Z95**2 / (2 * m)) / (1 + Z95**2 / m)
        half = Z95 * np.sqrt(p * (1 - p) / m + Z95**2 / (4 * m**2)) / (1 + Z95**2 / m)
    lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return np.where(m > 0, lo, np.nan), np.where(m > 0, hi, np.nan)


def group_counts(votes: VoteMatrix, labels: IntArray, n_groups: int) -> tuple[IntArray, IntArray, IntArray]:
    """Agree, disagree and all-vote counts, groups x statements; ``labels`` is -1 for the ungrouped."""
    lab = labels[votes.rows]
    keep = lab >= 0
    flat = lab[keep] * votes.n_statements + votes.cols[keep]
    vals = votes.values[keep]
    size = n_groups * votes.n_statements
    shape = (n_groups, votes.n_statements)
    agree = np.bincount(flat[vals == 1], minlength=size).reshape(shape)
    disagree = np.bincount(flat[vals == -1], minlength=size).reshape(shape)
    total = np.bincount(flat, minlength=size).reshape(shape)
    return agree.astype(np.int64), disagree.astype(np.int64), total.astype(np.int64)


def _iv(lo: float, hi: float) -> Interval:
    return None if not (np.isfinite(lo) and np.isfinite(hi)) else (float(lo), float(hi))


def _opt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def build_groups(
    votes: VoteMatrix,
    labels: IntArray,
    n_groups: int,
    parents: Sequence[int | None] | None = None,
) -> tuple[tuple[OpinionGroup, ...], tuple[IntArray, IntArray, IntArray]]:
    """Opinion groups with their Pol.is representative statements, and the per-group counts."""
    na, nd, ns = group_counts(votes, labels, n_groups)
    reps: list[list[Representative]] = (
        representative_statements(na, nd, ns, votes.statements, ~votes.moderated) if n_groups else []
    )
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups)
    groups = tuple(
        OpinionGroup(
            id=g,
            size=int(sizes[g]),
            representative=tuple(reps[g]),
            parent=None if parents is None else parents[g],
        )
        for g in range(n_groups)
    )
    return groups, (na, nd, ns)


def build_statements(
    votes: VoteMatrix,
    group_stats: tuple[IntArray, IntArray, IntArray],
    estimated: FloatArray,
    estimated_iv: tuple[FloatArray, FloatArray],
    consensus: FloatArray,
    consensus_iv: tuple[FloatArray, FloatArray] | None,
    bridging: FloatArray | None,
    bridging_iv: tuple[FloatArray, FloatArray] | None,
    group_estimated: FloatArray | None,
) -> tuple[StatementResult, ...]:
    """The statement table (moderated-out statements are left out)."""
    agree, disagree, total = votes.counts()
    lo, hi = wilson(agree, total)
    cons_agree, cons_disagree = consensus_statements(agree, disagree, total, ~votes.moderated)
    consensus_for: dict[int, str] = {j: "agree" for j in cons_agree}
    consensus_for.update({j: "disagree" for j in cons_disagree})
    na, _, ns = group_stats
    out = []
    for j, sid in enumerate(votes.statements):
        if votes.moderated[j]:
            continue
        shares = tuple(
            GroupShare(
                group=g,
                n_votes=int(ns[g, j]),
                n_agree=int(na[g, j]),
                agree_share=float(na[g, j] / ns[g, j]) if ns[g, j] else None,
                estimated_agree_share=None if group_estimated is None else _opt(group_estimated[g, j]),
            )
            for g in range(na.shape[0])
        )
        out.append(
            StatementResult(
                id=sid,
                n_votes=int(total[j]),
                n_agree=int(agree[j]),
                n_disagree=int(disagree[j]),
                n_pass=int(total[j] - agree[j] - disagree[j]),
                agree_share=float(agree[j] / total[j]) if total[j] else None,
                agree_share_interval=_iv(lo[j], hi[j]),
                estimated_agree_share=_opt(estimated[j]),
                estimated_agree_share_interval=_iv(estimated_iv[0][j], estimated_iv[1][j]),
                consensus=_opt(consensus[j]),
                consensus_interval=None
                if consensus_iv is None
                else _iv(consensus_iv[0][j], consensus_iv[1][j]),
                consensus_for=consensus_for.get(j),
                bridging=None if bridging is None else _opt(bridging[j]),
                bridging_interval=None if bridging_iv is None else _iv(bridging_iv[0][j], bridging_iv[1][j]),
                groups=shares,
            )
        )
    return tuple(out)


def check_pairs(pairs: Any) -> tuple[list[Any], list[Any]]:
    """Participant and statement ids from a frame with ``participant`` and ``statement`` columns, or from a
    sequence of (participant, statement) tuples."""
    import polars as pl

    from chalkface.evidence._frames import require_columns

    if isinstance(pairs, pl.DataFrame):
        require_columns(pairs, ["participant", "statement"], what="the pairs")
        return pairs["participant"].to_list(), pairs["statement"].to_list()
    items = list(pairs)
    return [p for p, _ in items], [s for _, s in items]
