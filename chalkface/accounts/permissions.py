"""One place that answers "may this user do X to this object?".

Roles come from memberships. A membership in an organisation reaches that organisation and every
organisation under it (a trust's employer lead reaches its schools; a union officer in a union reaches
its branches). Views and the API call :func:`can`; nothing else decides access.
"""

from __future__ import annotations

from typing import Any

from chalkface.accounts.models import Role

# What each role may do regardless of the object. "view_register" covers suppliers, tools, versions,
# organisations and deployments, which are not personal data.
_GLOBAL: dict[str, frozenset[str]] = {
    "view_register": frozenset(
        {Role.UNION_REP, Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ANALYST, Role.ADMIN}
    ),
    # The catalogue of suppliers, tools and versions is shared: those who meet tools in the field add them.
    "edit_catalogue": frozenset({Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ADMIN}),
    "view_audit_log": frozenset({Role.ADMIN}),
    "import_schools": frozenset({Role.ADMIN}),
}

# Actions on one organisation: the roles that may do them, when held in it or in an organisation above it.
_SCOPED: dict[str, frozenset[str]] = {
    "edit_organisation": frozenset({Role.EMPLOYER_LEAD, Role.ADMIN}),
    "edit_deployments": frozenset({Role.EMPLOYER_LEAD, Role.UNION_REP, Role.ADMIN}),
}

ACTIONS: frozenset[str] = frozenset(_GLOBAL) | frozenset(_SCOPED)


def roles(user: Any) -> set[str]:
    """Every role the user holds anywhere (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached: set[str] | None = getattr(user, "_chalkface_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._chalkface_roles = cached
    return cached


def scope_ids(user: Any, allowed_roles: frozenset[str]) -> set[int]:
    """Ids of the organisations where the user holds one of ``allowed_roles``, with those under them."""
    from chalkface.workplaces.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return set()
    roots = set(user.memberships.filter(role__in=allowed_roles).values_list("organisation_id", flat=True))
    return Organisation.objects.descendant_ids(roots)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (to ``obj``, an organisation or something that belongs to one)?"""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; known actions: {', '.join(sorted(ACTIONS))}")
    held = roles(user)
    if not held:
        return False
    if Role.ADMIN in held:
        return True
    if action in _GLOBAL:
        return bool(held & _GLOBAL[action])
    allowed = _SCOPED[action]
    if not held & allowed:
        return False
    if obj is None:
        # "May they do this anywhere?" — used to decide whether to show a button at all.
        return True
    organisation_id = _organisation_id(obj)
    return organisation_id in scope_ids(user, allowed)


def _organisation_id(obj: Any) -> int:
    from chalkface.workplaces.models import Organisation

    if isinstance(obj, Organisation):
        return int(obj.pk)
    for attribute in ("workplace_id", "organisation_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return int(value)
    raise TypeError(f"Cannot tell which organisation {obj!r} belongs to")
