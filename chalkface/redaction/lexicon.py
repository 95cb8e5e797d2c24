"""The word lists behind name finding, and what each word is (its flags).

The lists live in ``data/`` (see its README for sources and licences). Names are looked up without
accents or apostrophes ("Siân" as "sian", "O'Brien" as "obrien"), so that the US Census spellings
match; the never-name and dictionary lists are looked up with their accents ("tîm" is Welsh for team,
"Tim" is a name).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# What a word can be. A word may be several at once (Will is a first name and a common word).
FIRST = 1 << 0  # a first name
SURNAME = 1 << 1  # a surname
COMMON = 1 << 2  # a name that is also an everyday word (Will, Grace, Young, Price)
ENGLISH = 1 << 3  # in the English dictionary
STOP = 1 << 4  # never a name on its own: months, school words, tools, Welsh and function words
PLACE = 1 << 5  # a place, nationality or language: never a name alone, but may follow a first name
WEAK = 1 << 6  # a name only with more evidence than a capital letter (Summer term)
FUNCTION = 1 << 7  # an English function word (and, the, said is not one)
PARTICLE = 1 << 8  # a name particle: ap, ab, ferch, van, de, bin, Ní
TITLE = 1 << 9  # Mr, Mrs, Ms, Mx, Dr, Prof: in any case, before any name
TITLE_CAP = 1 << 10  # Miss, Sir, Dame, Rev: with a capital, before a capitalised word
TITLE_WEAK = 1 << 11  # Father, Sister, Canon, Lord: with a capital, before a known name
SPEECH = 1 << 12  # a verb that follows a name: said, told, asked
TRIGGER = 1 << 13  # a word that comes before a name: told, asked, Dear, Diolch, gyda
CONNECT = 1 << 14  # joins the names of a list: and, or, &, a, ac
MUTATE = 1 << 15  # a Welsh word after which a name may mutate (i Fethan, gan Ddafydd)
SAINT = 1 << 16  # St, Saint, Sant: the name after it is a saint's, a church's or a school's
PATRONYMIC = 1 << 17  # ap, ab, ferch, verch: a name on its own with the name after it
CONTRACTION = 1 << 18  # don't, can't: never a name
ALLOWED = 1 << 19  # a word of a name the caller allows (an AI tool's): never a name, even after a title


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = {"mr", "mrs", "ms", "mx", "dr", "prof", "mstr"}
_TITLES_CAP = {"miss", "sir", "dame", "rev", "revd", "fr", "syr", "parch", "parchedig", "madam", "master"}
_TITLES_WEAK = _set(
    """
    father sister brother canon lord lady professor doctor aunty auntie uncle imam rabbi pastor bishop
    coach nurse
    """
)
_PARTICLES = _set(
    """
    ap ab ferch verch van von de da di du del della der den la le bin binti bint ibn al el ní nic ó ua
    uí mac mc
    """
)
_PATRONYMICS = {"ap", "ab", "ferch", "verch"}
_SPEECH = _set(
    """
    said says told tells asked asks replied explained emailed e-mailed messaged texted wrote writes
    thinks thought reckons reckoned mentioned suggested agreed complained insisted admitted added noted
    confirmed warned argued claimed wants wanted believes feels reported noticed laughed shouted meddai
    """
)
_TRIGGERS = _set(
    """
    told asked thanked emailed e-mailed messaged texted rang phoned met said dear hi hello hiya hey
    thanks cheers cc annwyl helo shwmae diolch wrth dywedodd gofynnodd holodd ysgrifennodd siaradodd
    anfonodd galwodd gwelais meddai mae roedd bydd
    """
)
_CONNECTORS = {"and", "or", "&", "a", "ac", "neu", "nor"}
_MUTATORS = _set(
    """
    i gan â ag a o at ar am dan heb drwy trwy wrth gyda efo hefo ei fy na neu
    """
)
_SAINTS = {"st", "saint", "sant", "santes", "ss"}
# Welsh clitics and English contractions after an apostrophe: Mae'r, hi'n, don't, we'll.
CLITICS = frozenset({"s", "r", "n", "u", "i", "w", "m", "ch", "th", "re", "ve", "ll", "d"})
_APOSTROPHES = "'’‘ʼ"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})


def plain_key(word: str) -> str:
    """A word as the dictionary and never-name lists hold it: lower case, accents kept."""
    return unicodedata.normalize("NFC", word.translate(_INVISIBLE)).casefold().replace("’", "'")


def name_key(word: str) -> str:
    """A word as the name lists are looked up: lower case, without accents or apostrophes."""
    word = plain_key(word).translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _APOSTROPHES)


def _read(filename: str) -> list[str]:
    text = resources.files("chalkface.redaction").joinpath("data", filename).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _words(filename: str) -> list[str]:
    return [word for line in _read(filename) for word in line.split()]


def _sections(filename: str) -> dict[str, set[str]]:
    sections: dict[str, set[str]] = {}
    current = sections.setdefault("", set())
    for line in _read(filename):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], set())
        else:
            current.update(plain_key(w) for w in stripped.split())
    return sections


@dataclass(frozen=True)
class Lexicon:
    """The loaded lists, as sets of keys."""

    first: frozenset[str]
    surnames: frozenset[str]
    common: frozenset[str]
    english: frozenset[str]
    stop: frozenset[str]
    places: frozenset[str]
    weak: frozenset[str]
    function: frozenset[str]
    first_names: frozenset[str]  # as written in the lists (lower case, with accents)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    first_written = {plain_key(w) for w in _words("first_names.txt")}
    sections = _sections("not_names.txt")
    places = sections.pop("places", set())
    weak = sections.pop("weak", set())
    function = sections.get("function", set())
    stop = set().union(*sections.values())
    return Lexicon(
        first=frozenset(name_key(w) for w in first_written),
        surnames=frozenset(name_key(w) for w in _words("surnames.txt")),
        common=frozenset(name_key(w) for w in _words("common_words.txt")),
        english=frozenset(plain_key(w) for w in _words("english_words.txt")),
        stop=frozenset(stop),
        places=frozenset(places),
        weak=frozenset(weak),
        function=frozenset(function),
        first_names=frozenset(first_written),
    )


def split_clitic(token: str) -> tuple[str, bool]:
    """The word without a possessive or clitic ending, and whether it was a contraction (don't).

    ``Jones's`` → ``Jones``; ``Mae'r`` → ``Mae``; ``O'Brien's`` → ``O'Brien``; ``D'Souza`` is kept.
    """
    for index in range(len(token) - 1, 0, -1):
        if token[index] in _APOSTROPHES:
            tail = token[index + 1 :].casefold()
            if tail == "t":
                return token[:index], True
            if tail in CLITICS and not (index == 1 and token[2:3].isupper()):
                return token[:index], False
            break
    return token, False


def _lexical(word: str, lex: Lexicon, allowed: frozenset[str]) -> int:
    """Flags from the lists, for one word without hyphens."""
    plain = plain_key(word)
    key = name_key(word)
    if plain in allowed or key in allowed:
        return STOP | ALLOWED
    flags = 0
    if key in lex.first:
        flags |= FIRST
    if key in lex.surnames:
        flags |= SURNAME
    if key in lex.common:
        flags |= COMMON
    if plain in lex.english:
        flags |= ENGLISH
    if plain in lex.stop:
        flags |= STOP
    if plain in lex.places:
        flags |= PLACE
    if plain in lex.weak:
        flags |= WEAK
    if plain in lex.function:
        flags |= FUNCTION
    return flags


def _grammar(plain: str) -> int:
    flags = 0
    for words, flag in (
        (_TITLES, TITLE),
        (_TITLES_CAP, TITLE_CAP),
        (_TITLES_WEAK, TITLE_WEAK),
        (_PARTICLES, PARTICLE),
        (_PATRONYMICS, PATRONYMIC),
        (_SPEECH, SPEECH),
        (_TRIGGERS, TRIGGER),
        (_CONNECTORS, CONNECT),
        (_MUTATORS, MUTATE),
        (_SAINTS, SAINT),
    ):
        if plain in words:
            flags |= flag
    return flags


NAME = FIRST | SURNAME


@lru_cache(maxsize=65536)
def classify(word: str, allowed: frozenset[str] = frozenset()) -> int:
    """Every flag of ``word`` (already without its possessive ending)."""
    lex = lexicon()
    plain = plain_key(word)
    flags = _lexical(word, lex, allowed) | _grammar(plain)
    if not flags & (NAME | ENGLISH | STOP | PLACE):
        # Plurals of everyday words (Carers) and never-names (Tuesdays), and Welsh mutations of
        # never-names (Gymraeg, ym Mlwyddyn, yng Nghaerdydd), are what they come from.
        for form in [plain[:-1]] * plain.endswith("s") + unmutated(plain):
            if form in lex.stop:
                flags |= STOP
            elif form in lex.places:
                flags |= PLACE
        if plain.endswith("s") and plain[:-1] in lex.english:
            flags |= ENGLISH
    if "-" in word and not flags & (NAME | STOP | PLACE):
        parts = [_lexical(part, lex, allowed) for part in word.split("-") if part]
        # A double-barrelled name is a name if one of its parts is one in its own right
        # (Smith-Jones, Lloyd-Davies); Long-Term is not, and Mary-Jane is a first name.
        strong = [p for p in parts if p & NAME and not p & (COMMON | STOP | PLACE)]
        if strong:
            flags |= FIRST if all(p & FIRST for p in strong) else SURNAME
        elif parts and all(p & NAME for p in parts):
            flags |= (FIRST if all(p & FIRST for p in parts) else SURNAME) | COMMON
        elif any(p & (ENGLISH | STOP | PLACE) for p in parts):
            flags |= ENGLISH
    return flags


def name_shape(word: str) -> bool:
    """Spelt like a surname whatever the lists say: O'Brien, D'Souza, McAllister, MacLeod."""
    if len(word) > 3 and word[0] in "ODL" and word[1] in _APOSTROPHES and word[2].isupper():
        return True
    for prefix in ("Mc", "Mac"):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 2 and rest[0].isupper() and rest[1:].islower():
            return True
    return False


# Welsh mutations: the first letters a name may take after a mutating word, and what they were.
_MUTATIONS = (
    ("ngh", ("c",)),
    ("mh", ("p",)),
    ("nh", ("t",)),
    ("ng", ("g",)),
    ("ch", ("c",)),
    ("ph", ("p",)),
    ("th", ("t",)),
    ("dd", ("d",)),
    ("f", ("b", "m")),
    ("g", ("c",)),
    ("b", ("p",)),
    ("d", ("t",)),
    ("l", ("ll",)),
    ("r", ("rh",)),
    ("m", ("b",)),
    ("n", ("d",)),
)


def unmutated(word: str) -> list[str]:
    """The forms ``word`` may have had before a Welsh mutation: Fethan → Bethan, Ddafydd → Dafydd."""
    lower = word.casefold()
    forms: list[str] = []
    for mutated, originals in _MUTATIONS:
        if lower.startswith(mutated):
            forms += [original + lower[len(mutated) :] for original in originals]
            break
    if lower[:1] in "aeiouwyâêîôûŵŷ":
        forms.append("g" + lower)  # soft mutation drops a G: Areth → Gareth
    return forms


def mutated_name(word: str) -> bool:
    """``word`` is a mutated form of a first name or surname that is not an everyday word."""
    lex = lexicon()
    for form in unmutated(word):
        key = name_key(form)
        if (key in lex.first or key in lex.surnames) and key not in lex.common:
            return True
    return False
