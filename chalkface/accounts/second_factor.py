"""A second factor for those who run campaigns or see workplace-level results.

Union reps and officers, employer leads and administrators (and anyone who can use the admin site) confirm
each log-in with a six-digit code from an authenticator app, or with one of ten single-use backup codes,
when ``SECOND_FACTOR_REQUIRED`` is on (the default in production; ``CHALKFACE_SECOND_FACTOR``). Analysts,
who see only figures that passed disclosure control across many workplaces, are not asked.

django-otp does the work that must be exactly right: time-based codes (RFC 6238) with a tolerance of one
step either side, refusing a code already used, backup codes that work once, and a pause that doubles
after each wrong code. This module says who must use it and sets devices up; :mod:`.middleware` sends an
unconfirmed log-in to the page that asks for the code, and the API refuses an unconfirmed browser session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chalkface.accounts.models import Role

ROLES: frozenset[str] = frozenset({Role.UNION_REP, Role.UNION_OFFICER, Role.EMPLOYER_LEAD, Role.ADMIN})
BACKUP_CODES = 10
APP_DEVICE = "Authenticator app"
BACKUP_DEVICE = "Backup codes"


def required() -> bool:
    return bool(getattr(settings, "SECOND_FACTOR_REQUIRED", False))


def needs_second_factor(user: Any) -> bool:
    """Does ``user`` hold a role (or admin-site access) that calls for a second factor?"""
    from chalkface.accounts.permissions import roles

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles(user) & ROLES)


def is_verified(user: Any) -> bool:
    """Was this log-in confirmed with a second factor? (Set by django-otp's middleware.)"""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def must_verify(user: Any) -> bool:
    """Must ``user`` confirm this log-in before going on?"""
    return required() and needs_second_factor(user) and not is_verified(user)


def has_device(user: Any) -> bool:
    """Has ``user`` finished setting up an authenticator app?"""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verifying_devices(user: Any) -> list[Any]:
    """The confirmed devices a code may come from: the app first, then the backup codes."""
    return sorted(devices_for_user(user, confirmed=True), key=lambda d: isinstance(d, StaticDevice))


def key_for_typing(device: TOTPDevice) -> str:
    """The device's key in base 32, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's set-up address as an inline SVG QR code (no script, so the CSP allows it)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, omitsize=False))
