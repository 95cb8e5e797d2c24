"""The import page: a campaign owner uploads a CSV or XLSX export and follows it on the job page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from chalkface.accounts.requests import AuthenticatedRequest
from chalkface.imports.actions import start_web_import
from chalkface.imports.errors import ImportRefused
from chalkface.imports.forms import ImportForm
from chalkface.imports.uploads import save_upload, web_limit_bytes
from chalkface.voice import access as perms


@login_required
@require_http_methods(["GET", "POST"])
def import_responses(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Import a CSV or XLSX export on the task worker; the owner follows it on the job page."""
    campaign = get_object_or_404(perms.visible_campaigns(request.user), slug=slug)
    perms.require_manage(request.user, campaign)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            path = save_upload(upload.chunks(), upload.name)
            job = start_web_import(
                request.user,
                campaign,
                path,
                upload.name,
                form.cleaned_data["mapping"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect(job)
    return render(
        request,
        "imports/import.html",
        {"campaign": campaign, "form": form, "limit_mb": web_limit_bytes() // 1_000_000},
        status=400 if form.errors else 200,
    )
