"""Changes made by the accounts app itself: audit entries for log-in and password-reset limits, and the
second factor (setting up an authenticator app, confirming a log-in, resetting a lost one)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chalkface.accounts import second_factor
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


class CodeRefused(Exception):
    """A second-factor code that did not match, or came while checking is paused (``wait`` seconds)."""

    def __init__(self, wait: int | None = None) -> None:
        super().__init__("paused" if wait else "wrong code")
        self.wait = wait


def _check(devices: list[Any], token: str) -> Any:
    """The device that accepts ``token`` (django-otp counts each failure and pauses a device after
    repeated ones), or :class:`CodeRefused` saying how long to wait when every device is paused."""
    token = "".join(token.split())
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            until = (info or {}).get("locked_until")
            waits.append(max(1, int((until - timezone.now()).total_seconds())) if until else 1)
            continue
        if token and device.verify_token(token):
            return device
    if waits and len(waits) == len(devices):
        raise CodeRefused(min(waits))
    raise CodeRefused()


def pending_app_device(user: User) -> Any:
    """The authenticator app being set up (the same key until it is confirmed, so a reload is harmless)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=second_factor.APP_DEVICE, confirmed=False)
    return device


def confirm_app_device(request: HttpRequest, device: Any, token: str) -> list[str]:
    """Finish setting up an authenticator app with a code it shows; returns ten new backup codes, which are
    shown once. The log-in is confirmed; earlier devices and backup codes of the person are replaced."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    _check([device], token)  # outside the transaction, so a wrong code's count is kept
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        backup = StaticDevice.objects.create(user=user, name=second_factor.BACKUP_DEVICE, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(second_factor.BACKUP_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
        record(user, "second_factor.set_up", user, "Set up a second factor (an authenticator app)")
    otp_login(request, device)
    return codes


def confirm_log_in(request: HttpRequest, token: str) -> Any:
    """Confirm this log-in with a code from the app or a backup code (which then no longer works)."""
    from django_otp import login as otp_login

    device = _check(second_factor.verifying_devices(request.user), token)
    otp_login(request, device)
    return device


def reset_second_factor(actor: User, user: User) -> None:
    """Remove ``user``'s app and backup codes (a lost phone): they set up a new app at their next log-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(actor, "second_factor.reset", user, "Removed a person's second factor so they set it up again")
