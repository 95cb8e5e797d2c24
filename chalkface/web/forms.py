"""What every Chalkface form shares: errors from actions on the right fields, and an error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from chalkface.errors import ChalkfaceError


class DateInput(forms.DateInput):
    """A native date picker; the value travels as an ISO date whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def organisation_label(organisation: Any) -> str:
    """An organisation's name, with its URN when it has one, so that schools with one name differ."""
    urn = getattr(organisation, "urn", None)
    return f"{organisation.name} ({_('URN')} {urn})" if urn else str(organisation.name)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


def preselect_single(field: forms.Field) -> None:
    """A required choice with only one option starts on that option, with no blank line before it."""
    if not isinstance(field, forms.ModelChoiceField) or not field.required:
        return
    options = list(field.queryset[:2])
    if len(options) != 1:
        return
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.initial = [options[0].pk]
    else:
        field.initial = options[0].pk
        field.empty_label = None
        field.widget.choices = field.choices


class SearchInput(forms.TextInput):
    input_type = "search"


class ChalkfaceForm(forms.Form):
    """A plain form: it checks what was typed; the action it feeds does the saving and the model checks."""

    def add_action_errors(self, error: ValidationError | ChalkfaceError) -> None:
        """Show a ``ValidationError`` raised by an action on the fields it names (or at the top), or a
        refusal (:class:`~chalkface.errors.ChalkfaceError`) at the top."""
        if isinstance(error, ChalkfaceError):
            self.add_error(None, str(error))
        elif hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.fields and name != NON_FIELD_ERRORS else None
                self.add_error(field, errors)
        else:
            self.add_error(None, error)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for each error, in the order the fields appear; anchor is "" for the form."""
        items: list[tuple[str, str]] = [("", str(message)) for message in self.non_field_errors()]
        for bound in self:
            for message in bound.errors:
                items.append((field_anchor(bound), str(message)))
        return items


def field_anchor(bound: forms.BoundField) -> str:
    """The id a link to this field should point at: the first option of a list of checkboxes or radios."""
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)
