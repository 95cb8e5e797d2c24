"""Result objects of theme discovery: themes with keywords and verbatim quotes, the coarser levels they nest
in, what was left over, and each theme's share by group.

Notes are machine codes with parameters (:class:`Note`); the presentation layer turns them into words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalkface.evidence._frames import jsonable
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.intervals import proportion_interval


def _r(value: float) -> float:
    return round(float(value), 6)


@dataclass(frozen=True)
class Note:
    """A machine-readable remark: a code and its parameters, e.g. ``Note("texts_left_over", (("n", 9),))``."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **{k: jsonable(v) for k, v in self.params}}


@dataclass(frozen=True)
class Quote:
    """One verbatim answer that stands for a theme: its 0-based row, its text after the caller's redaction,
    whether the redaction changed it, its cosine similarity to the theme's centre, and its group."""

    row: int
    text: str
    similarity: float
    redacted: bool = False
    group: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "text": self.text,
            "similarity": _r(self.similarity),
            "redacted": self.redacted,
            "group": jsonable(self.group),
        }


@dataclass(frozen=True)
class Theme:
    """A theme: its id (0 is the largest), label (its top keywords), keywords, number of texts, quotes, the
    id of the group it belongs to at each coarser level, and its count in each group of the group column."""

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    quotes: tuple[Quote, ...]
    parents: tuple[int, ...] = ()
    group_counts: tuple[tuple[Any, int], ...] = ()
    withheld: bool = False
    # quotable answers, best first (``quotes`` is the start of it), from which ``withhold`` picks again
    candidates: tuple[Quote, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "quotes": [q.to_dict() for q in self.quotes],
            "parents": list(self.parents),
            "group_counts": [[jsonable(g), c] for g, c in self.group_counts],
            "withheld": self.withheld,
        }


@dataclass(frozen=True)
class ThemeGroup:
    """A group of themes at a coarser level of the hierarchy: Ward's merge of their centres."""

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    themes: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "themes": list(self.themes),
        }


@dataclass(frozen=True)
class ThemeShare:
    """Share of a group's texts in one theme (``theme`` None: left over), with its Wilson interval."""

    theme: int | None
    group: Any
    count: int
    n: int
    share: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "group": jsonable(self.group),
            "count": self.count,
            "n": self.n,
            "share": _r(self.share),
            "lower": _r(self.lower),
            "upper": _r(self.upper),
        }


