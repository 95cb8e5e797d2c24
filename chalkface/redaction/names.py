"""Finding personal names in free text, as whole tokens, each full name as one span.

A token is a run of letters (any script, with combining accents) joined by inner hyphens and
apostrophes, so "Siân", "Smith-Jones", "O'Brien" and "Jones's" are one token each and a name is
never cut inside a word. Tokens are labelled as names by these rules, in order:

1. a title (Mr, Mrs, Ms, Mx, Dr, Prof in any case; Miss, Sir, Dame, Rev capitalised; Father, Sister,
   Canon before a known name) and the name after it, even in lower case ("mrs jones");
2. a capitalised first name or surname that is not an everyday word, anywhere ("Siân", "Patel");
3. a capitalised first name that is an everyday word (Will, Grace) in the middle of a sentence, unless
   it is part of a capitalised phrase of ordinary words ("Rose Garden Nursery"); at the start of a
   sentence only before another name or a verb of speech ("Will said");
4. a surname that is an everyday word (Young, Price, Hill), a season (Summer), or a capitalised word in
   no list, only after a verb of speech or address ("told Young", "Dear Okonkwo", "Diolch i"), before a
   verb of speech ("Young said"), or as a possessive before a lower-case word ("Price's room");
5. a Welsh patronymic ("ap Gwilym", "ab Owen") and a mutated Welsh name after a mutating word
   ("i Fethan", "gan Ddafydd");
6. lower-case first name and surname together ("sarah jones"), or a lower-case first name after a
   verb of address ("told sarah");
7. names in a list with a name already found ("Ali, Ben and Chloe");
8. a name grows over the capitalised name-like words next to it ("Kwame Mensah", "Dafydd ap Gwilym").

Labelled tokens next to each other form one span, so a full name becomes one "[name]".
"""

from __future__ import annotations

import re
from functools import lru_cache

from chalkface.redaction.lexicon import (
    ALLOWED,
    COMMON,
    CONNECT,
    CONTRACTION,
    ENGLISH,
    FIRST,
    FUNCTION,
    MUTATE,
    NAME,
    PARTICLE,
    PATRONYMIC,
    PLACE,
    SAINT,
    SPEECH,
    STOP,
    SURNAME,
    TITLE,
    TITLE_CAP,
    TITLE_WEAK,
    TRIGGER,
    WEAK,
    classify,
    mutated_name,
    name_shape,
    plain_key,
    split_clitic,
)

_LETTER = r"[^\W\d_]"
_MARK = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200b-\u200d\u2060]"
_CHAR = f"(?:{_LETTER}|{_MARK})"
TOKEN = re.compile(f"{_LETTER}{_CHAR}*(?:[-'’‘ʼ]{_CHAR}+)*")
_PLAIN = re.compile("[ \t\u00a0\u202f]+")
_AFTER_DOT = re.compile("\\.[ \t\u00a0\u202f]*")
_AFTER_TITLE = re.compile("\\.?[ \t\u00a0\u202f]*(?:\r?\n[ \t\u00a0\u202f]*)?")
_BOUNDARY = re.compile("[.!?;:\n\r…•|]")
_LIST_GAP = re.compile("[ \t\u00a0]*[,&][ \t\u00a0]*")
_PARTS = re.compile("[-'’‘ʼ]")
_NUMBER_BEFORE = re.compile(r"\d[ \t]*\Z")
_POSSESSIVE_GAP = re.compile("(?:['’‘ʼ][sS]?)?[ \t\u00a0]+")
_SHAPE = 1 << 30  # spelt like a surname (O'Brien, McAllister), set per token

Span = tuple[int, int]
_Word = tuple[int, int, bool, bool, bool, bool, bool]


