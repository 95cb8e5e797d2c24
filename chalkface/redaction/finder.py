"""Everything in a text that could identify someone, and its redaction in one step."""

from __future__ import annotations

from chalkface.redaction.lexicon import name_key, plain_key
from chalkface.redaction.names import TOKEN, find_names
from chalkface.redaction.patterns import find_shapes
from chalkface.redaction.spans import Span, redact
from chalkface.redaction.workplace import workplace_pattern


def _allowed(allow: list[str] | None) -> frozenset[str]:
    """The words of the allowed names (e.g. the AI tools), as both list keys."""
    words: set[str] = set()
    for name in allow or []:
        for match in TOKEN.finditer(name):
            words.add(plain_key(match.group()))
            words.add(name_key(match.group()))
    return frozenset(words)


def find(
    text: str, *, workplace_names: list[str] | None = None, allow: list[str] | None = None
) -> list[Span]:
    """Every span of ``text`` that could identify someone, in order, without overlaps.

    ``workplace_names``: the workplace's own name (and its trust's) to catch. ``allow``: names never to
    flag as names (the names of AI tools, such as Claude).
    """
    taken: list[tuple[int, int]] = []
    spans: list[Span] = []

    def add(start: int, end: int, kind: str) -> None:
        if end <= start or any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        spans.append(Span(start, end, kind, text[start:end]))

    for start, end, kind in find_shapes(text):
        add(start, end, kind)
    pattern = workplace_pattern(tuple(workplace_names or ()))
    if pattern is not None:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), "workplace")
    for start, end in find_names(text, taken, _allowed(allow)):
        add(start, end, "name")
    return sorted(spans, key=lambda s: s.start)


def protect(text: str, *, workplace_names: list[str] | None = None, allow: list[str] | None = None) -> str:
    """Find and redact in one step (for imports, where nobody can be asked)."""
    return redact(text, find(text, workplace_names=workplace_names, allow=allow))
