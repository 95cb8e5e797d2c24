"""Incident rates per deployment-month for two versions of a tool, with the quasi-Poisson rate ratio."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy import stats

from chalkface.evidence._frames import jsonable, require_columns
from chalkface.evidence.change.versions import display_name
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.notes import Note, format_p


@dataclass(frozen=True)
class IncidentRateChange:
    """Incident rates per 100 deployment-months for two versions and their quasi-Poisson rate ratio."""

    tool: Any
    before: str
    after: str
    incidents_before: int | None
    incidents_after: int | None
    exposure_before: float
    exposure_after: float
    rate_before: float | None
    rate_after: float | None
    rate_ratio: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    dispersion: float | None
    suppressed: bool
    reason: str | None
    tool_name: str | None = None
    perturbed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: jsonable(v) for k, v in vars(self).items()}

    def sentence(self) -> str:
        tool = display_name(self.tool_name, self.tool)
        if self.suppressed:
            return f"Incidents with {tool}{self.after} vs {self.before}: not shown ({self.reason})."
        assert self.rate_ratio is not None and self.rate_before is not None and self.rate_after is not None
        return (
            f"With {tool}version {self.after}, incidents were reported at {self.rate_after:.2f} per 100 "
            f"deployment-months against {self.rate_before:.2f} with {self.before}: {self.rate_ratio:.2f} "
            f"times the rate (95% interval {self.lower:.2f} to {self.upper:.2f}; {format_p(self.p_value)})."
        )

    def summary(self) -> str:
        return self.sentence()


def incident_rate_change(
    incidents: pl.DataFrame,
    exposure: pl.DataFrame,
    *,
    before: str | Sequence[str],
    after: str,
    tool: Any = None,
    tool_col: str = "tool_id",
    version: str = "version_label",
    period: str = "month",
    exposure_col: str = "deployment_months",
    k: int = 10,
    tool_name: str | None = None,
    policy: DisclosurePolicy | None = None,
) -> IncidentRateChange:
    """Compare incident rates per exposure between two versions with a quasi-Poisson model.

    ``incidents``: one row per incident report. ``exposure``: deployment-months per version and period.
    Counts per (version, period) are modelled as ``count ~ after + offset(log exposure)``; the Pearson
    dispersion widens the interval for overdispersion. ``before`` may list several versions (all those
    before ``after``). Reports are counted, not people, and carry no answers, so the threshold ``k``
    applies to the reports of the whole comparison; a version with no reports at all gives no ratio.
    """
    befores = [before] if isinstance(before, str) else [str(b) for b in before]
    before_label = " and ".join(befores)
    require_columns(incidents, [version, period] + ([tool_col] if tool is not None else []), "the incidents")
    require_columns(
        exposure,
        [version, period, exposure_col] + ([tool_col] if tool is not None else []),
        "the exposure table",
    )
    inc, exp = incidents, exposure
    if tool is not None:
        inc = inc.filter(pl.col(tool_col) == tool)
        exp = exp.filter(pl.col(tool_col) == tool)
    inc = inc.filter(pl.col(version).is_in([*befores, after]))
    exp = exp.filter(pl.col(version).is_in([*befores, after]) & (pl.col(exposure_col) > 0))
    counts = inc.group_by(version, period).agg(pl.len().alias("__count"))
    cells = (
        exp.group_by(version, period)
        .agg(pl.col(exposure_col).sum().alias("__exposure"))
        .join(counts, on=[version, period], how="left")
        .with_columns(pl.col("__count").fill_null(0))
        .sort(version, period)
    )
    n_b = int(inc.filter(pl.col(version) != after).height)
    n_a = int(inc.filter(pl.col(version) == after).height)
    e_b = float(cells.filter(pl.col(version) != after)["__exposure"].sum())
    e_a = float(cells.filter(pl.col(version) == after)["__exposure"].sum())
    policy = policy or DisclosurePolicy(k=k)
    k = policy.k
    key_b = key_a = None
    if policy.cell_key is not None:
        ck = policy.cell_key.column
        require_columns(incidents, [ck], "the incidents")
        key_b = float(inc.filter(pl.col(version) != after)[ck].sum())
        key_a = float(inc.filter(pl.col(version) == after)[ck].sum())
    if e_b <= 0 or e_a <= 0:
        raise EvidenceError(f"no exposure recorded for version {before_label if e_b <= 0 else after!r}")
    if policy.is_small(n_b + n_a) or n_b == 0 or n_a == 0:
        return IncidentRateChange(
            tool,
            before_label,
            after,
            None,
            None,
            e_b,
            e_a,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            True,
            Note(
                "below_k_incidents",
                f"fewer than k={k} incident reports in all, or none for one of the versions",
                k=k,
            ),
            tool_name,
            policy.perturbs,
        )
    y = cells["__count"].cast(pl.Float64).to_numpy()
    d = (cells[version] == after).cast(pl.Float64).to_numpy()
    x = np.column_stack([np.ones(y.size), d])
    offset = np.log(cells["__exposure"].cast(pl.Float64).to_numpy())
    res = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    df_resid = float(res.df_resid)
    # Quasi-Poisson: widen by the Pearson dispersion, but never narrow below Poisson (with a dozen monthly
    # cells the dispersion is poorly estimated and can fall well under 1 by chance), and use a t quantile on
    # the residual degrees of freedom for the same reason.
    pearson = float(np.sum(res.resid_pearson**2)) / df_resid if df_resid > 0 else 1.0
    dispersion = max(1.0, pearson)
    b = float(res.params[1])
    se = float(res.bse[1]) * math.sqrt(dispersion)
    tcrit = float(stats.t.ppf(0.975, df_resid)) if df_resid >= 1 else float(stats.norm.ppf(0.975))
    p_value = float(2 * stats.t.sf(abs(b / se), df_resid)) if df_resid >= 1 else math.nan
    return IncidentRateChange(
        tool=tool,
        before=before_label,
        after=after,
        incidents_before=policy.publish_count(n_b, key_b),
        incidents_after=policy.publish_count(n_a, key_a),
        exposure_before=e_b,
        exposure_after=e_a,
        rate_before=100 * policy.publish_count(n_b, key_b) / e_b,
        rate_after=100 * policy.publish_count(n_a, key_a) / e_a,
        rate_ratio=math.exp(b),
        lower=math.exp(b - tcrit * se),
        upper=math.exp(b + tcrit * se),
        p_value=p_value,
        dispersion=pearson,
        suppressed=False,
        reason=None,
        tool_name=tool_name,
        perturbed=policy.perturbs,
    )
