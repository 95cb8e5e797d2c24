"""Charts as Vega-Lite specifications (built with altair), with a title that states the finding, axis labels,
intervals drawn, and a text alternative; rendered to SVG on the server (vl-convert) for pages without
JavaScript and for PDFs, and drawn by vega-embed in the browser otherwise.

Charts only ever draw figures that passed disclosure control: hidden rows are left out, and say so. A
chart with nothing to draw is not drawn: the page says so in a sentence. The title is printed once, by the
page, above the drawing (so it wraps instead of being cut short); a title names the highest or lowest group
only when its 95% interval does not overlap the others'.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert as vlc
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chalkface.evidence import EstimateTable
from chalkface.insights import precomputed

FONT = "DejaVu Sans, Arial, sans-serif"
COLOUR = "#1d4f91"  # 8.4:1 against white


@dataclass(frozen=True)
class Chart:
    """A chart with everything a reader needs: its finding, its spec, its text alternative, its data."""

    id: str
    title: str
    spec: dict[str, Any]
    alt: str
    rows: list[dict[str, Any]]
    columns: list[str]
    #: How many marks the drawing has; a chart with none is shown as its title sentence only.
    points: int = 0
    #: The text alternative without the title (the page prints the title once, above the drawing).
    summary: str = ""

    @property
    def drawn(self) -> bool:
        return self.points > 0

    def spec_json(self) -> str:
        return json.dumps(self.spec)

    def svg(self) -> str:
        """The chart drawn on the server, with its text alternative as the SVG's accessible name."""
        svg = _drawn(self.spec_json())
        return svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(self.alt)}" ', 1)


@functools.lru_cache(maxsize=256)
def _drawn(spec: str) -> str:
    """A Vega-Lite spec drawn as SVG: the same figures give the same drawing, so a page viewed again (or by
    another viewer shown the same figures) is not drawn again. Drawings are kept beside the kept figures
    (:mod:`chalkface.insights.precomputed`), named by the hash of their spec, so that every server process
    shares them: drawing a tool page's charts takes about a second, reading them a millisecond."""
    name = hashlib.sha256(spec.encode()).hexdigest()
    found = precomputed.load_text(name, "svg")
    if found is not None:
        return found
    svg = flatten_svg_roles(vlc.vegalite_to_svg(json.loads(spec)))
    precomputed.store_text(name, "svg", svg)
    return svg


_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def flatten_svg_roles(svg: str) -> str:
    """Drop Vega's ARIA roles and labels from the marks inside a chart: the chart is one image whose name is
    its text alternative, and its figures are in the table beside it. (Vega gives an empty mark container
    -- a chart whose groups are all hidden -- the role graphics-symbol with no name, which assistive
    technology announces as an unlabelled image.)"""
    return _INNER_ARIA.sub("", svg)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def value_text(statistic: str, value: float | None) -> str:
    if value is None:
        return "–"
    if statistic == "mean":
        return f"{value:.2f}"
    return f"{100 * value:.0f}%"


def _statistic(table: EstimateTable) -> str:
    return "share_agree" if table.kind == "agreement" else table.rows[0].statistic if table.rows else "mean"


def figure_rows(table: EstimateTable, group_label: Any = None) -> list[dict[str, Any]]:
    """The table's rows for the chosen statistic (share agreeing for agreement scales), ready to show."""
    from chalkface.insights.wording import label_for, plain_reason

    statistic = _statistic(table)
    out = []
    for row in table.rows:
        if row.statistic != statistic:
            continue
        column, value = row.group[0] if row.group else ("", None)
        out.append(
            {
                "group": label_for(column, value) if row.group else str(_("Everyone")),
                "n": row.n,
                "n_eff": row.n_eff,
                "estimate": row.estimate,
                "lower": row.lower,
                "upper": row.upper,
                "suppressed": row.suppressed,
                "reason": plain_reason(row.reason),
                "estimate_text": value_text(statistic, row.estimate),
                "lower_text": value_text(statistic, row.lower),
                "upper_text": value_text(statistic, row.upper),
                # False where the table is weighted but this group's weights could single somebody out
                "not_weighted": row.weighted is False and not row.suppressed,
            }
        )
    return out


def estimate_title(shown: list[dict[str, Any]], measure_label: str, unit: str, grouping: str) -> str:
    """What an estimate chart shows, in one line. "Highest" and "lowest" are said only of a group whose
    95% interval lies wholly above (or below) every other group's; otherwise the title says what is drawn."""
    if not shown:
        return _("%(measure)s: every group is too small to show") % {"measure": measure_label}
    if len(shown) == 1:
        return _("%(measure)s: %(value)s (%(unit)s)") % {
            "measure": measure_label,
            "value": shown[0]["estimate_text"],
            "unit": unit,
        }
    top = max(shown, key=lambda r: r["estimate"])
    bottom = min(shown, key=lambda r: r["estimate"])
    clearly_top = all(top["lower"] > r["upper"] for r in shown if r is not top)
    clearly_bottom = all(bottom["upper"] < r["lower"] for r in shown if r is not bottom)
    values = {
        "measure": measure_label,
        "grouping": grouping,
        "top": top["group"],
        "hi": top["estimate_text"],
        "bottom": bottom["group"],
        "lo": bottom["estimate_text"],
    }
    if clearly_top and clearly_bottom:
        return _("%(measure)s: highest for %(top)s (%(hi)s), lowest for %(bottom)s (%(lo)s)") % values
    if clearly_top:
        return _("%(measure)s: highest for %(top)s (%(hi)s)") % values
    if clearly_bottom:
        return _("%(measure)s: lowest for %(bottom)s (%(lo)s)") % values
    return _("%(measure)s by %(grouping)s, with 95%% intervals") % values