@lru_cache(maxsize=131072)
def _word(token: str, allowed: frozenset[str]) -> _Word:
    """What one token is, kept for the next time it is seen: (length without its possessive, flags,
    capitalised, all capitals, lower case, possessive, capitals only at the start of its parts)."""
    word, contraction = split_clitic(token)
    flags = classify(word, allowed)
    if contraction:
        flags = (flags & ~NAME) | CONTRACTION | ENGLISH
    if name_shape(word):
        flags |= _SHAPE
    first = word[0]
    upper = len(word) > 1 and word.isupper()
    cap = first.isupper() and (not upper or len(word) == 1)
    proper = all(part[1:] == part[1:].lower() for part in _PARTS.split(word) if part)
    possessive = len(word) < len(token) and token[-1:] in "sS"
    return len(word), flags, cap, upper, first.islower(), possessive, proper


class _Tokens:
    """The tokens of one text with what is known about each, and the labelling rules."""

    def __init__(self, text: str, taken: list[Span], allowed: frozenset[str]) -> None:
        self.text = text
        matches = list(TOKEN.finditer(text))
        self.n = n = len(matches)
        self.start = [m.start() for m in matches]
        self.raw_end = [m.end() for m in matches]
        self.end: list[int] = []
        self.flags: list[int] = []
        self.cap: list[bool] = []
        self.upper: list[bool] = []
        self.lower: list[bool] = []
        self.possessive: list[bool] = []
        self.proper: list[bool] = []  # capital letters only at the start of its parts: Leaton-Gray
        for m in matches:
            length, flags, cap, upper, lower, possessive, proper = _word(m.group(), allowed)
            self.end.append(m.start() + length)
            self.flags.append(flags)
            self.cap.append(cap)
            self.upper.append(upper)
            self.lower.append(lower)
            self.possessive.append(possessive)
            self.proper.append(proper)
        if taken:
            # Tokens inside what was already found (an e-mail, a workplace) are never names.
            spans = sorted(taken)
            k = 0
            for index in range(n):
                while k < len(spans) and spans[k][1] <= self.start[index]:
                    k += 1
                if k < len(spans) and spans[k][0] < self.end[index]:
                    self.flags[index] = STOP
        # plain[i]: token i follows token i-1 with only spaces between (or "Dr. ", "J. ").
        self.plain = [False] * n
        self.sentence_start = [True] * n
        self.listed = [False] * n  # token i follows token i-1 after a comma or ampersand
        for index in range(1, n):
            gap = text[self.end[index - 1] : self.start[index]]
            if gap == " ":
                self.plain[index] = True
                self.sentence_start[index] = False
                continue
            if self.flags[index - 1] & (TITLE | TITLE_CAP | TITLE_WEAK):
                # A title and its name: "Mrs. Jones", "Mrs.Jones", "Mrs" at the end of a line.
                dotted = _AFTER_TITLE.fullmatch(gap) is not None
            else:
                dotted = self._title_or_initial(index - 1) and _AFTER_DOT.fullmatch(gap) is not None
            self.plain[index] = (
                _PLAIN.fullmatch(gap) is not None
                or (dotted and gap != ".")
                or (dotted and bool(self.flags[index - 1] & (TITLE | TITLE_CAP | TITLE_WEAK)))
            )
            self.sentence_start[index] = not dotted and _BOUNDARY.search(gap) is not None
            self.listed[index] = _LIST_GAP.fullmatch(gap) is not None
        self.label = [False] * n
        self.saint = [False] * n
        self.joined = [False] * n  # token i is one name with token i-1 across a non-space gap (Mr & Mrs)

    def _title_or_initial(self, i: int) -> bool:
        return bool(self.flags[i] & (TITLE | TITLE_CAP | TITLE_WEAK)) or (
            self.end[i] - self.start[i] == 1 and self.text[self.start[i]].isupper()
        )

    # What a token is.

    def has(self, i: int, flag: int) -> bool:
        return 0 <= i < self.n and bool(self.flags[i] & flag)

    def unknown(self, i: int) -> bool:
        """A capitalised word in no list and not in the dictionary, spelt like a name (not EdTech, URLs)."""
        return (
            self.cap[i]
            and not self.flags[i] & (NAME | ENGLISH | STOP | PLACE | CONTRACTION)
            and self.end[i] - self.start[i] > 1
            and self.proper[i]
        )

    def strong(self, i: int) -> bool:
        """A capitalised name that is no everyday word: Siân, Patel, McAllister."""
        flags = self.flags[i]
        if flags & (STOP | PLACE | WEAK | CONTRACTION):
            return False
        return self.cap[i] and (bool(flags & _SHAPE) or bool(flags & NAME) and not flags & COMMON)

    def name_like(self, i: int, after_first: bool = False) -> bool:
        """Could continue a name next to one: a capitalised name, unknown word or initial."""
        if not 0 <= i < self.n or self.flags[i] & (STOP | CONTRACTION | SAINT) or self.saint[i]:
            return False
        if self.upper[i] and self.flags[i] & NAME and not self.flags[i] & COMMON:
            return True
        if not self.cap[i]:
            return False
        flags = self.flags[i]
        if flags & PLACE:
            return after_first and bool(flags & SURNAME)
        return bool(flags & (NAME | _SHAPE)) or self.unknown(i) or self.end[i] - self.start[i] == 1

    def speech_after(self, i: int) -> bool:
        j = i + 1
        return j < self.n and self.plain[j] and self.lower[j] and self.has(j, SPEECH)

    def trigger_before(self, i: int) -> bool:
        h = i - 1
        if h < 0 or not (self.plain[i] or self.listed[i]) or self.sentence_start[i] and not self.plain[i]:
            return False
        if self.flags[h] & TRIGGER:
            return True
        # "Diolch i Mrs Jones", "Diolch yn fawr i Huw"
        word = plain_key(self.text[self.start[h] : self.end[h]])
        if word == "i" and h > 0 and self.plain[h]:
            before = plain_key(self.text[self.start[h - 1] : self.end[h - 1]])
            return before in ("diolch", "fawr")
        return False

    def phrase_neighbour(self, i: int) -> bool:
        """A capitalised everyday word next to ``i``: "Rose Garden", "the Young Carers"."""
        after = (
            i + 1 < self.n and _PLAIN.fullmatch(self.text[self.raw_end[i] : self.start[i + 1]]) is not None
        )
        before = i > 0 and _POSSESSIVE_GAP.fullmatch(self.text[self.end[i - 1] : self.start[i]]) is not None
        for j, linked in ((i - 1, before), (i + 1, after)):
            if not linked or not 0 <= j < self.n or not self.cap[j]:
                continue
            if self.saint[j] or self.flags[j] & SAINT:
                return True  # "St David's Day"
            if self.sentence_start[j]:
                continue
            if self.flags[j] & (STOP | PLACE) or (self.flags[j] & ENGLISH and not self.flags[j] & NAME):
                return True
        return False

    # The rules, in order; each labels tokens.

    def titles(self) -> None:
        for i in range(self.n - 1):
            flags = self.flags[i]
            if not flags & (TITLE | TITLE_CAP | TITLE_WEAK) or not self.plain[i + 1]:
                continue
            word = self.text[self.start[i] : self.end[i]]
            if flags & (TITLE_CAP | TITLE_WEAK) and not word[0].isupper():
                continue
            if _NUMBER_BEFORE.search(self.text, max(0, self.start[i] - 8), self.start[i]):
                continue  # "a 200 ms delay"
            j = i + 1
            if word == "MS" and not self.upper[j]:
                continue  # MS Teams, MS Word
            lower_mode = False
            if self.flags[j] & PARTICLE and j + 1 < self.n and self.plain[j + 1]:
                accepted = self.cap[j + 1] or self.upper[j + 1] or bool(flags & TITLE)
                lower_mode = not (self.cap[j + 1] or self.upper[j + 1])
                if accepted:
                    self.label[j] = True
                    j += 1
            elif self.cap[j] or self.upper[j]:
                if flags & TITLE_WEAK:
                    accepted = self.name_like(j) and not self.flags[j] & PLACE
                else:
                    accepted = not self.flags[j] & (FUNCTION | TITLE | TITLE_CAP | CONTRACTION | ALLOWED)
            elif self.lower[j] and flags & TITLE:
                fj = self.flags[j]
                accepted = not fj & (FUNCTION | SPEECH | STOP | CONTRACTION | ALLOWED) and (
                    bool(fj & NAME) or not fj & ENGLISH
                )
                lower_mode = True
            else:
                accepted = False
            if not accepted:
                continue
            self.label[i] = self.label[j] = True
            k = j + 1
            while k < self.n and self.plain[k]:
                fk = self.flags[k]
                if lower_mode and self.lower[k]:
                    if not (fk & NAME and not fk & (ENGLISH | STOP)):
                        break
                elif fk & PARTICLE and k + 1 < self.n and self.plain[k + 1] and self.name_like(k + 1):
                    self.label[k] = True
                    k += 1
                elif not self.name_like(k, after_first=True):
                    break
                self.label[k] = True
                k += 1
        titles = TITLE | TITLE_CAP | TITLE_WEAK
        for i in range(self.n - 2, -1, -1):
            if not self.flags[i] & titles or self.label[i]:
                continue
            if self.label[i + 1] and self.flags[i + 1] & titles and self.plain[i + 1]:
                self.label[i] = True  # "Rev. Dr. Thomas Morgan"
            elif self.label[i + 1] and self.flags[i + 1] & titles and self.listed[i + 1]:
                self.label[i] = True  # "Mr & Mrs Shah"
                self.joined[i + 1] = True
            elif (
                i + 2 < self.n
                and self.flags[i + 1] & CONNECT
                and self.label[i + 2]
                and self.flags[i + 2] & titles
                and self.plain[i + 1]
                and self.plain[i + 2]
            ):
                self.label[i] = self.label[i + 1] = True  # "Mr and Mrs Nowak": one couple, one name

    def saints(self) -> None:
        """Tokens straight after St or Saint (St John's, St David's Day) are never names."""
        for i in range(1, self.n):
            if self.flags[i - 1] & SAINT and self.plain[i] and self.cap[i - 1]:
                self.saint[i] = True

    def cores(self) -> None:
        for i in range(self.n):
            if self.label[i] or self.saint[i]:
                continue
            flags = self.flags[i]
            if flags & (STOP | CONTRACTION) or (flags & SAINT and self.cap[i]):
                continue
            if self.strong(i):
                self.label[i] = True
            elif self.cap[i] and flags & FIRST and flags & COMMON and not flags & (WEAK | PLACE):
                if not self.sentence_start[i]:
                    self.label[i] = not self.phrase_neighbour(i)
                else:
                    following = i + 1 < self.n and self.plain[i + 1] and self.name_like(i + 1)
                    self.label[i] = following or self.speech_after(i) or self._possessive_name(i)
                if not self.label[i]:
                    self.label[i] = self.trigger_before(i)
            elif self.cap[i] and (flags & NAME or flags & WEAK or self.unknown(i)) and not flags & PLACE:
                self.label[i] = (
                    (self.unknown(i) and not self.sentence_start[i] and not self.phrase_neighbour(i))
                    or self.trigger_before(i)
                    or self.speech_after(i)
                    or (bool(flags & NAME) and self._possessive_name(i))
                    or (self.has(i - 1, MUTATE) and self.plain[i] and self.unknown(i) and self._mutated(i))
                )
            elif flags & PATRONYMIC and i + 1 < self.n and self.plain[i + 1] and self.name_like(i + 1):
                self.label[i] = self.label[i + 1] = True
            elif self.lower[i] and flags & FIRST and not flags & (COMMON | ENGLISH | PLACE):
                j = i + 1
                fj = self.flags[j] if j < self.n else 0
                if (
                    j < self.n
                    and self.plain[j]
                    and self.lower[j]
                    and fj & SURNAME
                    and not fj & (ENGLISH | STOP)
                ):
                    self.label[i] = self.label[j] = True
                elif self.trigger_before(i):
                    self.label[i] = True
            elif self.upper[i] and flags & FIRST and not flags & COMMON:
                j = i + 1
                if j < self.n and self.plain[j] and self.upper[j] and self.flags[j] & SURNAME:
                    self.label[i] = self.label[j] = True

    def _possessive_name(self, i: int) -> bool:
        """ "Price's room": a possessive followed by a lower-case word."""
        return self.possessive[i] and i + 1 < self.n and self.lower[i + 1]

    def _mutated(self, i: int) -> bool:
        return mutated_name(self.text[self.start[i] : self.end[i]])

    def lists(self) -> bool:
        """Names in a list with a name already found: "Ali, Ben and Chloe"."""
        changed = False
        for i in range(self.n):
            if self.label[i] or not self.cap[i] or self.flags[i] & (STOP | PLACE | CONTRACTION):
                continue
            if not (self.flags[i] & NAME or self.unknown(i)):
                continue
            joined = (
                (i > 0 and self.listed[i] and self.label[i - 1])
                or (i + 1 < self.n and self.listed[i + 1] and self.label[i + 1])
                or self._connected(i - 2, i)
                or self._connected(i, i + 2)
            )
            if joined:
                self.label[i] = changed = True
        return changed

    def _connected(self, a: int, b: int) -> bool:
        """Tokens a and b are joined by "and", "a", "&"... and one of them is a name."""
        if a < 0 or b >= self.n or not (self.label[a] or self.label[b]):
            return False
        middle = a + 1
        return (
            bool(self.flags[middle] & CONNECT)
            and self.lower[middle]
            and self.plain[b]
            and (self.plain[middle] or self.listed[middle])
        )

    def grow(self) -> bool:
        """Labelled names take in the name-like capitalised words next to them."""
        changed = False
        for i in range(self.n):
            if not self.label[i]:
                continue
            j = i + 1
            if j < self.n and not self.label[j] and self.plain[j]:
                first = bool(self.flags[i] & FIRST)
                if self.name_like(j, after_first=first):
                    self.label[j] = changed = True
                elif (
                    self.flags[j] & PARTICLE
                    and j + 1 < self.n
                    and self.plain[j + 1]
                    and self.name_like(j + 1)
                ):
                    self.label[j] = self.label[j + 1] = changed = True
            h = i - 1
            if h >= 0 and not self.label[h] and self.plain[i] and self.cap[h]:
                fh = self.flags[h]
                surname_here = bool(self.flags[i] & SURNAME) or self.unknown(i)
                if self.flags[i] & (TITLE | TITLE_CAP | TITLE_WEAK) or fh & (
                    STOP | PLACE | CONTRACTION | SAINT
                ):
                    continue
                if self.saint[h]:
                    continue
                if (
                    fh & (TRIGGER | SPEECH)
                    or (fh & ENGLISH and not fh & NAME)
                    or (fh & COMMON and not fh & FIRST)
                ):
                    continue
                if (
                    fh & NAME
                    or fh & _SHAPE
                    or (surname_here and self.unknown(h))
                    or self.end[h] - self.start[h] == 1
                ):
                    self.label[h] = changed = True
        return changed

    def spans(self) -> list[Span]:
        out: list[Span] = []
        i = 0
        while i < self.n:
            if not self.label[i]:
                i += 1
                continue
            j = i
            while j + 1 < self.n and self.label[j + 1] and (self.plain[j + 1] or self.joined[j + 1]):
                j += 1
            # A span never starts or ends with a title or particle alone ("Sir" said nothing).
            if i == j and self.flags[i] & (TITLE | TITLE_CAP | TITLE_WEAK | PARTICLE):
                i += 1
                continue
            out.append((self.start[i], self.end[j]))
            i = j + 1
        return out


def find_names(
    text: str, taken: list[Span] | None = None, allowed: frozenset[str] = frozenset()
) -> list[Span]:
    """The (start, end) of every name in ``text``, skipping what overlaps ``taken``.

    ``allowed``: words (lower case) never to take as names, such as the names of AI tools.
    """
    tokens = _Tokens(text, taken or [], allowed)
    tokens.saints()
    tokens.titles()
    tokens.cores()
    for _ in range(4):
        grew = tokens.grow()
        listed = tokens.lists()
        if not grew and not listed:
            break
    return tokens.spans()
