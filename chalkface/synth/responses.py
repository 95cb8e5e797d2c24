"""Check-ins (responses), generated from a latent model, vectorised over all rows.

The model, per check-in:
- who answers: check-ins are shared among deployments in proportion to days active in the period x staff in
  the roles using the tool (to the power 0.8) x the workplace's engagement (lognormal) x the tool's intensity;
- when: a uniform day in the deployment's active window, thinned so that weekends (6%) and school holidays
  (25%) see fewer check-ins than term-time weekdays;
- role: among the deployment's roles, in proportion to their share of the school workforce;
- stance, training and frequency of use: ordered-logit draws around workplace culture (random effects), role
  and tool; frequency also rises with mandatory use and enthusiasm;
- time saved (hours a week) = tool baseline + version change + role + training + stance + frequency + a
  workplace random effect (sd 0.7) + noise (sd 2.0), rounded to half hours and clipped to -10..10;
- each 1-5 item = base + tool + stance and mood along the item's valence + a workplace random effect (sd 0.3)
  + noise (sd 0.85), rounded and clipped; workload also falls as time saved rises, and is heavier for support
  and admin staff;
- response bias (on unless ``response_bias=False``): all of the above is drawn for a population of potential
  check-ins, about 1 / truths.RESPONSE_RATE times ``total``, and exactly ``total`` of them are made, each with
  a chance proportional to a response propensity by role, stance, phase and region (Pareto sampling); the
  population's means and margins go to truth.json.

Planted (see truths.py): the version drop, IT friction by deprivation quintile, wellbeing under mandatory
use, time saved by training, and who answers (response bias). Stance and training are independent of one
another and of use given role, so the planted effects can be read off with simple stratified comparisons.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.synth import comments, truths
from chalkface.synth.catalogue import TOOLS, VERSION_DROP_TOOL
from chalkface.synth.deployments import Deployments
from chalkface.synth.timeline import Period, Releases
from chalkface.synth.vocabulary import (
    FREQUENCIES,
    ITEM_BASE,
    ITEM_VALENCE,
    ITEMS,
    PUPIL_ITEMS,
    ROLE_SHARES,
    ROLES,
    STANCES,
    TRAINING,
    USES,
)
from chalkface.synth.workplaces import Workplaces

DEFAULT_RATE = 3.8  # check-ins per workplace per month when no total is given
DONT_KNOW = "dont_know"

_WEEKEND_WEIGHT, _HOLIDAY_WEIGHT = 0.06, 0.25
# Approximate English school holidays, (month, first day, last day); dates move a little from year to year.
_HOLIDAYS = (
    (1, 1, 4),
    (2, 16, 20),
    (3, 30, 31),
    (4, 1, 10),
    (5, 25, 29),
    (7, 23, 31),
    (8, 1, 31),
    (10, 27, 31),
    (12, 20, 31),
)

# Latent cut points (ordered logit, logistic noise of scale 1) and effects, in the order of the vocabularies.
_STANCE_CUTS = (1.6, -0.4, -1.9)  # enthusiast above 1.6, willing above -0.4, sceptical above -1.9
_STANCE_ROLE = (0.0, 0.1, -0.4, -0.2, 0.5)  # support and admin staff are more often sceptical
_STANCE_SCORE = np.array([1.0, 0.4, -0.5, -1.1])  # how each stance moves items, along their valence
_TRAINING_CUTS = (-0.85, 0.25, 1.7)  # none below -0.85, self-taught below 0.25, some below 1.7
_TRAINING_ROLE = (0.2, -0.2, -0.4, -0.1, 0.4)
_TRAINING_DEPRIVATION = -0.15  # a quintile: less training in more deprived workplaces
_FREQUENCY_CUTS = (1.1, -0.7, -1.8)  # daily above 1.1, weekly above -0.7, monthly above -1.8
_FREQUENCY_STANCE = np.array([0.6, 0.2, -0.3, -0.7])
_FREQUENCY_MANDATORY = 0.5
_USE_FLIP = 0.05  # check-ins that report a different use from the deployment record

_TIME_ROLE = np.array([truths.ROLE_HOURS[r] for r in ROLES])
_WORKLOAD_ROLE = np.array([truths.ROLE_WORKLOAD[r] for r in ROLES])
_TIME_STANCE = np.array([1.0, 0.0, -0.6, -1.2])
_TIME_FREQUENCY = np.array([0.8, 0.0, -0.5, -1.0])
_TIME_TRAINING = np.array([truths.TRAINING_HOURS[t] for t in TRAINING])
_TIME_WORKPLACE_SD, _TIME_NOISE_SD = 0.7, 2.0
_ITEM_STANCE, _ITEM_MOOD_SD, _ITEM_WORKPLACE_SD, _ITEM_NOISE_SD = 0.7, 0.5, 0.3, 0.85
_WORKLOAD_PER_HOUR = -0.15

_DONT_KNOW_BY_FREQUENCY = np.array([0.04, 0.06, 0.12, 0.20])
_PUPIL_MODULE_BY_ROLE = np.array([0.35, 0.30, 0.12, 0.08, 0.35])
# Pupil-module item bases for (primary, secondary and post-16, special and AP).
_PUPIL_BASE = {
    "pupil_ai_integrity": (2.4, 3.6, 2.8),
    "pupil_ai_complaints": (2.0, 2.6, 2.3),
    "pupil_ai_wellbeing": (2.6, 3.1, 3.0),
    "pupil_ai_misinformation": (2.5, 3.3, 2.6),
}
_PHASE_GROUP = {"primary": 0, "middle": 0, "secondary": 1, "all_through": 1, "sixteen_plus": 1}
_COMMENT_RATE, _COMMENT_EXTREME_RATE = 0.22, 0.33  # enthusiasts and the opposed comment more

COLUMNS: tuple[str, ...] = (
    "response_id",
    "workplace_id",
    "tool_id",
    "version_label",
    "submitted_on",
    "week",
    "role",
    "frequency",
    "time_saved_hours",
    *ITEMS,
    "use",
    "training",
    "stance",
    "pupil_ai_module",
    *PUPIL_ITEMS,
    "comment",
    "comment_theme",
)


@dataclass
class Responses:
    frame: pl.DataFrame
    # Each planted effect's expected size on the observed scale, from the latent scores with and without it.
    expected: dict[str, Any]
    # The population the respondents were drawn from (see truths.RESPONSE_RATE), for truth.json.
    population: dict[str, Any]


def default_total(workplaces: int, months: int) -> int:
    return round(DEFAULT_RATE * workplaces * months)


def _ordered(
    latent: npt.NDArray[np.float64], cuts: tuple[float, ...], descending: bool
) -> npt.NDArray[np.int64]:
    """Category index from a latent score: with descending cuts the highest score is category 0."""
    edges = np.array(cuts)
    beyond = latent[:, None] <= edges[None, :] if descending else latent[:, None] > edges[None, :]
    category: npt.NDArray[np.int64] = beyond.sum(axis=1).astype(np.int64)
    return category


def _likert(latent: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
    return np.clip(np.rint(latent), 1, 5).astype(np.int8)


def _hours(latent: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    # + 0.0 turns -0.0 into 0.0, so CSV never shows "-0.0".
    return np.clip(np.rint(latent * 2.0) / 2.0, -10.0, 10.0) + 0.0


def _shift_on_observed(latent: npt.NDArray[np.float64], effect: float, observe: Any) -> float | None:
    """Mean of observe(latent) - observe(latent - effect) over rows whose latent includes the effect."""
    if latent.size == 0:
        return None
    return round(float(np.mean(observe(latent).astype(np.float64) - observe(latent - effect))), 3)


def _propensity(
    role: npt.NDArray[np.int64],
    stance: npt.NDArray[np.int64],
    phase: _Coded,
    region: _Coded,
) -> npt.NDArray[np.float64]:
    """Each potential check-in's relative chance of being made (truths.RESPONSE_BY_*)."""
    by_role = np.array([truths.RESPONSE_BY_ROLE[r] for r in ROLES])
    by_stance = np.array([truths.RESPONSE_BY_STANCE[s] for s in STANCES])
    by_phase = np.array([truths.RESPONSE_BY_PHASE.get(p, 1.0) for p in phase.levels])
    by_region = np.array([truths.RESPONSE_BY_REGION.get(r, 1.0) for r in region.levels])
    propensity: npt.NDArray[np.float64] = (
        by_role[role] * by_stance[stance] * by_phase[phase.codes] * by_region[region.codes]
    )
    return propensity


