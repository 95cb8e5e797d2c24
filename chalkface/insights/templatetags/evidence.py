"""Template filters that word what the evidence layer says, in the viewer's language."""

from __future__ import annotations

from django import template

from chalkface.insights.wording import plain_reason

register = template.Library()


@register.filter
def reason(note: str | None) -> str:
    """``{{ comparison.reason|reason }}``: why a figure is hidden, in plain words."""
    return plain_reason(note)
