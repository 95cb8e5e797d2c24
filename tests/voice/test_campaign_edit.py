"""Changing a campaign after it started (dates, threshold, scope) and who sees what of it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.voice.models import Campaign, Share
from tests.voice.helpers import VoiceTestCase


class CampaignEditTests(VoiceTestCase):
    def edit_url(self) -> str:
        return reverse("voice:campaign_edit", args=[self.campaign.slug])

    def sharing_url(self) -> str:
        return reverse("voice:campaign_sharing", args=[self.campaign.slug])

    def values(self, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            "name": "Autumn check-in",
            "opens_on": self.campaign.opens_on.isoformat(),
            "closes_on": (self.campaign.closes_on + dt.timedelta(days=14)).isoformat(),
            "threshold": 12,
            "workplaces": [self.oakfield.pk],
            "tools": [self.tool.pk],
        }
        values.update(changes)
        return values

    def test_it_lets_the_owner_change_dates_threshold_and_scope(self) -> None:
        self.login(self.olivia)
        page = self.client.get(self.campaign.get_absolute_url())
        self.assertContains(page, self.edit_url())
        self.assertContains(page, self.sharing_url())
        form = self.client.get(self.edit_url())
        self.assertContains(form, 'value="10"')  # the current threshold
        response = self.client.post(self.edit_url(), self.values())
        self.assertRedirects(response, self.campaign.get_absolute_url())
        campaign = Campaign.objects.get(pk=self.campaign.pk)
        self.assertEqual(campaign.threshold, 12)
        self.assertEqual(campaign.closes_on, self.campaign.closes_on + dt.timedelta(days=14))
        self.assertEqual(list(campaign.workplaces.all()), [self.oakfield])
        event = AuditEvent.objects.get(action="campaign.edited")
        self.assertEqual(event.actor, self.olivia)

    def test_it_never_takes_a_threshold_below_five_and_keeps_what_was_typed(self) -> None:
        self.login(self.olivia)
        response = self.client.post(self.edit_url(), self.values(name="Renamed pulse", threshold=4))
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "greater than or equal to 5", status_code=400)
        self.assertContains(response, 'value="Renamed pulse"', status_code=400)
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).threshold, 10)
        self.assertFalse(AuditEvent.objects.filter(action="campaign.edited").exists())

    def test_it_refuses_a_campaign_that_closes_before_it_opens(self) -> None:
        self.login(self.olivia)
        opens = self.campaign.opens_on
        response = self.client.post(
            self.edit_url(), self.values(closes_on=(opens - dt.timedelta(days=1)).isoformat())
        )
        self.assertContains(response, "close on or after the day it opens", status_code=400)
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).closes_on, self.campaign.closes_on)

    def test_it_lets_the_owner_choose_who_sees_what(self) -> None:
        self.login(self.olivia)
        self.assertContains(self.client.get(self.sharing_url()), self.trust.name)
        response = self.client.post(
            self.sharing_url(), {"share_results": [self.trust.pk], "share_incidents": [self.trust.pk]}
        )
        self.assertRedirects(response, self.campaign.get_absolute_url())
        self.assertEqual(
            sorted(self.campaign.shares.values_list("what", flat=True)), [Share.INCIDENTS, Share.RESULTS]
        )
        self.assertTrue(AuditEvent.objects.filter(action="campaign.shares_changed").exists())
        # The employer now sees the incident reports; taking the share back hides them again.
        self.login(self.emma)
        self.assertEqual(
            self.client.get(reverse("voice:incidents", args=[self.campaign.slug])).status_code, 200
        )
        self.login(self.olivia)
        self.client.post(self.sharing_url(), {"share_results": [self.trust.pk]})
        self.login(self.emma)
        self.assertEqual(
            self.client.get(reverse("voice:incidents", args=[self.campaign.slug])).status_code, 403
        )

    def test_invalid_sharing_keeps_the_choices_with_an_error_summary(self) -> None:
        self.login(self.olivia)
        response = self.client.post(
            self.sharing_url(), {"share_results": [self.trust.pk], "share_incidents": [999999]}
        )
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, 'id="id_share_results_0" checked', status_code=400)
        self.assertFalse(self.campaign.shares.exists())

    def test_it_refuses_other_roles_and_organisations(self) -> None:
        for user, status in ((self.alice, 403), (self.bob, 403), (self.emma, 404), (self.nobody, 404)):
            self.login(user)
            for url in (self.edit_url(), self.sharing_url()):
                self.assertEqual(self.client.get(url).status_code, status, (user, url))
                self.assertEqual(self.client.post(url, self.values()).status_code, status, (user, url))
        # Shared with the trust, the employer lead can see the campaign but not change it.
        from chalkface.voice import actions

        actions.set_shares(None, self.campaign, {Share.RESULTS: [self.trust]})
        self.login(self.emma)
        self.assertEqual(self.client.get(self.edit_url()).status_code, 403)
        self.assertEqual(self.client.post(self.sharing_url(), {}).status_code, 403)
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).threshold, 10)
