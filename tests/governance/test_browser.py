"""A rep records an agreement item by clicking from their home page, sees the employer's differing view,
and sees a red flag appear where the data-practice profile contradicts what was agreed."""

from __future__ import annotations

from typing import Any

import pytest

from chalkface.governance import actions
from tests.base import BaseTestCase
from tests.core.test_journeys_browser import Journey
from tests.core.test_journeys_browser import browser_page as browser_page_fixture

ITEM = "no_training_replacement_systems_on_staff_data_or_materials"
FLAG = "says it trains its models on customer data"

# the Chromium page fixture of the journey tests, under the name the tests ask for
browser_page = browser_page_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _data() -> Any:
    class Data(BaseTestCase):
        pass

    Data.setUpTestData()
    values = {
        code: "does_not" for code in ("sells_data", "targeted_ads", "third_party_tracking", "profiling")
    }
    actions.save_data_practice(None, Data.v2, {**values, "trains_on_customer_data": "does"})
    actions.record_position(Data.emma, Data.oakfield, Data.deployment, ITEM, "employer", {"status": "partly"})
    return Data


@pytest.mark.parametrize(
    "browser_page", [(True, "phone"), (False, "desktop")], ids=["js-phone", "no-js-desktop"], indirect=True
)
def test_a_rep_records_an_agreement_item_and_sees_the_red_flag(live_server: Any, browser_page: Any) -> None:
    data = _data()
    page, variant = browser_page
    journey = Journey(page, live_server.url, f"governance-rep-{variant}")
    journey.log_in(data.alice.email)
    journey.click("Track the AI agreement at Oakfield Primary School")
    assert FLAG not in page.inner_text("main")
    journey.shot("governance")
    journey.click("The agreement for LessonSpark")
    row = page.locator(f"#item-{ITEM}")
    assert "Partly agreed" in row.inner_text()
    row.get_by_role("link", name="Record the union's view").click()
    page.wait_for_load_state()
    journey.shot("record-view")
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_role("button", name="Save this view").click()
    page.wait_for_load_state()
    assert "Recorded the union's view." in page.inner_text("main")
    row = page.locator(f"#item-{ITEM}")
    assert "The sides disagree" in row.inner_text() and "Agreed" in row.inner_text()
    journey.shot("disagreement")
    page.locator("main .caption").get_by_role("link", name="Oakfield Primary School").click()
    page.wait_for_load_state()
    assert FLAG in page.inner_text(".red-flags")
    journey.shot("red-flag")
