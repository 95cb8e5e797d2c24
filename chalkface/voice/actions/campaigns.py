"""Campaigns: starting one, changing it, and what its owner shares with other organisations."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.register.models import Tool
from chalkface.voice.errors import VoiceError
from chalkface.voice.models import MIN_THRESHOLD, Campaign, CampaignShare
from chalkface.web.slugs import free_slug
from chalkface.workplaces.models import Organisation


@transaction.atomic
def create_campaign(
    actor: User | None,
    values: dict[str, Any],
    workplaces: list[Organisation],
    tools: list[Tool],
    shares: dict[str, list[Organisation]] | None = None,
) -> Campaign:
    """A new campaign; ``shares`` maps what is shared ("results", "comments", "incidents") to whom. Without
    a ``slug`` in ``values``, one is made from its name."""
    threshold = int(values.get("threshold") or 10)
    if threshold < MIN_THRESHOLD:
        raise VoiceError(f"The disclosure threshold cannot be below {MIN_THRESHOLD}.")
    if not values.get("slug"):
        taken = Campaign.objects.filter
        values = {
            **values,
            "slug": free_slug(
                str(values.get("name", "")),
                lambda slug: taken(slug=slug).exists(),
                fallback="campaign",
                max_length=70,
            ),
        }
    campaign = Campaign(**values)
    campaign.full_clean()
    campaign.save()
    campaign.workplaces.set(workplaces)
    campaign.tools.set(tools)
    _set_shares(campaign, shares or {})
    audit.record(
        actor,
        "campaign.created",
        campaign,
        campaign.name,
        {
            "owner": campaign.owner_id,
            "workplaces": [w.pk for w in workplaces],
            "tools": [t.pk for t in tools],
            "threshold": campaign.threshold,
            "shares": {k: [o.pk for o in v] for k, v in (shares or {}).items()},
        },
    )
    return campaign


EDITABLE_CAMPAIGN_FIELDS = ("name", "name_cy", "opens_on", "closes_on", "threshold")


@transaction.atomic
def edit_campaign(
    actor: User | None,
    campaign: Campaign,
    values: dict[str, Any],
    workplaces: list[Organisation],
    tools: list[Tool],
) -> Campaign:
    """Change a campaign's name, dates, disclosure threshold (never below 5) and scope."""
    threshold = int(values.get("threshold") or campaign.threshold)
    if threshold < MIN_THRESHOLD:
        raise VoiceError(f"The disclosure threshold cannot be below {MIN_THRESHOLD}.")
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = {name: getattr(locked, name) for name in EDITABLE_CAMPAIGN_FIELDS}
    before_workplaces = sorted(locked.workplaces.values_list("pk", flat=True))
    before_tools = sorted(locked.tools.values_list("pk", flat=True))
    for name in EDITABLE_CAMPAIGN_FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    locked.full_clean()
    locked.save()
    locked.workplaces.set(workplaces)
    locked.tools.set(tools)
    changes: dict[str, Any] = {
        name: [before[name], getattr(locked, name)]
        for name in EDITABLE_CAMPAIGN_FIELDS
        if before[name] != getattr(locked, name)
    }
    after_workplaces = sorted(w.pk for w in workplaces)
    after_tools = sorted(t.pk for t in tools)
    if after_workplaces != before_workplaces:
        changes["workplaces"] = [before_workplaces, after_workplaces]
    if after_tools != before_tools:
        changes["tools"] = [before_tools, after_tools]
    audit.record(actor, "campaign.edited", locked, locked.name, changes)
    return locked


@transaction.atomic
def set_shares(actor: User | None, campaign: Campaign, shares: dict[str, list[Organisation]]) -> Campaign:
    """Replace what the owner shares with other organisations."""
    _set_shares(campaign, shares)
    audit.record(
        actor,
        "campaign.shares_changed",
        campaign,
        campaign.name,
        {k: [o.pk for o in v] for k, v in shares.items()},
    )
    return campaign


def _set_shares(campaign: Campaign, shares: dict[str, list[Organisation]]) -> None:
    campaign.shares.all().delete()
    CampaignShare.objects.bulk_create(
        CampaignShare(campaign=campaign, organisation=organisation, what=what)
        for what, organisations in shares.items()
        for organisation in organisations
        if organisation.pk != campaign.owner_id
    )
