"""Clustering helpers: the k-means and silhouette of the Pol.is math, size-weighted Ward linkage, and the
adjusted Rand index. Private to the opinions package; deterministic (no random numbers, ties to the lowest
index)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _first_distinct(points: FloatArray, k: int) -> IntArray:
    """Row indices of the first ``k`` distinct rows, in row order."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k].astype(np.int64)


def kmeans_pp(points: FloatArray, k: int, weights: FloatArray, rng: np.random.Generator) -> FloatArray:
    """k-means++ starting centres (Arthur and Vassilvitskii 2007), weighted, from a seeded generator."""
    centres = [points[int(rng.choice(len(points), p=weights / weights.sum()))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2), axis=1) * weights
        if d2.sum() <= 0:
            break
        centres.append(points[int(rng.choice(len(points), p=d2 / d2.sum()))])
    return np.array(centres)


def polis_kmeans(
    points: FloatArray,
    k: int,
    weights: FloatArray | None = None,
    max_iter: int = 20,
    tol: float = 0.01,
    init: FloatArray | None = None,
) -> tuple[FloatArray, IntArray]:
    """k-means as the Pol.is math runs it from a clean start.

    Initial centres are the first ``k`` distinct points in row order; each step assigns every point to its
    nearest centre (ties: the lowest centre), moves each centre to the (weighted) mean of its members and
    drops centres left without members; it stops when no centre moved by ``tol`` or more, after at most
    ``max_iter + 1`` steps. Returns the centres in the order of their creation and each point's centre.
    ``init`` replaces the starting centres.
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    centres = points[_first_distinct(points, k)].copy() if init is None else init.copy()
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(max_iter + 1):
        labels = nearest(points, centres)
        mass = np.bincount(labels, weights=w, minlength=len(centres))
        keep = mass > 0
        sums = np.stack(
            [
                np.bincount(labels, weights=w * points[:, d], minlength=len(centres))
                for d in range(points.shape[1])
            ],
            axis=1,
        )
        new = sums[keep] / mass[keep][:, None]
        moved = np.sqrt(((new - centres[keep]) ** 2).sum(axis=1))
        remap = np.cumsum(keep) - 1
        labels = remap[labels]
        converged = bool(np.all(moved < tol)) and bool(keep.all())
        centres = new
        if converged:
            break
    return centres, labels


def inertia(points: FloatArray, centres: FloatArray, labels: IntArray, weights: FloatArray) -> float:
    """Weighted within-cluster sum of squares."""
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def nearest(points: FloatArray, centres: FloatArray) -> IntArray:
    """Index of each point's nearest centre (squared distances summed per dimension; ties: lowest)."""
    d2 = (points[:, :1] - centres[:, 0][None, :]) ** 2
    for dim in range(1, points.shape[1]):
        d2 += (points[:, dim : dim + 1] - centres[:, dim][None, :]) ** 2
    return np.asarray(np.argmin(d2, axis=1), dtype=np.int64)


