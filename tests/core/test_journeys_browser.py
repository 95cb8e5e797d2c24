"""Each role does its jobs by clicking from its home page, in a real browser, at phone and desktop widths,
with and without JavaScript, in English and in Welsh (chosen at the foot of the log-in page). Every test
starts at the log-in page (staff answering start at the address on their slip, which is their way in) and
never types another address. Screenshots of each step are saved under tests/artifacts/journeys/ for a
reviewer to open; they are not committed. axe-core checks every page reached, and a journey fails on any
serious or critical violation or content outside the landmarks."""

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
from tests.browser import ARGS, Axe, chromium, screenshot
from tests.voice.helpers import VoiceTestCase, make_campaign

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "journeys"
WIDTHS = {"phone": 375, "desktop": 1280}
CASES = [(js, width) for js in (True, False) for width in WIDTHS]
IDS = [f"{'js' if js else 'no-js'}-{width}" for js, width in CASES]
# Each role's journey in Welsh as well: with JavaScript on a phone, and without it on a desktop.
ROLE_CASES = [(js, width, "en-gb") for js, width in CASES] + [(True, "phone", "cy"), (False, "desktop", "cy")]
ROLE_IDS = [*IDS, "cy-js-phone", "cy-no-js-desktop"]
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
    """One browser page for one role, saving a screenshot of each step and checking with axe-core every
    page it reaches (each page loaded, checked once, before the next click and at the end)."""

    def __init__(self, page: Any, base: str, name: str, lang: str = "en-gb") -> None:
        self.page, self.base, self.name, self.step, self.lang = page, base, name, 0, lang
        self.axe = Axe(base)
        self.unchecked = True
        page.on("load", self._loaded)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _loaded(self, _page: Any) -> None:
        self.unchecked = True

    def check(self, what: str) -> None:
        """Run axe-core on the page, unless it has been checked since it last loaded."""
        if self.unchecked:
            self.unchecked = False
            self.axe.check(self.page, f"{self.page.url} ({what})")

    def shot(self, what: str, page: Any = None) -> None:
        self.step += 1
        screenshot(page or self.page, ARTIFACTS / f"{self.name}-{self.step:02d}-{what}.png")
        if page is not None and page is not self.page:
            self.axe.check(page, f"{page.url} ({what})")
        else:
            self.check(what)

    def finish(self) -> None:
        """The journey's end: check the last page, then fail on what axe-core found on any page."""
        self.check("last page")
        assert self.axe.visited, "no page was checked"
        assert self.axe.violations == {}, self.axe.report()

    def t(self, text: str, **values: Any) -> str:
        """``text`` (a message of the app) as the page shows it in the journey's language."""
        from django.utils import translation

        with translation.override(self.lang):
            shown = translation.gettext(text)
        return shown % values if values else shown

    def log_in(self, email: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")
        if self.lang == "cy":  # the language is chosen at the foot of the first page, as a person would
            self.page.locator("footer").get_by_role("button", name="Cymraeg").click()
            self.page.wait_for_load_state()
            assert self.page.locator("html").get_attribute("lang") == "cy"
        self.shot("log-in")
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_selector("h1")
        assert self.t("Hello, %(name)s", name="").strip(", ") in self.page.inner_text("h1")
        self.shot("home")

    def click(self, text: str, *, exact: bool = False) -> None:
        self.check(f"before following {text!r}")
        self.page.get_by_role("link", name=text, exact=exact).first.click()
        self.page.wait_for_load_state()

    def menu(self, text: str) -> None:
        self.check(f"before the menu's {text!r}")
        nav = self.page.locator("nav.site-nav")
        nav.get_by_role("link", name=text, exact=True).click()
        self.page.wait_for_load_state()


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test still reads and sets up data
    # here between clicks (the live server answers the browser from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    javascript, width, *lang = request.param
    executable = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": WIDTHS[width], "height": 800}
        )
        try:
            variant = f"{'js' if javascript else 'no-js'}-{width}"
            yield (
                context.new_page(),
                f"{lang[0]}-{variant}" if lang and lang[0] != "en-gb" else variant,
                *lang,
            )
        finally:
            browser.close()


def _journey(live_server: Any, browser_page: Any, role: str) -> Journey:
    page, variant, *lang = browser_page
    return Journey(page, live_server.url, f"{role}-{variant}", *lang)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
cases = pytest.mark.parametrize("browser_page", CASES, ids=IDS, indirect=True)
role_cases = pytest.mark.parametrize("browser_page", ROLE_CASES, ids=ROLE_IDS, indirect=True)


