"""The existing statements most like a new one, so a participant can vote on one instead of repeating it.

With the offline sentence-embedding model (:mod:`chalkface.evidence.embeddings`): cosine similarity of the
embeddings. Only when the model's files are absent: the Jaccard similarity of the statements' word sets
(lower-cased words of three letters or more), which finds near-copies but not rewordings.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from chalkface.evidence.embeddings import EmbeddingModelError, embed_texts

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@dataclass(frozen=True)
class Similar:
    index: int
    score: float


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def lexical_similarity(new: str, existing: Sequence[str]) -> list[float]:
    mine = _words(new)
    out = []
    for text in existing:
        theirs = _words(text)
        union = mine | theirs
        out.append(len(mine & theirs) / len(union) if union else 0.0)
    return out


#: Embeddings of statements already seen, by text: a conversation's statements are embedded once, not on
#: every "add your own statement" (each embedding costs a few milliseconds of CPU; 500 statements, seconds).
_SEEN: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
MAX_SEEN = 20_000  # about 30 MB


def embed_statements(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Embeddings of ``texts``, computing only those not seen before (least recently used dropped first)."""
    missing = list(dict.fromkeys(t for t in texts if t not in _SEEN))
    if missing:
        for text, vector in zip(missing, embed_texts(missing), strict=True):
            _SEEN[text] = vector
    for text in texts:
        _SEEN.move_to_end(text)
    out = np.vstack([_SEEN[t] for t in texts])
    while len(_SEEN) > MAX_SEEN:
        _SEEN.popitem(last=False)
    return out


def most_similar(
    new: str, existing: Sequence[str], *, limit: int = 3, threshold: float | None = None
) -> tuple[list[Similar], str]:
    """Up to ``limit`` indexes into ``existing`` most similar to ``new``, best first (ties by index), at
    or above ``threshold`` (0.5 for embeddings, 0.3 for the word fallback), and which method was used:
    ``"embeddings"`` or ``"words"``."""
    if not existing or not new.strip():
        return [], "embeddings"
    try:
        vectors = embed_statements([new, *existing])
        scores = [float(x) for x in np.asarray(vectors[1:] @ vectors[0], dtype=np.float64)]
        method, floor = "embeddings", 0.5
    except EmbeddingModelError:
        scores = lexical_similarity(new, existing)
        method, floor = "words", 0.3
    floor = floor if threshold is None else threshold
    order = sorted(range(len(existing)), key=lambda i: (-scores[i], i))
    return [Similar(i, round(scores[i], 3)) for i in order[:limit] if scores[i] >= floor], method