_BUILT: OrderedDict[str, Chart] = OrderedDict()
BUILT_MAX = 512


def estimate_chart(
    chart_id: str, table: EstimateTable, measure_label: str, group_label: str, grouping: str | None = None
) -> Chart:
    """Each group's estimate as a point with its 95% interval as a bar, hidden groups left out.
    ``group_label`` names the axis ("Role"); ``grouping`` is what the title calls it ("role").

    Building a chart's spec with altair takes tens of milliseconds and a page has several, so a chart built
    for the same figures, labels and language is built once (pages served from kept figures show the same
    figures to every viewer), kept in this process and on disk for the others."""
    key = json.dumps(
        [chart_id, table.to_dict(), str(measure_label), str(group_label), str(grouping), get_language()],
        sort_keys=True,
        default=str,
    )
    found = _BUILT.get(key)
    if found is not None:
        _BUILT.move_to_end(key)
        return found
    # and kept on disk beside the figures, so that every server process shares it
    name = "chart-" + hashlib.sha256(key.encode()).hexdigest()
    chart = precomputed.load(name)
    if not isinstance(chart, Chart):
        chart = _estimate_chart(chart_id, table, measure_label, group_label, grouping)
        precomputed.store(name, chart)
    _BUILT[key] = chart
    while len(_BUILT) > BUILT_MAX:
        _BUILT.popitem(last=False)
    return chart


def _estimate_chart(
    chart_id: str, table: EstimateTable, measure_label: str, group_label: str, grouping: str | None
) -> Chart:
    statistic = _statistic(table)
    rows = figure_rows(table)
    shown = [r for r in rows if not r["suppressed"] and r["estimate"] is not None]
    scale = 100.0 if statistic != "mean" else 1.0
    if statistic != "mean":
        unit = _("% agreeing")
    elif table.measure == "time_saved_hours":
        unit = _("mean hours saved a week (negative: time added)")
    else:
        unit = _("mean")
    data = [
        {
            "group": r["group"],
            "estimate": round(scale * r["estimate"], 2),
            "lower": round(scale * r["lower"], 2),
            "upper": round(scale * r["upper"], 2),
            "n": r["n"],
        }
        for r in shown
    ]
    title = estimate_title(shown, measure_label, unit, grouping or group_label)
    hidden = len(rows) - len(shown)
    parts = [
        _("%(group)s %(value)s (95%% interval %(lo)s to %(hi)s, n=%(n)s)")
        % {
            "group": r["group"],
            "value": r["estimate_text"],
            "lo": r["lower_text"],
            "hi": r["upper_text"],
            "n": r["n"],
        }
        for r in shown
    ]
    summary = "; ".join(parts) + "." if parts else ""
    if hidden:
        summary += (" " if summary else "") + _("%(count)s group(s) hidden to protect respondents.") % {
            "count": hidden
        }
    alt_text = title + (". " + summary if summary else "")
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("group:N", title=group_label, sort=None),
        tooltip=[
            alt.Tooltip("group:N", title=group_label),
            alt.Tooltip("estimate:Q", title=unit),
            alt.Tooltip("lower:Q", title=_("95% interval from")),
            alt.Tooltip("upper:Q", title=_("95% interval to")),
            alt.Tooltip("n:Q", title="n"),
        ],
    )
    # Shares run from 0 to 100; a mean (time saved, hours a week) is drawn on an axis that includes zero, so
    # that saving and adding time are told apart at a glance and no difference is magnified.
    domain = [0, 100] if statistic != "mean" else None
    x_axis = alt.X("lower:Q", title=unit, scale=alt.Scale(domain=domain) if domain else alt.Scale(zero=True))
    bars = base.mark_rule(color=COLOUR, strokeWidth=3).encode(x=x_axis, x2="upper:Q")
    points = base.mark_point(color=COLOUR, filled=True, size=80, shape="diamond").encode(x="estimate:Q")
    chart = (
        (bars + points)
        .properties(
            width=520,
            height=max(40, 28 * max(1, len(data))),
        )
        .configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=220)
    )
    return Chart(
        chart_id,
        title,
        chart.to_dict(validate=False),  # built by this module from fixed parts; validated in the tests
        alt_text,
        rows,
        ["group", "estimate", "interval", "n", "n_eff"],
        points=len(data),
        summary=summary,
    )


def counts_chart(
    chart_id: str, counts: list[dict[str, Any]], title_prefix: str, axis: str, empty: str | None = None
) -> Chart:
    """Published counts as bars (incident reports by category or severity). ``empty`` is the sentence shown
    in place of a chart when no count is large enough to show."""
    shown = [c for c in counts if not c["suppressed"] and c["n"]]
    data = [{"group": c["label"], "n": c["n"]} for c in shown]
    if shown:
        top = max(shown, key=lambda c: c["n"])
        title = _("%(prefix)s: most often %(label)s (%(n)s)") % {
            "prefix": title_prefix,
            "label": top["label"],
            "n": top["n"],
        }
    else:
        title = empty or _("%(prefix)s: no count large enough to show") % {"prefix": title_prefix}
    summary = "; ".join(f"{d['group']}: {d['n']}" for d in data) + "." if data else ""
    alt_text = title + (". " + summary if summary else "")
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=COLOUR)
        .encode(
            y=alt.Y("group:N", title=axis, sort="-x"),
            x=alt.X("n:Q", title=_("Reports")),
            tooltip=[alt.Tooltip("group:N", title=axis), alt.Tooltip("n:Q", title=_("Reports"))],
        )
        .properties(
            width=520,
            height=max(40, 28 * max(1, len(data))),
        )
        .configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=260)
    )
    return Chart(
        chart_id,
        title,
        chart.to_dict(validate=False),
        alt_text,
        counts,
        ["group", "n"],
        points=len(data),
        summary=summary,
    )
