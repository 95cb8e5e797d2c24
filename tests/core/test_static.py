"""Front-end files are pinned, installed from the npm registry and served by the app itself; the
stylesheet keeps text contrast at 4.5:1 or more and shows where the keyboard focus is."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.base import BaseTestCase

CSS = Path(settings.PACKAGE_DIR) / "static" / "css" / "chalkface.css"
TEMPLATES = Path(settings.PACKAGE_DIR) / "templates"


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class FrontEndTestCase(BaseTestCase):
    def test_it_pins_front_end_packages_exactly(self) -> None:
        package = json.loads((Path(settings.PROJECT_DIR) / "package.json").read_text())
        lock = json.loads((Path(settings.PROJECT_DIR) / "package-lock.json").read_text())
        for name, version in package["dependencies"].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not an exact version"
            assert lock["packages"][f"node_modules/{name}"]["version"] == version

    def test_it_serves_htmx_itself(self) -> None:
        assert finders.find("vendor/htmx.org/dist/htmx.min.js"), "run npm ci (scripts/setup.sh does)"
        self.login(self.ravi)
        html = self.client.get(reverse("register:tools")).content.decode()
        assert '<script src="/static/vendor/htmx.org/dist/htmx.min.js" defer></script>' in html
        response = self.client.get("/static/vendor/htmx.org/dist/htmx.min.js")
        assert response.status_code == 200
        assert b"htmx" in b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def test_it_loads_nothing_from_the_internet(self) -> None:
        for template in TEMPLATES.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            assert not re.search(r'(src|href)="(https?:)?//', text), template

    def test_it_filters_with_a_plain_form_that_htmx_enhances(self) -> None:
        self.login(self.ravi)
        html = self.client.get(reverse("register:tools")).content.decode()
        form = re.search(r'<form method="get" action="/register/tools/"[^>]*>', html)
        assert form is not None and 'hx-get="/register/tools/"' in form.group(0)
        assert '<button type="submit" class="button">Show results</button>' in html

    def test_it_keeps_text_contrast_at_4_5_to_1_or_more(self) -> None:
        css = CSS.read_text(encoding="utf-8")
        colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
        pairs = [
            ("text", "#ffffff"),
            ("secondary-text", "#ffffff"),
            ("secondary-text", colours["panel"]),
            ("link", "#ffffff"),
            ("link", colours["panel"]),
            ("link-visited", "#ffffff"),
            ("link-hover", "#ffffff"),
            ("error", "#ffffff"),
            ("focus-text", colours["focus"]),
        ]
        for foreground, background in pairs:
            ratio = contrast(colours[foreground], background)
            assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}"
        # White on the buttons, and the tags' text on their backgrounds.
        tags = re.findall(r"background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6})", css)
        assert len(tags) >= 4
        for background, foreground in tags:
            assert contrast(foreground, background) >= 4.5, (foreground, background)
        assert contrast("#ffffff", colours["success"]) >= 4.5

    def test_it_shows_where_the_keyboard_focus_is(self) -> None:
        css = CSS.read_text(encoding="utf-8")
        for selector in (
            "a:focus-visible",
            ".button:focus-visible",
            "input:focus-visible",
            ".skip-link:focus",
        ):
            assert selector in css
