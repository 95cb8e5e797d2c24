"""Template filters for the voice pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.filter
def span_label(kind: str) -> str:
    """What a highlighted span looks like, in words (shown as its tooltip and to screen readers)."""
    labels = {
        "email": _("an email address"),
        "url": _("a web address"),
        "phone": _("a phone number"),
        "postcode": _("a postcode"),
        "number": _("a number that could identify a pupil"),
        "workplace": _("the name of your workplace"),
        "name": _("a name"),
    }
    return labels.get(kind, kind)
