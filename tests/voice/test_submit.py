"""Submitting through the web without JavaScript, and what is (not) stored."""

from __future__ import annotations

import logging

from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from chalkface.accounts.models import AuditEvent
from chalkface.voice import codes
from chalkface.voice.models import IncidentReport, Response
from tests.voice.helpers import CHECKIN_ANSWERS, INCIDENT_ANSWERS, VoiceTestCase, mix_all

IP = "203.0.113.77"
AGENT = "PrivacyProbe/9.9 (Chalkface test)"


class CheckinTests(VoiceTestCase):
    def post(self, url: str, data: dict[str, object]) -> object:
        return self.client.post(url, data, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)

    def test_it_shows_the_form_after_a_good_code_and_keeps_the_code_out_of_the_address(self) -> None:
        (code,) = self.codes(1)
        start = reverse("voice:start", args=[self.campaign.slug])
        response = self.post(start, {"code": code.lower(), "next": "checkin"})
        self.assertContains(response, "Which AI tool are you telling us about?")
        self.assertContains(response, 'name="code" value="')
        self.assertNotIn(code.replace("-", ""), response.request["PATH_INFO"])  # type: ignore[attr-defined]
        self.assertContains(response, "LessonSpark (version 2.0)")

    def test_it_saves_a_checkin_once_and_refuses_the_code_again(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        response = self.post(url, {**CHECKIN_ANSWERS, "code": code})
        self.assertRedirects(response, f"{reverse('voice:thanks')}?lang=en-gb&kind=checkin")
        mix_all()
        saved = Response.objects.get()
        self.assertEqual(saved.workplace, self.oakfield)
        self.assertEqual(saved.tool_version, self.v2)
        self.assertEqual(saved.role, "teacher")
        self.assertEqual(saved.answers["time_saved_hours"], 3)
        self.assertEqual(saved.answers["workload"], 2)
        self.assertEqual(saved.week.weekday(), 0)
        again = self.post(url, {**CHECKIN_ANSWERS, "code": code})
        self.assertEqual(again.status_code, 409)
        mix_all()
        self.assertEqual(Response.objects.count(), 1)

    def test_it_records_dont_know_for_the_version_when_asked(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        self.post(url, {**CHECKIN_ANSWERS, "code": code, "version_unknown": "on"})
        mix_all()
        self.assertIsNone(Response.objects.get().tool_version)

    def test_it_keeps_what_was_typed_when_a_submission_fails(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_checkin", args=[self.campaign.slug])
        response = self.post(url, {**CHECKIN_ANSWERS, "tool": "", "code": code})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "the quizzes need checking", status_code=400)
        self.assertContains(response, 'id="id_quality_3" checked', status_code=400)
        mix_all()
        self.assertEqual(Response.objects.count(), 0)

    def test_it_saves_an_incident_report_with_a_code(self) -> None:
        (code,) = self.codes(1)
        url = reverse("voice:code_report", args=[self.campaign.slug])
        month = self.client.post(
            reverse("voice:start", args=[self.campaign.slug]), {"code": code, "next": "incident"}
        )
        self.assertContains(month, "Report a problem with an AI tool")
        response = self.post(
            url, {**INCIDENT_ANSWERS, "month": f"{timezone.localdate():%Y-%m}", "code": code}
        )
        self.assertEqual(response.status_code, 302)
        mix_all()
        report = IncidentReport.objects.get()
        self.assertEqual(report.category, "inaccurate_output")
        self.assertEqual(report.month.day, 1)
        self.assertEqual(report.affected, ["pupils"])

    def test_it_refuses_a_bad_code_without_saying_why(self) -> None:
        response = self.post(reverse("voice:start", args=[self.campaign.slug]), {"code": "AAAA-BBBB-CCCC"})
        self.assertContains(response, "That code does not work")

    def test_it_stores_no_address_agent_code_session_or_time_and_logs_none(self) -> None:
        plain = self.codes(6)
        audit_before = AuditEvent.objects.count()
        records: list[logging.LogRecord] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        handler = Collect(level=logging.DEBUG)
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            for index, code in enumerate(plain):
                start = self.post(reverse("voice:start", args=[self.campaign.slug]), {"code": code})
                self.assertFalse(start.cookies)  # type: ignore[attr-defined]
                if index % 2:
                    url = reverse("voice:code_report", args=[self.campaign.slug])
                    data = {**INCIDENT_ANSWERS, "month": f"{timezone.localdate():%Y-%m}", "code": code}
                else:
                    url = reverse("voice:code_checkin", args=[self.campaign.slug])
                    data = {**CHECKIN_ANSWERS, "code": code}
                response = self.post(url, data)
                self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
                self.assertFalse(response.cookies)  # type: ignore[attr-defined]
                thanks = self.client.get(response["Location"])  # type: ignore[index]
                self.assertFalse(thanks.cookies)
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)

        mix_all()
        self.assertEqual(Response.objects.count(), 3)
        mix_all()
        self.assertEqual(IncidentReport.objects.count(), 3)
        self.assertEqual(AuditEvent.objects.count(), audit_before)

        forbidden = [IP, AGENT, "PrivacyProbe"]
        for code in plain:
            forbidden += [code, codes.normalise(code) or "", code.lower()]
        logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r}" for r in records)
        for needle in forbidden:
            self.assertNotIn(needle, logged)

        # Every row of every table, as text.
        dump = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the database
                dump.extend(str(row) for row in cursor.fetchall())
        everything = "\n".join(dump)
        for needle in forbidden:
            self.assertNotIn(needle, everything)

        # No exact time: the answer tables hold no date-time or time column at all.
        for model in (Response, IncidentReport):
            for field in model._meta.concrete_fields:
                self.assertNotIsInstance(field, models.DateTimeField | models.TimeField, field.name)
        self.assertEqual(Response._meta.pk.get_internal_type(), "UUIDField")  # type: ignore[union-attr]
        self.assertEqual(connection.vendor in {"sqlite", "postgresql"}, True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_session")
            self.assertEqual(cursor.fetchone()[0], 0)


class OpenLinkTests(VoiceTestCase):
    def test_it_takes_answers_through_an_open_link_marked_lower_trust(self) -> None:
        from chalkface.voice import actions

        link = actions.create_open_link(None, self.campaign, self.hillside, per_hour=5)
        url = reverse("voice:open_checkin", args=[link.token])
        self.assertContains(self.client.get(url), "You are answering through an open link.")
        self.client.post(url, CHECKIN_ANSWERS)
        mix_all()
        saved = Response.objects.get()
        self.assertTrue(saved.lower_trust)
        self.assertEqual(saved.source, "open_link")
        self.assertEqual(saved.workplace, self.hillside)
        self.assertIsNone(saved.tool_version)  # LessonSpark is not deployed at Hillside: don't know

    def test_it_answers_429_with_a_kind_page_that_keeps_the_answers(self) -> None:
        from chalkface.voice import actions

        link = actions.create_open_link(None, self.campaign, self.hillside, per_hour=2)
        url = reverse("voice:open_checkin", args=[link.token])
        for _ in range(2):
            self.assertEqual(self.client.post(url, CHECKIN_ANSWERS).status_code, 302)
        refused = self.client.post(url, CHECKIN_ANSWERS)
        self.assertEqual(refused.status_code, 429)
        # Until the hour ends, in whole minutes.
        self.assertIn(int(refused["Retry-After"]), range(60, 3601, 60))
        self.assertContains(refused, "Please wait a moment", status_code=429)
        self.assertContains(refused, "the quizzes need checking", status_code=429)
        mix_all()
        self.assertEqual(Response.objects.count(), 2)

    def test_it_limits_all_open_links_together(self) -> None:
        from django.test import override_settings

        from chalkface.voice import actions

        first = actions.create_open_link(None, self.campaign, self.hillside)
        second = actions.create_open_link(None, self.campaign, self.oakfield)
        with override_settings(CHALKFACE_OPEN_LINKS_PER_HOUR=3):
            statuses = [
                self.client.post(
                    reverse("voice:open_checkin", args=[link.token]), CHECKIN_ANSWERS
                ).status_code
                for link in (first, second, first, second)
            ]
        self.assertEqual(statuses, [302, 302, 302, 429])

    def test_it_limits_failed_code_attempts_per_campaign(self) -> None:
        from django.test import override_settings

        url = reverse("voice:start", args=[self.campaign.slug])
        with override_settings(CHALKFACE_FAILED_CODES_PER_HOUR=3):
            statuses = [self.client.post(url, {"code": f"AAAA-BBBB-CCC{i}"}).status_code for i in range(5)]
        self.assertEqual(statuses, [200, 200, 200, 429, 429])

    def test_it_refuses_a_closed_link(self) -> None:
        from chalkface.voice import actions

        link = actions.create_open_link(None, self.campaign, self.hillside)
        actions.close_open_link(None, link)
        self.assertEqual(self.client.get(reverse("voice:open_checkin", args=[link.token])).status_code, 404)
