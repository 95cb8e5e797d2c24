"""Reading counters without counting (for a check made before an event is known to count)."""

from __future__ import annotations

import datetime as dt

from chalkface.limits.models import RateCounter
from chalkface.limits.windows import Window, bucket_key, window_of


def count(bucket: str, seconds: int, *, now: dt.datetime | None = None) -> tuple[int, Window]:
    """How many events ``bucket`` has counted in its current window of ``seconds``, and that window."""
    window = window_of(seconds, now)
    found = (
        RateCounter.objects.filter(key=bucket_key(bucket, seconds), window_start=window.start)
        .values_list("count", flat=True)
        .first()
    )
    return int(found or 0), window


def over(bucket: str, limit: int, seconds: int, *, now: dt.datetime | None = None) -> Window | None:
    """The current window if ``bucket`` has already reached ``limit`` in it, else None."""
    counted, window = count(bucket, seconds, now=now)
    return window if counted >= limit else None
