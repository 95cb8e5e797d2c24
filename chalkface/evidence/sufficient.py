"""Sufficient statistics: the few sums per group (and per cluster within it) from which every mean, share
and clustered variance of :mod:`chalkface.evidence.estimate` follows, computed in one pass over the data."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl


def sufficient_statistics(
    frame: pl.DataFrame,
    by: Sequence[str],
    cluster: str | None,
    measures: Sequence[tuple[str, Sequence[str]]],
    key: str | None = None,
) -> pl.DataFrame:
    """Per group, in one pass over the data, for each measure ``m`` with outcome columns ``ys``: the number of
    answers ``n_m``, ``sw_m`` (sum of weights), ``sw2_m``, ``sww_m`` (sum over clusters of squared cluster
    weight), ``nc_m`` (clusters), and per outcome ``y`` the sums ``swy_y``, ``sw2y_y``, ``sw2y2_y`` from which
    the mean and its linearised (clustered) variance follow, and the unweighted ``sy_y`` and ``sy2_y`` for the
    variance under simple random sampling (the design effect's denominator). Column ``wv_m`` holds ``w`` where
    ``m`` was answered and 0 elsewhere; outcome columns hold 0 where ``m`` was not answered.

    With ``key`` (a column of record keys, see :mod:`chalkface.evidence.cellkey`): ``ks_m``, the sum of the
    keys of those who answered ``m``, and per outcome ``ksy_y``, the sum of keys times ``y`` (for a 0/1
    outcome, the keys of those answering 1)."""
    keys = list(by)
    group_keys: list[str | pl.Expr] = list(keys) or [pl.lit(0).alias("__all")]
    lazy = frame.lazy()
    aggs: list[pl.Expr] = []
    plain = _plain_sums(measures, key)
    if cluster is None:
        aggs += plain
        for m, ys in measures:
            wv = pl.col(f"wv_{m}")
            aggs += [
                (wv > 0).sum().alias(f"n_{m}"),
                wv.sum().alias(f"sw_{m}"),
                (wv * wv).sum().alias(f"sw2_{m}"),
                (wv * wv).sum().alias(f"sww_{m}"),
                (wv > 0).sum().alias(f"nc_{m}"),
            ]
            for y in ys:
                yc = pl.col(y)
                aggs += [
                    (wv * yc).sum().alias(f"swy_{y}"),
                    (wv * wv * yc).sum().alias(f"sw2y_{y}"),
                    (wv * wv * yc * yc).sum().alias(f"sw2y2_{y}"),
                ]
        out = lazy.group_by(group_keys).agg(aggs)
    else:
        first: list[pl.Expr] = list(plain)
        aggs += [pl.col(e.meta.output_name()).sum() for e in plain]
        for m, ys in measures:
            wv = pl.col(f"wv_{m}")
            first += [
                (wv > 0).sum().alias(f"n_{m}"),
                wv.sum().alias(f"sw_{m}"),
                (wv * wv).sum().alias(f"sw2_{m}"),
            ]
            first += [(wv * pl.col(y)).sum().alias(f"swy_{y}") for y in ys]
            # the response-level sums as well, for groups whose answers all come from one cluster
            first += [(wv * wv * pl.col(y)).sum().alias(f"iw2y_{y}") for y in ys]
            first += [(wv * wv * pl.col(y) * pl.col(y)).sum().alias(f"iw2y2_{y}") for y in ys]
            sw = pl.col(f"sw_{m}")
            aggs += [
                pl.col(f"n_{m}").sum(),
                sw.sum(),
                pl.col(f"sw2_{m}").sum(),
                (sw * sw).sum().alias(f"sww_{m}"),
                (pl.col(f"n_{m}") > 0).sum().alias(f"nc_{m}"),
            ]
            for y in ys:
                swy = pl.col(f"swy_{y}")
                # cluster totals Z_c = swy_c - ybar sw_c; these sums give sum_c Z_c^2 once ybar is known
                aggs += [
                    swy.sum(),
                    (swy * sw).sum().alias(f"sw2y_{y}"),
                    (swy * swy).sum().alias(f"sw2y2_{y}"),
                    pl.col(f"iw2y_{y}").sum(),
                    pl.col(f"iw2y2_{y}").sum(),
                ]
        out = lazy.group_by([*keys, cluster]).agg(first).group_by(group_keys).agg(aggs)
    if not keys:
        out = out.drop("__all")
    return (out.sort(keys) if keys else out).collect()


def _plain_sums(measures: Sequence[tuple[str, Sequence[str]]], key: str | None) -> list[pl.Expr]:
    """Unweighted sums per measure and outcome, and the record-key sums (:func:`sufficient_statistics`)."""
    out: list[pl.Expr] = []
    for m, ys in measures:
        answered = (pl.col(f"wv_{m}") > 0).cast(pl.Float64)
        for y in ys:
            out += [
                (answered * pl.col(y)).sum().alias(f"sy_{y}"),
                (answered * pl.col(y) * pl.col(y)).sum().alias(f"sy2_{y}"),
            ]
        if key is not None:
            k = pl.col(key).cast(pl.Float64)
            out.append((answered * k).sum().alias(f"ks_{m}"))
            out += [(answered * k * pl.col(y)).sum().alias(f"ksy_{y}") for y in ys]
    return out


def srs_variance(row: dict[str, Any], m: str, y: str) -> float:
    """The variance of the (unweighted) mean if the answers were a simple random sample: ``s^2 / n``."""
    n = float(row[f"n_{m}"])
    if n < 2:
        return math.nan
    mean = float(row[f"sy_{y}"]) / n
    s2 = (float(row[f"sy2_{y}"]) - n * mean * mean) / (n - 1)
    return max(s2, 0.0) / n


def design_variance(row: dict[str, Any], m: str, y: str) -> tuple[float, float, int]:
    """Mean, variance of the mean, and degrees of freedom from the sufficient statistics.

    A group whose answers all come from one cluster has no clustered variance (it divides by C - 1 = 0);
    there the cluster is the whole population the figure describes (one workplace's staff), so the variance
    is the response-level one, as if each response were its own cluster (R survey's ``svymean`` for that
    workplace alone). The caller tells the caller so that the table can say it.
    """
    sw, swy = float(row[f"sw_{m}"]), float(row[f"swy_{y}"])
    mean = swy / sw
    c = int(row[f"nc_{m}"])
    if c < 2 and f"iw2y_{y}" in row:
        c = int(row[f"n_{m}"])
        ss = (
            float(row[f"iw2y2_{y}"])
            - 2 * mean * float(row[f"iw2y_{y}"])
            + mean * mean * float(row[f"sw2_{m}"])
        )
    else:
        ss = (
            float(row[f"sw2y2_{y}"])
            - 2 * mean * float(row[f"sw2y_{y}"])
            + mean * mean * float(row[f"sww_{m}"])
        )
    ss = max(ss, 0.0) / (sw * sw)
    if c < 2:
        return mean, math.nan, 0
    return mean, c / (c - 1) * ss, c - 1
