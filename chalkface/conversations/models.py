"""Conversations: statements about a topic that staff agree or disagree with, one campaign's opinion map.

What is stored about a participant is a random key, made when they come in and kept only in their browser
(a signed cookie for this conversation's pages): no account, address, device, access code or time. A vote
holds the key, the statement and the vote, nothing else; a statement holds no author. Dates at most
(``created_on``), never times. Nothing links a key to the access code or open link that let its holder in:
the code is used up in a transaction of its own, before the key exists anywhere but in memory.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chalkface.voice.models import Campaign


class Conversation(models.Model):
    """A topic staff in a campaign's workplaces respond to with statements and votes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conversations")
    topic = models.CharField(_("topic"), max_length=300, help_text=_("The question staff respond to"))
    topic_cy = models.CharField(_("topic in Welsh"), max_length=300, blank=True, default="")
    strict = models.BooleanField(
        _("strict moderation"),
        default=False,
        help_text=_("Statements added by staff are shown only once you accept them"),
    )
    seed = models.PositiveIntegerField(
        _("seed"), default=0, help_text=_("Fixes the order statements are offered in and the map")
    )
    is_open = models.BooleanField(_("taking votes"), default=True)
    created_on = models.DateField(default=timezone.localdate)
    # The last report released, as published figures only, and how many participants it was made from.
    report = models.JSONField(null=True, blank=True, editable=False)
    report_participants = models.PositiveIntegerField(default=0, editable=False)
    # When a new report was queued for the task worker (large conversations), until it is kept.
    report_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("campaign", "pk")

    def __str__(self) -> str:
        return self.display_topic

    def get_absolute_url(self) -> str:
        return reverse("conversations:manage", args=[self.pk])

    @property
    def display_topic(self) -> str:
        if self.topic_cy and (get_language() or "").startswith("cy"):
            return self.topic_cy
        return self.topic


class StatementStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PENDING = "pending", _("Waiting for moderation")
    REJECTED = "rejected", _("Rejected")


class Statement(models.Model):
    """One statement to vote on; its text was protected (redacted) before it was stored. No author."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveIntegerField(help_text="Its comment-id in Pol.is exports")
    text = models.CharField(_("statement"), max_length=400)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.ACCEPTED
    )
    seeded = models.BooleanField(default=False, help_text="Written by the people who run the conversation")
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ("conversation", "number")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="one_statement_number"),
        ]

    def __str__(self) -> str:
        return self.text


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    """A participant's vote on a statement: their random key, the statement and the vote; nothing else."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.CharField(max_length=32)
    value = models.SmallIntegerField(choices=VoteValue.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="one_vote_per_statement"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="vote_is_agree_disagree_pass"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "participant"])]

    def __str__(self) -> str:
        return f"vote on statement {self.statement_id}"
