"""A conversation's opinion map in the evidence brief: where staff agree and where they divide.

Registered with the brief (:data:`chalkface.insights.brief.BRIEF_PARTS`) when the app loads. A brief shows
the report last released for each conversation of the campaigns it draws on, to those who may read that
report, passed through the release gate on the brief's channel; it never makes a new report.
"""

from __future__ import annotations

from typing import Any

from chalkface.conversations import report
from chalkface.conversations.models import Conversation, StatementStatus
from chalkface.conversations.shown import ShownText
from chalkface.insights.brief import BriefPart
from chalkface.voice import access as perms
from chalkface.voice.models import Campaign, Share

TEMPLATE = "conversations/_brief.html"
SHOWN = 3  # consensus and divisive statements, and representative statements per group


def may_read(user: Any, campaign: Campaign) -> bool:
    return perms.can_manage(user, campaign) or perms.shared_with(user, campaign, Share.RESULTS)


def parts_for(user: Any, tool: Any, campaigns: list[Campaign], channel: str) -> list[BriefPart]:
    parts = []
    conversations = Conversation.objects.filter(campaign__in=campaigns).select_related("campaign__owner")
    for conversation in conversations.order_by("campaign__opens_on", "pk"):
        if not may_read(user, conversation.campaign):
            continue
        published, _basis = report.kept(conversation)
        if published is None or not published.shown:
            continue
        report.release(user, conversation, published, channel=channel)
        shown = ShownText(conversation)
        texts = {
            number: shown(text)
            for number, text in conversation.statements.filter(status=StatementStatus.ACCEPTED).values_list(
                "number", "text"
            )
        }
        view = report.view_of(published, texts)
        for group in view["groups"]:
            group["reps"] = group["reps"][:SHOWN]
        context = {
            "conversation": conversation,
            "k": conversation.campaign.threshold,
            "published": published,
            "groups": view["groups"],
            "withheld": view["withheld"],
            "consensus": view["consensus"][:SHOWN],
            "divisive": view["divisive"][:SHOWN],
        }
        parts.append(BriefPart(TEMPLATE, context))
    return parts
