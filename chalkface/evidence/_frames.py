"""Small helpers for checking and reading Polars frames; private to the evidence layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from chalkface.evidence.errors import ColumnError


def require_columns(frame: pl.DataFrame, columns: Iterable[str | None], what: str = "the data") -> None:
    """Raise :class:`ColumnError` naming every missing column and the ones that exist."""
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        have = ", ".join(frame.columns)
        raise ColumnError(f"{what} has no column {names}; its columns are: {have}")


def require_numeric(frame: pl.DataFrame, column: str) -> None:
    dtype = frame.schema[column]
    if not (dtype.is_numeric() or dtype == pl.Boolean):
        raise ColumnError(f"column {column!r} must be numeric, but it holds {dtype}")


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO strings, everything else unchanged."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def describe_group(group: Sequence[tuple[str, Any]]) -> str:
    """``role = teacher, phase = Primary``; ``everyone`` for the empty group."""
    if not group:
        return "everyone"
    return ", ".join(f"{col} = {jsonable(val)}" for col, val in group)
