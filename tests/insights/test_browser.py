"""A real browser: an officer logs in, opens a tool's evidence, applies a filter, is refused an unsafe one,
reads the brief and downloads it as a PDF made by the task worker; axe-core checks every page visited."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connections
from pypdf import PdfReader

from tests.base import PASSWORD
from tests.browser import ARGS, Axe, chromium
from tests.insights.fixtures import InsightTestCase
from tests.jobs.helpers import run_worker

DB_WORKER = "django_tasks.backends.database.management.commands.db_worker"


def _data() -> Any:
    """The insight fixtures (a campaign of 54 check-ins, k=10), created for a transactional test."""

    class Data(InsightTestCase):
        pass

    Data.setUpTestData()
    return Data


def _run_worker_beside_the_browser() -> None:
    """Run the queued task as ``chalkface worker`` would. Playwright's sync API keeps an event loop in this
    thread, where Django refuses database work, so the worker runs in a thread of its own (as it would in
    its own process), with its own connection, which it closes."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            # Only the main thread may set signal handlers; a worker process sets them to stop cleanly.
            with mock.patch(f"{DB_WORKER}.Worker.configure_signals"):
                run_worker()
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the task worker did not finish"
    if failures:
        raise failures[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_filters_is_refused_and_downloads_a_brief_with_no_accessibility_faults(
    live_server: Any,
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    data = _data()
    base = live_server.url
    tool_url = f"{base}/insights/tools/{data.tool.slug}/"
    audit = Axe(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_context(accept_downloads=True).new_page()

            # Log in as Olivia, the branch's union officer; the login page sends her on to the overview.
            page.goto(f"{base}/accounts/login/?next=/insights/")
            audit.check(page, "log in")
            page.fill("#id_username", data.olivia.email)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url("**/insights/")
            assert page.locator("h1").count() == 1
            audit.check(page, "overview")

            # The tool page: headline measures from all 54 check-ins.
            page.goto(tool_url)
            # 54, published with cell-key noise of at most 2
            assert re.search(r"5[2-6] check-ins from 2 workplaces\.", page.inner_text("#result-count"))
            audit.check(page, "tool")

            # A safe filter: primary schools (Oakfield, 30 check-ins).
            page.select_option("#id_phase", "primary")
            page.click("form.filters button[type=submit]")
            page.wait_for_url("**phase=primary**")
            assert re.search(
                r"(2[89]|3[0-2]) check-ins from 1 workplaces\.", page.inner_text("#result-count")
            )
            audit.check(page, "filtered tool")

            # An unsafe one: the 3 teaching assistants. Nothing shown, with the reason and no figure.
            page.goto(tool_url)
            page.select_option("#id_role", "teaching_assistant")
            page.click("form.filters button[type=submit]")
            page.wait_for_url("**role=teaching_assistant**")
            assert "Fewer than 10 check-ins, so nothing is shown." in page.inner_text("#result-count")
            assert "fewer than 10 people answered" in page.inner_text("table.figures")
            audit.check(page, "hidden")

            # The brief as a web page.
            page.goto(tool_url)
            page.click("text=Read the evidence brief")
            page.wait_for_url("**/brief/")
            assert "Evidence brief: LessonSpark" in page.inner_text("h1")
            audit.check(page, "brief")

            # The brief as a PDF: a job on the task worker, followed on its page, then downloaded.
            page.goto(tool_url)
            page.click("text=Make the evidence brief (PDF)")
            page.wait_for_url("**/jobs/**")
            audit.check(page, "brief job (queued)")
            _run_worker_beside_the_browser()
            page.reload()
            page.wait_for_selector("#job-progress a:has-text('Continue')")
            audit.check(page, "brief job (done)")
            with page.expect_download() as waiting:
                page.click("#job-progress a:has-text('Continue')")
            download = waiting.value
            assert download.suggested_filename == "brief-lessonspark.pdf"
            path = download.path()
            assert path is not None
            pdf = PdfReader(io.BytesIO(Path(path).read_bytes()))
            text = " ".join(" ".join(pg.extract_text() for pg in pdf.pages).split())
            assert "Evidence brief: LessonSpark" in text
            assert re.search(r"n=5[2-6]\b", text)
        finally:
            browser.close()

    assert audit.visited == [
        "log in",
        "overview",
        "tool",
        "filtered tool",
        "hidden",
        "brief",
        "brief job (queued)",
        "brief job (done)",
    ]
    assert audit.violations == {}, audit.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_interactive_charts_draw_without_breaking_the_content_security_policy(live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    data = _data()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_context().new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.goto(f"{base}/accounts/login/?next=/insights/")
            page.fill("#id_username", data.olivia.email)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url("**/insights/")
            # Counts what the page refused under its policy (a console message may be worded differently).
            page.add_init_script(
                "window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation',"
                " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page.goto(f"{base}/insights/tools/{data.tool.slug}/")
            # vega-embed drew the chart (had it failed, the server-drawn SVG would have stayed)
            page.wait_for_selector("[data-vega-spec] > .vega-embed svg", timeout=15_000)
            page.hover("[data-vega-spec] > div svg")  # tooltips, where a chart has them
            page.wait_for_timeout(300)
            violations = page.evaluate("window.__cspViolations")
        finally:
            browser.close()
    refused = [
        line for line in console if "Content Security Policy" in line or "Content-Security-Policy" in line
    ]
    assert refused == [], refused
    assert violations == [], violations
