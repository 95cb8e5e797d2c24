"""``{% open_conversations campaign %}``: the conversations a campaign's respondents can join."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def open_conversations(campaign: Any) -> list[Any]:
    return list(campaign.conversations.filter(is_open=True).order_by("pk"))
