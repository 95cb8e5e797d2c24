"""What keeps coming up in a campaign's incident reports: themes found on the worker, each listing the
reports in it that the reader may open, and nothing from reports they may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import override_settings
from django.urls import reverse

from chalkface.insights.models import ThemeRun
from chalkface.jobs.models import Job, JobStatus
from chalkface.voice.models import RECORD_KEY_RANGE, IncidentReport, Source
from tests.jobs.helpers import run_worker
from tests.voice.helpers import VoiceTestCase

DB_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
WRONG_GRADE = "The marking tool gave one pupil's grade to a different pupil in the class list"
UPSETTING = "The chatbot showed pupils an upsetting image when asked about history homework"


class IncidentThemeTests(VoiceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rows = []
        for i in range(16):
            place = cls.oakfield if i % 2 else cls.hillside
            text = (
                WRONG_GRADE if i < 8 else UPSETTING
            ) + f" ({['this week', 'again', 'twice', 'today'][i % 4]})"
            rows.append(
                IncidentReport(
                    campaign=cls.campaign,
                    workplace=place,
                    tool=cls.tool,
                    month=dt.date(2025, 10, 1),
                    category="inaccurate_output" if i < 8 else "inappropriate_content",
                    severity="minor",
                    harm_type="psychological",
                    description=text,
                    week=dt.date(2025, 10, 6),
                    source=Source.CODE,
                    record_key=(7919 * i + 3) % RECORD_KEY_RANGE,
                )
            )
        IncidentReport.objects.bulk_create(rows)

    def url(self) -> str:
        return reverse("insights:incident_themes", args=[self.campaign.slug])

    def find(self, user: Any) -> Job:
        self.login(user)
        with override_settings(TASKS=DB_TASKS):
            response = self.client.post(self.url())
            job = Job.objects.get(kind="insights.incident_themes", owner=user)
            self.assertRedirects(response, job.get_absolute_url(), fetch_redirect_response=False)
            run_worker()
        job.refresh_from_db()
        return job

    def test_the_incident_list_links_to_the_themes_and_a_view_finds_nothing(self) -> None:
        self.login(self.olivia)
        listing = self.client.get(reverse("voice:incidents", args=[self.campaign.slug])).content.decode()
        self.assertIn(self.url(), listing)
        page = self.client.get(self.url())
        self.assertContains(page, "have not been found yet")
        self.assertFalse(ThemeRun.objects.exists())

    def test_the_worker_groups_the_reports_and_the_page_lists_each_theme_with_its_reports(self) -> None:
        job = self.find(self.olivia)
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        html = self.client.get(self.url()).content.decode()
        themes = html.split('<details class="theme"')[1:]
        self.assertGreaterEqual(len(themes), 2)
        for report in IncidentReport.objects.all():  # every report is listed once, under one theme
            self.assertEqual(html.count(reverse("voice:incident", args=[report.pk])), 1)
        for theme in themes:  # and no theme mixes the wrong grades with the upsetting images
            self.assertEqual(len({c for c in ("Inaccurate", "Inappropriate") if c in theme}), 1, theme[:300])

    def test_a_rep_sees_only_their_own_workplaces_reports_in_the_themes(self) -> None:
        self.find(self.olivia)
        self.find(self.alice)  # Oakfield's rep: a run of her own
        html = self.client.get(self.url()).content.decode()
        for report in IncidentReport.objects.filter(workplace=self.hillside):
            self.assertNotIn(str(report.pk), html)
        self.assertIn(str(IncidentReport.objects.filter(workplace=self.oakfield).first().pk), html)
        self.assertEqual(ThemeRun.objects.filter(kind="incidents").count(), 2)

    def test_someone_the_reports_are_not_shared_with_is_refused(self) -> None:
        from chalkface.voice.models import Share

        self.login(self.emma)
        self.assertEqual(self.client.get(self.url()).status_code, 404)  # the campaign is not hers to see
        self.campaign.shares.create(organisation=self.trust, what=Share.RESULTS)
        self.assertEqual(self.client.get(self.url()).status_code, 403)  # its results, but not its reports
