"""Synthetic workplaces: English state schools (and a few colleges) with the register's context.

Distributions approximate England's state-funded schools (DfE schools census and Get Information About
Schools, 2024/25): about 79% primary, 16% secondary, 3% special, the rest all-through, alternative provision
and 16-19; primary schools of around 280 pupils, secondaries of around 1,000; a right-skewed free-school-meals
share averaging about 25%, highest in the North East, North West, West Midlands and London; roughly two in
five primaries and four in five secondaries academies, most in multi-academy trusts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface import vocab
from chalkface.synth import names
from chalkface.synth.authorities import LOCAL_AUTHORITIES

# Phase codes (from vocab.PHASES) and their shares.
PHASE_SHARES: dict[str, float] = {
    "primary": 0.795,
    "secondary": 0.155,
    "special": 0.032,
    "all_through": 0.006,
    "alternative_provision": 0.008,
    "sixteen_plus": 0.004,
}
# Pupils on roll: (median, lognormal sigma, minimum, maximum) by phase.
_PUPILS: dict[str, tuple[float, float, int, int]] = {
    "primary": (280.0, 0.5, 40, 750),
    "secondary": (1000.0, 0.35, 350, 2100),
    "special": (110.0, 0.5, 25, 450),
    "all_through": (1300.0, 0.35, 450, 2600),
    "alternative_provision": (55.0, 0.6, 8, 250),
    "sixteen_plus": (1600.0, 0.5, 300, 4500),
}
# Pupils per teacher and support staff per teacher (school workforce census, 2024, rounded).
_STAFFING: dict[str, tuple[float, float]] = {
    "primary": (20.5, 1.3),
    "secondary": (16.5, 0.8),
    "special": (6.0, 2.2),
    "all_through": (17.0, 0.9),
    "alternative_provision": (5.0, 1.2),
    "sixteen_plus": (18.0, 0.6),
}
_ACADEMY: dict[str, float] = {
    "primary": 0.42,
    "secondary": 0.82,
    "special": 0.45,
    "all_through": 0.75,
    "alternative_provision": 0.45,
    "sixteen_plus": 0.4,
}
# Religious character: (Church of England, Roman Catholic) shares by phase.
_RELIGION: dict[str, tuple[float, float]] = {
    "primary": (0.26, 0.10),
    "secondary": (0.06, 0.09),
    "all_through": (0.10, 0.05),
    "sixteen_plus": (0.0, 0.10),
}
# Median FSM share (percent) by region, on which a logit-normal spread sits (calibrated so that the national
# mean is about 25% and the vocab quintile bounds cut the schools into roughly equal fifths).
_FSM_MEDIAN: dict[str, float] = {
    "north_east": 29.0,
    "north_west": 26.5,
    "yorkshire_humber": 24.5,
    "east_midlands": 20.5,
    "west_midlands": 26.5,
    "east_of_england": 18.0,
    "london": 26.0,
    "south_east": 16.5,
    "south_west": 17.5,
}
_FSM_SPREAD = 0.86
# How much more likely than average a school in the region is to be rural.
_RURAL_FACTOR: dict[str, float] = {
    "north_east": 0.9,
    "north_west": 0.8,
    "yorkshire_humber": 1.0,
    "east_midlands": 1.2,
    "west_midlands": 1.0,
    "east_of_england": 1.3,
    "london": 0.0,
    "south_east": 1.0,
    "south_west": 1.4,
}

_ACADEMY_TYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "mainstream": (("Academy converter", 0.68), ("Academy sponsor led", 0.22), ("Free schools", 0.10)),
    "special": (
        ("Academy special converter", 0.60),
        ("Academy special sponsor led", 0.15),
        ("Free schools special", 0.25),
    ),
    "alternative_provision": (
        ("Academy alternative provision converter", 0.4),
        ("Academy alternative provision sponsor led", 0.3),
        ("Free schools alternative provision", 0.3),
    ),
    "sixteen_plus": (("Academy 16-19 converter", 0.7), ("Free schools 16 to 19", 0.3)),
}
# Share of academies in a single-academy trust, and the average size of a multi-academy trust.
_SINGLE_ACADEMY_TRUST = 0.10
_SCHOOLS_PER_TRUST = 8.0


@dataclass
class Workplaces:
    """The workplaces table and the arrays the rest of the generator needs, row-aligned with it."""

    frame: pl.DataFrame
    phase: npt.NDArray[np.str_]
    quintile: npt.NDArray[np.int64]
    in_trust: npt.NDArray[np.bool_]
    staff: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return self.frame.height


def _categorical(rng: np.random.Generator, shares: dict[str, float], size: int) -> npt.NDArray[np.str_]:
    keys = list(shares)
    p = np.array([shares[k] for k in keys])
    return np.array(keys)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def quintiles(fsm_share: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """``vocab.deprivation_quintile`` for an array (a share equal to a bound is in the lower quintile)."""
    bounds = np.array(vocab.FSM_QUINTILE_BOUNDS)
    return np.searchsorted(bounds, fsm_share, side="left").astype(np.int64) + 1


def generate_workplaces(rng: np.random.Generator, count: int) -> Workplaces:
    region = _categorical(rng, names.REGION_SHARES, count)
    phase = _categorical(rng, PHASE_SHARES, count)

    pupils = np.empty(count, dtype=np.int64)
    teachers = np.empty(count, dtype=np.float64)
    support = np.empty(count, dtype=np.float64)
    for code, (median, sigma, low, high) in _PUPILS.items():
        rows = np.flatnonzero(phase == code)
        pupils[rows] = np.clip(np.rint(median * np.exp(sigma * rng.standard_normal(rows.size))), low, high)
        ratio, support_ratio = _STAFFING[code]
        teachers[rows] = pupils[rows] / ratio
        support[rows] = support_ratio * np.exp(0.15 * rng.standard_normal(rows.size))
    # Teachers plus support staff plus the head and office; roughly pupils / 8 in a typical primary.
    staff = np.maximum(6, np.rint(teachers * (1.0 + support)) + 2).astype(np.int64)

    # Rural schools: mostly small primaries (about a quarter of primaries are rural, far fewer secondaries).
    base_rural = np.select(
        [(phase == "primary") & (pupils < 150), (phase == "primary") & (pupils < 250), phase == "primary"],
        [0.65, 0.30, 0.08],
        0.08,
    )
    rural_factor = np.array([_RURAL_FACTOR[r] for r in region])
    rural = rng.random(count) < np.minimum(0.95, base_rural * rural_factor)

    # FSM share: logit-normal around the region's median; rural schools a little lower, special and AP higher.
    centre = np.array([_logit(_FSM_MEDIAN[r] / 100.0) for r in region])
    centre += np.select([phase == "special", phase == "alternative_provision"], [0.7, 1.1], 0.0) - 0.3 * rural
    fsm = 100.0 / (1.0 + np.exp(-(centre + _FSM_SPREAD * rng.standard_normal(count))))
    fsm = np.clip(np.round(fsm, 1), 0.5, 90.0)
    quintile = quintiles(fsm)

    # IT provision rated 1-5, a point lower on average in the most deprived schools than the least.
    it_rating = np.clip(np.rint(3.3 - 0.25 * (quintile - 3) + 0.9 * rng.standard_normal(count)), 1, 5)

    academy = rng.random(count) < np.array([_ACADEMY[p] for p in phase])
    cofe, rc = (np.array([_RELIGION.get(p, (0.0, 0.0))[i] for p in phase]) for i in (0, 1))
    roll = rng.random(count)
    religion = np.where(roll < cofe, "cofe", np.where(roll < cofe + rc, "rc", ""))
    further_education = (phase == "sixteen_plus") & ~academy

    establishment = _establishment_types(rng, phase, academy, religion)
    local_authority = np.empty(count, dtype=object)
    for code, authorities in LOCAL_AUTHORITIES.items():
        rows = np.flatnonzero(region == code)
        weights = np.array([w for _, w in authorities])
        picks = rng.choice(len(authorities), size=rows.size, p=weights / weights.sum())
        local_authority[rows] = np.array([n for n, _ in authorities], dtype=object)[picks]

    school_names = [
        names.school_name(rng, str(p), str(r), bool(a))
        for p, r, a in zip(phase, religion, academy, strict=True)
    ]
    trust = _trusts(rng, region, academy & ~further_education, religion, school_names, local_authority)

    # URNs: distinct six-digit numbers from 100000, in no particular order (like the register's).
    urn = 100000 + rng.choice(900000, size=count, replace=False)
    width = max(6, len(str(count)))
    frame = pl.DataFrame(
        {
            "workplace_id": [f"W{i:0{width}d}" for i in range(1, count + 1)],
            "urn": urn.astype(np.int64),
            "name": school_names,
            "kind": np.where(phase == "sixteen_plus", "college", "school"),
            "phase": phase,
            "region": region,
            "establishment_type": establishment,
            "pupils": pupils,
            "fsm_share": fsm,
            "deprivation_quintile": quintile.astype(np.int8),
            "urban_rural": np.where(rural, "rural", "urban"),
            "it_rating": it_rating.astype(np.int8),
            "staff_headcount": staff,
            "trust": trust,
            "local_authority": local_authority.astype(str),
        },
        schema_overrides={"workplace_id": pl.String, "name": pl.String},
    )
    return Workplaces(frame=frame, phase=phase, quintile=quintile, in_trust=trust != "", staff=staff)


def _weighted(
    rng: np.random.Generator, options: tuple[tuple[str, float], ...], size: int
) -> npt.NDArray[np.str_]:
    p = np.array([w for _, w in options])
    return np.array([n for n, _ in options])[rng.choice(len(options), size=size, p=p / p.sum())]


def _establishment_types(
    rng: np.random.Generator,
    phase: npt.NDArray[np.str_],
    academy: npt.NDArray[np.bool_],
    religion: npt.NDArray[np.str_],
) -> npt.NDArray[np.str_]:
    """GIAS establishment type labels, consistent with phase, academy status and religious character."""
    count = phase.size
    kind = np.where(np.isin(phase, ["special", "alternative_provision", "sixteen_plus"]), phase, "mainstream")
    out = np.empty(count, dtype=object)
    for group, options in _ACADEMY_TYPES.items():
        rows = np.flatnonzero(academy & (kind == group))
        out[rows] = _weighted(rng, options, rows.size)
    maintained = ~academy
    roll = rng.random(count)
    mainstream = maintained & (kind == "mainstream")
    out[mainstream & (religion == "rc")] = "Voluntary aided school"
    cofe = mainstream & (religion == "cofe")
    out[cofe] = np.where(roll[cofe] < 0.35, "Voluntary aided school", "Voluntary controlled school")
    secular = mainstream & (religion == "")
    out[secular] = np.where(roll[secular] < 0.85, "Community school", "Foundation school")
    special = maintained & (kind == "special")
    out[special] = np.where(roll[special] < 0.85, "Community special school", "Foundation special school")
    out[maintained & (kind == "alternative_provision")] = "Pupil referral unit"
    out[maintained & (kind == "sixteen_plus")] = "Further education"
    return out.astype(str)


def _trusts(
    rng: np.random.Generator,
    region: npt.NDArray[np.str_],
    academy: npt.NDArray[np.bool_],
    religion: npt.NDArray[np.str_],
    school_names: list[str],
    local_authority: npt.NDArray[np.object_],
) -> npt.NDArray[np.str_]:
    """The trust of each academy ("" for maintained schools and FE colleges).

    About one academy in ten is a single-academy trust; church academies mostly join a diocesan trust; the
    rest join regional multi-academy trusts of lognormal size (many small trusts, a few large ones).
    """
    count = region.size
    trust = np.full(count, "", dtype=object)
    taken: set[str] = set()
    single = academy & (rng.random(count) < _SINGLE_ACADEMY_TRUST)
    for i in np.flatnonzero(single):
        base = school_names[i]
        name = f"{base} Trust" if base.endswith("Academy") else f"{base} Academy Trust"
        if name in taken:
            name = f"{name} ({local_authority[i]})"
        suffix = 2
        while name in taken:
            name, suffix = f"{name} {suffix}", suffix + 1
        taken.add(name)
        trust[i] = name
    roll = rng.random(count)
    for code in names.REGION_SHARES:
        in_region = academy & ~single & (region == code)
        cofe_trusts, rc_trusts = names.diocesan_trust_names(code)
        taken.update(cofe_trusts + rc_trusts)
        cofe = in_region & (religion == "cofe") & (roll < 0.6)
        rc = in_region & (religion == "rc") & (roll < 0.85)
        for chosen, pool_names in ((cofe, cofe_trusts), (rc, rc_trusts)):
            rows = np.flatnonzero(chosen)
            trust[rows] = np.array(pool_names, dtype=object)[rng.integers(len(pool_names), size=rows.size)]
        rows = np.flatnonzero(in_region & ~cofe & ~rc)
        if rows.size == 0:
            continue
        n_trusts = max(1, math.ceil(rows.size / _SCHOOLS_PER_TRUST))
        pool = np.array(names.trust_names(rng, code, n_trusts, taken), dtype=object)
        # Lognormal trust sizes: most trusts have a handful of schools, the largest several dozen.
        weights = np.exp(0.9 * rng.standard_normal(n_trusts))
        trust[rows] = pool[rng.choice(n_trusts, size=rows.size, p=weights / weights.sum())]
    return trust.astype(str)
