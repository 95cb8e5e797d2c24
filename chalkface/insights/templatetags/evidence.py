"""Template filters that word what the evidence layer says, in the viewer's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from chalkface.evidence.notes import format_p
from chalkface.insights.wording import plain_reason

register = template.Library()


@register.filter
def reason(note: str | None) -> str:
    """``{{ comparison.reason|reason }}``: why a figure is hidden, in plain words."""
    return plain_reason(note)


@register.filter
def p_value(p: float | None) -> str:
    """``{{ comparison.p_value|p_value }}``: a p-value in a table cell, ``< 0.001`` rather than ``0.000``
    (written by :func:`chalkface.evidence.notes.format_p`, the one formatter)."""
    if p is None or p != p:
        return _("n/a")
    return format_p(p, letter="")
