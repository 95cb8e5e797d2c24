"""Regularised logistic matrix factorisation on observed votes, fitted by alternating Newton steps.

Side model, on agree (1) and disagree (0) votes: ``logit P(agree) = mu + b_u + c_s + f_u . g_s`` with
ridge penalties ``lam_i / 2 (b_u^2 + c_s^2)`` and ``lam_f / 2 (|f_u|^2 + |g_s|^2)``.
Pass model, on all votes: ``logit P(pass) = alpha + a_u + d_s`` with ridge ``lam_p / 2``.

Each sweep takes one Newton step for every participant's parameters given the statements', then for every
statement's given the participants', then for the offset; the pass model is fitted the same way on its
own. The per-row Hessians come from sparse products (a CSR matrix of weights times a dense table of
covariate products), so a sweep costs a few passes over the votes. Per-vote weights (a Poisson bootstrap)
scale every side-model step. Probabilities are evaluated in single
precision, sums in double; the arithmetic is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_MAX_STEP = 3.0


def sigmoid(x: npt.NDArray[np.floating]) -> FloatArray:
    """The logistic function, evaluated in single precision, returned in double."""
    x32 = np.asarray(x, dtype=np.float32)
    return np.asarray(0.5 + 0.5 * np.tanh(0.5 * x32), dtype=np.float64)


@dataclass(frozen=True)
class Params:
    """Fitted parameters (see the module notes)."""

    mu: float
    b: FloatArray
    c: FloatArray
    f: FloatArray
    g: FloatArray
    alpha: float
    a: FloatArray
    d: FloatArray


def _pattern(rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> tuple[sp.csr_matrix, IntArray | None]:
    """A CSR pattern of the entries and, per stored entry, the index of the input entry it holds (``None``
    when that is the input order)."""
    m = sp.csr_matrix((np.arange(len(rows), dtype=np.float64) + 1, (rows, cols)), shape=shape)
    perm = (m.data - 1).astype(np.int64)
    return m, None if np.array_equal(perm, np.arange(len(perm))) else perm


class Design:
    """The votes in the layouts the sweeps need, built once. Votes must come sorted by participant."""

    def __init__(self, rows: IntArray, cols: IntArray, values: npt.NDArray[np.int8], shape: tuple[int, int]):
        self.shape = shape
        side = values != 0
        self.rows, self.cols = rows[side], cols[side]
        self.y = (values[side] == 1).astype(np.float64)
        self.row_counts = np.bincount(self.rows, minlength=shape[0])
        self.by_row, self.row_perm = _pattern(self.rows, self.cols, shape)
        self.by_col, self.col_perm = _pattern(self.cols, self.rows, (shape[1], shape[0]))
        self.all_rows, self.all_cols = rows, cols
        self.z = (values == 0).astype(np.float64)

    def logits(self, p: Params) -> FloatArray:
        """``mu + b_u + c_s + f_u . g_s`` for every side vote."""
        out = np.repeat(p.mu + p.b, self.row_counts) + p.c[self.cols]
        for k in range(p.f.shape[1]):
            out += np.repeat(p.f[:, k], self.row_counts) * np.take(p.g[:, k], self.cols)
        return np.asarray(out, dtype=np.float64)


def _with(pattern: sp.csr_matrix, perm: IntArray | None, values: FloatArray) -> sp.csr_matrix:
    """A matrix with ``pattern``'s structure holding ``values`` (given in vote order), without the checks
    and copies of SciPy's constructor."""
    out = sp.csr_matrix(pattern.shape)
    out.indices, out.indptr = pattern.indices, pattern.indptr
    out.data = values if perm is None else values[perm]
    return out


