"""The product's URLs plus the bare baseline of ``bench/submit.py``: a Django view that inserts one row.

The bare view goes through the same middleware, ORM, database and server as a real check-in, and writes
one row to the same table (a synthetic check-in with no campaign), so the ratio measures what the real
submission path adds: finding the campaign and code, the form, comment protection and consuming the code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chalkface.urls import urlpatterns as product_urlpatterns
from chalkface.voice.models import Response, Source, week_of


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """Insert one row, as bare as Django gets: no form, no lookups, ids from the POST body."""
    Response.objects.create(
        question_set_version_id=int(request.POST["qsv"]),
        workplace_id=int(request.POST["workplace"]),
        tool_id=int(request.POST["tool"]),
        week=week_of(timezone.localdate()),
        answers={"workload": 4},
        source=Source.SYNTHETIC,
    )
    return HttpResponse(status=204)


urlpatterns = [path("bench/bare/", bare_insert), path("", include(product_urlpatterns))]