@role_cases
def test_a_rep_hands_out_codes_and_watches_the_count_from_their_home_page(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "rep")
    t = journey.t
    journey.log_in(data.alice.email)
    page = journey.page
    # Job 1: make and print codes for the open campaign, from the home page.
    journey.click(t("Hand out access codes for %(name)s", name="Autumn check-in"))
    assert page.inner_text("h1") == "Autumn check-in"
    journey.shot("campaign")
    assert page.locator("#id_workplace").input_value() == str(data.oakfield.pk)
    assert page.locator("#id_expires_on").input_value() == data.campaign.closes_on.isoformat()
    with page.context.expect_page() as sheet_page:
        page.get_by_role("button", name=t("Generate and print")).click()
    sheet = sheet_page.value
    sheet.wait_for_load_state()
    assert t("There is a problem") not in sheet.content()
    journey.shot("code-sheet", sheet)
    sheet.close()
    assert AccessCode.objects.filter(workplace=data.oakfield).count() == 30
    # Job 2: see the campaigns of their workplace, and the count that reveals nothing below k.
    journey.menu(t("Campaigns"))
    journey.shot("campaigns")
    journey.click("Autumn check-in", exact=True)
    assert t("fewer than %(k)s", k=10) in page.inner_text("#workplaces ~ table")
    # A closed campaign says so, and offers no codes.
    journey.menu(t("Campaigns"))
    journey.click("Summer pulse", exact=True)
    assert t("This campaign closed on %(day)s.", day="").rstrip(". ") in page.inner_text("#campaign-status")
    assert page.get_by_role("button", name=t("Generate and print")).count() == 0
    journey.shot("closed-campaign")
    journey.finish()


@role_cases
def test_an_officer_starts_and_changes_a_campaign_from_their_home_page(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "officer")
    t = journey.t
    journey.log_in(data.olivia.email)
    page = journey.page
    journey.click(t("Start a campaign"))
    assert page.inner_text("h1") == t("Start a campaign")
    assert "Oakfield Primary School (URN 100001)" in page.inner_text("#id_workplaces")
    journey.shot("start-a-campaign")
    journey.click(t("Home"), exact=True)
    journey.click(t("Run your campaigns"))
    journey.click("Autumn check-in", exact=True)
    journey.click(t("Change dates, threshold or scope"))
    assert page.locator("#id_opens_on").input_value() == data.campaign.opens_on.isoformat()
    journey.shot("change-campaign")
    page.get_by_role("button", name=t("Save changes")).click()
    page.wait_for_load_state()
    assert t("The campaign has been changed.") in page.inner_text("main")
    journey.shot("changed")
    journey.finish()


@role_cases
def test_an_employer_lead_keeps_the_trusts_details_and_learns_who_shares_results(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "employer")
    t = journey.t
    journey.log_in(data.emma.email)
    page = journey.page
    assert t("No results have been shared with you yet") in page.inner_text("main")
    journey.click(t("Keep the details of %(name)s up to date", name="Northway Trust"))
    assert page.locator("#id_region").count() == 1
    assert page.locator("#id_fsm_share").count() == 0 and page.locator("#id_it_rating_0").count() == 0
    journey.shot("trust-details")
    page.select_option("#id_region", "north_west")
    page.get_by_role("button", name=t("Save changes")).click()
    page.wait_for_load_state()
    assert t("Saved the details of %(name)s.", name="Northway Trust") in page.inner_text("main")
    journey.shot("saved")
    # Once the union shares the campaign's results, the home page leads to them.
    from chalkface.voice.models import Share

    actions.set_shares(None, data.campaign, {Share.RESULTS: [data.trust]})
    journey.click(t("Home"), exact=True)
    assert page.get_by_role("link", name=t("See the evidence")).count() == 1
    journey.shot("home-with-shared-results")
    journey.click(t("See the evidence"))
    journey.shot("shared-evidence")
    journey.finish()


@role_cases
def test_an_administrator_reaches_every_campaign_from_the_menu(live_server: Any, browser_page: Any) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "admin")
    t = journey.t
    journey.log_in(data.adam.email)
    page = journey.page
    journey.menu(t("Campaigns"))
    assert page.get_by_role("link", name=t("Start a campaign")).count() == 1
    journey.shot("campaigns")
    journey.click("Summer pulse", exact=True)
    assert t("This campaign closed on %(day)s.", day="").rstrip(". ") in page.inner_text("#campaign-status")
    journey.shot("closed-campaign")
    journey.finish()


@role_cases
def test_a_researcher_sees_no_campaigns_menu(live_server: Any, browser_page: Any) -> None:
    data = _data()
    journey = _journey(live_server, browser_page, "researcher")
    journey.log_in(data.ravi.email)
    nav = journey.page.locator("nav.site-nav")
    assert nav.get_by_role("link", name=journey.t("Campaigns")).count() == 0
    journey.finish()


@cases
def test_staff_see_the_comment_notice_where_they_are_looking(live_server: Any, browser_page: Any) -> None:
    data = _data()
    _batch, (code,) = actions.generate_codes(None, data.campaign, data.oakfield, 1, data.campaign.closes_on)
    page, variant = browser_page
    journey = Journey(page, live_server.url, f"staff-{variant}")
    # Staff have no account: the address printed on their slip is their way in.
    page.goto(f"{live_server.url}/c/{data.campaign.slug}/")
    journey.shot("code")
    page.fill("#id_code", code)
    page.click("button[value=checkin]")
    page.wait_for_selector("#id_tool_0")
    journey.shot("check-in")
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
    journey.shot("thanks")
    journey.finish()


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
    journey.finish()
