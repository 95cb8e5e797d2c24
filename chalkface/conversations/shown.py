"""Statements as they are shown: redacted again, by the one redaction module, with the campaign's workplace
names as identifying and its tools' names as allowed. A statement was redacted before it was stored; a rule
that improved since catches now what it missed then."""

from __future__ import annotations

from chalkface import redaction
from chalkface.conversations.models import Conversation


class ShownText:
    """Redacts statements of one conversation for display (the names are looked up once)."""

    def __init__(self, conversation: Conversation) -> None:
        campaign = conversation.campaign
        names: list[str] = []
        for place in campaign.workplaces.select_related("parent"):
            for name in [place.name, *(o.name for o in place.ancestors())]:
                if name not in names:
                    names.append(name)
        self.names = names
        self.allow = list(campaign.tools.values_list("name", flat=True))

    def __call__(self, text: str) -> str:
        return redaction.protect(text, workplace_names=self.names, allow=self.allow)
