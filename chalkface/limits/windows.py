"""Fixed windows and bucket keys: pure functions, no database.

A window of ``seconds`` starts on a multiple of ``seconds`` since the Unix epoch (UTC), so an hour window
starts on the hour and a 15-minute window on the quarter hour. Windows do not slide: the count of a
window is the number of events in it, however long the bucket stayed idle in between.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "chalkface.limits.bucket"


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    def minutes_left(self, now: dt.datetime | None = None) -> int:
        """Whole minutes until the window ends, rounded up (never less than 1)."""
        left = (self.end - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(left / 60))

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        """Seconds until the window ends, rounded up to whole minutes (a finer time says nothing useful)."""
        return self.minutes_left(now) * 60


def window_of(seconds: int, now: dt.datetime | None = None) -> Window:
    """The fixed window of length ``seconds`` that ``now`` falls in."""
    if seconds < 60 or seconds % 60:
        raise ValueError("A window is a whole number of minutes")
    instant = now or timezone.now()
    epoch = int(instant.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)
    return Window(start=start, end=start + dt.timedelta(seconds=seconds))


def bucket_key(bucket: str, seconds: int) -> str:
    """The stored name of ``bucket`` counted in windows of ``seconds``: an HMAC keyed on SECRET_KEY."""
    return salted_hmac(SALT, f"{bucket}|{seconds}", algorithm="sha256").hexdigest()


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as a bucket name (never stored: only its HMAC is).

    Behind ``CHALKFACE_PROXY_COUNT`` reverse proxies, the address is the one that many hops from the right
    of ``X-Forwarded-For`` (the ones the proxies added themselves). An IPv6 address counts by its /64,
    which one household or phone usually holds as a whole.
    """
    raw = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "CHALKFACE_PROXY_COUNT", 0))
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            raw = hops[-proxies]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "address:unknown"
    if address.version == 6:
        return f"address:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"address:{address}"