def _newton_rows(
    weights: sp.csr_matrix, resid: sp.csr_matrix, other: FloatArray, theta: FloatArray, penalty: FloatArray
) -> FloatArray:
    """One Newton step for each row's parameters ``theta`` (rows x k) with covariates ``other`` (columns
    x k): Hessian ``sum w x x' + diag(penalty)``, gradient ``sum r x - penalty * theta``; steps longer than
    3 are shortened."""
    k = other.shape[1]
    pairs = [(i, j) for i in range(k) for j in range(i, k)]
    products = np.stack([other[:, i] * other[:, j] for i, j in pairs], axis=1)
    h_flat = np.asarray(weights @ products)
    grad = np.asarray(resid @ other) - penalty[None, :] * theta
    hess = np.zeros((theta.shape[0], k, k))
    for n, (i, j) in enumerate(pairs):
        hess[:, i, j] = h_flat[:, n]
        hess[:, j, i] = h_flat[:, n]
    hess[:, np.arange(k), np.arange(k)] += penalty[None, :]
    step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
    norm = np.sqrt((step**2).sum(axis=1, keepdims=True))
    step = step * np.minimum(1.0, _MAX_STEP / np.maximum(norm, 1e-300))
    return np.asarray(theta + step, dtype=np.float64)


def sweep(
    d: Design,
    p: Params,
    lam_i: float,
    lam_f: float,
    weights: FloatArray | None = None,
    logits: FloatArray | None = None,
) -> tuple[Params, FloatArray]:
    """One alternating Newton sweep of the side model; ``weights`` (per side vote) are bootstrap weights
    and ``logits`` the current logits if known. Returns the parameters and their logits."""
    n_p, n_s = d.shape
    r = p.f.shape[1]
    pen = np.array([lam_i] + [lam_f] * r)

    def terms(prob: FloatArray) -> tuple[FloatArray, FloatArray]:
        hess, resid = prob * (1 - prob), d.y - prob
        return (hess, resid) if weights is None else (weights * hess, weights * resid)

    prob = sigmoid(d.logits(p) if logits is None else logits)
    hess, resid = terms(prob)
    theta = _newton_rows(
        _with(d.by_row, d.row_perm, hess),
        _with(d.by_row, d.row_perm, resid),
        np.column_stack([np.ones(n_s), p.g]),
        np.column_stack([p.b, p.f]),
        pen,
    )
    p = replace(p, b=theta[:, 0], f=theta[:, 1:])
    hess, resid = terms(sigmoid(d.logits(p)))
    theta = _newton_rows(
        _with(d.by_col, d.col_perm, hess),
        _with(d.by_col, d.col_perm, resid),
        np.column_stack([np.ones(n_p), p.f]),
        np.column_stack([p.c, p.g]),
        pen,
    )
    p = replace(p, c=theta[:, 0], g=theta[:, 1:])
    eta = d.logits(p)
    hess, resid = terms(sigmoid(eta))
    h = float(hess.sum())
    step = float(resid.sum()) / h if h > 0 else 0.0
    return replace(p, mu=p.mu + step), eta + step


def fit_pass(d: Design, p: Params, lam: float, max_iter: int = 50, tol: float = 1e-3) -> Params:
    """The pass model by alternating Newton steps (participants, statements, offset) to convergence."""
    for _ in range(max_iter):
        new = _pass_sweep(d, p, lam, None)
        moved = max(np.abs(new.a - p.a).max(initial=0), np.abs(new.d - p.d).max(initial=0))
        p = new
        if moved < tol:
            break
    return p


def _pass_sweep(d: Design, p: Params, lam: float, weights: FloatArray | None) -> Params:
    n_p, n_s = d.shape
    w = np.ones(len(d.z)) if weights is None else weights
    a, dd, alpha = p.a, p.d, p.alpha
    for axis in (0, 1):
        q = sigmoid(alpha + a[d.all_rows] + dd[d.all_cols])
        index, size = (d.all_rows, n_p) if axis == 0 else (d.all_cols, n_s)
        own = a if axis == 0 else dd
        grad = np.bincount(index, weights=w * (d.z - q), minlength=size) - lam * own
        hess = np.bincount(index, weights=w * q * (1 - q), minlength=size) + lam
        new = own + np.clip(grad / hess, -_MAX_STEP, _MAX_STEP)
        if axis == 0:
            a = new
        else:
            dd = new
    q = sigmoid(alpha + a[d.all_rows] + dd[d.all_cols])
    h = float((w * q * (1 - q)).sum())
    alpha = alpha + (float((w * (d.z - q)).sum()) / h if h > 0 else 0.0)
    return replace(p, a=a, d=dd, alpha=alpha)


