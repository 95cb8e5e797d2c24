"""Chart specifications say something: nothing is drawn when there is nothing to show, the title is printed
once by the page and never cut short, groups carry human labels, "highest" and "lowest" are said only when
the intervals do not overlap, and time saved is drawn on an axis that includes zero."""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils import translation

from chalkface.evidence.estimate import EstimateRow, EstimateTable
from chalkface.insights.charts import counts_chart, estimate_chart
from chalkface.insights.wording import NO_INCIDENT_COUNTS


def table(
    measure: str,
    column: str,
    groups: list[tuple[Any, float, float, float]],
    *,
    statistic: str = "mean",
    hidden: tuple[Any, ...] = (),
) -> EstimateTable:
    rows = [
        EstimateRow(((column, value),), statistic, 40, 35.0, est, lo, hi, False, None)  # type: ignore[arg-type]
        for value, est, lo, hi in groups
    ]
    rows += [
        EstimateRow(((column, value),), statistic, None, None, None, None, None, True, "below_k")  # type: ignore[arg-type]
        for value in hidden
    ]
    kind = "agreement" if statistic == "share_agree" else "mean"
    return EstimateTable(measure, (column,), kind, tuple(rows), 10, False, "test")  # type: ignore[arg-type]


def walk(spec: Any) -> list[Any]:
    """Every value anywhere in a spec."""
    if isinstance(spec, dict):
        return [spec, *(v for value in spec.values() for v in walk(value))]
    if isinstance(spec, list):
        return [spec, *(v for value in spec for v in walk(value))]
    return [spec]


