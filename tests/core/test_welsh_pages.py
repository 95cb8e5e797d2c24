"""Every main page, for each role, in Welsh: no English sentence is left (names from the register --
tools, suppliers, schools, people, campaigns -- are allowed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from tests.insights.fixtures import InsightTestCase

# Words that only English uses: one of them in a Welsh page is an English string left untranslated.
ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "are",
        "for",
        "this",
        "that",
        "your",
        "you",
        "from",
        "by",
        "will",
        "has",
        "have",
        "shown",
        "fewer",
        "than",
        "responses",
        "evidence",
        "tokens",
        "reports",
        "report",
        "teacher",
        "primary",
        "secondary",
        "london",
        "token",
        "campaign",
        "campaigns",
        "open",
        "not",
        "what",
        "who",
        "when",
        "how",
        "results",
        "workplace",
        "workplaces",
        "people",
        "about",
        "hidden",
        "redacted",
        "removed",
        "here",
        "new",
        "see",
    ]
)


class _Text(HTMLParser):
    """The text a reader sees (no scripts, styles or JSON specs, nor what staff wrote, quoted verbatim),
    plus attribute text read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg", "code", "blockquote"):
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg", "code", "blockquote") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def english_left(html: str, allowed: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n", text):
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", sentence)}
        if words & ENGLISH:
            found.append(" ".join(sentence.split())[:400] + f" {sorted(words & ENGLISH)}")
    return found


#: Names a Welsh page shows as they are: the product's, a language's, file formats', a public service's.
PROPER_NOUNS = frozenset(
    [
        "Chalkface",
        "English",
        "CSV",
        "Excel (XLSX)",
        "Parquet",
        "JSON",
        "API",
        "OpenAPI",
        "Get Information About Schools",
    ]
)


class WelshPagesTestCase(InsightTestCase):
    def allowed(self) -> set[str]:
        from chalkface.register.models import Supplier, Tool
        from chalkface.voice.models import Campaign
        from chalkface.workplaces.models import Organisation

        names = set(PROPER_NOUNS)
        names |= set(Tool.objects.values_list("name", flat=True))
        names |= set(Supplier.objects.values_list("name", flat=True))
        names |= set(Organisation.objects.values_list("name", flat=True))
        names |= set(Campaign.objects.values_list("name", flat=True))
        names |= {u.email for u in (self.alice, self.olivia, self.emma, self.ravi, self.adam, self.bob)}
        return names

    def pages(self) -> list[tuple[str, str]]:
        tool, place = self.tool.slug, self.oakfield.slug
        return [
            ("alice", reverse("home")),
            ("olivia", reverse("home")),
            ("emma", reverse("home")),
            ("ravi", reverse("home")),
            ("adam", reverse("home")),
            ("olivia", reverse("insights:overview")),
            ("olivia", reverse("insights:tool", args=[tool])),
            ("olivia", reverse("insights:compare", args=[tool])),
            ("olivia", reverse("insights:workplace", args=[place])),
            ("olivia", reverse("insights:brief", args=[tool])),
            ("olivia", reverse("insights:open_data")),
            ("olivia", reverse("insights:alerts")),
            ("olivia", reverse("api_tokens")),
            ("olivia", reverse("voice:campaigns")),
            ("olivia", reverse("voice:campaign", args=[self.campaign.slug])),
            ("olivia", reverse("voice:campaign_create")),
            ("alice", reverse("voice:campaigns")),
            ("adam", reverse("accounts:audit")),
        ]

    def test_every_main_page_is_welsh_for_every_role(self) -> None:
        allowed = self.allowed()
        left: dict[str, list[str]] = {}
        for user, url in self.pages():
            self.client.logout()
            self.login(getattr(self, user))
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
            assert response.status_code == 200, (user, url, response.status_code)
            found = english_left(response.content.decode(), allowed)
            if found:
                left[f"{user} {url}"] = found
        assert left == {}, "\n".join(f"{page}: {text}" for page, found in left.items() for text in found)


class CampaignWelshNameTestCase(InsightTestCase):
    def test_a_campaign_shows_its_welsh_name_on_welsh_pages_and_its_name_otherwise(self) -> None:
        self.campaign.name_cy = "Gwirio'r gwanwyn"
        self.campaign.save()
        self.login(self.olivia)
        url = reverse("voice:campaign", args=[self.campaign.slug])
        welsh = self.client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        assert "Gwirio&#x27;r gwanwyn" in welsh and "Spring check-in" not in welsh
        english = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Spring check-in" in english and "Gwirio" not in english

    def test_the_owner_gives_a_campaign_a_welsh_name_when_changing_it(self) -> None:
        self.login(self.olivia)
        page = self.client.get(reverse("voice:campaign_edit", args=[self.campaign.slug])).content.decode()
        assert 'name="name_cy"' in page
        create = self.client.get(reverse("voice:campaign_create")).content.decode()
        assert 'name="name_cy"' in create
