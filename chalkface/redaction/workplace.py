"""Catching the workplace's own name, and the short forms people write of it."""

from __future__ import annotations

import re
from functools import lru_cache


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GENERIC_PLACE_WORDS = _set(
    """
    school schools primary secondary academy academies college high junior infant infants nursery
    community church england c of e ce rc catholic the and st saint saints mary's trust federation
    upper lower middle grammar free special studio university centre center foundation voluntary
    aided controlled county borough council ysgol gynradd uwchradd ward learning partnership multi
    mat
    """
)


def place_terms(names: list[str]) -> list[str]:
    """What to look for to catch a workplace's name: the whole name and its distinctive words."""
    terms: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        terms.add(name.lower())
        words = [w for w in re.split(r"[\s,()]+", name.lower()) if w]
        distinctive = [w for w in words if w not in _GENERIC_PLACE_WORDS and len(w) >= 4]
        terms.update(distinctive)
        if len(distinctive) > 1:
            terms.add(" ".join(distinctive))
        # Shortened forms people write: "Oakfield Primary" for "Oakfield Primary School".
        for cut in range(1, len(words)):
            prefix = words[:cut]
            if any(w in distinctive for w in prefix):
                terms.add(" ".join(prefix))
    return sorted(terms, key=len, reverse=True)


@lru_cache(maxsize=256)
def workplace_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled pattern for all the terms of ``names`` (longest first), kept for the next call."""
    terms = place_terms(list(names))
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
