"""A differencing attacker, to measure what the disclosure protection leaves (the tests and
``bench/protection.py`` use it).

The attacker sees published groups: each described by its conditions, with its published count and the
published share agreeing with one measure. It wants a group of 1 to ``k - 1`` people: their exact number
and what they answered. For every pair of published groups, one inside the other as sets of people, the
difference is the people in one and not the other; differences below ``k`` are the targets.

The attacker here is stronger than any real one: it is told which pairs single out *the same* people
(real attackers must work that out), and it combines every such pair, knowing the perturbation's
published table of probabilities exactly (including that a count of at least ``k`` is never published
below ``k``), and knowing the group is smaller than ``k``. It *recovers* a group when it is at least
``confidence`` sure of the number of people and that number is right, and at least ``confidence`` sure of
how many of them agreed (from the known spread of the noise on sums, each look treated as independent,
which overstates what it knows) and that is right too.

Written here because no library attacks cell-key tables; the likelihood is a direct sum over the few
possible noise values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from chalkface.evidence.cellkey import COUNT_PTABLE, CellKey
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.estimate import estimate


@dataclass(frozen=True)
class Published:
    """One published group as the attacker sees it (``members``: who is in it, known to the test only, to
    play the oracle that pairs the differences)."""

    tool: Any
    conditions: frozenset[tuple[str, str]]
    members: frozenset[int]
    n: int
    agree: float  # the published count times the published share agreeing
    true_agree: int


@dataclass
class AttackResult:
    """What the attacker got: how many small groups it could single out by some pair, the most pairs for
    one group, and how many it recovered (and how many it was sure of but wrong about)."""

    targets: int = 0
    most_pairs: int = 0
    certain: int = 0
    recovered: int = 0
    confident_wrong: int = 0
    best_guess_right: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        share = self.best_guess_right / self.targets if self.targets else 0.0
        return (
            f"{self.targets} small groups singled out by some pair of published groups (at most "
            f"{self.most_pairs} pairs for one group); recovered with their answers: {self.recovered}; "
            f"sure but wrong: {self.confident_wrong}; best guess of the size right for {share:.0%}"
        )


def _published_given(true: int, k: int, spread: int, perturbed: bool) -> dict[int, float]:
    """The chance of each published count for a true count (the cell-key ptable, kept at least k)."""
    if not perturbed:
        return {true: 1.0}
    allowed = [(v, p) for v, p in COUNT_PTABLE if abs(v) <= spread and (true + v >= k or true < k)]
    total = sum(p for _v, p in allowed)
    return {true + v: p / total for v, p in allowed}


def _size_likelihood(
    pairs: list[tuple[Published, Published]], k: int, spread: int, perturbed: bool
) -> list[float]:
    """The attacker's chance of each size 1..k-1 of the group, from every pair (outer, inner)."""
    post = [1.0] * (k - 1)
    for outer, inner in pairs:
        for g in range(1, k):
            like = 0.0
            # the inner group's true size is unknown: every size that could have given its published count
            for n_in in range(inner.n - spread, inner.n + spread + 1):
                p_in = _published_given(n_in, k, spread, perturbed).get(inner.n, 0.0)
                if p_in:
                    like += p_in * _published_given(n_in + g, k, spread, perturbed).get(outer.n, 0.0)
            post[g - 1] *= like
        total = sum(post)
        if total == 0:
            return post
        post = [p / total for p in post]
    return post


def attack(
    published: Iterable[Published],
    k: int,
    *,
    cell_key: CellKey | None = None,
    confidence: float = 0.95,
) -> AttackResult:
    """Attack every small difference of two published groups, one inside the other (``cell_key``: the
    perturbation the figures carry, or ``None`` for exact figures)."""
    perturbed = cell_key is not None
    spread = cell_key.count_spread if cell_key is not None else 0
    # the noise on one look at the agreeing count: the difference of two cells' sum noise
    look_sd = math.sqrt(2 * cell_key.sum_variance(1.0)) if cell_key is not None else 0.0
    by_tool: dict[Any, dict[frozenset[tuple[str, str]], Published]] = {}
    for p in published:
        by_tool.setdefault(p.tool, {})[p.conditions] = p
    targets: dict[tuple[Any, frozenset[int]], list[tuple[Published, Published]]] = {}
    for tool, groups in by_tool.items():
        ordered = sorted(groups.values(), key=lambda g: len(g.members))
        for i, inner in enumerate(ordered):
            for outer in ordered[i + 1 :]:
                extra = len(outer.members) - len(inner.members)
                if extra >= k:
                    break
                if extra == 0 or not inner.members <= outer.members:
                    continue
                targets.setdefault((tool, outer.members - inner.members), []).append((outer, inner))
    result = AttackResult(targets=len(targets))
    for (_tool, people), pairs in targets.items():
        result.most_pairs = max(result.most_pairs, len(pairs))
        post = _size_likelihood(pairs, k, spread, perturbed)
        if sum(post) == 0:
            continue
        best = max(range(k - 1), key=lambda i: post[i]) + 1
        truth = len(people)
        result.certain += sum(1 for p in post if p > 0) == 1
        result.best_guess_right += best == truth
        if post[best - 1] < confidence:
            continue
        if best != truth:
            result.confident_wrong += 1
            continue
        differences = [outer.agree - inner.agree for outer, inner in pairs]
        mean = sum(differences) / len(differences)
        sd = look_sd / math.sqrt(len(differences))
        sure = 1.0 if sd == 0 else math.erf(0.5 / (sd * math.sqrt(2)))  # P(|error| < half a person)
        true_agree = pairs[0][0].true_agree - pairs[0][1].true_agree
        if sure >= confidence and round(mean) == true_agree:
            result.recovered += 1
            if len(result.examples) < 5:
                result.examples.append({"size": truth, "pairs": len(pairs), "agreed": true_agree})
    return result


