"""In a real browser, an officer finds the themes in what staff wrote by clicking from their home page,
follows the job, and reads the themes and quotes, with axe-core checking every page: at phone and desktop
widths, with and without JavaScript, in English and in Welsh. Screenshots go to tests/artifacts/journeys/
(not committed)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core import test_journeys_browser as journeys
from tests.core.test_journeys_browser import CASES, IDS, Journey
from tests.insights.test_browser import _run_worker_beside_the_browser
from tests.insights.test_themes import ThemeFixture

browser_page = journeys.browser_page  # the same browser, at the same widths, with and without JavaScript
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _data() -> Any:
    class Data(ThemeFixture):
        pass

    Data.setUpTestData()
    return Data


def _find_and_read(journey: Journey, data: Any, *, welsh: bool = False) -> None:
    page = journey.page
    journey.log_in(data.olivia.email)
    if welsh:
        page.locator("footer").get_by_role("button", name="Cymraeg").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "cy"
    journey.menu("Tystiolaeth" if welsh else "Evidence")
    journey.click(data.tool.name, exact=True)
    page.locator("#what-staff-wrote").scroll_into_view_if_needed()
    journey.shot("tool-page-before-themes")
    page.get_by_role("button", name="Canfod y themâu" if welsh else "Find the themes", exact=True).click()
    page.wait_for_load_state()
    assert "/jobs/" in page.url
    journey.shot("job-queued")
    _run_worker_beside_the_browser()
    if page.locator("#check-again").is_visible():  # without JavaScript the person asks for the news
        page.locator("#check-again").click()
    else:  # with it, the progress polls by itself; reloading is the same as waiting a second
        page.reload()
    page.wait_for_load_state()
    journey.click("Parhau" if welsh else "Continue", exact=True)
    section = page.locator("#what-staff-wrote")
    section.scroll_into_view_if_needed()
    quotes = section.locator("blockquote.quote")
    assert quotes.count() >= 1
    text = section.inner_text().lower()
    assert "oakfield" not in text and "teaching assistant i use it" not in text
    journey.shot("themes")
    # Open the second theme by clicking its summary.
    summary = section.locator("details.theme summary").nth(1)
    summary.click()
    assert section.locator("details.theme").nth(1).locator("blockquote.quote").first.is_visible()
    journey.shot("second-theme-open")
    journey.finish()  # axe-core found nothing serious on any page of the way


# JavaScript at desktop width, and none on a phone (the full matrix of the journeys is walked elsewhere)
@pytest.mark.parametrize("browser_page", [CASES[1], CASES[2]], ids=[IDS[1], IDS[2]], indirect=True)
def test_an_officer_finds_and_reads_the_themes_from_their_home_page(
    live_server: Any, browser_page: Any
) -> None:
    page, variant = browser_page
    _find_and_read(Journey(page, live_server.url, f"themes-{variant}"), _data())


@pytest.mark.parametrize("browser_page", [CASES[0]], ids=[IDS[0]], indirect=True)
def test_an_officer_finds_and_reads_the_themes_in_welsh(live_server: Any, browser_page: Any) -> None:
    page, variant = browser_page
    _find_and_read(Journey(page, live_server.url, f"themes-cy-{variant}"), _data(), welsh=True)
