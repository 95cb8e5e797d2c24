"""A page of ordinary school text about AI tools, with no personal names, comes through untouched."""

from __future__ import annotations

from chalkface.redaction import find, protect
from tests.redaction.corpus import ordinary_lines

# What a campaign passes: the AI tools it asks about are never names.
TOOLS = ["ChatGPT", "Gemini", "Claude", "Copilot"]


def test_the_page_is_long_and_mixes_english_and_welsh() -> None:
    lines = ordinary_lines()
    assert len(lines) >= 60
    assert sum(line.startswith(("Mae", "Roedd", "Dywedodd", "Bydd", "Ysgrifennodd")) for line in lines) >= 5


def test_nothing_on_the_page_is_flagged() -> None:
    flagged = {line: [(s.kind, s.text) for s in find(line, allow=TOOLS)] for line in ordinary_lines()}
    assert {line: spans for line, spans in flagged.items() if spans} == {}


def test_the_page_reads_the_same_after_protection() -> None:
    page = "\n".join(ordinary_lines())
    assert protect(page, allow=TOOLS) == page
    assert protect(page, workplace_names=["Oakfield Primary School"], allow=TOOLS) == page


def test_without_the_tool_names_only_claude_is_taken_for_a_person() -> None:
    """Claude is also a first name: only the campaign's list of tools says it is the tool here."""
    flagged = [s.text for line in ordinary_lines() for s in find(line)]
    assert flagged == ["Claude"]
