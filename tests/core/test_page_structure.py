"""Small things on every main page: each aria-describedby (and aria-labelledby) points at an element that
exists; a character counter is shown only under a long text box, never under the access-code box."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.core.test_welsh_pages import WelshPagesTestCase


class PageStructureTestCase(WelshPagesTestCase):
    def test_every_aria_reference_points_at_an_element_on_the_page(self) -> None:
        missing: dict[str, list[str]] = {}
        pages = [
            *self.pages(),
            (None, reverse("voice:start", args=[self.campaign.slug])),
            (None, reverse("login")),
            ("olivia", reverse("register:tool_create")),
            ("olivia", reverse("register:supplier_create")),
            ("olivia", reverse("voice:campaign_edit", args=[self.campaign.slug])),
            ("olivia", reverse("voice:campaign_sharing", args=[self.campaign.slug])),
            ("alice", reverse("register:deployment_create", args=[self.oakfield.slug])),
            ("emma", reverse("workplaces:edit", args=[self.oakfield.slug])),
            ("ravi", reverse("password_change")),
            ("ravi", reverse("register:tools")),
            ("ravi", reverse("workplaces:list")),
            ("alice", reverse("voice:rep_report", args=[self.campaign.slug])),
            ("olivia", reverse("voice:incidents", args=[self.campaign.slug])),
            ("olivia", reverse("voice:codes_generate", args=[self.campaign.slug])),
            ("olivia", reverse("voice:link_create", args=[self.campaign.slug])),
        ]
        for user, url in pages:
            self.client.logout()
            if user:
                self.login(getattr(self, user))
            html = self.client.get(url).content.decode()
            ids = set(re.findall(r'\sid="([^"]+)"', html))
            refs = re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', html)
            gone = sorted({r for ref in refs for r in ref.split() if r not in ids})
            if gone:
                missing[f"{user} {url}"] = gone
        assert missing == {}

    def test_the_access_code_box_has_no_characters_left_counter(self) -> None:
        html = self.client.get(reverse("voice:start", args=[self.campaign.slug])).content.decode()
        assert 'data-counter-for="id_code"' not in html

    # the Welsh sweep itself is run by its own test case
    test_every_main_page_is_welsh_for_every_role = None  # type: ignore[assignment]


class FaviconTestCase(WelshPagesTestCase):
    def test_every_page_and_the_brief_name_a_favicon_and_favicon_ico_leads_to_it(self) -> None:
        response = self.client.get("/favicon.ico")
        assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
        assert 'rel="icon"' in self.client.get(reverse("login")).content.decode()
        self.login(self.olivia)
        brief = self.client.get(reverse("insights:brief", args=[self.tool.slug])).content.decode()
        assert 'rel="icon"' in brief

    test_every_main_page_is_welsh_for_every_role = None  # type: ignore[assignment]
