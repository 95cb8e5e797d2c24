"""What the insight pages, briefs and alerts call things, and the sentences they write, in the viewer's
language.

The evidence layer returns numbers and notes as codes with parameters; everything a person reads about a
figure is worded here (and translated through the catalogues), so every channel says the same thing in
the same words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chalkface.evidence import EquityGapResult, EstimateTable, Signal, VersionComparison
from chalkface.evidence.notes import code_of, format_p
from chalkface.web import labels

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
# What a chart's title calls each breakdown ("Time saved by role, with 95% intervals").
GROUPING_NOUNS: dict[str, Any] = {
    "version_label": gettext_lazy("version"),
    "role": gettext_lazy("role"),
    "phase": gettext_lazy("phase"),
    "region": gettext_lazy("region"),
    "deprivation_quintile": gettext_lazy("deprivation quintile"),
    "it_rating": gettext_lazy("IT infrastructure rating"),
}
# What a chart's title calls each measure: short, the scale said on the axis.
CHART_LABELS: dict[str, Any] = {
    **{m: label for m, label in MEASURE_LABELS.items()},
    "time_saved_hours": gettext_lazy("Time saved"),
}
NO_INCIDENT_COUNTS = gettext_lazy("No incident counts large enough to show.")
DONT_KNOW = "dont_know"


def display_n_eff(value: float | None) -> int | None:
    """Effective n as shown on a page: a whole number (the JSON keeps the evidence layer's decimal)."""
    return None if value is None or not math.isfinite(value) else round(value)


def plain_note(note: str) -> str:
    """One of the evidence layer's notes about a figure's interval (a :class:`~chalkface.evidence.Note`) as
    a plain sentence for a decision maker, in the viewer's language. A plain string (or a code not known
    here) is kept as it is, capitalised."""
    code, params = code_of(note), getattr(note, "params", {})
    if code == "few_clusters_groups":
        return _(
            "Treat as rough: some of these figures rest on check-ins from only 2 or 3 workplaces, too few "
            "for the 95% interval to be reliable."
        )
    if code == "few_clusters":
        return _(
            "Treat as rough: these check-ins come from only %(n)s workplaces, too few for the 95%% interval "
            "to be reliable."
        ) % {"n": params.get("n")}
    if code in ("one_cluster", "one_cluster_groups"):
        return _(
            "Some figures rest on check-ins from a single workplace: their 95% interval treats colleagues as "
            "independent of each other, so it describes that workplace only."
        )
    if code == "zero_clustered_se":
        return _(
            "No interval: each version or group was reported on in its own workplaces, so the difference "
            "cannot be told apart from the differences between workplaces."
        )
    if code == "complementary_some":
        return _("Some groups are hidden only so that smaller groups cannot be worked out from the totals.")
    return note[:1].upper() + note[1:]


def plain_notes(notes: Iterable[str]) -> list[str]:
    """:func:`plain_note` of each note, without repeats."""
    out: list[str] = []
    for note in notes:
        text = plain_note(note)
        if text not in out:
            out.append(text)
    return out


def plain_reason(reason: str | None) -> str:
    """Why a figure is hidden (a :class:`~chalkface.evidence.Note` from the evidence layer), in the
    viewer's language."""
    if not reason:
        return ""
    code, params = code_of(reason), getattr(reason, "params", {})
    k = params.get("k")
    if code == "below_k":
        return _("fewer than %(k)s people answered") % {"k": k}
    if code == "below_k_version":
        return _("fewer than %(k)s people answered about one of the versions") % {"k": k}
    if code == "below_k_incidents":
        return _("fewer than %(k)s incident reports in all, or none for one of the versions") % {"k": k}
    if code == "complementary":
        return _("hidden so that a group of fewer than %(k)s cannot be worked out from the other figures") % {
            "k": k
        }
    if code == "repeated":
        return _(
            "hidden because, with the figures already shown, it would single out a group of fewer than "
            "%(k)s people once too often"
        ) % {"k": k}
    if code == "no_responses":
        return _("nobody answered")
    if code == "zero_clustered_se":
        return _(
            "no interval: each version or group was reported on in its own workplaces, so the difference "
            "cannot be told apart from the differences between workplaces"
        )
    if code == "separated":
        if params.get("direction") == "higher":
            return _(
                "every answer after the change is at least as high as every answer before it, so the odds "
                "ratio has no finite value"
            )
        return _(
            "every answer after the change is at least as low as every answer before it, so the odds ratio "
            "has no finite value"
        )
    if code == "odds_ratio_failed":
        return _("the model could not be fitted to these answers")
    if code == "reference_hidden":
        return _("the group it is compared with is not shown (%(why)s)") % {
            "why": plain_reason(params.get("reason"))
        }
    return str(reason)


def table_notes(tables: Iterable[EstimateTable]) -> list[str]:
    return plain_notes(note for table in tables for note in table.notes)


def english(labels: Mapping[str, Any]) -> dict[str, str]:
    with translation.override("en"):
        return {code: str(label) for code, label in labels.items()}


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
            "reason": plain_reason(c.reason),
        }
    assert c.difference is not None and c.lower is not None and c.upper is not None
    return difference_sentence(
        values, c.difference, c.lower, c.upper, c.n_before, c.n_after, format_p(c.p_value)
    )


