"""Importing the "Get Information About Schools" register (GIAS all-establishments CSV).

``data/gias_sample.csv`` has the real GIAS column headers (a subset of the ~130) and 13 fictional
establishments, URNs 990001-990013, saved as GIAS saves it: Windows-1252 with CRLF line endings.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from chalkface.accounts.models import AuditEvent
from chalkface.imports.actions import import_schools
from chalkface.imports.errors import RowError
from chalkface.imports.schools import SchoolsImportError
from chalkface.workplaces.models import Organisation
from tests.base import BaseTestCase

SAMPLE = Path(__file__).parent / "data" / "gias_sample.csv"
SAMPLE_ROWS = 13
THERESE = "St Thérèse’s Catholic Primary School"


def sample_text() -> str:
    return SAMPLE.read_bytes().decode("cp1252")


def as_file(text: str, encoding: str = "cp1252") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def edited(changes: dict[tuple[int, str], str], *, drop_column: str = "") -> str:
    """The sample with some cells changed ({(urn, column): value}) and optionally a column removed."""
    rows = list(csv.reader(io.StringIO(sample_text(), newline="")))
    header = rows[0]
    for (urn, column), value in changes.items():
        row = next(row for row in rows[1:] if row[0] == str(urn))
        row[header.index(column)] = value
    if drop_column:
        position = header.index(drop_column)
        rows = [row[:position] + row[position + 1 :] for row in rows]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def school(urn: int) -> Organisation:
    return Organisation.objects.get(urn=urn)


def sample_schools() -> int:
    return Organisation.objects.filter(urn__gte=990000).count()


class GeneratedGias(io.RawIOBase):
    """A file object that makes up GIAS rows as it is read: it cannot rewind and never holds the file."""

    def __init__(self, rows: int) -> None:
        self._chunks = self._generate(rows)
        self._pending = b""

    @staticmethod
    def _generate(rows: int) -> Iterator[bytes]:
        header = sample_text().splitlines()[0]
        yield (header + "\r\n").encode("cp1252")
        columns = len(header.split(","))
        for n in range(rows):
            values = [""] * columns
            values[0] = str(900000 + n)
            values[4] = f"Generated Café School {n}"
            values[6] = "Community school"
            values[10] = "Open"
            values[13] = "Primary"
            values[17] = str(100 + n % 400)
            values[18] = f"{n % 60}.5"
            values[24] = "London"
            yield (",".join(values) + "\r\n").encode("cp1252")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class ImportSchoolsTests(BaseTestCase):
    def test_it_imports_a_good_file(self) -> None:
        summary = import_schools(SAMPLE, actor=self.adam)

        self.assertEqual(
            (summary.rows_read, summary.created, summary.updated, summary.unchanged),
            (SAMPLE_ROWS, SAMPLE_ROWS, 0, 0),
        )
        self.assertEqual(sample_schools(), SAMPLE_ROWS)
        kestrel = school(990002)
        self.assertEqual(kestrel.name, "Kestrel Heath Academy")
        self.assertEqual(kestrel.kind, "school")
        self.assertEqual(kestrel.phase, "secondary")
        self.assertEqual(kestrel.region, "yorkshire_humber")
        self.assertEqual(kestrel.establishment_type, "Academy converter")
        self.assertEqual(kestrel.pupils_on_roll, 1104)
        self.assertEqual(kestrel.fsm_share, Decimal("23.5"))
        self.assertEqual(kestrel.deprivation_quintile, 3)
        self.assertEqual(kestrel.urban_rural, "urban")
        self.assertTrue(kestrel.is_open)
        self.assertEqual(kestrel.slug, "kestrel-heath-academy-990002")

    def test_it_maps_register_labels_to_our_codes(self) -> None:
        import_schools(SAMPLE)

        phases = dict(Organisation.objects.filter(urn__gte=990000).values_list("urn", "phase"))
        self.assertEqual(phases[990003], "nursery")
        self.assertEqual(phases[990005], "middle")  # "Middle deemed secondary"
        self.assertEqual(phases[990006], "special")  # "Not applicable", Community special school
        self.assertEqual(phases[990007], "alternative_provision")  # "Not applicable", pupil referral unit
        self.assertEqual(phases[990008], "sixteen_plus")
        self.assertEqual(phases[990011], "all_through")
        self.assertEqual(phases[990012], "not_applicable")
        self.assertEqual(school(990008).kind, "college")
        self.assertEqual(school(990012).kind, "university")
        self.assertEqual(school(990010).region, "wales")
        self.assertEqual(school(990013).region, "")  # "Not Applicable"
        self.assertEqual(school(990004).urban_rural, "rural")
        self.assertEqual(school(990010).urban_rural, "")
        self.assertFalse(school(990009).is_open)  # closed schools are imported, marked closed
        self.assertIsNone(school(990008).pupils_on_roll)
        self.assertIsNone(school(990003).fsm_share)
        self.assertIsNone(school(990003).deprivation_quintile)

    def test_it_reads_windows_1252(self) -> None:
        summary = import_schools(SAMPLE)

        self.assertEqual(summary.encoding, "cp1252")
        self.assertEqual(school(990004).name, THERESE)
        self.assertEqual(school(990004).slug, "st-thereses-catholic-primary-school-990004")

    def test_it_reads_utf_8_with_or_without_a_byte_order_mark(self) -> None:
        for encoding in ("utf-8", "utf-8-sig"):
            with self.subTest(encoding=encoding):
                summary = import_schools(as_file(sample_text(), encoding), dry_run=True)
                self.assertEqual(summary.encoding, "utf-8")
                self.assertEqual(summary.created, SAMPLE_ROWS)
        import_schools(as_file(sample_text(), "utf-8-sig"), encoding="utf-8")
        self.assertEqual(school(990004).name, THERESE)

    def test_it_reads_utf_16_by_its_byte_order_mark(self) -> None:
        summary = import_schools(as_file(sample_text(), "utf-16"))
        self.assertEqual(summary.encoding, "utf-16")
        self.assertEqual(summary.created, SAMPLE_ROWS)
        self.assertEqual(school(990004).name, THERESE)

    def test_it_refuses_a_file_with_a_missing_column_and_imports_nothing(self) -> None:
        before = Organisation.objects.count()

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(edited({}, drop_column="PhaseOfEducation (name)")))

        self.assertEqual(caught.exception.errors, [RowError(1, "PhaseOfEducation (name)", mock.ANY)])
        self.assertIn(
            "Row 1, column PhaseOfEducation (name): this column is missing", caught.exception.report()
        )
        self.assertEqual(Organisation.objects.count(), before)

    def test_it_ignores_columns_it_does_not_read_and_optional_columns_may_be_absent(self) -> None:
        text = edited({}, drop_column="PercentageFSM")

        summary = import_schools(as_file(text))

        self.assertEqual(summary.created, SAMPLE_ROWS)
        self.assertIsNone(school(990002).fsm_share)

    def test_it_reports_row_and_column_of_a_bad_number(self) -> None:
        text = edited({(990004, "PercentageFSM"): "twelve"})  # the 4th school, on row 5

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(text))

        self.assertEqual(caught.exception.errors, [RowError(5, "PercentageFSM", "'twelve' is not a number.")])
        self.assertIn("Row 5, column PercentageFSM: 'twelve' is not a number.", caught.exception.report())

    def test_it_checks_numbers_and_reads_suppressed_or_blank_ones_as_no_value(self) -> None:
        bad = edited(
            {
                (990001, "NumberOfPupils"): "212.5",
                (990002, "PercentageFSM"): "101",
                (990003, "NumberOfPupils"): "-4",
            }
        )
        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(bad))
        self.assertEqual(
            [(e.row, e.column) for e in caught.exception.errors],
            [(2, "NumberOfPupils"), (3, "PercentageFSM"), (4, "NumberOfPupils")],
        )

        import_schools(
            as_file(edited({(990001, "PercentageFSM"): "SUPP", (990002, "PercentageFSM"): "7.25"}))
        )
        self.assertIsNone(school(990001).fsm_share)
        self.assertEqual(school(990002).fsm_share, Decimal("7.3"))

    def test_reimporting_the_same_file_changes_nothing(self) -> None:
        import_schools(SAMPLE)
        before = list(Organisation.objects.order_by("pk").values())

        summary = import_schools(SAMPLE)

        self.assertEqual(
            (summary.created, summary.updated, summary.unchanged, summary.trusts_created),
            (0, 0, SAMPLE_ROWS, 0),
        )
        self.assertEqual(list(Organisation.objects.order_by("pk").values()), before)

    def test_it_updates_a_school_whose_details_changed(self) -> None:
        import_schools(SAMPLE)
        brackenfield = school(990001)
        Organisation.objects.filter(pk=brackenfield.pk).update(it_rating=2, staff_headcount=31)
        text = edited({(990001, "NumberOfPupils"): "230", (990001, "PercentageFSM"): "40.0"})

        summary = import_schools(as_file(text))

        self.assertEqual((summary.created, summary.updated, summary.unchanged), (0, 1, SAMPLE_ROWS - 1))
        brackenfield.refresh_from_db()
        self.assertEqual(brackenfield.pupils_on_roll, 230)
        self.assertEqual(brackenfield.fsm_share, Decimal("40.0"))
        self.assertEqual(brackenfield.deprivation_quintile, 5)
        # What the register does not provide is left alone, and the address of the page stays the same.
        self.assertEqual((brackenfield.it_rating, brackenfield.staff_headcount), (2, 31))
        self.assertEqual(brackenfield.slug, "brackenfield-primary-school-990001")

    def test_it_updates_a_school_that_was_added_by_hand(self) -> None:
        Organisation.objects.create(
            kind="school", name="Kestrel Heath", slug="kestrel", urn=990002, it_rating=4
        )

        summary = import_schools(SAMPLE)

        self.assertEqual((summary.created, summary.updated), (SAMPLE_ROWS - 1, 1))
        kestrel = school(990002)
        self.assertEqual(
            (kestrel.name, kestrel.slug, kestrel.it_rating), ("Kestrel Heath Academy", "kestrel", 4)
        )

    def test_it_refuses_undecodable_bytes_naming_the_row(self) -> None:
        # 0x81 is neither UTF-8 (a continuation byte with no start) nor a Windows-1252 character.
        lines = SAMPLE.read_bytes().split(b"\r\n")
        lines[5] = lines[5].replace(b"Harrowdene", b"Harrow\x81dene")  # the 6th line is row 6

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(io.BytesIO(b"\r\n".join(lines)))

        [error] = caught.exception.errors
        self.assertEqual(error.row, 6)
        self.assertIn("cannot be read as UTF-8 or Windows-1252", error.problem)
        self.assertIn("0x81", error.problem)
        self.assertEqual(sample_schools(), 0)

    def test_it_names_the_row_when_the_named_encoding_is_wrong(self) -> None:
        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(SAMPLE, encoding="utf-8")

        self.assertEqual([(e.row, e.column) for e in caught.exception.errors], [(5, "")])
        self.assertIn("cannot be read as UTF-8 text", caught.exception.report())

    def test_it_imports_nothing_when_any_row_is_bad(self) -> None:
        text = edited(
            {
                (990002, "URN"): "99O002",
                (990005, "PhaseOfEducation (name)"): "Secondery",
                (990006, "GOR (name)"): "Atlantis",
                (990007, "EstablishmentStatus (name)"): "",
                (990009, "URN"): "990001",
                (990011, "EstablishmentName"): "",
            }
        )
        before = Organisation.objects.count()

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(text), actor=self.adam)

        self.assertEqual(
            [(e.row, e.column) for e in caught.exception.errors],
            [
                (3, "URN"),
                (6, "PhaseOfEducation (name)"),
                (7, "GOR (name)"),
                (8, "EstablishmentStatus (name)"),
                (10, "URN"),
                (12, "EstablishmentName"),
            ],
        )
        report = caught.exception.report()
        self.assertIn("Row 6, column PhaseOfEducation (name): 'Secondery' is not a value we know", report)
        self.assertIn("Row 10, column URN: URN 990001 appears twice (first on row 2).", report)
        self.assertEqual(Organisation.objects.count(), before)
        self.assertFalse(AuditEvent.objects.filter(action="schools.imported").exists())

    def test_a_row_with_the_wrong_number_of_values_is_reported(self) -> None:
        text = sample_text().replace("Kestrel Heath Academy", "Kestrel Heath, Academy")

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(text))

        [error] = caught.exception.errors
        self.assertEqual(error.row, 3)
        self.assertIn("this row has 28 values but the header row has 27", error.problem)

    def test_the_report_lists_fifty_problems_and_counts_the_rest(self) -> None:
        header = sample_text().splitlines()[0]
        values = [""] * len(header.split(","))
        values[0], values[4], values[10], values[13] = "x", "School", "Open", "Primary"
        text = "\r\n".join([header] + [",".join(values)] * 60) + "\r\n"

        with self.assertRaises(SchoolsImportError) as caught:
            import_schools(as_file(text))

        report = caught.exception.report()
        self.assertEqual(len(caught.exception.errors), 60)
        self.assertIn("Row 51, column URN: 'x' is not a URN", report)
        self.assertNotIn("Row 52,", report)
        self.assertTrue(report.endswith("... and 10 more."))

    def test_it_attaches_schools_to_their_trust(self) -> None:
        saltmarsh = Organisation.objects.create(
            kind="trust", name="Saltmarsh Schools Partnership", slug="saltmarsh-schools-partnership"
        )

        summary = import_schools(SAMPLE)

        self.assertEqual(summary.trusts_created, 1)  # Moorland Learning Trust; Saltmarsh already existed
        moorland = Organisation.objects.get(kind="trust", name="Moorland Learning Trust")
        self.assertEqual(moorland.slug, "moorland-learning-trust")
        self.assertEqual(school(990002).parent, moorland)
        self.assertEqual(school(990011).parent, moorland)
        self.assertEqual(school(990005).parent, saltmarsh)

    def test_it_attaches_maintained_schools_to_their_local_authority_and_no_one_else(self) -> None:
        summary = import_schools(SAMPLE)

        manchester = school(990001).parent
        assert manchester is not None
        self.assertEqual((manchester.kind, manchester.name), ("local_authority", "Manchester"))
        self.assertEqual(school(990007).parent.name, "Birmingham")  # type: ignore[union-attr]
        self.assertEqual(summary.local_authorities_created, 6)
        # Colleges, universities, Welsh and overseas establishments are not run by the authority they are in.
        for urn in (990008, 990010, 990012, 990013):
            self.assertIsNone(school(urn).parent, urn)

    def test_a_school_that_joins_a_trust_moves_to_it(self) -> None:
        import_schools(SAMPLE)
        text = edited({(990001, "Trusts (name)"): "Moorland Learning Trust"})

        summary = import_schools(as_file(text))

        self.assertEqual(summary.updated, 1)
        self.assertEqual(school(990001).parent.name, "Moorland Learning Trust")  # type: ignore[union-attr]

    def test_it_writes_one_audit_event(self) -> None:
        import_schools(SAMPLE, actor=self.adam)

        [event] = AuditEvent.objects.filter(action="schools.imported")
        self.assertEqual(event.actor, self.adam)
        self.assertEqual(event.object_type, "workplaces.organisation")
        self.assertEqual(event.summary, f"Imported schools register: {SAMPLE_ROWS} created, 0 updated")
        self.assertEqual(event.changes["created"], SAMPLE_ROWS)
        self.assertEqual(event.changes["trusts_created"], 2)
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_dry_run_writes_nothing(self) -> None:
        before = Organisation.objects.count()

        summary = import_schools(SAMPLE, dry_run=True)

        self.assertEqual((summary.created, summary.trusts_created, summary.dry_run), (SAMPLE_ROWS, 2, True))
        self.assertEqual(Organisation.objects.count(), before)
        self.assertFalse(AuditEvent.objects.exists())
        self.assertTrue(str(summary).startswith("Dry run, nothing was saved."))

    def test_dry_run_counts_what_would_change(self) -> None:
        import_schools(SAMPLE)
        text = edited({(990003, "NumberOfPupils"): "90", (990001, "Trusts (name)"): "Brand New Trust"})

        summary = import_schools(as_file(text), dry_run=True)

        self.assertEqual((summary.created, summary.updated, summary.unchanged), (0, 2, SAMPLE_ROWS - 2))
        self.assertEqual(summary.trusts_created, 1)
        self.assertEqual(school(990003).pupils_on_roll, 86)
        self.assertFalse(Organisation.objects.filter(name="Brand New Trust").exists())

    def test_a_failure_while_writing_leaves_the_database_as_it_was(self) -> None:
        before = Organisation.objects.count()

        with (
            mock.patch("chalkface.imports.actions.audit.record", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            import_schools(SAMPLE)

        self.assertEqual(Organisation.objects.count(), before)

    def test_the_import_streams_a_large_file(self) -> None:
        rows = 20_000

        summary = import_schools(GeneratedGias(rows), encoding="cp1252")

        self.assertEqual((summary.rows_read, summary.created), (rows, rows))
        self.assertEqual(Organisation.objects.filter(urn__gte=900000, urn__lt=920000).count(), rows)
        self.assertEqual(school(919999).name, "Generated Café School 19999")

    def test_it_detects_the_encoding_of_a_stream_that_cannot_rewind(self) -> None:
        summary = import_schools(GeneratedGias(50))

        self.assertEqual((summary.encoding, summary.created), ("cp1252", 50))

    def test_an_unknown_encoding_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            import_schools(SAMPLE, encoding="latin-1")


class ImportSchoolsCommandTests(BaseTestCase):
    def test_the_command_prints_a_summary(self) -> None:
        out = io.StringIO()

        call_command("import_schools", str(SAMPLE), stdout=out)

        self.assertIn(f"{SAMPLE_ROWS} rows read (Windows-1252); {SAMPLE_ROWS} created", out.getvalue())
        self.assertEqual(sample_schools(), SAMPLE_ROWS)

    def test_the_command_dry_run_saves_nothing(self) -> None:
        out = io.StringIO()

        call_command("import_schools", str(SAMPLE), "--dry-run", "--encoding", "cp1252", stdout=out)

        self.assertIn("Dry run, nothing was saved.", out.getvalue())
        self.assertEqual(sample_schools(), 0)

    def test_the_command_exits_non_zero_with_the_report(self) -> None:
        bad = Path(self.enterContext(tempfile.TemporaryDirectory())) / "edubasealldata.csv"
        bad.write_bytes(edited({(990004, "PercentageFSM"): "twelve"}).encode("cp1252"))
        stderr = io.StringIO()

        # Run it as `manage.py` would, but keep the test's database connection open (PostgreSQL).
        with (
            mock.patch("django.core.management.base.connections.close_all"),
            contextlib.redirect_stderr(stderr),
            self.assertRaises(SystemExit) as exited,
        ):
            execute_from_command_line(["manage.py", "import_schools", str(bad)])

        self.assertNotEqual(exited.exception.code, 0)
        self.assertIn("Row 5, column PercentageFSM: 'twelve' is not a number.", stderr.getvalue())
        self.assertIn("Nothing was saved.", stderr.getvalue())
        self.assertEqual(sample_schools(), 0)

    def test_the_command_says_when_there_is_no_file(self) -> None:
        with self.assertRaisesMessage(CommandError, "There is no file at"):
            call_command("import_schools", "/nonexistent/edubasealldata.csv")
