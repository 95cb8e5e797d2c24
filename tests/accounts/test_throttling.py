"""Log-in and password reset under attack: limits per account and per address that hold."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.limits.models import RateCounter
from tests.base import PASSWORD, BaseTestCase

ATTACKER = "198.51.100.7"


class LoginThrottleTests(BaseTestCase):
    def attempt(self, email: str, password: str, address: str = ATTACKER) -> object:
        return self.client.post(
            reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
        )

    def logged_in(self) -> bool:
        return "_auth_user_id" in self.client.session

    def test_it_refuses_the_right_password_after_forty_wrong_ones(self) -> None:
        # The attack on the old main: 40 wrong passwords were all tried, and the right one worked after.
        for i in range(40):
            self.attempt("alice@example.org", f"guess {i}")
        response = self.attempt("alice@example.org", PASSWORD)
        assert not self.logged_in()
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "Logging in is paused after too many attempts" in html
        assert "Try again in" in html and "minute" in html

    def test_it_refuses_the_right_password_after_ten_failures(self) -> None:
        for i in range(10):
            html = self.attempt("alice@example.org", f"guess {i}").content.decode()  # type: ignore[attr-defined]
            assert "The email address or password is not right." in html
        html = self.attempt("alice@example.org", PASSWORD).content.decode()  # type: ignore[attr-defined]
        assert "Logging in is paused" in html
        assert not self.logged_in()

    def test_nine_failures_still_let_the_right_password_in(self) -> None:
        for i in range(9):
            self.attempt("alice@example.org", f"guess {i}")
        self.attempt("alice@example.org", PASSWORD)
        assert self.logged_in()

    def test_the_pause_is_per_account_from_another_address(self) -> None:
        for i in range(10):
            self.attempt("alice@example.org", f"guess {i}")
        self.attempt("alice@example.org", PASSWORD, address="192.0.2.1")
        assert not self.logged_in()  # the account is paused wherever the attempt comes from
        self.attempt("ravi@example.org", PASSWORD, address="192.0.2.1")
        assert self.logged_in()  # other accounts are not

    @override_settings(CHALKFACE_LOGIN_FAILURES_PER_ACCOUNT=1000)
    def test_one_address_trying_many_accounts_is_paused_after_fifty_failures(self) -> None:
        for i in range(50):
            self.attempt(f"person{i}@example.org", "password123")
        self.attempt("ravi@example.org", PASSWORD)
        assert not self.logged_in()
        self.attempt("ravi@example.org", PASSWORD, address="192.0.2.1")
        assert self.logged_in()

    @override_settings(CHALKFACE_LOGIN_FAILURES_PER_ACCOUNT=1000, CHALKFACE_LOGIN_FAILURES_PER_ADDRESS=3)
    def test_a_successful_log_in_does_not_clear_the_address_count(self) -> None:
        self.attempt("person1@example.org", "x")
        self.attempt("person2@example.org", "x")
        self.attempt("ravi@example.org", PASSWORD)
        assert self.logged_in()
        self.client.logout()
        self.attempt("person3@example.org", "x")  # the third failure from this address
        self.attempt("ravi@example.org", PASSWORD)
        assert not self.logged_in()

    def test_the_pause_ends_with_its_window(self) -> None:
        from unittest import mock

        from django.utils import timezone

        from chalkface.limits.windows import window_of

        # A minute into the current quarter hour (near the real time, so that the session stays valid).
        start = window_of(15 * 60).start + dt.timedelta(minutes=1)
        with mock.patch.object(timezone, "now", return_value=start):
            for i in range(10):
                self.attempt("alice@example.org", f"guess {i}")
            html = self.attempt("alice@example.org", PASSWORD).content.decode()  # type: ignore[attr-defined]
            assert "Try again in 14 minutes" in html
        with mock.patch.object(timezone, "now", return_value=start + dt.timedelta(minutes=14)):
            self.attempt("alice@example.org", PASSWORD)
        assert self.logged_in()  # the next quarter hour, a new window

    def test_it_audits_a_pause_without_the_address(self) -> None:
        for i in range(11):
            self.attempt("alice@example.org", f"guess {i}")
        (event,) = AuditEvent.objects.filter(action="login.paused")
        assert event.object_type == "accounts.user" and event.object_id == str(self.alice.pk)
        assert ATTACKER not in f"{event.summary} {event.changes}"

    def test_it_audits_no_typed_address_that_has_no_account(self) -> None:
        for i in range(10):
            self.attempt("someone-else@example.org", f"guess {i}")
        (event,) = AuditEvent.objects.filter(action="login.paused")
        assert event.object_id == ""
        assert "someone-else" not in f"{event.summary} {event.changes}"

    def test_it_keeps_no_address_or_email_in_the_counters(self) -> None:
        for i in range(3):
            self.attempt("alice@example.org", f"guess {i}")
        stored = " ".join(f"{row}" for row in RateCounter.objects.values_list())
        assert ATTACKER not in stored and "alice" not in stored
        assert all(row.window_start.minute % 15 == 0 for row in RateCounter.objects.all())

    def test_the_admin_log_in_is_throttled_too(self) -> None:
        for i in range(10):
            self.client.post(
                reverse("admin:login"), {"username": "adam@example.org", "password": f"guess {i}"}
            )
        response = self.client.post(
            reverse("admin:login"), {"username": "adam@example.org", "password": PASSWORD}
        )
        assert "Logging in is paused" in response.content.decode()
        assert not self.logged_in()


class PasswordResetThrottleTests(BaseTestCase):
    def ask(self, email: str, address: str = ATTACKER) -> object:
        return self.client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)

    def test_it_sends_at_most_three_reset_emails_an_hour_to_one_address(self) -> None:
        statuses = [self.ask("alice@example.org").status_code for _ in range(5)]  # type: ignore[attr-defined]
        assert statuses == [302, 302, 302, 200, 200]
        assert len(mail.outbox) == 3
        html = self.ask("alice@example.org").content.decode()  # type: ignore[attr-defined]
        assert "too many requests to reset a password" in html

    def test_it_throttles_an_address_without_an_account_the_same_way(self) -> None:
        # So that the limit does not tell whether an account exists.
        statuses = [self.ask("nobody-here@example.org").status_code for _ in range(4)]  # type: ignore[attr-defined]
        assert statuses == [302, 302, 302, 200]

    def test_it_limits_requests_from_one_client_address(self) -> None:
        statuses = [self.ask(f"person{i}@example.org").status_code for i in range(21)]  # type: ignore[attr-defined]
        assert statuses == [302] * 20 + [200]
        assert self.ask("person99@example.org", address="192.0.2.1").status_code == 302  # type: ignore[attr-defined]
        assert AuditEvent.objects.filter(action="reset.paused").count() == 1


def test_it_says_when_to_try_again_in_welsh() -> None:
    from django.utils import translation

    from chalkface.accounts import throttles
    from chalkface.limits.windows import window_of

    window = window_of(15 * 60)
    with translation.override("cy"):
        login = throttles.login_paused_message(window)
        reset = throttles.reset_paused_message(window)
    assert "Mae mewngofnodi wedi'i oedi" in login and "munud" in login
    assert "Rydym wedi cael gormod o geisiadau" in reset
