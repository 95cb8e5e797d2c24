"""The populations each viewer has been shown figures for, and the check that a new slice, combined with
them, singles nobody out (the query auditor of :mod:`chalkface.evidence`)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from chalkface.errors import ChalkfaceError
from chalkface.evidence import QueryAuditor, Slice
from chalkface.insights.actions import remember_shown
from chalkface.insights.models import ShownSlice
from chalkface.voice.models import Campaign


class SliceRefused(ChalkfaceError):
    """The query auditor refused a slice; ``reason`` says why in plain words, without any small count."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown_slices(user: Any, campaign: Campaign | None) -> list[Slice]:
    """The populations this viewer has already been shown figures for (within the campaign, or overall)."""
    rows = ShownSlice.objects.filter(user=user, campaign=campaign).order_by("pk")
    return [Slice.from_dict(row.conditions) for row in rows]


def check_slice(user: Any, campaign: Campaign | None, frame: pl.DataFrame, slice_: Slice, k: int) -> None:
    """Raise :class:`SliceRefused` when ``slice_`` may not be shown to this viewer; otherwise remember it."""
    if frame.height == 0:
        return
    auditor = QueryAuditor(k=k).fit(frame)
    decision = auditor.check(slice_, shown_slices(user, campaign))
    if not decision.allowed:
        raise SliceRefused(decision.reason or _("This slice cannot be shown."))
    remember_shown(user, campaign, [slice_])
