"""The Pol.is opinion map, computed as the Pol.is math does it (``math/src/polismath/math``), made
deterministic.

Steps (one full computation on all votes; Pol.is updates incrementally and warm-starts each step from the
last update, which a single fit cannot reproduce):

1. The math's sign: agree = -1, disagree = +1, pass = 0. Moderated-out statements are set to 0 for everyone
   (Pol.is ``zero-out-columns``): they carry no variance and count as a vote in the projection scaling.
2. Missing votes are replaced by their statement's mean vote; the matrix is centred.
3. Two principal components, computed exactly (dense eigendecomposition of the statement covariance, or a
   converged subspace iteration from a seeded start for many statements) instead of 100 unseeded power
   iterations; each component's sign is fixed so that its largest loading is positive.
4. Participant positions: ``sqrt(n_statements / n_votes)`` times the projection of their centred votes.
5. Participants in the clustering: at least ``min(7, n_statements)`` votes, topped up to 15 with the most
   active voters.
6. 100 base clusters by k-means (first 100 distinct points in participant order, at most 101 steps).
7. Groups: size-weighted k-means on the base-cluster centres for k = 2..min(5, 2 + n_base // 12) (the math
   passes its 100-iteration option under a name k-means ignores, so 21 steps at most); the k with the best
   silhouette over base clusters wins (ties: the larger k). Pol.is warm-starts this k-means from the last
   update's groups, which settles in a good optimum; from a clean start its own init (the first k distinct
   centres) often does not, so the fit also tries ``group_inits - 1`` seeded k-means++ starts and keeps the
   lowest size-weighted within-group sum of squares (``group_inits=1`` is the bare clean start). Pol.is
   adopts a new k only after it wins four updates in a row; there is one fit here, so no smoothing.
8. Representative statements, consensus statements and group-informed consensus as ``repness.clj``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import scipy.linalg
import scipy.sparse as sp

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions._cluster import inertia, kmeans_pp, polis_kmeans, polis_silhouette
from chalkface.evidence.opinions._repness import group_informed_consensus
from chalkface.evidence.opinions._shared import build_groups, build_statements, check_pairs, group_counts
from chalkface.evidence.opinions._votes import VoteMatrix, vote_matrix
from chalkface.evidence.opinions.result import Note, OpinionMap, ParticipantPosition

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _orthonormal(block: FloatArray) -> FloatArray:
    """Orthonormal columns spanning ``block`` (Cholesky QR, twice for accuracy)."""
    for _ in range(2):
        gram = np.einsum("ik,il->kl", block, block)
        chol = np.linalg.cholesky(gram)
        block = np.asarray(scipy.linalg.solve_triangular(chol, block.T, lower=True).T, dtype=np.float64)
    return block


def principal_components(
    centred: sp.csr_matrix, n_comps: int, seed: int, dense_below: int = 1500
) -> FloatArray:
    """The top ``n_comps`` right singular vectors of a centred sparse matrix, as rows, signs fixed.

    Exact eigendecomposition of ``X'X`` for up to ``dense_below`` columns; above, subspace iteration with
    Rayleigh-Ritz from a seeded Gaussian start, run until the top vectors' residuals fall below 1e-7 of
    the top eigenvalue. Long sums use sparse products or ``einsum``, not multi-threaded BLAS, so the result
    does not depend on the number of threads.
    """
    n_rows, n_cols = centred.shape
    comps = np.zeros((n_comps, n_cols))
    n_use = min(n_comps, n_rows, n_cols)
    if n_use == 0 or centred.nnz == 0:
        return comps
    if n_cols <= dense_below:
        gram = (centred.T @ centred).toarray()
        vals, vecs = scipy.linalg.eigh(gram, subset_by_index=[n_cols - n_use, n_cols - 1])
        top = vecs[:, np.argsort(-vals, kind="stable")].T
    else:
        block = min(n_cols, n_use + 10)
        basis = _orthonormal(np.random.default_rng(seed).standard_normal((n_cols, block)))
        top = basis[:, :n_use].T
        for _ in range(500):
            product = centred.T @ (centred @ basis)
            small = np.einsum("ik,il->kl", basis, product)
            vals, vecs = np.linalg.eigh((small + small.T) / 2)
            rotate = vecs[:, np.argsort(-vals, kind="stable")]
            vals = np.sort(vals)[::-1]
            ritz, image = basis @ rotate, product @ rotate
            top = ritz[:, :n_use].T
            resid = np.sqrt(((image[:, :n_use] - ritz[:, :n_use] * vals[:n_use]) ** 2).sum(axis=0))
            if resid.max() <= 1e-7 * max(abs(vals[0]), 1e-300):
                break
            basis = _orthonormal(image)
    empty = np.asarray(abs(centred).sum(axis=0)).ravel() == 0
    top[:, empty] = 0.0  # columns without variance load exactly zero
    for i in range(n_use):
        v = top[i] / np.linalg.norm(top[i]) + 0.0
        if v[int(np.argmax(np.abs(v)))] < 0:
            v = -v
        comps[i] = v
    return comps


def in_conversation(
    counts: IntArray, n_statements: int, minimum: int = 7, greedy: int = 15
) -> npt.NDArray[np.bool_]:
    """Pol.is ``in-conv``: at least ``min(minimum, n_statements)`` votes, topped up to ``greedy`` participants
    with the most votes (ties: earlier participants)."""
    inside = counts >= min(minimum, n_statements)
    if inside.sum() < greedy:
        outside = np.flatnonzero(~inside & (counts > 0))
        ranked = outside[np.argsort(-counts[outside], kind="stable")]
        inside[ranked[: greedy - int(inside.sum())]] = True
    return inside


class PolisModel:
    """The Pol.is opinion map of a conversation, deterministic (see the module notes for every step).

    Parameters: ``n_comps`` (2), ``base_k`` (100), ``max_k`` (5), ``min_votes`` (7), ``group_inits`` (10
    starts of the group k-means), ``seed`` (for those starts and the subspace iteration).

    Learned: ``votes_`` (:class:`VoteMatrix`), ``components_`` (2 x statements, the math's sign),
    ``center_`` (statement means), ``positions_`` (participants x 2), ``in_conv_``, ``base_labels_``
    (-1 outside the clustering), ``base_centres_``, ``silhouettes_`` ({k: score}), ``k_``, ``labels_``
    (group per participant, -1 outside), ``result_`` (:class:`OpinionMap`).
    """

    def __init__(
        self,
        n_comps: int = 2,
        base_k: int = 100,
        max_k: int = 5,
        min_votes: int = 7,
        group_inits: int = 10,
        seed: int = 0,
    ) -> None:
        self.n_comps = n_comps
        self.group_inits = group_inits
        self.base_k = base_k
        self.max_k = max_k
        self.min_votes = min_votes
        self.seed = seed

    def fit(self, votes: pl.DataFrame | VoteMatrix, moderated_out: set[Any] | None = None) -> PolisModel:
        """Fit on a frame of votes (``participant``, ``statement``, ``vote``, optional ``timestamp``)."""
        if self.n_comps != 2:
            raise EvidenceError(f"n_comps must be 2 (the map is two-dimensional), got {self.n_comps}")
        if self.group_inits < 1:
            raise EvidenceError(f"group_inits must be at least 1, got {self.group_inits}")
        if self.base_k < 2 or self.max_k < 2:
            raise EvidenceError(f"base_k and max_k must be at least 2, got {self.base_k} and {self.max_k}")
        vm = votes if isinstance(votes, VoteMatrix) else vote_matrix(votes, moderated_out)
        notes: list[Note] = [("single_fit_no_k_smoothing", {})]
        n_s = vm.n_statements
        math_votes = -vm.values.astype(np.float64)
        mod = vm.moderated
        live = ~mod[vm.cols]
        col_sum = np.bincount(vm.cols[live], weights=math_votes[live], minlength=n_s)
        col_n = np.bincount(vm.cols[live], minlength=n_s)
        center = np.divide(col_sum, col_n, out=np.zeros(n_s), where=col_n > 0)
        centred_vals = np.where(live, math_votes - center[vm.cols], 0.0)
        centred = vm.sparse(centred_vals)
        comps = principal_components(centred, self.n_comps, self.seed)
        counts = vm.votes_per_participant()
        n_voted = np.bincount(vm.rows[live], minlength=vm.n_participants) + int(mod.sum())
        scale = np.sqrt(n_s / np.maximum(n_voted, 1))
        positions = np.asarray(centred @ comps.T) * scale[:, None]
        inside = in_conversation(counts, n_s, self.min_votes)
        idx = np.flatnonzero(inside)
        base_labels = np.full(vm.n_participants, -1, dtype=np.int64)
        labels = np.full(vm.n_participants, -1, dtype=np.int64)
        silhouettes: dict[int, float] = {}
        k = 0
        base_centres = np.zeros((0, 2))
        if len(idx) >= 2:
            base_centres, bl = polis_kmeans(positions[idx], self.base_k, max_iter=100)
            base_labels[idx] = bl
            weights = np.bincount(bl, minlength=len(base_centres)).astype(np.float64)
            max_k = min(self.max_k, 2 + len(base_centres) // 12)
            clusterings: dict[int, IntArray] = {}
            rng = np.random.default_rng(self.seed)
            for kk in range(2, max_k + 1):
                clusterings[kk] = self._groups(base_centres, kk, weights, rng)
                silhouettes[kk] = polis_silhouette(base_centres, clusterings[kk])
            if clusterings:
                best = max(silhouettes.values())
                k = max(kk for kk, s in silhouettes.items() if s == best)
                labels[idx] = clusterings[k][bl]
                k = int(labels.max()) + 1
        else:
            notes.append(("too_few_participants", {"n": int(len(idx))}))
        self.votes_, self.components_, self.center_ = vm, comps, center
        self.positions_, self.in_conv_, self.base_labels_ = positions, inside, base_labels
        self.base_centres_, self.silhouettes_, self.k_, self.labels_ = base_centres, silhouettes, k, labels
        notes.append(("groups", {"k": k, "silhouette": silhouettes.get(k), "n_base": int(len(base_centres))}))
        self.result_ = self._result(notes)
        return self

    def _groups(self, points: FloatArray, k: int, weights: FloatArray, rng: np.random.Generator) -> IntArray:
        """Weighted k-means from the Pol.is start and ``group_inits - 1`` seeded k-means++ starts; the
        lowest within-group sum of squares wins (ties: the earlier start)."""
        best: tuple[float, IntArray] | None = None
        for start in range(self.group_inits):
            init = None if start == 0 else kmeans_pp(points, k, weights, rng)
            centres, labels = polis_kmeans(points, k, weights=weights, max_iter=20, init=init)
            score = inertia(points, centres, labels, weights)
            if best is None or score < best[0]:
                best = (score, labels)
        assert best is not None
        return best[1]

    def _result(self, notes: list[Note]) -> OpinionMap:
        vm, labels, k = self.votes_, self.labels_, self.k_
        groups, stats = build_groups(vm, labels, k)
        all_a, _, all_s = group_counts(vm, labels, k)
        gic = group_informed_consensus(all_a, all_s)
        est, lo, hi = self._poststratified(stats)
        statements = build_statements(vm, stats, est, (lo, hi), gic, None, None, None, None)
        participants = tuple(
            ParticipantPosition(
                id=pid,
                group=int(labels[i]) if labels[i] >= 0 else None,
                x=float(self.positions_[i, 0]),
                y=float(self.positions_[i, 1]),
            )
            for i, pid in enumerate(vm.participants)
        )
        levels = tuple({"k": kk, "silhouette": s} for kk, s in sorted(self.silhouettes_.items()))
        return OpinionMap("polis", self.seed, participants, groups, statements, tuple(notes), levels)

    def _poststratified(
        self, stats: tuple[IntArray, IntArray, IntArray]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Agree share among the clustered participants, weighting each group's observed share by its size
        (assumes that within a group, those who did not vote would have voted as those who did)."""
        na, _, ns = stats
        sizes = np.bincount(self.labels_[self.labels_ >= 0], minlength=self.k_).astype(np.float64)
        n_s = self.votes_.n_statements
        if self.k_ == 0:
            nan = np.full(n_s, np.nan)
            return nan, nan, nan
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(ns > 0, na / ns, np.nan)
            w = np.where(ns > 0, sizes[:, None], 0.0)
            w = w / w.sum(axis=0, keepdims=True)
            est = np.nansum(w * p, axis=0)
            se = np.sqrt(np.nansum(w**2 * p * (1 - p) / ns, axis=0))
        est = np.where(ns.sum(axis=0) > 0, est, np.nan)
        return est, np.clip(est - 1.96 * se, 0, 1), np.clip(est + 1.96 * se, 0, 1)

    def predict_proba(self, pairs: Any) -> FloatArray:
        """P(agree rather than disagree) for (participant, statement) pairs from the participant's group's
        votes, ``(A + 1) / (A + D + 2)``; everyone's votes for participants outside the groups; 0.5 for
        unknown ids."""
        participants, statements = check_pairs(pairs)
        rows, cols = self.votes_.index_pairs(participants, statements)
        na, nd, _ = group_counts(self.votes_, self.labels_, self.k_)
        a_all, d_all, _ = self.votes_.counts()
        out = np.full(len(rows), 0.5)
        ok = (rows >= 0) & (cols >= 0)
        g = np.where(ok, self.labels_[np.maximum(rows, 0)], -1)
        grouped = ok & (g >= 0)
        c = np.maximum(cols, 0)
        out[grouped] = (na[g[grouped], c[grouped]] + 1) / (
            na[g[grouped], c[grouped]] + nd[g[grouped], c[grouped]] + 2
        )
        rest = ok & (g < 0)
        out[rest] = (a_all[c[rest]] + 1) / (a_all[c[rest]] + d_all[c[rest]] + 2)
        return out
