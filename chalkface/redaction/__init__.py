"""Finding what could identify a person in free text, before it is stored.

:func:`find` returns the spans that look like personal names, e-mail addresses, phone numbers, UK
postcodes, web addresses, the workplace's own name, or pupil-identifier-like numbers. The respondent
sees them highlighted (:func:`segments`) and either edits the text or accepts :func:`redact`, which
replaces each span with a marker such as ``[name]``; :func:`protect` does both at once, for imports.

Pure Python, no Django: the name and word lists ship in ``data/`` (see its README).
"""

from __future__ import annotations

from chalkface.redaction.finder import find, protect
from chalkface.redaction.lexicon import lexicon as _lexicon
from chalkface.redaction.spans import KINDS, Span, redact, segments
from chalkface.redaction.workplace import place_terms

__all__ = ["KINDS", "Span", "find", "first_names", "place_terms", "protect", "redact", "segments", "surnames"]


def first_names() -> frozenset[str]:
    """Lower-case first names known to the redactor (with their accents, as the lists hold them)."""
    return _lexicon().first_names


def surnames() -> frozenset[str]:
    """Surname keys known to the redactor: lower case, without accents or apostrophes."""
    return _lexicon().surnames
