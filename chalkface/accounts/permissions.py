"""One place that answers "may this user do X to this object?".

Roles come from memberships. A membership in an organisation reaches that organisation and every
organisation under it (a trust's employer lead reaches its schools; a union officer in a union reaches
its branches). Views and the API call :func:`can` (or :func:`require`, which raises ``PermissionDenied``
with a sentence the 403 page shows) for actions on organisations and the register.

Access to a campaign and to what it collects (running it, its incident reports, its results) depends on
who owns the campaign and what the owner shared; :mod:`chalkface.voice.access` answers those questions,
from the roles and reach worked out here. Nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from chalkface.accounts.models import Role

# What each role may do regardless of the object. "view_register" covers suppliers, tools, versions,
# organisations and deployments, which are not personal data.
_GLOBAL: dict[str, frozenset[str]] = {
    "view_register": frozenset(
        {Role.UNION_REP, Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ANALYST, Role.ADMIN}
    ),
    # The catalogue of suppliers, tools and versions is shared: those who meet tools in the field add them.
    "edit_catalogue": frozenset({Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ADMIN}),
    # Campaigns: officers and employer leads run them for their organisation, reps hand out codes in them.
    "run_campaigns": frozenset({Role.UNION_REP, Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ADMIN}),
    "view_audit_log": frozenset({Role.ADMIN}),
    "import_schools": frozenset({Role.ADMIN}),
    # DfE product safety assessments and data-practice profiles of tool versions: the employer's duty.
    "assess_tools": frozenset({Role.EMPLOYER_LEAD, Role.ADMIN}),
    # The workforce margins national and regional figures are weighted to: one set for everyone.
    "set_workforce_margins": frozenset({Role.UNION_OFFICER, Role.ADMIN}),
}

# Actions on one organisation: the roles that may do them, when held in it or in an organisation above it.
_SCOPED: dict[str, frozenset[str]] = {
    "edit_organisation": frozenset({Role.EMPLOYER_LEAD, Role.ADMIN}),
    "edit_deployments": frozenset({Role.EMPLOYER_LEAD, Role.UNION_REP, Role.ADMIN}),
    # Each side of a workplace AI agreement records its own view of every item.
    "record_union_view": frozenset({Role.UNION_REP, Role.ADMIN}),
    "record_employer_view": frozenset({Role.EMPLOYER_LEAD, Role.ADMIN}),
}

# Scoped actions some roles may do for any organisation. A union's officers negotiate for members wherever
# they work, and the register does not tie a union to the workplaces its members work in.
_ANYWHERE: dict[str, frozenset[str]] = {
    "record_union_view": frozenset({Role.UNION_OFFICER}),
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
    if held & _ANYWHERE.get(action, frozenset()):
        return True
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


REFUSALS: dict[str, Any] = {
    "view_register": _(
        "The register is open to people who hold a role in Chalkface, and your account does not hold one "
        "yet. Ask your union officer or your employer's lead to add you to your organisation."
    ),
    "edit_catalogue": _(
        "Only union officers, employer leads and administrators can add or change suppliers, tools and "
        "versions."
    ),
    "run_campaigns": _(
        "Campaigns are run by union officers, workplace reps, employer leads and administrators. Ask your "
        "union officer or your employer's lead to add you to your organisation."
    ),
    "view_audit_log": _("Only administrators can see the audit log."),
    "assess_tools": _(
        "Only employer leads and administrators can record safety assessments and data practices of a tool."
    ),
    "record_union_view": _(
        "Only the union rep for this workplace or a union officer can record the union's view of its AI "
        "agreement."
    ),
    "record_employer_view": _(
        "Only the employer lead for this workplace (or for its trust or local authority) can record the "
        "employer's view of its AI agreement."
    ),
    "edit_organisation": _(
        "Only the employer lead for this workplace (or for its trust or local authority) can change its "
        "details."
    ),
    "edit_deployments": _(
        "Only the union rep or the employer lead for this workplace can record the AI tools it uses."
    ),
}

View = Callable[..., HttpResponse]


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` (a 403 page that says why) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(REFUSALS.get(action, ""))


def permission_required(action: str) -> Callable[[View], View]:
    """Anonymous visitors are sent to log in; signed-in people without ``action`` get a 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, action)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
