"""Limits on anonymous answering: code guessing through every door, and open links in fixed hours."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chalkface.limits.models import RateCounter
from chalkface.limits.windows import window_of
from tests.voice.helpers import CHECKIN_ANSWERS, VoiceTestCase


@override_settings(CHALKFACE_FAILED_CODES_PER_HOUR=3)
class CodeGuessingTests(VoiceTestCase):
    def test_it_counts_guesses_posted_straight_to_the_check_in_form(self) -> None:
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        statuses = [
            self.client.post(url, {**CHECKIN_ANSWERS, "code": f"AAAA-BBBB-CCC{i}"}).status_code
            for i in range(5)
        ]
        assert statuses == [409, 409, 409, 429, 429]

    def test_it_refuses_a_right_code_while_guessing_is_paused(self) -> None:
        (code,) = self.codes(1)
        start = reverse("voice:start", args=[self.campaign.slug])
        for i in range(3):
            self.client.post(start, {"code": f"AAAA-BBBB-CCC{i}"})
        # Through either door a right guess looks like a wrong one, so guessing learns nothing.
        assert self.client.post(start, {"code": code}).status_code == 429
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        assert self.client.post(url, {**CHECKIN_ANSWERS, "code": code}).status_code == 429

    def test_a_good_code_is_not_counted_as_a_failure(self) -> None:
        codes = self.codes(4)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        statuses = [self.client.post(url, {**CHECKIN_ANSWERS, "code": c}).status_code for c in codes]
        assert statuses == [302] * 4
        assert not RateCounter.objects.exists()


class OpenLinkWindowTests(VoiceTestCase):
    def test_idle_time_does_not_reset_an_open_links_hour(self) -> None:
        from chalkface.voice import actions

        link = actions.create_open_link(None, self.campaign, self.hillside, per_hour=2)
        url = reverse("voice:open_checkin", args=[link.token])
        hour = window_of(3600).start
        statuses = []
        for minutes in (1, 2, 50):  # 48 quiet minutes between the second and third
            with mock.patch.object(timezone, "now", return_value=hour + dt.timedelta(minutes=minutes)):
                statuses.append(self.client.post(url, CHECKIN_ANSWERS).status_code)
        assert statuses == [302, 302, 429]
        with mock.patch.object(timezone, "now", return_value=hour + dt.timedelta(minutes=61)):
            assert self.client.post(url, CHECKIN_ANSWERS).status_code == 302

    def test_open_link_counters_keep_only_their_hour(self) -> None:
        from chalkface.voice import actions

        link = actions.create_open_link(None, self.campaign, self.hillside, per_hour=50)
        url = reverse("voice:open_checkin", args=[link.token])
        for _ in range(3):
            self.client.post(url, CHECKIN_ANSWERS)
        rows = list(RateCounter.objects.all())
        assert len(rows) == 2  # this link, and all open links together
        for row in rows:
            assert (row.window_start.minute, row.window_start.second, row.window_start.microsecond) == (
                0,
                0,
                0,
            )
            assert row.window_end - row.window_start == dt.timedelta(hours=1)
            assert row.count == 3
