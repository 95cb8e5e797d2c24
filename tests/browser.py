"""Where the browser tests find Chromium, how they start it (Debian's package, driven by Playwright), and
the accessibility check (axe-core) they run on the pages they reach."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """The path of Chromium; skips the test where it is missing, except under CI, where that is a failure."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))
    if os.environ.get("CI"):
        pytest.fail(
            "Debian's Chromium is not installed (apt-get install chromium); CI must run browser tests"
        )
    pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")


# axe-core, served by the app like every front-end file (the npm package, vendored under /static/vendor/).
AXE = "/static/vendor/axe-core/axe.min.js"
# What a page may not have: any serious or critical violation, and content outside the landmarks
# (axe's ``region`` rule, which it rates moderate).
SERIOUS = ("serious", "critical")
ALWAYS = ("region",)
# Whether the page runs scripts: where scripting is off, <noscript> content parses as elements.
_SCRIPTING = """() => {
  const probe = document.createElement("div");
  probe.innerHTML = "<noscript><p></p></noscript>";
  return probe.querySelector("noscript p") === null;
}"""
# Where the page's own scripts are off (a "without JavaScript" journey), the browser runs no timers, on
# which axe waits; for the length of one check they run as soon as the current work is done.
_TIMERS_NOW = """() => {
  window.__axeTimers = [window.setTimeout, window.requestAnimationFrame];
  window.setTimeout = (fn, _ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };
  window.requestAnimationFrame = fn => { Promise.resolve().then(() => fn(0)); return 0; };
}"""
_TIMERS_BACK = """() => {
  [window.setTimeout, window.requestAnimationFrame] = window.__axeTimers;
  delete window.__axeTimers;
}"""
# Only what axe finds: each violation's rule, impact, help text and the first few elements.
_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html.slice(0, 300)),
  }));
}"""


def screenshot(page: Any, path: Any) -> None:
    """A full-page screenshot of ``page`` at ``path``. Chromium now and then cannot capture a page that has
    only just been laid out (a protocol error, not a fault of the page): it waits for the page to settle and
    takes the picture once more."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.screenshot(path=str(path), full_page=True)
    except PlaywrightError:
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True)


class Axe:
    """Runs axe-core on each page a test reaches and keeps what no page may have: serious and critical
    violations, and content outside the landmarks. ``violations`` maps a step's name to what was found."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.visited: list[str] = []
        self.violations: dict[str, list[dict[str, Any]]] = {}
        self._source: str | None = None

    def check(self, page: Any, name: str) -> list[dict[str, Any]]:
        if self._source is None:
            response = page.request.get(f"{self.base}{AXE}")
            assert response.ok, f"{AXE} is not served: {response.status}"
            self._source = response.text()
        scripting = page.evaluate(_SCRIPTING)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluated, not added as a <script>: it runs where the page's scripts are off, and under any
            # Content-Security-Policy
            page.evaluate(self._source)
        if not scripting:
            page.evaluate(_TIMERS_NOW)
        try:
            found = page.evaluate(_AXE_RUN)
        finally:
            if not scripting:
                page.evaluate(_TIMERS_BACK)
        kept = [v for v in found if v["impact"] in SERIOUS or v["id"] in ALWAYS]
        self.visited.append(name)
        if kept:
            self.violations[name] = kept
        return kept

    def report(self) -> str:
        """The violations found, a line each, for an assertion message."""
        return "\n".join(
            f"{name} [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
            for name, found in self.violations.items()
            for v in found
        )
