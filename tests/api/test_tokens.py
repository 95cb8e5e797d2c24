"""API tokens: made hashed and shown once, revoked for good, last use recorded, managed on their page."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.test import Client

from chalkface.accounts.models import AuditEvent
from chalkface.api import actions
from chalkface.api.models import ApiToken
from tests.api.base import ApiTestCase


class TokenTests(ApiTestCase):
    def test_it_stores_only_the_digest_of_a_new_token(self) -> None:
        token, raw = actions.create_token(self.alice, "laptop")
        self.assertTrue(raw.startswith("cf_"))
        self.assertGreater(len(raw), 40)
        stored = ApiToken.objects.filter(pk=token.pk).values().get()
        self.assertNotIn(raw, [str(v) for v in stored.values()])
        self.assertEqual(stored["token_hash"], hashlib.sha256(raw.encode()).hexdigest())
        self.assertEqual(stored["prefix"], raw[:11])
        self.assertTrue(
            AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()
        )

    def test_it_refuses_a_revoked_token_with_401(self) -> None:
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(self.call("alice", "get", "/tools").status_code, 200)
        actions.revoke_token(self.alice, token)
        self.assertError(self.call("alice", "get", "/tools"), 401, "unauthorised")
        self.assertTrue(
            AuditEvent.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()
        )

    def test_it_refuses_an_unknown_token_and_a_missing_one(self) -> None:
        for headers in ({"Authorization": "Bearer cf_not-a-token"}, {"Authorization": "Basic abc"}, {}):
            response = self.client.get("/api/v1/tools", headers=headers)
            self.assertError(response, 401, "unauthorised")
            self.assertIn("Bearer", response.headers["WWW-Authenticate"])

    def test_it_records_the_day_a_token_was_last_used(self) -> None:
        ApiToken.objects.filter(user=self.ravi).update(last_used_on=dt.date(2024, 1, 1))
        self.call("ravi", "get", "/me")
        self.assertEqual(ApiToken.objects.get(user=self.ravi).last_used_on, dt.date.today())

    def test_it_tells_a_person_without_a_role_who_they_are_and_nothing_else(self) -> None:
        me = self.call("nobody", "get", "/me").json()
        self.assertEqual(me["roles"], [])
        self.assertEqual(me["token"]["name"], "nobody's notebook")
        error = self.assertError(self.call("nobody", "get", "/tools"), 403, "forbidden")
        self.assertIn("role", error["message"])

    def test_it_accepts_the_session_for_reading_and_checks_csrf_for_writing(self) -> None:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.olivia)
        self.assertEqual(browser.get("/api/v1/tools").status_code, 200)
        response = browser.post("/api/v1/suppliers", {"name": "Acme"}, content_type="application/json")
        self.assertError(response, 403, "forbidden")

    def test_it_makes_shows_once_and_revokes_tokens_on_the_tokens_page(self) -> None:
        self.login(self.bob)
        page = self.client.get("/api/tokens/")
        self.assertContains(page, "bob&#x27;s notebook")
        made = self.client.post("/api/tokens/", {"name": "branch notebook"})
        token = ApiToken.objects.get(user=self.bob, name="branch notebook")
        shown = made.context["new_token"]
        self.assertContains(made, shown)
        self.assertEqual(token.token_hash, hashlib.sha256(shown.encode()).hexdigest())
        self.assertNotContains(self.client.get("/api/tokens/"), shown)
        self.client.post(f"/api/tokens/{token.pk}/revoke/")
        token.refresh_from_db()
        self.assertFalse(token.is_active)
        response = self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {shown}"})
        # The session still works; the revoked token alone would not.
        self.assertIsNone(response.json()["token"])
        self.client.logout()
        self.assertEqual(
            self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {shown}"}).status_code, 401
        )

    def test_it_lets_no_one_revoke_another_persons_token(self) -> None:
        token = ApiToken.objects.get(user=self.alice)
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/api/tokens/{token.pk}/revoke/").status_code, 404)
        token.refresh_from_db()
        self.assertTrue(token.is_active)
