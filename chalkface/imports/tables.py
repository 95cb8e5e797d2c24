"""The one reader of tables that people bring from other systems: CSV and XLSX files.

Every import (the schools register, survey responses) reads its file here, so they all accept the same
files and explain the same problems in the same words. :func:`open_table` gives the header and then the
rows one at a time, numbered as a spreadsheet numbers them (the header is row 1), without reading the whole
file into memory first.

CSV text is UTF-8 (with or without a byte-order mark), UTF-16 (recognised by its byte-order mark) or
Windows-1252; ``encoding="auto"`` takes UTF-16 when the file starts with its mark, UTF-8 when the whole file
is valid UTF-8, and Windows-1252 otherwise. The delimiter (comma, semicolon, tab or bar) is sniffed from the
start of the file. A line that cannot be decoded, or is not valid CSV, raises :class:`UnreadableRow` naming
its row, so the caller can report it where it happened.

A file cannot make the reader use unbounded memory or time (:class:`Limits`, set from the settings): a
workbook's declared size and its decompressed size are checked before any of it is read (a 2 KB file can
declare a sheet of 17 billion cells, and a 1 MB zip can hold gigabytes), and while reading, the rows, the
cells, the characters in one cell and the seconds taken are counted. Over a limit, the file is refused
with a message that says which limit and how to get under it.

Our own synthetic data (``chalkface synth`` output, Parquet) is read by :mod:`chalkface.demo.files`: it is
written by a program, not brought by a person, and needs none of this.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from chalkface.imports.errors import ImportRefused

ENCODINGS: dict[str, str] = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
_CHUNK = 1 << 20
_SPOOL_IN_MEMORY = 16 << 20
_SAMPLE = 16 << 10  # what the delimiter is sniffed from
DELIMITERS = ",;\t|"
_CLOCK_EVERY = 500  # rows between looks at the clock


@dataclass(frozen=True)
class Limits:
    """How much of a file the reader takes before refusing it (``CHALKFACE_IMPORT_*`` settings)."""

    rows: int = 200_000
    cells: int = 1_000_000  # in a workbook, declared or read
    cell_chars: int = 10_000
    unzipped_bytes: int = 200_000_000  # an XLSX file, decompressed
    seconds: float = 300.0

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            rows=getattr(settings, "IMPORT_MAX_ROWS", cls.rows),
            cells=getattr(settings, "IMPORT_MAX_CELLS", cls.cells),
            cell_chars=getattr(settings, "IMPORT_MAX_CELL_CHARS", cls.cell_chars),
            unzipped_bytes=getattr(settings, "IMPORT_MAX_UNZIPPED_MB", cls.unzipped_bytes // 1_000_000)
            * 1_000_000,
            seconds=getattr(settings, "IMPORT_MAX_SECONDS", cls.seconds),
        )


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
    delimiter: str = ","


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
    limits: Limits | None = None,
) -> Table:
    """Open a CSV or XLSX file (by ``filename``'s suffix) for reading; ``stack`` closes what it opens.

    Raises :class:`ImportRefused` for a file of another kind, one that cannot be opened or one over
    ``limits`` (default: from the settings), and :class:`UnreadableRow` (also while the rows are read) for
    a row that cannot be read.
    """
    limits = limits or Limits.from_settings()
    suffix = Path(filename).suffix.lower()
    stream = _stream(source, stack)
    if suffix in XLSX_SUFFIXES:
        return _xlsx(_seekable(stream, stack), filename, stack, limits)
    if suffix not in CSV_SUFFIXES:
        raise ImportRefused(f"{filename}: import a .csv or .xlsx file.")
    named = codec_name(encoding) if encoding != "auto" else "auto"
    if named == "utf-16-le" or named == "utf-16-be":
        named = "utf-16"
    if named not in (*ENCODINGS, "auto"):
        raise ValueError(f"Unknown encoding {encoding!r}: use 'auto', 'utf-8', 'utf-16' or 'cp1252'.")
    stream = _seekable(stream, stack)
    if named == "auto":
        chosen = _detect_encoding(stream, filename)
        tried = "UTF-16" if chosen == "utf-16" else "UTF-8 or Windows-1252"
    else:
        chosen, tried = named, ENCODINGS[named]
    delimiter = _sniff_delimiter(stream, chosen)
    lines = _utf16_lines(stream, stack) if chosen == "utf-16" else _text_lines(stream, chosen, tried)
    reader = csv.reader(lines, delimiter=delimiter)
    header = _read_header(reader, tried, limits)
    rows = _limited(_csv_rows(reader, tried, limits), filename, limits)
    return Table(header, rows, chosen, delimiter)


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


def _detect_encoding(stream: BinaryIO, filename: str) -> str:
    """UTF-16 if the stream starts with its byte-order mark; else UTF-8 if the whole stream is valid UTF-8,
    else Windows-1252. Refuses binary data (a NUL byte outside UTF-16). Reads in chunks, then rewinds."""
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportRefused(
            f"{filename} is UTF-32 text, which Chalkface does not read; save it as CSV UTF-8."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    found = "utf-8"
    while chunk := stream.read(_CHUNK):
        if b"\x00" in chunk:
            stream.seek(start)
            raise ImportRefused(
                f"{filename} is not a CSV text file (it holds binary data). If it is a spreadsheet, save it "
                "as 'CSV UTF-8' or as an .xlsx workbook."
            )
        if found == "utf-8":
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                found = "cp1252"
    if found == "utf-8":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            found = "cp1252"
    stream.seek(start)
    return found


def _sniff_delimiter(stream: BinaryIO, encoding: str) -> str:
    """The delimiter of the CSV text, from its first lines: comma unless the sample clearly says otherwise."""
    start = stream.tell()
    raw = stream.read(_SAMPLE)
    stream.seek(start)
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    sample = raw.decode(codec, errors="ignore")
    if len(raw) == _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    header = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","
    # A sniffer can be misled by the answers; the header row has no free text, so it decides a tie.
    return found if header.count(found) > header.count(",") else ","


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


def _utf16_lines(stream: BinaryIO, stack: ExitStack) -> Iterator[str]:
    """UTF-16 text line by line (its newlines are two bytes, so the bytes cannot be split first)."""
    text = io.TextIOWrapper(stream, encoding="utf-16", errors="strict", newline="")
    stack.callback(text.detach)
    try:
        yield from text
    except UnicodeDecodeError as error:
        raise _Undecodable(error) from error


def _undecodable(row: int, tried: str, error: UnicodeDecodeError) -> UnreadableRow:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return UnreadableRow(
        row,
        f"this row cannot be read as {tried} text (byte 0x{byte} is not a character). Download the file "
        "again, or open it in a spreadsheet and save it as 'CSV UTF-8'.",
    )


def _too_long(row: int, column: int, chars: int, limits: Limits) -> UnreadableRow:
    return UnreadableRow(
        row,
        f"the cell in column {column} holds {chars:,} characters; a cell may hold at most "
        f"{limits.cell_chars:,}. Shorten it, or leave that column out of the file.",
    )


def _csv_error(row: int, error: csv.Error, limits: Limits) -> UnreadableRow:
    if "field larger than field limit" in str(error):  # the csv module's own, larger, limit
        return UnreadableRow(
            row,
            f"a cell holds more than {csv.field_size_limit():,} characters; a cell may hold at most "
            f"{limits.cell_chars:,}. Shorten it, or leave that column out of the file.",
        )
    return UnreadableRow(row, f"this row is not valid CSV ({error}).")


def _read_header(reader: Any, tried: str, limits: Limits) -> list[str]:
    try:
        names = next(reader, None)
    except _Undecodable as undecodable:
        raise _undecodable(1, tried, undecodable.error) from None
    except csv.Error as error:
        raise _csv_error(1, error, limits) from None
    if names and len(names) > limits.cells:
        raise UnreadableRow(1, f"the header names {len(names):,} columns, more than can be read.")
    for column, name in enumerate(names or [], start=1):
        if len(name) > limits.cell_chars:
            raise _too_long(1, column, len(name), limits)
    return [name.strip().removeprefix("\ufeff") for name in names] if names else []


def _csv_rows(reader: Any, tried: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    row = 1  # the last row read whole
    try:
        for row, values in enumerate(reader, start=2):
            yield row, values
    except _Undecodable as undecodable:
        raise _undecodable(row + 1, tried, undecodable.error) from None
    except csv.Error as error:
        raise _csv_error(row + 1, error, limits) from None


def _limited(
    rows: Iterator[tuple[int, list[Any]]], filename: str, limits: Limits, *, count_cells: bool = False
) -> Iterator[tuple[int, list[Any]]]:
    """The rows, refused once there are too many of them (or of their cells, for a workbook, whose rows
    openpyxl pads with empty cells), a cell is too long, or reading has taken too long. A CSV file's cells
    are bounded by its size."""
    deadline = time.monotonic() + limits.seconds
    cells = 0
    for count, (row, values) in enumerate(rows, start=1):
        if count > limits.rows:
            raise ImportRefused(
                f"{filename} has more than {limits.rows:,} rows, the most one import takes. Split it into "
                "smaller files, or ask the administrator to raise CHALKFACE_IMPORT_MAX_ROWS."
            )
        cells += len(values)
        if count_cells and cells > limits.cells:
            raise ImportRefused(
                f"{filename} has more than {limits.cells:,} cells, the most one import takes. Leave out the "
                "columns that are not needed, or split the file."
            )
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise _too_long(row, column, len(value), limits)
        if count % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise ImportRefused(
                f"Reading {filename} took longer than {limits.seconds:.0f} seconds and was stopped at row "
                f"{row:,}. Split it into smaller files."
            )
        yield row, values


def _check_zip(stream: BinaryIO, filename: str, limits: Limits) -> None:
    """Refuse a workbook whose parts would decompress to more than the limit, from the zip's own directory,
    before anything is decompressed. (Python's zip reader never gives more than the size declared there.)"""
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused(f"{filename} is not a readable XLSX workbook (it is not a zip file).") from None
    finally:
        stream.seek(start)
    total = sum(member.file_size for member in members)
    if total > limits.unzipped_bytes:
        raise ImportRefused(
            f"{filename} would take {total / 1e6:,.0f} MB once decompressed, more than the "
            f"{limits.unzipped_bytes / 1e6:,.0f} MB an import may use. Save it as CSV, or split it."
        )


def _xlsx(stream: BinaryIO, filename: str, stack: ExitStack, limits: Limits) -> Table:
    from openpyxl import load_workbook

    _check_zip(stream, filename, limits)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRefused(
            f"{filename} is not a readable XLSX workbook ({exc.__class__.__name__})."
        ) from None
    stack.callback(book.close)
    # The sheet's declared size decides how many cells openpyxl makes up for it: refuse a huge one unread.
    if sheet.max_row is not None and sheet.max_column is not None:
        rows = sheet.max_row - (sheet.min_row or 1) + 1
        declared = rows * (sheet.max_column - (sheet.min_column or 1) + 1)
        if rows > limits.rows + 1 or declared > limits.cells:
            raise ImportRefused(
                f"{filename} declares a sheet of {rows:,} rows by {sheet.max_column:,} columns, more than "
                f"one import takes ({limits.rows:,} rows, {limits.cells:,} cells). Copy only the cells you "
                "need into a new workbook, or save it as CSV."
            )
    values = _xlsx_values(sheet.iter_rows(values_only=True))
    first = next(values, None)
    header = [str(c).strip() if c is not None else "" for c in first] if first is not None else []
    for column, name in enumerate(header, start=1):
        if len(name) > limits.cell_chars:
            raise _too_long(1, column, len(name), limits)
    numbered = ((row, v) for row, v in enumerate(values, start=2))
    return Table(header, _limited(numbered, filename, limits, count_cells=True))


def _xlsx_values(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[Any]]:
    """The sheet's rows as lists; a row that openpyxl cannot read becomes an :class:`UnreadableRow`."""
    row = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a malformed cell: openpyxl raises ValueError, KeyError, ...
            raise UnreadableRow(
                row + 1, f"this row of the workbook cannot be read ({exc.__class__.__name__})."
            ) from None
        row += 1
        yield list(values)
