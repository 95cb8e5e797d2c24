"""Who sees which insight page, slicing refusals, briefs, exports and background jobs."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from chalkface.insights.brief import brief_for_user
from chalkface.insights.filters import InvalidFilter
from chalkface.insights.frames import results_frame
from chalkface.insights.models import ShownSlice
from chalkface.insights.opendata import campaign_export_tables, write_tables
from chalkface.insights.results import tool_results
from chalkface.insights.shown import SliceRefused
from chalkface.voice.models import CampaignShare, Share
from tests.insights.fixtures import InsightTestCase

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class AuthorisationMatrixTests(InsightTestCase):
    def pages(self) -> dict[str, str]:
        return {
            "overview": reverse("insights:overview"),
            "tool": reverse("insights:tool", args=[self.tool.slug]),
            "compare": reverse("insights:compare", args=[self.tool.slug]),
            "brief": reverse("insights:brief", args=[self.tool.slug]),
            "workplace": reverse("insights:workplace", args=[self.oakfield.slug]),
            "open_data": reverse("insights:open_data"),
            "alerts": reverse("insights:alerts"),
        }

    def test_it_gives_each_role_exactly_the_pages_the_sharing_rules_allow(self) -> None:
        allowed = {
            # the officer runs the campaign; the admin sees everything
            "olivia": {"overview", "tool", "compare", "brief", "workplace", "open_data", "alerts"},
            "adam": {"overview", "tool", "compare", "brief", "workplace", "open_data", "alerts"},
            # the rep sees their own workplace's results, but no open data
            "alice": {"overview", "tool", "compare", "brief", "workplace", "alerts"},
            # a rep of another workplace in the campaign sees their own workplace, not Oakfield's page
            "bob": {"overview", "tool", "compare", "brief", "alerts"},
            # the employer lead and the analyst have been shared nothing; nobody holds no role
            "emma": set(),
            "ravi": set(),
            "nobody": set(),
        }
        for name, pages in allowed.items():
            user = getattr(self, name)
            self.client.force_login(user)
            for page, url in self.pages().items():
                with self.subTest(user=name, page=page):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200 if page in pages else 403)
            self.client.logout()

    def test_it_sends_anonymous_visitors_to_log_in(self) -> None:
        for url in self.pages().values():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response["Location"])

    def test_it_opens_the_results_to_an_employer_lead_once_the_owner_shares_them(self) -> None:
        CampaignShare.objects.create(campaign=self.campaign, organisation=self.trust, what=Share.RESULTS)
        self.login(self.emma)
        self.assertEqual(self.client.get(self.pages()["tool"]).status_code, 200)
        self.assertEqual(self.client.get(self.pages()["open_data"]).status_code, 200)

    def test_it_shows_a_rep_only_their_own_workplace(self) -> None:
        frame = results_frame(self.alice)
        self.assertEqual(set(frame["workplace_id"].to_list()), {self.oakfield.pk})
        results = tool_results(self.bob, self.tool)
        self.assertEqual(results.n_responses, 24)

    def test_it_never_shows_raw_responses(self) -> None:
        self.login(self.olivia)
        page = self.client.get(self.pages()["tool"]).content.decode()
        self.assertNotIn("Comment number", page)


class SlicingTests(InsightTestCase):
    def test_it_refuses_a_small_slice_on_the_page_and_says_why(self) -> None:
        self.login(self.olivia)
        url = reverse("insights:tool", args=[self.tool.slug])
        response = self.client.get(url, {"role": "teaching_assistant"})
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("This slice cannot be shown", page)
        self.assertIn("fewer than k=10", page)
        self.assertNotIn("Headline measures", page)

    def test_it_refuses_a_large_slice_that_would_reveal_a_small_group_by_subtraction(self) -> None:
        # 51 teachers out of 54: "teachers" is large, but the total minus it is the 3 teaching assistants.
        allowed = tool_results(self.olivia, self.tool, filters={"phase": "primary"})
        self.assertEqual(allowed.n_responses, 30)
        with self.assertRaises(SliceRefused) as refused:
            tool_results(self.olivia, self.tool, filters={"role": "teacher"})
        self.assertIn("by subtraction", refused.exception.reason)
        self.assertNotIn(" 3 ", refused.exception.reason)

    def test_it_remembers_what_each_viewer_was_shown_in_the_database(self) -> None:
        tool_results(self.olivia, self.tool, filters={"phase": "secondary"})
        keys = list(ShownSlice.objects.filter(user=self.olivia).values_list("conditions", flat=True))
        self.assertIn({"phase": ["secondary"], "tool_id": ["lessonspark"]}, keys)
        self.assertFalse(ShownSlice.objects.filter(user=self.adam).exists())

    def test_it_gives_every_figure_its_n_and_interval_or_a_reason(self) -> None:
        data = tool_results(self.olivia, self.tool).to_dict()
        for table in [*data["headline"], *[t for ts in data["breakdowns"].values() for t in ts]]:
            for row in table["rows"]:
                if row["suppressed"]:
                    self.assertIsNone(row["n"])
                    self.assertTrue(row["reason"])
                else:
                    self.assertGreaterEqual(row["n"], 10)
                    self.assertLessEqual(row["lower"], row["estimate"])
                    self.assertGreaterEqual(row["upper"], row["estimate"])
                    self.assertIsNotNone(row["n_eff"])

    def test_it_rejects_an_unknown_filter(self) -> None:
        with self.assertRaises(InvalidFilter):
            tool_results(self.olivia, self.tool, filters={"workplace": "x"})


class BriefTests(InsightTestCase):
    def test_it_writes_a_pdf_with_the_findings_the_ns_and_the_method_note_and_no_suppressed_figure(
        self,
    ) -> None:
        document = brief_for_user(self.olivia, self.tool)
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf())).pages)
        flat = " ".join(text.split())
        self.assertIn("Findings", flat)
        self.assertIn("54 check-ins about LessonSpark", flat)
        self.assertIn("n=54", flat)
        self.assertIn("Method note", flat)
        self.assertIn("What the data cannot say", flat)
        # the 3 teaching assistants are hidden: their row says why and carries no figure
        self.assertIn("Teaching assistant", flat)
        self.assertIsNone(re.search(r"n=3\b", flat))
        roles = [
            row for s in document.sections for row in s.chart.rows if row["group"] == "Teaching assistant"
        ]
        self.assertTrue(roles and all(r["suppressed"] and r["n"] is None for r in roles))
        self.assertGreaterEqual(len(PdfReader(io.BytesIO(document.pdf())).pages), 3)

    @override_settings(TASKS=IMMEDIATE)
    def test_it_makes_a_brief_from_the_web_as_a_job_whose_owner_downloads_it(self) -> None:
        self.login(self.olivia)
        response = self.client.post(reverse("insights:brief", args=[self.tool.slug]), {"format": "pdf"})
        self.assertEqual(response.status_code, 302)
        job_page = self.client.get(response["Location"])
        self.assertEqual(job_page.status_code, 200)
        from chalkface.jobs.models import Job

        job = Job.objects.get(owner=self.olivia)
        self.assertEqual(job.status, "done", job.error)
        self.assertEqual(job.percent, 100)
        download = self.client.get(job.result_url)
        self.assertEqual(download.status_code, 200)
        self.assertTrue(b"".join(download.streaming_content).startswith(b"%PDF"))
        self.login(self.alice)
        self.assertEqual(self.client.get(job.result_url).status_code, 403)

    @override_settings(TASKS=IMMEDIATE)
    def test_it_reports_a_failed_brief_job_instead_of_swallowing_it(self) -> None:
        self.login(self.olivia)
        from chalkface.insights.tasks import start_brief
        from chalkface.jobs.models import Job
        from chalkface.register.models import Tool

        other = Tool.objects.create(name="Quill", slug="quill", supplier=self.supplier)
        self.campaign.tools.add(other)
        from chalkface.voice.models import Response

        first = Response.objects.filter(workplace=self.oakfield, role="teaching_assistant").first()
        assert first is not None
        Response.objects.filter(pk=first.pk).update(tool=other)
        start_brief(self.olivia, other, None, "pdf")
        job = Job.objects.get(owner=self.olivia)
        self.assertEqual(job.status, "failed")
        self.assertIn("fewer than k=10", job.message + job.error)
        page = self.client.get(job.get_absolute_url()).content.decode()
        self.assertIn("fewer than k=10", page)


class ExportTests(InsightTestCase):
    def test_it_exports_only_aggregates_with_no_cell_below_k(self) -> None:
        tables = campaign_export_tables(self.olivia, self.campaign, dp=True)
        self.assertIn("data_dictionary", tables)
        for name, frame in tables.items():
            self.assertNotIn("answers", frame.columns)
            if "n" in frame.columns:
                shown = frame.filter(pl.col("n").is_not_null() & (pl.col("n") > 0))
                self.assertTrue((shown["n"] >= 10).all(), name)
            self.assertLess(frame.height, 54, name)
        for fmt in ("csv", "xlsx", "parquet"):
            with tempfile.TemporaryDirectory() as folder:
                files = write_tables(tables, fmt, Path(folder), "spring")
                self.assertTrue(any(f.name.endswith("method-note.txt") for f in files))

    def test_it_charges_the_privacy_budget_once_per_release_and_stores_it(self) -> None:
        campaign_export_tables(self.olivia, self.campaign, dp=True)
        spent = self.campaign.privacy_ledger.data["spent"]
        campaign_export_tables(self.olivia, self.campaign, dp=True)
        self.campaign.privacy_ledger.refresh_from_db()
        self.assertEqual(self.campaign.privacy_ledger.data["spent"], spent)

    def test_it_refuses_open_data_to_a_rep(self) -> None:
        with self.assertRaises(PermissionDenied):
            campaign_export_tables(self.alice, self.campaign)
