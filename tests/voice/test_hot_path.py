"""The submission hot path: precompiled SQL, per-process caches, one atomic consume-and-save."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from chalkface.register.models import Deployment
from chalkface.voice import actions, caches, codes
from chalkface.voice.caches import forget_offered_tools, offered_tools
from chalkface.voice.entry import Access, check_code, find_code
from chalkface.voice.errors import CodeRejected
from chalkface.voice.models import AccessCode, Question, Response
from chalkface.voice.offered import tools_in_use
from tests.voice.helpers import VoiceTestCase, mix_all


class FindCodeTests(VoiceTestCase):
    def test_it_finds_campaign_workplace_and_parents_in_one_query(self) -> None:
        (code,) = self.codes(1)
        with self.assertNumQueries(1):
            found = find_code(self.campaign.slug, code)
            assert found is not None
            self.assertEqual(found.workplace.ancestors(), [self.trust])
        self.assertEqual(found.campaign.pk, self.campaign.pk)
        self.assertEqual(found.campaign.opens_on, self.campaign.opens_on)
        self.assertIsInstance(found.campaign.closes_on, dt.date)
        self.assertEqual(found.campaign.question_set_version_id, self.campaign.question_set_version_id)
        self.assertEqual(found.workplace.pk, self.oakfield.pk)
        self.assertEqual(found.workplace.name, "Oakfield Primary School")
        self.assertEqual(found.workplace.fsm_share, Decimal(38))
        self.assertEqual(found.source, "code")
        self.assertEqual(found.code, code)

    def test_it_finds_a_workplace_without_parents(self) -> None:
        (code,) = self.codes(1, workplace=self.hillside)
        found = find_code(self.campaign.slug, code)
        assert found is not None
        with self.assertNumQueries(0):
            self.assertEqual(found.workplace.ancestors(), [])

    def test_it_finds_no_used_revoked_expired_mistyped_or_other_campaign_code(self) -> None:
        used, revoked, expired, good = self.codes(4)
        AccessCode.objects.filter(code_hash=codes.digest(used)).update(used=True)
        AccessCode.objects.filter(code_hash=codes.digest(revoked)).update(revoked=True)
        AccessCode.objects.filter(code_hash=codes.digest(expired)).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        for code in (used, revoked, expired, "not-a-code"):
            self.assertIsNone(find_code(self.campaign.slug, code))
        self.assertIsNone(find_code("another-campaign", good))
        self.assertIsNone(find_code("x' OR '1'='1", good))
        self.assertIsNotNone(find_code(self.campaign.slug, good))


class ConsumeAndSaveTests(VoiceTestCase):
    def entry(self) -> Access:
        (code,) = self.codes(1)
        found = find_code(self.campaign.slug, code)
        assert found is not None
        return found

    def test_it_saves_one_response_without_the_code_and_uses_the_code(self) -> None:
        entry = self.entry()
        saved = actions.submit_checkin(
            entry, tool=self.tool, answers={"workload": 2, "role": "teacher"}, live_version=self.v2
        )
        mix_all()
        row = Response.objects.get()
        self.assertNotEqual(row.pk, saved.pk)  # a fresh key when it joins the results
        self.assertEqual(row.answers, {"workload": 2, "role": "teacher"})
        self.assertEqual((row.role, row.tool_version, row.source), ("teacher", self.v2, "code"))
        self.assertEqual(row.week.weekday(), 0)
        self.assertFalse(saved._state.adding)
        self.assertEqual(AccessCode.objects.filter(used=True).count(), 1)
        columns = {f.column for f in Response._meta.concrete_fields}
        self.assertFalse({c for c in columns if "code" in c})
        with self.assertRaises(CodeRejected):
            actions.submit_checkin(entry, tool=self.tool, answers={"workload": 3}, live_version=None)
        mix_all()
        self.assertEqual(Response.objects.count(), 1)

    @unittest.skipUnless(connection.vendor == "postgresql", "one statement on PostgreSQL")
    def test_it_uses_the_code_and_saves_in_one_statement(self) -> None:
        entry = self.entry()
        with self.assertNumQueries(1):
            actions.submit_checkin(entry, tool=self.tool, answers={"workload": 2}, live_version=self.v2)

    def test_it_keeps_the_code_unused_when_the_response_cannot_be_saved(self) -> None:
        entry = self.entry()
        with self.assertRaises(ValidationError), transaction.atomic():
            actions.submit_checkin(entry, tool=self.tool, answers={"role": "x" * 31}, live_version=None)
        mix_all()
        self.assertEqual(Response.objects.count(), 0)
        self.assertEqual(AccessCode.objects.filter(used=True).count(), 0)

    def test_it_keeps_the_code_unused_when_the_answers_cannot_be_stored(self) -> None:
        entry = self.entry()
        with self.assertRaises(ValidationError):
            actions.submit_checkin(entry, tool=self.tool, answers={"workload": object()}, live_version=None)
        mix_all()
        self.assertEqual(Response.objects.count(), 0)
        self.assertEqual(AccessCode.objects.filter(used=True).count(), 0)


class OfferedToolsTests(VoiceTestCase):
    def setUp(self) -> None:
        forget_offered_tools()
        self.day = timezone.localdate()

    def test_it_remembers_the_tools_in_use_and_forgets_them_when_the_register_changes(self) -> None:
        tools, in_use = offered_tools(self.campaign, self.oakfield, self.day)
        self.assertEqual(in_use, tools_in_use(self.campaign, self.oakfield, self.day)[1])
        with self.assertNumQueries(0):
            self.assertEqual(offered_tools(self.campaign, self.oakfield, self.day)[0], tools)
        self.deployment.ends_on = self.day - dt.timedelta(days=1)
        self.deployment.save()
        with self.assertNumQueries(1):
            offered_tools(self.campaign, self.oakfield, self.day)
        Deployment.objects.create(tool=self.tool, workplace=self.hillside, starts_on=self.day)
        self.campaign.tools.set([])
        self.assertEqual(offered_tools(self.campaign, self.hillside, self.day), ([], []))

    def test_it_asks_again_after_the_staleness_window(self) -> None:
        offered_tools(self.campaign, self.oakfield, self.day)
        with mock.patch.object(caches, "OFFERED_TOOLS_SECONDS", 0.0), self.assertNumQueries(1):
            offered_tools(self.campaign, self.oakfield, self.day)

    def test_it_keys_on_campaign_workplace_and_day(self) -> None:
        here = offered_tools(self.campaign, self.oakfield, self.day)[1]
        there = offered_tools(self.campaign, self.hillside, self.day)[1]
        before = offered_tools(self.campaign, self.oakfield, dt.date(2025, 1, 1))[1]
        self.assertEqual([v.label if v else None for _t, v in here], ["2.0"])
        self.assertEqual([v for _t, v in there], [None])  # not deployed there: every tool, version unknown
        self.assertEqual([v for _t, v in before], [None])


class AnsweredFieldsTests(VoiceTestCase):
    def setUp(self) -> None:
        caches.forget_answered_questions()

    def answer(self) -> None:
        actions.submit_checkin(self.entry(), tool=self.tool, answers={"workload": 2}, live_version=None)
        version = self.campaign.question_set_version
        caches.remember_answered(version.pk, version.ordered_questions())

    def entry(self) -> Access:
        (code,) = self.codes(1)
        return check_code(self.campaign, code)

    def test_it_builds_an_answered_versions_fields_once_per_language(self) -> None:
        tools = [(self.tool, "2.0")]
        fresh = caches.checkin_form(None, self.campaign, tools)
        self.answer()
        first = caches.checkin_form(None, self.campaign, tools)
        with self.assertNumQueries(0):
            second = caches.checkin_form({"tool": "lessonspark", "workload": "2"}, self.campaign, tools)
        self.assertIs(first.fields["workload"], second.fields["workload"])
        self.assertIsNot(first.fields["tool"], second.fields["tool"])
        self.assertEqual(list(first.fields), list(fresh.fields))
        self.assertTrue(second.is_valid(), second.errors)
        self.assertEqual(second.answers(), {"workload": 2})
        with translation.override("cy"):
            welsh = caches.checkin_form(None, self.campaign, tools)
        self.assertIsNot(welsh.fields["workload"], first.fields["workload"])
        question = Question.objects.get(version=self.campaign.question_set_version, code="workload")
        self.assertEqual(welsh.fields["workload"].label, question.prompt_cy)

    def test_it_forgets_the_fields_when_a_question_changes(self) -> None:
        self.answer()
        tools = [(self.tool, None)]
        before = caches.checkin_form(None, self.campaign, tools)
        question = Question.objects.get(version=self.campaign.question_set_version, code="workload")
        question.prompt = "My workload has gone down."
        question.save()
        after = caches.checkin_form(None, self.campaign, tools)
        self.assertIsNot(before.fields["workload"], after.fields["workload"])
        self.assertEqual(after.fields["workload"].label, "My workload has gone down.")
