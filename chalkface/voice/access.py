"""Who may run a campaign, and who may see what it collected: its incident reports and its results
(union custody).

A campaign is managed from the side that owns it: union officers (and admins) for a campaign owned by a
union or branch in their reach, employer leads for one owned by their employer. A union rep may hand
out codes and links, enter and triage reports for their own workplace in a union-owned campaign, and see
their own workplace's results. Another organisation sees only what the owner shares with it.

The roles and their reach come from :mod:`chalkface.accounts.permissions`; this module adds what depends
on campaigns. Nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chalkface.accounts.models import Role
from chalkface.accounts.permissions import roles, scope_ids
from chalkface.voice.models import DEFAULT_THRESHOLD, Campaign, Share
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


# --- Results and incidents: which campaigns, and within them which workplaces -----------------------------

Scopes = dict[int | None, set[int] | None]


def result_scopes(user: Any) -> Scopes:
    """For each campaign whose results the user may see: ``None`` for every workplace in it, or the ids of
    the workplaces whose results they may see (a rep's own). The key ``None`` stands for check-ins outside
    any campaign, which only administrators see."""
    return _scopes(user, Share.RESULTS)


def incident_scopes(user: Any) -> Scopes:
    return _scopes(user, Share.INCIDENTS)


def _scopes(user: Any, share: str) -> Scopes:
    scopes: Scopes = {}
    admin = is_admin(user)
    for campaign in visible_campaigns(user):
        if admin or can_manage(user, campaign) or shared_with(user, campaign, share):
            scopes[campaign.pk] = None
            continue
        own = set(rep_workplaces(user, campaign).values_list("pk", flat=True))
        if own:
            scopes[campaign.pk] = own
    if admin:
        scopes[None] = None
    return scopes


def scope_q(scopes: Scopes) -> Q:
    q = Q(pk__in=[])
    for campaign_id, workplaces in scopes.items():
        part = Q(campaign__isnull=True) if campaign_id is None else Q(campaign_id=campaign_id)
        if workplaces is not None:
            part &= Q(workplace_id__in=workplaces)
        q |= part
    return q


def narrow(scopes: Scopes, campaign: Campaign | None, workplace: Organisation | None) -> Scopes:
    if campaign is not None:
        if campaign.pk not in scopes:
            raise PermissionDenied(_("The owner of this campaign has not shared its results with you."))
        scopes = {campaign.pk: scopes[campaign.pk]}
    if workplace is not None:
        narrowed: Scopes = {}
        for key, places in scopes.items():
            if places is None or workplace.pk in places:
                narrowed[key] = {workplace.pk}
        if not narrowed:
            raise PermissionDenied(_("You cannot see results for this workplace."))
        scopes = narrowed
    return scopes


def can_see_results(user: Any) -> bool:
    """Does the user see the results of at least one campaign (and so the insight pages)?"""
    return bool(result_scopes(user))


def can_export(user: Any, campaign: Campaign) -> bool:
    """Open data for a campaign is for those who run it and those it shares its results with."""
    return is_admin(user) or can_manage(user, campaign) or shared_with(user, campaign, Share.RESULTS)


def threshold_for(campaign_ids: Iterable[int | None]) -> int:
    """The disclosure threshold for figures that pool these campaigns: the strictest of theirs."""
    ids = list(campaign_ids)
    campaigns = [c for c in ids if c is not None]
    found = list(Campaign.objects.filter(pk__in=campaigns).values_list("threshold", flat=True))
    return max([DEFAULT_THRESHOLD, *found]) if None in ids else max(found or [DEFAULT_THRESHOLD])
