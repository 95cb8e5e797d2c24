"""Identifying text with a fixed shape: e-mail and web addresses, phone numbers, postcodes, pupil numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|edu|gov|info|me|ly|app|co|cymru|wales)\b"
    r"(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# UK numbers: 07700 900123, 029 2087 4000, (020) 7946 0958, +44 (0)29 2018 0123, +447700900111,
# 0044 7700 900123.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)"
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
# "KS3 2nd", "Y8 1st": an ordinal, not the inward half of a postcode.
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\Z")
# Unique pupil numbers (a letter and 12 digits), unique learner numbers (10 digits), admission and
# candidate numbers: any run of six or more digits, with an optional leading letter.
NUMBER = re.compile(r"\b[A-Z]?\d{6,}\b", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""

SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", EMAIL),
    ("url", URL),
    ("phone", PHONE),
    ("postcode", POSTCODE),
    ("number", NUMBER),
)


def find_shapes(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every e-mail, link, phone number, postcode and long number, by kind."""
    for kind, pattern in SHAPES:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if kind == "postcode" and _ORDINAL.search(match.group()):
                continue
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            yield start, end, kind
