"""Pages where a person makes, sees and revokes their own API tokens.

A new token is shown once, on the page that made it, and never again: only its digest is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chalkface.accounts.permissions import roles
from chalkface.accounts.requests import AuthenticatedRequest
from chalkface.api import actions
from chalkface.api.forms import TokenForm
from chalkface.api.models import ApiToken


@login_required
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = actions.create_token(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            form = TokenForm()
            messages.success(request, _("Made the token %(name)s.") % {"name": token.name})
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user),
            "has_role": bool(roles(request.user)),
        },
    )


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_token(request.user, token)
    messages.success(request, _("Revoked the token %(name)s. It no longer works.") % {"name": token.name})
    return redirect("api_tokens")
