"""Scoring the redactor against the test set.

Names are scored token by token: a word of an expected name that no span covers is a word that leaks,
so recall counts words, and a name caught except for its surname scores as the partial leak it is;
precision counts the words flagged as names that belong to no expected span. E-mails, phones and
postcodes are scored span by span: one that is not covered whole still leaks (a phone number with its
last four digits left is still a phone number), so only full coverage counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from chalkface.redaction import Span
from tests.redaction.corpus import Case

# The scorer's own words, independent of the redactor's tokens: letters, digits and accents.
WORD = re.compile(r"[\w\u0300-\u036f]+")


@dataclass
class Score:
    expected: int = 0
    caught: int = 0
    flagged: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.flagged if self.flagged else 1.0


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Every character of [start, end) lies in some span (spans may meet end to end)."""
    position = start
    for s, e in sorted(spans):
        if s <= position < e:
            position = e
    return position >= end


def score_names(case: Case, found: list[Span], score: Score) -> None:
    expected = [(s.start, s.end) for s in case.spans if s.kind == "name"]
    everything = [(s.start, s.end) for s in case.spans]
    flagged = [(s.start, s.end) for s in found]
    flagged_names = [(s.start, s.end) for s in found if s.kind == "name"]
    for word in WORD.finditer(case.text):
        start, end = word.span()
        if _inside(start, end, expected):
            score.expected += 1
            if _inside(start, end, flagged):
                score.caught += 1
            else:
                score.misses.append(f"{case.id}: {word.group()!r} in {case.text!r}")
        if _inside(start, end, flagged_names):
            score.flagged += 1
            if _inside(start, end, everything):
                score.right += 1
            else:
                score.wrong.append(f"{case.id}: {word.group()!r} in {case.text!r}")


def score_spans(case: Case, found: list[Span], kind: str, score: Score) -> None:
    everything = [(s.start, s.end) for s in case.spans]
    flagged = [(s.start, s.end) for s in found]
    for span in case.spans:
        if span.kind == kind:
            score.expected += 1
            if _covered(span.start, span.end, flagged):
                score.caught += 1
            else:
                score.misses.append(f"{case.id}: {span.text!r}")
    for span in found:
        if span.kind == kind:
            score.flagged += 1
            if any(s < span.end and span.start < e for s, e in everything):
                score.right += 1
            else:
                score.wrong.append(f"{case.id}: {span.text!r} in {case.text!r}")
