"""Access codes and open links: how staff get in to answer."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.voice import codes
from chalkface.voice.errors import VoiceError
from chalkface.voice.models import AccessCode, Campaign, CodeBatch, OpenLink
from chalkface.workplaces.models import Organisation

MAX_BATCH = 2000


def refuse_if_closed(campaign: Campaign) -> None:
    """Codes and links for a campaign that has closed would only lead staff to a closed page."""
    if campaign.closes_on < timezone.localdate():
        raise VoiceError(
            _(
                "This campaign closed on %(day)s and is not taking answers, so no codes or links can be "
                "made for it. To collect more answers, its owner can change its closing date."
            )
            % {"day": date_format(campaign.closes_on, "j F Y")}
        )


@transaction.atomic
def generate_codes(
    actor: User | None, campaign: Campaign, workplace: Organisation, count: int, expires_on: dt.date
) -> tuple[CodeBatch, list[str]]:
    """A batch of single-use codes for one workplace. The plain codes are returned once and never stored."""
    refuse_if_closed(campaign)
    if not 1 <= count <= MAX_BATCH:
        raise VoiceError(f"A batch holds between 1 and {MAX_BATCH} codes.")
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    if expires_on < timezone.localdate():
        raise VoiceError("The codes would already have expired.")
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
    batch = CodeBatch.objects.create(
        campaign=campaign, workplace=workplace, size=count, expires_at=expires_at
    )
    plain: list[str] = []
    hashes: set[str] = set()
    while len(plain) < count:
        code = codes.generate()
        digest = codes.digest(code)
        if digest is None or digest in hashes:
            continue
        hashes.add(digest)
        plain.append(code)
    taken = set(AccessCode.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
    if taken:  # 60 random bits: a clash is astronomically unlikely, but never reuse one.
        raise VoiceError("Please try again: a generated code clashed with an existing one.")
    # Stored in an order unrelated to the printed sheet, so that no row id says "slip 7 of this batch".
    stored = sorted(hashes)
    random.SystemRandom().shuffle(stored)
    AccessCode.objects.bulk_create(
        AccessCode(batch=batch, campaign=campaign, workplace=workplace, code_hash=h, expires_at=expires_at)
        for h in stored
    )
    audit.record(
        actor,
        "codes.generated",
        batch,
        f"{count} access codes for {workplace} ({campaign})",
        {"count": count, "workplace": workplace.pk, "expires_on": expires_on},
    )
    return batch, plain


@transaction.atomic
def revoke_batch(actor: User | None, batch: CodeBatch) -> int:
    """Revoke every unused code of a batch (a lost sheet); returns how many were still unused."""
    unused = AccessCode.objects.filter(batch=batch, used=False, revoked=False).update(revoked=True)
    batch.revoked = True
    batch.save(update_fields=["revoked"])
    audit.record(actor, "codes.revoked", batch, f"Revoked {unused} unused codes", {"unused": unused})
    return unused


@transaction.atomic
def create_open_link(
    actor: User | None, campaign: Campaign, workplace: Organisation, per_hour: int = 60
) -> OpenLink:
    refuse_if_closed(campaign)
    if not campaign.workplaces.filter(pk=workplace.pk).exists():
        raise VoiceError(f"{workplace} is not one of this campaign's workplaces.")
    link = OpenLink.objects.create(
        campaign=campaign, workplace=workplace, token=secrets.token_urlsafe(18), per_hour=per_hour
    )
    audit.record(actor, "open_link.created", link, str(link), {"per_hour": per_hour})
    return link


@transaction.atomic
def close_open_link(actor: User | None, link: OpenLink) -> OpenLink:
    link.active = False
    link.save(update_fields=["active"])
    audit.record(actor, "open_link.closed", link, str(link))
    return link
