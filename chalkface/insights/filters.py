"""The filters a viewer may apply to a tool's results (``?role=teacher&phase=primary``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chalkface.errors import ChalkfaceError

# Filters a viewer may apply (the name in the address) and the column they select on.
FILTERS: dict[str, str] = {
    "role": "role",
    "phase": "phase",
    "region": "region",
    "deprivation_quintile": "deprivation_quintile",
    "version": "version_label",
    "period": "period",
}
_INTEGER_FILTERS = frozenset({"deprivation_quintile"})


class InvalidFilter(ChalkfaceError):
    """A filter name or value that the insight pages do not offer."""


def parse_filters(filters: dict[str, str] | None) -> dict[str, Any]:
    """Filters as given (``{"role": "teacher", "deprivation_quintile": "5"}``) as conditions on the columns
    of the results frame; blank values are ignored. Raises :class:`InvalidFilter`."""
    conditions: dict[str, Any] = {}
    for name, raw in (filters or {}).items():
        value = str(raw).strip() if raw is not None else ""
        if not value:
            continue
        if name not in FILTERS:
            raise InvalidFilter(_("There is no filter called %(name)s.") % {"name": name})
        if name in _INTEGER_FILTERS:
            try:
                conditions[FILTERS[name]] = int(value)
            except ValueError as exc:
                raise InvalidFilter(_("%(name)s must be a whole number.") % {"name": name}) from exc
        else:
            conditions[FILTERS[name]] = value
    return conditions
