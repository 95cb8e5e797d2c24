"""The baseline for bench/redaction.py: the first-name comment protection Chalkface used before
:mod:`chalkface.redaction` (kept only to measure against; nothing in the product uses it).

Finding what could identify a person in free text, before it is stored.

:func:`find` returns the spans that look like names, email addresses, phone numbers, UK postcodes, web
addresses, the workplace's own name, or pupil-identifier-like numbers. The respondent sees them
highlighted and either edits the text or accepts :func:`redact`, which replaces each span with a marker
such as ``[name]``. Only text that has been through this is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

KINDS: dict[str, str] = {
    "email": "[email]",
    "url": "[link]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "number": "[number]",
    "workplace": "[workplace]",
    "name": "[name]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|edu|gov|info|me|ly|app|co|cymru|wales)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
# Unique pupil numbers (a letter and 12 digits), unique learner numbers (10 digits), admission and
# candidate numbers: any run of six or more digits, with an optional leading letter.
_NUMBER = re.compile(r"\b[A-Z]?\d{6,}\b", re.IGNORECASE)
_TITLE_NAME = re.compile(
    r"(?:\b(?i:mr|mrs|ms|mx|dr|prof)\.?\s+[A-Za-z]|\b(?i:miss|sir)\s+[A-Z])(?:[A-Za-z-]|['’](?!s\b))+"
)
_WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also everyday words: flagged only when capitalised in the middle of a sentence.
COMMON_WORDS = _words(
    """
    will may mark bill art grace hope joy faith rose summer autumn holly ivy daisy dawn eve sunny
    rich frank guy jack pat sue don ray van page love king major chase chance price young long lane
    sterling christian precious miracle amber angel bell belle brook bud buddy bunny candy carol
    charity cherry clay cliff crystal dale destiny diamond dolly dot dusty easter forest gay ginger
    glen harmony hazel heath heather honey iris jewel junior liberty lily marvel melody mercy merry
    misty noble olive patience pearl penny precious prudence royal ruby rusty sage sandy sonny star
    tiny trinity violet wade willow miles son sun kit man pa ma sol rob
    """
)
# Never names here: months, weekdays, and function words that the census list happens to contain.
NEVER_NAMES = _words(
    """
    january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday ai an in so see else my ok le lo no the ha na
    ta pa mi
    """
)
# Words that are part of many workplace names and identify nobody on their own.
_GENERIC_PLACE_WORDS = _words(
    """
    school schools primary secondary academy academies college high junior infant infants nursery
    community church england c of e ce rc catholic the and st saint saints mary's trust federation
    upper lower middle grammar free special studio university centre center foundation voluntary
    aided controlled county borough council ysgol gynradd uwchradd ward learning partnership multi
    mat
    """
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    text: str

    @property
    def marker(self) -> str:
        return KINDS[self.kind]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-case first names from the ``names`` package and the UK supplement shipped here."""
    found: set[str] = set()
    package = resources.files("names")
    for filename in ("dist.male.first", "dist.female.first"):
        for line in package.joinpath(filename).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.add(line.split()[0].lower())
    root = Path(__file__).resolve().parent.parent
    supplement = root / "chalkface" / "redaction" / "data" / "first_names_uk.txt"
    for line in supplement.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            found.add(line)
    return frozenset(n for n in found if len(n) >= 3 and n not in NEVER_NAMES)


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


def find(
    text: str, *, workplace_names: list[str] | None = None, allow: list[str] | None = None
) -> list[Span]:
    """Every span of ``text`` that could identify someone, in order, without overlaps.

    ``workplace_names``: the workplace's own name (and its trust's) to catch. ``allow``: words never to
    flag as names (the names of AI tools, such as Claude).
    """
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        spans.append(Span(start, end, kind, text[start:end]))

    for kind, pattern in (
        ("email", _EMAIL),
        ("url", _URL),
        ("phone", _PHONE),
        ("postcode", _POSTCODE),
        ("number", _NUMBER),
    ):
        for match in pattern.finditer(text):
            add(match.start(), _trim(text, match.start(), match.end()), kind)

    lowered = text.lower()
    for term in place_terms(workplace_names or []):
        for match in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", lowered):
            add(match.start(), match.end(), "workplace")

    for match in _TITLE_NAME.finditer(text):
        add(match.start(), match.end(), "name")

    allowed = {a.lower() for a in (allow or [])}
    names = first_names()
    words = list(_WORD.finditer(text))
    index = 0
    while index < len(words):
        word = words[index]
        token = _bare(word.group())
        lower = token.lower()
        if (
            lower in names
            and lower not in allowed
            and token[:1].isupper()
            and not token.isupper()
            and not (lower in COMMON_WORDS and _sentence_start(text, word.start()))
        ):
            end = word.start() + len(token)
            # A capitalised word straight after a first name is taken as the surname.
            following = words[index + 1] if index + 1 < len(words) else None
            if (
                following is not None
                and text[end : following.start()].strip() == ""
                and following.group()[:1].isupper()
                and following.group().lower() not in allowed
            ):
                end = following.start() + len(_bare(following.group()))
                index += 1
            add(word.start(), end, "name")
        index += 1

    return sorted(spans, key=lambda s: s.start)


def redact(text: str, spans: list[Span]) -> str:
    """``text`` with each span replaced by its marker, e.g. ``[name]``."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[last : span.start])
        out.append(span.marker)
        last = span.end
    out.append(text[last:])
    return "".join(out)


def protect(text: str, *, workplace_names: list[str] | None = None, allow: list[str] | None = None) -> str:
    """Find and redact in one step (for imports, where nobody can be asked)."""
    return redact(text, find(text, workplace_names=workplace_names, allow=allow))


def segments(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """``text`` cut into (piece, kind) pairs for highlighting; kind is "" for plain text."""
    out: list[tuple[str, str]] = []
    last = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > last:
            out.append((text[last : span.start], ""))
        out.append((text[span.start : span.end], span.kind))
        last = span.end
    if last < len(text):
        out.append((text[last:], ""))
    return out


def _bare(word: str) -> str:
    """A word without a possessive ending: Smith's → Smith."""
    return word.rstrip("'’").removesuffix("'s").removesuffix("’s")


def _trim(text: str, start: int, end: int) -> int:
    """Leave trailing punctuation out of a match (a URL or email at the end of a sentence)."""
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position]
    return before.strip() == "" or bool(_SENTENCE_END.search(before))
