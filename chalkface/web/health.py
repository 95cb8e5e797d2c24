"""``/healthz``: whether this process can reach its database, for a load balancer or a monitor.

No login, no personal data, nothing written (so nothing in the audit log), no cookie: one ``SELECT 1``.
Answers ``{"status": "ok"}`` with 200, or ``{"status": "unavailable"}`` with 503. It is exempt from the
HTTPS redirect so that a probe from inside the network may use plain HTTP.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # The reason goes to the log for the operator; the answer stays the same for everyone.
        logger.warning("health check: the database is unreachable (%s)", type(exc).__name__)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
