"""Every endpoint × every person: the status each one gets.

Columns: alice (rep, Oakfield), olivia (union officer, the owner), emma (employer lead, Northway Trust, shared
with), ravi (analyst), adam (admin), bob (rep, Hillside), nobody (no role), erin (employer lead at Hillside,
not shared with), anonymous (no token).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from tests.api.base import ApiTestCase

WHO = ("alice", "olivia", "emma", "ravi", "adam", "bob", "nobody", "erin", None)

READ = (200, 200, 200, 200, 200, 200, 403, 200, 401)
CATALOGUE = (403, "ok", "ok", 403, "ok", 403, 403, "ok", 401)

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


class AuthorisationMatrixTests(ApiTestCase):
    def endpoints(self) -> list[tuple[str, str, Callable[[], Any], tuple[Any, ...]]]:
        """(method, path, body maker, expected statuses in WHO order; "ok" is 200, or 201 for a POST)."""
        version = self.v1.pk
        deployment = self.deployment.pk
        slug = self.campaign.slug
        return [
            ("get", "/me", dict, (200, 200, 200, 200, 200, 200, 200, 200, 401)),
            ("get", "/suppliers", dict, READ),
            ("get", "/suppliers/brightlesson-ltd", dict, READ),
            ("post", "/suppliers", lambda: {"name": f"Supplier {_n()}"}, CATALOGUE),
            ("patch", "/suppliers/brightlesson-ltd", lambda: {"website": "https://example.org"}, CATALOGUE),
            ("get", "/tools", dict, READ),
            ("get", "/tools/lessonspark", dict, READ),
            (
                "post",
                "/tools",
                lambda: {
                    "name": f"Tool {_n()}",
                    "supplier": "brightlesson-ltd",
                    "capabilities": ["assessment"],
                },
                CATALOGUE,
            ),
            ("patch", "/tools/lessonspark", lambda: {"description": f"Plans lessons ({_n()})"}, CATALOGUE),
            ("get", "/tools/lessonspark/versions", dict, READ),
            (
                "post",
                "/tools/lessonspark/versions",
                lambda: {
                    "label": f"3.{(n := _n())}",
                    "release_date": str(dt.date(2026, 1, 1) + dt.timedelta(n)),
                },
                CATALOGUE,
            ),
            ("patch", f"/tools/lessonspark/versions/{version}", lambda: {"change_notes": "First"}, CATALOGUE),
            ("get", "/workplaces", dict, READ),
            ("get", "/workplaces/oakfield-primary-school", dict, READ),
            (
                "patch",
                "/workplaces/oakfield-primary-school",
                lambda: {"staff_headcount": 40},
                (403, 403, 200, 403, 200, 403, 403, 403, 401),
            ),
            (
                "patch",
                "/workplaces/hillside-academy",
                lambda: {"it_rating": 3},
                (403, 403, 403, 403, 200, 403, 403, 200, 401),
            ),
            ("get", "/deployments", dict, READ),
            ("get", f"/deployments/{deployment}", dict, READ),
            (
                "post",
                "/deployments",
                lambda: {
                    "tool": "lessonspark",
                    "workplace": "oakfield-primary-school",
                    "starts_on": "2025-03-01",
                },
                (201, 403, 201, 403, 201, 403, 403, 403, 401),
            ),
            (
                "patch",
                f"/deployments/{deployment}",
                lambda: {"purpose": "Planning"},
                (200, 403, 200, 403, 200, 403, 403, 403, 401),
            ),
            ("get", "/campaigns", dict, READ),
            ("get", f"/campaigns/{slug}", dict, (200, 200, 200, 404, 200, 200, 403, 404, 401)),
            ("get", f"/campaigns/{slug}/incidents", dict, (200, 200, 200, 404, 200, 200, 403, 404, 401)),
            ("get", f"/campaigns/{slug}/export", dict, (403, 200, 200, 404, 200, 403, 403, 404, 401)),
            ("get", "/tools/lessonspark/results", dict, (200, 200, 200, 403, 200, 200, 403, 403, 401)),
            (
                "get",
                "/workplaces/oakfield-primary-school/results",
                dict,
                (200, 200, 200, 403, 200, 403, 403, 403, 401),
            ),
        ]

    def test_it_gives_every_person_the_status_their_role_allows_on_every_endpoint(self) -> None:
        operations = {(m, p.split("?")[0]) for m, p, _b, _e in self.endpoints()}
        for method, path, body, expected in self.endpoints():
            for who, status in zip(WHO, expected, strict=True):
                if status == "ok":
                    status = 201 if method == "post" else 200
                with self.subTest(method=method, path=path, who=who):
                    response = self.call(who, method, path, body() if method != "get" else None)
                    self.assertEqual(response.status_code, status, response.content[:300])
                    if status >= 400:
                        self.assertIn("error", response.json())
        self.assertGreaterEqual(len(operations), 26)

    def test_it_covers_every_operation_in_the_schema(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        documented = {
            (method, path.removeprefix("/api/v1")) for path, ops in schema["paths"].items() for method in ops
        }
        covered = set()
        for method, path, _body, _expected in self.endpoints():
            for template, _ in ((t, None) for _m, t in documented):
                parts, want = template.split("/"), path.split("/")
                if len(parts) == len(want) and all(
                    a == b or a.startswith("{") for a, b in zip(parts, want, strict=True)
                ):
                    covered.add((method, template))
        self.assertEqual(documented - covered, set())

    def test_it_shows_a_rep_only_their_own_workplaces_incidents(self) -> None:
        slug = self.campaign.slug
        for who, workplace in (("alice", "Oakfield Primary School"), ("bob", "Hillside Academy")):
            rows = self.call(who, "get", f"/campaigns/{slug}/incidents").json()["results"]
            self.assertEqual([r["AllegedDeployerOfAISystem"] for r in rows], [[workplace]])
        self.assertEqual(self.call("olivia", "get", f"/campaigns/{slug}/incidents").json()["count"], 2)
        self.assertEqual(self.call("emma", "get", f"/campaigns/{slug}/incidents").json()["count"], 2)

    def test_it_lists_only_the_campaigns_a_person_may_see(self) -> None:
        for who, count in (("alice", 1), ("olivia", 1), ("emma", 1), ("ravi", 0), ("erin", 0), ("bob", 1)):
            with self.subTest(who=who):
                self.assertEqual(self.call(who, "get", "/campaigns").json()["count"], count)
