"""Everything in a text that could identify someone, and its redaction in one step."""

from __future__ import annotations

import bisect
from functools import lru_cache

from chalkface.redaction.lexicon import name_key, plain_key
from chalkface.redaction.names import TOKEN, find_names
from chalkface.redaction.patterns import find_shapes
from chalkface.redaction.spans import Span, redact
from chalkface.redaction.workplace import workplace_pattern


@lru_cache(maxsize=256)
def _allowed_words(allow: tuple[str, ...]) -> frozenset[str]:
    """The words of the allowed names (e.g. the AI tools), as both list keys."""
    words: set[str] = set()
    for name in allow:
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
    taken: list[tuple[int, int]] = []  # sorted, never overlapping
    spans: list[Span] = []

    def add(start: int, end: int, kind: str) -> None:
        at = bisect.bisect_left(taken, (start, end))
        if end <= start or (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
            return
        taken.insert(at, (start, end))
        spans.append(Span(start, end, kind, text[start:end]))

    for start, end, kind in find_shapes(text):
        add(start, end, kind)
    pattern = workplace_pattern(tuple(workplace_names or ()))
    if pattern is not None:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), "workplace")
    for start, end in find_names(text, taken, _allowed_words(tuple(allow or ()))):
        add(start, end, "name")
    return sorted(spans, key=lambda s: s.start)


def protect(text: str, *, workplace_names: list[str] | None = None, allow: list[str] | None = None) -> str:
    """Find and redact in one step (for imports, where nobody can be asked)."""
    return redact(text, find(text, workplace_names=workplace_names, allow=allow))
