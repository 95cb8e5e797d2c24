"""The redaction test set: sentences in English and Welsh with what should be redacted marked.

Each line of ``cases.jsonl`` is ``{"id", "lang", "marked"}``, where ``marked`` is the sentence with
each identifying span written ``[[kind:text]]`` (kinds as in ``chalkface.redaction.KINDS``), e.g.
``Diolch i [[name:Mrs Jones]] am ei help.`` A possessive ending stays outside the span
(``[[name:Jones]]'s``), and a title is part of the name (``[[name:Mrs Jones]]``).

:func:`load_cases` gives each case as plain text with its expected spans, for any test that wants
realistic identifying text: plant ``case.text`` in a comment, then check that none of
``case.secrets()`` appears where it should not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CASES = Path(__file__).with_name("cases.jsonl")
ORDINARY_TEXT = Path(__file__).with_name("ordinary_text.txt")
_MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


@dataclass(frozen=True)
class Expected:
    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class Case:
    id: str
    lang: str  # "en" or "cy"
    text: str
    spans: tuple[Expected, ...]

    def secrets(self, kind: str | None = None) -> list[str]:
        """The identifying strings of this case (of one kind, if given)."""
        return [s.text for s in self.spans if kind is None or s.kind == kind]


def parse(marked: str) -> tuple[str, tuple[Expected, ...]]:
    """Plain text and its spans from ``[[kind:text]]`` markup."""
    out: list[str] = []
    spans: list[Expected] = []
    last = 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[last : match.start()]
        out.append(before)
        length += len(before)
        kind, inner = match.group(1), match.group(2)
        spans.append(Expected(length, length + len(inner), kind, inner))
        out.append(inner)
        length += len(inner)
        last = match.end()
    out.append(marked[last:])
    return "".join(out), tuple(spans)


@lru_cache(maxsize=1)
def load_cases() -> tuple[Case, ...]:
    """Every case of the test set, in file order."""
    cases = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            text, spans = parse(row["marked"])
            cases.append(Case(row["id"], row["lang"], text, spans))
    return tuple(cases)


def ordinary_lines() -> list[str]:
    """A page of ordinary school text about AI tools with no personal names in it."""
    return [line for line in ORDINARY_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
