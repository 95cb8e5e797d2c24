"""Names the lists were not built from, in ordinary positions: do the positional rules generalise?

``heldout_names.jsonl`` holds 12 first name and surname pairs from each of 18 Faker locales that the
name lists do not use (Spanish, French, German, Dutch, Swedish, Czech, Hungarian, Finnish, Danish,
Croatian, Slovak, Slovene, Estonian, Latvian, Filipino, Indonesian, Vietnamese, US English), made once
with ``Faker(locale).seed_instance(1)`` (Faker 40.54.0, MIT licence). About half of them are in none of
the lists. Scored word by word, as the test set is.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from chalkface.redaction import find

NAMES = Path(__file__).with_name("heldout_names.jsonl")
TEMPLATES = [
    "{first} {last} said the reports were wrong.",
    "I asked {first} about the marking.",
    "The tool flagged {first} {last} as absent.",
    "Mrs {last} wants the data deleted.",
    "We met {first} {last} at parents' evening.",
    "Our TA, {first}, uses it daily.",
    "{last} said nothing at the meeting.",
    "Diolch i {first} am ei help.",
    "It gave {first}'s essay a low mark.",
    "Ask {first} {last} in the office.",
]


def test_it_finds_names_that_are_in_no_list_from_where_they_stand() -> None:
    rows = [json.loads(line) for line in NAMES.read_text(encoding="utf-8").splitlines() if line]
    chooser = random.Random(3)
    expected = caught = 0
    misses = []
    for row in rows:
        template = chooser.choice(TEMPLATES)
        text = template.format(**row)
        spans = [(s.start, s.end) for s in find(text) if s.kind == "name"]
        for part in ("first", "last"):
            if "{" + part + "}" not in template:
                continue
            start = text.index(row[part])
            expected += 1
            if any(a <= start and start + len(row[part]) <= b for a, b in spans):
                caught += 1
            else:
                misses.append(text)
    assert expected > 250
    assert caught / expected >= 0.95, misses
