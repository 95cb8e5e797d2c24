"""Making and revoking API tokens. Each function owns its transaction and writes the audit log."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface.accounts import audit
from chalkface.accounts.models import User
from chalkface.api.models import DISPLAY_LENGTH, TOKEN_PREFIX, ApiToken, digest

# A person rarely needs more than a handful; the limit stops a runaway script filling the table.
MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def create_token(actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``actor``; returns it with the token itself, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so that you know what it is for.")})
    if ApiToken.objects.filter(user=actor).active().count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("You have %(n)d tokens already; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name, token_hash=digest(raw), prefix=raw[:DISPLAY_LENGTH])
    token.full_clean()
    token.save()
    audit.record(actor, "api_token.created", token, f"API token {token.prefix}… ({name})", {"name": name})
    return token, raw


@transaction.atomic
def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    """Stop a token working, at once and for good. Revoking a revoked token changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoked", locked, f"API token {locked.prefix}… ({locked.name})")
    return locked


def mark_used(token: ApiToken) -> None:
    """Record the day a token was last used (the day only: no time, no address). One UPDATE, once a day."""
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
        token.last_used_on = today
