"""Fixtures for the API tests: the named users of ``tests.base`` with a token each, a union branch
campaign at Oakfield and Hillside that shares its results and incidents with Northway Trust (Emma), and
``erin``, the employer lead of Hillside Academy, with whom the owner has shared nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse

from chalkface.accounts.models import Membership, Role, User
from chalkface.api import actions
from chalkface.voice.models import CampaignShare, IncidentReport, Share, week_of
from tests.base import PASSWORD, BaseTestCase
from tests.voice.helpers import make_campaign

USERS = ("alice", "olivia", "emma", "ravi", "adam", "bob", "nobody", "erin")


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.erin = User.objects.create_user("erin@example.org", PASSWORD, name="Erin")
        Membership.objects.create(user=cls.erin, organisation=cls.hillside, role=Role.EMPLOYER_LEAD)
        cls.campaign = make_campaign(cls.branch, [cls.oakfield, cls.hillside], [cls.tool])
        for what in (Share.RESULTS, Share.INCIDENTS):
            CampaignShare.objects.create(campaign=cls.campaign, organisation=cls.trust, what=what)
        month = dt.date(2025, 10, 1)
        cls.incident_oakfield = cls.incident(cls.oakfield, month)
        cls.incident_hillside = cls.incident(cls.hillside, month)
        cls.tokens: dict[str, str] = {}
        for name in USERS:
            _token, raw = actions.create_token(getattr(cls, name), f"{name}'s notebook")
            cls.tokens[name] = raw

    @classmethod
    def incident(cls, workplace: Any, month: dt.date) -> IncidentReport:
        return IncidentReport.objects.create(
            campaign=cls.campaign,
            workplace=workplace,
            tool=cls.tool,
            tool_version=cls.v2,
            month=month,
            category="inaccurate_output",
            affected=["pupils"],
            severity="minor",
            harm_type="psychological",
            description="A quiz it wrote had wrong answers.",
            week=week_of(month),
            source="code",
        )

    def call(self, who: str | None, method: str, path: str, body: Any = None, **query: Any) -> HttpResponse:
        """Call the API as ``who`` (a name in USERS, or None for no token)."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        url = f"/api/v1{path}"
        if method == "get":
            return self.client.get(url, query, headers=headers)
        return getattr(self.client, method)(url, body, content_type="application/json", headers=headers)

    def assertError(self, response: HttpResponse, status: int, code: str) -> dict[str, Any]:  # noqa: N802
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(set(body), {"error"})
        self.assertEqual(set(body["error"]), {"code", "message", "fields"})
        self.assertEqual(body["error"]["code"], code)
        self.assertTrue(body["error"]["message"])
        return dict(body["error"])
