"""The page where the person who started a job follows it: a progress bar that HTMX refreshes every
second, and without JavaScript a page that reloads itself every two seconds until the job ends."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from chalkface.jobs.models import Job


@never_cache
@login_required
def job(request: HttpRequest, pk: str) -> HttpResponse:
    found = get_object_or_404(Job, pk=pk)
    if found.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the person who started this job can follow it."))
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/job.html"
    return render(request, template, {"job": found})
