"""Names for synthetic workplaces: regions, local authorities, fictional schools and multi-academy trusts.

School names are built from English place-name elements ("Oak" + "field") and church dedications.

Local authorities are the real English ones (public, and needed for realistic grouping); every school and
trust name is made up, though with about 1,500 invented places some will coincide with real names.
"""

from __future__ import annotations

import numpy as np

# Share of England's state-funded schools in each region (DfE schools census, 2024, rounded).
REGION_SHARES: dict[str, float] = {
    "north_east": 0.05,
    "north_west": 0.13,
    "yorkshire_humber": 0.10,
    "east_midlands": 0.09,
    "west_midlands": 0.11,
    "east_of_england": 0.12,
    "london": 0.12,
    "south_east": 0.16,
    "south_west": 0.12,
}

_FIRST = (
    "Oak",
    "Ash",
    "Elm",
    "Beech",
    "Birch",
    "Hazel",
    "Willow",
    "Holly",
    "Thorn",
    "Bramble",
    "Rowan",
    "Alder",
    "Brook",
    "River",
    "Mill",
    "Marsh",
    "Moor",
    "Heath",
    "Green",
    "Hill",
    "Fair",
    "High",
    "Long",
    "Broad",
    "Kings",
    "Queens",
    "North",
    "South",
    "East",
    "West",
    "Church",
    "Chapel",
    "Stan",
    "Brad",
    "Ald",
    "Whit",
    "Lang",
    "Red",
    "Black",
    "Stone",
    "Wood",
    "Cold",
    "Ship",
    "Sand",
    "Bar",
    "Ham",
    "Hol",
    "Sut",
    "Mel",
    "Dun",
)
_SECOND = (
    "field",
    "wood",
    "brook",
    "side",
    "dale",
    "ley",
    "ton",
    "ford",
    "bury",
    "gate",
    "hurst",
    "mead",
    "well",
    "by",
    "thorpe",
    "combe",
    "worth",
    "ham",
    "stead",
    "bridge",
    "croft",
    "lands",
    "hall",
    "wick",
    "cote",
    "more",
    "lea",
    "den",
    "holme",
    "burn",
)
_WHOLE = (
    "Riverside",
    "Parkside",
    "Hillside",
    "Brookside",
    "Meadowbank",
    "Highfield",
    "Greenfield",
    "Woodlands",
    "Fairfield",
    "Westfield",
    "Eastfield",
    "Northfield",
    "Southfield",
    "Moorside",
    "Hillcrest",
    "Ravenscroft",
    "Larkrise",
    "Kingfisher",
    "Heronsgate",
    "Sandhill",
    "Springfield",
    "Orchard Vale",
    "Beacon Hill",
    "Castle View",
    "Abbey Meadows",
    "Meadowside",
    "Foxhill",
    "Badger Hill",
    "Oakwood Park",
    "Lime Tree",
)
_SAINTS = (
    "Mary",
    "John",
    "Peter",
    "Paul",
    "Michael",
    "Andrew",
    "Mark",
    "Luke",
    "Matthew",
    "James",
    "George",
    "Anne",
    "Margaret",
    "Joseph",
    "Patrick",
    "Thomas",
    "Bede",
    "Edmund",
    "Alban",
    "Chad",
    "Cuthbert",
    "Hilda",
    "Augustine",
    "Gregory",
    "Bernadette",
    "Teresa",
    "Francis",
    "Nicholas",
    "Stephen",
    "Barnabas",
    "Aidan",
    "Wilfrid",
    "Oswald",
    "Catherine",
    "Helen",
    "Lawrence",
    "Martin",
    "Clement",
    "Leonard",
    "Giles",
)
_RC_DEDICATIONS = (
    "Sacred Heart",
    "Holy Family",
    "English Martyrs",
    "Our Lady of Lourdes",
    "Our Lady Queen of Peace",
    "Holy Cross",
    "Christ the King",
    "Holy Rosary",
    "Corpus Christi",
    "Blessed Sacrament",
)
_COFE_DEDICATIONS = ("Holy Trinity", "Christ Church", "All Saints", "St Michael and All Angels", "Emmanuel")

