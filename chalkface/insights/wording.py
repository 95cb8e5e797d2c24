"""What the insight pages, briefs and alerts call things, and the sentences they write, in the viewer's
language.

The evidence layer returns numbers and notes as codes with parameters; everything a person reads about a
figure is worded here (and translated through the catalogues), so every channel says the same thing in
the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chalkface import vocab
from chalkface.evidence import EquityGapResult, EstimateTable, Signal, VersionComparison

# The measures shown everywhere, in this order: question codes of the core check-in.
MEASURES: tuple[str, ...] = ("time_saved_hours", "workload", "quality", "wellbeing", "trust", "data_concern")
MEASURE_LABELS: dict[str, Any] = {
    "time_saved_hours": gettext_lazy("Time saved (hours a week; negative means time added)"),
    "workload": gettext_lazy("It has increased my workload"),
    "quality": gettext_lazy("It has improved the quality of my work"),
    "wellbeing": gettext_lazy("It has been good for my wellbeing"),
    "trust": gettext_lazy("I trust what it produces"),
    "data_concern": gettext_lazy("I am concerned about how it uses data"),
}
# What a sentence calls each measure: what was measured, and on what scale (for the difference in means).
SENTENCE_LABELS: dict[str, Any] = {
    "time_saved_hours": gettext_lazy("time saved (hours a week)"),
    "workload": gettext_lazy("agreement that it has increased workload (1 to 5)"),
    "quality": gettext_lazy("agreement that it has improved the quality of work (1 to 5)"),
    "wellbeing": gettext_lazy("agreement that it has been good for wellbeing (1 to 5)"),
    "trust": gettext_lazy("trust in what it produces (1 to 5)"),
    "data_concern": gettext_lazy("concern about how it uses data (1 to 5)"),
}
# What a sentence calls the share agreeing with an agreement item.
SHARE_LABELS: dict[str, Any] = {
    "workload": gettext_lazy("the share who agree it has increased their workload"),
    "quality": gettext_lazy("the share who agree it has improved the quality of their work"),
    "wellbeing": gettext_lazy("the share who agree it has been good for their wellbeing"),
    "trust": gettext_lazy("the share who trust what it produces"),
    "data_concern": gettext_lazy("the share concerned about how it uses data"),
}
AGREEMENT_MEASURES = frozenset(MEASURES) - {"time_saved_hours"}
# Breakdowns on the tool page: the column of the results frame and what to call it.
CONTEXT_GROUPINGS: dict[str, Any] = {
    "version_label": gettext_lazy("Version"),
    "role": gettext_lazy("Role"),
    "phase": gettext_lazy("Phase"),
    "region": gettext_lazy("Region"),
    "deprivation_quintile": gettext_lazy("Deprivation quintile (1 least, 5 most deprived)"),
    "it_rating": gettext_lazy("IT infrastructure (self-rated, 1 very poor to 5 very good)"),
}
DONT_KNOW = "dont_know"


def display_n_eff(value: float | None) -> int | None:
    """Effective n as shown on a page: a whole number (the JSON keeps the evidence layer's decimal)."""
    return None if value is None or not math.isfinite(value) else round(value)


_FEW_CLUSTERS = re.compile(r"\bonly (\d+)(?: or (\d+))? \w+s\b")
_ONE_CLUSTER = re.compile(r"\bfrom one \w+")


def plain_notes(notes: Iterable[str]) -> list[str]:
    """The evidence layer's notes about a figure's interval (English, technical) as plain sentences for a
    decision maker, in the viewer's language, without repeats. A note of a kind not known here is kept
    as the evidence layer wrote it."""
    out: list[str] = []
    for note in notes:
        if (match := _FEW_CLUSTERS.search(note)) and match[2]:
            text = _(
                "Treat as rough: some of these figures rest on check-ins from only %(a)s or %(b)s "
                "workplaces, too few for the 95%% interval to be reliable."
            ) % {"a": match[1], "b": match[2]}
        elif match:
            text = _(
                "Treat as rough: these check-ins come from only %(n)s workplaces, too few for the 95%% "
                "interval to be reliable."
            ) % {"n": match[1]}
        elif _ONE_CLUSTER.search(note):
            text = _(
                "Some figures rest on check-ins from a single workplace: their 95% interval treats "
                "colleagues as independent of each other, so it describes that workplace only."
            )
        elif "is zero" in note:
            text = _(
                "No interval: each version or group was reported on in its own workplaces, so the difference "
                "cannot be told apart from the differences between workplaces."
            )
        else:
            text = note[:1].upper() + note[1:]
        if text not in out:
            out.append(text)
    return out


def table_notes(tables: Iterable[EstimateTable]) -> list[str]:
    return plain_notes(note for table in tables for note in table.notes)


def english(labels: Mapping[str, Any]) -> dict[str, str]:
    with translation.override("en"):
        return {code: str(label) for code, label in labels.items()}


def p_text(p: float | None, letter: str = "p") -> str:
    if p is None or not math.isfinite(p):
        return f"{letter} n/a"
    return f"{letter}<0.001" if p < 0.001 else f"{letter}={p:.3f}"


def comparison_sentence(c: VersionComparison) -> str:
    """A version comparison in one plain sentence in the viewer's language, with n and the 95% interval."""
    values: dict[str, Any] = {
        "tool": c.tool_name or str(c.tool or ""),
        "measure": str(SENTENCE_LABELS.get(c.measure, c.measure)),
        "before": c.before,
        "after": c.after,
    }
    if c.suppressed:
        return _(
            "%(tool)s version %(after)s against version %(before)s, %(measure)s: not shown (%(reason)s)."
        ) % {
            **values,
            "reason": c.reason,
        }
    assert c.difference is not None and c.lower is not None and c.upper is not None
    values |= {
        "size": f"{abs(c.difference):.2f}",
        "lo": f"{c.lower:+.2f}",
        "hi": f"{c.upper:+.2f}",
        "n_before": c.n_before,
        "n_after": c.n_after,
        "p": p_text(c.p_value),
    }
    if c.difference > 0:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s higher on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s)."
        )
    else:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s lower on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s)."
        )
    return text % values


