"""Forms for workplaces: the list filters, and the context an employer lead keeps up to date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chalkface.web import labels
from chalkface.web.forms import ChalkfaceForm, SearchInput
from chalkface.workplaces.models import Organisation

IT_RATINGS = [
    ("", _("Not rated")),
    ("1", _("1 – very poor")),
    ("2", _("2 – poor")),
    ("3", _("3 – adequate")),
    ("4", _("4 – good")),
    ("5", _("5 – very good")),
]


class OrganisationContextForm(ChalkfaceForm):
    """The context of a workplace, used to compare like with like. Mostly from the schools register.

    For a trust or a local authority (``organisation`` that is not a workplace) only what applies to it
    is asked: its region and its staff headcount; the rest describes a school, and comes from each school.
    """

    SCHOOL_ONLY = ("establishment_type", "phase", "urban_rural", "pupils_on_roll", "fsm_share", "it_rating")

    establishment_type = forms.CharField(
        label=_("Type of establishment"),
        max_length=120,
        required=False,
        help_text=_("As the schools register names it, for example Academy converter"),
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    urban_rural = forms.ChoiceField(label=_("Urban or rural"), required=False)
    pupils_on_roll = forms.IntegerField(
        label=_("Pupils on roll"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "width-10", "inputmode": "numeric"}),
    )
    staff_headcount = forms.IntegerField(
        label=_("Staff headcount"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "width-10", "inputmode": "numeric"}),
    )
    fsm_share = forms.DecimalField(
        label=_("Pupils eligible for free school meals (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        help_text=_("A percentage from 0 to 100. The deprivation quintile is worked out from it."),
        widget=forms.NumberInput(attrs={"class": "width-5", "step": "0.1", "inputmode": "decimal"}),
    )
    it_rating = forms.TypedChoiceField(
        label=_("How good is the IT infrastructure?"),
        required=False,
        choices=IT_RATINGS,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("Your own rating of the devices, network and support staff can rely on"),
    )

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation is not None and not organisation.is_workplace:
            for name in self.SCHOOL_ONLY:
                del self.fields[name]
            self.fields["staff_headcount"].help_text = _("Everyone it employs, in all its workplaces")
        for name, vocabulary, empty in (
            ("phase", "phases", _("Not known")),
            ("region", "regions", _("Not known")),
            ("urban_rural", "urban_rural", _("Not known")),
        ):
            if name in self.fields:
                field: Any = self.fields[name]
                field.choices = [("", empty), *labels.choices(vocabulary)]

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        return {name: getattr(organisation, name) for name in OrganisationContextForm.base_fields}


class WorkplaceFilterForm(ChalkfaceForm):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or URN"), widget=SearchInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    quintile = forms.TypedChoiceField(
        label=_("Deprivation quintile"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any")),
            ("1", _("1 – least deprived")),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", _("5 – most deprived")),
        ],
    )
    urban_rural = forms.ChoiceField(label=_("Urban or rural"), required=False)
    parent = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, vocabulary, empty in (
            ("kind", "organisation_kinds", _("Any kind")),
            ("phase", "phases", _("Any phase")),
            ("region", "regions", _("Any region")),
            ("urban_rural", "urban_rural", _("Urban or rural")),
        ):
            field: Any = self.fields[name]
            field.choices = [("", empty), *labels.choices(vocabulary)]
