"""Clustering for themes, in NumPy: k-means (k-means++ start, Lloyd steps), Ward linkage between centroids,
the adjusted Rand index, and the choice of the number of themes by how well it reproduces across runs.

Private to :mod:`chalkface.evidence.themes`. Every random choice draws from a generator the caller seeds, and
every ordering is stable, so the same input and seed give the same clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# k-means++ starts from a Gram matrix of at most this many texts (about 500 MB in float64); larger inputs
# start from a random sample of this size, then Lloyd steps use every text.
_GRAM_LIMIT = 8000


def cluster_sums(x: FloatArray, labels: IntArray, k: int) -> tuple[FloatArray, IntArray]:
    """Sum of the rows of ``x`` and number of rows in each of the ``k`` clusters."""
    n = labels.size
    member = sparse.csr_array((np.ones(n), (labels, np.arange(n))), shape=(k, n))
    sums: FloatArray = np.asarray(member @ x, dtype=np.float64)
    counts = np.bincount(labels, minlength=k).astype(np.int64)
    return sums, counts


def nearest(x32: npt.NDArray[np.float32], centroids: FloatArray) -> IntArray:
    """Index of the nearest centroid (squared Euclidean distance) for each row of ``x32``."""
    c32 = centroids.astype(np.float32)
    dist = x32 @ c32.T
    dist *= np.float32(-2.0)
    dist += np.einsum("ij,ij->i", c32, c32)[None, :]
    labels: IntArray = dist.argmin(axis=1).astype(np.int64)
    return labels


def kmeans_plus_plus(x: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    """k-means++ starting centroids (greedy: the best of 2 + log k candidates at each step)."""
    n = x.shape[0]
    pool = np.arange(n) if n <= _GRAM_LIMIT else np.sort(rng.choice(n, _GRAM_LIMIT, replace=False))
    xs = x[pool]
    x32 = xs.astype(np.float32)
    gram = x32 @ x32.T  # float32 is ample for choosing starting points
    sq = np.diag(gram).copy()
    m = len(pool)
    tries = 2 + int(np.log(k))
    first = int(rng.integers(m))
    chosen = [first]
    best = np.maximum(sq + sq[first] - 2 * gram[first], np.float32(0.0))
    for _ in range(1, k):
        total = np.cumsum(best, dtype=np.float64)
        if total[-1] <= 0:  # fewer distinct texts than clusters: the rest start on repeated points
            chosen.append(int(rng.integers(m)))
            continue
        cand = np.minimum(np.searchsorted(total, rng.random(tries) * total[-1], side="right"), m - 1)
        dist = sq[None, :] + sq[cand, None] - 2 * gram[cand]
        np.maximum(dist, np.float32(0.0), out=dist)
        np.minimum(dist, best[None, :], out=dist)
        pick = int(np.argmin(dist.sum(axis=1)))
        chosen.append(int(cand[pick]))
        best = dist[pick]
    centroids: FloatArray = xs[chosen].copy()
    return centroids


def lloyd(x: FloatArray, centroids: FloatArray, max_iter: int = 50) -> tuple[FloatArray, IntArray]:
    """Lloyd steps from ``centroids`` until no text changes cluster; an emptied cluster keeps its centroid."""
    x32 = x.astype(np.float32)
    k = centroids.shape[0]
    labels = nearest(x32, centroids)
    for _ in range(max_iter):
        sums, counts = cluster_sums(x, labels, k)
        centroids = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centroids)
        new = nearest(x32, centroids)
        if np.array_equal(new, labels):
            break
        labels = new
    return centroids, labels


def ward_merges(centroids: FloatArray, sizes: IntArray) -> list[tuple[int, int]]:
    """Ward's agglomeration of clusters given by their centroids and sizes: the (kept, absorbed) pair of
    each merge, cheapest first. Merging a and b costs |a||b| / (|a| + |b|) times the squared distance
    between their centroids, the rise in the within-cluster sum of squares; ties go to the lowest index."""
    k = centroids.shape[0]
    cent = centroids.copy()
    size = sizes.astype(np.float64).copy()
    alive = size > 0
    sq = np.einsum("ij,ij->i", cent, cent)
    cost = np.maximum(sq[:, None] + sq[None, :] - 2 * cent @ cent.T, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cost *= size[:, None] * size[None, :] / (size[:, None] + size[None, :])
    cost[~alive, :] = np.inf
    cost[:, ~alive] = np.inf
    np.fill_diagonal(cost, np.inf)
    merges: list[tuple[int, int]] = []
    for _ in range(int(alive.sum()) - 1):
        flat = int(np.argmin(cost))
        i, j = divmod(flat, k)
        if i > j:
            i, j = j, i
        total = size[i] + size[j]
        cent[i] = (size[i] * cent[i] + size[j] * cent[j]) / total
        size[i] = total
        alive[j] = False
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        diff = cent - cent[i]
        row = np.einsum("ij,ij->i", diff, diff) * size * total / (size + total)
        row[~alive] = np.inf
        row[i] = np.inf
        cost[i, :] = row
        cost[:, i] = row
        merges.append((i, j))
    return merges


def cut(labels: IntArray, merges: list[tuple[int, int]], k_fine: int, k: int) -> IntArray:
    """Labels 0..k-1 after replaying Ward merges until ``k`` clusters remain (numbered by first row)."""
    root = np.arange(k_fine)
    present = int(np.unique(labels).size)
    for i, j in merges[: max(0, present - k)]:
        root[root == j] = i
    merged = root[labels]
    _, first, inverse = np.unique(merged, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    out: IntArray = rank[inverse].astype(np.int64)
    return out


def adjusted_rand(a: IntArray, b: IntArray) -> float:
    """The adjusted Rand index of two labelings of the same texts (1 identical, about 0 by chance)."""
    n = a.size
    if n < 2:
        return 1.0
    _, pair_counts = np.unique(a.astype(np.int64) * (int(b.max()) + 1) + b, return_counts=True)
    _, a_counts = np.unique(a, return_counts=True)
    _, b_counts = np.unique(b, return_counts=True)

    def pairs(c: IntArray) -> float:
        return float(np.sum(c * (c - 1)) / 2)

    index, sum_a, sum_b = pairs(pair_counts), pairs(a_counts), pairs(b_counts)
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    top = (sum_a + sum_b) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)


@dataclass(frozen=True)
class FineRun:
    labels: IntArray
    centroids: FloatArray
    merges: list[tuple[int, int]]


def fine_run(x: FloatArray, k_fine: int, rng: np.random.Generator) -> FineRun:
    """k-means at the finest level, then Ward's merges of its centroids."""
    centroids, labels = lloyd(x, kmeans_plus_plus(x, k_fine, rng))
    _, counts = cluster_sums(x, labels, k_fine)
    return FineRun(labels, centroids, ward_merges(centroids, counts))


