"""Taking part: coming in with a code or an open link, voting one statement at a time, adding a statement."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.urls import reverse

from chalkface.conversations import actions
from chalkface.conversations.models import Statement, StatementStatus, Vote
from chalkface.voice.models import AccessCode
from tests.conversations.helpers import SEEDS, ConversationTestCase, ParticipantClient


class EnteringTests(ConversationTestCase):
    def url(self) -> str:
        return reverse("conversations:code_entry", args=[self.campaign.slug, self.conversation.pk])

    def test_it_is_listed_on_the_campaigns_respondent_start_page(self) -> None:
        page = self.client.get(reverse("voice:start", args=[self.campaign.slug]))
        self.assertContains(page, self.url())
        self.assertContains(page, "How should AI be used in our schools?")

    def test_a_code_admits_one_participant_once(self) -> None:
        code = self.codes(1)[0]
        first = Client().post(self.url(), {"code": code})
        self.assertEqual(first.status_code, 302)
        self.assertTrue(AccessCode.objects.get().used)
        again = Client().post(self.url(), {"code": code})
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "does not work", status_code=409)
        self.assertNotIn(f"cf_talk_{self.conversation.pk}", again.cookies)

    def test_a_wrong_code_lets_nobody_in(self) -> None:
        response = Client().post(self.url(), {"code": "WRONG-CODE-1234"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            Client().get(reverse("conversations:vote", args=[self.conversation.pk])).status_code, 403
        )

    def test_an_open_link_lets_people_in_within_its_hourly_limit(self) -> None:
        link = self.make_link(per_hour=2)
        url = reverse("conversations:open_entry", args=[link.token, self.conversation.pk])
        self.assertEqual(Client().get(url).status_code, 200)
        self.assertEqual(Client().post(url).status_code, 302)
        self.assertEqual(Client().post(url).status_code, 302)
        self.assertEqual(Client().post(url).status_code, 429)

    def make_link(self, per_hour: int) -> object:
        from chalkface.voice import actions as voice_actions

        return voice_actions.create_open_link(None, self.campaign, self.oakfield, per_hour)

    def test_the_participant_key_is_kept_only_in_a_cookie_for_this_conversation(self) -> None:
        code = self.codes(1)[0]
        response = Client().post(self.url(), {"code": code})
        cookie = response.cookies[f"cf_talk_{self.conversation.pk}"]
        self.assertEqual(cookie["path"], reverse("conversations:vote", args=[self.conversation.pk]))
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["expires"], "")  # ends with the browser session
        self.assertEqual(Vote.objects.count(), 0)  # nothing stored until the first vote


class VotingTests(ConversationTestCase):
    def test_it_shows_one_statement_at_a_time_with_progress(self) -> None:
        client = self.enter()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        page = client.get(url)
        self.assertContains(page, f"0 of {len(SEEDS)} statements")
        statement = page.context["statement"]
        self.assertIn(statement.text, SEEDS)
        self.assertContains(page, 'name="vote" value="1"')
        self.assertContains(page, 'name="vote" value="0"')
        response = client.post(url, {"statement": statement.pk, "vote": "1"})
        self.assertEqual(response.status_code, 302)
        page = client.get(url)
        self.assertContains(page, f"1 of {len(SEEDS)} statements")
        self.assertNotEqual(page.context["statement"].pk, statement.pk)

    def test_a_second_vote_on_a_statement_replaces_the_first(self) -> None:
        client = self.enter()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        statement = Statement.objects.filter(conversation=self.conversation).first()
        client.post(url, {"statement": statement.pk, "vote": "1"})
        client.post(url, {"statement": statement.pk, "vote": "-1"})
        self.assertEqual(list(Vote.objects.values_list("value", flat=True)), [-1])

    def test_it_says_when_every_statement_is_voted_on(self) -> None:
        client = self.enter()
        self.assertEqual(self.vote_all(client, lambda _t: 0), len(SEEDS))
        page = client.get(reverse("conversations:vote", args=[self.conversation.pk]))
        self.assertContains(page, 'id="all-done"')

    def test_it_refuses_a_vote_that_is_not_agree_disagree_or_pass(self) -> None:
        client = self.enter()
        statement = Statement.objects.filter(conversation=self.conversation).first()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        self.assertEqual(client.post(url, {"statement": statement.pk, "vote": "5"}).status_code, 400)
        self.assertEqual(Vote.objects.count(), 0)

    def test_it_refuses_votes_without_the_participants_cookie(self) -> None:
        statement = Statement.objects.filter(conversation=self.conversation).first()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        self.assertEqual(Client().post(url, {"statement": statement.pk, "vote": "1"}).status_code, 403)
        forged = Client()
        forged.cookies[f"cf_talk_{self.conversation.pk}"] = "someone-else"
        self.assertEqual(forged.post(url, {"statement": statement.pk, "vote": "1"}).status_code, 403)
        self.assertEqual(Vote.objects.count(), 0)

    def test_a_post_from_another_page_with_the_participants_cookie_counts_no_vote(self) -> None:
        # what a page on another site could make a browser send: the participant's cookie, but not the token
        # their own page carries (the control, with the token, counts)
        client = self.enter()
        statement = Statement.objects.filter(conversation=self.conversation).first()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        for token in ("", "0" * 32):
            response = client.post(url, {"statement": statement.pk, "vote": "1", "form_token": token})
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "Your vote was not counted", status_code=400)
        self.assertEqual(Vote.objects.count(), 0)
        self.assertEqual(client.post(url, {"statement": statement.pk, "vote": "1"}).status_code, 302)
        self.assertEqual(Vote.objects.count(), 1)

    def test_each_participants_forms_carry_their_own_token(self) -> None:
        url = reverse("conversations:vote", args=[self.conversation.pk])
        one, two = self.enter(), self.enter()
        tokens = []
        for client in (one, two):
            page = client.get(url).content.decode()
            tokens.append(page.split('name="form_token" value="')[1].split('"')[0])
        self.assertNotEqual(tokens[0], tokens[1])
        statement = Statement.objects.filter(conversation=self.conversation).first()
        stolen = {"statement": statement.pk, "vote": "1", "form_token": tokens[1]}
        self.assertEqual(one.post(url, stolen).status_code, 400)  # one person's token is no use to another
        self.assertEqual(Vote.objects.count(), 0)

    def test_votes_are_refused_once_the_conversation_is_closed(self) -> None:
        client = self.enter()
        actions.edit_conversation(None, self.conversation, {"is_open": False})
        statement = Statement.objects.filter(conversation=self.conversation).first()
        url = reverse("conversations:vote", args=[self.conversation.pk])
        self.assertEqual(client.post(url, {"statement": statement.pk, "vote": "1"}).status_code, 400)
        self.assertEqual(Vote.objects.count(), 0)

    def test_it_works_in_welsh(self) -> None:
        client = self.enter()
        page = client.get(reverse("conversations:vote", args=[self.conversation.pk]) + "?lang=cy")
        self.assertEqual(page.headers["Content-Language"], "cy")
        self.assertContains(page, "Cytuno")


class AddingStatementsTests(ConversationTestCase):
    def url(self) -> str:
        return reverse("conversations:add", args=[self.conversation.pk])

    def test_it_shows_the_most_similar_statements_before_adding_one(self) -> None:
        client = self.enter()
        page = client.post(self.url(), {"text": "AI tools must never be used to monitor staff."})
        self.assertContains(page, 'id="similar"')
        self.assertContains(page, "AI tools should never be used to monitor staff.")
        self.assertEqual(Statement.objects.filter(seeded=False).count(), 0)
        # voting on the similar one instead
        similar = page.context["similar"][0][0]
        client.post(
            reverse("conversations:vote", args=[self.conversation.pk]), {"statement": similar.pk, "vote": "1"}
        )
        self.assertEqual(Vote.objects.get().statement, similar)

    def test_it_adds_the_statement_when_the_participant_confirms(self) -> None:
        client = self.enter()
        text = "AI tools must never be used to monitor staff."
        response = client.post(self.url(), {"text": text, "confirm": "yes"})
        self.assertEqual(response.status_code, 302)
        added = Statement.objects.get(seeded=False)
        self.assertEqual((added.text, added.status), (text, StatementStatus.ACCEPTED))

    def test_a_statement_unlike_any_other_is_added_at_once(self) -> None:
        client = self.enter()
        response = client.post(self.url(), {"text": "The canteen queue is too long on Fridays."})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Statement.objects.filter(seeded=False).exists())

    def test_strict_moderation_holds_new_statements_until_accepted(self) -> None:
        actions.edit_conversation(None, self.conversation, {"strict": True})
        client = self.enter()
        response = client.post(
            self.url(), {"text": "The canteen queue is too long on Fridays.", "confirm": "yes"}
        )
        self.assertIn("added=held", response["Location"])
        held = Statement.objects.get(seeded=False)
        self.assertEqual(held.status, StatementStatus.PENDING)
        self.assertNotIn(held, [client.get(response["Location"]).context["statement"]])
        self.assertEqual(self.vote_all(client, lambda _t: 1), len(SEEDS))  # the held one is never offered
        actions.moderate(None, held, StatementStatus.ACCEPTED)
        self.assertEqual(self.vote_all(client, lambda _t: 1), 1)

    def test_a_statement_posted_from_another_page_is_not_added_and_the_text_is_kept(self) -> None:
        client = self.enter()
        text = "The canteen queue is too long on Fridays."
        response = client.post(self.url(), {"text": text, "confirm": "yes", "form_token": "forged"})
        self.assertContains(response, "Your statement was not added", status_code=400)
        self.assertContains(response, text, status_code=400)  # what they typed is still in the box
        self.assertFalse(Statement.objects.filter(seeded=False).exists())

    def test_names_and_contact_details_are_removed_before_a_statement_is_kept(self) -> None:
        client = self.enter()
        client.post(
            self.url(),
            {"text": "Email jane.smith@example.org about the canteen rota on Fridays.", "confirm": "yes"},
        )
        kept = Statement.objects.get(seeded=False).text
        self.assertNotIn("jane.smith@example.org", kept)


class UnlinkableTests(ConversationTestCase):
    def test_nothing_stored_links_a_vote_to_a_code_a_time_or_a_device(self) -> None:
        code = self.codes(1)[0]
        client = ParticipantClient(HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="203.0.113.9")
        self.enter(client)
        self.vote_all(client, lambda _t: 1)
        client.post(
            reverse("conversations:add", args=[self.conversation.pk]),
            {"text": "The canteen queue is too long on Fridays.", "confirm": "yes"},
        )
        columns = {f.column for f in Vote._meta.concrete_fields}
        self.assertEqual(columns, {"id", "conversation_id", "statement_id", "participant", "value"})
        statement_columns = {f.name for f in Statement._meta.concrete_fields}
        self.assertFalse({"author", "participant", "created_at"} & statement_columns)
        with connection.cursor() as cursor:
            for table in ("conversations_vote", "conversations_statement", "conversations_conversation"):
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
                text = repr(cursor.fetchall())
                for secret in ("203.0.113.9", "Browser/1.0", code):
                    self.assertNotIn(secret, text)
        participants = set(Vote.objects.values_list("participant", flat=True))
        hashes = set(AccessCode.objects.values_list("code_hash", flat=True))
        self.assertFalse(participants & hashes)
        self.assertEqual(len(participants), 1)

    def test_the_participants_key_never_appears_on_their_own_pages(self) -> None:
        client = self.enter()
        page = client.get(reverse("conversations:vote", args=[self.conversation.pk]))
        client.post(
            reverse("conversations:vote", args=[self.conversation.pk]),
            {"statement": page.context["statement"].pk, "vote": "1"},
        )
        key = Vote.objects.get().participant
        self.assertNotIn(
            key, client.get(reverse("conversations:vote", args=[self.conversation.pk])).content.decode()
        )