def start(d: Design, rank: int, seed: int) -> Params:
    """Seeded small random factors; offsets at the overall shares' logits; intercepts zero."""
    n_p, n_s = d.shape
    rng = np.random.default_rng(seed)
    share = (d.y.sum() + 1) / (len(d.y) + 2)
    pass_share = (d.z.sum() + 1) / (len(d.z) + 2)
    return Params(
        mu=float(np.log(share / (1 - share))),
        b=np.zeros(n_p),
        c=np.zeros(n_s),
        f=rng.normal(0, 0.1, (n_p, rank)),
        g=rng.normal(0, 0.1, (n_s, rank)),
        alpha=float(np.log(pass_share / (1 - pass_share))),
        a=np.zeros(n_p),
        d=np.zeros(n_s),
    )


def change(old: Params, new: Params) -> float:
    """The largest change of any participant's or statement's parameter."""
    return float(
        max(
            np.abs(new.b - old.b).max(initial=0),
            np.abs(new.c - old.c).max(initial=0),
            np.abs(new.f - old.f).max(initial=0),
            np.abs(new.g - old.g).max(initial=0),
        )
    )


def fit(
    d: Design, rank: int, lam_i: float, lam_f: float, lam_p: float, seed: int, max_iter: int, tol: float
) -> tuple[Params, int]:
    """Side-model sweeps until no parameter moves by ``tol`` or more, or ``max_iter``; then the pass
    model. Returns the parameters and the number of side sweeps."""
    p = start(d, rank, seed)
    logits = None
    n_iter = max_iter
    for it in range(1, max_iter + 1):
        new, logits = sweep(d, p, lam_i, lam_f, logits=logits)
        moved = change(p, new)
        p = new
        if moved < tol:
            n_iter = it
            break
    return fit_pass(d, p, lam_p), n_iter


def share_tables(
    p: Params, rows: IntArray, labels: IntArray, n_groups: int, chunk: int = 1024
) -> tuple[FloatArray, FloatArray]:
    """Mean P(agree) (a pass is not an agree) per statement over participants ``rows``, overall and per
    group (``labels`` aligned with ``rows``, -1 for no group), in chunks of statements, single precision
    inside. The low-rank term is summed factor by factor (BLAS is slow for products this thin)."""
    n_s = len(p.c)
    order = np.argsort(labels, kind="stable")
    rows, labels = rows[order], labels[order]
    overall = np.zeros(n_s)
    by_group = np.zeros((n_groups, n_s))
    counts = np.bincount(labels[labels >= 0], minlength=n_groups)
    starts = np.searchsorted(labels, np.arange(n_groups))
    base = (p.mu + p.b[rows]).astype(np.float32)
    f = p.f[rows].astype(np.float32)
    g = p.g.astype(np.float32)
    c = p.c.astype(np.float32)
    # 1 - sigmoid(alpha + a_u + d_s) = 1 / (1 + exp(alpha + a_u) exp(d_s)): no exponential per cell
    pass_u = np.exp(np.clip(p.alpha + p.a[rows], -80, 80)).astype(np.float32)
    pass_s = np.exp(np.clip(p.d, -80, 80)).astype(np.float32)
    with np.errstate(over="ignore"):
        for lo in range(0, n_s, chunk):
            hi = min(n_s, lo + chunk)
            side = np.add.outer(base, c[lo:hi])
            for k in range(f.shape[1]):
                side += np.multiply.outer(f[:, k], g[lo:hi, k])
            np.negative(side, out=side)
            np.exp(side, out=side)
            side += 1
            stay = np.multiply.outer(pass_u, pass_s[lo:hi])
            stay += 1
            side *= stay
            np.reciprocal(side, out=side)
            overall[lo:hi] = side.mean(axis=0, dtype=np.float64)
            for grp in range(n_groups):
                if counts[grp]:
                    block = side[starts[grp] : starts[grp] + counts[grp]]
                    by_group[grp, lo:hi] = block.sum(axis=0, dtype=np.float64) / counts[grp]
    return overall, by_group
