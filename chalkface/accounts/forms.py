"""Log-in and password forms: Django's own, with our labels, hints and the error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from chalkface.accounts import actions, throttles
from chalkface.accounts.models import AuditEvent
from chalkface.web.audit_words import action_sentence
from chalkface.web.forms import ChalkfaceForm, field_anchor


class ErrorSummaryMixin:
    """The error summary of :class:`chalkface.web.forms.ChalkfaceForm`, for Django's auth forms."""

    def error_summary(self) -> list[tuple[str, str]]:
        form: Any = self
        items: list[tuple[str, str]] = [("", str(message)) for message in form.non_field_errors()]
        for bound in form:
            for message in bound.errors:
                items.append((field_anchor(bound), str(message)))
        return items


class ThrottledLoginMixin:
    """Count each attempt against the account and the client address before the password is checked;
    refuse every attempt, the right password too, while either limit holds (see ``throttles``)."""

    def clean(self) -> dict[str, Any]:
        form: Any = self
        email = form.cleaned_data.get("username")
        if not email or not form.cleaned_data.get("password"):
            return super().clean()  # type: ignore[misc, no-any-return]
        attempt = throttles.login_attempt(form.request, str(email))
        if attempt.reached():
            actions.record_paused("login", attempt.reached(), str(email))
        if attempt.refused is not None:
            raise forms.ValidationError(throttles.login_paused_message(attempt.refused), code="throttled")
        cleaned = super().clean()  # type: ignore[misc]
        throttles.login_succeeded(attempt)
        return cleaned  # type: ignore[no-any-return]


class EmailLoginForm(ErrorSummaryMixin, ThrottledLoginMixin, auth_forms.AuthenticationForm):
    """Log in with an email address (any case) and a password."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email address or password is not right. Check them and try again, or reset your password."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's log-in, under the same limits as the main one."""

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class PasswordResetForm(ErrorSummaryMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address you log in with. If it has an account, we will send it a link."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SetPasswordForm(ErrorSummaryMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 12 characters. A few unrelated words make a strong password that is easy to remember."
        )
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = _("Type the same password again, to check it.")


class PasswordChangeForm(ErrorSummaryMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 12 characters. A few unrelated words make a strong password that is easy to remember."
        )
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = _("Type the same password again, to check it.")


class AuditFilterForm(ChalkfaceForm):
    """Filters for the audit log page (a GET form)."""

    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("Any action"))] + [(a, action_sentence(a)) for a in actions]


class SecondFactorForm(ChalkfaceForm):
    """The six-digit code an authenticator app shows (or, when confirming a log-in, a backup code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}),
    )

    def __init__(self, *args: Any, backup: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The 6-digit code your authenticator app shows now, or one of your backup codes.")
            if backup
            else _("The 6-digit code your authenticator app shows now.")
        )
