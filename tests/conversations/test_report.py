"""The report: groups, consensus, bridging and divisive statements, through the release gate.

The attacks run first against what a naive report would show (the raw opinion map), as the control.
"""

from __future__ import annotations

import csv
import io
import re

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from chalkface.conversations import actions, report
from chalkface.conversations.models import Conversation, Vote
from chalkface.insights.models import ReleaseRecord
from chalkface.voice.models import CampaignShare
from tests.conversations.helpers import SEEDS, ConversationTestCase, camp


class ReportTestCase(ConversationTestCase):
    def crowd(self, sides: list[int], start: int = 0) -> list[Client]:
        clients = []
        for i, side in enumerate(sides):
            client = self.enter()
            self.vote_all(client, camp(side, seed=start + i))
            clients.append(client)
        return clients

    def page(self, user: object = None) -> object:
        self.login(user or self.olivia)
        return self.client.get(reverse("conversations:report", args=[self.conversation.pk]))

    def main(self, page: object) -> str:
        html = page.content.decode()  # type: ignore[attr-defined]
        return html[html.index("<main") : html.index("</main>")]


class ReportTests(ReportTestCase):
    def test_nothing_is_shown_until_k_people_have_voted(self) -> None:
        self.crowd([1] * (self.campaign.threshold - 1))
        page = self.page()
        self.assertContains(page, 'id="not-yet"')
        self.assertNotContains(page, "Group A")
        self.assertFalse(ReleaseRecord.objects.exists())

    def test_it_shows_groups_consensus_and_the_map_once_enough_have_voted(self) -> None:
        self.crowd([1] * 12 + [-1] * 12)
        page = self.page()
        self.assertContains(page, 'id="groups"')
        self.assertContains(page, "<svg")
        self.assertContains(page, "Group A")
        self.assertContains(page, 'id="statements"')
        for text in SEEDS:
            self.assertContains(page, escape(text))
        record = ReleaseRecord.objects.get()
        self.assertEqual(record.channel, "page.conversation")
        self.assertEqual(record.audience, str(self.campaign.pk))

    def test_a_statement_stored_before_a_rule_improved_is_redacted_when_shown(self) -> None:
        from chalkface.conversations.models import Statement

        planted = "Mrs Sarah Jones at Oakfield Primary School says AI lesson planning saves time."
        Statement.objects.filter(conversation=self.conversation, text=SEEDS[0]).update(text=planted)
        self.crowd([1] * 12 + [-1] * 12)
        report = self.main(self.page())
        voting = self.enter().get(reverse("conversations:vote", args=[self.conversation.pk]))
        for shown in (report, voting.content.decode()):
            self.assertNotIn("Sarah Jones", shown)
            self.assertNotIn("Oakfield Primary School", shown.split("<main")[-1].split("</main>")[0])
        self.assertIn("says AI lesson planning saves time", report)

    def test_it_is_for_the_owner_and_those_the_results_are_shared_with(self) -> None:
        self.crowd([1] * 10)
        self.assertEqual(self.page(self.alice).status_code, 403)  # a rep, with nothing shared
        self.assertEqual(self.page(self.nobody).status_code, 403)
        CampaignShare.objects.create(campaign=self.campaign, organisation=self.trust, what="results")
        self.assertEqual(self.page(self.emma).status_code, 200)

    def test_the_map_and_pages_carry_no_participant_identifier(self) -> None:
        self.crowd([1] * 10 + [-1] * 10)
        html = self.page().content.decode()
        for key in set(Vote.objects.values_list("participant", flat=True)):
            self.assertNotIn(key, html)
        self.assertEqual(len(re.findall(r"<circle", html)), len(re.findall(r'id="group-', html)))


class DisclosureAttackTests(ReportTestCase):
    def test_a_naive_report_would_show_a_group_smaller_than_k(self) -> None:
        self.crowd([1] * 12 + [-1] * 12)
        for _i in range(4):  # four people who agree with everything
            self.vote_all(self.enter(), lambda _t: 1)
        from chalkface.evidence.opinions import ChalkfaceModel

        raw = ChalkfaceModel(seed=0, n_jobs=1, min_group_share=0.01).fit(
            report.votes_frame(self.conversation)
        )
        sizes = sorted(g.size for g in raw.result_.groups)
        self.assertLess(sizes[0], self.campaign.threshold)  # the control: the raw map has a small group

    def test_it_never_shows_a_group_smaller_than_k(self) -> None:
        self.crowd([1] * 12 + [-1] * 12)
        for _i in range(4):
            self.vote_all(self.enter(), lambda _t: 1)
        published = report.current(self.conversation)
        assert published is not None
        for group in published.groups:
            self.assertTrue(group.withheld or (group.size or 0) >= self.campaign.threshold)
        html = self.page().content.decode()
        for size in re.findall(r"about (\d+) people", html):
            self.assertGreaterEqual(int(size), self.campaign.threshold)

    def test_one_more_participant_changes_nothing_that_could_be_subtracted(self) -> None:
        self.crowd([1] * 10 + [-1] * 10)
        before = self.main(self.page())
        newcomer = self.enter()
        self.vote_all(newcomer, camp(1, seed=99))
        after = self.main(self.page())
        self.assertIn("Group A", before)
        self.assertEqual(before, after)

    def test_the_report_moves_on_once_k_more_people_have_voted(self) -> None:
        self.crowd([1] * 10 + [-1] * 10)
        first = report.current(self.conversation)
        self.crowd([1] * 5 + [-1] * 5, start=50)
        self.conversation.refresh_from_db()
        second = report.current(self.conversation)
        assert first is not None and second is not None
        self.assertGreater(second.participants or 0, (first.participants or 0) + 5)
        moved = [s for s, t in zip(first.statements, second.statements, strict=True) if s != t]
        for old, new in [(s, t) for s, t in zip(first.statements, second.statements, strict=True) if s != t]:
            self.assertGreaterEqual((new.n_votes or 0) - (old.n_votes or 0), self.campaign.threshold - 4)
        self.assertTrue(moved)

    def test_the_export_links_no_vote_to_a_code_or_a_cookie(self) -> None:
        clients = self.crowd([1] * 3)
        self.login(self.olivia)
        body = self.client.get(reverse("conversations:export", args=[self.conversation.pk])).content.decode()
        rows = list(csv.DictReader(io.StringIO(body)))
        self.assertEqual({r["voter-id"] for r in rows}, {"0", "1", "2"})
        self.assertEqual({r["datetime"] for r in rows}, {""})
        keys = set(Vote.objects.values_list("participant", flat=True))
        cookies = {c.cookies[f"cf_talk_{self.conversation.pk}"].value for c in clients}
        for secret in keys | cookies:
            self.assertNotIn(secret, body)
        # the numbering follows the random keys, not the order people came in
        self.assertEqual([r["voter-id"] for r in rows], sorted((r["voter-id"] for r in rows), key=int))


