"""The one table reader refuses hostile and oversized files quickly, with a message, and reads the
encodings and delimiters people's spreadsheets produce."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from contextlib import ExitStack
from typing import Any

import pytest
from openpyxl import Workbook

from chalkface.imports.errors import ImportRefused
from chalkface.imports.tables import Limits, Table, UnreadableRow, open_table


def _read(data: bytes, filename: str, **options: Any) -> tuple[Table, list[tuple[int, list[Any]]]]:
    with ExitStack() as stack:
        table = open_table(data, filename, stack, limits=options.pop("limits", Limits()), **options)
        return table, list(table.rows)


def _workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, change: Any) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item.filename, content)
    return out.getvalue()


# --- Hostile workbooks ----------------------------------------------------------------------------------


def test_a_tiny_workbook_declaring_the_whole_sheet_is_refused_quickly() -> None:
    data = _rewrite_sheet(
        _workbook([["a", "b"], [1, 2]]),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert len(data) < 10_000
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="declares a sheet of 1,048,576 rows by 16,384 columns"):
        _read(data, "attack.xlsx")
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2
    assert peak < 50_000_000


def test_a_zip_bomb_is_refused_before_it_is_decompressed() -> None:
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        zeros = b"\0" * (1 << 20)
        for _ in range(300):  # 300 MB of zeros in about 300 KB
            member.write(zeros)
    data = bomb.getvalue()
    assert len(data) < 1_000_000
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="315 MB once decompressed"):
        _read(data, "bomb.xlsx")
    assert time.monotonic() - started < 2


def test_a_file_that_is_not_a_zip_is_refused_as_a_workbook() -> None:
    with pytest.raises(ImportRefused, match="not a readable XLSX workbook"):
        _read(b"name,role\nAnn,teacher\n", "renamed.xlsx")


def test_a_malformed_cell_is_a_row_error_not_a_traceback() -> None:
    data = _rewrite_sheet(
        _workbook([["a", "b"], [1, 2]]),
        lambda xml: xml.replace("<v>1</v>", "<v>not a number</v>", 1),
    )
    with pytest.raises(UnreadableRow, match="Row 2: this row of the workbook cannot be read"):
        _read(data, "broken.xlsx")


def test_a_workbook_with_too_many_rows_is_refused_from_its_declared_size() -> None:
    data = _workbook([["a"]] + [[i] for i in range(30)])
    with pytest.raises(ImportRefused, match="declares a sheet of 31 rows"):
        _read(data, "long.xlsx", limits=Limits(rows=10))


def test_a_workbook_that_declares_no_size_is_counted_as_it_is_read() -> None:
    data = _rewrite_sheet(
        _workbook([["a"]] + [[i] for i in range(30)]), lambda xml: re.sub(r"<dimension [^>]*/>", "", xml)
    )
    with pytest.raises(ImportRefused, match="more than 10 rows"):
        _read(data, "long.xlsx", limits=Limits(rows=10))
    with pytest.raises(ImportRefused, match="more than 12 cells"):
        _read(data, "long.xlsx", limits=Limits(cells=12))


def test_a_good_workbook_reads() -> None:
    table, rows = _read(_workbook([["name", "role"], ["Ann", "teacher"]]), "good.xlsx")
    assert table.header == ["name", "role"]
    assert rows == [(2, ["Ann", "teacher"])]


# --- CSV: encodings, delimiters, limits ---------------------------------------------------------------


TEXT = "name,role\r\nSiân,athro\r\nZoë,TA\r\n"


@pytest.mark.parametrize(
    ("encoding", "found"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("utf-16", "utf-16"),
        ("utf-16-be", "utf-16"),
        ("cp1252", "cp1252"),
    ],
)
def test_it_reads_the_encodings_spreadsheets_save(encoding: str, found: str) -> None:
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # the mark is what tells UTF-16 apart
    table, rows = _read(data, "staff.csv")
    assert table.encoding == found
    assert table.header == ["name", "role"]
    assert rows == [(2, ["Siân", "athro"]), (3, ["Zoë", "TA"])]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_it_finds_the_delimiter(delimiter: str) -> None:
    data = TEXT.replace(",", delimiter).encode("utf-8")
    table, rows = _read(data, "staff.csv")
    assert table.delimiter == delimiter
    assert rows[0] == (2, ["Siân", "athro"])


def test_commas_win_when_answers_hold_semicolons() -> None:
    data = b'id,comment\n1,"more work; less sleep; no time"\n2,fine\n'
    table, rows = _read(data, "answers.csv")
    assert table.delimiter == ","
    assert rows[0] == (2, ["1", "more work; less sleep; no time"])


def test_binary_data_is_refused_as_not_csv() -> None:
    with pytest.raises(ImportRefused, match="not a CSV text file"):
        _read(b"\xd0\xcf\x11\xe0\x00\x00\x00\x00" * 100, "old-excel.csv")


def test_a_200_kb_cell_is_a_row_level_error() -> None:
    data = ("name,comment\nAnn,short\nBob," + "x" * 200_000 + "\n").encode()
    with pytest.raises(UnreadableRow, match="Row 3: .*a cell may hold at most 10,000") as refused:
        _read(data, "long-cell.csv")
    assert refused.value.row == 3


def test_a_cell_over_the_limit_but_under_the_csv_module_limit_is_refused_too() -> None:
    data = ("name,comment\nAnn," + "y" * 10_001 + "\n").encode()
    with pytest.raises(UnreadableRow, match="Row 2: the cell in column 2 holds 10,001 characters"):
        _read(data, "long-cell.csv")


def test_a_csv_with_too_many_rows_is_refused() -> None:
    data = ("n\n" + "".join(f"{i}\n" for i in range(50))).encode()
    with pytest.raises(ImportRefused, match="more than 20 rows"):
        _read(data, "long.csv", limits=Limits(rows=20))


def test_reading_stops_when_it_takes_too_long() -> None:
    data = ("n\n" + "".join(f"{i}\n" for i in range(5000))).encode()
    with pytest.raises(ImportRefused, match="took longer than 0 seconds"):
        _read(data, "slow.csv", limits=Limits(seconds=0))


def test_the_limits_come_from_the_settings(settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 7
    settings.IMPORT_MAX_UNZIPPED_MB = 3
    limits = Limits.from_settings()
    assert limits.rows == 7
    assert limits.unzipped_bytes == 3_000_000
