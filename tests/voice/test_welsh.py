"""Every respondent page renders in Welsh."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chalkface.voice import actions
from tests.voice.helpers import CHECKIN_ANSWERS, VoiceTestCase

ENGLISH = [
    "Strongly agree",
    "Send my answers",
    "Which AI tool",
    "Thank you",
    "optional)",
    "Skip to the questions",
]


class WelshTests(VoiceTestCase):
    def assertWelsh(self, response: object, *phrases: str, status: int = 200) -> None:
        self.assertEqual(response.status_code, status)  # type: ignore[attr-defined]
        html = response.content.decode().replace("&#x27;", "'")  # type: ignore[attr-defined]
        self.assertIn('lang="cy"', html)
        for phrase in phrases:
            self.assertIn(phrase, html)
        for english in ENGLISH:
            self.assertNotIn(english, html)

    def test_it_renders_the_code_page_in_welsh(self) -> None:
        response = self.client.get(reverse("voice:start", args=[self.campaign.slug]), {"lang": "cy"})
        self.assertWelsh(response, "Eich cod mynediad", "Dechrau'r holiadur", "English")

    def test_it_renders_the_checkin_in_welsh_including_every_question(self) -> None:
        (code,) = self.codes(1)
        response = self.client.post(
            reverse("voice:start", args=[self.campaign.slug]), {"code": code, "lang": "cy"}
        )
        self.assertWelsh(
            response,
            "Beth yw eich rôl?",
            "Cytuno'n gryf",
            "Anfon fy atebion",
            "3 awr yr wythnos wedi'u harbed",
        )
        for question in self.campaign.question_set_version.ordered_questions():
            self.assertIn(question.prompt_cy, response.content.decode().replace("&#x27;", "'"))

    def test_it_renders_the_incident_report_in_welsh(self) -> None:
        (code,) = self.codes(1)
        response = self.client.post(
            reverse("voice:start", args=[self.campaign.slug]),
            {"code": code, "lang": "cy", "next": "incident"},
        )
        self.assertWelsh(response, "Rhoi gwybod am broblem gydag offeryn AI", "Diogelu", "Niwed seicolegol")

    def test_it_renders_errors_the_protection_step_and_thanks_in_welsh(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        bad = self.client.post(url, {**CHECKIN_ANSWERS, "tool": "", "code": code, "lang": "cy"})
        self.assertWelsh(bad, "Mae problem", status=400)
        review = self.client.post(
            url, {**CHECKIN_ANSWERS, "comment": "Gofynnwch i Rhys", "code": code, "lang": "cy"}
        )
        self.assertWelsh(review, "Gallai hyn ddangos pwy ydych chi", "Cadw gyda'r rhannau")
        done = self.client.post(url, {**CHECKIN_ANSWERS, "code": code, "lang": "cy", "protect": "redact"})
        self.assertWelsh(self.client.get(done["Location"]), "Diolch", "Mae eich atebion wedi'u cadw.")

    def test_it_renders_a_refused_code_a_closed_campaign_and_the_429_pages_in_welsh(self) -> None:
        start = reverse("voice:start", args=[self.campaign.slug])
        self.assertWelsh(
            self.client.post(start, {"code": "AAAA-BBBB-CCCC", "lang": "cy"}), "Nid yw'r cod hwnnw"
        )
        cache.clear()
        with override_settings(CHALKFACE_FAILED_CODES_PER_HOUR=1):
            self.client.post(start, {"code": "AAAA-BBBB-CCCD", "lang": "cy"})
            self.assertWelsh(
                self.client.post(start, {"code": "AAAA-BBBB-CCCE", "lang": "cy"}),
                "Arhoswch funud",
                status=429,
            )
        link = actions.create_open_link(None, self.campaign, self.hillside, per_hour=1)
        open_url = reverse("voice:open_checkin", args=[link.token])
        self.assertWelsh(self.client.get(open_url, {"lang": "cy"}), "Rydych chi'n ateb drwy ddolen agored.")
        self.client.post(open_url, {**CHECKIN_ANSWERS, "lang": "cy"})
        self.assertWelsh(
            self.client.post(open_url, {**CHECKIN_ANSWERS, "lang": "cy"}), "Arhoswch funud", status=429
        )
        self.campaign.closes_on = timezone.localdate() - dt.timedelta(days=1)
        self.campaign.opens_on = self.campaign.closes_on - dt.timedelta(days=5)
        self.campaign.save()
        self.assertWelsh(
            self.client.get(start, {"lang": "cy"}), "Nid yw'r ymgyrch hon yn derbyn atebion", status=410
        )
