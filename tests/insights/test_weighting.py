"""National figures weighted to the workforce, on the demo's synthetic data with its planted response bias.

The demo loads the population margins the synthetic check-ins were drawn from as its workforce margins. The
national officer's tool page is weighted by default and matches raking the check-ins read straight from the
database (not from the columnar copy) to those margins, to 1e-9 on SQLite and on PostgreSQL alike; the
weighted figure differs from the unweighted one and has a smaller effective n; a rep's page is never
weighted; the officer may ask for the figures as answered; new margins are checked row by row first."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Count
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from chalkface.accounts.models import User
from chalkface.evidence import estimate_many
from chalkface.evidence.workforce import estimate_many_weighted, weight_to_workforce
from chalkface.insights.frames import policy_for
from chalkface.insights.models import WorkforceMargins
from chalkface.insights.results import tool_results
from chalkface.insights.weighting import TRIM
from chalkface.register.models import Tool
from chalkface.voice.models import Response
from tests.insights.fixtures import InsightTestCase

MEASURE = "time_saved_hours"


class _DemoData(TestCase):
    """The demo's data (40 workplaces) with its log-ins, loaded once for the class."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = tempfile.TemporaryDirectory(prefix="chalkface-weighting-")
        cls.own_data_dir = override_settings(DATA_DIR=Path(cls.folder.name))
        cls.own_data_dir.enable()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        from chalkface.demo.actions import ensure_demo

        logins = ensure_demo(Path(cls.folder.name), workplaces=40, echo=lambda _line: None)
        by_role = {login["role"]: login["email"] for login in logins}
        cls.officer = User.objects.get(email=by_role["union_officer"])
        cls.rep = User.objects.get(email=by_role["union_rep"])
        counts = dict(Response.objects.values_list("tool__slug").order_by().annotate(n=Count("id")))
        cls.tool = Tool.objects.get(slug=max(counts, key=lambda slug: counts[slug]))

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.own_data_dir.disable()
        cls.folder.cleanup()

    def _from_the_database(self) -> pl.DataFrame:
        """The tool's check-ins read through the ORM, with their workplace's phase and region."""
        rows = Response.objects.filter(tool=self.tool).values_list(
            "role", "workplace_id", "workplace__phase", "workplace__region", MEASURE, "record_key"
        )
        return pl.DataFrame(
            list(rows),
            schema={
                "role": pl.String,
                "workplace_id": pl.Int64,
                "phase": pl.String,
                "region": pl.String,
                MEASURE: pl.Float64,
                "record_key": pl.Int64,
            },
            orient="row",
        ).sort("workplace_id", "record_key")

    def _headline(self, results: Any) -> Any:
        table = next(t for t in results.headline if t.measure == MEASURE)
        return next(r for r in table.rows if r.statistic == "mean")


