"""Every figure of one tool's evidence brief, computed in one call with disclosure control applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from chalkface.evidence._frames import jsonable, require_columns
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.estimate import EstimateTable, estimate_many

DEFAULT_MEASURES = ("time_saved_hours", "workload", "quality", "wellbeing", "trust", "data_concern")
DEFAULT_GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("version_label",),
    ("role",),
    ("phase",),
    ("deprivation_quintile",),
)


@dataclass(frozen=True)
class ToolBrief:
    """The figures of a tool's brief: one :class:`EstimateTable` per measure and grouping."""

    tool: Any
    n_responses: int | None
    k: int
    figures: tuple[EstimateTable, ...]

    def get(self, measure: str, by: Sequence[str] = ()) -> EstimateTable:
        for f in self.figures:
            if f.measure == measure and f.by == tuple(by):
                return f
        raise KeyError((measure, tuple(by)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": jsonable(self.tool),
            "n_responses": self.n_responses,
            "k": self.k,
            "figures": [f.to_dict() for f in self.figures],
        }

    def summary(self) -> str:
        count = self.n_responses if self.n_responses is not None else "too few"
        head = f"Brief for {self.tool}: {count} responses"
        return "\n\n".join([head] + [f.summary() for f in self.figures])


def tool_brief(
    responses: pl.DataFrame,
    tool: Any,
    *,
    tool_col: str = "tool_id",
    measures: Sequence[str] = DEFAULT_MEASURES,
    groupings: Sequence[Sequence[str]] = DEFAULT_GROUPINGS,
    weight: str | None = None,
    cluster: str | None = "workplace_id",
    k: int = 10,
    policy: DisclosurePolicy | None = None,
) -> ToolBrief:
    """Estimates of each measure, overall and by each grouping, for the responses about ``tool``.

    ``responses`` should already carry the workplace context columns used in ``groupings`` (join the
    workplaces on ``workplace_id``). Measures or groupings absent from the data are skipped.
    """
    policy = policy or DisclosurePolicy(k=k)
    require_columns(responses, [tool_col])
    sub = responses.filter(pl.col(tool_col) == tool)
    use_cluster = cluster if cluster in sub.columns else None
    present = [m for m in measures if m in sub.columns]
    by_grouping: dict[tuple[str, ...], list[EstimateTable]] = {}
    for by in groupings:
        if present and all(c in sub.columns for c in by):
            tables = estimate_many(sub, present, list(by), weight=weight, cluster=use_cluster, policy=policy)
            by_grouping[tuple(by)] = tables
    # measure by measure, each in the order of the groupings
    figures = [tables[i] for i in range(len(present)) for tables in by_grouping.values()]
    n = sub.height
    return ToolBrief(tool, None if policy.is_small(n) else policy.publish_count(n), policy.k, tuple(figures))
