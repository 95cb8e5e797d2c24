"""Themes as they may be shown: :func:`publish_themes`.

A fitted theme model (:class:`~chalkface.evidence.themes.ThemeModel`) knows every answer's theme and exact
counts. What a page, a brief or an export may show of one slice of those answers (the viewer's campaigns,
narrowed by the page's filters) is made here under the campaign's
:class:`~chalkface.evidence.DisclosurePolicy`:

- nothing at all when the slice has fewer than ``k`` answers with text;
- a theme's size is published with its cell-key noise (the sum of the record keys of exactly the people
  behind it: :mod:`chalkface.evidence.cellkey`), so the same people always give the same figure and two
  slices that differ by a few people differ by those people *plus noise that does not cancel*; a theme with
  fewer than ``k`` answers in the slice is withheld (no label, keywords, size or quote), and so is one the
  release history refuses (it would single out the same few people once too often);
- shares are worked out from published counts only, with their Wilson interval and n; a group (e.g. a tool
  version) is compared only when it has at least ``k`` answers, and a theme's count in it only when that count
  is at least ``k``;
- a quote comes only from an answer its writer let be quoted (when the instrument asks), whose *cell* has at
  least ``k`` answers: the cell is every attribute a viewer could filter by (role, phase, region, version,
  period...), so however many filtered pages an attacker puts side by side, the writer of a quote they show
  is one of at least ``k`` people; and every quote is redacted again as it is shown (``redact``), so a quote
  stored before a redaction rule improved is caught now;
- keywords the redactor would change are dropped.

The release gate (:class:`~chalkface.evidence.ReleaseGate`) accepts a :class:`PublishedThemes` only when it
was made with at least the campaign's ``k`` and perturbed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.intervals import proportion_interval

#: The name under which a theme's count is judged by the release history.
THEME_COUNT = "theme_answers"


@dataclass(frozen=True)
class FittedTheme:
    """One theme of a fit, as stored: its id, keywords, the rows (indices into the fit's rows) of its
    quotable answers best first, and the id of its group at the coarsest level (or None)."""

    id: int
    keywords: tuple[str, ...]
    candidates: tuple[int, ...]
    parent: int | None = None


def _percent(value: float | None) -> int | None:
    return None if value is None else round(100 * value)


class _Percents:
    """Whole-number percentages of a share and its interval, for pages."""

    share: float | None
    lower: float | None
    upper: float | None

    @property
    def share_percent(self) -> int | None:
        return _percent(self.share)

    @property
    def lower_percent(self) -> int | None:
        return _percent(self.lower)

    @property
    def upper_percent(self) -> int | None:
        return _percent(self.upper)


@dataclass(frozen=True)
class PublishedGroupShare(_Percents):
    """A theme's share of one group's answers (e.g. one tool version): published counts, share from them."""

    group: Any
    n: int
    count: int | None
    share: float | None
    lower: float | None
    upper: float | None
    #: The group's name as the page shows it (set by the caller; the figures never depend on it).
    label: str = ""


@dataclass(frozen=True)
class PublishedTheme(_Percents):
    """One theme as shown; ``withheld`` themes have no label, keywords, size or quote."""

    id: int
    withheld: bool
    label: str = ""
    keywords: tuple[str, ...] = ()
    size: int | None = None
    share: float | None = None
    lower: float | None = None
    upper: float | None = None
    quotes: tuple[str, ...] = ()
    parent: int | None = None
    by_group: tuple[PublishedGroupShare, ...] = ()


@dataclass(frozen=True)
class PublishedThemeGroup:
    """A coarser group of themes (the top of the hierarchy): its published size and its shown themes."""

    id: int
    label: str
    size: int | None
    themes: tuple[PublishedTheme, ...]


@dataclass(frozen=True)
class PublishedThemes:
    """What may be shown of the themes of one slice (see the module notes)."""

    k: int
    perturbed: bool
    shown: bool
    n_texts: int | None
    themes: tuple[PublishedTheme, ...] = ()
    n_other: int | None = None
    groups: tuple[Any, ...] = ()
    group_sizes: tuple[tuple[Any, int], ...] = ()
    withheld: int = 0

    @property
    def visible(self) -> tuple[PublishedTheme, ...]:
        return tuple(t for t in self.themes if not t.withheld)

    def labelled(self, name: Callable[[Any], str]) -> PublishedThemes:
        """The same figures with each compared group named by ``name`` (e.g. in the reader's language)."""
        themes = tuple(
            replace(t, by_group=tuple(replace(g, label=name(g.group)) for g in t.by_group))
            for t in self.themes
        )
        return replace(self, themes=themes)

    def hierarchy(
        self, keywords: Mapping[int, Sequence[str]] | None = None
    ) -> tuple[PublishedThemeGroup, ...]:
        """The shown themes under their coarser groups, largest first (empty when the fit has no levels).
        A group is named by ``keywords[group id]`` (its own distinctive words) when given, else by the first
        keyword of each of its themes. Its size is the sum of its themes' published sizes."""
        parents = sorted({t.parent for t in self.visible if t.parent is not None})
        if len(parents) < 2:
            return ()
        out = []
        for p in parents:
            members = tuple(t for t in self.visible if t.parent == p)
            size = sum(t.size or 0 for t in members)
            words = list((keywords or {}).get(p, ()))[:3]
            if not words:
                for t in members:
                    words.extend(w for w in t.keywords[:1] if w not in words)
            out.append(PublishedThemeGroup(p, ", ".join(words[:3]), size, members))
        return tuple(sorted(out, key=lambda g: (-(g.size or 0), g.id)))


def publish_themes(
    themes: Sequence[FittedTheme],
    assignment: npt.ArrayLike,
    *,
    policy: DisclosurePolicy,
    keys: npt.ArrayLike,
    in_slice: npt.ArrayLike,
    cells: Sequence[Any],
    texts: Sequence[str],
    redact: Callable[[int, str], str],
    may_quote: npt.ArrayLike | None = None,
    groups: Sequence[Any] | None = None,
    n_quotes: int = 3,
) -> PublishedThemes:
    """The themes of the answers in ``in_slice`` as they may be shown.

    One entry per answer of the fit, in the fit's order: ``assignment`` its theme id (-1: left over),
    ``keys`` its record key, ``in_slice`` whether the page shows it, ``cells`` its values of every attribute
    a viewer could filter by (any hashable, e.g. a tuple), ``texts`` its text as stored, ``may_quote``
    whether its writer let it be quoted (default: all), ``groups`` its group to compare (e.g. tool version).
    ``redact(row, text)`` is applied to every quote and keyword as it is shown. Cells are counted over all
    the answers given, so pass the whole fit, not only the slice.
    """
    labels = np.asarray(assignment, dtype=np.int64)
    key = np.asarray(keys, dtype=np.float64)
    mask = np.asarray(in_slice, dtype=bool)
    n = labels.size
    if key.size != n or mask.size != n or len(cells) != n or len(texts) != n:
        raise EvidenceError("assignment, keys, in_slice, cells and texts must have one entry per answer")
    quotable = np.ones(n, dtype=bool) if may_quote is None else np.asarray(may_quote, dtype=bool)
    if quotable.size != n or (groups is not None and len(groups) != n):
        raise EvidenceError("may_quote and groups must have one entry per answer")
    perturbed = policy.perturbs
    k = policy.k

    def count(rows: npt.NDArray[np.bool_]) -> tuple[int, float]:
        return int(rows.sum()), float(key[rows].sum())

    def published(rows: npt.NDArray[np.bool_], group: Sequence[tuple[str, Any]]) -> int | None:
        size, key_sum = count(rows)
        if size == 0 or policy.is_small(size):
            return None
        if not policy.admits(tuple(group), [(THEME_COUNT, size, key_sum)]):
            return None
        return policy.publish_count(size, key_sum if perturbed else None)

    total = published(mask, ())
    if total is None:
        return PublishedThemes(k, perturbed, False, None)

    cell_sizes: dict[Any, int] = {}
    for c in cells:
        cell_sizes[c] = cell_sizes.get(c, 0) + 1
    eligible = mask & quotable & np.array([cell_sizes[c] >= k for c in cells], dtype=bool)

    group_values: list[Any] = []
    group_n: dict[Any, int] = {}
    group_rows: dict[Any, npt.NDArray[np.bool_]] = {}
    if groups is not None:
        sliced = [g for g, m in zip(groups, mask, strict=True) if m and g is not None]
        group_arr = np.array([str(g) for g in groups], dtype=object)
        for g in sorted(set(sliced), key=str):
            rows = mask & (group_arr == str(g))
            size = published(rows, (("group", g),))
            if size is not None:
                group_values.append(g)
                group_n[g] = size
                group_rows[g] = rows

    out: list[PublishedTheme] = []
    for theme in themes:
        rows = mask & (labels == theme.id)
        size = published(rows, (("theme", theme.id),))
        if size is None:
            out.append(PublishedTheme(theme.id, True, parent=theme.parent))
            continue
        keywords = tuple(w for w in theme.keywords if redact(-1, w) == w)
        quotes: list[str] = []
        seen: set[str] = set()
        for row in theme.candidates:
            if len(quotes) >= n_quotes:
                break
            if not (0 <= row < n) or not eligible[row] or labels[row] != theme.id:
                continue
            shown = " ".join(redact(row, texts[row]).split())
            if shown and shown.casefold() not in seen:
                seen.add(shown.casefold())
                quotes.append(shown)
        lo, hi = proportion_interval(size, max(total, size))
        shares = []
        for g in group_values:
            c = published(rows & group_rows[g], (("theme", theme.id), ("group", g)))
            if c is None:
                shares.append(PublishedGroupShare(g, group_n[g], None, None, None, None))
                continue
            c = min(c, group_n[g])
            glo, ghi = proportion_interval(c, group_n[g])
            shares.append(PublishedGroupShare(g, group_n[g], c, c / group_n[g], glo, ghi))
        out.append(
            PublishedTheme(
                theme.id,
                False,
                ", ".join(keywords[:3]),
                keywords,
                size,
                size / max(total, size),
                lo,
                hi,
                tuple(quotes),
                theme.parent,
                tuple(shares),
            )
        )
    other = published(mask & (labels < 0), (("theme", "other"),))
    out.sort(key=lambda t: (t.withheld, -(t.size or 0), t.id))
    return PublishedThemes(
        k,
        perturbed,
        True,
        total,
        tuple(out),
        other,
        tuple(group_values),
        tuple((g, group_n[g]) for g in group_values),
        sum(1 for t in out if t.withheld),
    )


def cell_of(row: Mapping[str, Any], columns: Sequence[str]) -> tuple[str, ...]:
    """An answer's cell: its value of each of ``columns`` (the attributes a viewer could filter by)."""
    return tuple(str(row.get(c)) for c in columns)