@dataclass(frozen=True)
class ThemeShares:
    """Each theme's share of the texts in each group, so that themes can be compared between groups (what
    staff say about version 2 against version 3). Counts are exact and not yet disclosure-controlled."""

    group: str
    groups: tuple[Any, ...]
    rows: tuple[ThemeShare, ...]
    alpha: float
    notes: tuple[Note, ...] = ()

    def for_theme(self, theme: int | None) -> tuple[ThemeShare, ...]:
        return tuple(r for r in self.rows if r.theme == theme)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "groups": [jsonable(g) for g in self.groups],
            "alpha": self.alpha,
            "rows": [r.to_dict() for r in self.rows],
            "notes": [n.to_dict() for n in self.notes],
        }

    def summary(self) -> str:
        lines = [f"Theme shares by {self.group} ({100 * (1 - self.alpha):.0f}% Wilson intervals)"]
        for r in self.rows:
            name = "other" if r.theme is None else f"theme {r.theme}"
            lines.append(
                f"  {name}, {self.group} = {jsonable(r.group)}: {r.count}/{r.n} = {100 * r.share:.1f}% "
                f"({100 * r.lower:.1f} to {100 * r.upper:.1f})"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class ThemeResult:
    """Themes found in free text.

    ``assignments`` holds, for each row of the input, its theme id or None (left over, or no text).
    ``levels`` are the coarser groupings, finest first; every theme's ``parents`` index into them, so the
    levels nest. ``selection`` is the stability of each number of themes tried, ``(k, adjusted Rand)``.
    ``group_sizes`` counts the texts of each group of the group column given to ``fit``.
    """

    themes: tuple[Theme, ...]
    assignments: tuple[int | None, ...]
    levels: tuple[tuple[ThemeGroup, ...], ...]
    n_texts: int
    n_other: int
    n_empty: int
    seed: int
    selection: tuple[tuple[int, float], ...]
    group: str | None = None
    group_sizes: tuple[tuple[Any, int], ...] = ()
    row_groups: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    empty_rows: frozenset[int] = field(default=frozenset(), repr=False, compare=False)
    n_quotes: int = 3
    notes: tuple[Note, ...] = ()

    @property
    def n_themes(self) -> int:
        return len(self.themes)

    @property
    def other_share(self) -> float:
        """Share of the texts (rows with text) that belong to no theme."""
        return self.n_other / self.n_texts if self.n_texts else 0.0

    def theme(self, theme_id: int) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise EvidenceError(f"there is no theme {theme_id}; the themes are 0 to {len(self.themes) - 1}")

    def shares(
        self, groups: Sequence[Any] | None = None, *, name: str | None = None, alpha: float = 0.05
    ) -> ThemeShares:
        """Each theme's share of each group's texts, with Wilson intervals and n.

        ``groups`` gives a group for each input row (e.g. the tool version of each answer); by default the
        group column given to ``fit``. Rows without text count in no group. The intervals treat answers as
        independent; answers from one workplace are alike, so they are too narrow when few workplaces answer.
        """
        if groups is None:
            if self.group is None:
                raise EvidenceError("give groups, or fit with a group column")
            values: Sequence[Any] = self.row_groups
            label = name or self.group
        else:
            if len(groups) != len(self.assignments):
                raise EvidenceError(
                    f"groups has {len(groups)} values but there are {len(self.assignments)} rows"
                )
            values, label = groups, name or "group"
        texts = [i for i in range(len(self.assignments)) if self._has_text(i)]
        levels = sorted({values[i] for i in texts if values[i] is not None}, key=_sort_key)
        ids: list[int | None] = [t.id for t in self.themes] + [None]
        pairs = Counter((values[i], self.assignments[i]) for i in texts)
        sizes = Counter(values[i] for i in texts)
        rows: list[ThemeShare] = []
        for g in levels:
            n = sizes[g]
            for theme_id in ids:
                count = pairs[(g, theme_id)]
                lo, hi = proportion_interval(count, n, alpha=alpha)
                rows.append(ThemeShare(theme_id, g, count, n, count / n, lo, hi))
        notes = (Note("not_disclosure_controlled"), Note("intervals_assume_independent_answers"))
        return ThemeShares(label, tuple(levels), tuple(rows), alpha, notes)

    def _has_text(self, row: int) -> bool:
        return row not in self.empty_rows

    def withhold(self, k: int) -> ThemeResult:
        """A copy safe to show to people who must not single anyone out: themes with fewer than ``k``
        texts are marked withheld (label, keywords, group counts and quotes removed), and no quote comes from
        a group with fewer than ``k`` texts in its theme (the next best quotable answers stand in)."""
        if k < 1:
            raise EvidenceError(f"k must be at least 1, got {k}")
        themes = []
        for t in self.themes:
            if t.size < k:
                themes.append(replace(t, label="", keywords=(), quotes=(), group_counts=(), withheld=True))
                continue
            counts = dict(t.group_counts)
            pool = t.candidates or t.quotes
            if self.group is not None:
                pool = tuple(q for q in pool if counts.get(q.group, 0) >= k)
            themes.append(replace(t, quotes=pool[: self.n_quotes]))
        notes = (*self.notes, Note("withheld_below_k", (("k", k),)))
        return replace(self, themes=tuple(themes), notes=notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_texts": self.n_texts,
            "n_themes": self.n_themes,
            "n_other": self.n_other,
            "n_empty": self.n_empty,
            "seed": self.seed,
            "themes": [t.to_dict() for t in self.themes],
            "levels": [[g.to_dict() for g in level] for level in self.levels],
            "assignments": list(self.assignments),
            "selection": [[k, _r(s)] for k, s in self.selection],
            "group": self.group,
            "group_sizes": [[jsonable(g), c] for g, c in self.group_sizes],
            "notes": [n.to_dict() for n in self.notes],
        }

    def summary(self) -> str:
        lines = [
            f"{self.n_themes} themes in {self.n_texts} texts; {self.n_other} left over "
            f"({100 * self.other_share:.1f}%), {self.n_empty} rows without text"
        ]
        for t in self.themes:
            lines.append(f"  {t.id}. {t.label or '(withheld)'} ({t.size} texts)")
            lines += [f"       \u201c{q.text}\u201d" for q in t.quotes]
        return "\n".join(lines)


def _sort_key(value: Any) -> tuple[int, float, str]:
    return (0, float(value), "") if isinstance(value, int | float) else (1, 0.0, str(value))
