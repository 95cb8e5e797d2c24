"""Admin for the register. Saves go through ``chalkface.register.actions``, so the audit log is complete;
nothing is deleted here (a tool that stops being used gets an end date on its deployments instead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.http import HttpRequest

from chalkface.register import actions
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion, check_timeline
from chalkface.web import labels
from chalkface.workplaces.models import Organisation

Save = Callable[[Any, dict[str, Any], Any], Model]


class ActionAdmin(admin.ModelAdmin):
    """A model admin whose saves call an action with the submitted values, and which deletes nothing."""

    save_action: Save
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        original = type(obj)._default_manager.get(pk=obj.pk) if change else None
        values = {name: form.cleaned_data[name] for name in form.cleaned_data if name in form.fields}
        saved = type(self).save_action(request.user, values, original)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ToolAdminForm(forms.ModelForm):
    capabilities = forms.MultipleChoiceField(
        choices=labels.choices("capabilities"), widget=forms.CheckboxSelectMultiple, required=False
    )
    audiences = forms.MultipleChoiceField(
        choices=labels.choices("audiences"), widget=forms.CheckboxSelectMultiple, required=False
    )
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Tool
        fields = (
            "name",
            "supplier",
            "description",
            "capabilities",
            "audiences",
            "min_age",
            "max_age",
            "website",
        )


class DeploymentAdminForm(forms.ModelForm):
    staff_roles = forms.MultipleChoiceField(
        choices=labels.choices("staff_roles"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Deployment
        fields = ("tool", "workplace", "starts_on", "ends_on", "staff_roles", "purpose", "use")


class ToolVersionAdminForm(forms.ModelForm):
    class Meta:
        model = ToolVersion
        fields = ("tool", "label", "release_date", "change_notes", "underlying_models", "material_change")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tool, label, released = data.get("tool"), data.get("label"), data.get("release_date")
        if tool and label and released:
            try:
                check_timeline(tool, label, released, exclude_pk=self.instance.pk)
            except ValidationError as error:
                for name, errors in error.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
        return data


def _save_version(actor: Any, values: dict[str, Any], version: ToolVersion | None) -> ToolVersion:
    if version is None:
        tool = values.pop("tool")
        return actions.add_version(actor, tool, values)
    values.pop("tool", None)
    return actions.update_version(actor, version, values)


class ReadOnlyInline(admin.TabularInline):
    """A list of related rows to look at and open, never to add or delete here (their actions do that)."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ToolInline(ReadOnlyInline):
    model = Tool
    fields = ("name", "slug")
    readonly_fields = fields


@admin.register(Supplier)
class SupplierAdmin(ActionAdmin):
    save_action = staticmethod(lambda actor, values, obj: actions.save_supplier(actor, values, obj))
    list_display = ("name", "companies_house_number", "website")
    search_fields = ("name", "companies_house_number")
    exclude = ("slug",)
    inlines = (ToolInline,)


class ToolVersionInline(ReadOnlyInline):
    model = ToolVersion
    fields = ("label", "release_date", "material_change")
    readonly_fields = fields


@admin.register(Tool)
class ToolAdmin(ActionAdmin):
    save_action = staticmethod(lambda actor, values, obj: actions.save_tool(actor, values, obj))
    form = ToolAdminForm
    list_display = ("name", "supplier")
    list_select_related = ("supplier",)
    search_fields = ("name", "supplier__name")
    autocomplete_fields = ("supplier",)
    inlines = (ToolVersionInline,)


@admin.register(ToolVersion)
class ToolVersionAdmin(ActionAdmin):
    save_action = staticmethod(_save_version)
    form = ToolVersionAdminForm
    list_display = ("tool", "label", "release_date", "material_change")
    list_select_related = ("tool",)
    list_filter = ("material_change",)
    search_fields = ("tool__name", "label")
    autocomplete_fields = ("tool",)
    date_hierarchy = "release_date"


@admin.register(Deployment)
class DeploymentAdmin(ActionAdmin):
    save_action = staticmethod(lambda actor, values, obj: actions.save_deployment(actor, values, obj))
    form = DeploymentAdminForm
    list_display = ("tool", "workplace", "starts_on", "ends_on", "use")
    list_select_related = ("tool", "workplace")
    list_filter = ("use",)
    search_fields = ("tool__name", "workplace__name", "workplace__urn")
    autocomplete_fields = ("tool", "workplace")
    date_hierarchy = "starts_on"


@admin.register(Organisation)
class OrganisationAdmin(ActionAdmin):
    save_action = staticmethod(lambda actor, values, obj: actions.save_organisation(actor, values, obj))
    list_display = ("name", "kind", "urn", "phase", "region", "deprivation_quintile", "is_open")
    list_filter = ("kind", "phase", "region", "deprivation_quintile", "urban_rural", "is_open")
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)
    readonly_fields = ("deprivation_quintile",)
    exclude = ("slug",)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            results |= queryset.filter(urn=int(search_term))
        return results, may_have_duplicates
