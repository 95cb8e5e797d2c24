"""Log in, log out, password reset and change (Django's views with our templates), and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chalkface.accounts import actions, throttles
from chalkface.accounts import second_factor as factor
from chalkface.accounts.forms import (
    AuditFilterForm,
    EmailLoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SecondFactorForm,
    SetPasswordForm,
)
from chalkface.accounts.models import AuditEvent
from chalkface.accounts.permissions import permission_required
from chalkface.web.pages import paginate


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _next_page(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _refused(form: SecondFactorForm, error: actions.CodeRefused) -> None:
    if error.wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes: wait %(n)d second before trying again.",
                "Too many wrong codes: wait %(n)d seconds before trying again.",
                error.wait,
            )
            % {"n": error.wait},
        )
    else:
        form.add_error(
            "code", _("That code is not right, or it has been used already. Try the code shown now.")
        )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Confirm this log-in with a code (or, the first time, set up an authenticator app and get backup
    codes). Those who need no second factor, or have confirmed already, go straight on."""
    next_page = _next_page(request)
    if (
        not factor.required()
        or not factor.needs_second_factor(request.user)
        or factor.is_verified(request.user)
    ):
        return redirect(next_page)
    if factor.has_device(request.user):
        form = SecondFactorForm(request.POST or None, backup=True)
        if request.method == "POST" and form.is_valid():
            try:
                device = actions.confirm_log_in(request, form.cleaned_data["code"])
            except actions.CodeRefused as error:
                _refused(form, error)
            else:
                if device.name == factor.BACKUP_DEVICE:
                    left = factor.backup_codes_left(request.user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a backup code: %(n)d is left. Each works only once.",
                            "You used a backup code: %(n)d are left. Each works only once.",
                            left,
                        )
                        % {"n": left},
                    )
                return redirect(next_page)
        return render(request, "accounts/second_factor.html", {"form": form, "next": next_page})
    device = actions.pending_app_device(request.user)  # type: ignore[arg-type]
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.confirm_app_device(request, device, form.cleaned_data["code"])
        except actions.CodeRefused as error:
            _refused(form, error)
        else:
            return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": next_page})
    context = {
        "form": form,
        "next": next_page,
        "qr": factor.qr_svg(device),
        "key": factor.key_for_typing(device),
    }
    return render(request, "accounts/second_factor_setup.html", context)


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