class ChartTestCase(SimpleTestCase):
    def test_an_incident_chart_with_no_count_to_show_is_a_sentence_not_a_drawing(self) -> None:
        counts = [
            {"code": "bias", "label": "Bias", "n": None, "suppressed": True, "reason": "fewer than 10"},
            {"code": "privacy", "label": "Privacy", "n": 0, "suppressed": False, "reason": ""},
        ]
        chart = counts_chart("c", counts, "Incidents", "Category", str(NO_INCIDENT_COUNTS))
        assert not chart.drawn
        assert chart.title == "No incident counts large enough to show."
        html = render_to_string("insights/_chart.html", {"chart": chart, "spec_id": "c-spec"})
        assert "<svg" not in html and "data-vega-spec" not in html and "0.000000" not in html
        assert "No incident counts large enough to show." in html

    def test_an_estimate_chart_with_every_group_hidden_is_not_drawn(self) -> None:
        chart = estimate_chart(
            "c", table("time_saved_hours", "role", [], hidden=("teacher",)), "Time saved", "Role"
        )
        assert not chart.drawn
        html = render_to_string("insights/_chart.html", {"chart": chart, "spec_id": "c-spec"})
        assert "<svg" not in html and "too small to show" in html

    def test_the_title_is_printed_once_by_the_page_and_not_cut_in_the_drawing(self) -> None:
        data = [("teacher", 1.0, 0.5, 1.5), ("teaching_assistant", 2.0, 1.2, 2.8)]
        chart = estimate_chart("c", table("time_saved_hours", "role", data), "Time saved", "Role", "role")
        assert "title" not in chart.spec or not chart.spec.get("title")
        assert not any(isinstance(v, dict) and "limit" in v and "text" in v for v in walk(chart.spec))
        html = render_to_string("insights/_chart.html", {"chart": chart, "spec_id": "c-spec"})
        visible = html.split("<details")[0].split("<svg")[0] + html.split("</svg>")[-1].split("<details")[0]
        assert visible.count(chart.title) == 1
        assert "…" not in chart.svg()

    def test_groups_and_axes_carry_human_labels_never_codes(self) -> None:
        data = [("teacher", 1.0, 0.5, 1.5), ("teaching_assistant", 2.0, 1.2, 2.8)]
        chart = estimate_chart("c", table("time_saved_hours", "role", data), "Time saved", "Role", "role")
        values = next(v["values"] for v in walk(chart.spec) if isinstance(v, dict) and "values" in v)
        groups = [d["group"] for d in values]
        assert groups == ["Teacher", "Teaching assistant"]
        text = json.dumps(chart.spec) + chart.title + chart.alt
        assert "teaching_assistant" not in text and "role:" not in chart.title
        regions = estimate_chart(
            "r", table("time_saved_hours", "region", [("london", 1.0, 0.0, 2.0)]), "Time saved", "Region"
        )
        assert "London" in regions.alt and "london" not in regions.alt
        quintiles = estimate_chart(
            "q",
            table("time_saved_hours", "deprivation_quintile", [(1, 1.0, 0.0, 2.0), (5, 1.1, 0.1, 2.1)]),
            "Time saved",
            "Deprivation quintile",
        )
        assert "1 (least deprived)" in quintiles.alt and "5 (most deprived)" in quintiles.alt

    def test_it_says_highest_and_lowest_only_when_the_intervals_do_not_overlap(self) -> None:
        overlapping = [("teacher", 1.0, 0.2, 1.8), ("teaching_assistant", 1.5, 0.9, 2.1)]
        chart = estimate_chart(
            "c", table("time_saved_hours", "role", overlapping), "Time saved", "Role", "role"
        )
        assert chart.title == "Time saved by role, with 95% intervals"
        assert "highest" not in chart.alt and "lowest" not in chart.alt
        apart = [("teacher", 1.0, 0.8, 1.2), ("teaching_assistant", 3.0, 2.5, 3.5)]
        chart = estimate_chart("c", table("time_saved_hours", "role", apart), "Time saved", "Role", "role")
        assert chart.title.startswith("Time saved: highest for Teaching assistant (3.00), lowest for Teacher")
        three = [("primary", 1.0, 0.8, 1.2), ("secondary", 3.0, 2.5, 3.5), ("special", 2.8, 2.2, 3.4)]
        chart = estimate_chart("c", table("time_saved_hours", "phase", three), "Time saved", "Phase", "phase")
        assert "lowest for Primary" in chart.title and "highest" not in chart.title

    def test_time_saved_axes_start_at_zero(self) -> None:
        data = [("teacher", 3.0, 2.5, 3.5), ("teaching_assistant", 4.0, 3.6, 4.4)]
        chart = estimate_chart("c", table("time_saved_hours", "role", data), "Time saved", "Role", "role")
        scales = [v["scale"] for v in walk(chart.spec) if isinstance(v, dict) and "scale" in v]
        assert scales and all(s.get("zero") is True or s.get("domain", [None])[0] == 0 for s in scales)
        assert 'y="' in chart.svg() or "<svg" in chart.svg()
        share = estimate_chart(
            "s",
            table("workload", "role", [("teacher", 0.4, 0.3, 0.5)], statistic="share_agree"),
            "Workload",
            "Role",
        )
        scales = [v["scale"] for v in walk(share.spec) if isinstance(v, dict) and "scale" in v]
        assert scales and all(s.get("domain") == [0, 100] for s in scales)

    def test_chart_wording_is_welsh_in_welsh(self) -> None:
        overlapping = [("teacher", 1.0, 0.2, 1.8), ("teaching_assistant", 1.5, 0.9, 2.1)]
        with translation.override("cy"):
            chart = estimate_chart("c", table("time_saved_hours", "role", overlapping), "Amser", "Rôl", "rôl")
            empty = counts_chart("e", [], "Digwyddiadau", "Categori", str(NO_INCIDENT_COUNTS))
        assert "with 95% intervals" not in chart.title and "Teacher" not in chart.alt
        assert "No incident counts" not in empty.title

    def test_a_chart_of_the_same_figures_is_built_once_per_language(self) -> None:
        figures = table("time_saved_hours", "role", [("teacher", 1.0, 0.2, 1.8)])
        first = estimate_chart("same", figures, "Time saved", "Role", "role")
        assert estimate_chart("same", figures, "Time saved", "Role", "role") is first
        with translation.override("cy"):
            welsh = estimate_chart("same", figures, "Amser", "Rôl", "rôl")
        assert welsh is not first and welsh.title != first.title
        other = table("time_saved_hours", "role", [("teacher", 1.5, 0.7, 2.3)])
        assert estimate_chart("same", other, "Time saved", "Role", "role").spec != first.spec


class ChartSchemaTests(SimpleTestCase):
    """The pages build specs without Altair's validation (it is slow); every kind of chart is valid here."""

    def test_every_kind_of_chart_is_a_valid_vega_lite_spec(self) -> None:
        from altair.utils.schemapi import validate_jsonschema
        from altair.vegalite.v6.schema.core import load_schema

        schema = load_schema()  # the whole Vega-Lite schema Altair ships
        counts = [
            {"code": "bias", "label": "Bias", "n": 14, "suppressed": False, "reason": ""},
            {"code": "privacy", "label": "Privacy", "n": 12, "suppressed": False, "reason": ""},
        ]
        with translation.override("en"):
            charts = [
                estimate_chart(
                    "c1",
                    table("workload", "role", [("teacher", 0.4, 0.3, 0.5)], statistic="share_agree"),
                    "Workload",
                    "Role",
                ),
                estimate_chart(
                    "c2",
                    table("time_saved_hours", "role", [("teacher", 1.2, 0.5, 1.9)]),
                    "Time saved",
                    "Role",
                ),
                counts_chart("c3", counts, "Incident reports", "Category", str(NO_INCIDENT_COUNTS)),
            ]
        for chart in charts:
            validate_jsonschema(chart.spec, schema)
