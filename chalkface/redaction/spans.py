"""What was found (a :class:`Span`), and turning spans into redacted text or highlighted pieces."""

from __future__ import annotations

from dataclasses import dataclass

# The kinds of identifying text, each with the marker that replaces it.
KINDS: dict[str, str] = {
    "email": "[email]",
    "url": "[link]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "number": "[number]",
    "workplace": "[workplace]",
    "name": "[name]",
}


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` could identify someone; ``kind`` is one of :data:`KINDS`."""

    start: int
    end: int
    kind: str
    text: str

    @property
    def marker(self) -> str:
        return KINDS[self.kind]


def redact(text: str, spans: list[Span]) -> str:
    """``text`` with each span replaced by its marker, e.g. ``[name]``."""
    out: list[str] = []
    last = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[last : span.start])
        out.append(span.marker)
        last = span.end
    out.append(text[last:])
    return "".join(out)


def segments(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """``text`` cut into (piece, kind) pairs for highlighting; kind is "" for plain text."""
    out: list[tuple[str, str]] = []
    last = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > last:
            out.append((text[last : span.start], ""))
        out.append((text[span.start : span.end], span.kind))
        last = span.end
    if last < len(text):
        out.append((text[last:], ""))
    return out
