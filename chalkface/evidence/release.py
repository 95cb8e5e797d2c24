"""The release gate: the one place that decides whether figures may leave, and says what left.

Every figure Chalkface shows, whatever the channel (a page, an HTMX fragment, a chart and its table, a brief
in HTML or PDF, an open-data export, the JSON API, an alert or its e-mail, the command line), is computed by
this package under a :class:`~chalkface.evidence.DisclosurePolicy` and then handed to
:meth:`ReleaseGate.check` before it is shown. The gate refuses anything not made under the release policy
(the campaign's threshold and cell-key perturbation), so a channel that computed its own figures, or forgot
the perturbation, fails loudly instead of leaking; and it returns a :class:`Release` listing every figure
published (the group, the statistic, the published count), which the caller records.

Why this is enough against subtraction, whatever combination of channels and viewers: every count and sum
carries noise fixed by the exact group of people behind it (:mod:`chalkface.evidence.cellkey`), so the
same group always gets the same figures, and two groups that differ by fewer than ``k`` people differ in
their published figures by those people *plus noise that does not cancel*; groups below ``k`` are never
shown, and tables with published totals also hide the complements of small cells. docs/methods.md measures
what this costs in hidden figures and added error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalkface.evidence._frames import jsonable
from chalkface.evidence.change import IncidentRateChange, Signal, VersionComparison
from chalkface.evidence.disclosure import DisclosurePolicy, PublishedCount
from chalkface.evidence.equity import EquityGapResult
from chalkface.evidence.errors import EvidenceError
from chalkface.evidence.estimate import EstimateTable
from chalkface.evidence.opinions.publish import PublishedOpinionMap
from chalkface.evidence.themes.publish import PublishedThemes
from chalkface.evidence.tool_figures import ToolFigures


class ReleaseRefused(EvidenceError):
    """Figures that were not made under the release policy; nothing may be shown."""


@dataclass(frozen=True)
class ReleasedFigure:
    """One published figure: what it describes (``cell``: the conditions of its group), the statistic, and
    the count published with it (``None`` when hidden)."""

    cell: str
    statistic: str
    n: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"cell": self.cell, "statistic": self.statistic, "n": self.n}


@dataclass(frozen=True)
class Release:
    """What a channel released: every figure, and a digest of them all."""

    channel: str
    figures: tuple[ReleasedFigure, ...]

    @property
    def digest(self) -> str:
        text = json.dumps([f.to_dict() for f in self.figures], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self) -> str:
        shown = sum(1 for f in self.figures if f.n is not None)
        return f"{self.channel}: {len(self.figures)} figures, {shown} shown"


def _cell(base: dict[str, Any], group: Iterable[tuple[str, Any]]) -> str:
    conditions = {**base, **{col: jsonable(val) for col, val in group}}
    return json.dumps(conditions, sort_keys=True, default=str)


class ReleaseGate:
    """Checks figures against ``policy`` (the threshold they must respect, and that they are perturbed)."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        self.policy = policy

    def check(self, channel: str, items: Iterable[Any], base: dict[str, Any] | None = None) -> Release:
        """The :class:`Release` of ``items`` (tables, comparisons, signals, counts, whole figure sets), or
        :class:`ReleaseRefused` if any was not made under the policy. ``base``: the conditions every figure
        shares (the tool, the campaign, the filters), for the record."""
        base = dict(base or {})
        figures: list[ReleasedFigure] = []
        for item in items:
            figures.extend(self._figures(item, base))
        return Release(channel, tuple(figures))

    def _require(self, ok: bool, what: str) -> None:
        if not ok:
            raise ReleaseRefused(
                f"{what} was not made under the release policy (threshold k={self.policy.k}, cell-key "
                "perturbation): it may not be shown"
            )

    def _figures(self, item: Any, base: dict[str, Any]) -> list[ReleasedFigure]:
        perturb = self.policy.perturbs
        if item is None:
            return []
        if isinstance(item, ToolFigures):
            out = []
            for table in item.figures:
                out.extend(self._figures(table, base))
            return out
        if isinstance(item, list | tuple):
            out = []
            for part in item:
                out.extend(self._figures(part, base))
            return out
        if isinstance(item, EstimateTable):
            self._require(
                item.k >= self.policy.k and (item.perturbed or not perturb), f"a table of {item.measure}"
            )
            return [
                ReleasedFigure(_cell({**base, "measure": item.measure}, r.group), r.statistic, r.n)
                for r in item.rows
            ]
        if isinstance(item, VersionComparison):
            self._require(
                item.k >= self.policy.k and (item.perturbed or not perturb), f"a comparison of {item.measure}"
            )
            cell = {**base, "measure": item.measure, "tool_id": jsonable(item.tool)}
            return [
                ReleasedFigure(_cell(cell, [("version_label", item.before)]), "mean", item.n_before),
                ReleasedFigure(_cell(cell, [("version_label", item.after)]), "mean", item.n_after),
            ]
        if isinstance(item, IncidentRateChange):
            self._require(item.perturbed or not perturb, "an incident-rate comparison")
            cell = {**base, "incidents": True, "tool_id": jsonable(item.tool)}
            return [
                ReleasedFigure(_cell(cell, [("version_label", item.before)]), "count", item.incidents_before),
                ReleasedFigure(_cell(cell, [("version_label", item.after)]), "count", item.incidents_after),
            ]
        if isinstance(item, Signal):
            self._require(item.perturbed or not perturb, "a signal")
            cell = {**base, "measure": item.measure, "tool_id": jsonable(item.tool)}
            return [
                ReleasedFigure(_cell(cell, [("version_label", item.before)]), item.kind, item.n_before),
                ReleasedFigure(_cell(cell, [("version_label", item.after)]), item.kind, item.n_after),
            ]
        if isinstance(item, EquityGapResult):
            return self._figures(item.estimates, base)
        if isinstance(item, PublishedOpinionMap):
            self._require(item.k >= self.policy.k and (item.perturbed or not perturb), "an opinion map")
            cell = {**base, "opinions": item.method}
            out = [ReleasedFigure(_cell(cell, []), "participants", item.participants)]
            out.extend(ReleasedFigure(_cell(cell, [("group", g.id)]), "size", g.size) for g in item.groups)
            out.extend(
                ReleasedFigure(_cell(cell, [("statement", s.id)]), "votes", s.n_votes)
                for s in item.statements
            )
            return out
        if isinstance(item, PublishedThemes):
            self._require(item.k >= self.policy.k and (item.perturbed or not perturb), "a set of themes")
            cell = {**base, "themes": True}
            out = [ReleasedFigure(_cell(cell, []), "answers", item.n_texts)]
            out.extend(ReleasedFigure(_cell(cell, [("theme", t.id)]), "count", t.size) for t in item.themes)
            out.append(ReleasedFigure(_cell(cell, [("theme", "other")]), "count", item.n_other))
            for t in item.themes:
                out.extend(
                    ReleasedFigure(_cell(cell, [("theme", t.id), ("group", s.group)]), "count", s.count)
                    for s in t.by_group
                )
            return out
        if isinstance(item, PublishedCount):
            self._require(item.perturbed or not perturb, "a count")
            return [ReleasedFigure(_cell(base, [("group", item.code)]), "count", item.n)]
        raise ReleaseRefused(f"the release gate does not know how to check {type(item).__name__}")
