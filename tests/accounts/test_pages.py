"""Logging in by email, logging out by POST, resetting and changing a password, and the audit log page."""

from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from chalkface.accounts.models import AuditEvent
from chalkface.register import actions
from tests.base import PASSWORD, BaseTestCase
from tests.core.pagecheck import check_page


class LoginTestCase(BaseTestCase):
    def test_it_shows_a_labelled_log_in_form(self) -> None:
        response = self.client.get(reverse("login"))
        html = response.content.decode()
        assert check_page(html) == []
        assert '<label class="label" for="id_username">Email address</label>' in html
        assert 'type="email"' in html and 'autocomplete="current-password"' in html

    def test_it_logs_in_with_an_email_address_in_any_case(self) -> None:
        response = self.client.post(reverse("login"), {"username": "Alice@Example.org", "password": PASSWORD})
        self.assertRedirects(response, reverse("home"))
        assert self.client.session["_auth_user_id"] == str(self.alice.pk)

    def test_it_goes_back_to_the_page_that_asked_for_a_log_in(self) -> None:
        tools = reverse("register:tools")
        page = self.client.get(f"{reverse('login')}?next={tools}")
        assert f'name="next" value="{tools}"' in page.content.decode()
        response = self.client.post(
            reverse("login"), {"username": "ravi@example.org", "password": PASSWORD, "next": tools}
        )
        self.assertRedirects(response, tools)

    def test_it_says_when_the_email_or_password_is_wrong(self) -> None:
        response = self.client.post(reverse("login"), {"username": "alice@example.org", "password": "wrong"})
        html = response.content.decode()
        assert "There is a problem" in html
        assert "The email address or password is not right." in html
        assert 'value="alice@example.org"' in html
        assert "_auth_user_id" not in self.client.session

    def test_it_logs_out_by_post_only(self) -> None:
        self.login(self.alice)
        assert self.client.get(reverse("logout")).status_code == 405
        assert "_auth_user_id" in self.client.session
        response = self.client.post(reverse("logout"), follow=True)
        self.assertRedirects(response, reverse("home"))
        assert "_auth_user_id" not in self.client.session
        assert b"You have logged out." in response.content

    def test_it_puts_a_log_out_button_that_posts_on_every_page(self) -> None:
        self.login(self.ravi)
        html = self.client.get(reverse("register:tools")).content.decode()
        assert re.search(
            r'<form method="post" action="/accounts/logout/">.*?<button type="submit"', html, re.S
        )


class PasswordTestCase(BaseTestCase):
    def test_it_resets_a_password_by_email(self) -> None:
        response = self.client.post(reverse("password_reset"), {"email": "Olivia@example.org"})
        self.assertRedirects(response, reverse("password_reset_done"))
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["olivia@example.org"]
        assert message.subject == "Reset your Chalkface password"
        link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
        assert link is not None

        form = self.client.get(link.group(1), follow=True)
        assert b"Choose a new password" in form.content
        set_url = form.redirect_chain[-1][0]
        weak = self.client.post(set_url, {"new_password1": "short", "new_password2": "short"})
        assert "There is a problem" in weak.content.decode()
        new = "a much longer pass phrase"
        done = self.client.post(set_url, {"new_password1": new, "new_password2": new})
        self.assertRedirects(done, reverse("password_reset_complete"))
        assert self.client.login(username="olivia@example.org", password=new)

    def test_it_sends_nothing_for_an_unknown_address_but_says_the_same(self) -> None:
        response = self.client.post(reverse("password_reset"), {"email": "stranger@example.org"}, follow=True)
        assert b"Check your email" in response.content
        assert mail.outbox == []

    def test_it_says_when_a_reset_link_does_not_work(self) -> None:
        response = self.client.get(reverse("password_reset_confirm", args=["MQ", "not-a-token"]))
        assert b"This link does not work any more" in response.content

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    def test_it_prints_the_reset_email_to_the_console_in_the_demo(self) -> None:
        from io import StringIO
        from unittest import mock

        out = StringIO()
        with mock.patch("sys.stdout", out):
            self.client.post(reverse("password_reset"), {"email": "emma@example.org"})
        assert "Reset your Chalkface password" in out.getvalue()

    def test_it_changes_a_password(self) -> None:
        self.login(self.ravi)
        new = "another long pass phrase"
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
            follow=True,
        )
        self.assertRedirects(response, reverse("home"))
        assert b"Your password has been changed." in response.content
        self.ravi.refresh_from_db()
        assert self.ravi.check_password(new)

    def test_it_refuses_a_wrong_current_password(self) -> None:
        self.login(self.ravi)
        response = self.client.post(
            reverse("password_change"), {"old_password": "nope", "new_password1": "x", "new_password2": "x"}
        )
        assert '<a href="#id_old_password">' in response.content.decode()


class AuditLogPageTestCase(BaseTestCase):
    def test_it_shows_the_audit_log_newest_first_and_filters_by_action(self) -> None:
        actions.save_supplier(self.olivia, {"name": "Gradewise"})
        actions.end_deployment(self.emma, self.deployment, self.deployment.starts_on)
        self.login(self.adam)
        response = self.client.get(reverse("accounts:audit"))
        events = list(response.context["page"])
        assert [e.action for e in events] == ["deployment.ended", "supplier.created"]
        html = response.content.decode()
        assert "olivia@example.org" in html and "Ends on" in html and "— → 2025-02-01" in html
        assert '<option value="supplier.created">Added a supplier</option>' in html
        filtered = self.client.get(reverse("accounts:audit"), {"action": "supplier.created"})
        assert [e.summary for e in filtered.context["page"]] == ["Gradewise"]

    @override_settings(PAGE_SIZE=5)
    def test_it_paginates_the_audit_log(self) -> None:
        for n in range(7):
            actions.save_supplier(self.olivia, {"name": f"Supplier {n}"})
        self.login(self.adam)
        response = self.client.get(reverse("accounts:audit"), {"page": "2"})
        assert [e.summary for e in response.context["page"]] == ["Supplier 1", "Supplier 0"]
        assert AuditEvent.objects.count() == 7
