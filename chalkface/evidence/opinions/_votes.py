"""Votes on statements: checking a frame of votes, keeping each participant's latest vote, and the Pol.is
``votes.csv`` export format in both directions.

A vote is ``1`` (agree), ``-1`` (disagree) or ``0`` (pass), the convention of Pol.is exports and of
red-dwarf (the Pol.is math itself flips the sign; :mod:`.polis` does that internally).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import polars as pl
import scipy.sparse as sp

from chalkface.evidence._frames import require_columns
from chalkface.evidence.errors import ColumnError, EvidenceError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Column names of a Pol.is ``votes.csv`` export, in order.
POLIS_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")


@dataclass(frozen=True)
class VoteMatrix:
    """The latest vote of each participant on each statement, as coordinates of a sparse matrix.

    ``participants``: ids in row order, which is the order of each participant's first vote (by timestamp,
    ties by id) when timestamps are given, else the order of the ids. ``statements``: ids in column order
    (sorted). ``rows``, ``cols``, ``values``: one entry per (participant, statement) pair that has a vote,
    sorted by row then column; values are 1, -1 or 0. ``moderated``: per statement, True when it was
    moderated out (its votes stay in the matrix; each method decides what to do with them).
    """

    participants: tuple[Any, ...]
    statements: tuple[Any, ...]
    rows: IntArray
    cols: IntArray
    values: npt.NDArray[np.int8]
    moderated: BoolArray

    @property
    def n_participants(self) -> int:
        return len(self.participants)

    @property
    def n_statements(self) -> int:
        return len(self.statements)

    @property
    def n_votes(self) -> int:
        return int(self.values.size)

    def sparse(self, values: npt.ArrayLike | None = None) -> sp.csr_matrix:
        """The participants x statements matrix (CSR) holding ``values`` (default: the votes)."""
        data = np.asarray(self.values if values is None else values, dtype=np.float64)
        shape = (self.n_participants, self.n_statements)
        return sp.csr_matrix((data, (self.rows, self.cols)), shape=shape)

    def votes_per_participant(self) -> IntArray:
        return np.bincount(self.rows, minlength=self.n_participants).astype(np.int64)

    def counts(self, mask: BoolArray | None = None) -> tuple[IntArray, IntArray, IntArray]:
        """Agree, disagree and all-vote counts per statement over the participants in ``mask``."""
        keep = np.ones(self.n_votes, dtype=bool) if mask is None else mask[self.rows]
        cols, vals = self.cols[keep], self.values[keep]
        m = self.n_statements
        agree = np.bincount(cols[vals == 1], minlength=m).astype(np.int64)
        disagree = np.bincount(cols[vals == -1], minlength=m).astype(np.int64)
        total = np.bincount(cols, minlength=m).astype(np.int64)
        return agree, disagree, total

    def index_pairs(
        self, participants: Iterable[Any], statements: Iterable[Any]
    ) -> tuple[IntArray, IntArray]:
        """Row and column indices of (participant, statement) pairs; -1 where the id is unknown."""
        p_index = {p: i for i, p in enumerate(self.participants)}
        s_index = {s: j for j, s in enumerate(self.statements)}
        rows = np.array([p_index.get(p, -1) for p in participants], dtype=np.int64)
        cols = np.array([s_index.get(s, -1) for s in statements], dtype=np.int64)
        return rows, cols


def _python_ids(series: pl.Series) -> tuple[Any, ...]:
    return tuple(series.to_list())


def _codes(ids: pl.Series) -> tuple[pl.Series, IntArray]:
    """The distinct ids in sorted order and each row's index among them."""
    if ids.dtype.is_integer():
        values = ids.to_numpy()
        uniq, inverse = np.unique(values, return_inverse=True)
        return pl.Series(ids.name, uniq, dtype=ids.dtype), inverse.astype(np.int64)
    uniq_s = ids.unique().sort()
    codes = ids.rank("dense").cast(pl.Int64).to_numpy() - 1
    return uniq_s, codes.astype(np.int64)


