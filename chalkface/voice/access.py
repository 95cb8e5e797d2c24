"""Who may run a campaign, and who may see its incident reports (union custody).

A campaign is managed from the side that owns it: union officers (and admins) for a campaign owned by a
union or branch in their reach, employer leads for one owned by their employer. A union rep may hand
out codes and links, enter and triage reports for their own workplace in a union-owned campaign. Another
organisation sees only what the owner shares with it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chalkface.accounts.models import Role
from chalkface.accounts.permissions import roles, scope_ids
from chalkface.voice.models import Campaign, Share
from chalkface.workplaces.models import Organisation

UNION_KINDS = frozenset({"union", "union_branch"})
UNION_MANAGERS = frozenset({Role.UNION_OFFICER})
EMPLOYER_MANAGERS = frozenset({Role.EMPLOYER_LEAD})


def is_admin(user: Any) -> bool:
    return Role.ADMIN in roles(user)


def owner_choices(user: Any) -> QuerySet[Organisation]:
    """Organisations on whose behalf the user may start a campaign."""
    if is_admin(user):
        return Organisation.objects.all()
    union = scope_ids(user, UNION_MANAGERS)
    employer = scope_ids(user, EMPLOYER_MANAGERS)
    return Organisation.objects.filter(pk__in=union).filter(
        kind__in=UNION_KINDS
    ) | Organisation.objects.filter(pk__in=employer).exclude(kind__in=UNION_KINDS)


def can_manage(user: Any, campaign: Campaign) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    allowed = UNION_MANAGERS if campaign.owner.kind in UNION_KINDS else EMPLOYER_MANAGERS
    return campaign.owner_id in scope_ids(user, allowed)


def rep_workplaces(user: Any, campaign: Campaign) -> QuerySet[Organisation]:
    """The campaign's workplaces where the user acts for it: all for a manager, their own for a rep."""
    if can_manage(user, campaign):
        return campaign.workplaces.all()
    if campaign.owner.kind not in UNION_KINDS:
        return Organisation.objects.none()
    return campaign.workplaces.filter(pk__in=scope_ids(user, frozenset({Role.UNION_REP})))


def can_act(user: Any, campaign: Campaign) -> bool:
    """May hand out codes or links, enter reports and triage them for at least one workplace."""
    return rep_workplaces(user, campaign).exists()


def shared_with(user: Any, campaign: Campaign, what: str) -> bool:
    """Has the owner shared ``what`` with an organisation the user belongs to (or is above)?"""
    held = roles(user)
    if not held:
        return False
    reach = scope_ids(user, frozenset(held))
    return campaign.shares.filter(what=what, organisation_id__in=reach).exists()


def can_see_incidents(user: Any, campaign: Campaign) -> bool:
    return can_act(user, campaign) or shared_with(user, campaign, Share.INCIDENTS)


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user runs, acts in, or has been shared something from."""
    campaigns = Campaign.objects.select_related("owner", "question_set_version__question_set")
    if is_admin(user):
        return campaigns.all()
    held = roles(user)
    reach = scope_ids(user, frozenset(held)) if held else set()
    union = scope_ids(user, UNION_MANAGERS)
    employer = scope_ids(user, EMPLOYER_MANAGERS)
    reps = scope_ids(user, frozenset({Role.UNION_REP}))
    visible = (
        Q(owner_id__in=union, owner__kind__in=UNION_KINDS)
        | (Q(owner_id__in=employer) & ~Q(owner__kind__in=UNION_KINDS))
        | Q(owner__kind__in=UNION_KINDS, workplaces__in=reps)
        | Q(shares__organisation_id__in=reach)
    )
    return campaigns.filter(pk__in=Campaign.objects.filter(visible).values("pk"))


def require_manage(user: Any, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied(_("Only the people who run this campaign for its owner can do that."))


def require_act(user: Any, campaign: Campaign) -> None:
    if not can_act(user, campaign):
        raise PermissionDenied(_("Only the people who run this campaign, or its reps, can do that."))
