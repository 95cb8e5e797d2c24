"""The brief's first page names the campaign and its period and says in plain words what it means before
any number; incident counts and tables agree, and never mix "0" with "Not shown"."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.urls import reverse

from chalkface.insights.incidents import _counted
from tests.insights.fixtures import InsightTestCase


class BriefFirstPageTestCase(InsightTestCase):
    def test_the_brief_names_the_campaign_and_period_and_explains_before_the_numbers(self) -> None:
        self.login(self.olivia)
        html = self.client.get(reverse("insights:brief", args=[self.tool.slug])).content.decode()
        first = html.split("Headline measures")[0]
        assert "From the campaign Spring check-in." in first
        assert "between 1 January 2025 and 31 December 2025" in first
        assert "What this means" in first and "95% interval beside it" in first
        assert first.index("What this means") < first.index("Findings")

    def test_a_campaign_still_open_gives_the_period_up_to_today_and_says_it_is_open(self) -> None:
        self.login(self.olivia)
        with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 6, 30)):
            html = self.client.get(reverse("insights:brief", args=[self.tool.slug])).content.decode()
        first = html.split("Headline measures")[0]
        assert "from 1 January 2025 to 30 June 2025; the campaign is still open" in first
        assert "31 December 2025" not in first  # not a day that has not come yet

    def test_incident_tables_never_mix_zero_with_not_shown(self) -> None:
        rows = [("bias", "low", 1)] * 3 + [("privacy", "low", 2)] * 12
        labels = {"bias": "Bias", "privacy": "Privacy", "safety": "Safety"}
        shown, _published = _counted(rows, 0, labels, 10)
        by_code = {row["code"]: row for row in shown}
        assert by_code["bias"]["suppressed"]
        assert by_code["safety"]["suppressed"] and by_code["safety"]["n"] is None
        assert not any(row["n"] == 0 for row in shown)

    def test_a_total_above_tables_that_show_nothing_says_so(self) -> None:
        self.login(self.olivia)
        html = self.client.get(reverse("insights:tool", args=[self.tool.slug])).content.decode()
        section = html.split('id="incidents"')[1].split("<h2")[0]
        if " reports." in section and "Not shown" in section and "<svg" not in section:
            assert "No category or severity has enough reports to be shown on its own." in section