def polis_silhouette(points: FloatArray, labels: IntArray) -> float:
    """Mean silhouette over points (unweighted), with 0 for a point alone in its cluster, as Pol.is."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    sums = np.stack([dist[:, labels == g].sum(axis=1) for g in groups], axis=1)
    sizes = np.array([(labels == g).sum() for g in groups], dtype=np.float64)
    own = np.searchsorted(groups, labels)
    own_size = sizes[own]
    a = np.where(own_size > 1, sums[np.arange(len(points)), own] / np.maximum(own_size - 1, 1), 0.0)
    other = sums / sizes[None, :]
    other[np.arange(len(points)), own] = np.inf
    b = other.min(axis=1)
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(s.mean())


def weighted_silhouette(points: FloatArray, labels: IntArray, weights: FloatArray) -> float:
    """Silhouette of points that stand for ``weights`` participants each (cluster centres of atoms).

    A point's own cluster distance averages over the other participants of its cluster, counting the other
    participants of its own atom at distance 0; the mean is weighted by ``weights``.
    """
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    sums = np.stack(
        [np.einsum("ij,j->i", dist[:, labels == g], weights[labels == g]) for g in groups], axis=1
    )
    sizes = np.array([weights[labels == g].sum() for g in groups], dtype=np.float64)
    own = np.searchsorted(groups, labels)
    idx = np.arange(len(points))
    own_size = sizes[own]
    a = sums[idx, own] / np.maximum(own_size - 1, 1e-12)
    other = sums / sizes[None, :]
    other[idx, own] = np.inf
    b = other.min(axis=1)
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(np.average(s, weights=weights))


def weighted_ward(points: FloatArray, weights: FloatArray) -> FloatArray:
    """Ward linkage of points standing for ``weights`` members each, in SciPy's linkage format.

    Merges the pair whose union raises the within-cluster sum of squares least,
    ``w_a w_b / (w_a + w_b) * |c_a - c_b|^2`` (SciPy's height is the square root of twice that); with unit
    weights it equals ``scipy.cluster.hierarchy.linkage(points, "ward")``. Ties go to the lowest pair. Each
    row keeps its cheapest partner, so a merge costs O(n) unless a row lost its partner.
    """
    n = len(points)
    centre = points.astype(np.float64).copy()
    mass = np.asarray(weights, dtype=np.float64).copy()
    alive = np.ones(n, dtype=bool)
    ids = np.arange(n, dtype=np.int64)
    best = np.full(n, np.inf)
    partner = np.full(n, -1, dtype=np.int64)

    def row_costs(i: int) -> tuple[IntArray, FloatArray]:
        js = np.flatnonzero(alive[i + 1 :]) + i + 1
        d2 = ((centre[js] - centre[i]) ** 2).sum(axis=1)
        return js, mass[i] * mass[js] / (mass[i] + mass[js]) * d2

    def refresh(i: int) -> None:
        js, c = row_costs(i)
        if len(js) == 0:
            best[i], partner[i] = np.inf, -1
        else:
            j = int(np.argmin(c))
            best[i], partner[i] = c[j], js[j]

    for i in range(n - 1):
        refresh(i)
    out = np.zeros((max(n - 1, 0), 4))
    for step in range(n - 1):
        a = int(np.argmin(best))
        b = int(partner[a])
        out[step] = [min(ids[a], ids[b]), max(ids[a], ids[b]), np.sqrt(2 * best[a]), mass[a] + mass[b]]
        centre[a] = (mass[a] * centre[a] + mass[b] * centre[b]) / (mass[a] + mass[b])
        mass[a] += mass[b]
        alive[b] = False
        best[b], partner[b] = np.inf, -1
        ids[a] = n + step
        refresh(a)
        earlier = np.flatnonzero(alive[:a])
        if len(earlier):
            d2 = ((centre[earlier] - centre[a]) ** 2).sum(axis=1)
            c = mass[earlier] * mass[a] / (mass[earlier] + mass[a]) * d2
            lost = (partner[earlier] == a) | (partner[earlier] == b)
            cheaper = ~lost & ((c < best[earlier]) | ((c == best[earlier]) & (a < partner[earlier])))
            best[earlier[cheaper]] = c[cheaper]
            partner[earlier[cheaper]] = a
            for i in earlier[lost].tolist():
                refresh(i)
        for i in np.flatnonzero(alive & (partner == b)).tolist():
            refresh(i)
    return out


def cut_tree(linkage: FloatArray, n: int, k: int) -> IntArray:
    """Cluster labels (0..k-1, numbered by their lowest member) when the tree is cut into ``k`` clusters."""
    parent = np.arange(2 * n - 1, dtype=np.int64)
    for step in range(n - k):
        a, b = int(linkage[step, 0]), int(linkage[step, 1])
        parent[a] = parent[b] = n + step

    def root(x: int) -> int:
        while parent[x] != x:
            x = int(parent[x])
        return x

    roots = np.array([root(i) for i in range(n)], dtype=np.int64)
    _, first = np.unique(roots, return_index=True)
    order = {int(roots[f]): rank for rank, f in enumerate(np.sort(first))}
    return np.array([order[int(r)] for r in roots], dtype=np.int64)


def adjusted_rand_index(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """The adjusted Rand index of two labelings of the same items (Hubert and Arabie 1985)."""
    x, y = np.asarray(a), np.asarray(b)
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xi.max() + 1, yi.max() + 1))
    np.add.at(table, (xi, yi), 1)

    def pairs(v: FloatArray) -> float:
        return float((v * (v - 1) / 2).sum())

    index = pairs(table.ravel())
    ra, rb, total = pairs(table.sum(axis=1)), pairs(table.sum(axis=0)), pairs(np.array([float(len(x))]))
    expected = ra * rb / total if total else 0.0
    best = (ra + rb) / 2
    if best == expected:
        return 1.0
    return (index - expected) / (best - expected)
