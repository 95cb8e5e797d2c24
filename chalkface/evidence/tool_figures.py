"""Every figure about one tool, in one call: each measure overall and by each grouping, with disclosure
control applied. The tool page, the evidence brief and ``bench/evidence.py`` all use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from chalkface.evidence._frames import jsonable, require_columns
from chalkface.evidence.disclosure import DisclosurePolicy
from chalkface.evidence.estimate import EstimateTable, estimate_many
from chalkface.evidence.workforce import estimate_many_weighted

DEFAULT_MEASURES = ("time_saved_hours", "workload", "quality", "wellbeing", "trust", "data_concern")
DEFAULT_GROUPINGS = ("version_label", "role", "phase", "region", "deprivation_quintile", "it_rating")


@dataclass(frozen=True)
class ToolFigures:
    """A tool's figures: ``headline`` (one table per measure, everyone) and ``breakdowns`` (by grouping
    column, one table per measure). ``n_responses`` and ``n_workplaces`` are ``None`` below the threshold."""

    tool: Any
    k: int
    n_responses: int | None
    n_workplaces: int | None
    headline: tuple[EstimateTable, ...]
    breakdowns: dict[str, tuple[EstimateTable, ...]] = field(default_factory=dict)

    @property
    def figures(self) -> tuple[EstimateTable, ...]:
        """Every table: the headline, then each breakdown."""
        return self.headline + tuple(t for tables in self.breakdowns.values() for t in tables)

    def get(self, measure: str, by: Sequence[str] = ()) -> EstimateTable:
        for table in self.figures:
            if table.measure == measure and table.by == tuple(by):
                return table
        raise KeyError((measure, tuple(by)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": jsonable(self.tool),
            "k": self.k,
            "n_responses": self.n_responses,
            "n_workplaces": self.n_workplaces,
            "figures": [t.to_dict() for t in self.figures],
        }

    def summary(self) -> str:
        count = self.n_responses if self.n_responses is not None else "too few"
        head = f"Figures for {self.tool}: {count} responses"
        return "\n\n".join([head] + [t.summary() for t in self.figures])


def tool_figures(
    responses: pl.DataFrame,
    tool: Any,
    *,
    tool_col: str = "tool_id",
    measures: Sequence[str] = DEFAULT_MEASURES,
    groupings: Sequence[str] = DEFAULT_GROUPINGS,
    weight: str | None = None,
    weight_class: str | None = None,
    cluster: str | None = "workplace_id",
    k: int = 10,
    policy: DisclosurePolicy | None = None,
) -> ToolFigures:
    """Estimates of each measure, overall and by each grouping column, for the responses about ``tool``.

    ``responses`` should already carry the workplace context columns used in ``groupings``. Measures with
    no answers, and groupings absent from the data or with no values, are left out. With ``weight`` and
    ``weight_class`` (from :func:`chalkface.evidence.workforce.weight_to_workforce`), each group is weighted
    only where its weights cannot single anyone out (see :mod:`chalkface.evidence.workforce`). Intervals are
    clustered by ``cluster`` when the column is there (colleagues' answers are alike); a group drawn from
    one workplace, or from two or three, gets a note saying so.
    """
    policy = policy or DisclosurePolicy(k=k)
    require_columns(responses, [tool_col])
    sub = responses.filter(pl.col(tool_col) == tool)
    use_cluster = cluster if cluster in sub.columns else None
    present = [m for m in measures if m in sub.columns and sub[m].null_count() < sub.height]
    headline: tuple[EstimateTable, ...] = ()
    breakdowns: dict[str, tuple[EstimateTable, ...]] = {}
    if present:
        if weight is not None and weight_class is not None:
            options: dict[str, Any] = {
                "weight": weight,
                "weight_class": weight_class,
                "cluster": use_cluster,
                "policy": policy,
            }
            run: Any = estimate_many_weighted
        else:
            options = {"weight": weight, "cluster": use_cluster, "policy": policy}
            run = estimate_many
        headline = tuple(run(sub, present, [], **options))
        for by in groupings:
            if by in sub.columns and sub[by].null_count() < sub.height:
                breakdowns[by] = tuple(run(sub, present, [by], **options))
    n = sub.height
    key_sum = float(sub[policy.cell_key.column].sum()) if policy.cell_key is not None else None
    shown = not policy.is_small(n) and policy.admits((), [("responses", n, key_sum or 0.0)])
    published = policy.publish_count(n, key_sum) if shown else None
    places = None
    if published is not None and use_cluster is not None:
        places = int(sub[use_cluster].n_unique())
    return ToolFigures(tool, policy.k, published, places, headline, breakdowns)
