"""Red flags on the insight pages and in briefs: the governance rules, with the one rule that needs evidence
fed only from figures already released to the viewer through the release gate.

The evidence rule ("time saved fell after a version change while the workload promise is agreed") looks at
the tool's by-version table of mean time saved as the tool page (or brief) publishes it: a version counts as
followed by a drop only when both versions' figures are shown (each group at least the campaign's k, after
complementary suppression) and their intervals do not overlap. A hidden group is never used, so a red flag
cannot reveal anything about a group smaller than k.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chalkface.evidence import EstimateTable
from chalkface.governance.queries import flags_for_tool, flags_for_workplace, workload_agreed_tools
from chalkface.governance.rules import RedFlag, VersionDrop
from chalkface.insights.results import ToolResults, tool_results
from chalkface.register.models import Deployment, Tool
from chalkface.workplaces.models import Organisation

MEASURE = "time_saved_hours"


def version_drops(
    tool: Tool, tables: Iterable[EstimateTable], versions: Sequence[dict[str, Any]]
) -> list[VersionDrop]:
    """Drops in mean time saved between consecutive versions, from released by-version tables."""
    shown: dict[str, Any] = {}
    for table in tables:
        if table.measure != MEASURE or tuple(table.by) != ("version_label",):
            continue
        for row in table.rows:
            if row.suppressed or row.estimate is None or row.lower is None or row.upper is None:
                continue
            shown[str(dict(row.group)["version_label"])] = row
    labels = [v["label"] for v in versions]
    drops = []
    for before, after in zip(labels, labels[1:], strict=False):
        a, b = shown.get(before), shown.get(after)
        if a is not None and b is not None and b.upper < a.lower:
            drops.append(VersionDrop(tool.name, before, after, float(a.estimate), float(b.estimate)))
    return drops


def results_drops(results: ToolResults) -> list[VersionDrop]:
    return version_drops(results.tool, results.breakdowns.get("version_label", []), results.versions)


def tool_flags(tool: Tool, results: ToolResults | None) -> list[RedFlag]:
    """Red flags for the tool page: the released figures of ``results`` (none when nothing was shown)."""
    drops = {tool.slug: results_drops(results)} if results is not None and not results.filtered else {}
    return flags_for_tool(tool, timezone.localdate(), drops)


def workplace_flags(user: Any, workplace: Organisation) -> list[RedFlag]:
    """Red flags for a workplace page. For the tools here whose workload promise is agreed, the evidence
    rule reads the tool's figures as this viewer may see them (passed through the release gate here)."""
    today = timezone.localdate()
    here = set(
        Deployment.objects.active_on(today).filter(workplace=workplace).values_list("tool__slug", flat=True)
    )
    drops: dict[str, list[VersionDrop]] = {}
    for slug in sorted(here & workload_agreed_tools(workplace)):
        try:
            results = tool_results(user, slug, channel="page.workplace")
        except PermissionDenied:
            continue
        drops[slug] = results_drops(results)
    return flags_for_workplace(workplace, today, drops)
