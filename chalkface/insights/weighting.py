"""Which figures are weighted to the workforce, and to which margins.

National and regional views (a viewer who may see every workplace of the campaigns shown) are weighted by
default, to the newest :class:`~chalkface.insights.models.WorkforceMargins`; the viewer may ask for the
unweighted figures (``?weighting=none``). A view narrowed to some workplaces (a rep's, an employer's) is
never weighted: the margins describe the whole workforce, not one employer's. The weights are computed once
over the whole scope of a tool (:func:`chalkface.evidence.workforce.weight_to_workforce`) and the same weight
follows each check-in into every slice; where a group's weights could single somebody out, its figure is the
unweighted one (see :mod:`chalkface.evidence.workforce`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chalkface.evidence import HistoryGate
from chalkface.evidence.workforce import (
    WEIGHTING_COLUMNS,
    WorkforceWeights,
    weight_classes,
    weight_to_workforce,
)
from chalkface.insights.models import WorkforceMargins
from chalkface.insights.wording import label_for
from chalkface.voice.access import Scopes

WEIGHTED, UNWEIGHTED = "workforce", "none"
#: The choice a viewer has, in the order offered.
CHOICES = (
    (WEIGHTED, gettext_lazy("Weighted to the workforce")),
    (UNWEIGHTED, gettext_lazy("Not weighted (as answered)")),
)
TRIM = 5.0
#: How many of the margins' groups nobody answered from the method note names before it says "and N more".
SHOWN_DROPPED = 4


def current_margins() -> WorkforceMargins | None:
    """The margins in use: the newest set added."""
    return WorkforceMargins.objects.order_by("-added_at", "-pk").first()


@dataclass(frozen=True)
class Weighting:
    """The weighting of one computation: whether the viewer may choose (``available``), what was chosen
    (``mode``), the margins, and after :func:`weigh`, how the check-ins were weighted (``summary``)."""

    available: bool
    mode: str
    margins: WorkforceMargins | None = None
    summary: WorkforceWeights | None = None
    why_not: str = ""

    @property
    def requested(self) -> bool:
        return self.available and self.mode == WEIGHTED

    @property
    def applied(self) -> bool:
        return self.requested and self.summary is not None and self.summary.weighted

    def note(self) -> str:
        """The method note, in the viewer's language: which margins were used, or why none were."""
        if self.applied and self.margins is not None:
            text = _(
                "Weighted to the workforce: %(name)s (%(source)s), by role, phase and region, with weights "
                "capped at %(trim)s times the average. Effective n allows for the weights and for colleagues "
                "in the same workplace answering alike. A group whose weights could single somebody out is "
                "shown unweighted and marked so."
            ) % {"name": self.margins.name, "source": self.margins.source, "trim": f"{TRIM:g}"}
            dropped = self.summary.dropped if self.summary else ()
            if dropped:
                names = [str(label_for(col, cat)) for col, cat in dropped]
                if len(names) > SHOWN_DROPPED:
                    groups = _("%(named)s and %(more)s more") % {
                        "named": ", ".join(names[:SHOWN_DROPPED]),
                        "more": len(names) - SHOWN_DROPPED,
                    }
                else:
                    groups = ", ".join(names)
                text += " " + _(
                    "Too few answered from %(groups)s to weight them: their answers count as they came, and "
                    "the rest are weighted to the workforce."
                ) % {"groups": groups}
            return text
        if self.requested and self.summary is not None and not self.summary.weighted:
            return str(TOO_FEW)
        if self.available and self.mode == UNWEIGHTED:
            return _(
                "Not weighted: the figures describe the people who answered, who may not be like the whole "
                "workforce (teachers, for instance, often answer more than support staff)."
            )
        return self.why_not

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "mode": self.mode,
            "applied": self.applied,
            "margins": (
                {"name": self.margins.name, "source": self.margins.source, "licence": self.margins.licence}
                if self.margins is not None
                else None
            ),
            "weights": self.summary.to_dict() if self.summary else None,
            "note": self.note(),
        }


def weighting_for(scopes: Scopes, requested: str | None = None) -> Weighting:
    """The weighting a viewer with ``scopes`` gets, given what they asked for (``None``: the default)."""
    if any(places is not None for places in scopes.values()):
        return Weighting(
            False,
            UNWEIGHTED,
            why_not=_(
                "Not weighted: these figures cover some workplaces only, and the workforce margins describe "
                "the whole workforce."
            ),
        )
    margins = current_margins()
    if margins is None:
        return Weighting(
            False,
            UNWEIGHTED,
            why_not=_(
                "Not weighted: no workforce margins have been added yet, so the figures describe the people "
                "who answered. A union officer can add them under Workforce margins."
            ),
        )
    mode = requested if requested in (WEIGHTED, UNWEIGHTED) else WEIGHTED
    return Weighting(True, mode, margins)


def weigh(
    frame: pl.DataFrame, weighting: Weighting, k: int, gate: HistoryGate | None = None
) -> tuple[pl.DataFrame, Weighting]:
    """``frame`` with ``weight`` and ``weight_class`` columns when the weighting asks for them.

    A group's weighted and unweighted figures together can give away the sums of its weight classes (two
    averages of a group of two classes are two equations in two unknowns), so every class of the scope is
    put through the release history (``gate``, the scope's, without filters) as a group shown: if any class
    would single somebody out beside what was shown before, nothing is weighted."""
    if not weighting.requested or weighting.margins is None or frame.height == 0:
        return frame, weighting
    weighted, summary = weight_to_workforce(frame, weighting.margins.margins, k=k, trim=TRIM)
    if gate is not None:
        for conditions, n, key in weight_classes(weighted):
            if not gate.admit_group(conditions, [("responses", n, key)]):
                return frame, replace(weighting, summary=None, why_not=str(REFUSED))
    return weighted, replace(weighting, summary=summary)


def weighable_slice(conditions: dict[str, Any]) -> bool:
    """Whether a slice is made of whole weight classes (only role, phase and region chosen)."""
    return set(conditions) <= set(WEIGHTING_COLUMNS)


TOO_FEW = gettext_lazy(
    "Not weighted: no group of staff (one role, in one phase and region) has enough check-ins to be weighted "
    "on its own, so the figures are shown as answered."
)
REFUSED = gettext_lazy(
    "Not weighted: weighting these figures, beside what has been shown before, could single somebody out, so "
    "they are shown as answered."
)
SLICE_NOT_WEIGHTED = gettext_lazy(
    "Not weighted: a slice by version, deprivation or period cuts across the groups of staff the weights are "
    "made for, so it is shown as answered."
)
