"""Similar statements: each statement is embedded once, and the answer is the same as embedding afresh."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chalkface.evidence.embeddings import embed_texts
from chalkface.evidence.opinions import similar

STATEMENTS = [
    "AI lesson planning saves me time every week.",
    "Marking with AI is not accurate enough to trust.",
    "Staff should be consulted before any new AI tool is bought.",
]


def test_a_statement_is_embedded_once_however_often_it_is_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    similar._SEEN.clear()
    embedded: list[str] = []

    def counting(texts: Any) -> Any:
        embedded.extend(texts)
        return embed_texts(texts)

    monkeypatch.setattr(similar, "embed_texts", counting)
    first, _ = similar.most_similar("Planning lessons with AI saves time.", STATEMENTS)
    second, _ = similar.most_similar("AI marking cannot be trusted.", STATEMENTS)
    assert embedded.count(STATEMENTS[0]) == 1
    assert len(embedded) == len(STATEMENTS) + 2
    assert first[0].index == 0 and second[0].index == 1


def test_cached_embeddings_are_the_embeddings() -> None:
    similar._SEEN.clear()
    cached = similar.embed_statements(STATEMENTS)
    again = similar.embed_statements(STATEMENTS[::-1])[::-1]
    assert np.allclose(cached, embed_texts(STATEMENTS), atol=1e-6)
    assert np.array_equal(cached, again)
