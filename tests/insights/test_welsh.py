"""The insight pages in Welsh, chosen by the browser's language or by the language cookie."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tests.insights.fixtures import InsightTestCase


class WelshTests(InsightTestCase):
    def setUp(self) -> None:
        self.login(self.olivia)

    def test_the_tool_page_is_in_welsh_for_a_welsh_browser(self) -> None:
        response = self.client.get(reverse("insights:tool", args=[self.tool.slug]), HTTP_ACCEPT_LANGUAGE="cy")
        self.assertContains(response, '<html lang="cy"')
        self.assertContains(response, "Tystiolaeth am offeryn AI")
        self.assertContains(response, "Dewis pwy i edrych arnynt")
        self.assertContains(response, "<h2>Prif fesurau</h2>", html=True)
        self.assertRegex(response.content.decode(), r"5[2-6] ymateb o 2 gweithle\.")
        self.assertNotContains(response, "Choose who to look at")

    def test_a_hidden_slice_and_the_overview_are_in_welsh_with_the_language_cookie(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        refused = self.client.get(
            reverse("insights:tool", args=[self.tool.slug]), {"role": "teaching_assistant"}
        )
        self.assertContains(refused, "Llai na 10 ymateb, felly ni ddangosir dim.")
        self.assertContains(refused, "Heb ei ddangos: atebodd llai na 10 o bobl")
        overview = self.client.get(reverse("insights:overview"))
        self.assertContains(overview, "<h1>Trosolwg o'r dystiolaeth</h1>", html=True)

    def test_the_brief_is_in_welsh(self) -> None:
        response = self.client.get(
            reverse("insights:brief", args=[self.tool.slug]), HTTP_ACCEPT_LANGUAGE="cy"
        )
        self.assertContains(response, '<html lang="cy">')
        self.assertContains(response, "<h1>Briff tystiolaeth: LessonSpark</h1>", html=True)
        self.assertContains(response, "<h2>Canfyddiadau</h2>", html=True)
        self.assertContains(response, "Yr hyn na all y data ei ddweud.")

    def test_the_refusal_for_someone_shown_nothing_is_in_welsh(self) -> None:
        self.login(self.emma)
        response = self.client.get(reverse("insights:overview"), HTTP_ACCEPT_LANGUAGE="cy")
        self.assertEqual(response.status_code, 200)  # told why, and who can share, rather than refused
