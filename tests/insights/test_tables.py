"""Tables: p-values are written by one formatter (``< 0.001``, never ``0.000``), and at 1280 px no table
runs off the right edge of the page: each is inside a scrollable region with a caption, or fits."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from chalkface.evidence.notes import format_p
from tests.base import PASSWORD
from tests.browser import ARGS, chromium
from tests.insights.test_browser import _data


class PValueTestCase(SimpleTestCase):
    def test_a_tiny_p_value_is_written_as_less_than_one_in_a_thousand_never_zero(self) -> None:
        assert format_p(0.00001) == "p<0.001"
        assert format_p(0.0004, letter="") == "< 0.001"
        assert format_p(0.0123, letter="") == "0.012"
        assert format_p(None) == "p n/a"
        assert format_p(float("nan"), letter="q") == "q n/a"

    def test_the_tables_p_column_uses_the_one_formatter(self) -> None:
        template = Template("{% load evidence %}{{ p|p_value }}")
        assert template.render(Context({"p": 0.0})) == "&lt; 0.001"
        assert template.render(Context({"p": 0.2346})) == "0.235"
        with translation.override("cy"):
            assert template.render(Context({"p": None})) != "n/a"


# At 1280 px: every table's right edge is within the viewport, or the table is inside a scroll container
# (overflow-x auto or scroll) whose own right edge is; and the page itself never scrolls sideways.
EDGES = """() => {
  const width = document.documentElement.clientWidth;
  const faults = [];
  if (document.documentElement.scrollWidth > width + 1) faults.push("page scrolls sideways");
  document.querySelectorAll("table").forEach((table, i) => {
    const right = table.getBoundingClientRect().right;
    if (right <= width + 1) return;
    let box = table.parentElement;
    while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
    const caption = table.querySelector("caption");
    if (!box || box.getBoundingClientRect().right > width + 1) faults.push(`table ${i} ends at ${right}`);
    else if (!caption) faults.push(`table ${i} scrolls without a caption`);
  });
  return faults;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_table_runs_off_the_right_edge_at_1280_px(live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    data = _data()
    base = live_server.url
    pages = [
        f"/insights/tools/{data.tool.slug}/compare/?before=1.0&after=2.0",
        f"/insights/tools/{data.tool.slug}/",
        f"/insights/workplaces/{data.oakfield.slug}/",
        "/workplaces/",
        f"/workplaces/{data.oakfield.slug}/",
    ]
    faults: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", data.olivia.email)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_load_state()
            for url in pages:
                response = page.goto(f"{base}{url}")
                assert response is not None and response.status == 200, url
                found = page.evaluate(EDGES)
                if found:
                    faults[url] = found
        finally:
            browser.close()
    assert faults == {}
