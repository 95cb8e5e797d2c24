"""Admin for organisations. Saves go through ``chalkface.register.actions.save_organisation`` (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chalkface.register import actions
from chalkface.register.admin import ActionAdmin
from chalkface.workplaces.models import Organisation


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
