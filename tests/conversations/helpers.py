"""Fixtures for the conversation tests: the voice tests' union branch campaign, with a conversation."""

from __future__ import annotations

import random
from typing import Any

from django.test import Client
from django.urls import resolve, reverse

from chalkface.conversations import actions, views
from chalkface.conversations.models import Conversation
from tests.voice.helpers import VoiceTestCase

SEEDS = [
    "AI lesson planning saves me time every week.",
    "Marking with AI is not accurate enough to trust.",
    "Staff should be consulted before any new AI tool is bought.",
    "AI tools should never be used to monitor staff.",
    "Pupils' data must not be used to train AI models.",
    "I would like training before I use AI in class.",
    "AI will make our workload worse, not better.",
    "The union should negotiate an AI agreement with the trust.",
]


class ParticipantClient(Client):
    """A participant's browser: posts to a conversation's vote and add pages carry the form token its pages
    put in their forms, as a real browser's would."""

    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        match = resolve(path.split("?")[0])
        if match.url_name in ("vote", "add") and isinstance(data, dict) and "form_token" not in data:
            conversation = Conversation.objects.get(pk=match.kwargs["pk"])
            cookie = self.cookies.get(f"cf_talk_{conversation.pk}")
            if cookie is not None:
                key = views._signer(conversation).unsign(cookie.value)
                data = {**data, "form_token": views.form_token(conversation, key)}
        return super().post(path, data, *args, **kwargs)


class ConversationTestCase(VoiceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.conversation = actions.create_conversation(
            None, cls.campaign, {"topic": "How should AI be used in our schools?"}
        )
        for text in SEEDS:
            actions.seed_statement(None, cls.conversation, text)

    def enter(self, client: Client | None = None, conversation: Conversation | None = None) -> Client:
        """A new participant, let in with a fresh access code."""
        client = client or ParticipantClient()
        conversation = conversation or self.conversation
        code = self.codes(1)[0]
        url = reverse("conversations:code_entry", args=[self.campaign.slug, conversation.pk])
        response = client.post(url, {"code": code, "lang": "en-gb"})
        assert response.status_code == 302, response.content
        return client

    def vote_all(self, client: Client, pattern: Any, conversation: Conversation | None = None) -> int:
        """Vote on every statement offered, ``pattern(statement text) -> 1, -1 or 0``; returns the count."""
        conversation = conversation or self.conversation
        url = reverse("conversations:vote", args=[conversation.pk])
        n = 0
        while True:
            page = client.get(url)
            statement = page.context["statement"]
            if statement is None:
                return n
            client.post(url, {"statement": statement.pk, "vote": pattern(statement.text)})
            n += 1


def camp(side: int, noise: float = 0.1, seed: int = 0) -> Any:
    """A voter who agrees with the even-numbered statements (side 1) or the odd ones (side -1)."""
    rng = random.Random(seed)

    def pattern(text: str) -> int:
        even = SEEDS.index(text) % 2 == 0 if text in SEEDS else True
        vote = side if even else -side
        return -vote if rng.random() < noise else vote

    return pattern
