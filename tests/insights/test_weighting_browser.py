"""In a real browser, a union officer adds workforce margins by clicking from their home page, then reads a
tool's figures weighted to them and asks for them as answered, with axe-core checking every page: at phone
and desktop widths, with and without JavaScript, in English and in Welsh. Screenshots go to
tests/artifacts/journeys/ (not committed)."""

from __future__ import annotations

from typing import Any

import pytest

from chalkface.vocab import PHASES, REGIONS, STAFF_ROLES
from tests.core import test_journeys_browser as journeys
from tests.core.test_journeys_browser import ROLE_CASES, ROLE_IDS, Journey
from tests.insights.fixtures import InsightTestCase

browser_page = journeys.browser_page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _data() -> Any:
    class Data(InsightTestCase):
        pass

    Data.setUpTestData()
    return Data


def _rows() -> str:
    lines = ["margin,category,headcount"]
    lines += [f"role,{code},{1000 + 100 * i}" for i, (code, _label) in enumerate(STAFF_ROLES)]
    lines += [f"phase,{code},1000" for code, _label in PHASES]
    lines += [f"region,{code},1000" for code, _label in REGIONS]
    return "\n".join(lines)


@pytest.mark.parametrize("browser_page", ROLE_CASES, ids=ROLE_IDS, indirect=True)
def test_an_officer_adds_margins_and_reads_weighted_and_unweighted_figures(
    live_server: Any, browser_page: Any
) -> None:
    data = _data()
    page, variant, *lang = browser_page
    journey = Journey(page, live_server.url, f"weighting-{variant}", *lang)
    t = journey.t
    journey.log_in(data.olivia.email)
    journey.menu(t("Evidence"))
    journey.click(t("Workforce margins"), exact=True)
    assert page.locator("#no-margins").is_visible()
    journey.shot("no-margins-yet")
    # a mistake first: the page says which row, and keeps what was typed
    page.fill("#id_name", "Census for the test")
    page.fill("#id_source", "A published release, table 1")
    page.fill("#id_licence", "Open Government Licence v3.0")
    page.fill("#id_rows", _rows().replace("role,teacher,1000", "role,wizard,1000"))
    page.get_by_role("button", name=t("Add the margins")).click()
    page.wait_for_load_state()
    assert "wizard" in page.locator(".error-summary").inner_text()
    assert page.input_value("#id_name") == "Census for the test"
    journey.shot("a-row-to-mend")
    page.fill("#id_rows", _rows())
    page.get_by_role("button", name=t("Add the margins")).click()
    page.wait_for_load_state()
    assert page.locator("#margins-name").inner_text() == "Census for the test"
    journey.shot("margins-in-use")
    journey.menu(t("Evidence"))
    journey.click(data.tool.name, exact=True)
    note = page.locator("#weighting-note").inner_text()
    assert "Census for the test" in note
    journey.shot("weighted")
    page.select_option("#id_weighting", "none")
    page.get_by_role("button", name=t("Show results")).click()
    page.wait_for_load_state()
    assert page.locator("#weighting-note").inner_text().startswith(t("Not weighted (as answered)")[:10])
    journey.shot("as-answered")
    journey.finish()