# Trust name elements; trusts work within one region, as most do.
_TRUST_FIRST = (
    "Aspire",
    "Horizon",
    "Beacon",
    "Compass",
    "Evolve",
    "Unity",
    "Harmony",
    "Endeavour",
    "Inspire",
    "Summit",
    "Keystone",
    "Lighthouse",
    "Pathway",
    "Kite",
    "Heron",
    "Kestrel",
    "Willow",
    "Cedar",
    "Oak",
    "Rowan",
    "Silver Birch",
    "Meridian",
    "Pioneer",
    "Spire",
    "Three Spires",
    "Five Rivers",
    "Greenwood",
    "Hillcrest",
    "Crossroads",
    "Northstar",
    "Skylark",
    "Lantern",
    "Wellspring",
    "Bridgeway",
    "Tapestry",
    "Acorn",
)
_TRUST_REGION = {
    "north_east": ("Tyne", "Wear", "Tees", "Cheviot", "Durham Dales"),
    "north_west": ("Pennine", "Mersey", "Lakeland", "Ribble", "Irwell"),
    "yorkshire_humber": ("Wolds", "Dales", "Humber", "Aire", "Calder"),
    "east_midlands": ("Peak", "Trent", "Soar", "Fosse", "Nene"),
    "west_midlands": ("Severn", "Arden", "Malvern", "Black Country", "Cannock Chase"),
    "east_of_england": ("Fenland", "Broads", "Chilterns North", "Stour", "Ouse"),
    "london": ("Thames", "Lea Valley", "Capital", "Wandle", "City"),
    "south_east": ("Downs", "Weald", "Solent", "Chiltern", "Medway Valley"),
    "south_west": ("Wessex", "Mendip", "Exmoor", "Cotswold", "Tamar"),
}
_TRUST_KIND = (
    "Learning Trust",
    "Education Trust",
    "Academy Trust",
    "Multi Academy Trust",
    "Schools Trust",
    "Partnership Trust",
    "Academies Trust",
)


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def place(rng: np.random.Generator) -> str:
    """One invented English place name."""
    if rng.random() < 0.15:
        return _pick(rng, _WHOLE)
    return _pick(rng, _FIRST) + _pick(rng, _SECOND)


def saint(rng: np.random.Generator) -> str:
    name = _pick(rng, _SAINTS)
    return f"St {name}'" if name.endswith("s") else f"St {name}'s"