def vote_matrix(
    votes: pl.DataFrame,
    moderated_out: Iterable[Any] | None = None,
    *,
    participant: str = "participant",
    statement: str = "statement",
    vote: str = "vote",
    timestamp: str | None = "timestamp",
) -> VoteMatrix:
    """Check a frame of votes and keep the latest vote per (participant, statement).

    With a ``timestamp`` column the latest timestamp wins (ties: the later row); without one, the later row
    in the frame wins. ``moderated_out`` lists statement ids moderated out (rejected by moderators).
    """
    if not isinstance(votes, pl.DataFrame):
        raise ColumnError(f"votes must be a Polars DataFrame, got {type(votes).__name__}")
    ts = timestamp if timestamp is not None and timestamp in votes.columns else None
    require_columns(votes, [participant, statement, vote], what="the votes")
    if votes.height == 0:
        raise EvidenceError("there are no votes to analyse")
    for col in (participant, statement, vote) + ((ts,) if ts else ()):
        n_null = votes[col].null_count()
        if n_null:
            raise ColumnError(f"column {col!r} has {n_null} empty value(s)")
    for col in (participant, statement):
        dtype = votes.schema[col]
        if not (dtype.is_integer() or dtype == pl.String):
            raise ColumnError(f"column {col!r} must hold whole numbers or text ids, but it holds {dtype}")
    vdtype = votes.schema[vote]
    if not vdtype.is_numeric():
        raise ColumnError(f"column {vote!r} must be numeric (1 agree, -1 disagree, 0 pass), got {vdtype}")
    raw = votes[vote].to_numpy()
    bad = (raw != 1) & (raw != 0) & (raw != -1)
    if bad.any():
        raise ColumnError(
            f"column {vote!r} must hold 1 (agree), -1 (disagree) or 0 (pass); found {raw[bad][0]!r} "
            f"in {int(bad.sum())} row(s)"
        )
    if ts is not None:
        tdtype = votes.schema[ts]
        if not (tdtype.is_numeric() or tdtype.is_temporal()):
            raise ColumnError(f"column {ts!r} must be numeric or a date-time, but it holds {tdtype}")
    p_sorted, pc = _codes(votes[participant])
    s_sorted, sc = _codes(votes[statement])
    statements = _python_ids(s_sorted)
    t = votes[ts].to_physical().to_numpy() if ts else np.zeros(len(pc), dtype=np.int64)
    n_s = len(statements)
    key = pc * n_s + sc
    # latest vote per pair: stable sorts by time, then by pair, so rows keep their order among equal times
    by_time = np.argsort(t, kind="stable") if ts else np.arange(len(pc))
    idx = by_time[np.argsort(key[by_time], kind="stable")]
    last = np.ones(len(idx), dtype=bool)
    last[:-1] = key[idx[1:]] != key[idx[:-1]]
    keep = idx[last]
    if ts is not None:
        first_t = np.full(len(p_sorted), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_t, pc, t.astype(np.int64))
        rank_of = np.lexsort((np.arange(len(p_sorted)), first_t))
    else:
        rank_of = np.arange(len(p_sorted))
    row_of = np.empty(len(p_sorted), dtype=np.int64)
    row_of[rank_of] = np.arange(len(p_sorted))
    participants = _python_ids(p_sorted.gather(rank_of))
    rows, cols, vals = row_of[pc[keep]], sc[keep], raw.astype(np.int8)[keep]
    pair_order = np.argsort(rows * n_s + cols, kind="stable")
    rows, cols, vals = rows[pair_order], cols[pair_order], vals[pair_order]
    mod_set = set(moderated_out or ())
    moderated = np.array([s in mod_set for s in statements], dtype=bool)
    return VoteMatrix(
        participants=participants,
        statements=statements,
        rows=rows.astype(np.int64),
        cols=cols.astype(np.int64),
        values=vals.astype(np.int8),
        moderated=moderated,
    )


def read_polis_votes(source: str | Path | IO[bytes] | IO[str]) -> pl.DataFrame:
    """Read a Pol.is ``votes.csv`` export into a frame of ``participant, statement, vote, timestamp``.

    Exports use 1 for agree, -1 for disagree and 0 for pass; ``timestamp`` is in milliseconds since 1970.
    """
    try:
        frame = pl.read_csv(source, infer_schema_length=10000)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise EvidenceError(f"could not read the Pol.is votes export: {exc}") from exc
    require_columns(frame, ["comment-id", "voter-id", "vote"], what="the Pol.is votes export")
    columns = [
        pl.col("voter-id").alias("participant"),
        pl.col("comment-id").alias("statement"),
        pl.col("vote"),
    ]
    if "timestamp" in frame.columns:
        columns.append(pl.col("timestamp"))
    return frame.select(columns)


def _epoch_ms(frame: pl.DataFrame, ts: str | None) -> pl.Expr:
    if ts is None:
        return pl.int_range(pl.len(), dtype=pl.Int64)
    dtype = frame.schema[ts]
    if dtype == pl.Date:
        return pl.col(ts).cast(pl.Datetime("ms")).dt.epoch("ms")
    if dtype.is_temporal():
        return pl.col(ts).dt.epoch("ms")
    return pl.col(ts).cast(pl.Int64)


def write_polis_votes(
    votes: pl.DataFrame,
    destination: str | Path | IO[bytes] | IO[str],
    *,
    participant: str = "participant",
    statement: str = "statement",
    vote: str = "vote",
    timestamp: str | None = "timestamp",
) -> None:
    """Write votes in the Pol.is ``votes.csv`` export format (``timestamp, datetime, comment-id, voter-id,
    vote``).

    Without a timestamp column the row number stands in for it, so that reading the file back keeps which
    vote came last. ``datetime`` is written in UTC.
    """
    require_columns(votes, [participant, statement, vote], what="the votes")
    ts = timestamp if timestamp is not None and timestamp in votes.columns else None
    out = votes.select(
        _epoch_ms(votes, ts).alias("timestamp"),
        pl.col(statement).alias("comment-id"),
        pl.col(participant).alias("voter-id"),
        pl.col(vote).cast(pl.Int64).alias("vote"),
    )
    if ts is not None:
        stamps = out["timestamp"].to_list()
        text = [
            dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
            for ms in stamps
        ]
        out = out.with_columns(pl.Series("datetime", text, dtype=pl.String))
    else:
        out = out.with_columns(pl.lit("").alias("datetime"))
    out.select(list(POLIS_COLUMNS)).write_csv(destination)
