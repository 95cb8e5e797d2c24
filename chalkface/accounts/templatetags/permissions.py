"""Template filters that ask :mod:`chalkface.accounts.permissions` what the user may do."""

from __future__ import annotations

from typing import Any

from django import template

from chalkface.accounts.permissions import can, roles

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    """``{% if user|may:"edit_catalogue" %}``: may the user do this (anywhere)?"""
    return can(user, action)


@register.filter
def has_role(user: Any) -> bool:
    """Does the user hold any role in Chalkface?"""
    return bool(roles(user))


@register.filter
def awaits_code(user: Any) -> bool:
    """Is this log-in still waiting for its second factor? (The menu is hidden until it is given.)"""
    from chalkface.accounts import second_factor

    return second_factor.must_verify(user)
