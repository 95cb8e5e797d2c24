"""Who sees which insight page, slicing, the record of releases, briefs, exports and background jobs."""

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
from chalkface.insights.models import ReleasedGroup, ReleaseRecord
from chalkface.insights.opendata import campaign_export_tables, write_tables
from chalkface.insights.results import tool_results
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
                    if page == "overview" and page not in pages:
                        # told why and who can share, rather than refused
                        self.assertEqual(response.status_code, 200)
                        self.assertContains(response, "No campaign has shared its results with you yet.")
                        self.assertNotContains(response, "Strongest signals")
                        continue
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
    def test_it_hides_a_small_slice_on_the_page_and_says_why(self) -> None:
        self.login(self.olivia)
        url = reverse("insights:tool", args=[self.tool.slug])
        response = self.client.get(url, {"role": "teaching_assistant"})
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Fewer than 10 check-ins, so nothing is shown.", page)
        self.assertIn("fewer than 10 people answered", page)
        results = tool_results(self.olivia, self.tool, filters={"role": "teaching_assistant"})
        self.assertIsNone(results.n_responses)
        self.assertTrue(all(row.suppressed and row.n is None for t in results.headline for row in t.rows))

    def test_a_large_slice_is_shown_with_noise_fixed_by_the_people_in_it(self) -> None:
        # 51 teachers out of 54: both are shown, each count within 2 of the truth, so their difference is the
        # 3 teaching assistants plus noise; asking again, or through another channel, gives the same figures.
        everyone = tool_results(self.olivia, self.tool)
        teachers = tool_results(self.olivia, self.tool, filters={"role": "teacher"})
        assert everyone.n_responses is not None and teachers.n_responses is not None
        self.assertLessEqual(abs(everyone.n_responses - 54), 2)
        self.assertLessEqual(abs(teachers.n_responses - 51), 2)
        again = tool_results(self.adam, self.tool, filters={"role": "teacher"}, channel="api.tool")
        self.assertEqual(again.to_dict()["headline"], teachers.to_dict()["headline"])
        # a group in a breakdown and the same group chosen by a filter are one cell: the same figures
        quintile = tool_results(self.olivia, self.tool, filters={"deprivation_quintile": "2"})
        by_quintile = next(t for t in everyone.breakdowns["deprivation_quintile"] if t.measure == "workload")
        in_table = next(r for r in by_quintile.rows if r.group == (("deprivation_quintile", 2),))
        alone = next(r for r in next(t for t in quintile.headline if t.measure == "workload").rows)
        self.assertEqual((in_table.n, in_table.estimate), (alone.n, alone.estimate))

    def test_it_records_every_release_across_viewers_and_channels(self) -> None:
        tool_results(self.olivia, self.tool, filters={"phase": "secondary"})
        tool_results(self.adam, self.tool, filters={"phase": "secondary"}, channel="api.tool")
        records = ReleaseRecord.objects.filter(channel__in=["page.tool", "api.tool"])
        self.assertEqual(set(records.values_list("channel", flat=True)), {"page.tool", "api.tool"})
        groups = ReleasedGroup.objects.filter(label__contains="phase=secondary")
        self.assertTrue(groups.exists())
        # The same people are recorded once, whoever looked and through whichever channel.
        self.assertEqual(groups.count(), len(set(groups.values_list("label", flat=True))))
        self.assertFalse(groups.filter(refused=True).exists())

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
        # 54 check-ins, published with cell-key noise of at most 2
        self.assertRegex(flat, r"5[2-6] check-ins about LessonSpark")
        self.assertRegex(flat, r"n=5[2-6]\b")
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
        # check-ins never change once in the results, so the columnar copy must be told this one did
        from chalkface.insights import extract

        extract.refresh(force=True)
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