def _choose(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    # A plain cumulative draw: Generator.choice with p= costs ~20 microseconds a call, too slow per school.
    point = rng.random() * sum(w for _, w in weighted)
    for name, weight in weighted:
        point -= weight
        if point < 0:
            return name
    return weighted[-1][0]


def school_name(rng: np.random.Generator, phase: str, religion: str, academy: bool) -> str:
    """A realistic school name for the phase, religious character ("", "cofe", "rc") and academy status."""
    where = place(rng)
    # "Park", "Hill" and "Village" only after a one-word place ("Ashby Park", not "Oakwood Park Park").
    park, village, hill = ("", "", "") if " " in where else (" Park", " Village", " Hill")
    if phase == "primary":
        if religion == "cofe":
            return _choose(
                rng,
                (
                    (f"{saint(rng)} Church of England Primary School", 4.0),
                    (f"{where} Church of England Primary School", 4.0),
                    (f"{where} CofE Primary Academy" if academy else f"{where} CofE Primary School", 2.0),
                    (f"{_pick(rng, _COFE_DEDICATIONS)} Church of England Primary School", 1.5),
                    (f"{where} Church of England Infant School", 0.6),
                ),
            )
        if religion == "rc":
            return _choose(
                rng,
                (
                    (f"{saint(rng)} Catholic Primary School", 5.0),
                    (f"{_pick(rng, _RC_DEDICATIONS)} Catholic Primary School", 3.0),
                    (
                        f"{saint(rng)} Catholic Primary Academy"
                        if academy
                        else f"{saint(rng)} RC Primary School",
                        1.0,
                    ),
                ),
            )
        return _choose(
            rng,
            (
                (f"{where} Primary School", 6.0),
                (f"{where} Community Primary School", 1.2),
                (f"{where} Infant School", 0.8),
                (f"{where} Junior School", 0.7),
                (f"{where} Primary Academy" if academy else f"{where}{park} Primary School", 1.8),
                (f"{where} Academy" if academy else f"{where}{village} Primary School", 0.8),
                (f"{where} Nursery and Primary School", 0.4),
            ),
        )
    if phase in ("secondary", "all_through", "middle"):
        if religion == "cofe":
            return _choose(
                rng,
                (
                    (
                        f"{where} Church of England Academy"
                        if academy
                        else f"{where} Church of England School",
                        3.0,
                    ),
                    (f"{saint(rng)} Church of England High School", 2.0),
                    (f"{_pick(rng, _COFE_DEDICATIONS)} Church of England School", 1.0),
                ),
            )
        if religion == "rc":
            return _choose(
                rng,
                (
                    (f"{saint(rng)} Catholic High School", 3.0),
                    (f"{saint(rng)} Catholic Academy" if academy else f"{saint(rng)} Catholic School", 2.0),
                    (f"{_pick(rng, _RC_DEDICATIONS)} Catholic College", 1.5),
                ),
            )
        if phase == "all_through":
            return _choose(
                rng,
                (
                    (f"{where} Academy" if academy else f"{where} School", 3.0),
                    (f"{where} All-Through School", 1.5),
                    (f"{where} School", 1.0),
                ),
            )
        return _choose(
            rng,
            (
                (f"{where} Academy" if academy else f"{where} High School", 5.0),
                (f"{where} High School", 3.0),
                (f"{where} School", 2.0),
                (f"{where} Community College", 1.2),
                (f"{where} College", 1.0),
                (f"{where} Grammar School", 0.5),
                (f"The {where} School", 0.8),
            ),
        )
    if phase == "special":
        return _choose(
            rng,
            (
                (f"{where} School", 4.0),
                (f"{where} Special School", 1.5),
                (f"{where} Academy" if academy else f"{where}{park} School", 1.5),
                (f"{where} House School", 1.0),
                (f"{where}{hill} School", 1.0),
            ),
        )
    if phase == "alternative_provision":
        return _choose(
            rng,
            (
                (
                    f"{where} Alternative Provision Academy" if academy else f"{where} Pupil Referral Unit",
                    3.0,
                ),
                (f"{where} Learning Centre", 2.0),
                (f"The {where} Centre", 1.0),
            ),
        )
    if phase == "sixteen_plus":
        if religion == "rc":
            return f"{saint(rng)} Catholic Sixth Form College"
        return _choose(rng, ((f"{where} College", 3.0), (f"{where} Sixth Form College", 2.0)))
    return f"{where} School"


def trust_names(rng: np.random.Generator, region: str, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct invented multi-academy trust names for a region, none already in ``taken``."""
    names: list[str] = []
    local = _TRUST_REGION[region]
    while len(names) < count:
        roll = rng.random()
        if roll < 0.45:
            name = f"{_pick(rng, _TRUST_FIRST)} {_pick(rng, _TRUST_KIND)}"
        elif roll < 0.85:
            name = f"{_pick(rng, local)} {_pick(rng, _TRUST_FIRST)} {_pick(rng, _TRUST_KIND)}"
        else:
            name = f"The {place(rng)} {_pick(rng, _TRUST_KIND)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def diocesan_trust_names(region: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Invented Church of England (three) and Catholic (two) trusts for a region's church academies."""
    local = _TRUST_REGION[region]
    return (
        tuple(f"{name} Diocesan Academies Trust" for name in local[:3]),
        tuple(f"{name} Catholic Schools Partnership" for name in local[3:5]),
    )
