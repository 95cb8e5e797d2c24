"""Themes as shown: nothing below k, quotes only from cells of at least k, and no subtraction of two slices.

Each protection is checked against a naive release (exact counts, every quote) that is shown to leak."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from chalkface.evidence import CellKey, DisclosurePolicy, HistoryGate, ReleaseGate, ReleaseHistory
from chalkface.evidence.release import ReleaseRefused
from chalkface.evidence.themes import FittedTheme, PublishedThemes, publish_themes

K = 10


def _data(n: int = 120, themes: int = 4, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    assignment = rng.integers(0, themes, size=n)
    assignment[:5] = -1
    return {
        "assignment": assignment,
        "keys": rng.integers(0, 2**32, size=n).astype(float),
        "texts": [f"answer number {i} about theme {assignment[i]}" for i in range(n)],
        "cells": [("teacher",)] * n,
        "themes": [
            FittedTheme(t, (f"word{t}", "marking"), tuple(int(i) for i in np.flatnonzero(assignment == t)))
            for t in range(themes)
        ],
    }


def _publish(d: dict[str, Any], policy: DisclosurePolicy, **kwargs: Any) -> PublishedThemes:
    args = {
        "policy": policy,
        "keys": d["keys"],
        "in_slice": kwargs.pop("in_slice", np.ones(len(d["texts"]), dtype=bool)),
        "cells": kwargs.pop("cells", d["cells"]),
        "texts": d["texts"],
        "redact": kwargs.pop("redact", lambda _row, text: text),
    }
    return publish_themes(d["themes"], d["assignment"], **args, **kwargs)


def test_a_naive_release_shows_a_theme_smaller_than_k() -> None:
    d = _data()
    d["assignment"][d["assignment"] == 3] = 2
    d["assignment"][10:13] = 3  # three people wrote about theme 3
    shown = _publish(d, DisclosurePolicy(k=1))
    assert {t.id: t.size for t in shown.themes}[3] == 3


def test_it_never_shows_a_theme_smaller_than_k() -> None:
    d = _data()
    d["assignment"][d["assignment"] == 3] = 2
    d["assignment"][10:13] = 3
    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()))
    small = next(t for t in shown.themes if t.id == 3)
    assert small.withheld and small.size is None and small.quotes == () and small.keywords == ()
    assert shown.withheld == 1
    assert all(t.size is not None and t.size >= K - 2 for t in shown.visible)


def test_a_slice_with_fewer_than_k_answers_shows_nothing() -> None:
    d = _data()
    in_slice = np.zeros(len(d["texts"]), dtype=bool)
    in_slice[: K - 1] = True
    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()), in_slice=in_slice)
    assert not shown.shown and shown.themes == () and shown.n_texts is None


def test_sizes_are_perturbed_the_same_way_every_time() -> None:
    d = _data(n=400)
    policy = DisclosurePolicy(k=K, cell_key=CellKey())
    first, again = _publish(d, policy), _publish(d, policy)
    assert first == again
    exact = np.bincount(d["assignment"][d["assignment"] >= 0])
    assert any(t.size != exact[t.id] for t in first.visible)  # noise is there
    assert all(abs((t.size or 0) - exact[t.id]) <= 2 for t in first.visible)


def test_a_naive_release_quotes_someone_from_a_cell_of_one() -> None:
    d = _data()
    cells = list(d["cells"])
    lonely = d["themes"][0].candidates[0]
    cells[lonely] = ("headteacher",)  # the only headteacher who wrote
    shown = _publish(d, DisclosurePolicy(k=1), cells=cells)
    assert d["texts"][lonely] in next(t for t in shown.themes if t.id == 0).quotes


def test_no_quote_comes_from_a_cell_with_fewer_than_k_answers() -> None:
    d = _data()
    cells = list(d["cells"])
    lonely = d["themes"][0].candidates[0]
    cells[lonely] = ("headteacher",)
    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()), cells=cells)
    quotes = [q for t in shown.visible for q in t.quotes]
    assert d["texts"][lonely] not in quotes
    assert len(next(t for t in shown.themes if t.id == 0).quotes) == 3  # the next ones stand in


def test_it_quotes_only_those_who_let_it_quote_them() -> None:
    d = _data()
    may_quote = np.zeros(len(d["texts"]), dtype=bool)
    chosen = d["themes"][1].candidates[-2:]
    may_quote[list(chosen)] = True
    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()), may_quote=may_quote)
    quotes = {q for t in shown.visible for q in t.quotes}
    assert quotes == {d["texts"][i] for i in chosen}


def test_every_quote_and_keyword_is_redacted_as_it_is_shown() -> None:
    d = _data()
    d["texts"] = [t + " Mrs Jones said so" for t in d["texts"]]
    d["themes"][0] = FittedTheme(0, ("jones", "marking"), d["themes"][0].candidates)

    def redact(_row: int, text: str) -> str:
        return text.replace("Mrs Jones", "[name]").replace("jones", "[name]")

    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()), redact=redact)
    assert all("Jones" not in q and "[name]" in q for t in shown.visible for q in t.quotes)
    assert next(t for t in shown.themes if t.id == 0).keywords == ("marking",)


def test_groups_are_compared_only_above_k() -> None:
    d = _data(n=300)
    groups = ["v2"] * 295 + ["v3"] * 5
    shown = _publish(d, DisclosurePolicy(k=K, cell_key=CellKey()), groups=groups)
    assert shown.groups == ("v2",)
    for t in shown.visible:
        assert [s.group for s in t.by_group] == ["v2"]
        s = t.by_group[0]
        assert s.count is None or (s.count >= K - 2 and s.lower is not None and s.lower <= s.share <= s.upper)


def test_the_release_gate_accepts_only_themes_made_under_the_policy() -> None:
    d = _data()
    gate = ReleaseGate(DisclosurePolicy(k=K, cell_key=CellKey()))
    with pytest.raises(ReleaseRefused):
        gate.check("page.tool", [_publish(d, DisclosurePolicy(k=K))])  # not perturbed
    with pytest.raises(ReleaseRefused):
        gate.check("page.tool", [_publish(d, DisclosurePolicy(k=3, cell_key=CellKey()))])
    release = gate.check("page.tool", [_publish(d, DisclosurePolicy(k=K, cell_key=CellKey()))])
    assert any('"theme": 0' in f.cell for f in release.figures)


# -- subtraction of two filtered slices ----------------------------------------------------------------------

ATTRIBUTES = {"role": 3, "region": 3, "period": 4, "phase": 2, "contract": 2}


def _population(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = 600
    d = _data(n=n, themes=4, seed=seed)
    d["attrs"] = {name: rng.integers(0, levels, size=n) for name, levels in ATTRIBUTES.items()}
    d["attrs"]["role"] = rng.choice(3, size=n, p=[0.96, 0.025, 0.015])  # few support staff and leaders
    d["attrs"]["phase"] = rng.choice(2, size=n, p=[0.99, 0.01])
    d["attrs"]["contract"] = rng.choice(2, size=n, p=[0.99, 0.01])
    return d


def _slices(d: dict[str, Any]) -> list[tuple[dict[str, int], np.ndarray]]:
    """Every page an attacker can ask for: each combination of filters."""
    out = []
    names = list(ATTRIBUTES)
    for r in range(len(names) + 1):
        for chosen in itertools.combinations(names, r):
            for values in itertools.product(*(range(ATTRIBUTES[c]) for c in chosen)):
                conditions = dict(zip(chosen, values, strict=True))
                mask = np.ones(len(d["texts"]), dtype=bool)
                for c, v in conditions.items():
                    mask &= d["attrs"][c] == v
                out.append((conditions, mask))
    return out


def _attack(d: dict[str, Any], policy_for: Any) -> tuple[int, int, int]:
    """Subtract every pair of nested slices that differ by 1 to k-1 people and guess how many of those people
    wrote about each theme (averaging every pair that singles out the same people). Returns (targets,
    recovered exactly, most pairs released for one target)."""
    shown = []
    for conditions, mask in _slices(d):
        published = _publish(d, policy_for(conditions), in_slice=mask)
        if published.shown:
            shown.append((conditions, mask, {t.id: t.size for t in published.themes}))
    guesses: dict[tuple[int, ...], list[dict[int, float]]] = {}
    for (c1, m1, s1), (c2, m2, s2) in itertools.permutations(shown, 2):
        if not (set(c1.items()) < set(c2.items())):
            continue  # slice 2 lies within slice 1
        diff = m1 & ~m2
        if not 1 <= diff.sum() < K:
            continue
        sizes = {t: (s1[t] - s2[t]) for t in s1 if s1.get(t) is not None and s2.get(t) is not None}
        if sizes:
            guesses.setdefault(tuple(np.flatnonzero(diff)), []).append(sizes)
    recovered = 0
    for members, looks in guesses.items():
        truth = np.bincount(d["assignment"][list(members)][d["assignment"][list(members)] >= 0], minlength=4)
        seen = {t for look in looks for t in look}
        mean = {t: np.mean([look[t] for look in looks if t in look]) for t in seen}
        if all(round(mean[t]) == truth[t] for t in mean):
            recovered += 1
    return len(guesses), recovered, max((len(v) for v in guesses.values()), default=0)


def test_a_naive_release_of_two_slices_gives_a_small_groups_themes_away() -> None:
    targets, recovered, _most = _attack(_population(1), lambda _c: DisclosurePolicy(k=K))
    assert targets >= 10
    assert recovered == targets


def test_two_slices_cannot_be_subtracted_once_noise_and_the_release_history_stand_between() -> None:
    """The naive release gives every small group's themes away; with cell-key noise the attacker still finds
    many pairs for the same people (more than the history allows); with the release history as well, no small
    group is looked at more than ``limit`` times, and most guesses are wrong (a single noisy look is
    sometimes right, as for every figure: docs/methods.md)."""
    d = _population(1)
    key = CellKey()
    _targets, _recovered, most_without = _attack(d, lambda _c: DisclosurePolicy(k=K, cell_key=key))
    assert most_without > 3
    history = ReleaseHistory(k=K)

    def policy_for(conditions: Mapping[str, Any]) -> DisclosurePolicy:
        return DisclosurePolicy(k=K, cell_key=key, history=HistoryGate(history, base=conditions))

    targets, recovered, most = _attack(d, policy_for)
    assert targets >= 10
    assert most <= history.limit
    assert recovered <= targets // 2