class WeightingTestCase(_DemoData):
    def test_the_national_page_is_weighted_by_default_and_matches_raking_by_hand(self) -> None:
        results = tool_results(self.officer, self.tool)
        assert results.weighting is not None and results.weighting.applied
        row = self._headline(results)
        margins = WorkforceMargins.objects.get().margins
        frame, _summary = weight_to_workforce(self._from_the_database(), margins, k=results.k, trim=TRIM)
        expected = estimate_many_weighted(
            frame, [MEASURE], cluster="workplace_id", policy=policy_for(results.k)
        )[0].rows[0]
        assert row.weighted is True
        assert abs(row.estimate - expected.estimate) < 1e-9
        assert abs(row.lower - expected.lower) < 1e-9 and abs(row.upper - expected.upper) < 1e-9
        assert row.n == expected.n and row.n_eff is not None and row.n_eff < row.n

    def test_weighting_changes_the_national_figure(self) -> None:
        weighted = self._headline(tool_results(self.officer, self.tool))
        plain = self._headline(tool_results(self.officer, self.tool, weighting="none"))
        assert weighted.n == plain.n
        assert abs(weighted.estimate - plain.estimate) > 0.01
        assert weighted.n_eff < plain.n_eff  # the weights cost precision, and effective n says so

    def test_an_officer_may_ask_for_the_figures_as_answered(self) -> None:
        results = tool_results(self.officer, self.tool, weighting="none")
        assert results.weighting is not None and results.weighting.available and not results.weighting.applied
        row = self._headline(results)
        plain = estimate_many(
            self._from_the_database(), [MEASURE], cluster="workplace_id", policy=policy_for(results.k)
        )[0].rows[0]
        assert row.weighted is None and abs(row.estimate - plain.estimate) < 1e-9

    def test_a_reps_own_workplace_is_never_weighted_and_the_note_says_why(self) -> None:
        from chalkface.voice.access import result_scopes

        scopes = result_scopes(self.rep)
        assert scopes and all(places is not None for places in scopes.values())
        with translation.override("en"):
            results = tool_results(self.rep, self.tool, weighting="workforce")
            note = results.weighting.note() if results.weighting else ""
        assert results.weighting is not None and not results.weighting.available
        assert "some workplaces only" in note

    def test_the_tool_page_and_the_brief_say_which_margins_were_used(self) -> None:
        self.client.force_login(self.officer)
        url = reverse("insights:tool", args=[self.tool.slug])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Weighted to the workforce: Synthetic workforce (seed 42)" in page
        assert 'name="weighting"' in page and reverse("insights:margins") in page
        plain = self.client.get(url + "?weighting=none", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Not weighted: the figures describe the people who answered" in plain
        brief = self.client.get(reverse("insights:brief", args=[self.tool.slug]), HTTP_ACCEPT_LANGUAGE="en")
        assert "Weighted to the workforce: Synthetic workforce (seed 42)" in brief.content.decode()

    def test_without_margins_nothing_is_weighted_and_the_page_says_who_can_add_them(self) -> None:
        WorkforceMargins.objects.all().delete()
        with translation.override("en"):
            results = tool_results(self.officer, self.tool)
            note = results.weighting.note() if results.weighting else ""
        assert results.weighting is not None and not results.weighting.applied
        assert "no workforce margins have been added yet" in note


class MarginsFormTestCase(InsightTestCase):
    def test_it_reports_every_bad_row_keeps_what_was_typed_and_keeps_nothing(self) -> None:
        self.client.force_login(self.olivia)
        rows = (
            "margin,category,headcount\nrole,teacher,468000\nrole,wizard,10\nphase,primary,-3\nage,30-39,5\n"
        )
        response = self.client.post(
            reverse("insights:margins"),
            {"name": "School workforce", "source": "DfE", "licence": "OGL", "rows": rows},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert "Row 3: wizard is not a role Chalkface knows" in text
        assert "Row 4: the headcount must be a number above 0, not -3." in text
        assert "Row 5: the margin must be role, phase or region, not age." in text
        assert "role,teacher,468000" in text and 'value="School workforce"' in text
        assert not WorkforceMargins.objects.exists()

    def test_good_margins_are_kept_and_used_from_then_on(self) -> None:
        self.client.force_login(self.olivia)
        rows = (
            'margin,category,headcount\nrole,teacher,"468,000"\nrole,Teaching assistant,282000\n'
            "phase,primary,500000\nphase,secondary,250000\nregion,london,120000\nregion,North West,100000\n"
        )
        response = self.client.post(
            reverse("insights:margins"),
            {"name": "Census 2024", "source": "DfE release", "licence": "OGL v3", "rows": rows},
        )
        assert response.status_code == 302
        kept = WorkforceMargins.objects.get()
        assert kept.margins["role"] == {"teacher": 468000.0, "teaching_assistant": 282000.0}
        assert kept.added_by == self.olivia
        page = self.client.get(reverse("insights:margins"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Census 2024" in page and "468,000" in page

    def test_a_rep_may_read_the_margins_but_not_add_them(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(reverse("insights:margins"))
        assert page.status_code == 200 and 'name="rows"' not in page.content.decode()
        refused = self.client.post(
            reverse("insights:margins"), {"name": "x", "source": "y", "rows": "margin,category,headcount"}
        )
        assert refused.status_code == 403
        assert not WorkforceMargins.objects.exists()


class WeightingGateTestCase(_DemoData):
    """Every weight class goes through the release history, and a class it refuses leaves the figures
    unweighted; a slice that cuts across the classes is never weighted."""

    def test_every_weight_class_of_the_scope_is_judged_as_a_group_shown(self) -> None:
        from chalkface.insights.models import ReleasedGroup

        tool_results(self.officer, self.tool)
        labels = list(ReleasedGroup.objects.values_list("label", flat=True))
        assert any("role" in label and "phase" in label and "region" in label for label in labels)

    def test_a_class_the_history_refuses_leaves_the_figures_as_answered(self) -> None:
        from unittest import mock

        from chalkface.evidence import HistoryGate

        real = HistoryGate.admit_group

        def refuse_classes(gate: HistoryGate, group: Any, counts: Any) -> bool:
            columns = {column for column, _value in group}
            return False if {"role", "phase", "region"} <= columns else real(gate, group, counts)

        with mock.patch.object(HistoryGate, "admit_group", refuse_classes), translation.override("en"):
            results = tool_results(self.officer, self.tool)
            note = results.weighting.note() if results.weighting else ""
        assert results.weighting is not None and not results.weighting.applied
        assert "could single somebody out" in note
        assert self._headline(results).weighted is None

    def test_a_slice_by_version_is_shown_as_answered_and_says_why(self) -> None:
        version = Response.objects.filter(tool=self.tool).exclude(tool_version=None).first()
        assert version is not None
        with translation.override("en"):
            results = tool_results(self.officer, self.tool, filters={"version": version.tool_version.label})
            note = results.weighting.note() if results.weighting else ""
        assert "a slice by version" in note
        assert all(r.weighted is not True for t in results.headline for r in t.rows)


def test_a_weighting_with_no_class_big_enough_says_so() -> None:
    from chalkface.evidence.workforce import WorkforceWeights
    from chalkface.insights.weighting import WEIGHTED, Weighting

    nothing = WorkforceWeights(
        n=8, raked=0, kept_at_one=8, design_effect=1.0, trimmed=0, converged=True, trim=5
    )
    weighting = Weighting(True, WEIGHTED, WorkforceMargins(name="Census", source="A release"), nothing)
    with translation.override("en"):
        assert not weighting.applied
        assert weighting.note().startswith("Not weighted: no group of staff")
