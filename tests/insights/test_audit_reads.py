"""Every read of workplace-level results and every export is in the audit log, with no respondent-side
time: who, which channel, about which campaigns and workplaces, how many figures; never a week or date."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.insights.opendata import campaign_export_tables
from tests.insights.fixtures import InsightTestCase

DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")


class AuditedReadTests(InsightTestCase):
    def entries(self, channel: str) -> list[AuditEvent]:
        return [
            e
            for e in AuditEvent.objects.filter(action__startswith="results.")
            if e.changes["channel"] == channel
        ]

    def assertAudited(self, channel: str, action: str, who: Any) -> AuditEvent:  # noqa: N802
        found = self.entries(channel)
        self.assertEqual(len(found), 1, [e.summary for e in AuditEvent.objects.all()])
        entry = found[0]
        self.assertEqual((entry.action, entry.actor), (action, who))
        self.assertEqual(entry.object_type, "insights.releaserecord")
        self.assertEqual(set(entry.changes), {"channel", "audience", "figures", "shown", "digest"})
        # no respondent-side time: nothing in the entry is a date, a week or a time of an answer
        self.assertIsNone(DATE.search(f"{entry.summary} {entry.changes}"))
        self.assertFalse({"week", "month", "at", "date", "submitted"} & set(entry.changes))
        return entry

    def test_it_audits_a_read_of_a_workplace_page(self) -> None:
        self.login(self.olivia)
        page = self.client.get(reverse("insights:workplace", args=[self.oakfield.slug]))
        self.assertEqual(page.status_code, 200)
        entry = self.assertAudited("page.workplace", "results.read", self.olivia)
        self.assertIn(f":{self.oakfield.pk}", entry.changes["audience"])

    def test_it_audits_a_tool_page_filtered_down_to_one_workplace_but_not_the_whole_tool_page(self) -> None:
        self.login(self.olivia)
        url = reverse("insights:tool", args=[self.tool.slug])
        self.assertEqual(self.client.get(url).status_code, 200)  # two workplaces: not workplace-level
        self.assertEqual(self.entries("page.tool"), [])
        self.assertEqual(self.client.get(url, {"phase": "primary"}).status_code, 200)  # Oakfield only
        self.assertAudited("page.tool", "results.read", self.olivia)

    def test_it_audits_a_brief(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get(reverse("insights:brief", args=[self.tool.slug])).status_code, 200)
        self.assertAudited("brief.html", "results.exported", self.olivia)

    def test_it_audits_an_open_data_export(self) -> None:
        campaign_export_tables(self.olivia, self.campaign, channel="export")  # what the export job runs
        self.assertAudited("export", "results.exported", self.olivia)

    def test_it_audits_an_export_through_the_api(self) -> None:
        from chalkface.api.actions import create_token

        _token, raw = create_token(self.olivia, "notebook")
        response = self.client.get(
            f"/api/v1/campaigns/{self.campaign.slug}/export", headers={"Authorization": f"Bearer {raw}"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertAudited("api.export", "results.exported", self.olivia)
