"""Page weight: evidence pages without a chart load no chart library; a page with charts stays under
400 KB transferred (its HTML and static files, compressed as WhiteNoise serves them after collectstatic)."""

from __future__ import annotations

import gzip
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.insights.fixtures import InsightTestCase

LIMIT = 400 * 1024


def static_files(html: str) -> list[str]:
    prefix = re.escape(settings.STATIC_URL)
    return re.findall(rf'(?:src|href)="{prefix}([^"?#]+)"', html)


class PageWeightTestCase(InsightTestCase):
    def test_a_page_without_charts_loads_no_chart_library(self) -> None:
        self.login(self.olivia)
        for url in (
            reverse("insights:workplace", args=[self.oakfield.slug]),
            reverse("insights:compare", args=[self.tool.slug]),
            reverse("insights:overview"),
            reverse("insights:tool", args=[self.tool.slug]) + "?role=teaching_assistant",
        ):
            html = self.client.get(url).content.decode()
            assert "vega" not in " ".join(static_files(html)), url
            assert "charts.js" not in html, url

    def test_a_page_with_charts_loads_the_library_and_weighs_under_400_kb(self) -> None:
        assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.storage.Compressed")
        self.login(self.olivia)
        html = self.client.get(reverse("insights:tool", args=[self.tool.slug])).content.decode()
        files = static_files(html)
        assert any("vega-embed" in f for f in files)
        total = len(gzip.compress(html.encode()))
        for name in files:
            path = finders.find(name)
            assert path, name
            with open(path, "rb") as handle:
                total += len(gzip.compress(handle.read(), compresslevel=9))
        assert total < LIMIT, f"{total / 1024:.0f} KB"
