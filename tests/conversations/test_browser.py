"""A real browser: an owner starts a conversation from the home page, seeds it and opens its report; a
participant comes in with a code from the campaign's start page, votes and adds a statement, with and
without JavaScript. Screenshots at 375 and 1280 pixels wide go to ``CHALKFACE_SCREENSHOTS`` (or /tmp)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chalkface.accounts.models import Membership, Role, User
from chalkface.conversations.models import Conversation, Statement, Vote
from chalkface.register.models import Supplier, Tool
from chalkface.voice import actions
from chalkface.voice.models import QuestionSet
from chalkface.workplaces.models import Organisation
from tests.browser import ARGS, chromium, screenshot

PASSWORD = "correct horse battery staple"
SHOTS = Path(os.environ.get("CHALKFACE_SCREENSHOTS", "/tmp/chalkface-conversation-shots"))


def _setup() -> list[str]:
    branch = Organisation.objects.create(kind="union_branch", name="Riverside Branch", slug="riverside")
    school = Organisation.objects.create(
        kind="school", name="Elmwood Primary School", slug="elmwood", urn=700001
    )
    supplier = Supplier.objects.create(name="Brightlesson Ltd", slug="brightlesson")
    tool = Tool.objects.create(name="LessonSpark", slug="lessonspark", supplier=supplier)
    today = timezone.localdate()
    campaign = actions.create_campaign(
        None,
        {
            "name": "Autumn check-in",
            "slug": "autumn",
            "owner": branch,
            "question_set_version": QuestionSet.objects.get(slug="core-checkin").current(),
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
        [school],
        [tool],
    )
    officer = User.objects.create_user("olivia@example.org", PASSWORD, name="Olivia")
    Membership.objects.create(user=officer, organisation=branch, role=Role.UNION_OFFICER)
    _batch, plain = actions.generate_codes(None, campaign, school, 2, campaign.closes_on)
    return plain


def _shots(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, SHOTS / f"{name}-{width}.png")


def _owner(base: str, page: Any) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "olivia@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.click("nav a[href='/campaigns/']")
    page.click("text=Autumn check-in")
    page.click("#conversations-link")
    page.fill("#id_topic", "How should AI be used in our schools?")
    page.click("text=Start the conversation")
    for text in (
        "AI lesson planning saves me time every week.",
        "AI tools should never be used to monitor staff.",
        "Staff should be consulted before any new AI tool is bought.",
    ):
        page.fill("#id_text", text)
        page.click("text=Add the statement")
    _shots(page, "owner-manage")
    page.click("text=See the report")
    assert page.locator("#not-yet").count() == 1
    _shots(page, "owner-report")


def _participant(base: str, page: Any, code: str, name: str) -> None:
    page.goto(f"{base}/c/autumn/")
    page.click("#conversations a")
    page.fill("#id_code", code)
    page.click("button[type=submit]")
    assert "0 of " in page.inner_text("#progress")
    _shots(page, f"{name}-vote")
    while page.locator("button[name=vote][value='1']").count():
        page.click("button[name=vote][value='1']")
    assert page.locator("#all-done").count() == 1
    page.click("text=Add your own statement")
    page.fill("#id_text", "AI tools must never be used to monitor staff.")
    page.click("text=Add my statement")
    # The similar statements come first. The click returns once the next page starts loading, and the
    # first embedding in a process loads the model, so wait for the page rather than look at once.
    page.wait_for_selector("#similar", timeout=30_000)
    _shots(page, f"{name}-similar")
    page.click("text=Add mine anyway")
    page.wait_for_url(lambda url: "added=" in url, timeout=30_000)
    assert "your statement has been added" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_owner_and_participants_click_through_a_conversation(live_server: Any) -> None:
    chromium()
    codes = _setup()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        _owner(live_server.url, browser.new_context().new_page())
        for code, javascript in zip(codes, (True, False), strict=True):
            page = browser.new_context(java_script_enabled=javascript).new_page()
            _participant(live_server.url, page, code, "js" if javascript else "nojs")
        browser.close()
    conversation = Conversation.objects.get()
    assert Statement.objects.filter(conversation=conversation, seeded=False).count() == 2
    seeded = Statement.objects.filter(conversation=conversation, seeded=True).count()
    assert seeded >= 3
    assert Vote.objects.count() >= 2 * seeded
    assert len(set(Vote.objects.values_list("participant", flat=True))) == 2
