"""Every channel that shows figures passes the one release gate, and records what it released."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import override_settings

from chalkface.evidence import DisclosurePolicy, ReleaseRefused, estimate
from chalkface.insights import release
from chalkface.insights.alerts import run_alerts
from chalkface.insights.brief import brief_for_user
from chalkface.insights.frames import results_frame
from chalkface.insights.models import ReleasedGroup, ReleaseRecord
from chalkface.insights.opendata import campaign_export_tables
from chalkface.insights.overview import overview
from chalkface.insights.results import tool_results, version_comparison, workplace_results
from tests.insights.fixtures import InsightTestCase

SOURCE = Path(release.__file__).resolve().parents[1]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _channels_named_in_the_code() -> set[str]:
    named: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "evidence" in path.parts or path.name == "release.py":
            continue
        text = path.read_text()
        named |= set(re.findall(r'channel(?:: str)?\s*=\s*f?"([a-z.{}]+)"', text))
        named |= set(re.findall(r'publish\([^,]+,\s*"([a-z.]+)"', text))
    out = set()
    for name in named:
        out |= {name.replace("{fmt}", fmt) for fmt in ("html", "pdf")} if "{fmt}" in name else {name}
    return out


class ReleaseGateTests(InsightTestCase):
    def test_every_channel_in_the_code_is_one_the_gate_knows(self) -> None:
        named = _channels_named_in_the_code()
        self.assertTrue(named)
        self.assertEqual(named - set(release.CHANNELS), set())
        self.assertEqual(set(release.CHANNELS) - named, set(), "a listed channel that nothing uses")

    def test_it_refuses_a_channel_it_does_not_know(self) -> None:
        with self.assertRaisesMessage(ValueError, "unknown channel"):
            release.publish(self.olivia, "page.secret", {}, 10, [])

    def test_it_refuses_figures_made_without_the_release_policy(self) -> None:
        frame = results_frame(self.olivia)
        naive = estimate(frame, "workload", ["role"], policy=DisclosurePolicy(k=10))
        with self.assertRaises(ReleaseRefused):
            release.publish(self.olivia, "page.tool", {}, 10, [naive])
        self.assertFalse(ReleaseRecord.objects.exists())

    @override_settings(TASKS=IMMEDIATE)
    def test_each_channel_records_its_release_in_one_history_for_every_viewer(self) -> None:
        overview(self.olivia)
        tool_results(self.olivia, self.tool, filters={"phase": "secondary"})
        tool_results(self.adam, self.tool, filters={"phase": "secondary"}, channel="api.tool")
        version_comparison(self.olivia, self.tool, "1.0", "2.0")
        workplace_results(self.olivia, self.oakfield)
        workplace_results(self.adam, self.oakfield, channel="api.workplace")
        brief_for_user(self.olivia, self.tool)
        brief_for_user(self.olivia, self.tool, channel="brief.pdf")
        brief_for_user(self.olivia, self.tool, channel="cli.brief", with_quotes=False)
        for channel in ("export", "api.export", "cli.export"):
            campaign_export_tables(self.olivia, self.campaign, channel=channel)
        recorded = set(ReleaseRecord.objects.values_list("channel", flat=True))
        # alerts and conversation reports record theirs in their own tests (tests/conversations)
        self.assertEqual(set(release.CHANNELS) - recorded - {"alert", "page.conversation"}, set())
        # one history, whoever looked and however: each group is recorded once
        labels = list(ReleasedGroup.objects.values_list("label", flat=True))
        self.assertEqual(len(labels), len(set(labels)))
        for record in ReleaseRecord.objects.all():
            self.assertGreaterEqual(record.figures, record.shown)

    def test_alerts_pass_the_gate_too(self) -> None:
        from chalkface.insights.models import Subscription

        Subscription.objects.create(user=self.olivia, tool=self.tool)
        run_alerts()
        self.assertTrue(ReleaseRecord.objects.filter(channel="alert").exists())
