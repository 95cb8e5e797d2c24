"""Reading a rendered form back as the data a browser would post unchanged."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = values.get("action") == self.action
            return
        if not self.inside:
            return
        name = values.get("name", "")
        if tag == "input" and name and values.get("type") not in {"submit", "button"}:
            if values.get("type") in {"radio", "checkbox"} and "checked" not in values:
                return
            self.data.setdefault(name, []).append(values.get("value", "on"))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in values:
            self.data[self._select].append(values.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(html: str, action: str) -> dict[str, list[str]]:
    """What the form posting to ``action`` would send if submitted as rendered."""
    form = _Form(action)
    form.feed(html)
    return form.data
