"""Forms for the register: they check what was typed; the actions in ``actions.py`` save it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.web import labels
from chalkface.web.forms import ChalkfaceForm, DateInput, SearchInput


class SupplierForm(ChalkfaceForm):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("As it appears on contracts"))
    companies_house_number = forms.CharField(
        label=_("Companies House number"),
        max_length=8,
        required=False,
        help_text=_("Eight characters, for example 01234567 or SC123456"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "width-10"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )

    def clean_companies_house_number(self) -> str:
        return str(self.cleaned_data["companies_house_number"]).strip().upper()


class ToolForm(ChalkfaceForm):
    name = forms.CharField(label=_("Name of the tool"), max_length=200)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.objects.order_by("name"),
        empty_label=_("Choose a supplier"),
        help_text=_("If the supplier is not listed, add the supplier first."),
    )
    description = forms.CharField(
        label=_("What it does"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In plain words, as you would explain it to a colleague"),
    )
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        required=False,
        choices=labels.choices("capabilities"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply"),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who uses it"),
        required=False,
        choices=labels.choices("audiences"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply"),
    )
    min_age = forms.IntegerField(
        label=_("Youngest intended user (age)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"class": "width-4", "inputmode": "numeric"}),
    )
    max_age = forms.IntegerField(
        label=_("Oldest intended user (age)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"class": "width-4", "inputmode": "numeric"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )

    def __init__(self, *args: Any, tool: Tool | None = None, **kwargs: Any) -> None:
        self.tool = tool
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The oldest age must be the same as the youngest age or older."))
        supplier, name = data.get("supplier"), data.get("name")
        if supplier and name:
            same = Tool.objects.filter(supplier=supplier, name__iexact=name)
            if self.tool is not None:
                same = same.exclude(pk=self.tool.pk)
            if same.exists():
                self.add_error(
                    "name",
                    _("%(supplier)s already has a tool called %(name)s.")
                    % {"supplier": supplier, "name": name},
                )
        return data


class VersionForm(ChalkfaceForm):
    label = forms.CharField(
        label=_("Version"),
        max_length=60,
        help_text=_("As the supplier names it, for example 3.2"),
        widget=forms.TextInput(attrs={"class": "width-10", "spellcheck": "false"}),
    )
    release_date = forms.DateField(
        label=_("Release date"),
        help_text=_(
            "The day this version reached users. Versions must be added in the order they were released."
        ),
        widget=DateInput,
    )
    change_notes = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    underlying_models = forms.CharField(
        label=_("Underlying AI models"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated, if known"),
    )
    material_change = forms.BooleanField(
        label=_("This is a material change"),
        required=False,
        help_text=_("The supplier changed how the tool works in a way staff or pupils would notice"),
    )

    @staticmethod
    def initial_for(version: ToolVersion) -> dict[str, Any]:
        return {name: getattr(version, name) for name in VersionForm.base_fields}


class DeploymentForm(ChalkfaceForm):
    tool = forms.ModelChoiceField(
        label=_("Tool"),
        queryset=Tool.objects.select_related("supplier").order_by("name"),
        empty_label=_("Choose a tool"),
        help_text=_("If the tool is not listed, ask your union officer or employer lead to add it."),
    )
    starts_on = forms.DateField(label=_("In use from"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("In use until"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if it is still in use"),
    )
    staff_roles = forms.MultipleChoiceField(
        label=_("Staff who use it"),
        required=False,
        choices=labels.choices("staff_roles"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply"),
    )
    purpose = forms.CharField(
        label=_("What it is used for"),
        max_length=300,
        required=False,
        help_text=_("For example: planning lessons in the maths department"),
    )
    use = forms.ChoiceField(
        label=_("Do staff have to use it?"),
        choices=[("optional", _("No, it is optional")), ("mandatory", _("Yes, it is mandatory"))],
        widget=forms.RadioSelect,
        initial="optional",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tool_field: Any = self.fields["tool"]
        tool_field.label_from_instance = lambda tool: f"{tool.name} ({tool.supplier.name})"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be the same as the start date or after it."))
        return data

    @staticmethod
    def initial_for(deployment: Deployment) -> dict[str, Any]:
        return {name: getattr(deployment, name) for name in DeploymentForm.base_fields}


class EndDeploymentForm(ChalkfaceForm):
    ends_on = forms.DateField(
        label=_("Last day in use"),
        widget=DateInput,
        help_text=_("The last day staff used the tool here"),
    )

    def __init__(self, *args: Any, deployment: Deployment, **kwargs: Any) -> None:
        self.deployment = deployment
        super().__init__(*args, **kwargs)

    def clean_ends_on(self) -> dt.date:
        ends: dt.date = self.cleaned_data["ends_on"]
        if ends < self.deployment.starts_on:
            raise forms.ValidationError(
                _("The last day must be on or after the day it was first used (%(date)s).")
                % {"date": formats.date_format(self.deployment.starts_on)}
            )
        return ends


class ToolFilterForm(ChalkfaceForm):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Name, supplier or description"), widget=SearchInput
    )
    capability = forms.ChoiceField(label=_("Capability"), required=False)
    audience = forms.ChoiceField(label=_("Used by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        capability: Any = self.fields["capability"]
        capability.choices = [("", _("Any capability")), *labels.choices("capabilities")]
        audience: Any = self.fields["audience"]
        audience.choices = [("", _("Anyone")), *labels.choices("audiences")]


class SupplierFilterForm(ChalkfaceForm):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Name or Companies House number"), widget=SearchInput
    )


class DeploymentFilterForm(ChalkfaceForm):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Tool, workplace or URN"), widget=SearchInput
    )
    tool = forms.ModelChoiceField(
        label=_("Tool"),
        required=False,
        queryset=Tool.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any tool"),
    )
    status = forms.ChoiceField(
        label=_("In use"),
        required=False,
        choices=[
            ("", _("Now or in the past")),
            ("active", _("In use today")),
            ("ended", _("No longer in use")),
        ],
    )
    use = forms.ChoiceField(label=_("Use"), required=False)
    workplace = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use: Any = self.fields["use"]
        use.choices = [("", _("Optional or mandatory")), *labels.choices("deployment_use")]
