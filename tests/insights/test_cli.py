"""``chalkface brief`` and ``chalkface export`` as an operator runs them, files read back."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
from click.testing import CliRunner
from pypdf import PdfReader

from chalkface.cli import cli
from tests.insights.fixtures import InsightTestCase

K = 10
FIGURES = ("n", "n_eff", "estimate", "lower", "upper")


class BriefCommandTests(InsightTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="chalkface-brief-"))

    def run_brief(self, *args: str) -> Any:
        return CliRunner().invoke(cli, ["brief", "--tool", "lessonspark", *args])

    def test_it_writes_the_brief_as_a_pdf(self) -> None:
        out = self.folder / "brief.pdf"
        result = self.run_brief("--campaign", "spring", "--out", str(out))
        self.assertEqual(result.exit_code, 0, result.output)
        # 54 check-ins, published with the cell-key noise of at most 2 either way
        self.assertRegex(result.output, rf"Wrote {re.escape(str(out))} \((5[2-6]) check-ins\)")
        reader = PdfReader(out)
        self.assertGreaterEqual(len(reader.pages), 3)
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        for expected in (
            "Evidence brief: LessonSpark",
            "Campaign: Spring check-in.",
            "No group smaller than 10 is shown.",
            "Findings",
            "Method note",
            "What the data cannot say",
        ):
            self.assertIn(expected, text)
        self.assertRegex(text, r"n=5[2-6]\b")
        # the 3 teaching assistants are named as hidden, never counted
        self.assertIn("Teaching assistant", text)
        self.assertIsNone(re.search(r"(?<!effective )n=[1-9]\b", text))
        self.assertNotIn("Comment number", text)

    def test_it_writes_the_brief_as_html(self) -> None:
        out = self.folder / "nested" / "brief.html"
        result = self.run_brief("--format", "html", "--out", str(out))
        self.assertEqual(result.exit_code, 0, result.output)
        html = out.read_text(encoding="utf-8")
        self.assertTrue(html.startswith("<!doctype html>"))
        self.assertIn('<html lang="en-gb">', html)
        self.assertIn("<h1>Evidence brief: LessonSpark</h1>", html)
        self.assertIn("Findings", html)
        self.assertIn("Method note", html)
        self.assertRegex(html, r"<td>5[2-6]</td>")
        # no n below 10 (the n column follows the interval; effective n may be small, it counts no one)
        self.assertIsNone(re.search(r"– [^<]*</td><td>[1-9]</td>", html))
        self.assertNotIn("Comment number", html)

    def test_it_names_an_unknown_tool_or_campaign(self) -> None:
        out = str(self.folder / "x.pdf")
        result = CliRunner().invoke(cli, ["brief", "--tool", "no-such-tool", "--out", out])
        self.assertNotEqual(result.exit_code, 0)
        self.assertIn("No tool with the slug 'no-such-tool'", result.output)
        result = self.run_brief("--campaign", "autumn", "--out", out)
        self.assertNotEqual(result.exit_code, 0)
        self.assertIn("No campaign with the slug 'autumn'", result.output)
        self.assertFalse(Path(out).exists())


class ExportCommandTests(InsightTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="chalkface-export-"))

    def export(self, fmt: str) -> Path:
        out = self.folder / fmt
        result = CliRunner().invoke(
            cli, ["export", "--campaign", "spring", "--format", fmt, "--out", str(out)]
        )
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn(f"to {out}", result.output)
        return out

    def assert_disclosure_controlled(self, name: str, rows: list[dict[str, Any]]) -> None:
        """Every count is at least k, or the row is suppressed with a reason and no figure at all."""
        self.assertTrue(rows, name)
        for row in rows:
            self.assertNotIn("answers", row)
            self.assertNotIn("comment", row)
            if str(row["suppressed"]).lower() in ("true", "1"):
                self.assertTrue(row["reason"], (name, row))
                for column in FIGURES:
                    self.assertIn(row[column], (None, ""), (name, column, row))
            else:
                self.assertGreaterEqual(int(row["n"]), K, (name, row))

    def assert_complete(self, tables: dict[str, list[dict[str, Any]]], note: str) -> None:
        estimates = [name for name in tables if name.startswith("estimates_")]
        self.assertIn("estimates_overall", estimates)
        self.assertIn("estimates_by_role", estimates)
        for name in estimates:
            self.assert_disclosure_controlled(name, tables[name])
        # the 3 teaching assistants: present as a row, hidden
        assistants = [r for r in tables["estimates_by_role"] if "assistant" in str(r["group"]).lower()]
        self.assertTrue(assistants)
        self.assertTrue(all(str(r["suppressed"]).lower() in ("true", "1") for r in assistants))
        # a data dictionary describing every column, and the method note
        dictionary = tables["data_dictionary"]
        described = {r["column"] for r in dictionary}
        self.assertTrue(set(FIGURES) | {"measure", "group", "suppressed", "reason"} <= described)
        self.assertTrue(all(r["meaning"] for r in dictionary))
        self.assertTrue(note.startswith("Method note"))
        self.assertIn("complementary suppression", note)
        self.assertIn("What the data cannot say", note)

    def test_it_exports_csv(self) -> None:
        out = self.export("csv")
        files = {p.name for p in out.iterdir()}
        self.assertIn("spring-data_dictionary.csv", files)
        self.assertIn("spring-method-note.txt", files)
        tables = {
            p.name.removeprefix("spring-").removesuffix(".csv"): pl.read_csv(p, infer_schema=False).to_dicts()
            for p in out.glob("*.csv")
        }
        self.assert_complete(tables, (out / "spring-method-note.txt").read_text(encoding="utf-8"))

    def test_it_exports_parquet(self) -> None:
        out = self.export("parquet")
        tables = {
            p.name.removeprefix("spring-").removesuffix(".parquet"): pl.read_parquet(p).to_dicts()
            for p in out.glob("*.parquet")
        }
        self.assertIn("data_dictionary", tables)
        self.assert_complete(tables, (out / "spring-method-note.txt").read_text(encoding="utf-8"))

    def test_it_exports_one_excel_workbook_with_the_dictionary_and_the_method_note(self) -> None:
        out = self.export("xlsx")
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["spring-method-note.txt", "spring.xlsx"])
        book = openpyxl.load_workbook(out / "spring.xlsx", read_only=True)
        tables: dict[str, list[dict[str, Any]]] = {}
        for sheet in book.worksheets:
            values = list(sheet.iter_rows(values_only=True))
            if sheet.title == "method_note":
                note = "\n".join(str(v[0]) if v and v[0] is not None else "" for v in values)
                continue
            header = [str(h) for h in values[0]]
            tables[sheet.title] = [dict(zip(header, row, strict=False)) for row in values[1:]]
        self.assertIn("data_dictionary", tables)
        self.assert_complete(tables, note)

    def test_it_names_an_unknown_campaign(self) -> None:
        result = CliRunner().invoke(cli, ["export", "--campaign", "autumn", "--out", str(self.folder)])
        self.assertNotEqual(result.exit_code, 0)
        self.assertIn("No campaign with the slug 'autumn'", result.output)