def signal_sentence(signal: Signal, tests: int) -> str:
    """A signal from :func:`signal_list` in one plain sentence in the viewer's language: the tool's name, the
    measure's label, the change with its 95% interval, n, the p-value and the q-value among all the tests."""
    values: dict[str, Any] = {
        "tool": signal.tool_name or str(signal.tool),
        "measure": str(SENTENCE_LABELS.get(signal.measure, signal.measure)),
        "before": signal.before,
        "after": signal.after,
        "n_before": signal.n_before,
        "n_after": signal.n_after,
        "p": p_text(signal.p_value),
        "q": p_text(signal.q_value, "q"),
        "tests": tests,
    }
    if signal.kind == "rate_ratio":
        return _(
            "With %(tool)s version %(after)s, incidents were reported %(ratio)s times as often per "
            "deployment-month as with version %(before)s (95%% interval %(lo)s to %(hi)s; %(n_before)s "
            "reports before, %(n_after)s after; %(p)s; %(q)s among %(tests)s incident-rate comparisons)."
        ) % {
            **values,
            "ratio": f"{signal.estimate:.2f}",
            "lo": f"{signal.lower:.2f}",
            "hi": f"{signal.upper:.2f}",
        }
    values |= {
        "size": f"{abs(signal.estimate):.2f}",
        "lo": f"{signal.lower:+.2f}",
        "hi": f"{signal.upper:+.2f}",
    }
    if signal.estimate > 0:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s higher on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s; "
            "%(q)s among %(tests)s check-in comparisons)."
        )
    else:
        text = _(
            "After %(tool)s version %(after)s, %(measure)s was %(size)s lower on average than with version "
            "%(before)s (95%% interval %(lo)s to %(hi)s; n=%(n_before)s before, %(n_after)s after; %(p)s; "
            "%(q)s among %(tests)s check-in comparisons)."
        )
    return text % values


def equity_sentence(gap: EquityGapResult, tool_name: str) -> str:
    """The trend of a measure across deprivation quintiles in one plain sentence, with its 95% interval and
    the number of check-ins it rests on."""
    trend = gap.trend
    assert trend is not None
    share = gap.statistic != "mean"
    scale = 100.0 if share else 1.0
    n = sum(
        row.n or 0
        for row in gap.estimates.rows
        if row.statistic == gap.statistic and not row.suppressed and row.group[0][1] in gap.trend_groups
    )
    values = {
        "tool": tool_name,
        "measure": str(
            (SHARE_LABELS if share else SENTENCE_LABELS).get(gap.measure, MEASURE_LABELS.get(gap.measure))
        ),
        "size": f"{abs(scale * trend.estimate):.2f}",
        "lo": f"{scale * trend.lower:+.2f}",
        "hi": f"{scale * trend.upper:+.2f}",
        "n": n,
        "p": p_text(trend.p_value),
    }
    if share and trend.estimate > 0:
        text = _(
            "%(tool)s: %(measure)s is %(size)s percentage points higher with each step from the least to the "
            "most deprived workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    elif share:
        text = _(
            "%(tool)s: %(measure)s is %(size)s percentage points lower with each step from the least to the "
            "most deprived workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    elif trend.estimate > 0:
        text = _(
            "%(tool)s: %(measure)s is %(size)s higher with each step from the least to the most deprived "
            "workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    else:
        text = _(
            "%(tool)s: %(measure)s is %(size)s lower with each step from the least to the most deprived "
            "workplaces (95%% interval %(lo)s to %(hi)s; n=%(n)s; %(p)s)."
        )
    return text % values


def label_for(column: str, value: Any) -> str:
    """A readable label for a group value (a role, phase or region code)."""
    vocabularies = {"role": vocab.STAFF_ROLES, "phase": vocab.PHASES, "region": vocab.REGIONS}
    if value is None:
        return _("not known")
    if column in vocabularies:
        return vocab.label(vocabularies[column], str(value))
    if column == "version_label" and value == DONT_KNOW:
        return _("Version not known")
    return str(value)
