"""What the voice app refuses, with a message fit to show the person who asked."""

from __future__ import annotations

from typing import Any

from chalkface.errors import ChalkfaceError


class VoiceError(ChalkfaceError):
    """A request the voice app refuses, with a message fit to show the person who made it."""


class CodeRejected(VoiceError):
    """The access code is unknown, used, revoked or expired (deliberately not saying which)."""

    status = 409


class CampaignClosed(VoiceError):
    """The campaign is not taking answers today; ``campaign`` is the campaign (for the page that says so)."""

    status = 410

    def __init__(self, message: str, campaign: Any = None) -> None:
        super().__init__(message)
        self.campaign = campaign
