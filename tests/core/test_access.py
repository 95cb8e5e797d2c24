"""Every page, for every named user: the roles that may see it get it, the others are refused."""

from __future__ import annotations

from django.template.loader import get_template
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.base import BaseTestCase
from tests.core.pagecheck import check_page

SIGNED_IN = ("alice", "olivia", "emma", "ravi", "adam", "bob", "nobody")
WITH_A_ROLE = {"alice", "olivia", "emma", "ravi", "adam", "bob"}
CATALOGUE = {"olivia", "emma", "adam"}
EVERYONE = "everyone"  # anonymous visitors too


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


class AccessMatrixTestCase(BaseTestCase):
    def pages(self) -> list[tuple[str, str, set[str] | str]]:
        """(URL name, URL, who may see it): a set of named users, or EVERYONE."""
        tool, deployment = self.tool.slug, self.deployment.pk
        return [
            ("home", reverse("home"), EVERYONE),
            ("password_change", reverse("password_change"), set(SIGNED_IN)),
            ("accounts:audit", reverse("accounts:audit"), {"adam"}),
            ("register:tools", reverse("register:tools"), WITH_A_ROLE),
            ("register:tool", reverse("register:tool", args=[tool]), WITH_A_ROLE),
            ("register:tool_create", reverse("register:tool_create"), CATALOGUE),
            ("register:tool_edit", reverse("register:tool_edit", args=[tool]), CATALOGUE),
            ("register:version_create", reverse("register:version_create", args=[tool]), CATALOGUE),
            ("register:version_edit", reverse("register:version_edit", args=[tool, self.v1.pk]), CATALOGUE),
            ("register:suppliers", reverse("register:suppliers"), WITH_A_ROLE),
            ("register:supplier", reverse("register:supplier", args=[self.supplier.slug]), WITH_A_ROLE),
            ("register:supplier_create", reverse("register:supplier_create"), CATALOGUE),
            (
                "register:supplier_edit",
                reverse("register:supplier_edit", args=[self.supplier.slug]),
                CATALOGUE,
            ),
            ("register:deployments", reverse("register:deployments"), WITH_A_ROLE),
            (
                "register:deployment_create",
                reverse("register:deployment_create", args=[self.oakfield.slug]),
                {"alice", "emma", "adam"},
            ),
            (
                "register:deployment_create",
                reverse("register:deployment_create", args=[self.hillside.slug]),
                {"bob", "adam"},
            ),
            (
                "register:deployment_edit",
                reverse("register:deployment_edit", args=[deployment]),
                {"alice", "emma", "adam"},
            ),
            (
                "register:deployment_end",
                reverse("register:deployment_end", args=[deployment]),
                {"alice", "emma", "adam"},
            ),
            ("workplaces:list", reverse("workplaces:list"), WITH_A_ROLE),
            ("workplaces:detail", reverse("workplaces:detail", args=[self.oakfield.slug]), WITH_A_ROLE),
            ("workplaces:detail", reverse("workplaces:detail", args=[self.trust.slug]), WITH_A_ROLE),
            ("workplaces:edit", reverse("workplaces:edit", args=[self.oakfield.slug]), {"emma", "adam"}),
            ("workplaces:edit", reverse("workplaces:edit", args=[self.hillside.slug]), {"adam"}),
        ]

    def test_it_lets_each_role_see_its_pages_and_refuses_the_others(self) -> None:
        login = reverse("login")
        for name, url, allowed in self.pages():
            for who in (*SIGNED_IN, "anonymous"):
                with self.subTest(page=name, url=url, user=who):
                    self.client.logout()
                    if who != "anonymous":
                        self.login(getattr(self, who))
                    response = self.client.get(url)
                    if allowed == EVERYONE or who in allowed:
                        assert response.status_code == 200, response.status_code
                        assert check_page(response.content.decode()) == []
                    elif who == "anonymous":
                        assert response.status_code == 302
                        assert response["Location"] == f"{login}?next={url}"
                    else:
                        assert response.status_code == 403, response.status_code
                        assert check_page(response.content.decode()) == []

    def test_it_covers_every_page_in_the_matrix(self) -> None:
        covered = {name for name, _, _ in self.pages()}
        # The log-in pages are for anonymous visitors (tests/accounts); the register index only redirects.
        not_pages = {
            "login",
            "logout",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "register:index",
        }
        ours = {
            name
            for name in _url_names(get_resolver().url_patterns)
            if name.startswith(("register:", "workplaces:", "accounts:"))
            or name in {"home", "password_change"}
        }
        assert ours - not_pages - covered == set()

    def test_it_refuses_a_person_without_a_role_with_a_page_that_says_why(self) -> None:
        self.login(self.nobody)
        response = self.client.get(reverse("register:tools"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert b"You cannot see this page" in response.content
        assert b"your account does not hold one" in response.content
        assert b'href="/"' in response.content

    def test_it_refuses_a_rep_who_tries_to_edit_the_catalogue_with_the_reason(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("register:tool_create"))
        assert response.status_code == 403
        assert b"Only union officers, employer leads and administrators" in response.content

    def test_it_shows_a_not_found_page_in_the_layout(self) -> None:
        self.login(self.alice)
        response = self.client.get("/register/tools/no-such-tool/")
        assert response.status_code == 404
        assert b"Page not found" in response.content
        assert check_page(response.content.decode()) == []

    def test_it_explains_a_form_refused_for_a_missing_security_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.olivia)
        response = client.post(reverse("register:supplier_create"), {"name": "Gradewise"})
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content
        assert check_page(response.content.decode()) == []

    def test_it_has_a_server_error_page_that_needs_no_request(self) -> None:
        html = get_template("500.html").render()
        assert "Sorry, there is a problem with Chalkface" in html
        assert check_page(html) == []

    def test_it_shows_edit_buttons_only_to_those_who_may_use_them(self) -> None:
        tool_edit = reverse("register:tool_edit", args=[self.tool.slug]).encode()
        workplace_edit = reverse("workplaces:edit", args=[self.oakfield.slug]).encode()
        record = reverse("register:deployment_create", args=[self.oakfield.slug]).encode()
        expectations = {
            "alice": (False, False, True),
            "olivia": (True, False, False),
            "emma": (True, True, True),
            "ravi": (False, False, False),
            "bob": (False, False, False),
            "adam": (True, True, True),
        }
        for who, (edits_tool, edits_workplace, records) in expectations.items():
            with self.subTest(user=who):
                self.login(getattr(self, who))
                tool_page = self.client.get(reverse("register:tool", args=[self.tool.slug])).content
                workplace_page = self.client.get(
                    reverse("workplaces:detail", args=[self.oakfield.slug])
                ).content
                assert (tool_edit in tool_page) is edits_tool
                assert (workplace_edit in workplace_page) is edits_workplace
                assert (record in workplace_page) is records
