"""What staff wrote, on the tool page: themes found on the task worker, shown through the release gate, and
not one quote that names anyone, even from comments stored before a redaction rule improved."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from chalkface.insights import themes as theme_pages
from chalkface.insights.models import ThemeRun, ThemeRunStatus
from chalkface.insights.tasks import start_themes
from chalkface.jobs.models import Job, JobStatus
from chalkface.voice.models import RECORD_KEY_RANGE, Campaign, QuestionSet, Response, Share, Source
from tests.base import BaseTestCase
from tests.jobs.helpers import run_worker
from tests.redaction.corpus import load_cases

DB_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

TOPICS = {
    "marking": [
        "The marking assistant gives feedback on essays that is too generic to help pupils improve",
        "Automated marking of year 9 essays saves me an hour but misses the point of the argument",
        "Marking feedback from the tool is vague and I rewrite most of it before pupils see it",
        "It marks spelling well but its comments on essay structure are often wrong",
        "The essay marking suggestions are fast yet I still check every single grade by hand",
    ],
    "planning": [
        "Lesson planning is quicker because it drafts a starter activity and a plenary for me",
        "It writes lesson plans that look tidy but do not fit our scheme of work",
        "Planning a week of lessons now takes half the time with the drafts it gives",
        "The lesson plan templates help newly qualified colleagues get started with planning",
        "Drafting differentiated lesson plans is easier, though I adapt every plan it writes",
    ],
    "data": [
        "I worry about where pupil data goes when we paste work into the tool",
        "Nobody has explained how long the supplier keeps the data we upload",
        "Parents have asked whether their children's data is shared with the company",
        "We were not told what happens to staff data and pupil records stored by the tool",
        "The data protection impact assessment has not been shared with staff",
    ],
}


def _comments() -> list[str]:
    out = []
    for texts in TOPICS.values():
        for n in range(5):
            out.extend(
                f"{text} ({['often', 'sometimes', 'every week', 'this term', 'lately'][n]})" for text in texts
            )
    return out


class ThemeFixture(BaseTestCase):
    """A branch campaign (k=10) with 75 comments on three subjects and, written straight into the database as
    if stored before a redaction rule improved, every sentence of the redaction test set and mentions of the
    school's own name."""

    planted: tuple[Any, ...] = ()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        version = QuestionSet.objects.get(slug="core-checkin").current()
        cls.campaign = Campaign.objects.create(
            slug="autumn",
            name="Autumn check-in",
            owner=cls.branch,
            question_set_version=version,
            opens_on=dt.date(2025, 1, 1),
            closes_on=dt.date(2025, 12, 31),
            threshold=10,
        )
        cls.campaign.workplaces.set([cls.oakfield, cls.hillside])
        cls.campaign.tools.set([cls.tool])
        texts = _comments() + [c.text for c in cls.planted]
        texts += [
            f"At {cls.oakfield.name} the planner keeps failing at the start of lessons, week {i}"
            for i in range(12)
        ]
        rows = []
        for i, text in enumerate(texts):
            rows.append(cls._response(version, "teacher", text, i))
        for i in range(3):  # three teaching assistants: a group smaller than k
            rows.append(
                cls._response(
                    version,
                    "teaching_assistant",
                    f"As a teaching assistant I use it for reading groups {i}",
                    i,
                )
            )
        Response.objects.bulk_create(rows)

    @classmethod
    def _response(cls, version: Any, role: str, text: str, i: int) -> Response:
        return Response(
            campaign=cls.campaign,
            question_set_version=version,
            workplace=cls.oakfield,
            tool=cls.tool,
            tool_version=cls.v2,
            week=dt.date(2025, 10, 6),
            role=role,
            answers={"role": role, "workload": 3, "comment": text},
            source=Source.CODE,
            record_key=(7919 * i + 13) % RECORD_KEY_RANGE,
        )

    def page(self, user: Any = None, **params: str) -> str:
        self.login(user or self.olivia)
        query = "&".join(f"{k}={v}" for k, v in {"campaign": self.campaign.slug, **params}.items())
        response = self.client.get(reverse("insights:tool", args=[self.tool.slug]) + "?" + query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def find(self, user: Any = None) -> Job:
        with override_settings(TASKS=DB_TASKS):
            job = start_themes(user or self.olivia, self.tool, self.campaign)
            run_worker()
        job.refresh_from_db()
        return job


def _anchor(case: Any) -> str | None:
    """The longest stretch of a planted sentence outside its identifying spans, to find its quote by."""
    parts, last = [], 0
    for span in sorted(case.spans, key=lambda sp: sp.start):
        parts.append(case.text[last : span.start])
        last = span.end
    parts.append(case.text[last:])
    best = max((p.strip(" ,.;:") for p in parts), key=len)
    return best if len(best) >= 12 else None


def _word(secret: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text) is not None


def quotes_in(html: str) -> list[str]:
    return [
        unescape(q) for q in re.findall(r'<blockquote class="quote">(.*?)</blockquote>', html, flags=re.S)
    ]


class ThemesOnTheToolPageTests(ThemeFixture):
    def test_a_page_view_finds_nothing_and_offers_to_find_the_themes(self) -> None:
        html = self.page()
        self.assertIn("have not been found yet", html)
        self.assertIn(reverse("insights:themes", args=[self.tool.slug]), html)
        self.assertFalse(ThemeRun.objects.exists())
        self.assertEqual(quotes_in(html), [])

    def test_the_button_starts_a_job_that_the_worker_finishes_with_progress(self) -> None:
        self.login(self.olivia)
        with override_settings(TASKS=DB_TASKS):
            response = self.client.post(
                reverse("insights:themes", args=[self.tool.slug]), {"campaign": self.campaign.slug}
            )
            job = Job.objects.get(kind="insights.themes")
            self.assertRedirects(response, job.get_absolute_url(), fetch_redirect_response=False)
            self.assertIn("being found", self.page())
            run_worker()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        self.assertEqual(job.percent, 100)
        # no exact count of comments on the job page: progress in hundredths, a message without the count
        self.assertEqual(job.total, 100)
        self.assertNotIn("90", job.message)
        self.assertIn("#what-staff-wrote", job.result_url)
        run = ThemeRun.objects.get()
        self.assertEqual(run.status, ThemeRunStatus.DONE)
        self.assertEqual(run.n_texts, 75 + 12 + 3)
        html = self.page()
        self.assertIn("Themes found on", html)
        self.assertGreaterEqual(html.count('class="theme"'), 2)
        self.assertTrue(quotes_in(html))

    def test_a_slice_with_fewer_than_k_comments_shows_no_theme_and_no_quote(self) -> None:
        self.find()
        html = self.page(role="teaching_assistant")
        self.assertIn("Fewer than 10 people in this group wrote a comment", html)
        self.assertEqual(quotes_in(html), [])

    def test_the_redactor_looks_up_every_workplaces_names_in_a_query_per_level(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        redactor = theme_pages.Redactor([self.oakfield.pk, self.hillside.pk] * 50)
        with CaptureQueriesContext(connection) as queries:
            words = redactor.place_words()
        self.assertLessEqual(len(queries), 3)  # the schools, then the trust above Oakfield
        self.assertTrue({"oakfield", "hillside", "northway"} <= words)
        self.assertEqual(redactor.names(self.oakfield.pk), [self.oakfield.name, self.trust.name])

    def test_no_keyword_or_quote_names_the_school(self) -> None:
        # every quotable comment is shown, so the twelve that name the school are quoted whichever theme they
        # fall in and however close to its centre they lie (which can differ with the machine's arithmetic)
        with mock.patch.object(theme_pages, "N_QUOTES", 1000):
            self.find()
            section = self.page().split('id="what-staff-wrote"')[1].lower()
        self.assertIn("[workplace]", section)  # the comments that named it are quoted, redacted
        self.assertNotIn("oakfield", section)

    def test_no_quote_comes_from_a_group_smaller_than_k(self) -> None:
        self.find()
        html = self.page()
        self.assertTrue(quotes_in(html))
        self.assertNotIn("teaching assistant I use it", html)

    def test_someone_the_comments_were_not_shared_with_sees_no_theme(self) -> None:
        self.find()
        self.campaign.shares.create(organisation=self.trust, what=Share.RESULTS)
        html = self.page(self.emma)
        self.assertIn("have not shared staff comments with you", html)
        self.assertEqual(quotes_in(html), [])
        self.login(self.emma)
        response = self.client.post(
            reverse("insights:themes", args=[self.tool.slug]), {"campaign": self.campaign.slug}
        )
        self.assertEqual(response.status_code, 403)

    def test_comments_that_came_in_since_are_not_shown_and_only_k_of_them_are_mentioned(self) -> None:
        self.find()
        version = self.campaign.question_set_version

        def arrive(n: int, start: int) -> None:
            Response.objects.bulk_create(
                [
                    self._response(version, "teacher", f"A brand new remark about timetables {i}", start + i)
                    for i in range(n)
                ]
            )

        arrive(4, 500)  # a few: no count that would tell when someone wrote
        html = self.page()
        self.assertNotIn("more comments have come in", html)
        self.assertNotIn("brand new remark", html)
        arrive(6, 600)  # ten: now the page says so, without a count
        html = self.page()
        self.assertIn("At least 10 more comments have come in since the themes were found", html)
        self.assertNotIn("brand new remark", html)

    def test_it_quotes_only_those_who_let_it_quote_them(self) -> None:
        for response in Response.objects.filter(campaign=self.campaign):
            answers = dict(response.answers)
            answers["may_quote"] = "yes" if "starter activity" in answers["comment"] else "no"
            Response.objects.filter(pk=response.pk).update(answers=answers)
        self.find()
        quotes = quotes_in(self.page())
        self.assertTrue(quotes)
        self.assertTrue(all("starter activity" in q for q in quotes), quotes)
        self.assertIn("No comment in this theme can be quoted", self.page())

    def test_the_release_of_the_themes_is_recorded(self) -> None:
        from chalkface.insights.models import ReleaseRecord

        self.find()
        before = ReleaseRecord.objects.filter(channel="page.tool").count()
        self.page()
        self.assertEqual(ReleaseRecord.objects.filter(channel="page.tool").count(), before + 2)

    def test_it_is_in_welsh_on_a_welsh_page(self) -> None:
        with mock.patch.object(theme_pages, "N_QUOTES", 1000):
            self.find()
            self.login(self.olivia)
            self.client.cookies["django_language"] = "cy"
            html = self.client.get(
                reverse("insights:tool", args=[self.tool.slug]) + f"?campaign={self.campaign.slug}",
                HTTP_ACCEPT_LANGUAGE="cy",
            ).content.decode()
        section = html.split('id="what-staff-wrote"')[1]
        # the quotes that named the school read "[gweithle]" in Welsh (stored text keeps "[workplace]")
        self.assertIn("[gweithle]", section)
        self.assertNotIn("[workplace]", section)
        self.assertIn("Yr hyn a ysgrifennodd staff", section)
        self.assertIn("Canfuwyd y themâu", section)
        for english in ("Themes found on", "comments, in", "Find the themes", "of the comments"):
            self.assertNotIn(english, section, english)


class NoQuoteNamesAnyoneTests(ThemeFixture):
    """The redaction test set is planted in the comments, unredacted; every quote is shown (the number of
    quotes per theme is raised past the size of any theme), and the page is scanned for every name, address,
    number and school the test set marks."""

    planted = load_cases()

    def shown_page(self) -> str:
        with mock.patch.object(theme_pages, "N_QUOTES", 1000):
            self.find()
            return self.page()

    def test_a_page_without_redaction_at_display_would_show_them(self) -> None:
        with mock.patch.object(theme_pages.Redactor, "__call__", lambda _self, _row, text: text):
            html = self.shown_page()
        leaked = [s for case in self.planted for s in case.secrets() if s in html]
        self.assertGreater(len(leaked), 100)  # the control leaks: the planted text does reach the page

    def test_nothing_identifying_appears_in_any_quote(self) -> None:
        from chalkface import redaction

        html = self.shown_page()
        quotes = quotes_in(html)
        self.assertGreater(len(quotes), 0.8 * len(self.planted))  # nearly every comment was shown
        # what the redactor itself misses in the raw sentence (one span of 373, measured in tests/redaction)
        missed = {s for c in self.planted for s in c.secrets() if s in redaction.protect(c.text)}
        leaked, checked = [], 0
        for case in self.planted:
            anchor = _anchor(case)
            if anchor is None:
                continue
            for quote in (q for q in quotes if anchor in q):
                checked += 1
                leaked += [s for s in case.secrets() if _word(s, quote) and s not in missed]
        self.assertGreater(checked, 0.6 * len(self.planted))
        self.assertEqual(leaked, [])
        # and the brief, which quotes the largest themes
        brief = self.client.get(
            reverse("insights:brief", args=[self.tool.slug]) + f"?campaign={self.campaign.slug}"
        ).content.decode()
        in_brief = [unescape(q) for q in re.findall(r"<blockquote>(.*?)</blockquote>", brief, flags=re.S)]
        self.assertTrue(in_brief)
        for case in self.planted:
            anchor = _anchor(case)
            for quote in (q for q in in_brief if anchor and anchor in q):
                self.assertEqual([s for s in case.secrets() if _word(s, quote) and s not in missed], [])
        self.assertLessEqual(len(missed), 2)
        section = html.split('id="what-staff-wrote"')[1].lower()
        for word in ("oakfield", "riverside", "northway"):  # the school, its trust, the branch
            self.assertNotIn(word, section)


class ThemesInTheBriefTests(ThemeFixture):
    def test_the_brief_shows_the_largest_themes_with_quotes(self) -> None:
        self.find()
        self.login(self.olivia)
        html = self.client.get(
            reverse("insights:brief", args=[self.tool.slug]) + f"?campaign={self.campaign.slug}"
        ).content.decode()
        part = html.split("What staff wrote")[1].split("Register and governance records")[0]
        self.assertIn("themes: comments that say similar things", part)
        self.assertRegex(part, r"<blockquote>[^<]+</blockquote>")
        self.assertNotIn("oakfield", part.lower())
        self.assertNotIn("teaching assistant I use it", part)

    def test_a_brief_made_on_the_worker_finds_the_themes_first(self) -> None:
        from chalkface.insights.tasks import start_brief

        with override_settings(TASKS=DB_TASKS):
            job = start_brief(self.olivia, self.tool, self.campaign, "html")
            run_worker()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.error)
        run = ThemeRun.objects.get()
        self.assertEqual((run.status, run.job_id), (ThemeRunStatus.DONE, job.pk))
        self.login(self.olivia)
        made = b"".join(self.client.get(job.result_url).streaming_content).decode()
        self.assertIn("themes: comments that say similar things", made)

    def test_a_brief_before_the_themes_are_found_says_how_to_find_them(self) -> None:
        self.login(self.olivia)
        html = self.client.get(
            reverse("insights:brief", args=[self.tool.slug]) + f"?campaign={self.campaign.slug}"
        ).content.decode()
        self.assertIn("have not been found yet", html)
        self.assertFalse(ThemeRun.objects.exists())


class ThemesFoundAgainTests(ThemeFixture):
    """The worker's sweep finds the themes again, for the person who asked, once k new comments are in."""

    def arrive(self, n: int, start: int) -> None:
        version = self.campaign.question_set_version
        Response.objects.bulk_create(
            [
                self._response(version, "teacher", f"A brand new remark about timetables {i}", start + i)
                for i in range(n)
            ]
        )

    def sweep(self) -> int:
        from chalkface.insights import theme_refresh

        with override_settings(TASKS=DB_TASKS):
            return theme_refresh.requeue_stale(force=True)

    def test_fewer_than_k_new_comments_queue_nothing_and_k_find_the_themes_again(self) -> None:
        first = self.find()
        self.assertEqual(self.sweep(), 0)  # nothing new
        self.arrive(4, 500)
        self.assertEqual(self.sweep(), 0)  # a few: the themes stay as they are
        self.arrive(6, 600)
        self.assertEqual(self.sweep(), 1)
        again = Job.objects.exclude(pk=first.pk).get(kind="insights.themes")
        self.assertEqual(again.owner, self.olivia)  # found for the person who asked, in their job list
        self.assertIn("found again with the new comments", again.title)
        self.assertEqual(self.sweep(), 0)  # not twice while it waits
        with override_settings(TASKS=DB_TASKS):
            run_worker()
        again.refresh_from_db()
        self.assertEqual(again.status, JobStatus.DONE, again.error)
        newest = ThemeRun.objects.order_by("-pk").first()
        self.assertEqual((newest.status, newest.n_texts), (ThemeRunStatus.DONE, 75 + 12 + 3 + 10))
        self.assertEqual(newest.campaign, self.campaign)
        self.assertNotIn("more comments have come in", self.page())
        self.assertEqual(self.sweep(), 0)

    def test_a_run_that_failed_is_not_tried_again_by_the_sweep(self) -> None:
        self.find()
        self.arrive(10, 500)
        ThemeRun.objects.create(
            tool=self.tool,
            audience=ThemeRun.objects.get().audience,
            status=ThemeRunStatus.FAILED,
            asked_by=self.olivia,
            campaign=self.campaign,
        )
        self.assertEqual(self.sweep(), 0)

    def test_nothing_is_found_again_for_someone_who_can_no_longer_log_in(self) -> None:
        self.find()
        self.arrive(10, 500)
        self.olivia.is_active = False
        self.olivia.save(update_fields=["is_active"])
        self.assertEqual(self.sweep(), 0)
        self.assertEqual(Job.objects.filter(kind="insights.themes").count(), 1)
