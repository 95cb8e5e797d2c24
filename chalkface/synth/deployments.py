"""Deployments: which tools each workplace uses, since when, for which staff, and whether use is mandatory.

Each workplace uses two to six tools (about 3.8 on average). The office-suite assistant is in most workplaces;
the HR analytics product mostly in trusts' schools, where it is also more often mandatory; marking, assessment
and monitoring tools lean to secondaries. About four deployments in five were already running when the period
starts; the rest start during it, and a few end during it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.synth.catalogue import TOOLS
from chalkface.synth.timeline import Period, Releases
from chalkface.synth.vocabulary import ROLES
from chalkface.synth.workplaces import Workplaces

# How many tools a workplace uses: 2, 3, 4, 5 or 6.
_TOOLS_PER_WORKPLACE = (0.15, 0.30, 0.28, 0.17, 0.10)
# HR analytics: how much likelier it is to be chosen in a trust's school, and the chance of mandatory use
# in and out of trusts.
_HR_TOOL = next(i for i, t in enumerate(TOOLS) if "hr_analytics" in t.capabilities)
_HR_TRUST_FACTOR, _HR_OTHER_FACTOR = 2.5, 0.2
_HR_MANDATORY_TRUST, _HR_MANDATORY_OTHER = 0.7, 0.3
_STARTS_DURING = 0.22  # share of deployments that start during the period
_ENDS_DURING = 0.07  # share that end during it
_LOOKBACK_DAYS = 730  # deployments already running started within the two years before the period
OPEN_END = np.iinfo(np.int32).max  # day offset standing for "still in use"

_PHASE_GROUP = {"primary": 0, "middle": 0, "secondary": 1, "all_through": 1, "sixteen_plus": 1}


@dataclass
class Deployments:
    frame: pl.DataFrame
    workplace: npt.NDArray[np.int64]  # row in the workplaces table
    tool: npt.NDArray[np.int64]  # index in catalogue.TOOLS
    start: npt.NDArray[np.int64]  # day offsets, inclusive
    end: npt.NDArray[np.int64]  # inclusive; OPEN_END when still in use
    mandatory: npt.NDArray[np.bool_]
    roles: npt.NDArray[np.bool_]  # deployments x ROLES

    def __len__(self) -> int:
        return self.frame.height

    def window(self, period: Period) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """First and last day (inclusive) each deployment is active inside the period."""
        return np.maximum(self.start, 0), np.minimum(self.end, period.days - 1)


def generate_deployments(
    rng: np.random.Generator, workplaces: Workplaces, period: Period, releases: Releases
) -> Deployments:
    n_wp, n_tools = len(workplaces), len(TOOLS)
    group = np.array([_PHASE_GROUP.get(str(p), 2) for p in workplaces.phase])
    weights = np.array([tool.adoption for tool in TOOLS]).T[group]  # workplaces x tools
    weights[:, _HR_TOOL] *= np.where(workplaces.in_trust, _HR_TRUST_FACTOR, _HR_OTHER_FACTOR)

    # Weighted sampling without replacement, vectorised: the k largest of log(weight) + Gumbel noise.
    keys = np.log(weights) + rng.gumbel(size=(n_wp, n_tools))
    order = np.argsort(-keys, axis=1, kind="stable")
    k = 2 + rng.choice(len(_TOOLS_PER_WORKPLACE), size=n_wp, p=_TOOLS_PER_WORKPLACE)
    chosen = np.zeros((n_wp, n_tools), dtype=bool)
    rows = np.repeat(np.arange(n_wp), k)
    rank = np.arange(rows.size) - np.repeat(np.cumsum(k) - k, k)  # 0 .. k-1 within each workplace
    chosen[rows, order[rows, rank]] = True
    workplace, tool = np.nonzero(chosen)  # ordered by workplace, then tool
    n = workplace.size

    # Start days: most before the period (more of them recent), not before two weeks after the tool's first
    # release; the rest during the first 80% of the period.
    first_release = np.array([days[0] for days in releases.offsets])[tool]
    earliest = np.maximum(first_release + 14, -_LOOKBACK_DAYS)
    before = -1 - np.floor(rng.random(n) ** 1.6 * (-1 - earliest)).astype(np.int64)
    during = np.floor(rng.random(n) * 0.8 * period.days).astype(np.int64)
    start = np.where(rng.random(n) < _STARTS_DURING, during, before)

    # A few end during the period, at least four weeks after they start (or after the period starts).
    earliest_end = np.maximum(start, 0) + 28
    room = period.days - 1 - earliest_end
    ends = (rng.random(n) < _ENDS_DURING) & (room > 0)
    end = np.where(
        ends, earliest_end + np.floor(rng.random(n) * np.maximum(room, 0)).astype(np.int64), OPEN_END
    )

    mandatory_p = np.array([t.mandatory for t in TOOLS])[tool]
    hr = tool == _HR_TOOL
    mandatory_p[hr] = np.where(workplaces.in_trust[workplace[hr]], _HR_MANDATORY_TRUST, _HR_MANDATORY_OTHER)
    mandatory = rng.random(n) < mandatory_p

    core = np.array([[r in t.core_roles for r in ROLES] for t in TOOLS])[tool]
    optional = np.array([[r in t.optional_roles for r in ROLES] for t in TOOLS])[tool]
    roles = core | (optional & (rng.random((n, len(ROLES))) < 0.7))
    role_text = _role_strings(roles)

    purpose_choice = rng.random(n)
    purpose = np.empty(n, dtype=object)
    for i, t in enumerate(TOOLS):
        rows_t = np.flatnonzero(tool == i)
        pick = np.floor(purpose_choice[rows_t] * len(t.purposes)).astype(np.int64)
        purpose[rows_t] = np.array(t.purposes, dtype=object)[pick]

    width = max(6, len(str(n)))
    frame = pl.DataFrame(
        {
            "deployment_id": [f"D{i:0{width}d}" for i in range(1, n + 1)],
            "tool_id": np.array([t.tool_id for t in TOOLS])[tool],
            "workplace_id": workplaces.frame["workplace_id"].gather(workplace),
            "starts_on": period.dates(start),
            "ends_on": period.dates(np.where(ends, end, 0)),
            "staff_roles": role_text,
            "purpose": purpose.astype(str),
            "use": np.where(mandatory, "mandatory", "optional"),
        },
        schema_overrides={"deployment_id": pl.String},
    ).with_columns(pl.when(pl.Series(ends)).then(pl.col("ends_on")).otherwise(None).alias("ends_on"))
    return Deployments(frame, workplace.astype(np.int64), tool.astype(np.int64), start, end, mandatory, roles)


def _role_strings(roles: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
    """Each row's roles as a ';'-joined string, via a lookup over the 32 possible combinations."""
    bits = roles.astype(np.int64) @ (1 << np.arange(len(ROLES)))
    table = np.array(
        [";".join(r for j, r in enumerate(ROLES) if code >> j & 1) for code in range(1 << len(ROLES))]
    )
    return table[bits]
