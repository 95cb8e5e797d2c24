"""One row per bucket and fixed window: how many events the bucket has counted in that window.

A row keeps only what it needs to count: a keyed hash of the bucket (an HMAC under ``SECRET_KEY``, so the
database alone does not say which link, campaign, account or address it counts), the start and end of the
window, both on the window's boundaries, and the count. No row keeps the time of any event, and none is
kept after its window ends (see :func:`chalkface.limits.actions.forget_ended`).
"""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    pk = models.CompositePrimaryKey("key", "window_start")
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
