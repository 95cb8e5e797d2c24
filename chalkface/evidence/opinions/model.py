"""Chalkface's opinion map: a model of the observed votes, groups with a hierarchy, bridging scores and
bootstrap uncertainty.

- Votes are modelled where they were cast, with no imputation (:mod:`._factor`): a logistic low-rank model
  of agree vs disagree with participant and statement intercepts, and a logistic model of passing with
  participant and statement intercepts.
- Bridging: the statement intercept of the Community Notes model (:mod:`._bridging`: squared loss,
  one-dimensional factors, intercepts regularised five times as heavily as factors), fitted on the same
  votes: the factor absorbs support that comes from one side first, and the intercept keeps the support
  shared across sides (Community Notes calls a note helpful from 0.40). It degrades when one side is much
  larger than the other; ``consensus`` (the smallest estimated agree share of any group) does not.
- Every participant's chance of agreeing with every statement (voted or not) gives the estimated share of
  all participants, and of every group, who would agree.
- Groups: Ward's hierarchy over the participants' factors (participants with at least ``min(7, n)`` votes;
  above ``max_atoms`` of them, over k-means atoms), cut at the number of groups with the best silhouette.
- Uncertainty: a seeded Poisson bootstrap over votes (each vote counted Poisson(1) times, so both the
  participants' positions and the statements' parameters move), each replicate warm-started from the fit
  and refitted for ``bootstrap_sweeps`` Newton sweeps, aligned to the fit by an orthogonal Procrustes
  rotation; the pass model is not refitted. Membership stability: the share of replicates in which a
  participant is nearest to their own group's centre. Intervals for estimated shares, consensus and
  bridging: the fit plus or minus 1.96 bootstrap standard errors (steadier than percentiles with few
  replicates), each replicate averaging over a fixed seeded sample of ``bootstrap_sample`` participants.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.cluster.vq import kmeans2

from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.opinions import _factor as fx
from chalkface.evidence.opinions._bridging import fit_bridging
from chalkface.evidence.opinions._cluster import cut_tree, weighted_silhouette, weighted_ward
from chalkface.evidence.opinions._shared import build_groups, build_statements, check_pairs
from chalkface.evidence.opinions._votes import VoteMatrix, vote_matrix
from chalkface.evidence.opinions.polis import in_conversation
from chalkface.evidence.opinions.result import Note, OpinionMap, ParticipantPosition

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class ChalkfaceModel:
    """Opinion map from a low-rank model of the observed votes (see the module notes).

    Parameters: ``rank`` of the factors (3); ``lambda_factor`` and ``lambda_intercept``, ridge penalties
    (2 and 10, chosen on held-out votes of three public conversations); ``lambda_pass`` (2);
    ``max_iter`` sweeps (100); ``tol`` (0.01 on the logit scale: the largest parameter change at which
    the fit stops); ``max_groups`` (8); ``min_group_share`` (each group at least 0.05 of the grouped
    participants); ``min_votes`` (7); ``max_atoms`` (400); ``n_bootstrap`` replicates (20) of
    ``bootstrap_sweeps`` sweeps each (1, a one-step bootstrap), averaging over ``bootstrap_sample``
    participants (500); ``n_jobs`` threads for the replicates (``None``: up to 2; each replicate has its
    own seeded stream, so the result does not depend on it); ``seed``.

    Learned: ``votes_``, ``params_``, ``n_iter_``, ``positions_`` (participants x 2), ``in_conv_``,
    ``labels_`` (-1 outside), ``k_``, ``levels_``, ``stability_``, ``estimated_``, ``group_estimated_``,
    ``bridging_``, ``consensus_`` and their intervals, ``result_``.
    """

    def __init__(
        self,
        rank: int = 3,
        lambda_factor: float = 2.0,
        lambda_intercept: float = 10.0,
        lambda_pass: float = 2.0,
        max_iter: int = 100,
        tol: float = 1e-2,
        max_groups: int = 8,
        min_group_share: float = 0.05,
        min_votes: int = 7,
        max_atoms: int = 400,
        n_bootstrap: int = 20,
        bootstrap_sweeps: int = 1,
        bootstrap_sample: int = 500,
        n_jobs: int | None = None,
        seed: int = 0,
    ) -> None:
        self.rank = rank
        self.lambda_factor = lambda_factor
        self.lambda_intercept = lambda_intercept
        self.lambda_pass = lambda_pass
        self.max_iter = max_iter
        self.tol = tol
        self.max_groups = max_groups
        self.min_group_share = min_group_share
        self.min_votes = min_votes
        self.max_atoms = max_atoms
        self.n_bootstrap = n_bootstrap
        self.bootstrap_sweeps = bootstrap_sweeps
        self.bootstrap_sample = bootstrap_sample
        self.n_jobs = n_jobs
        self.seed = seed

    def _check(self) -> None:
        if self.rank < 1:
            raise EvidenceError(f"rank must be at least 1, got {self.rank}")
        for name in ("lambda_factor", "lambda_intercept", "lambda_pass"):
            if not getattr(self, name) > 0:
                raise EvidenceError(f"{name} must be positive, got {getattr(self, name)}")
        if self.max_groups < 2:
            raise EvidenceError(f"max_groups must be at least 2, got {self.max_groups}")
        if self.n_bootstrap < 0 or self.max_iter < 1:
            raise EvidenceError("n_bootstrap must not be negative and max_iter must be at least 1")

    def fit(self, votes: pl.DataFrame | VoteMatrix, moderated_out: set[Any] | None = None) -> ChalkfaceModel:
        """Fit on a frame of votes (``participant``, ``statement``, ``vote``, optional ``timestamp``).
        Moderated-out statements are left out of the model and of the result."""
        self._check()
        vm = votes if isinstance(votes, VoteMatrix) else vote_matrix(votes, moderated_out)
        notes: list[Note] = []
        live = ~vm.moderated[vm.cols]
        design = fx.Design(
            vm.rows[live], vm.cols[live], vm.values[live], (vm.n_participants, vm.n_statements)
        )
        if len(design.y) == 0:
            raise EvidenceError("there are no agree or disagree votes to model")
        lam = (self.lambda_intercept, self.lambda_factor, self.lambda_pass)
        params, n_iter = fx.fit(design, self.rank, *lam, self.seed, self.max_iter, self.tol)
        if n_iter == self.max_iter:
            notes.append(("not_converged", {"sweeps": n_iter}))
        self.votes_, self.params_, self.n_iter_ = vm, params, n_iter
        self.positions_ = self._positions(params)
        self.in_conv_ = in_conversation(vm.votes_per_participant(), vm.n_statements, self.min_votes)
        self._group()
        everyone = np.arange(vm.n_participants)
        self.estimated_, self.group_estimated_ = fx.share_tables(params, everyone, self.labels_, self.k_)
        self.bridging_fit_ = fit_bridging(design, seed=self.seed)
        self.bridging_ = self.bridging_fit_.i_s.copy()
        self.consensus_ = self._consensus(self.group_estimated_, self.estimated_)
        self._bootstrap(design, lam)
        if self.k_ == 0:
            notes.append(("no_groups", {"n_clustered": int(self.in_conv_.sum())}))
        notes.append(("groups", {"k": self.k_, "silhouette": self._chosen_score}))
        notes.append(("bootstrap", {"replicates": self.n_bootstrap, "sweeps": self.bootstrap_sweeps}))
        self.result_ = self._result(notes)
        return self

    # -- map and groups ---------------------------------------------------------------------------------

    def _positions(self, p: fx.Params) -> FloatArray:
        """Participants' factors on their two principal axes (centred), signed so that each axis's largest
        statement loading is positive."""
        f = p.f - p.f.mean(axis=0)
        # eigenvectors of the factors' scatter matrix, summed without BLAS so that the result does not
        # depend on the number of threads
        vals, vecs = np.linalg.eigh(np.einsum("ik,il->kl", f, f))
        axes = vecs[:, np.argsort(-vals, kind="stable")].T[: min(2, f.shape[1])].copy()
        for i in range(len(axes)):
            loading = p.g @ axes[i]
            if loading[int(np.argmax(np.abs(loading)))] < 0:
                axes[i] = -axes[i]
        pos = np.zeros((len(f), 2))
        pos[:, : len(axes)] = f @ axes.T
        return pos

    def _group(self) -> None:
        idx = np.flatnonzero(self.in_conv_)
        n_p = self.votes_.n_participants
        self.labels_ = np.full(n_p, -1, dtype=np.int64)
        self.k_, self.levels_, self._chosen_score = 0, [], None
        self._group_parents: list[int | None] = []
        if len(idx) < 4:
            return
        points = self.params_.f[idx]
        atom_of: IntArray
        if len(idx) > self.max_atoms:
            rng = np.random.default_rng(self.seed)
            centres, raw = kmeans2(points, self.max_atoms, iter=20, minit="points", seed=rng)
            used = np.unique(raw)
            remap = np.full(self.max_atoms, -1, dtype=np.int64)
            remap[used] = np.arange(len(used))
            atom_of, centres = remap[raw].astype(np.int64), centres[used]
        else:
            centres, atom_of = points, np.arange(len(idx), dtype=np.int64)
        weights = np.bincount(atom_of, minlength=len(centres)).astype(np.float64)
        tree = weighted_ward(centres, weights)
        n_atoms = len(centres)
        min_size = self.min_group_share * len(idx)
        best: tuple[float, int] | None = None
        cuts: dict[int, IntArray] = {1: np.zeros(n_atoms, dtype=np.int64)}
        parents_by_k: dict[int, list[int]] = {}
        for k in range(2, min(self.max_groups, n_atoms) + 1):
            cut = cut_tree(tree, n_atoms, k)
            cuts[k] = cut
            sizes = np.bincount(cut, weights=weights)
            score = weighted_silhouette(centres, cut, weights)
            ok = bool(sizes.min() >= min_size)
            parents = [int(cuts[k - 1][np.flatnonzero(cut == g)[0]]) for g in range(k)]
            parents_by_k[k] = parents
            self.levels_.append(
                {
                    "k": k,
                    "silhouette": score,
                    "eligible": ok,
                    "sizes": [int(s) for s in sizes],
                    "parents": parents,
                }
            )
            if ok and (best is None or score > best[0]):
                best = (score, k)
        if best is None:
            return
        self._chosen_score, self.k_ = best[0], best[1]
        self.labels_[idx] = cuts[self.k_][atom_of]
        self._group_parents = list(parents_by_k[self.k_]) if self.k_ > 2 else [None] * self.k_

    def _consensus(self, group_estimated: FloatArray, overall: FloatArray) -> FloatArray:
        """The smallest estimated agree share of any group (everyone's when there are no groups)."""
        return np.asarray(group_estimated.min(axis=0) if self.k_ else overall, dtype=np.float64)

    # -- bootstrap ----------------------------------------------------------------------------------------

    def _bootstrap(self, design: fx.Design, lam: tuple[float, float, float]) -> None:
        n_p, n_s = self.votes_.n_participants, self.votes_.n_statements
        rng = np.random.default_rng([self.seed, 1])
        sample = np.sort(rng.choice(n_p, size=min(n_p, self.bootstrap_sample), replace=False))
        labels_s = self.labels_[sample]
        ref_all, ref_groups = fx.share_tables(self.params_, sample, labels_s, self.k_)
        ref_cons = self._consensus(ref_groups, ref_all)
        idx = np.flatnonzero(self.labels_ >= 0)

        def replicate(b: int) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
            """One replicate, from its own seeded stream, so that the order replicates run in is free."""
            omega = np.random.default_rng([self.seed, 2, b]).poisson(1.0, len(design.y)).astype(np.float64)
            p, logits = self.params_, None
            for _ in range(self.bootstrap_sweeps):
                p, logits = fx.sweep(design, p, lam[0], lam[1], weights=omega, logits=logits)
            est, groups = fx.share_tables(p, sample, labels_s, self.k_)
            bridge = fit_bridging(
                design, weights=omega, start=self.bridging_fit_, sweeps=self.bootstrap_sweeps
            )
            stays = np.zeros(len(idx), dtype=bool)
            if self.k_:
                u, _, vt = np.linalg.svd(np.einsum("ik,il->kl", p.f, self.params_.f))
                aligned = (p.f @ (u @ vt))[idx]
                w = np.bincount(design.rows, weights=omega, minlength=n_p)[idx] + 1e-12
                lab = self.labels_[idx]
                centres = np.stack(
                    [
                        np.einsum("ik,i->k", aligned[lab == g], w[lab == g]) / w[lab == g].sum()
                        for g in range(self.k_)
                    ]
                )
                d2 = ((aligned[:, None, :] - centres[None]) ** 2).sum(axis=2)
                stays = np.argmin(d2, axis=1) == lab
            return est - ref_all, self._consensus(groups, est) - ref_cons, bridge.i_s - self.bridging_, stays

        workers = self.n_jobs if self.n_jobs is not None else min(2, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            results = list(pool.map(replicate, range(self.n_bootstrap)))
        same = np.zeros(n_p)
        draws: dict[str, list[FloatArray]] = {"estimated": [], "consensus": [], "bridging": []}
        for est_shift, cons_shift, bridge_shift, stays in results:
            draws["estimated"].append(est_shift)
            draws["consensus"].append(cons_shift)
            draws["bridging"].append(bridge_shift)
            same[idx] += stays
        self.stability_ = np.where(self.labels_ >= 0, same / max(self.n_bootstrap, 1), np.nan)
        if self.n_bootstrap == 0:
            self.stability_ = np.full(n_p, np.nan)
        self.intervals_: dict[str, tuple[FloatArray, FloatArray]] = {}
        for name, centre in (
            ("estimated", self.estimated_),
            ("consensus", self.consensus_),
            ("bridging", self.bridging_),
        ):
            if self.n_bootstrap < 2:
                nan = np.full(n_s, np.nan)
                self.intervals_[name] = (nan, nan)
                continue
            se = np.stack(draws[name]).std(axis=0, ddof=1)
            low, high = centre - 1.959964 * se, centre + 1.959964 * se
            if name != "bridging":
                low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
            self.intervals_[name] = (low, high)

    # -- outputs ------------------------------------------------------------------------------------------

    def _result(self, notes: list[Note]) -> OpinionMap:
        vm = self.votes_
        groups, stats = build_groups(vm, self.labels_, self.k_, self._group_parents or None)
        statements = build_statements(
            vm,
            stats,
            self.estimated_,
            self.intervals_["estimated"],
            self.consensus_,
            self.intervals_["consensus"],
            self.bridging_,
            self.intervals_["bridging"],
            self.group_estimated_,
        )
        participants = tuple(
            ParticipantPosition(
                id=pid,
                group=int(self.labels_[i]) if self.labels_[i] >= 0 else None,
                x=float(self.positions_[i, 0]),
                y=float(self.positions_[i, 1]),
                stability=float(self.stability_[i]) if np.isfinite(self.stability_[i]) else None,
            )
            for i, pid in enumerate(vm.participants)
        )
        return OpinionMap(
            "chalkface", self.seed, participants, groups, statements, tuple(notes), tuple(self.levels_)
        )

    def predict_proba(self, pairs: Any, given_side: bool = False) -> FloatArray:
        """P(agree) for (participant, statement) pairs, voted or not: a frame with ``participant`` and
        ``statement`` columns, or a sequence of pairs. With ``given_side``, P(agree | agree or disagree).
        Unknown participants or statements are taken at the centre (intercept and factors zero)."""
        participants, statements = check_pairs(pairs)
        rows, cols = self.votes_.index_pairs(participants, statements)
        p = self.params_
        known_r, known_c = rows >= 0, cols >= 0
        r, c = np.maximum(rows, 0), np.maximum(cols, 0)
        b = np.where(known_r, p.b[r], 0.0)
        cc = np.where(known_c, p.c[c], 0.0)
        inter = np.einsum("ij,ij->i", p.f[r], p.g[c]) * known_r * known_c
        side = fx.sigmoid(p.mu + b + cc + inter)
        if given_side:
            return side
        a = np.where(known_r, p.a[r], 0.0)
        d = np.where(known_c, p.d[c], 0.0)
        return np.asarray(side * (1 - fx.sigmoid(p.alpha + a + d)), dtype=np.float64)
