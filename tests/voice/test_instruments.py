"""Question sets: the shipped core check-in, and versioning when an answered set is edited."""

from __future__ import annotations

from chalkface.accounts.models import AuditEvent
from chalkface.voice import actions
from chalkface.voice.entry import check_code
from chalkface.voice.models import QuestionKind, QuestionSet, Response
from tests.voice.helpers import VoiceTestCase, mix_all


class CoreCheckinTests(VoiceTestCase):
    def test_it_ships_the_core_checkin_in_english_and_welsh(self) -> None:
        version = QuestionSet.objects.get(slug="core-checkin").current()
        questions = version.ordered_questions()
        codes = [q.code for q in questions]
        for code in (
            "role",
            "frequency",
            "time_saved_hours",
            "workload",
            "quality",
            "relationships",
            "autonomy",
            "skills",
            "wellbeing",
            "trust",
            "data_concern",
            "use",
            "training",
            "stance",
            "comment",
        ):
            self.assertIn(code, codes)
        self.assertEqual(
            [q.code for q in questions if q.module == "pupil_ai"],
            ["pupil_ai_integrity", "pupil_ai_complaints", "pupil_ai_wellbeing", "pupil_ai_misinformation"],
        )
        for question in questions:
            self.assertTrue(question.prompt_cy and question.prompt_cy != question.prompt, question.code)
            for option in question.options:
                self.assertTrue(option["label_cy"], (question.code, option["value"]))
        kinds = {q.kind for q in questions}
        self.assertEqual(
            kinds, {QuestionKind.AGREEMENT, QuestionKind.NUMBER, QuestionKind.SINGLE, QuestionKind.TEXT}
        )
        hours = next(q for q in questions if q.code == "time_saved_hours")
        self.assertEqual((hours.min_value, hours.max_value), (-10, 10))
        self.assertTrue(next(q for q in questions if q.code == "skills").reverse_coded)


class VersioningTests(VoiceTestCase):
    def definitions(self) -> list[dict[str, object]]:
        version = self.campaign.question_set_version
        return [q.as_definition() for q in version.ordered_questions()]

    def test_it_edits_in_place_while_nobody_has_answered(self) -> None:
        version = self.campaign.question_set_version
        questions = self.definitions()
        questions[0]["prompt"] = "Which of these is your job?"
        edited = actions.edit_question_set(None, version, questions, note="Clearer wording")
        self.assertEqual(edited.pk, version.pk)
        self.assertEqual(edited.ordered_questions()[0].prompt, "Which of these is your job?")

    def test_it_makes_a_new_version_once_answered_and_responses_keep_theirs(self) -> None:
        version = self.campaign.question_set_version
        (code,) = self.codes(1)
        actions.submit_checkin(check_code(self.campaign, code), tool=self.tool, answers={"workload": 4})
        questions = self.definitions()
        questions.append(
            {
                "code": "hours_training",
                "construct": "training",
                "kind": "multiple",
                "prompt": "Which?",
                "prompt_cy": "Pa rai?",
                "options": [{"value": "a", "label": "A", "label_cy": "A"}],
            }
        )
        new = actions.edit_question_set(None, version, questions, note="Added a question")
        self.assertNotEqual(new.pk, version.pk)
        self.assertEqual(new.number, version.number + 1)
        self.assertEqual(len(new.ordered_questions()), len(version.ordered_questions()) + 1)
        mix_all()
        self.assertEqual(Response.objects.get().question_set_version, version)
        self.assertEqual(version.question_set.current(), new)
        self.assertTrue(AuditEvent.objects.filter(action="question_set.versioned").exists())
