"""The demo, in Welsh: each log-in the demo prints opens its home page, every page linked from it, and the
first few pages linked from each of those, and none of them has an English sentence left in it. Names from
the register (tools, suppliers, schools, campaigns, people) are allowed, and so is the text people typed
into it (a tool's description, what changed in a version, what a deployment is for), which the app shows
as it was written. Fixtures are written by the people
who wrote the pages; the demo's data is what a new user meets."""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.test import TestCase, override_settings

from chalkface.accounts.models import User
from tests.core.test_welsh_pages import PROPER_NOUNS, english_left

# Links that are not pages to read: leaving, switching language, files to download.
NOT_PAGES = ("/accounts/logout/", "/i18n/", "/admin/", "/static/", "/media/", "/api/")
DOWNLOADS = (".csv", ".json", ".pdf", ".xlsx", ".parquet", ".zip")
# How many new pages each page linked from home leads on to (the rest are more of the same kind), and how
# many evidence pages one step further (a tool's brief, a workplace's results).
FURTHER = 6
EVIDENCE = 3


class _Links(HTMLParser):
    """The addresses this site links to from a page's navigation and main content."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag != "a" or not href:
            return
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return
        if parts.path.startswith(NOT_PAGES) or parts.path.endswith(DOWNLOADS):
            return
        self.links.append(href.split("#")[0])


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.links))


class WelshDemoTestCase(TestCase):
    """The demo's data, set up once for the module (30 workplaces: what ``chalkface demo --workplaces 30``
    loads), with its log-ins."""

    @classmethod
    def setUpClass(cls) -> None:
        # A data folder of its own: the demo's copy of its check-ins (the columnar extract) must not be
        # what the next test in this process finds in the shared one.
        cls.folder = tempfile.TemporaryDirectory(prefix="chalkface-demo-")
        cls.own_data_dir = override_settings(DATA_DIR=Path(cls.folder.name))
        cls.own_data_dir.enable()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        from chalkface.demo.actions import ensure_demo

        cls.logins = ensure_demo(Path(cls.folder.name), workplaces=30, echo=lambda _line: None)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.own_data_dir.disable()
        cls.folder.cleanup()

    def allowed(self) -> set[str]:
        from chalkface.insights.models import WorkforceMargins
        from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
        from chalkface.voice.models import Campaign
        from chalkface.workplaces.models import Organisation

        names = set(PROPER_NOUNS)
        names |= set(Tool.objects.values_list("name", flat=True))
        names |= {str(v) for v in ToolVersion.objects.select_related("tool")}
        names |= set(Supplier.objects.values_list("name", flat=True))
        typed = list(Deployment.objects.values_list("purpose", flat=True))
        typed += Tool.objects.values_list("description", flat=True)
        typed += ToolVersion.objects.values_list("change_notes", flat=True)
        # workforce margins: their name, source and licence as the officer who added them typed them
        for margins in WorkforceMargins.objects.values_list("name", "source", "licence"):
            typed += [text for text in margins if text]
        for text in typed:
            names.add(text)
            names |= {part.strip() for part in re.split(r"(?<=[.!?:;])\s+|\n", text)}
        names |= set(Organisation.objects.values_list("name", flat=True))
        # a campaign with a Welsh name is called by it on a Welsh page
        names |= {name_cy or name for name, name_cy in Campaign.objects.values_list("name", "name_cy")}
        names |= set(User.objects.values_list("email", flat=True))
        names |= set(User.objects.values_list("name", flat=True))
        return {name for name in names if name}

    def test_the_demo_campaign_has_a_welsh_name(self) -> None:
        from chalkface.voice.models import Campaign

        campaign = Campaign.objects.get(slug="synthetic-checkins")
        assert campaign.name_cy and campaign.name_cy != campaign.name

    def test_every_demo_log_in_meets_only_welsh_from_its_home_page(self) -> None:
        assert {login["role"] for login in self.logins} == {
            "union_rep",
            "union_officer",
            "employer_lead",
            "analyst",
            "admin",
        }
        allowed = self.allowed()
        left: dict[str, list[str]] = {}
        refused: dict[str, int] = {}
        for login in self.logins:
            self.client.logout()
            self.client.force_login(User.objects.get(email=login["email"]))
            home = self.client.get("/", HTTP_ACCEPT_LANGUAGE="cy")
            assert home.status_code == 200, login["role"]
            pages = {"/": home}
            came_from = {"/": ""}
            first = [url for url in links(home.content.decode()) if url not in pages]
            came_from.update((url, "/") for url in first)
            for url in first:
                pages[url] = self.client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
            for url in first:
                response = pages[url]
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    continue
                further = [u for u in links(response.content.decode()) if u not in pages][:FURTHER]
                for next_url in further:
                    came_from[next_url] = url
                    pages[next_url] = self.client.get(next_url, HTTP_ACCEPT_LANGUAGE="cy")
            second = [url for url in pages if url not in first and url.startswith("/insights/")]
            for url in second:
                response = pages[url]
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    continue
                evidence = [
                    u
                    for u in links(response.content.decode())
                    if u.startswith("/insights/") and u not in pages
                ]
                for next_url in evidence[:EVIDENCE]:
                    came_from[next_url] = url
                    pages[next_url] = self.client.get(next_url, HTTP_ACCEPT_LANGUAGE="cy")
            assert len(pages) > 3, (login["role"], list(pages))
            for url, response in pages.items():
                if response.status_code == 302 and url.startswith("/accounts/"):
                    continue  # e.g. two-factor set-up pages that send a user on
                if response.status_code != 200:
                    refused[f"{login['role']} {url} (linked from {came_from[url]})"] = response.status_code
                    continue
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                found = english_left(response.content.decode(), allowed)
                if found:
                    left[f"{login['role']} {url}"] = found
        assert refused == {}, refused
        assert left == {}, "\n".join(f"{page}: {text}" for page, found in left.items() for text in found)