class OwnerTests(ReportTestCase):
    def test_an_owner_reaches_conversations_from_the_campaign_page_and_starts_one(self) -> None:
        self.login(self.olivia)
        campaign_page = self.client.get(reverse("voice:campaign", args=[self.campaign.slug]))
        self.assertContains(campaign_page, reverse("conversations:list", args=[self.campaign.slug]))
        response = self.client.post(
            reverse("conversations:list", args=[self.campaign.slug]), {"topic": "Marking with AI"}
        )
        created = Conversation.objects.get(topic="Marking with AI")
        self.assertRedirects(response, reverse("conversations:manage", args=[created.pk]))
        self.client.post(reverse("conversations:seed", args=[created.pk]), {"text": "AI marking saves time."})
        self.assertEqual(created.statements.get().text, "AI marking saves time.")

    def test_only_those_who_run_the_campaign_manage_its_conversations(self) -> None:
        for user in (self.alice, self.emma, self.nobody):
            self.login(user)
            self.assertIn(
                self.client.get(reverse("conversations:manage", args=[self.conversation.pk])).status_code,
                (403, 404),
            )
            self.client.post(
                reverse("conversations:seed", args=[self.conversation.pk]), {"text": "Sneaky one."}
            )
            self.assertIn(
                self.client.get(reverse("conversations:export", args=[self.conversation.pk])).status_code,
                (403, 404),
            )
        self.assertFalse(self.conversation.statements.filter(text="Sneaky one.").exists())

    def test_moderation_accepts_and_rejects(self) -> None:
        actions.edit_conversation(None, self.conversation, {"strict": True})
        held = actions.add_statement(self.conversation, "The canteen queue is too long.")
        self.login(self.olivia)
        url = reverse("conversations:moderate", args=[self.conversation.pk, held.pk])
        self.client.post(url, {"status": "accepted"})
        held.refresh_from_db()
        self.assertEqual(held.status, "accepted")
        self.client.post(url, {"status": "rejected"})
        held.refresh_from_db()
        self.assertEqual(held.status, "rejected")


class LargeConversationTests(ReportTestCase):
    def test_a_large_conversations_report_is_made_on_the_worker_not_in_the_request(self) -> None:
        from unittest import mock

        from django.test import override_settings

        from chalkface.conversations import report
        from tests.jobs.helpers import run_worker

        self.crowd([1] * 12 + [-1] * 12)
        tasks = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
        with mock.patch.object(report, "IN_REQUEST_VOTES", 10), override_settings(TASKS=tasks):
            page = self.page()
            self.assertContains(page, 'id="being-made"')
            self.assertContains(page, 'id="not-yet"')  # nothing made in the request
            self.page()  # a second view queues nothing more
            run_worker()
            page = self.page()
        self.assertNotContains(page, 'id="being-made"')
        self.assertContains(page, "Group A")
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.report_participants, 24)


class BriefTests(ReportTestCase):
    def brief(self, user: object = None) -> str:
        self.login(user or self.olivia)
        url = reverse("insights:brief", args=[self.tool.slug]) + f"?campaign={self.campaign.slug}"
        return self.client.get(url).content.decode()

    def test_the_brief_shows_where_staff_agree_and_divide_through_the_release_gate(self) -> None:
        self.crowd([1] * 12 + [-1] * 12)
        self.page()  # the report is released on its page first
        before = ReleaseRecord.objects.filter(channel="brief.html").count()
        html = self.brief()
        self.assertIn("Where staff agree and divide", html)
        self.assertIn("Group A", html)
        self.assertTrue(any(escape(text) in html for text in SEEDS))
        records = ReleaseRecord.objects.filter(channel="brief.html")
        self.assertEqual(records.count(), before + 2)  # the brief's figures, and the conversation's

    def test_the_brief_shows_nothing_of_a_conversation_before_k_people_voted(self) -> None:
        self.crowd([1] * (self.campaign.threshold - 1))
        self.page()
        self.assertNotIn("Where staff agree and divide", self.brief())