def _respondents(
    rng: np.random.Generator, propensity: npt.NDArray[np.float64], total: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Exactly ``total`` rows, each included with probability close to ``total * p / sum(p)`` (Pareto
    sampling, Rosen 1997: the ``total`` smallest ratios of the odds of a uniform draw to the odds of the
    target probability); returns the rows in order and every row's target inclusion probability."""
    target = np.minimum(total * propensity / propensity.sum(), 1.0 - 1e-9)
    u = rng.random(propensity.size)
    ratio = (u * (1.0 - target)) / ((1.0 - u) * target)
    chosen = np.sort(np.argsort(ratio, kind="stable")[:total]).astype(np.int64)
    return chosen, target


@dataclass(frozen=True)
class _Coded:
    """A categorical column as integer codes into its levels."""

    levels: tuple[str, ...]
    codes: npt.NDArray[np.int64]

    @classmethod
    def of(cls, values: npt.NDArray[Any], rows: npt.NDArray[np.int64]) -> _Coded:
        """``values`` (one per workplace, say) coded once, then taken at ``rows``."""
        levels, codes = np.unique(values, return_inverse=True)
        return cls(tuple(str(v) for v in levels), codes.ravel().astype(np.int64)[rows])


def _population_summary(
    time_saved: npt.NDArray[np.float64],
    workload: npt.NDArray[np.int8],
    target: npt.NDArray[np.float64],
    margins: dict[str, _Coded],
) -> dict[str, Any]:
    """The population truth: national means and the margins a weighting method rakes to."""
    agree = (workload >= truths.AGREE_FROM).astype(np.float64)

    def expected(y: npt.NDArray[np.float64]) -> float:
        return round(float(np.sum(target * y) / np.sum(target)), 6)

    out: dict[str, Any] = {
        "size": int(time_saved.size),
        "time_saved_hours": round(float(time_saved.mean()), 6),
        "workload_share_agree": round(float(agree.mean()), 6),
        "expected_unweighted": {
            "time_saved_hours": expected(time_saved),
            "workload_share_agree": expected(agree),
        },
        "margins": {},
        "time_saved_hours_by_role": {},
    }
    for name, coded in margins.items():
        counts = np.bincount(coded.codes, minlength=len(coded.levels))
        out["margins"][name] = {k: int(c) for k, c in zip(coded.levels, counts, strict=True) if c}
    role = margins["role"]
    sums = np.bincount(role.codes, weights=time_saved, minlength=len(role.levels))
    counts = np.bincount(role.codes, minlength=len(role.levels))
    out["time_saved_hours_by_role"] = {
        k: round(float(s / c), 6) for k, s, c in zip(role.levels, sums, counts, strict=True) if c
    }
    return out


def _day_weights(period: Period) -> npt.NDArray[np.float64]:
    weights = np.ones(period.days)
    weekday = period.weekday(np.arange(period.days))
    weights[weekday >= 5] = _WEEKEND_WEIGHT
    for offset in range(period.days):
        day = period.start + dt.timedelta(days=offset)
        if any(day.month == m and lo <= day.day <= hi for m, lo, hi in _HOLIDAYS):
            weights[offset] *= _HOLIDAY_WEIGHT
    return weights


def _days(
    rng: np.random.Generator,
    first: npt.NDArray[np.int64],
    last: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """A day in [first, last] for each row, weighted by ``weights`` (rejection sampling in vector rounds)."""
    span = last - first + 1
    day = first + np.floor(rng.random(first.size) * span).astype(np.int64)
    pending = np.flatnonzero(rng.random(first.size) >= weights[day])
    for _ in range(12):  # 12 rounds leave ~1e-6 of weekend/holiday draws unthinned; harmless
        if pending.size == 0:
            break
        day[pending] = first[pending] + np.floor(rng.random(pending.size) * span[pending]).astype(np.int64)
        pending = pending[rng.random(pending.size) >= weights[day[pending]]]
    return day


def _hex_ids(rng: np.random.Generator, n: int) -> tuple[npt.NDArray[np.uint64], pl.Series]:
    """n distinct random 64-bit ids and their 16-character hex strings."""
    ids = rng.integers(0, np.iinfo(np.uint64).max, size=n, dtype=np.uint64, endpoint=True)
    while True:
        _, first = np.unique(ids, return_index=True)
        if first.size == n:
            break
        repeat = np.setdiff1d(np.arange(n), first)
        ids[repeat] = rng.integers(
            0, np.iinfo(np.uint64).max, size=repeat.size, dtype=np.uint64, endpoint=True
        )
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    nibbles = ((ids[:, None] >> shifts[None, :]) & np.uint64(15)).astype(np.uint8)
    ascii_codes = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles]
    text = pl.Series(np.ascontiguousarray(ascii_codes).view("S16").ravel()).cast(pl.String)
    return ids, text


def generate_responses(
    rng: np.random.Generator,
    period: Period,
    releases: Releases,
    workplaces: Workplaces,
    deployments: Deployments,
    total: int,
    response_bias: bool = True,
) -> Responses:
    n_wp = len(workplaces)
    tool_ids = [t.tool_id for t in TOOLS]
    drop_tool = tool_ids.index(VERSION_DROP_TOOL)

    # Workplace random effects, drawn whatever the number of check-ins so that the rest stays stable.
    engagement = np.exp(0.6 * rng.standard_normal(n_wp))
    stance_culture = 0.5 * rng.standard_normal(n_wp)
    training_culture = 0.6 * rng.standard_normal(n_wp)
    time_effect = _TIME_WORKPLACE_SD * rng.standard_normal(n_wp)
    item_effect = _ITEM_WORKPLACE_SD * rng.standard_normal((n_wp, len(ITEMS)))
    pupil_effect = 0.35 * rng.standard_normal(n_wp)

    # Who answers, and when.
    first, last = deployments.window(period)
    active_days = np.maximum(last - first + 1, 0)
    staff_in_roles = workplaces.staff[deployments.workplace] * (deployments.roles @ np.array(ROLE_SHARES))
    weight = (
        active_days
        * staff_in_roles**0.8
        * engagement[deployments.workplace]
        * np.array([t.intensity for t in TOOLS])[deployments.tool]
    )
    # With response bias, the population of potential check-ins, of which ``total`` are made (below).
    population = math.ceil(total / truths.RESPONSE_RATE) if response_bias else total
    counts = (
        rng.multinomial(population, weight / weight.sum()) if total else np.zeros(len(deployments), np.int64)
    )
    dep = np.repeat(np.arange(len(deployments)), counts)
    n = dep.size
    wp = deployments.workplace[dep]
    tool = deployments.tool[dep]
    day = _days(rng, first[dep], last[dep], _day_weights(period))

    role_p = deployments.roles * np.array(ROLE_SHARES)
    role_cum = np.cumsum(role_p / role_p.sum(axis=1, keepdims=True), axis=1)
    role = np.minimum((role_cum[dep] <= rng.random(n)[:, None]).sum(axis=1), len(ROLES) - 1)

    stance = _ordered(
        stance_culture[wp]
        + np.array(_STANCE_ROLE)[role]
        + np.array([t.stance for t in TOOLS])[tool]
        + rng.logistic(size=n),
        _STANCE_CUTS,
        descending=True,
    )
    quintile = workplaces.quintile[wp]
    training = _ordered(
        training_culture[wp]
        + _TRAINING_DEPRIVATION * (quintile - 3)
        + np.array(_TRAINING_ROLE)[role]
        + rng.logistic(size=n),
        _TRAINING_CUTS,
        descending=False,
    )
    mandatory = deployments.mandatory[dep] ^ (rng.random(n) < _USE_FLIP)
    frequency = _ordered(
        np.array([t.frequency for t in TOOLS])[tool]
        + _FREQUENCY_MANDATORY * mandatory
        + _FREQUENCY_STANCE[stance]
        + rng.logistic(size=n),
        _FREQUENCY_CUTS,
        descending=True,
    )

    version = releases.live(tool, day)
    labels = releases.labels()
    version_row = releases.global_index()[tool] + version
    drop_version = labels.index(truths.VERSION_DROP_TO, int(releases.global_index()[drop_tool]))
    dropped = version_row == drop_version

    time_latent = (
        np.array([t.time_saved for t in TOOLS])[tool]
        + truths.VERSION_DROP_HOURS * dropped
        + _TIME_ROLE[role]
        + _TIME_TRAINING[training]
        + _TIME_STANCE[stance]
        + _TIME_FREQUENCY[frequency]
        + time_effect[wp]
        + _TIME_NOISE_SD * rng.standard_normal(n)
    )
    time_saved = _hours(time_latent)

    mood = _ITEM_MOOD_SD * rng.standard_normal(n)
    stance_score = _STANCE_SCORE[stance]
    latent: dict[str, npt.NDArray[np.float64]] = {}
    for j, item in enumerate(ITEMS):
        valence = ITEM_VALENCE[item]
        latent[item] = (
            ITEM_BASE[item]
            + np.array([t.items.get(item, 0.0) for t in TOOLS])[tool]
            + valence * (_ITEM_STANCE * stance_score + 0.8 * mood)
            + item_effect[wp, j]
            + _ITEM_NOISE_SD * rng.standard_normal(n)
        )
    latent["workload"] += _WORKLOAD_PER_HOUR * (time_latent - 1.0) + _WORKLOAD_ROLE[role]
    latent["it_friction"] += truths.IT_FRICTION_PER_QUINTILE * (quintile - 1)
    latent["wellbeing"] += truths.MANDATORY_WELLBEING * mandatory
    items = {item: _likert(values) for item, values in latent.items()}

    # Who answers: with response bias, ``total`` of the population, by response propensity.
    phase = _Coded.of(workplaces.phase, wp)
    region = _Coded.of(workplaces.frame["region"].to_numpy(), wp)
    if response_bias and n:
        chosen, target = _respondents(rng, _propensity(role, stance, phase, region), total)
    else:
        chosen, target = np.arange(n, dtype=np.int64), np.ones(n)
    summary = (
        _population_summary(
            time_saved,
            items["workload"],
            target,
            {"role": _Coded(ROLES, role), "phase": phase, "region": region},
        )
        if n
        else {}
    )
    if response_bias and n:
        dep, wp, tool, day, role = dep[chosen], wp[chosen], tool[chosen], day[chosen], role[chosen]
        stance, quintile, training = stance[chosen], quintile[chosen], training[chosen]
        mandatory, frequency, version_row = mandatory[chosen], frequency[chosen], version_row[chosen]
        dropped, stance_score = dropped[chosen], stance_score[chosen]
        time_latent, time_saved = time_latent[chosen], time_saved[chosen]
        latent = {k: v[chosen] for k, v in latent.items()}
        items = {k: v[chosen] for k, v in items.items()}
        n = total

    module = rng.random(n) < _PUPIL_MODULE_BY_ROLE[role]
    group = np.array([_PHASE_GROUP.get(str(p), 2) for p in workplaces.phase])[wp]
    pupil: dict[str, pl.Series] = {}
    for name, bases in _PUPIL_BASE.items():
        score = _likert(
            np.array(bases)[group] + pupil_effect[wp] - 0.25 * stance_score + 0.9 * rng.standard_normal(n)
        )
        pupil[name] = pl.Series(name, score, dtype=pl.Int8).scatter(np.flatnonzero(~module), None)

    dont_know = rng.random(n) < _DONT_KNOW_BY_FREQUENCY[frequency]
    version_label = pl.Series(labels + [DONT_KNOW], dtype=pl.String).gather(
        np.where(dont_know, len(labels), version_row)
    )

    commenting = np.flatnonzero(
        rng.random(n) < np.where(np.isin(stance, (0, 3)), _COMMENT_EXTREME_RATE, _COMMENT_RATE)
    )
    pupil_tool = np.array(["pupils" in t.audiences for t in TOOLS])
    theme = comments.choose_themes(
        rng,
        time_saved=time_saved[commenting],
        items={k: v[commenting] for k, v in items.items()},
        untrained=training[commenting] <= 1,
        pupil_tool=pupil_tool[tool[commenting]],
    )
    text = comments.write_comments(rng, theme, tool[commenting], time_saved[commenting])
    comment = pl.repeat(None, n, dtype=pl.String, eager=True).alias("comment").scatter(commenting, text)
    comment_theme = (
        pl.repeat(None, n, dtype=pl.String, eager=True)
        .alias("comment_theme")
        .scatter(commenting, pl.Series(comments.THEME_CODES, dtype=pl.String).gather(theme))
    )

    ids, id_text = _hex_ids(rng, n)
    weekday = period.weekday(day)
    frame = pl.DataFrame(
        {
            "response_id": id_text,
            "workplace_id": workplaces.frame["workplace_id"].gather(wp),
            "tool_id": pl.Series(tool_ids, dtype=pl.String).gather(tool),
            "version_label": version_label,
            "submitted_on": period.dates(day),
            "week": period.dates(day - weekday),
            "role": pl.Series(ROLES, dtype=pl.String).gather(role),
            "frequency": pl.Series(FREQUENCIES, dtype=pl.String).gather(frequency),
            "time_saved_hours": time_saved,
            **{item: pl.Series(item, values, dtype=pl.Int8) for item, values in items.items()},
            "use": pl.Series(USES, dtype=pl.String).gather(mandatory.astype(np.int64)),
            "training": pl.Series(TRAINING, dtype=pl.String).gather(training),
            "stance": pl.Series(STANCES, dtype=pl.String).gather(stance),
            "pupil_ai_module": module,
            **pupil,
            "comment": comment,
            "comment_theme": comment_theme,
        }
    )
    # Export order: by day, then by the random id (so nothing about the generator's order shows).
    frame = frame[np.lexsort((ids, day))]

    enough, none = TRAINING.index("enough"), TRAINING.index("none")
    training_rows = training == enough
    expected = {
        "version_drop": _shift_on_observed(time_latent[dropped], truths.VERSION_DROP_HOURS, _hours),
        "deprivation_it_friction": _shift_on_observed(
            latent["it_friction"][quintile == 5], 4 * truths.IT_FRICTION_PER_QUINTILE, _likert
        ),
        "mandated_wellbeing": _shift_on_observed(
            latent["wellbeing"][mandatory], truths.MANDATORY_WELLBEING, _likert
        ),
        "training_time_saved": _shift_on_observed(
            time_latent[training_rows], float(_TIME_TRAINING[enough] - _TIME_TRAINING[none]), _hours
        ),
    }
    return Responses(frame=frame, expected=expected, population=summary)
