"""Who may open each governance page; every page passes the page checks."""

from __future__ import annotations

from django.urls import get_resolver, reverse

from tests.base import BaseTestCase
from tests.core.pagecheck import check_page
from tests.core.test_access import SIGNED_IN, WITH_A_ROLE, _url_names

ASSESSORS = {"emma", "adam"}


class GovernanceAccessTests(BaseTestCase):
    def pages(self) -> list[tuple[str, str, set[str]]]:
        place, tool, version, deployment = self.oakfield.slug, self.tool.slug, self.v2.pk, self.deployment.pk
        agreement = reverse("governance:agreement", args=[place])
        return [
            ("governance:workplace", reverse("governance:workplace", args=[place]), WITH_A_ROLE),
            ("governance:agreement", agreement, WITH_A_ROLE),
            ("governance:agreement", f"{agreement}?deployment={deployment}", WITH_A_ROLE),
            (
                "governance:review",
                reverse("governance:review", args=[place]),
                {"alice", "olivia", "emma", "adam"},
            ),
            (
                "governance:position",
                reverse("governance:position", args=[place, "opt_out", "union"]),
                {"alice", "olivia", "adam"},
            ),
            (
                "governance:position",
                reverse("governance:position", args=[place, "opt_out", "employer"]),
                {"emma", "adam"},
            ),
            ("governance:version", reverse("governance:version", args=[tool, version]), WITH_A_ROLE),
            (
                "governance:safety",
                reverse("governance:safety", args=[tool, version, "security_testing"]),
                ASSESSORS,
            ),
            (
                "governance:data_practice",
                reverse("governance:data_practice", args=[tool, version]),
                ASSESSORS,
            ),
            (
                "governance:deployment_record",
                reverse("governance:deployment_record", args=[deployment]),
                {"alice", "emma", "adam"},
            ),
            ("governance:atrs", reverse("governance:atrs", args=[deployment, "json"]), WITH_A_ROLE),
        ]

    def test_it_lets_each_role_open_its_pages_and_refuses_the_others(self) -> None:
        for name, url, allowed in self.pages():
            for who in SIGNED_IN:
                with self.subTest(page=name, url=url, user=who):
                    self.login(getattr(self, who))
                    response = self.client.get(url)
                    expected = 200 if who in allowed else 403
                    assert response.status_code == expected, response.status_code
                    if name != "governance:atrs":
                        assert check_page(response.content.decode()) == []
        self.client.logout()
        assert self.client.get(reverse("governance:workplace", args=[self.oakfield.slug])).status_code == 302

    def test_it_covers_every_governance_page(self) -> None:
        ours = {n for n in _url_names(get_resolver().url_patterns) if n.startswith("governance:")}
        assert ours - {name for name, _, _ in self.pages()} == set()
