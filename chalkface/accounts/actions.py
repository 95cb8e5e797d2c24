"""Changes made by the accounts app itself: audit entries for log-in and password-reset limits."""

from __future__ import annotations

from django.db import transaction

from chalkface.accounts.audit import record
from chalkface.accounts.models import AuditEvent, User

WHAT = {
    ("login", "account"): "Logging in to an account was paused after too many failed attempts",
    ("login", "address"): "Logging in from one client address was paused after too many failed attempts",
    ("reset", "account"): "Password reset for one e-mail address was paused after too many requests",
    ("reset", "address"): "Password reset from one client address was paused after too many requests",
}


def record_paused(kind: str, limits: list[str], email: str) -> list[AuditEvent]:
    """Note in the audit log that a limit was reached (``kind`` is ``login`` or ``reset``).

    The entry names the account if one has that e-mail address, never a typed address that has none,
    and never a client address.
    """
    events = []
    with transaction.atomic():
        for which in limits:
            user = User.objects.filter(email=email.strip().lower()).first() if which == "account" else None
            events.append(
                record(
                    None,
                    f"{kind}.paused",
                    user,
                    WHAT[(kind, which)],
                    {"limit": which},
                    object_type="accounts.user" if which == "account" else "accounts.address",
                )
            )
    return events
