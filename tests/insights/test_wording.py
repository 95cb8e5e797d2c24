"""Plain wording of the insight layer: signal and comparison sentences name the tool and the measure, say
"95% interval" and keep n; effective n shows as a whole number; the evidence layer's notes on rough or
single-workplace intervals reach the results in plain words."""

from __future__ import annotations

import re

import polars as pl
from django.urls import reverse
from django.utils import translation

from chalkface.evidence import Note
from chalkface.insights.brief import brief_for_user
from chalkface.insights.frames import results_frame
from chalkface.insights.overview import overview
from chalkface.insights.results import compare, tool_results, version_comparison, workplace_results
from chalkface.insights.wording import MEASURES, SENTENCE_LABELS, display_n_eff, plain_notes
from tests.insights.fixtures import InsightTestCase

ONE_WORKPLACE = "Some figures rest on check-ins from a single workplace"


class SignalWordingTests(InsightTestCase):
    def test_the_overview_signal_names_the_tool_and_the_measure_with_n_and_a_95_percent_interval(
        self,
    ) -> None:
        # Alice sees her own workplace only: the change there is clear (with two workplaces the clustered
        # interval on one degree of freedom is too wide for a signal)
        with translation.override("en"):
            signals = overview(self.alice).signals
        version = [s for s in signals if s.key == "version:lessonspark:workload:1.0:2.0"]
        self.assertEqual(len(version), 1, [s.sentence for s in signals])
        sentence = version[0].sentence
        self.assertTrue(
            sentence.startswith(
                "After LessonSpark version 2.0, agreement that it has increased workload (1 to 5) was "
            ),
            sentence,
        )
        self.assertIn("higher on average than with version 1.0 (95% interval +", sentence)
        self.assertRegex(sentence, r"n=\d+ before, \d+ after; p[<=]")
        self.assertRegex(sentence, r"; (very )?unlikely to be chance: checked against \d+ comparisons\)\.$")
        self.assertNotIn("q<", sentence)
        self.assertNotIn("q=", sentence)
        self.assertNotIn("CI", sentence)
        self.assertNotIn("lessonspark", sentence)
        self.assertNotIn("))", sentence)
        notes = version[0].to_dict()["notes"]
        self.assertTrue(any(n.startswith(ONE_WORKPLACE) for n in notes), notes)

    def test_the_overview_links_each_signal_by_its_tools_name_not_its_code(self) -> None:
        self.login(self.alice)
        html = self.client.get(reverse("insights:overview")).content.decode()
        self.assertIn("See the evidence for LessonSpark", html)
        self.assertNotIn("See the evidence for lessonspark", html)

    def test_the_plain_labels_are_translatable(self) -> None:
        with translation.override("en"):
            self.assertEqual(str(SENTENCE_LABELS["time_saved_hours"]), "time saved (hours a week)")
        self.assertEqual(set(SENTENCE_LABELS), set(MEASURES))


class ComparisonWordingTests(InsightTestCase):
    def test_a_version_comparison_reads_plainly_and_keeps_n_and_the_interval(self) -> None:
        with translation.override("en"):
            comparisons = version_comparison(self.olivia, self.tool, "1.0", "2.0")
            by_measure = {c.measure: c for c in comparisons}
            time = by_measure["time_saved_hours"]
            sentence = time.sentence()
            data = time.to_dict()
        self.assertTrue(sentence.startswith("After LessonSpark version 2.0, time saved (hours a week) was "))
        self.assertIn("95% interval", sentence)
        self.assertIn(f"n={time.n_before} before, {time.n_after} after", sentence)
        self.assertEqual(data["sentence"], sentence)
        self.assertIn("plain_notes", data)
        self.assertEqual(data["tool"], "lessonspark")
        self.assertEqual(data["tool_name"], "LessonSpark")

    def test_one_workplace_gives_a_comparison_with_a_plain_note_instead_of_an_error(self) -> None:
        frame = results_frame(self.olivia, tool=self.tool).filter(pl.col("workplace_id") == self.oakfield.pk)
        with translation.override("en"):
            comparison = compare(frame, "workload", "1.0", "2.0", 10, self.tool)
            notes = comparison.plain_notes
        self.assertFalse(comparison.suppressed)
        self.assertEqual(comparison.se_method, "HC1")
        self.assertTrue(any(n.startswith(ONE_WORKPLACE) for n in notes), notes)

    def test_separated_answers_give_no_odds_ratio_and_say_why(self) -> None:
        frame = results_frame(self.olivia, tool=self.tool).with_columns(
            workload=pl.when(pl.col("version_label") == "2.0").then(5).otherwise(1)
        )
        with translation.override("en"):
            comparison = compare(frame, "workload", "1.0", "2.0", 10, self.tool)
            notes = comparison.plain_notes
        self.assertIsNone(comparison.odds_ratio)
        self.assertIsNotNone(comparison.odds_ratio_reason)
        self.assertIsNotNone(comparison.difference)
        self.assertTrue(any(n.startswith("The odds ratio cannot be estimated") for n in notes), notes)


