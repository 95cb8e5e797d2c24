"""Notes and reasons as codes with parameters.

The evidence layer says why a figure is hidden, or why its interval deserves caution, with a :class:`Note`:
a string (the English sentence the command line and JSON show) that also carries a ``code`` and its
``params``. The web layer words each code for its readers, in their language, from the code and parameters
alone; it never reads the English back.

Codes, and their parameters:

- ``below_k`` (k): a group smaller than the threshold; ``below_k_version`` (k): one side of a comparison;
  ``below_k_incidents`` (k): too few incident reports, or none for one version;
- ``complementary`` (k): hidden so that a smaller group cannot be worked out; ``complementary_some``:
  the table note saying so;
- ``no_responses``: nothing to show;
- ``one_cluster`` (cluster): every answer from one workplace, so the interval treats them as independent;
  ``one_cluster_groups`` (cluster, groups): the same for some groups of a table;
- ``few_clusters`` (cluster, n): only n workplaces; ``few_clusters_groups`` (cluster, groups): some groups of
  a table rest on only 2 or 3;
- ``zero_clustered_se`` (cluster): no interval, because each group compared comes from its own workplaces;
- ``separated`` (direction): the answers are separated, so the odds ratio has no finite estimate;
  ``odds_ratio_failed``: the odds ratio could not be fitted;
- ``reference_hidden`` (reason): the reference group of a gap is not shown.
"""

from __future__ import annotations

from typing import Any


class Note(str):
    """A note that reads as English and carries ``code`` and ``params`` for other wordings."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, text: str, **params: Any) -> Note:
        note = super().__new__(cls, text)
        note.code = code
        note.params = params
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code: str, text: str, params: dict[str, Any]) -> Note:
    return Note(code, text, **params)


NO_RESPONSES = Note("no_responses", "no responses")


def code_of(note: str) -> str:
    """The code of a note, or "" for a plain string."""
    return getattr(note, "code", "")


def format_p(p: float | None, letter: str = "p") -> str:
    """``p=0.012``, ``p<0.001`` or ``p n/a``: the one way a p-value (or, with ``letter="q"``, a q-value) is
    written. With ``letter=""`` (a table's p column): ``0.012``, ``< 0.001`` or ``n/a``; never ``0.000``."""
    import math

    if p is None or not math.isfinite(p):
        return f"{letter} n/a" if letter else "n/a"
    if not letter:
        return "< 0.001" if p < 0.001 else f"{p:.3f}"
    return f"{letter}<0.001" if p < 0.001 else f"{letter}={p:.3f}"
