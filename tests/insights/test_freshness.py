"""Figures come from a copy of the check-ins that the worker keeps current; pages say how current."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from chalkface.insights import extract
from chalkface.voice.models import Response, Source
from tests.insights.fixtures import InsightTestCase


class FreshnessTests(InsightTestCase):
    def test_the_tool_page_and_overview_say_when_the_figures_were_computed(self) -> None:
        self.login(self.olivia)
        for url in (reverse("insights:tool", args=[self.tool.slug]), reverse("insights:overview")):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "Figures computed from the check-ins received by")

    def test_the_worker_sweep_brings_the_copy_up_to_date(self) -> None:
        from chalkface.cli.worker import _sweep

        extract.refresh(force=True)
        before = extract.refresh()["fingerprint"]
        template = Response.objects.first()
        assert template is not None
        Response.objects.create(
            campaign=self.campaign,
            question_set_version=template.question_set_version,
            workplace=self.oakfield,
            tool=self.tool,
            tool_version=self.v2,
            week=dt.date(2025, 10, 13),
            role="teacher",
            answers=dict(template.answers),
            source=Source.CODE,
            record_key=12345,
        )
        _sweep()
        manifest = extract._read_manifest()
        self.assertNotEqual(manifest["fingerprint"], before)
        lazy, _manifest = extract.checkins()
        self.assertEqual(lazy.select("record_key").collect().height, Response.objects.count())