class NotesTests(InsightTestCase):
    def test_rough_and_single_workplace_notes_are_plain(self) -> None:
        with translation.override("en"):
            notes = plain_notes(
                [
                    Note("few_clusters", "only 2 workplace_ids: ...", cluster="workplace_id", n=2),
                    Note("few_clusters_groups", "For 2 group(s) from only 2 or 3 ...", groups=2),
                    Note("one_cluster_groups", "For the responses, every answer ...", cluster="workplace_id"),
                    Note(
                        "one_cluster", "all responses come from one workplace_id ...", cluster="workplace_id"
                    ),
                ]
            )
        self.assertEqual(len(notes), 3, notes)
        self.assertTrue(notes[0].startswith("Treat as rough: these check-ins come from only 2 workplaces"))
        self.assertIn("only 2 or 3 workplaces", notes[1])
        self.assertTrue(notes[2].startswith(ONE_WORKPLACE))
        self.assertFalse(any("workplace_id" in n or "%%" in n for n in notes))

    def test_a_workplaces_results_carry_the_single_workplace_note(self) -> None:
        with translation.override("en"):
            data = workplace_results(self.alice, self.oakfield).to_dict()
        self.assertTrue(any(n.startswith(ONE_WORKPLACE) for n in data["notes"]), data["notes"])
        self.assertTrue(all("plain_notes" in t for t in data["headline"]))

    def test_a_tools_results_carry_plain_notes_for_few_and_single_workplaces(self) -> None:
        # The fixture's check-ins come from three workplaces, and some breakdown groups from one of them.
        with translation.override("en"):
            data = tool_results(self.olivia, self.tool).to_dict()
        self.assertTrue(any(n.startswith("Treat as rough") for n in data["notes"]), data["notes"])
        self.assertTrue(any(n.startswith(ONE_WORKPLACE) for n in data["notes"]), data["notes"])
        self.assertFalse(any("workplace_id" in n for n in data["notes"]), data["notes"])


class EffectiveNTests(InsightTestCase):
    def test_the_brief_shows_effective_n_as_a_whole_number_and_the_json_keeps_the_decimal(self) -> None:
        with translation.override("en"):
            document = brief_for_user(self.olivia, self.tool)
            sentences = [c.sentence() for c in document.comparisons if not c.suppressed]
        shown = [row["n_eff"] for row in document.headline if not row["suppressed"]]
        self.assertTrue(shown)
        self.assertTrue(all(isinstance(n, int) for n in shown), shown)
        self.assertFalse(any(re.search(r"effective n=\d+\.\d", f) for f in document.findings))
        self.assertTrue(any(re.search(r"effective n=\d+\)", f) for f in document.findings))
        self.assertTrue(all("95% interval" in sentence for sentence in sentences))
        data = tool_results(self.olivia, self.tool).to_dict()
        self.assertIsInstance(data["headline"][0]["rows"][0]["n_eff"], float)

    def test_display_n_eff_rounds(self) -> None:
        self.assertEqual(display_n_eff(623.0), 623)
        self.assertEqual(display_n_eff(412.6), 413)
        self.assertIsNone(display_n_eff(None))


def test_a_signal_says_in_plain_words_how_unlikely_chance_is() -> None:
    from chalkface.insights.wording import chance_phrase

    with translation.override("en"):
        assert chance_phrase(0.0004, 84) == "very unlikely to be chance: checked against 84 comparisons"
        assert chance_phrase(0.03, 84) == "unlikely to be chance: checked against 84 comparisons"
        assert chance_phrase(0.2, 84) == "could be chance: checked against 84 comparisons"
        assert chance_phrase(None, 84) == "checked against 84 comparisons"
    with translation.override("cy"):
        assert "siawns" in chance_phrase(0.0004, 84)
