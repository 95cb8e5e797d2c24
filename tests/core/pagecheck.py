"""Checks that every page shares: landmarks, one h1, a language, and a label for every form control."""

from __future__ import annotations

from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.label_targets: set[str] = set()
        self._in_label = 0
        self.wrapped_controls: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag == "label":
            self._in_label += 1
            if values.get("for"):
                self.label_targets.add(values["for"])
        elif tag in {"input", "select", "textarea"} and self._in_label and values.get("id"):
            self.wrapped_controls.add(values["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1


def check_page(html: str) -> list[str]:
    """Problems with the page's structure, as sentences (empty when it is fine)."""
    page = _Page()
    page.feed(html)
    problems: list[str] = []
    tags = [tag for tag, _ in page.tags]
    if tags.count("h1") != 1:
        problems.append(f"{tags.count('h1')} h1 elements, not one")
    html_attrs = next((attrs for tag, attrs in page.tags if tag == "html"), {})
    if not html_attrs.get("lang"):
        problems.append("no lang on <html>")
    for landmark in ("header", "main", "footer"):
        if landmark not in tags:
            problems.append(f"no <{landmark}>")
    if not any(tag == "main" and attrs.get("id") == "main" for tag, attrs in page.tags):
        problems.append('no <main id="main">')
    if not any(tag == "a" and attrs.get("href") == "#main" for tag, attrs in page.tags):
        problems.append("no skip link")
    for tag, attrs in page.tags:
        if tag == "nav" and not attrs.get("aria-label"):
            problems.append("a <nav> without aria-label")
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            control = attrs.get("id", "")
            if not control or (control not in page.label_targets and control not in page.wrapped_controls):
                problems.append(f"<{tag} name={attrs.get('name')}> has no label")
        if tag == "table" and "caption" not in tags:
            problems.append("a table without a caption")
        if tag in {"script", "link", "img"}:
            source = attrs.get("src") or attrs.get("href") or ""
            if source.startswith(("http:", "https:", "//")):
                problems.append(f"<{tag}> loads {source} from the internet")
    return problems
