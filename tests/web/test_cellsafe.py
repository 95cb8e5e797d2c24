"""Exported cells that a spreadsheet would run as a formula get a leading quote (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from chalkface.web.cellsafe import neutralise, neutralise_frame, neutralise_row, neutralise_tables

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", RISKY)
def test_it_quotes_text_that_starts_like_a_formula(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["LessonSpark 2.0", "", "a=b", "2.0-beta", "'=already"])
def test_it_leaves_ordinary_text_alone(value: str) -> None:
    assert neutralise(value) == value


def test_it_leaves_numbers_dates_and_empty_cells_alone() -> None:
    assert neutralise_row([-1, -0.5, None, True]) == [-1, -0.5, None, True]


def test_applying_it_twice_changes_nothing_more() -> None:
    once = [neutralise(v) for v in RISKY]
    assert [neutralise(v) for v in once] == once


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "tool_version": ['=HYPERLINK("http://evil","2.0")', "2.1", None],
            "group": pl.Series(["@staff", "teachers", "TAs"], dtype=pl.Categorical),
            "mean": [-0.25, 0.5, 1.0],
        }
    )


def test_a_frame_keeps_its_numbers_and_quotes_its_risky_text() -> None:
    safe = neutralise_frame(_frame())
    assert safe["tool_version"].to_list() == ['\'=HYPERLINK("http://evil","2.0")', "2.1", None]
    assert safe["group"].to_list() == ["'@staff", "teachers", "TAs"]
    assert safe["mean"].to_list() == [-0.25, 0.5, 1.0]
    assert safe.schema["mean"] == pl.Float64


def test_a_risky_column_name_is_quoted_too() -> None:
    assert neutralise_frame(pl.DataFrame({"=cmd": ["x"]})).columns == ["'=cmd"]


def test_a_csv_written_from_a_safe_frame_has_no_formula_cell() -> None:
    buffer = io.StringIO()
    neutralise_tables({"t": _frame()})["t"].write_csv(buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    cells = [cell for row in rows[1:] for cell in row[:2]]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def _write_xlsx(frame: pl.DataFrame, path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    # As chalkface/insights/opendata.py writes a workbook: polars into an xlsxwriter workbook.
    with xlsxwriter.Workbook(str(path)) as book:
        frame.write_excel(book, worksheet="t", autofit=True)
    return openpyxl.load_workbook(path)["t"]


def test_an_xlsx_written_from_a_safe_frame_has_no_formula_cell(tmp_path: Path) -> None:
    sheet = _write_xlsx(neutralise_frame(_frame()), tmp_path / "export.xlsx")
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert cells[0].value == '\'=HYPERLINK("http://evil","2.0")'


def test_without_it_polars_writes_a_live_formula(tmp_path: Path) -> None:
    # Why this module exists: the unprotected frame becomes a formula in the workbook.
    sheet = _write_xlsx(_frame(), tmp_path / "unsafe.xlsx")
    assert sheet["A2"].data_type == "f"
