"""Cells that a spreadsheet would run as a formula, made inert before a table leaves as CSV or XLSX.

A value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be read by Excel,
LibreOffice or Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|...``): "CSV injection". Following
the OWASP guidance, such a value gets a single quote in front of it, which spreadsheets show as text and
which changes nothing else. Only text is touched: numbers, dates and empty cells stay as they are, so a
negative number is still a number. Applying it twice changes nothing more.

Parquet and JSON carry typed values to programs, not spreadsheets, and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """``value`` with a leading single quote if it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """One row of cells, each made safe (for ``csv.writer.writerow``)."""
    return [neutralise(cell) for cell in row]


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell made safe; other columns and the columns' order unchanged
    (categorical columns become text).

    Column names are made safe too, since they become the header row.
    """
    coded = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Categorical | pl.Enum)]
    if coded:
        # A spreadsheet sees categories as text too; as text they can take the quote.
        frame = frame.with_columns(pl.col(coded).cast(pl.String))
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if text:
        risky = pl.col(text).str.contains(r"^[=+\-@\t\r]")
        frame = frame.with_columns(
            pl.when(risky).then(pl.lit("'") + pl.col(text)).otherwise(pl.col(text)).name.keep()
        )
    renames = {name: str(neutralise(name)) for name in frame.columns if neutralise(name) != name}
    return frame.rename(renames) if renames else frame


def neutralise_tables(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every table of an export made safe, keeping the names and their order."""
    return {name: neutralise_frame(frame) for name, frame in tables.items()}
