"""What a respondent meets on the page: a notice at the top when a comment could identify someone, and
form fields whose hints and counters fit them."""

from __future__ import annotations

import re

from django.urls import reverse

from chalkface.voice.models import Response
from tests.voice.helpers import CHECKIN_ANSWERS, VoiceTestCase

IDENTIFYING = "Mrs Sarah Jones at Oakfield Primary School checks every quiz it writes."


class RespondentPageTests(VoiceTestCase):
    def test_it_puts_the_comment_protection_notice_first_and_gives_it_the_focus(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        response = self.client.post(url, {**CHECKIN_ANSWERS, "comment": IDENTIFYING, "code": code})
        html = response.content.decode()
        main = html[html.index('<main id="main">') :]
        notice = main.index('id="protect-summary"')
        # Straight after the heading, before the introduction and the first question.
        self.assertLess(notice, main.index('class="lead"'))
        self.assertLess(notice, main.index('id="q-tool"'))
        tag = re.search(r'<div[^>]*id="protect-summary"[^>]*>', main)
        assert tag is not None
        self.assertIn('tabindex="-1"', tag.group(0))
        self.assertIn("autofocus", tag.group(0))
        self.assertIn("Nothing has been sent yet", main)
        self.assertIn('href="#protect-comment"', main)
        self.assertIn('id="protect-comment"', main)
        self.assertFalse(Response.objects.exists())

    def test_it_shows_no_protection_notice_for_a_clean_comment(self) -> None:
        (code,) = self.codes(1)
        start = reverse("voice:start", args=[self.campaign.slug])
        html = self.client.post(start, {"code": code, "next": "checkin"}).content.decode()
        self.assertNotIn("protect-summary", html)

    def test_it_counts_characters_only_under_text_boxes_not_the_code_box(self) -> None:
        html = self.client.get(reverse("voice:start", args=[self.campaign.slug])).content.decode()
        self.assertNotIn('data-counter-for="id_code"', html)
        (code,) = self.codes(1)
        start = reverse("voice:start", args=[self.campaign.slug])
        form = self.client.post(start, {"code": code, "next": "checkin"}).content.decode()
        self.assertIn('data-counter-for="id_comment"', form)

    def test_every_aria_describedby_points_at_an_element_on_the_page(self) -> None:
        (code,) = self.codes(1)
        start = reverse("voice:start", args=[self.campaign.slug])
        pages = [
            self.client.get(start).content.decode(),
            self.client.post(start, {"code": code, "next": "checkin"}).content.decode(),
            self.client.post(start, {"code": code, "next": "incident"}).content.decode(),
        ]
        for html in pages:
            ids = set(re.findall(r'\sid="([^"]+)"', html))
            for described in re.findall(r'aria-describedby="([^"]+)"', html):
                for target in described.split():
                    self.assertIn(target, ids)

    def test_it_gives_the_protection_notice_in_welsh(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        response = self.client.post(
            url, {**CHECKIN_ANSWERS, "comment": IDENTIFYING, "code": code, "lang": "cy"}
        )
        html = response.content.decode()
        self.assertIn("Does dim wedi'i anfon eto", html)
        self.assertIn("Gwiriwch eich ateb i", html)
