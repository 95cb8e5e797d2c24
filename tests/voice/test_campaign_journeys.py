"""A rep or officer runs a campaign from the pages as rendered: dates a browser can show, codes only while
the campaign is open, a page that says when it closed, and choices that can be told apart."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from chalkface.voice import actions
from chalkface.voice.errors import VoiceError
from chalkface.voice.models import AccessCode, Campaign
from chalkface.workplaces.models import Organisation
from tests.formdata import form_data
from tests.voice.helpers import VoiceTestCase


class CampaignJourneyTests(VoiceTestCase):
    def close_campaign(self) -> None:
        today = timezone.localdate()
        Campaign.objects.filter(pk=self.campaign.pk).update(
            opens_on=today - dt.timedelta(days=60), closes_on=today - dt.timedelta(days=3)
        )
        self.campaign.refresh_from_db()

    def test_it_renders_campaign_dates_in_iso_format_for_date_inputs(self) -> None:
        self.login(self.olivia)
        for language in ("en-gb", "cy"):
            html = self.client.get(
                reverse("voice:campaign_edit", args=[self.campaign.slug]), HTTP_ACCEPT_LANGUAGE=language
            ).content.decode()
            self.assertIn(f'type="date" name="opens_on" value="{self.campaign.opens_on.isoformat()}"', html)
            self.assertIn(f'value="{self.campaign.closes_on.isoformat()}"', html)

    def test_it_saves_an_unchanged_campaign_posted_from_the_rendered_form(self) -> None:
        self.login(self.olivia)
        url = reverse("voice:campaign_edit", args=[self.campaign.slug])
        data = form_data(self.client.get(url).content.decode(), "")
        self.assertEqual(data["opens_on"], [self.campaign.opens_on.isoformat()])
        response = self.client.post(url, data)
        self.assertRedirects(response, self.campaign.get_absolute_url())

    def test_it_makes_codes_from_the_rendered_codes_form_unchanged(self) -> None:
        self.login(self.alice)
        html = self.client.get(self.campaign.get_absolute_url()).content.decode()
        action = reverse("voice:codes_generate", args=[self.campaign.slug])
        data = form_data(html, action)
        # A rep with one workplace finds it chosen already, and the expiry date filled in.
        self.assertEqual(data["workplace"], [str(self.oakfield.pk)])
        self.assertEqual(data["expires_on"], [self.campaign.closes_on.isoformat()])
        response = self.client.post(action, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AccessCode.objects.filter(workplace=self.oakfield).count(), 30)

    def test_it_shows_an_error_summary_when_the_codes_form_is_wrong(self) -> None:
        self.login(self.alice)
        action = reverse("voice:codes_generate", args=[self.campaign.slug])
        response = self.client.post(action, {"workplace": self.oakfield.pk, "count": 30, "output": "html"})
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, 'href="#id_expires_on"', status_code=400)

    def test_it_refuses_codes_for_a_closed_campaign(self) -> None:
        self.close_campaign()
        with self.assertRaisesMessage(VoiceError, "This campaign closed on"):
            actions.generate_codes(None, self.campaign, self.oakfield, 3, timezone.localdate())
        with self.assertRaisesMessage(VoiceError, "no codes or links can be made"):
            actions.create_open_link(None, self.campaign, self.oakfield)
        self.login(self.alice)
        response = self.client.post(
            reverse("voice:codes_generate", args=[self.campaign.slug]),
            {
                "workplace": self.oakfield.pk,
                "count": 3,
                "expires_on": timezone.localdate().isoformat(),
                "output": "html",
            },
        )
        self.assertContains(response, "This campaign closed on", status_code=400)
        self.assertFalse(AccessCode.objects.exists())

    def test_the_page_of_a_closed_campaign_says_it_closed_and_when(self) -> None:
        self.close_campaign()
        self.login(self.alice)
        response = self.client.get(self.campaign.get_absolute_url())
        closed = self.campaign.closes_on
        self.assertContains(response, f"This campaign closed on {closed.day} {closed:%B %Y}.")
        self.assertNotContains(response, reverse("voice:codes_generate", args=[self.campaign.slug]))
        self.assertNotContains(response, reverse("voice:link_create", args=[self.campaign.slug]))
        self.assertNotContains(response, "this is the only time they can be printed")

    def test_it_tells_schools_with_the_same_name_apart(self) -> None:
        twin = Organisation.objects.create(
            kind="school", name="Oakfield Primary School", slug="oakfield-primary-2", urn=100003
        )
        self.campaign.workplaces.add(twin)
        self.login(self.olivia)
        html = self.client.get(self.campaign.get_absolute_url()).content.decode()
        self.assertIn("Oakfield Primary School (URN 100001)", html)
        self.assertIn("Oakfield Primary School (URN 100003)", html)

    def test_it_preselects_a_choice_that_has_only_one_option(self) -> None:
        self.login(self.alice)
        html = self.client.get(self.campaign.get_absolute_url()).content.decode()
        self.assertIn(f'<option value="{self.oakfield.pk}" selected>', html)
        self.assertNotIn('<option value="" selected>---------</option>', html)
        # With more than one, the choice is left to the person.
        self.login(self.olivia)
        html = self.client.get(self.campaign.get_absolute_url()).content.decode()
        self.assertIn('<option value="" selected>---------</option>', html)

    def test_it_says_in_welsh_that_a_campaign_closed_and_leads_a_rep_to_codes(self) -> None:
        self.login(self.alice)
        home = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        self.assertIn("Rhannu codau mynediad ar gyfer Autumn check-in", home)
        self.assertIn(">Ymgyrchoedd</a>", home)
        self.close_campaign()
        page = self.client.get(self.campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        self.assertIn("Caeodd yr ymgyrch hon ar", page)
        self.assertIn("ni ellir creu codau mynediad", page)

    def test_the_campaign_page_gives_every_element_its_own_id(self) -> None:
        import re

        self.login(self.alice)
        html = self.client.get(self.campaign.get_absolute_url()).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        self.assertEqual(sorted({i for i in ids if ids.count(i) > 1}), [])
