"""Each red-flag rule, firing and not firing, over plain data; the Annex III flags; the data rating."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase
from django.utils import translation

from chalkface.governance import items, rules
from chalkface.governance.rules import DeploymentFacts, VersionDrop

TODAY = dt.date(2026, 3, 1)


def facts(**changes: object) -> DeploymentFacts:
    base: dict[str, object] = {
        "tool": "LessonSpark",
        "workplace": "Oakfield",
        "starts_on": dt.date(2025, 2, 1),
        "pupil_facing": False,
        "positions": {"consultation_before_introduction": {"union": "agreed", "employer": "agreed"}},
    }
    base.update(changes)
    return DeploymentFacts(**base)  # type: ignore[arg-type]


class RulesTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))  # the sentences are checked in English

    def test_it_flags_a_pupil_facing_tool_with_unknown_filtering(self) -> None:
        flag = rules.pupil_facing_filtering_unknown(facts(pupil_facing=True))
        assert flag is not None and "filters harmful content is unknown" in flag.sentence
        assert "DfE" in flag.source

    def test_it_does_not_flag_filtering_when_every_filtering_expectation_is_assessed(self) -> None:
        assessed = {code: items.MET for code in items.FILTERING_CODES}
        assert rules.pupil_facing_filtering_unknown(facts(pupil_facing=True, safety=assessed)) is None
        assert rules.pupil_facing_filtering_unknown(facts(pupil_facing=False)) is None

    def test_it_flags_training_on_customer_data_against_the_agreement(self) -> None:
        positions = {"no_training_replacement_systems_on_staff_data_or_materials": {"union": "agreed"}}
        flag = rules.trains_on_data_against_agreement(
            facts(trains_on_customer_data="does", positions=positions)
        )
        assert flag is not None and "trains its models on customer data" in flag.sentence

    def test_it_does_not_flag_training_when_the_supplier_does_not_train_or_nothing_was_agreed(self) -> None:
        positions = {"no_training_replacement_systems_on_staff_data_or_materials": {"union": "agreed"}}
        assert (
            rules.trains_on_data_against_agreement(
                facts(trains_on_customer_data="does_not", positions=positions)
            )
            is None
        )
        assert rules.trains_on_data_against_agreement(facts(trains_on_customer_data="does")) is None

    def test_it_flags_use_without_consultation(self) -> None:
        flag = rules.no_consultation_before_use(facts(positions={}), TODAY)
        assert flag is not None and "consultation" in flag.sentence
        refused = {"consultation_before_introduction": {"union": "refused"}}
        assert rules.no_consultation_before_use(facts(positions=refused), TODAY) is not None

    def test_it_does_not_flag_consultation_when_recorded_or_not_yet_in_use(self) -> None:
        assert rules.no_consultation_before_use(facts(), TODAY) is None
        assert (
            rules.no_consultation_before_use(facts(positions={}, starts_on=dt.date(2027, 1, 1)), TODAY)
            is None
        )

    def test_it_flags_a_drop_in_time_saved_while_the_workload_item_is_agreed(self) -> None:
        drop = VersionDrop("LessonSpark", "1.0", "2.0", 2.5, 0.4)
        positions = {"no_backfill_of_saved_time": {"employer": "agreed"}}
        flag = rules.time_saved_fell_while_workload_agreed(facts(drops=(drop,), positions=positions))
        assert (
            flag is not None and "from version 1.0 to 2.0" in flag.sentence and "2.5 to 0.4" in flag.sentence
        )

    def test_it_does_not_flag_a_drop_when_workload_is_not_agreed_or_there_is_no_drop(self) -> None:
        drop = VersionDrop("LessonSpark", "1.0", "2.0", 2.5, 0.4)
        partly = {"no_backfill_of_saved_time": {"employer": "partly"}}
        assert rules.time_saved_fell_while_workload_agreed(facts(drops=(drop,), positions=partly)) is None
        agreed = {"no_backfill_of_saved_time": {"employer": "agreed"}}
        assert rules.time_saved_fell_while_workload_agreed(facts(positions=agreed)) is None

    def test_it_flags_declared_emotion_recognition_and_nothing_else(self) -> None:
        assert rules.emotion_recognition_declared(facts(intended_uses=("emotion_recognition",))) is not None
        assert rules.emotion_recognition_declared(facts(intended_uses=("lesson_preparation",))) is None

    def test_it_flags_a_review_date_that_has_passed(self) -> None:
        assert rules.review_overdue(facts(review_due=dt.date(2026, 2, 28)), TODAY) is not None
        assert rules.review_overdue(facts(review_due=TODAY), TODAY) is None
        assert rules.review_overdue(facts(), TODAY) is None

    def test_it_names_annex_iii_points_and_the_ban_from_declared_uses(self) -> None:
        assert rules.eu_ai_act_flags(["lesson_preparation"]) == []
        assert "point 3" in rules.eu_ai_act_flags(["monitoring_cheating"])[0]
        assert "point 3" in rules.eu_ai_act_flags(["evaluating_learning"])[0]
        assert "point 4" in rules.eu_ai_act_flags(["performance_monitoring"])[0]
        assert "point 4" in rules.eu_ai_act_flags(["staff_decisions"])[0]
        assert "Prohibited" in rules.eu_ai_act_flags(["emotion_recognition"])[0]
        assert len(rules.eu_ai_act_flags(["admission", "staff_decisions", "emotion_recognition"])) == 3

    def test_it_rates_data_practices_pass_warning_or_fail_with_reasons(self) -> None:
        none = {code: "does_not" for code, _label in items.PRACTICES}
        assert rules.data_rating(none)[0] == "pass"
        rating, reasons = rules.data_rating({**none, "profiling": "unclear"})
        assert rating == "warning" and "profiles" in reasons[0]
        rating, reasons = rules.data_rating({**none, "sells_data": "does", "profiling": "unclear"})
        assert rating == "fail" and reasons == ["It does: sells data."]
        assert rules.data_rating({})[0] == "warning"

    def test_it_marks_disagreement_between_union_and_employer(self) -> None:
        positions = {
            "opt_out": {"union": "refused", "employer": "agreed"},
            "paid_training": {"union": "agreed", "employer": "agreed"},
            "right_to_disconnect": {"union": "agreed"},
        }
        assert rules.disagreements(positions) == {"opt_out"}
