"""Throttling log-in and password reset: per account (or e-mail address) and per client address.

Counters are fixed windows in :mod:`chalkface.limits`: a failed log-in counts against the account and
against the address it came from, in 15-minute windows; while either has reached its limit, every
attempt is refused without the password being checked, the right one too, until the window ends. A
successful log-in takes back only its own attempt; it does not clear what failed before. Each attempt
is counted before its password is checked, so parallel attempts cannot slip past the limit.

Addresses and e-mail addresses are stored only as an HMAC keyed on ``SECRET_KEY`` (the bucket key), and
only until their window ends; the audit log says that a limit was reached, never from which address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext

from chalkface.limits.actions import Hit, hit, release
from chalkface.limits.windows import Window, client_address

LOGIN_WINDOW = 15 * 60
RESET_WINDOW = 60 * 60


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class Attempt:
    """Both counts one attempt made: ``refused`` is the window to wait for, if a limit was passed."""

    by_account: Hit
    by_address: Hit

    @property
    def refused(self) -> Window | None:
        over = [h.window for h in (self.by_account, self.by_address) if not h.allowed]
        return max(over, key=lambda w: w.end) if over else None

    def reached(self) -> list[str]:
        """Which limits this very attempt reached: ``account``, ``address`` (for the audit log)."""
        found = [("account", self.by_account), ("address", self.by_address)]
        return [name for name, counted in found if counted.reached]


@dataclass(frozen=True)
class _Limits:
    """One kind of attempt: its bucket names, its two limits (settings with defaults) and its window."""

    account_bucket: str
    account_limit: tuple[str, int]
    address_bucket: str
    address_limit: tuple[str, int]
    window: int


_LOGIN = _Limits(
    "login:account",
    ("CHALKFACE_LOGIN_FAILURES_PER_ACCOUNT", 10),
    "login",
    ("CHALKFACE_LOGIN_FAILURES_PER_ADDRESS", 50),
    LOGIN_WINDOW,
)
_RESET = _Limits(
    "reset:email",
    ("CHALKFACE_PASSWORD_RESETS_PER_EMAIL", 3),
    "reset",
    ("CHALKFACE_PASSWORD_RESETS_PER_ADDRESS", 20),
    RESET_WINDOW,
)


def _count(limits: _Limits, request: HttpRequest | None, email: str) -> Attempt:
    address = client_address(request) if request is not None else "address:unknown"
    return Attempt(
        by_account=hit(
            f"{limits.account_bucket}:{email.strip().lower()}", _setting(*limits.account_limit), limits.window
        ),
        by_address=hit(f"{limits.address_bucket}:{address}", _setting(*limits.address_limit), limits.window),
    )


def login_attempt(request: HttpRequest | None, email: str) -> Attempt:
    """Count one log-in attempt for ``email`` from the request's address, before checking the password."""
    return _count(_LOGIN, request, email)


def login_succeeded(attempt: Attempt) -> None:
    """The password was right: this attempt is not a failure (earlier failures still count)."""
    release(attempt.by_account)
    release(attempt.by_address)


def reset_request(request: HttpRequest | None, email: str) -> Attempt:
    """Count one password reset request for ``email`` (whether or not it has an account) and address."""
    return _count(_RESET, request, email)


def login_paused_message(window: Window) -> str:
    minutes = window.minutes_left()
    return ngettext(
        "Logging in is paused after too many attempts that were not right, to keep the account safe. "
        "Try again in %(minutes)d minute, or reset your password.",
        "Logging in is paused after too many attempts that were not right, to keep the account safe. "
        "Try again in %(minutes)d minutes, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def reset_paused_message(window: Window) -> str:
    minutes = window.minutes_left()
    return ngettext(
        "We have had too many requests to reset a password. Try again in %(minutes)d minute.",
        "We have had too many requests to reset a password. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
