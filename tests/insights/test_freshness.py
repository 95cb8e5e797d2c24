"""Figures come from a copy of the check-ins that the worker keeps current; pages say how current."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from chalkface.insights import extract
from chalkface.voice.models import Response
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
        self.add_check_in(record_key=12345)
        _sweep()
        manifest = extract._read_manifest()
        self.assertNotEqual(manifest["fingerprint"], before)
        lazy, _manifest = extract.checkins()
        self.assertEqual(lazy.select("record_key").collect().height, Response.objects.count())

    def test_a_page_view_counts_no_check_ins_when_nothing_changed(self) -> None:
        extract.refresh(force=True)
        with mock.patch.object(extract, "_fingerprint", wraps=extract._fingerprint) as counted:
            extract.checkins()
            self.login(self.olivia)
            self.client.get(reverse("insights:tool", args=[self.tool.slug]))
        self.assertEqual(counted.call_count, 0)

    def test_adding_changing_or_deleting_a_check_in_is_seen(self) -> None:
        extract.refresh(force=True)
        seen = [extract.change_state()]
        added = self.add_check_in(record_key=4242)
        seen.append(extract.change_state())
        Response.objects.filter(pk=added.pk).update(role="teaching_assistant")
        seen.append(extract.change_state())
        Response.objects.filter(pk=added.pk).delete()
        seen.append(extract.change_state())
        self.assertEqual(len(set(seen)), 4, seen)
        self.assertNotIn(None, seen)
        # and the copy follows: the deleted check-in is gone from it
        lazy, _manifest = extract.checkins()
        self.assertEqual(lazy.filter(extract.pl.col("record_key") == 4242).collect().height, 0)
        self.assertEqual(lazy.select("record_key").collect().height, Response.objects.count())

    def test_the_sweep_checks_the_whole_table_even_when_the_token_says_nothing_changed(self) -> None:
        from chalkface.cli.worker import _sweep

        extract.refresh(force=True)
        with mock.patch.object(extract, "_fingerprint", wraps=extract._fingerprint) as counted:
            _sweep()
        self.assertGreaterEqual(counted.call_count, 1)
