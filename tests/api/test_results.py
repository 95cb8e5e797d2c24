"""Aggregated results through the API: figures with their n, a slice below k hidden, open data."""

from __future__ import annotations

import datetime as dt

from chalkface.voice.models import Response, week_of
from tests.api.base import ApiTestCase

ANSWERS = {"time_saved_hours": 2, "workload": 3, "quality": 4, "wellbeing": 3, "trust": 3, "data_concern": 2}


class ResultsTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        week = week_of(dt.date(2025, 10, 6))
        roles = ["teacher"] * 14 + ["teaching_assistant"]
        Response.objects.bulk_create(
            Response(
                campaign=cls.campaign,
                question_set_version=cls.campaign.question_set_version,
                workplace=cls.oakfield,
                tool=cls.tool,
                tool_version=cls.v2,
                week=week,
                role=role,
                answers=ANSWERS,
                source="code",
            )
            for role in roles
        )

    def test_it_gives_a_tools_results_with_their_n(self) -> None:
        response = self.call("olivia", "get", "/tools/lessonspark/results", campaign=self.campaign.slug)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["tool"]["slug"], "lessonspark")
        self.assertEqual(body["k"], 10)
        self.assertTrue(body["headline"])
        self.assertNotIn("answers", json_text := response.content.decode())
        self.assertNotIn("comment", json_text)

    def test_it_hides_a_slice_below_k_with_the_reason(self) -> None:
        hidden = self.call("olivia", "get", "/tools/lessonspark/results", role="teaching_assistant")
        self.assertEqual(hidden.status_code, 200, hidden.content)
        body = hidden.json()
        self.assertIsNone(body["n_responses"])
        rows = [row for table in body["headline"] for row in table["rows"]]
        self.assertTrue(rows and all(row["suppressed"] and row["n"] is None for row in rows))

    def test_it_gives_a_workplaces_results_to_its_rep(self) -> None:
        response = self.call("alice", "get", "/workplaces/oakfield-primary-school/results")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["enough_responses"])

    def test_it_exports_only_aggregated_tables(self) -> None:
        response = self.call("emma", "get", f"/campaigns/{self.campaign.slug}/export", format="json")
        self.assertEqual(response.status_code, 200, response.content)
        tables = response.json()["tables"]
        self.assertIn("estimates_overall", tables)
        self.assertIn("data_dictionary", tables)
        self.assertNotIn("answers", response.content.decode())
        self.assertError(
            self.call("emma", "get", f"/campaigns/{self.campaign.slug}/export", format="csv"), 422, "invalid"
        )
