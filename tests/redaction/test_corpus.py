"""The redactor against the test set of English and Welsh sentences (tests/redaction/cases.jsonl)."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from chalkface.redaction import Span, find, redact
from tests.redaction.corpus import Case, load_cases
from tests.redaction.metrics import Score, score_names, score_spans

# What a campaign passes: its workplace (and trust) and the AI tools it asks about.
WORKPLACES = ["Oakfield Primary School", "Northway Trust"]
TOOLS = ["ChatGPT", "Gemini", "Claude", "Copilot", "LessonSpark"]
_INNER = re.compile(r"[\w\u0300-\u036f]")


def found(case: Case) -> list[Span]:
    return find(case.text, workplace_names=WORKPLACES, allow=TOOLS)


@lru_cache(maxsize=1)
def scores() -> dict[str, Score]:
    out = {kind: Score() for kind in ("name", "email", "phone", "postcode")}
    for case in load_cases():
        spans = found(case)
        score_names(case, spans, out["name"])
        for kind in ("email", "phone", "postcode"):
            score_spans(case, spans, kind, out[kind])
    return out


def test_it_has_a_large_test_set_in_english_and_welsh() -> None:
    cases = load_cases()
    assert len(cases) >= 300
    assert sum(c.lang == "cy" for c in cases) >= 100
    kinds = {s.kind for c in cases for s in c.spans}
    assert {"name", "email", "phone", "postcode"} <= kinds
    assert sum(not c.spans for c in cases) >= 50  # sentences with nothing to find, to keep precision honest


@pytest.mark.parametrize(
    ("kind", "recall"), [("name", 0.97), ("email", 0.99), ("phone", 0.99), ("postcode", 0.99)]
)
def test_it_finds_what_identifies_people(kind: str, recall: float) -> None:
    score = scores()[kind]
    assert score.recall >= recall, f"{kind} recall {score.recall:.3f}; missed:\n" + "\n".join(score.misses)


@pytest.mark.parametrize("kind", ["name", "email", "phone", "postcode"])
def test_it_flags_little_that_identifies_nobody(kind: str) -> None:
    score = scores()[kind]
    assert score.precision >= 0.9, f"{kind} precision {score.precision:.3f}; wrong:\n" + "\n".join(
        score.wrong
    )


def test_it_redacts_whole_words_only() -> None:
    for case in load_cases():
        for span in found(case):
            for edge in (span.start, span.end):
                inside = 0 < edge < len(case.text)
                assert not (inside and _INNER.match(case.text[edge - 1]) and _INNER.match(case.text[edge])), (
                    f"{case.id}: {span.text!r} cuts a word in {case.text!r}"
                )


def test_it_gives_one_marker_for_each_full_name() -> None:
    """A name found whole is one span: "[name]", never "[name] [name]"."""
    split = []
    for case in load_cases():
        spans = [s for s in found(case) if s.kind == "name"]
        for expected in case.spans:
            if expected.kind != "name":
                continue
            inside = [s for s in spans if s.start < expected.end and expected.start < s.end]
            if len(inside) > 1:
                split.append(f"{case.id}: {expected.text!r} as {[s.text for s in inside]}")
    assert split == []


def test_the_redacted_text_keeps_no_expected_name_whole() -> None:
    leaks = []
    for case in load_cases():
        redacted = redact(case.text, found(case))
        for secret in case.secrets():
            if re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", redacted):
                leaks.append(f"{case.id}: {secret!r}")
    # A few hard cases are known misses (see the recall test); the leak of any whole span is counted.
    assert len(leaks) <= 0.02 * sum(len(c.spans) for c in load_cases()), leaks
