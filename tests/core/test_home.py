"""The home page tells anonymous visitors what Chalkface is, and each role what to do next."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.base import BaseTestCase
from tests.core.pagecheck import check_page


class HomePageTestCase(BaseTestCase):
    def home(self) -> str:
        response = self.client.get(reverse("home"))
        assert response.status_code == 200
        html = response.content.decode()
        assert check_page(html) == []
        return html

    def test_it_tells_anonymous_visitors_what_chalkface_is_and_how_to_log_in(self) -> None:
        html = self.home()
        assert "Evidence from the chalkface" in html
        assert "You do not need an account" in html
        assert f'href="{reverse("login")}"' in html
        assert "Main menu" not in html

    def test_it_tells_a_rep_to_record_the_tools_at_their_workplace(self) -> None:
        self.login(self.alice)
        html = self.home()
        assert "As a workplace union rep" in html
        assert "You are Workplace union rep for Oakfield Primary School." in html
        assert (
            f'href="{self.oakfield.get_absolute_url()}">Record the AI tools in use at Oakfield Primary School'
            in html
        )
        assert "As a union officer" not in html and "Read the audit log" not in html

    def test_it_tells_an_officer_to_keep_the_register_up_to_date(self) -> None:
        self.login(self.olivia)
        html = self.home()
        assert "As a union officer" in html and "Keep the register of AI tools up to date" in html
        assert "As a workplace union rep" not in html

    def test_it_tells_an_employer_lead_to_keep_their_workplaces_details_up_to_date(self) -> None:
        self.login(self.emma)
        html = self.home()
        assert "As an employer lead" in html
        assert reverse("workplaces:edit", args=[self.trust.slug]) in html
        assert f"?parent={self.trust.slug}" in html

    def test_it_points_an_analyst_to_the_register_and_the_command_line(self) -> None:
        self.login(self.ravi)
        html = self.home()
        assert "As a researcher or analyst" in html and "chalkface analyze" in html

    def test_it_points_an_administrator_to_the_audit_log(self) -> None:
        self.login(self.adam)
        html = self.home()
        assert "As an administrator" in html
        assert f'href="{reverse("accounts:audit")}"' in html

    def test_it_tells_someone_without_a_role_how_to_get_one(self) -> None:
        self.login(self.nobody)
        html = self.home()
        assert "Your account does not have a role yet" in html
        assert reverse("register:tools") not in html

    def test_it_shows_the_size_of_the_register_to_those_who_may_see_it(self) -> None:
        self.login(self.bob)
        html = self.home()
        assert "The register today" in html
        assert f'href="{reverse("register:deployments")}?status=active">1</a>' in html

    def test_it_marks_the_current_page_in_the_navigation(self) -> None:
        self.login(self.bob)
        html = self.client.get(reverse("register:tools")).content.decode()
        assert f'<a href="{reverse("register:tools")}" aria-current="page">' in html
        html = self.client.get(reverse("register:tool", args=[self.tool.slug])).content.decode()
        assert f'<a href="{reverse("register:tools")}" aria-current="true">' in html
        assert f'<a href="{reverse("home")}">' in html

    def test_it_shows_campaigns_in_the_navigation_only_to_roles_that_run_them(self) -> None:
        campaigns = f'<a href="{reverse("voice:campaigns")}">Campaigns</a>'
        for user in (self.alice, self.olivia, self.emma, self.adam):
            self.login(user)
            assert campaigns in self.home(), user
        for user in (self.ravi, self.nobody):
            self.login(user)
            assert campaigns not in self.home(), user

    def test_it_leads_a_rep_to_the_codes_of_each_open_campaign_in_their_workplace(self) -> None:
        from tests.voice.helpers import make_campaign

        campaign = make_campaign(self.branch, [self.oakfield], [self.tool])
        make_campaign(
            self.branch,
            [self.oakfield],
            [self.tool],
            slug="last-year",
            name="Last year",
            opens_on=dt.date(2020, 1, 1),
            closes_on=dt.date(2020, 2, 1),
        )
        self.login(self.alice)
        html = self.home()
        assert f'href="{campaign.get_absolute_url()}#access-codes">Hand out access codes for Autumn' in html
        assert "Last year" not in html
        assert f'href="{reverse("voice:campaigns")}">See your campaigns' in html
        self.login(self.bob)
        assert "No campaign is open in your workplace yet" in self.home()

    def test_it_leads_an_officer_to_start_and_run_campaigns(self) -> None:
        for user in (self.olivia, self.adam):
            self.login(user)
            html = self.home()
            assert f'href="{reverse("voice:campaign_create")}">Start a campaign' in html
            assert f'href="{reverse("voice:campaigns")}">Run your campaigns' in html

    def test_it_explains_who_can_share_results_instead_of_linking_to_a_refusal(self) -> None:
        from chalkface.voice import actions
        from chalkface.voice.models import Share
        from tests.voice.helpers import make_campaign

        campaign = make_campaign(self.branch, [self.oakfield], [self.tool])
        self.login(self.emma)
        html = self.home()
        assert "No results have been shared with you yet" in html
        assert f'href="{reverse("insights:overview")}">See the evidence' not in html
        actions.set_shares(None, campaign, {Share.RESULTS: [self.trust]})
        html = self.home()
        assert f'href="{reverse("insights:overview")}">See the evidence' in html
