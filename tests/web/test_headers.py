"""Every page carries the browser protections: a Content-Security-Policy with no inline script, no framing,
no MIME sniffing and no referrer sent to other sites; and no template relies on inline script."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

PACKAGE = Path(__file__).resolve().parents[2] / "chalkface"


def _policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_it_sends_a_content_security_policy_without_inline_script(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    policy = _policy(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in word for words in policy.values() for word in words)


def test_it_forbids_framing_sniffing_and_cross_site_referrers(db: None) -> None:
    response = Client().get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    templates = [p for p in PACKAGE.rglob("templates/**/*.html") if "node_modules" not in p.parts]
    assert templates, "found no templates"
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for match in _SCRIPT.finditer(text):
            if "src=" not in match.group(1):
                offenders.append(f"{path.relative_to(PACKAGE)}: inline <script>")
        if _HANDLER.search(text):
            offenders.append(f"{path.relative_to(PACKAGE)}: on...= event handler attribute")
        if "javascript:" in text.lower():
            offenders.append(f"{path.relative_to(PACKAGE)}: javascript: URL")
    assert not offenders, offenders
