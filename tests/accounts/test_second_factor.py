"""A second factor for those who run campaigns or see workplace results: set up once with an authenticator
app, asked at every log-in, backup codes that work once, wrong codes that pause checking."""

from __future__ import annotations

import time

from django.contrib import admin
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chalkface.accounts.models import AuditEvent, User
from tests.base import PASSWORD, BaseTestCase
from tests.core.pagecheck import check_page


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@override_settings(SECOND_FACTOR_REQUIRED=True)
class SecondFactorTestCase(BaseTestCase):
    def log_in(self, user: User) -> None:
        response = self.client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()

    def set_up(self, user: User) -> TOTPDevice:
        self.log_in(user)
        self.client.get(reverse("second_factor"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = self.client.post(reverse("second_factor"), {"code": app_code(device)})
        assert "Save your backup codes" in response.content.decode()
        device.refresh_from_db()
        return device

    def test_an_officer_is_sent_to_set_up_an_app_after_their_password(self) -> None:
        self.log_in(self.olivia)
        overview = reverse("insights:overview")
        response = self.client.get(overview)
        self.assertRedirects(
            response, f"{reverse('second_factor')}?next=%2Finsights%2F", fetch_redirect_response=False
        )
        page = self.client.get(response["Location"]).content.decode()
        assert check_page(page) == []
        assert "Set up a second factor" in page
        assert 'class="site-nav"' not in page  # no menu of pages it would not open yet
        assert "<svg" in page and "<script" not in page.split("<main", 1)[1]
        device = TOTPDevice.objects.get(user=self.olivia, confirmed=False)
        from chalkface.accounts.second_factor import key_for_typing

        assert key_for_typing(device) in page
        # A reload keeps the same key, so the app the person already scanned still works.
        self.client.get(reverse("second_factor"))
        assert TOTPDevice.objects.filter(user=self.olivia).count() == 1

    def test_every_role_that_sees_workplace_results_or_runs_campaigns_is_asked_and_an_analyst_is_not(
        self,
    ) -> None:
        for user in (self.alice, self.olivia, self.emma, self.adam):
            self.log_in(user)
            assert self.client.get(reverse("home")).status_code == 302, user.email
            self.client.post(reverse("logout"))
        self.log_in(self.ravi)
        assert self.client.get(reverse("home")).status_code == 200

    def test_a_wrong_code_keeps_them_out_and_says_so(self) -> None:
        self.log_in(self.alice)
        self.client.get(reverse("second_factor"))
        response = self.client.post(reverse("second_factor"), {"code": "000000"})
        html = response.content.decode()
        assert "There is a problem" in html and "That code is not right" in html
        assert not TOTPDevice.objects.filter(user=self.alice, confirmed=True).exists()
        assert self.client.get(reverse("voice:campaigns")).status_code == 302

    def test_setting_up_shows_ten_backup_codes_once_and_goes_on_to_the_page_asked_for(self) -> None:
        self.log_in(self.alice)
        campaigns = reverse("voice:campaigns")
        self.client.get(f"{reverse('second_factor')}?next={campaigns}")
        device = TOTPDevice.objects.get(user=self.alice, confirmed=False)
        response = self.client.post(reverse("second_factor"), {"code": app_code(device), "next": campaigns})
        html = response.content.decode()
        codes = list(StaticToken.objects.filter(device__user=self.alice).values_list("token", flat=True))
        assert len(codes) == 10 and all(code in html for code in codes)
        assert f'href="{campaigns}"' in html
        assert self.client.get(campaigns).status_code == 200
        assert AuditEvent.objects.filter(action="second_factor.set_up", actor=self.alice).exists()
        # Confirmed: the page does not show the codes (or a key) again.
        again = self.client.get(reverse("second_factor"))
        assert again.status_code == 302

    def test_the_next_log_in_asks_for_a_code_from_the_app(self) -> None:
        device = self.set_up(self.emma)
        self.client.post(reverse("logout"))
        self.log_in(self.emma)
        page = self.client.get(reverse("second_factor")).content.decode()
        assert "Confirm it is you" in page and "<svg" not in page  # no new key is offered
        response = self.client.post(reverse("second_factor"), {"code": app_code(device, steps_ahead=1)})
        self.assertRedirects(response, reverse("home"))
        assert self.client.get(reverse("home")).status_code == 200

    def test_a_backup_code_works_once(self) -> None:
        self.set_up(self.olivia)
        code = StaticToken.objects.filter(device__user=self.olivia).first().token  # type: ignore[union-attr]
        self.client.post(reverse("logout"))
        self.log_in(self.olivia)
        response = self.client.post(reverse("second_factor"), {"code": code}, follow=True)
        assert "You used a backup code: 9 are left." in response.content.decode()
        self.client.post(reverse("logout"))
        self.log_in(self.olivia)
        again = self.client.post(reverse("second_factor"), {"code": code})
        assert "That code is not right, or it has been used already" in again.content.decode()

    def test_repeated_wrong_codes_pause_checking_and_say_how_long(self) -> None:
        device = self.set_up(self.adam)
        self.client.post(reverse("logout"))
        self.log_in(self.adam)
        self.client.post(reverse("second_factor"), {"code": "111111"})
        paused = self.client.post(reverse("second_factor"), {"code": app_code(device, steps_ahead=1)})
        assert "Too many wrong codes: wait" in paused.content.decode()
        assert self.client.get(reverse("home")).status_code == 302

    def test_an_unconfirmed_session_is_not_logged_in_to_the_api(self) -> None:
        self.log_in(self.olivia)
        assert self.client.get("/api/v1/me").status_code == 401
        self.client.post(reverse("logout"))
        self.set_up(self.bob)
        assert self.client.get("/api/v1/me").status_code == 200

    def test_a_page_fragment_asks_the_browser_to_go_to_the_code_page(self) -> None:
        self.log_in(self.alice)
        response = self.client.get(reverse("voice:campaigns"), headers={"HX-Request": "true"})
        assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("second_factor"))

    def test_it_goes_only_to_pages_of_this_site_after_the_code(self) -> None:
        self.log_in(self.alice)
        self.client.get(reverse("second_factor"))
        device = TOTPDevice.objects.get(user=self.alice, confirmed=False)
        response = self.client.post(
            reverse("second_factor"), {"code": app_code(device), "next": "https://evil.example/"}
        )
        assert 'href="/"' in response.content.decode() and "evil.example" not in response.content.decode()

    def test_logging_out_and_switching_language_need_no_code(self) -> None:
        self.log_in(self.alice)
        assert self.client.post(reverse("set_language"), {"language": "cy", "next": "/"}).status_code == 302
        assert self.client.post(reverse("logout")).status_code == 302
        assert "_auth_user_id" not in self.client.session

    def test_an_administrator_resets_a_lost_second_factor_and_the_person_sets_it_up_again(self) -> None:
        self.set_up(self.alice)
        self.client.post(reverse("logout"))
        User.objects.filter(pk=self.adam.pk).update(is_staff=True, is_superuser=True)
        self.set_up(self.adam)
        response = self.client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [self.alice.pk]},
            follow=True,
        )
        assert "The second factor was reset." in response.content.decode()
        assert not TOTPDevice.objects.filter(user=self.alice).exists()
        assert not StaticToken.objects.filter(device__user=self.alice).exists()
        assert AuditEvent.objects.filter(action="second_factor.reset", actor=self.adam).exists()
        self.client.post(reverse("logout"))
        self.log_in(self.alice)
        assert "Set up a second factor" in self.client.get(reverse("second_factor")).content.decode()

    def test_the_admin_site_lists_no_device_keys(self) -> None:
        assert not admin.site.is_registered(TOTPDevice)


class WithoutTheSettingTestCase(BaseTestCase):
    def test_nobody_is_asked_when_the_second_factor_is_off(self) -> None:
        self.login(self.olivia)
        assert self.client.get(reverse("home")).status_code == 200
        self.assertRedirects(self.client.get(reverse("second_factor")), reverse("home"))
