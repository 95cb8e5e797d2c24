"""Log in, log out, password reset and change (Django's views with our templates), and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from chalkface.accounts import actions, throttles
from chalkface.accounts.forms import (
    AuditFilterForm,
    EmailLoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from chalkface.accounts.models import AuditEvent
from chalkface.accounts.permissions import permission_required
from chalkface.web.pages import paginate


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out by POST only (a link cannot log anyone out); says so on the page it lands on."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Count the request per e-mail address (with an account or not, so the limit tells nothing)
        and per client address; past either limit, say when to try again and send nothing."""
        email = form.cleaned_data["email"]
        attempt = throttles.reset_request(self.request, email)
        if attempt.reached():
            actions.record_paused("reset", attempt.reached(), email)
        if attempt.refused is not None:
            form.add_error(None, throttles.reset_paused_message(attempt.refused))
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@permission_required("view_audit_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every change to the register, newest first; filter by action."""
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    action = ""
    if form.is_valid():
        action = form.cleaned_data["action"]
        if action:
            events = events.filter(action=action)
    page = paginate(request, events)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "action": action})
