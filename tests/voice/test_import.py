"""Importing Microsoft Forms / Google Forms exports: atomic, row-level errors, never the same file twice."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from chalkface.cli.imports import responses as responses_command
from chalkface.imports.actions import import_responses as import_file
from chalkface.imports.errors import ImportRefused
from chalkface.voice.models import Response, ResponseImport
from tests.voice.helpers import VoiceTestCase

MAPPING = {
    "workplace": {"column": "School", "values": {"Oakfield": 100001, "Hillside": "hillside-academy"}},
    "tool": {"slug": "lessonspark"},
    "date": {"column": "Completion time", "format": "%m/%d/%Y %H:%M:%S"},
    "questions": {
        "role": {"column": "Your role", "values": {"Teacher": "teacher", "TA": "teaching_assistant"}},
        "workload": {
            "column": "My workload has gone up",
            "values": {"Strongly disagree": 1, "Disagree": 2, "Neutral": 3, "Agree": 4, "Strongly agree": 5},
        },
        "time_saved_hours": {"column": "Hours saved a week"},
        "comment": {"column": "Anything else?"},
    },
}
HEADER = (
    "ID,Start time,Completion time,Email,Name,School,Your role,My workload has gone up,"
    "Hours saved a week,Anything else?"
)
GOOD = [
    '1,9/1/2025 10:01:00,9/1/2025 10:03:12,anonymous,,Oakfield,Teacher,Agree,2,"Mr Patel says it is fine"',
    "2,9/2/2025 11:00:00,9/2/2025 11:02:40,anonymous,,Hillside,TA,Strongly disagree,-3,",
    "3,9/3/2025 12:00:00,9/3/2025 12:01:59,anonymous,,Oakfield,,Neutral,,Useful for planning",
]


def csv_bytes(rows: list[str]) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode("utf-8")


class ImportTests(VoiceTestCase):
    def test_it_imports_a_good_csv_redacting_comments_and_keeping_only_the_week(self) -> None:
        report = import_file(None, self.campaign, csv_bytes(GOOD), "forms.csv", MAPPING)
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(report.saved, 3)
        first = Response.objects.get(answers__workload=4)
        self.assertEqual(
            first.answers,
            {"role": "teacher", "workload": 4, "time_saved_hours": 2, "comment": "[name] says it is fine"},
        )
        self.assertEqual(first.week.isoformat(), "2025-09-01")
        self.assertEqual(first.tool_version, self.v2)
        self.assertEqual(first.source, "import")
        self.assertFalse(Response.objects.filter(answers__icontains="anonymous").exists())

    def test_it_imports_an_xlsx_export(self) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(HEADER.split(","))
        sheet.append(
            [1, None, "9/1/2025 10:03:12", "anonymous", None, "Oakfield", "Teacher", "Agree", 2, "Fine"]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        report = import_file(None, self.campaign, buffer.getvalue(), "forms.xlsx", MAPPING)
        self.assertEqual((report.ok, report.saved), (True, 1))

    def test_it_reports_every_bad_row_and_saves_nothing(self) -> None:
        rows = [
            GOOD[0],
            "2,,9/2/2025 11:02:40,,,Elsewhere,Teacher,Agree,1,",  # unknown workplace
            "3,,9/3/2025 12:01:59,,,Oakfield,Head,Agree,1,",  # unmapped answer label
            "4,,9/4/2025 12:01:59,,,Oakfield,Teacher,Agree,25,",  # out of bounds
            "5,,yesterday,,,Oakfield,Teacher,Agree,1,",  # not a date
        ]
        report = import_file(None, self.campaign, csv_bytes(rows), "forms.csv", MAPPING)
        self.assertEqual(
            [(e.row, e.column) for e in report.errors],
            [(3, "School"), (4, "Your role"), (5, "Hours saved a week"), (6, "Completion time")],
        )
        self.assertIn("'Head' is not one of the mapped answers", str(report.errors[1]))
        self.assertEqual(Response.objects.count(), 0)
        self.assertEqual(ResponseImport.objects.count(), 0)

    def test_it_refuses_the_same_file_twice(self) -> None:
        import_file(None, self.campaign, csv_bytes(GOOD), "forms.csv", MAPPING)
        with self.assertRaisesMessage(ImportRefused, "already imported"):
            import_file(None, self.campaign, csv_bytes(GOOD), "copy-of-forms.csv", MAPPING)
        self.assertEqual(Response.objects.count(), 3)

    def test_it_refuses_a_mapping_that_does_not_fit_the_file(self) -> None:
        wrong_column = {**MAPPING, "questions": {"workload": {"column": "Workload?"}}}
        with self.assertRaisesMessage(ImportRefused, "not in the file"):
            import_file(None, self.campaign, csv_bytes(GOOD), "forms.csv", wrong_column)
        unknown_question = {**MAPPING, "questions": {"shoe_size": {"column": "Your role"}}}
        with self.assertRaisesMessage(ImportRefused, "does not ask: shoe_size"):
            import_file(None, self.campaign, csv_bytes(GOOD), "forms.csv", unknown_question)
        with self.assertRaisesMessage(ImportRefused, "import a .csv or .xlsx"):
            import_file(None, self.campaign, b"x", "forms.pdf", MAPPING)
        with self.assertRaisesMessage(ImportRefused, "not a readable XLSX"):
            import_file(None, self.campaign, b"not a zip", "forms.xlsx", MAPPING)

    def test_it_runs_from_the_command_line_with_a_dry_run(self) -> None:
        runner = CliRunner()
        with runner.isolated_filesystem():
            Path("forms.csv").write_bytes(csv_bytes(GOOD))
            Path("mapping.json").write_text(json.dumps(MAPPING))
            args = ["--campaign", self.campaign.slug, "forms.csv", "--mapping", "mapping.json"]
            dry = runner.invoke(responses_command, [*args, "--dry-run"])
            self.assertEqual(dry.exit_code, 0, dry.output)
            self.assertEqual(Response.objects.count(), 0)
            real = runner.invoke(responses_command, args)
            self.assertEqual(real.exit_code, 0, real.output)
            self.assertEqual(Response.objects.count(), 3)
            again = runner.invoke(responses_command, args)
            self.assertEqual(again.exit_code, 1)
            self.assertIn("already imported", again.output)

    def web_import(self, rows: list[str], **extra: object) -> object:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        return self.client.post(
            reverse("imports:responses", args=[self.campaign.slug]),
            {
                "file": SimpleUploadedFile("forms.csv", csv_bytes(rows)),
                "mapping": SimpleUploadedFile("mapping.json", json.dumps(MAPPING).encode()),
                **extra,
            },
        )

    def test_it_imports_from_the_web_on_the_worker_with_progress(self) -> None:
        from django.conf import settings
        from django.urls import reverse

        from chalkface.jobs.models import Job, JobStatus
        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        response = self.web_import(GOOD)
        job = Job.objects.get(owner=self.olivia, kind="voice.import")
        self.assertRedirects(response, job.get_absolute_url())
        uploads = Path(settings.DATA_DIR) / "uploads"
        self.assertEqual(len(list(uploads.glob("*.csv"))), 1)  # saved under a random name until the import
        self.assertFalse((uploads / "forms.csv").exists())
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, 'id="check-again"')  # works without JavaScript
        self.assertEqual(Response.objects.count(), 0)

        run_worker()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        self.assertEqual((job.done, job.total), (3, 3))
        self.assertEqual(Response.objects.count(), 3)
        self.assertEqual(list(uploads.glob("*.csv")), [])  # deleted once imported
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "Imported 3 responses.")
        self.assertContains(page, self.campaign.get_absolute_url())
        self.assertNotContains(page, 'id="check-again"')

        self.login(self.alice)  # a rep may not import, nor follow someone else's import
        self.assertEqual(
            self.client.get(reverse("imports:responses", args=[self.campaign.slug])).status_code, 403
        )
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 403)

    def test_a_failed_web_import_shows_every_bad_row_on_the_job_page(self) -> None:
        from django.conf import settings

        from chalkface.jobs.models import Job, JobStatus
        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        self.web_import(
            [GOOD[0], "2,,9/2/2025 11:02:40,,,Elsewhere,Teacher,Agree,1,", "3,,yesterday,,,Oakfield,,,,"]
        )
        run_worker()
        job = Job.objects.get(owner=self.olivia)
        self.assertEqual((job.status, job.total), (JobStatus.FAILED, 3))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "2 problems; nothing was saved.")
        self.assertContains(page, "row 3, column &#x27;School&#x27;: no workplace")
        self.assertContains(
            page, "row 4, column &#x27;Completion time&#x27;: &#x27;yesterday&#x27; is not a date"
        )
        self.assertEqual(Response.objects.count(), 0)
        self.assertEqual(list((Path(settings.DATA_DIR) / "uploads").glob("*.csv")), [])

    def test_it_saves_nothing_from_a_web_import_the_sweep_failed_while_it_ran(self) -> None:
        from datetime import timedelta
        from unittest import mock

        from django.utils import timezone

        from chalkface.jobs import actions as jobs
        from chalkface.jobs.models import Job, JobStatus
        from chalkface.voice.models import ResponseImport
        from tests.jobs.helpers import run_worker

        set_progress = jobs.set_progress

        def progress_then_sweep(job_id: str, done: int, total: int | None, message: str = "") -> None:
            set_progress(job_id, done, total, message)
            if done == total:  # every row checked, about to write: the sweep decides the worker is gone
                jobs.fail_stalled(now=timezone.now() + timedelta(days=1))

        self.login(self.olivia)
        self.web_import(GOOD)
        with mock.patch.object(jobs, "set_progress", progress_then_sweep):
            run_worker()
        job = Job.objects.get(owner=self.olivia)
        self.assertEqual((job.status, job.message), (JobStatus.FAILED, jobs.STOPPED))
        self.assertEqual(Response.objects.count(), 0)
        self.assertFalse(ResponseImport.objects.exists())  # so the same file can be imported again

    def test_it_refuses_a_file_over_the_web_limit_with_a_clear_error(self) -> None:
        from django.test import override_settings

        from chalkface.jobs.models import Job

        self.login(self.olivia)
        big = GOOD * 5000  # about 0.45 MB
        with override_settings(IMPORT_LIMIT_MB=0.1):
            response = self.web_import(big)
        self.assertContains(response, "files imported here can be up to", status_code=400)
        self.assertFalse(Job.objects.exists())

    def test_it_refuses_a_mapping_that_is_not_json(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        self.login(self.olivia)
        response = self.client.post(
            reverse("imports:responses", args=[self.campaign.slug]),
            {
                "file": SimpleUploadedFile("forms.csv", csv_bytes(GOOD)),
                "mapping": SimpleUploadedFile("mapping.json", b"{not json"),
            },
        )
        self.assertContains(response, "The mapping is not valid JSON", status_code=400)


class BadFileTests(VoiceTestCase):
    def test_it_imports_utf16_tab_separated_text_as_excel_saves_it(self) -> None:
        rows = [line.replace('"', "").replace(",", "\t") for line in [HEADER, *GOOD]]
        data = ("\r\n".join(rows) + "\r\n").encode("utf-16")
        report = import_file(None, self.campaign, data, "forms.csv", MAPPING)
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(report.saved, 3)

    def test_it_imports_semicolon_separated_csv(self) -> None:
        rows = [line.replace(",", ";") for line in [HEADER, *GOOD]]
        report = import_file(None, self.campaign, "\n".join(rows).encode("cp1252"), "forms.csv", MAPPING)
        self.assertTrue(report.ok, report.errors)
        self.assertEqual(report.saved, 3)

    def test_it_refuses_a_200_kb_cell_naming_its_row_and_saves_nothing(self) -> None:
        huge = GOOD[1].rstrip(",") + "," + "x" * 200_000
        with self.assertRaisesRegex(ImportRefused, r"^Row 3: .*a cell may hold at most 10,000"):
            import_file(None, self.campaign, csv_bytes([GOOD[0], huge, GOOD[2]]), "forms.csv", MAPPING)
        self.assertFalse(Response.objects.exists())
        self.assertFalse(ResponseImport.objects.exists())

    def test_the_command_line_says_what_is_wrong_with_a_workbook_bomb(self) -> None:
        import zipfile

        bomb = io.BytesIO()
        with (
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/worksheets/sheet1.xml", "w") as member,
        ):
            for _ in range(210):
                member.write(bytes(1 << 20))  # 220 MB of zeros, a few hundred KB zipped
        with CliRunner().isolated_filesystem():
            Path("bomb.xlsx").write_bytes(bomb.getvalue())
            Path("mapping.json").write_text(json.dumps(MAPPING))
            result = CliRunner().invoke(
                responses_command,
                ["--campaign", self.campaign.slug, "bomb.xlsx", "--mapping", "mapping.json"],
            )
        self.assertEqual(result.exit_code, 1, result.output)
        self.assertIn("once decompressed", result.output)
        self.assertIsInstance(result.exception, SystemExit)  # a message, not a traceback
        self.assertFalse(Response.objects.exists())

    def test_a_web_import_that_takes_too_long_fails_with_the_reason_and_saves_nothing(self) -> None:
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import override_settings
        from django.urls import reverse

        from chalkface.jobs.models import Job, JobStatus
        from tests.jobs.helpers import run_worker

        self.login(self.olivia)
        self.client.post(
            reverse("imports:responses", args=[self.campaign.slug]),
            {
                "file": SimpleUploadedFile("forms.csv", csv_bytes(GOOD)),
                "mapping": SimpleUploadedFile("mapping.json", json.dumps(MAPPING).encode()),
            },
        )
        with override_settings(IMPORT_MAX_SECONDS=0):
            run_worker()
        job = Job.objects.get(owner=self.olivia)
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("took longer than 0 seconds", job.error)
        self.assertIn("nothing was saved", job.error)
        self.assertEqual(Response.objects.count(), 0)
        self.assertEqual(list((Path(settings.DATA_DIR) / "uploads").glob("*.csv")), [])
