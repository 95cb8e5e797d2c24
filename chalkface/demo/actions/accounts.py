"""The demo's log-ins: one per role, created once and reused on later runs."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.db import transaction
from django.db.models import Count

from chalkface.accounts.models import Membership, Role, User
from chalkface.demo.actions.checkins import SYNTHETIC_CAMPAIGN, SYNTHETIC_CAMPAIGN_NAME_CY
from chalkface.voice.models import Campaign, CampaignShare, Share
from chalkface.workplaces.models import Organisation

DEMO_DOMAIN = "demo.chalkface.test"
# How long the demo's campaign stays open after the day the demo is set up (or run again).
OPEN_AHEAD = dt.timedelta(weeks=6)


@transaction.atomic
def keep_campaign_open(today: dt.date) -> Campaign | None:
    """The demo's campaign is open today and for some weeks ahead, whenever the demo is run (and has its
    Welsh name, which demos set up before it had one lack)."""
    campaign = Campaign.objects.filter(slug=SYNTHETIC_CAMPAIGN).first()
    if campaign is None:
        return None
    if campaign.opens_on > today:
        campaign.opens_on = today
    if campaign.closes_on < today + dt.timedelta(weeks=1):
        campaign.closes_on = today + OPEN_AHEAD
    if not campaign.name_cy:
        campaign.name_cy = SYNTHETIC_CAMPAIGN_NAME_CY
    campaign.save(update_fields=["opens_on", "closes_on", "name_cy"])
    return campaign


def busiest_workplace() -> Organisation | None:
    """The workplace with the most check-ins in the demo's campaign (so its rep has results to see)."""
    campaign = Campaign.objects.filter(slug=SYNTHETIC_CAMPAIGN).first()
    if campaign is not None:
        top = (
            campaign.responses.values("workplace").annotate(n=Count("pk")).order_by("-n", "workplace").first()
        )
        if top is not None:
            return Organisation.objects.get(pk=top["workplace"])
    return Organisation.objects.workplaces().order_by("urn").first()


def share_with_employer(employer: Organisation) -> None:
    """The union shares the demo campaign's results and incident reports with the employer."""
    campaign = Campaign.objects.filter(slug=SYNTHETIC_CAMPAIGN).first()
    if campaign is None:
        return
    for what in (Share.RESULTS, Share.INCIDENTS):
        CampaignShare.objects.get_or_create(campaign=campaign, organisation=employer, what=what)


@transaction.atomic
def ensure_accounts(data_dir: Path) -> list[dict[str, str]]:
    logins_file = data_dir / "demo-logins.json"
    if logins_file.exists() and User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
        logins: list[dict[str, str]] = json.loads(logins_file.read_text(encoding="utf-8"))
        return logins

    union, _ = Organisation.objects.get_or_create(
        slug="demo-education-union", defaults={"kind": "union", "name": "Demo Education Union"}
    )
    first_workplace = busiest_workplace()
    if first_workplace is None:
        raise RuntimeError("The demo needs at least one workplace in the database")
    region = first_workplace.get_region_display() or "Local"
    branch, _ = Organisation.objects.get_or_create(
        slug="demo-education-union-branch",
        defaults={"kind": "union_branch", "name": f"Demo Education Union, {region} branch", "parent": union},
    )
    employer = first_workplace.parent or first_workplace
    share_with_employer(employer)

    plan: list[tuple[str, str, Organisation, bool]] = [
        (Role.UNION_REP, "Workplace rep", first_workplace, False),
        (Role.UNION_OFFICER, "Union officer", branch, False),
        (Role.EMPLOYER_LEAD, "Employer lead", employer, False),
        (Role.ANALYST, "Researcher", union, False),
        (Role.ADMIN, "Administrator", union, True),
    ]
    logins: list[dict[str, str]] = []
    for role, name, organisation, is_admin in plan:
        email = f"{role.replace('_', '-')}@{DEMO_DOMAIN}"
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, name=f"Demo {name}")
        else:
            user.set_password(password)
        user.is_staff = user.is_superuser = is_admin
        user.save()
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        logins.append(
            {"role": str(role), "email": email, "password": password, "organisation": organisation.name}
        )

    logins_file.parent.mkdir(parents=True, exist_ok=True)
    logins_file.write_text(json.dumps(logins, indent=2), encoding="utf-8")
    logins_file.chmod(0o600)
    return logins
