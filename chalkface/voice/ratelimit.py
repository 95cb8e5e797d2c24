"""Fixed-window rate limits in Django's cache, keyed by link or campaign, never by address.

Chalkface stores no IP addresses, so limits are per open link, per campaign (failed code attempts) and
global. With several web processes, point ``CACHES["default"]`` at a shared cache (the database cache
table is enough) so that they count together; the default local-memory cache counts per process.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

# Defaults; each can be overridden in settings.
GLOBAL_OPEN_PER_MINUTE = 600
FAILED_CODES_PER_HOUR = 300


def global_open_per_minute() -> int:
    return int(getattr(settings, "CHALKFACE_OPEN_LINKS_PER_MINUTE", GLOBAL_OPEN_PER_MINUTE))


def failed_codes_per_hour() -> int:
    return int(getattr(settings, "CHALKFACE_FAILED_CODES_PER_HOUR", FAILED_CODES_PER_HOUR))


def hit(bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one event in ``bucket``; False once ``limit`` events happened in the current window."""
    window = int(time.time() // window_seconds)
    key = f"chalkface:voice:rate:{bucket}:{window}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


def over(bucket: str, limit: int, window_seconds: int) -> bool:
    """Has ``bucket`` already reached ``limit`` in this window (without counting a new event)?"""
    window = int(time.time() // window_seconds)
    count = cache.get(f"chalkface:voice:rate:{bucket}:{window}", 0)
    return int(count) >= limit
