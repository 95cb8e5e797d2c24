"""Rate limits for anonymous answering, keyed by link or campaign, never by address.

Chalkface uses no address on the respondent side, so limits are per open link, per campaign (failed code
attempts) and global. They are atomic counters in the database (:mod:`chalkface.limits`), shared by every
web process, in fixed hour windows: a counter keeps the hour it counts and how many, never the time of a
submission, and is deleted when its hour ends.
"""

from __future__ import annotations

from django.conf import settings

from chalkface.limits import counters
from chalkface.limits.actions import hit
from chalkface.limits.windows import Window

HOUR = 3600
# Defaults; each can be overridden in settings.
GLOBAL_OPEN_PER_HOUR = 36000
FAILED_CODES_PER_HOUR = 300


def global_open_per_hour() -> int:
    return int(getattr(settings, "CHALKFACE_OPEN_LINKS_PER_HOUR", GLOBAL_OPEN_PER_HOUR))


def failed_codes_per_hour() -> int:
    return int(getattr(settings, "CHALKFACE_FAILED_CODES_PER_HOUR", FAILED_CODES_PER_HOUR))


def open_link_refused(link_id: int, per_hour: int) -> Window | None:
    """Count one submission through an open link; the hour window if the link's or the site's limit is
    reached (then wait until it ends), else None. The site-wide count is taken only for submissions
    the link's own limit lets through."""
    counted = hit(f"voice:link:{link_id}", per_hour, HOUR)
    if not counted.allowed:
        return counted.window
    site = hit("voice:open:global", global_open_per_hour(), HOUR)
    return None if site.allowed else site.window


def codes_refused(slug: str) -> Window | None:
    """The hour window if the campaign (by its slug) has had its limit of failed code attempts in it.

    Checked before any code is looked at, so that a right guess is refused like a wrong one while the
    limit holds. Only failures are counted (a good code writes nothing here, so answering stays one
    statement per submission); parallel guesses can pass the limit by at most the number of requests
    in flight at once, each still counted.
    """
    return counters.over(f"voice:codes:{slug}", failed_codes_per_hour(), HOUR)


def code_failed(slug: str) -> None:
    """Count one failed code attempt for the campaign (atomically: no attempt is lost under load)."""
    hit(f"voice:codes:{slug}", failed_codes_per_hour(), HOUR)
