"""Distinctive words of each theme by class-based TF-IDF, with small English and Welsh stop-word lists.

For word x and theme c: W(x, c) = tf(x, c) / (words in c) * log(1 + A / f(x)), where tf counts x in the texts
of c, A is the average number of words per theme and f(x) counts x in all texts. A word must occur in at
least ``min_texts`` texts of a theme to describe it, so that no keyword comes from one person's answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

# Letters only (no digits or underscores), two or more; apostrophes split words ("mae'r" -> "mae", "r").
_WORD = re.compile(r"[^\W\d_]{2,}")

_ENGLISH = """
    about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing don down during each even ever every few for from further
    get gets got had has have having he her here hers herself him himself his how if in into is it its itself
    just let like ll me more most much must my myself no nor not now of off on once only or other our ours
    ourselves out over own please re really same shall she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up us very was we were what when
    where which while who whom why will with would yes yet you your yours yourself yourselves ve isn aren
    wasn weren won doesn didn hasn haven hadn couldn wouldn shouldn can't im tell know want need one two
"""

_WELSH = """
    ac ag am ar at bod bydd byddai cael chi chwi dan dim dros drwy dw dwi ei eich eu fe fel fod fy gan gyda
    gydag hefyd heb hi hon hwn hwnnw hyn hynny iawn ich mae maen ma mewn mi na nad neu nhw ni nid oedd oes
    ond os pa pam pan pob rhaid roedd rwy rydw rydyn rydym sut sy sydd ti tu un wedi wrth ychydig ydw ydy
    ydych ydyn ydym yma yn yng ym yr ymlaen oherwydd felly beth bob byth
"""

ENGLISH_STOP_WORDS = frozenset(_ENGLISH.split())
WELSH_STOP_WORDS = frozenset(_WELSH.split())
DEFAULT_STOP_WORDS = ENGLISH_STOP_WORDS | WELSH_STOP_WORDS


def words(text: str) -> list[str]:
    """Lower-cased words of a text (Unicode letters, NFC, so Welsh ŵ and ŷ stay one letter)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


class Vocabulary:
    """Word counts of each text, as (text, word, count) triples over a sorted vocabulary."""

    def __init__(self, texts: Sequence[str], stop_words: Iterable[str]) -> None:
        stop = {w.casefold() for w in stop_words}
        per_text = [[w for w in words(t) if w not in stop] for t in texts]
        self.terms: list[str] = sorted({w for ws in per_text for w in ws})
        index = {w: i for i, w in enumerate(self.terms)}
        rows: list[int] = []
        cols: list[int] = []
        for r, ws in enumerate(per_text):
            for w in ws:
                rows.append(r)
                cols.append(index[w])
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)

    def keywords(
        self,
        groups: npt.NDArray[np.int64],
        n_groups: int,
        *,
        top: int,
        min_texts: int,
        allowed: Callable[[str], bool],
    ) -> list[tuple[tuple[str, float], ...]]:
        """The ``top`` words of each group 0..n_groups-1 by c-TF-IDF, with their weights; texts in group -1
        count for no group."""
        v = len(self.terms)
        if v == 0 or n_groups == 0:
            return [() for _ in range(n_groups)]
        g = groups[self.rows]
        keep = g >= 0
        g, cols, rows = g[keep], self.cols[keep], self.rows[keep]
        tf = np.bincount(g * v + cols, minlength=n_groups * v).reshape(n_groups, v).astype(np.float64)
        # in how many different texts of the group each word occurs
        text_word = np.unique(rows * v + cols)
        tw_group = groups[text_word // v]
        df = np.bincount(tw_group * v + text_word % v, minlength=n_groups * v).reshape(n_groups, v)
        totals = tf.sum(axis=1, keepdims=True)
        average = float(totals.mean())
        frequency = tf.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(totals > 0, tf / totals, 0.0) * np.log1p(average / np.maximum(frequency, 1.0))
        weight[df < min_texts] = 0.0
        ok = np.array([allowed(t) for t in self.terms], dtype=bool)
        weight[:, ~ok] = 0.0
        out: list[tuple[tuple[str, float], ...]] = []
        for c in range(n_groups):
            order = np.lexsort((np.arange(v), -weight[c]))[:top]
            out.append(tuple((self.terms[i], float(weight[c, i])) for i in order if weight[c, i] > 0))
        return out
