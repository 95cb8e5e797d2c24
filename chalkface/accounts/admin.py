"""Admin for people, their roles, and a read-only view of the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chalkface.accounts import actions
from chalkface.accounts.forms import AdminLoginForm
from chalkface.accounts.models import AuditEvent, Membership, User

# The admin site's log-in is throttled like the main one.
admin.site.login_form = AdminLoginForm


def _hide_device_admin() -> None:
    """django-otp lists devices with their secret keys in the admin; a lost device is reset from the
    person's page instead (the action below), so no key is ever shown after set-up."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_device_admin()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")

    def clean_email(self) -> str:
        # People log in with the address in lower case (see EmailLoginForm).
        return str(self.cleaned_data["email"]).strip().lower()


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People sign in with their email address; their roles are memberships of organisations."""

    form = UserEditForm
    add_form = UserCreationForm
    inlines = (MembershipInline,)
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "memberships__role")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")},
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    actions = ("reset_second_factor",)

    @admin.action(
        description=_("Reset the second factor (a lost phone): they set up a new app at next log-in")
    )
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            actions.reset_second_factor(request.user, user)  # type: ignore[arg-type]
        self.message_user(request, _("The second factor was reset."), messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is append-only: the admin can read it and nothing else."""

    list_display = ("at", "actor", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "object_id", "actor__email")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "action", "object_type", "object_id", "summary", "changes")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
