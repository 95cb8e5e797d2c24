"""How many sentences a second the redactor protects, against the comment protection it replaces.

    .venv/bin/python bench/redaction.py [--repeat 20]

It runs :func:`chalkface.redaction.protect` (with a workplace and tool names, as an import does) over
the redaction test set and the page of ordinary text in ``tests/redaction/``, ``--repeat`` times, after
one warm-up pass that loads the lists. The peer is the first-name redactor this package replaced
(``bench/baseline_redactor.py``, kept here only as the baseline) on the same sentences; the ratio
printed is the new sentences/second over the old (above 1 is faster).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_redactor import protect as old_protect  # noqa: E402

from chalkface.redaction import protect as new_protect  # noqa: E402
from tests.redaction.corpus import load_cases, ordinary_lines  # noqa: E402

WORKPLACES = ["Oakfield Primary School", "Northway Trust"]
TOOLS = ["ChatGPT", "Gemini", "Claude", "Copilot"]


def rate(protect: Callable[..., str], sentences: list[str], repeat: int) -> float:
    for sentence in sentences:
        protect(sentence, workplace_names=WORKPLACES, allow=TOOLS)
    started = time.perf_counter()
    for _ in range(repeat):
        for sentence in sentences:
            protect(sentence, workplace_names=WORKPLACES, allow=TOOLS)
    return repeat * len(sentences) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sentences = [case.text for case in load_cases()] + ordinary_lines()
    started = time.perf_counter()
    new_protect("Warm up.")
    loading = time.perf_counter() - started
    new = rate(new_protect, sentences, args.repeat)
    print(f"{len(sentences)} sentences x {args.repeat}; lists loaded in {loading:.2f} s")
    print(f"chalkface.redaction: {new:,.0f} sentences/s")
    if old_protect is not None:
        old = rate(old_protect, sentences, args.repeat)
        print(f"baseline first-name redactor (peer): {old:,.0f} sentences/s")
        print(f"ratio: {new / old:.2f}")


if __name__ == "__main__":
    main()