def candidate_counts(k_fine: int, k_min: int, step: float = 0.93) -> list[int]:
    """Numbers of themes to try, from ``k_fine`` down to ``k_min`` about 7 % apart, ascending."""
    ks = {k_fine, k_min}
    k = float(k_fine)
    while k > k_min:
        ks.add(max(k_min, round(k)))
        k *= step
    return sorted(ks)


def stability_curve(runs: list[FineRun], k_fine: int, ks: list[int]) -> list[float]:
    """For each number of themes, the mean adjusted Rand index between the runs' cuts at that number."""
    curve = []
    for k in ks:
        cuts = [cut(r.labels, r.merges, k_fine, k) for r in runs]
        scores = [adjusted_rand(cuts[i], cuts[j]) for i in range(len(cuts)) for j in range(i + 1, len(cuts))]
        curve.append(float(np.mean(scores)))
    return curve


# Differences in mean adjusted Rand index smaller than this are within its run-to-run noise here.
STABILITY_TOLERANCE = 0.03


def choose_count(ks: list[int], curve: list[float], tolerance: float = STABILITY_TOLERANCE) -> int:
    """The largest number of themes whose stability, averaged with its two neighbours on the grid, is within
    ``tolerance`` of the best such average: the finest level that reproduces about as well as any. The two
    ends of the grid have one neighbour only and are not chosen unless the grid has fewer than 3 numbers."""
    values = np.asarray(curve)
    if values.size < 3:
        return int(ks[int(np.argmax(values))])
    smooth = (values[:-2] + values[1:-1] + values[2:]) / 3
    good = np.flatnonzero(smooth >= float(smooth.max()) - tolerance)
    return int(ks[int(good[-1]) + 1])
