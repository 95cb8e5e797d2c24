"""The one reader of tables that people bring from other systems: CSV and XLSX files.

Every import (the schools register, survey responses) reads its file here, so they all accept the same
files and explain the same problems in the same words. :func:`open_table` gives the header and then the
rows one at a time, numbered as a spreadsheet numbers them (the header is row 1), without reading the whole
file into memory first.

CSV text is UTF-8 (with or without a byte-order mark) or Windows-1252; ``encoding="auto"`` takes UTF-8 when
the whole file is valid UTF-8 and Windows-1252 otherwise. A line that cannot be decoded, or is not valid CSV,
raises :class:`UnreadableRow` naming its row, so the caller can report it where it happened.

Our own synthetic data (``chalkface synth`` output, Parquet) is read by :mod:`chalkface.demo.files`: it is
written by a program, not brought by a person, and needs none of this.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from chalkface.imports.errors import ImportRefused

ENCODINGS: dict[str, str] = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
_CHUNK = 1 << 20
_SPOOL_IN_MEMORY = 16 << 20


class UnreadableRow(ImportRefused):
    """A row of the file cannot be read at all: ``row`` is its number, ``problem`` says why."""

    def __init__(self, row: int, problem: str) -> None:
        super().__init__(f"Row {row}: {problem}")
        self.row = row
        self.problem = problem


@dataclass
class Table:
    """A file's header and, lazily, its rows as ``(row number, values)``; ``encoding`` for CSV."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""


def codec_name(name: str) -> str:
    """The canonical name of an encoding ("UTF8" → "utf-8"), or the name itself if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def open_table(
    source: Path | BinaryIO | bytes,
    filename: str,
    stack: ExitStack,
    *,
    encoding: str = "auto",
) -> Table:
    """Open a CSV or XLSX file (by ``filename``'s suffix) for reading; ``stack`` closes what it opens.

    Raises :class:`ImportRefused` for a file of another kind or one that cannot be opened, and
    :class:`UnreadableRow` (also while the rows are read) for a row that cannot be read.
    """
    suffix = Path(filename).suffix.lower()
    stream = _stream(source, stack)
    if suffix in XLSX_SUFFIXES:
        return _xlsx(stream, filename, stack)
    if suffix not in CSV_SUFFIXES:
        raise ImportRefused(f"{filename}: import a .csv or .xlsx file.")
    named = codec_name(encoding) if encoding != "auto" else "auto"
    if named not in (*ENCODINGS, "auto"):
        raise ValueError(f"Unknown encoding {encoding!r}: use 'auto', 'utf-8' or 'cp1252'.")
    if named == "auto":
        stream = _seekable(stream, stack)
        chosen, tried = _detect_encoding(stream), "UTF-8 or Windows-1252"
    else:
        chosen, tried = named, ENCODINGS[named]
    reader = csv.reader(_text_lines(stream, chosen, tried))
    header = _read_header(reader, tried)
    return Table(header, _csv_rows(reader, tried), chosen)


def _stream(source: Path | BinaryIO | bytes, stack: ExitStack) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        stream: BinaryIO = stack.enter_context(Path(source).open("rb"))  # noqa: SIM115 - closed by the stack
    else:
        stream = source
    if isinstance(stream, io.RawIOBase):  # read it in chunks, not byte by byte; leave it open after
        buffered = io.BufferedReader(stream, _CHUNK)
        stack.callback(buffered.detach)
        stream = buffered  # type: ignore[assignment]
    return stream


def _seekable(stream: BinaryIO, stack: ExitStack) -> BinaryIO:
    """The stream if it can be rewound, else a copy spooled to a temporary file (on disk once large)."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, ValueError):
        pass
    spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY))  # noqa: SIM115
    shutil.copyfileobj(stream, spool, _CHUNK)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _detect_encoding(stream: BinaryIO) -> str:
    """UTF-8 if the whole stream is valid UTF-8, else Windows-1252. Reads in chunks, then rewinds."""
    start = stream.tell()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        found = "utf-8"
    except UnicodeDecodeError:
        found = "cp1252"
    stream.seek(start)
    return found


class _Undecodable(Exception):
    def __init__(self, error: UnicodeDecodeError) -> None:
        super().__init__(str(error))
        self.error = error


def _text_lines(stream: BinaryIO, encoding: str, tried: str) -> Iterator[str]:
    """Decode the stream line by line, as the CSV reader asks, so a decoding failure meets its own row.

    A newline byte is never part of a multi-byte character in UTF-8 or Windows-1252, so splitting the
    bytes at newlines first is safe. Line endings are kept, as the csv module wants them.
    """
    codec = "utf-8-sig" if encoding == "utf-8" else encoding  # utf-8-sig drops a BOM if there is one
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        for raw in stream:
            yield decoder.decode(raw)
        if tail := decoder.decode(b"", final=True):
            yield tail
    except UnicodeDecodeError as error:
        raise _Undecodable(error) from error


def _undecodable(row: int, tried: str, error: UnicodeDecodeError) -> UnreadableRow:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return UnreadableRow(
        row,
        f"this row cannot be read as {tried} text (byte 0x{byte} is not a character). Download the file "
        "again, or open it in a spreadsheet and save it as 'CSV UTF-8'.",
    )


def _read_header(reader: Any, tried: str) -> list[str]:
    try:
        names = next(reader, None)
    except _Undecodable as undecodable:
        raise _undecodable(1, tried, undecodable.error) from None
    except csv.Error as error:
        raise UnreadableRow(1, f"this row is not valid CSV ({error}).") from None
    return [name.strip().removeprefix("\ufeff") for name in names] if names else []


def _csv_rows(reader: Any, tried: str) -> Iterator[tuple[int, list[Any]]]:
    row = 1  # the last row read whole
    try:
        for row, values in enumerate(reader, start=2):
            yield row, values
    except _Undecodable as undecodable:
        raise _undecodable(row + 1, tried, undecodable.error) from None
    except csv.Error as error:
        raise UnreadableRow(row + 1, f"this row is not valid CSV ({error}).") from None


def _xlsx(stream: BinaryIO, filename: str, stack: ExitStack) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRefused(
            f"{filename} is not a readable XLSX workbook ({exc.__class__.__name__})."
        ) from None
    stack.callback(book.close)
    rows = (list(values) for values in book.worksheets[0].iter_rows(values_only=True))
    first = next(rows, None)
    header = [str(c).strip() if c is not None else "" for c in first] if first is not None else []
    return Table(header, ((row, values) for row, values in enumerate(rows, start=2)))
