"""A rep sets up the second factor in a real browser at their first log-in, and confirms the next one, at
phone and desktop widths, in English without JavaScript and in Welsh with it. Screenshots go to
tests/artifacts/second-factor/ (not committed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_second_factor import app_code
from tests.base import PASSWORD, BaseTestCase
from tests.browser import ARGS, chromium, screenshot

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "second-factor"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "en": {
        "set_up": "Set up a second factor",
        "codes": "Save your backup codes",
        "go_on": "I have saved them: continue",
        "confirm": "Confirm it is you",
        "home": "Hello",
    },
    "cy": {
        "set_up": "Gosod ail ffactor",
        "codes": "Cadwch eich codau wrth gefn",
        "go_on": "Rwyf wedi'u cadw: parhau",
        "confirm": "Cadarnhewch mai chi sydd yma",
        "home": "Helo",
    },
}


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    javascript, width = request.param
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": 800}
        )
        try:
            yield context.new_page()
        finally:
            browser.close()


def _overflows(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


@pytest.mark.parametrize(
    ("browser_page", "language"),
    [((False, 375), "en"), ((True, 1280), "en"), ((True, 375), "cy"), ((False, 1280), "cy")],
    ids=["no-js-375-en", "js-1280-en", "js-375-cy", "no-js-1280-cy"],
    indirect=["browser_page"],
)
def test_a_rep_sets_up_an_authenticator_app_and_confirms_the_next_log_in(
    live_server: Any, browser_page: Any, language: str, settings: Any
) -> None:
    settings.SECOND_FACTOR_REQUIRED = True
    BaseTestCase.setUpTestData()
    rep = BaseTestCase.alice
    page, words = browser_page, WORDS[language]
    name = f"{language}-{page.viewport_size['width']}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def log_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        if language == "cy" and page.locator("html").get_attribute("lang") != "cy":
            page.get_by_role("button", name="Cymraeg").click()
            page.wait_for_load_state()
        page.fill("#id_username", rep.email)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

    log_in()
    assert page.inner_text("h1") == words["set_up"]
    assert page.locator(".qr-code svg").count() == 1 and not _overflows(page)
    screenshot(page, ARTIFACTS / f"{name}-1-set-up.png")
    device = TOTPDevice.objects.get(user=rep, confirmed=False)
    page.fill("#id_code", app_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert words["codes"] in page.inner_text("h1")
    shown = page.inner_text(".backup-codes")
    assert all(
        t in shown for t in StaticToken.objects.filter(device__user=rep).values_list("token", flat=True)
    )
    assert not _overflows(page)
    screenshot(page, ARTIFACTS / f"{name}-2-backup-codes.png")
    page.get_by_role("link", name=words["go_on"]).click()
    page.wait_for_load_state()
    assert words["home"] in page.inner_text("h1")

    # The next log-in asks for the code the app shows then (the one just used is refused as used).
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()
    log_in()
    assert page.inner_text("h1") == words["confirm"]
    screenshot(page, ARTIFACTS / f"{name}-3-confirm.png")
    device.refresh_from_db()
    page.fill("#id_code", app_code(device, steps_ahead=1))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert words["home"] in page.inner_text("h1")
