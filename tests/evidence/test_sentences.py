"""Sentences of the change analyses name the tool and the measure by their display names when given, say
"95% interval", and keep n and the interval; without names they fall back to the codes (the CLI)."""

from __future__ import annotations

import re

import polars as pl

from chalkface.evidence import compare_versions, signal_list
from tests.evidence.test_change import incidents_and_exposure, versions_frame


def test_a_comparison_names_the_tool_and_the_measure_when_given() -> None:
    cmp = compare_versions(
        versions_frame(),
        "time_saved_hours",
        before="2.4",
        after="3.0",
        cluster="workplace_id",
        tool="lessonloom",
        tool_name="Lessonloom",
        measure_label="time saved (hours a week)",
    )
    sentence = cmp.sentence()
    assert sentence.startswith("After Lessonloom version 3.0, time saved (hours a week) was ")
    assert "95% interval" in sentence and "CI" not in sentence
    assert re.search(r"n=\d+ before, \d+ after", sentence)
    assert cmp.to_dict()["tool"] == "lessonloom"


def test_a_comparison_falls_back_to_the_codes() -> None:
    cmp = compare_versions(
        versions_frame(), "time_saved_hours", before="2.4", after="3.0", cluster="workplace_id", tool="loom"
    )
    assert cmp.sentence().startswith("After loom version 3.0, time_saved_hours was ")


def test_signals_carry_names_n_notes_and_one_closing_parenthesis() -> None:
    frame = versions_frame().with_columns(tool_id=pl.lit("lessonloom"))
    incidents, exposure = incidents_and_exposure()
    result = signal_list(
        frame,
        ["time_saved_hours"],
        incidents=incidents.with_columns(tool_id=pl.lit("lessonloom")),
        exposure=exposure.with_columns(tool_id=pl.lit("lessonloom")),
        labels={"time_saved_hours": "time saved (hours a week)"},
        tool_names={"lessonloom": "Lessonloom"},
    )
    assert result.signals
    for signal in result.tests:
        assert signal.tool == "lessonloom" and signal.tool_name == "Lessonloom"
        assert "Lessonloom version" in signal.sentence and "95% interval" in signal.sentence
        assert signal.sentence.endswith("comparisons).") and "))" not in signal.sentence
        assert signal.n_before is not None and signal.n_after is not None
    checkin = [s for s in result.tests if s.kind == "difference"]
    assert checkin and all("time saved (hours a week)" in s.sentence for s in checkin)
    assert all(s.measure_label == "time saved (hours a week)" for s in checkin)