def difference_sentence(
    names: dict[str, Any],
    difference: float,
    lower: float,
    upper: float,
    n_before: int | None,
    n_after: int | None,
    significance: str,
) -> str:
    """The one sentence for a change in a measure between two versions, used by the version comparison,
    the overview's signals, alerts and the brief. ``names``: the tool, measure, before and after as the
    sentence calls them; ``significance``: the p-value, or the p- and q-value, as written."""
    values = {
        **names,
        "size": f"{abs(difference):.2f}",
        "lo": f"{lower:+.2f}",
        "hi": f"{upper:+.2f}",
        "n_before": n_before,
        "n_after": n_after,
        "p": significance,
    }
    if difference > 0:
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


def chance_phrase(q_value: float | None, tests: int) -> str:
    """How likely a change is to be chance once every comparison looked at is allowed for (the q-value, the
    false discovery rate), in words a reader without statistics can use."""
    if q_value is None or not math.isfinite(q_value):
        return _("checked against %(tests)s comparisons") % {"tests": tests}
    if q_value < 0.01:
        return _("very unlikely to be chance: checked against %(tests)s comparisons") % {"tests": tests}
    if q_value < 0.05:
        return _("unlikely to be chance: checked against %(tests)s comparisons") % {"tests": tests}
    return _("could be chance: checked against %(tests)s comparisons") % {"tests": tests}


def signal_sentence(signal: Signal, tests: int) -> str:
    """A signal from :func:`signal_list` in one plain sentence in the viewer's language: the tool's name, the
    measure's label, the change with its 95% interval, n, the p-value and, in words, how unlikely the change
    is to be chance among all the comparisons looked at."""
    values: dict[str, Any] = {
        "tool": signal.tool_name or str(signal.tool),
        "measure": str(SENTENCE_LABELS.get(signal.measure, signal.measure)),
        "before": signal.before,
        "after": signal.after,
        "n_before": signal.n_before,
        "n_after": signal.n_after,
        "p": format_p(signal.p_value),
        "chance": chance_phrase(signal.q_value, tests),
    }
    if signal.kind == "rate_ratio":
        return _(
            "With %(tool)s version %(after)s, incidents were reported %(ratio)s times as often per "
            "deployment-month as with version %(before)s (95%% interval %(lo)s to %(hi)s; %(n_before)s "
            "reports before, %(n_after)s after; %(p)s; %(chance)s)."
        ) % {
            **values,
            "ratio": f"{signal.estimate:.2f}",
            "lo": f"{signal.lower:.2f}",
            "hi": f"{signal.upper:.2f}",
        }
    significance = _("%(p)s; %(chance)s") % values
    return difference_sentence(
        values, signal.estimate, signal.lower, signal.upper, signal.n_before, signal.n_after, significance
    )


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
        "p": format_p(trend.p_value),
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
    """A readable label for a group value (a role, phase or region code), in the viewer's language."""
    vocabularies = {"role": "staff_roles", "phase": "phases", "region": "regions"}
    if value is None:
        return _("not known")
    if column in vocabularies:
        return labels.label(vocabularies[column], str(value))
    if column == "version_label" and value == DONT_KNOW:
        return _("Version not known")
    ends = {
        "deprivation_quintile": {1: _("1 (least deprived)"), 5: _("5 (most deprived)")},
        "it_rating": {1: _("1 (very poor)"), 5: _("5 (very good)")},
    }
    if column in ends:
        try:
            return ends[column].get(int(value), str(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def budget_refusal(campaign_name: str) -> str:
    """Why open data with differentially private figures cannot be made again for a campaign, in plain
    words (no internal names)."""
    return _(
        "The differentially private figures for %(campaign)s cannot be made: each release adds noise and "
        "uses up part of a fixed allowance that protects the people who answered, and too little of it is "
        "left. Download the open data without them instead."
    ) % {"campaign": campaign_name}


def brief_meaning(tool_name: str, k: int, n: int | None) -> str:
    """What an evidence brief shows and how to read it, in plain words, before any number."""
    if n is None:
        return _(
            "Too few staff have answered about %(tool)s yet for any figure to be shown: figures appear once "
            "at least %(k)s people have answered, so that no one can be picked out."
        ) % {"tool": tool_name, "k": k}
    return _(
        "This brief sums up what staff said in short check-ins about %(tool)s. Each figure is an estimate "
        "from the people who answered, not from everyone who uses the tool; the 95%% interval beside it "
        "shows how far the true figure could plausibly be. A group of fewer than %(k)s people is never "
        "shown, so some rows say why they are not shown. A difference between versions is a reason to look "
        "closer, not proof that the version caused it."
    ) % {"tool": tool_name, "k": k}
