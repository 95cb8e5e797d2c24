"""Bridging scores as Community Notes computes note helpfulness (``matrix_factorization/model.py``).

On agree (1) and disagree (0) votes: ``y_us ~ mu + i_u + i_s + f_u g_s`` with one-dimensional factors,
squared loss and the Community Notes penalties on the mean of the squared parameters,
``lam_i (mean i^2 + mu^2)`` and ``lam_f mean f^2`` with ``lam_i = 0.15 = 5 lam_f``. Heavy intercept
regularisation makes the factor absorb support that comes from one side of the divide first, so a
statement's intercept measures the support it has across it. Fitted here by alternating least squares
(exact solves per participant and per statement) instead of Adam; ``mu`` is solved with its penalty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from chalkface.evidence.opinions._factor import Design, _with

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.03


@dataclass(frozen=True)
class Bridging:
    mu: float
    i_u: FloatArray
    i_s: FloatArray
    f: FloatArray
    g: FloatArray


def _solve(
    counts: sp.csr_matrix, targets: sp.csr_matrix, x: FloatArray, lam_i: float, lam_f: float
) -> tuple[FloatArray, FloatArray]:
    """Per row, the ridge solution of ``t ~ i + f x`` (two unknowns) over that row's votes."""
    s0 = np.asarray(counts.sum(axis=1)).ravel()
    s1 = np.asarray(counts @ x).ravel()
    s2 = np.asarray(counts @ (x * x)).ravel()
    t0 = np.asarray(targets.sum(axis=1)).ravel()
    t1 = np.asarray(targets @ x).ravel()
    a, b, c = s0 + lam_i, s1, s2 + lam_f
    det = a * c - b * b
    return (c * t0 - b * t1) / det, (a * t1 - b * t0) / det


def fit_bridging(
    d: Design,
    weights: FloatArray | None = None,
    start: Bridging | None = None,
    sweeps: int = 50,
    tol: float = 1e-4,
    seed: int = 0,
) -> Bridging:
    """Fit (or, from ``start``, refit for ``sweeps`` sweeps) the Community Notes model on the side votes of
    ``d``; ``weights`` per side vote are bootstrap weights."""
    n_p, n_s = d.shape
    rows, cols, y = d.rows, d.cols, d.y
    w = np.ones(len(y)) if weights is None else weights
    n_w = float(w.sum())
    scale = n_w / (n_p + n_s)  # the penalties are on means over parameters; the loss is a sum over votes
    lam_i, lam_f = LAMBDA_INTERCEPT * scale, LAMBDA_FACTOR * scale
    row_w = _with(d.by_row, d.row_perm, w)
    col_w = _with(d.by_col, d.col_perm, w)
    if start is None:
        g0 = np.random.default_rng(seed).normal(0, 0.1, n_s)
        p = Bridging(float(np.average(y, weights=w)), np.zeros(n_p), np.zeros(n_s), np.zeros(n_p), g0)
    else:
        p = start
    mu, i_u, i_s, f, g = p.mu, p.i_u, p.i_s, p.f, p.g
    for _ in range(sweeps):
        old = np.concatenate([i_s, g])
        i_u, f = _solve(row_w, _with(d.by_row, d.row_perm, w * (y - mu - i_s[cols])), g, lam_i, lam_f)
        i_s, g = _solve(col_w, _with(d.by_col, d.col_perm, w * (y - mu - i_u[rows])), f, lam_i, lam_f)
        fitted = i_u[rows] + i_s[cols] + f[rows] * g[cols]
        mu = float((w * (y - fitted)).sum() / (n_w + lam_i))
        if np.abs(np.concatenate([i_s, g]) - old).max(initial=0) < tol:
            break
    return Bridging(mu, i_u, i_s, f, g)
