"""Each role does its jobs by clicking from its home page, in a real browser, at phone and desktop widths,
with and without JavaScript. Every test starts at the log-in page (staff answering start at the address on
their slip, which is their way in) and never types another address. Screenshots of each step are saved
under tests/artifacts/journeys/ for a reviewer to open; they are not committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chalkface.voice import actions
from chalkface.voice.models import AccessCode
from tests.base import PASSWORD
from tests.browser import ARGS, chromium
from tests.voice.helpers import VoiceTestCase, make_campaign

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "journeys"
WIDTHS = {"phone": 375, "desktop": 1280}
CASES = [(js, width) for js in (True, False) for width in WIDTHS]
IDS = [f"{'js' if js else 'no-js'}-{width}" for js, width in CASES]
IDENTIFYING = "Mrs Sarah Jones at Oakfield Primary School checks every quiz it writes."


def _data() -> Any:
    """The voice fixtures (a branch campaign open today at Oakfield and Hillside) and a closed one."""

    class Data(VoiceTestCase):
        pass

    Data.setUpTestData()
    today = timezone.localdate()
    Data.closed = make_campaign(
        Data.branch,
        [Data.oakfield],
        [Data.tool],
        slug="summer-pulse",
        name="Summer pulse",
        opens_on=today - dt.timedelta(days=90),
        closes_on=today - dt.timedelta(days=20),
    )
    return Data


class Journey:
    """One browser page for one role, saving a screenshot of each step."""

    def __init__(self, page: Any, base: str, name: str) -> None:
        self.page, self.base, self.name, self.step = page, base, name, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(self, what: str, page: Any = None) -> None:
        self.step += 1
        (page or self.page).screenshot(
            path=str(ARTIFACTS / f"{self.name}-{self.step:02d}-{what}.png"), full_page=True
        )

    def log_in(self, email: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")
        self.shot("log-in")
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_selector("h1")
        assert "Hello" in self.page.inner_text("h1")
        self.shot("home")

    def click(self, text: str, *, exact: bool = False) -> None:
        self.page.get_by_role("link", name=text, exact=exact).first.click()
        self.page.wait_for_load_state()

    def menu(self, text: str) -> None:
        nav = self.page.locator("nav.site-nav")
        nav.get_by_role("link", name=text, exact=True).click()
        self.page.wait_for_load_state()


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test still reads and sets up data
    # here between clicks (the live server answers the browser from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    javascript, width = request.param
    executable = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": WIDTHS[width], "height": 800}
        )
        try:
            yield context.new_page(), f"{'js' if javascript else 'no-js'}-{width}"
        finally:
            browser.close()


def _journey(live_server: Any, browser_page: Any, role: str) -> Journey:
    page, variant = browser_page
    return Journey(page, live_server.url, f"{role}-{variant}")


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
cases = pytest.mark.parametrize("browser_page", CASES, ids=IDS, indirect=True)


@cases
def test_a_rep_hands_out_codes_and_watches_the_count_from_their_home_page(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "rep")
    journey.log_in(data.alice.email)
    page = journey.page
    # Job 1: make and print codes for the open campaign, from the home page.
    journey.click("Hand out access codes for Autumn check-in")
    assert page.inner_text("h1") == "Autumn check-in"
    journey.shot("campaign")
    assert page.locator("#id_workplace").input_value() == str(data.oakfield.pk)
    assert page.locator("#id_expires_on").input_value() == data.campaign.closes_on.isoformat()
    with page.context.expect_page() as sheet_page:
        page.get_by_role("button", name="Generate and print").click()
    sheet = sheet_page.value
    sheet.wait_for_load_state()
    assert "There is a problem" not in sheet.content()
    journey.shot("code-sheet", sheet)
    sheet.close()
    assert AccessCode.objects.filter(workplace=data.oakfield).count() == 30
    # Job 2: see the campaigns of their workplace, and the count that reveals nothing below k.
    journey.menu("Campaigns")
    journey.shot("campaigns")
    journey.click("Autumn check-in", exact=True)
    assert "fewer than 10" in page.inner_text("#workplaces ~ table")
    # A closed campaign says so, and offers no codes.
    journey.menu("Campaigns")
    journey.click("Summer pulse", exact=True)
    assert "This campaign closed on" in page.inner_text("#campaign-status")
    assert page.get_by_role("button", name="Generate and print").count() == 0
    journey.shot("closed-campaign")


@cases
def test_an_officer_starts_and_changes_a_campaign_from_their_home_page(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "officer")
    journey.log_in(data.olivia.email)
    page = journey.page
    journey.click("Start a campaign")
    assert page.inner_text("h1") == "Start a campaign"
    assert "Oakfield Primary School (URN 100001)" in page.inner_text("#id_workplaces")
    journey.shot("start-a-campaign")
    journey.click("Home", exact=True)
    journey.click("Run your campaigns")
    journey.click("Autumn check-in", exact=True)
    journey.click("Change dates, threshold or scope")
    assert page.locator("#id_opens_on").input_value() == data.campaign.opens_on.isoformat()
    journey.shot("change-campaign")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "The campaign has been changed." in page.inner_text("main")
    journey.shot("changed")


@cases
def test_an_employer_lead_keeps_the_trusts_details_and_learns_who_shares_results(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "employer")
    journey.log_in(data.emma.email)
    page = journey.page
    assert "No results have been shared with you yet" in page.inner_text("main")
    journey.click("Keep the details of Northway Trust up to date")
    assert page.locator("#id_region").count() == 1
    assert page.locator("#id_fsm_share").count() == 0 and page.locator("#id_it_rating_0").count() == 0
    journey.shot("trust-details")
    page.select_option("#id_region", "north_west")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "Saved the details of Northway Trust." in page.inner_text("main")
    journey.shot("saved")
    # Once the union shares the campaign's results, the home page leads to them.
    from chalkface.voice.models import Share

    actions.set_shares(None, data.campaign, {Share.RESULTS: [data.trust]})
    journey.click("Home", exact=True)
    assert page.get_by_role("link", name="See the evidence").count() == 1
    journey.shot("home-with-shared-results")


@cases
def test_an_administrator_reaches_every_campaign_from_the_menu(live_server: Any, browser_page: Any) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "admin")
    journey.log_in(data.adam.email)
    page = journey.page
    journey.menu("Campaigns")
    assert page.get_by_role("link", name="Start a campaign").count() == 1
    journey.shot("campaigns")
    journey.click("Summer pulse", exact=True)
    assert "This campaign closed on" in page.inner_text("#campaign-status")
    journey.shot("closed-campaign")


@cases
def test_a_researcher_sees_no_campaigns_menu(live_server: Any, browser_page: Any) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "researcher")
    journey.log_in(data.ravi.email)
    assert journey.page.locator("nav.site-nav").get_by_role("link", name="Campaigns").count() == 0


@cases
def test_staff_see_the_comment_notice_where_they_are_looking(live_server: Any, browser_page: Any) -> None:
    data = _data()
    _batch, (code,) = actions.generate_codes(None, data.campaign, data.oakfield, 1, data.campaign.closes_on)
    page, variant = browser_page
    journey = Journey(page, live_server.url, f"staff-{variant}")
    # Staff have no account: the address printed on their slip is their way in.
    page.goto(f"{live_server.url}/c/{data.campaign.slug}/")
    page.fill("#id_code", code)
    page.click("button[value=checkin]")
    page.check("#id_tool_0")
    page.fill("#id_comment", IDENTIFYING)
    page.click("button[value=check]")
    page.wait_for_selector("#protect-summary")
    notice = page.locator("#protect-summary")
    box = notice.bounding_box()
    assert box is not None and box["y"] < 800, box
    assert page.evaluate("document.activeElement && document.activeElement.id") == "protect-summary"
    journey.shot("comment-notice")
    notice.get_by_role("link").first.click()
    page.click("button[value=redact]")
    page.wait_for_url("**/thanks/**")
    assert "Your answers have been saved." in page.content()


@pytest.mark.parametrize(
    "browser_page", [(True, "phone"), (False, "desktop")], ids=["js-phone", "no-js-desktop"], indirect=True
)
def test_a_rep_hands_out_codes_in_welsh(live_server: Any, browser_page: Any) -> None:
    data = _data()
    page, variant = browser_page
    journey = Journey(page, live_server.url, f"rep-cy-{variant}")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    journey.shot("log-in")
    page.fill("#id_username", data.alice.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    journey.shot("home")
    journey.click("Rhannu codau mynediad ar gyfer Autumn check-in")
    assert page.locator("#id_expires_on").input_value() == data.campaign.closes_on.isoformat()
    journey.shot("campaign")
    journey.menu("Ymgyrchoedd")
    journey.click("Summer pulse", exact=True)
    assert "Caeodd yr ymgyrch hon ar" in page.inner_text("#campaign-status")
    journey.shot("closed-campaign")