def published_groups(
    tool: Any,
    conditions: Mapping[str, Any],
    tables: Iterable[Any],
    members_of: Any,
    measure: str = "workload",
) -> list[Published]:
    """The groups published in ``tables`` (:class:`~chalkface.evidence.EstimateTable` s) for ``measure``,
    with ``members_of(conditions) -> (members, true agree count)`` telling the oracle who is in each."""
    out = []
    for table in tables:
        if table.measure != measure:
            continue
        for row in table.rows:
            if row.statistic != "share_agree" or row.suppressed or row.n is None:
                continue
            conds = {str(c): str(v) for c, v in conditions.items()}
            conds.update({str(c): str(v) for c, v in row.group})
            members, agree = members_of(conds)
            out.append(
                Published(tool, frozenset(conds.items()), members, int(row.n), row.n * row.estimate, agree)
            )
    return out


def random_queries(
    frame: pl.DataFrame,
    columns: Sequence[str],
    policy_for: Callable[[Mapping[str, Any]], DisclosurePolicy],
    *,
    queries: int,
    seed: int,
    tool: str = "tool",
    measure: str = "workload",
    agree_from: int = 4,
    viewers: Sequence[Mapping[str, Any]] = ({},),
) -> list[Published]:
    """What an attacker is shown by ``queries`` random requests: each picks a tool, filters on up to three
    of ``columns`` (one value each) and breaks the rest down by one more column or none, as the pages,
    exports and API allow, as one of ``viewers`` (each the conditions its log-in always adds, such as the
    campaigns it may see), who pool what they are shown. ``policy_for(conditions)`` is the policy the
    system applies to the request (with its release history narrowed to the request's conditions, when it
    keeps one)."""
    rng = np.random.default_rng(seed)
    data = frame.with_row_index("__row")
    values = {c: sorted(data[c].unique().to_list()) for c in [tool, *columns]}
    cache: dict[frozenset[tuple[str, str]], tuple[frozenset[int], int]] = {}

    def members_of(conds: Mapping[str, str]) -> tuple[frozenset[int], int]:
        key = frozenset(conds.items())
        if key not in cache:
            mask = pl.lit(True)
            for column, value in conds.items():
                mask = mask & (pl.col(column).cast(pl.Utf8) == value)
            rows = data.filter(mask & pl.col(measure).is_not_null())
            cache[key] = (frozenset(rows["__row"].to_list()), int((rows[measure] >= agree_from).sum()))
        return cache[key]

    out: list[Published] = []
    for _ in range(queries):
        chosen = values[tool][int(rng.integers(len(values[tool])))]
        picked = [str(c) for c in rng.permutation(list(columns))]
        filters = {c: values[c][int(rng.integers(len(values[c])))] for c in picked[: int(rng.integers(0, 4))]}
        rest = picked[len(filters) :]
        by = [rest[0]] if rest and rng.random() < 0.7 else []
        viewer = viewers[int(rng.integers(len(viewers)))]
        conditions: dict[str, Any] = {tool: chosen, **viewer, **filters}
        subset = frame.filter(*[pl.col(c) == v for c, v in conditions.items()])
        if subset.is_empty():
            continue
        table = estimate(subset, measure, by, policy=policy_for(conditions), kind="agreement")
        out.extend(published_groups(chosen, conditions, [table], members_of, measure))
    return out


def population(rows: int, seed: int, workplaces: int = 60) -> pl.DataFrame:
    """Synthetic check-ins for the attack: one tool, two campaigns, workplaces that each lie in one phase,
    region and quintile (so groups nest by accident of the data), a few rare categories, a 1-5 ``workload``
    answer and a record key per check-in."""
    from chalkface.evidence.cellkey import KEY_RANGE

    rng = np.random.default_rng(seed)
    shares = {
        "role": [0.6, 0.25, 0.12, 0.03],
        "phase": [0.55, 0.4, 0.05],
        "region": [0.3, 0.25, 0.2, 0.15, 0.07, 0.03],
        "quintile": [0.2] * 5,
        "month": [1 / 6] * 6,
    }
    workplace = rng.integers(0, workplaces, rows)
    data: dict[str, Any] = {
        "tool": ["t"] * rows,
        "campaign": [f"c{i}" for i in rng.integers(0, 2, rows)],
        "workplace": [f"w{w}" for w in workplace],
    }
    for column, p in shares.items():
        if column in ("phase", "region", "quintile"):
            per_workplace = rng.choice(len(p), workplaces, p=p)
            data[column] = [f"{column[0]}{per_workplace[w]}" for w in workplace]
        else:
            data[column] = [f"{column[0]}{i}" for i in rng.choice(len(p), rows, p=p)]
    data["workload"] = np.clip(np.round(3 + rng.normal(size=rows) * 1.4), 1, 5).astype(int)
    data["record_key"] = rng.integers(0, KEY_RANGE, rows)
    return pl.DataFrame(data)


#: The columns an attacker filters and breaks down by in :func:`random_queries` over :func:`population`.
POPULATION_COLUMNS = ("role", "phase", "region", "quintile", "month", "workplace")
