"""Start a campaign: the long workplace and tool lists get a filter box from a script file (no inline
script or style), and still work without it; schools with one name are told apart by their URN."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.base import PASSWORD, BaseTestCase
from tests.browser import ARGS, chromium


class SelectFilterTestCase(BaseTestCase):
    def test_the_long_lists_are_marked_for_a_filter_box_by_a_script_file(self) -> None:
        self.login(self.olivia)
        html = self.client.get(reverse("voice:campaign_create")).content.decode()
        assert html.count('data-filter="Type to filter the list"') == 2
        assert "web/select-filter.js" in html
        assert "<script>" not in html and " style=" not in html
        assert f"(URN {self.oakfield.urn})" in html or self.oakfield.urn is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_in_the_filter_box_narrows_the_workplace_list(live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    from tests.insights.test_browser import _data

    executable = chromium()
    data = _data()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", data.olivia.email)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{base}{reverse('voice:campaign_create')}")
            page.fill("#id_workplaces-filter", "hillside")
            visible = page.eval_on_selector(
                "#id_workplaces", "s => Array.from(s.options).filter(o => !o.hidden).map(o => o.textContent)"
            )
            assert visible and all("Hillside" in text for text in visible)
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()
