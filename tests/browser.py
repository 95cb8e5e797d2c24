"""Where the browser tests find Chromium, and how they start it (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil

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
