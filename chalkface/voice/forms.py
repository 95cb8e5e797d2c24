"""Forms: the check-in and incident report that respondents fill in, and the owners' forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chalkface.register.models import Tool
from chalkface.voice.models import (
    MIN_THRESHOLD,
    Affected,
    Campaign,
    HarmType,
    IncidentCategory,
    Question,
    QuestionKind,
    QuestionSetVersion,
    Severity,
    Share,
)
from chalkface.web.forms import (
    ChalkfaceForm,
    DateInput,
    OrganisationChoiceField,
    OrganisationMultipleChoiceField,
    preselect_single,
)
from chalkface.workplaces.models import Organisation

INCIDENT_TEXT_LIMIT = 2000


def _number(value: str) -> int | float:
    number = Decimal(value)
    return int(number) if number == number.to_integral() else float(number)


def field_for(question: Question) -> forms.Field:
    """The form field that asks ``question`` and cleans its answer to what is stored."""
    common: dict[str, Any] = {
        "label": question.text(),
        "help_text": question.help_text(),
        "required": question.required,
    }
    if question.kind == QuestionKind.AGREEMENT:
        return forms.TypedChoiceField(
            choices=question.choices(), coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    if question.kind == QuestionKind.NUMBER:
        return forms.TypedChoiceField(
            choices=[("", _("Choose…")), *question.choices()], coerce=_number, empty_value=None, **common
        )
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(choices=question.choices(), widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=question.choices(), widget=forms.CheckboxSelectMultiple, **common
        )
    limit = question.max_length or 1000
    return forms.CharField(
        max_length=limit,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": limit}),
        **common,
    )


def _tool_label(tool: Tool, version: str | None) -> str:
    return f"{tool.name} ({_('version')} {version})" if version else tool.name


class ToolChoiceMixin:
    fields: dict[str, forms.Field]

    def add_tool_fields(self, tools: list[tuple[Tool, str | None]]) -> None:
        self.tools = {t.slug: t for t, _ in tools}
        self.fields["tool"] = forms.ChoiceField(
            label=_("Which AI tool are you telling us about?"),
            choices=[(t.slug, _tool_label(t, v)) for t, v in tools],
            widget=forms.RadioSelect,
        )
        self.fields["version_unknown"] = forms.BooleanField(
            label=_("I don't know which version I use"),
            help_text=_("The version is filled in from what your workplace has recorded as in use."),
            required=False,
        )

    def chosen_tool(self) -> Tool:
        return self.tools[self.cleaned_data["tool"]]  # type: ignore[attr-defined]


def question_fields(questions: list[Question]) -> dict[str, forms.Field]:
    """The fields asking ``questions`` (in the active language), by question code."""
    return {question.code: field_for(question) for question in questions}


class CheckinForm(ToolChoiceMixin, forms.Form):
    """The check-in: a tool, then the questions of the campaign's question set version.

    ``fields``: the question fields from :func:`question_fields`, when the caller keeps them between
    requests (the view does for versions that can no longer change). They are then shared, not copied:
    cleaning and rendering only read a field, and nothing here changes one after it is made.
    """

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        tools: list[tuple[Tool, str | None]],
        fields: dict[str, forms.Field] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_tool_fields(tools)
        self.questions = questions
        self.fields.update(fields if fields is not None else question_fields(questions))

    def answers(self) -> dict[str, Any]:
        """The answers given, by question code; unanswered questions are left out."""
        out: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.code)
            if value not in (None, "", []):
                out[question.code] = value
        return out

    def text_fields(self) -> list[str]:
        return [q.code for q in self.questions if q.kind == QuestionKind.TEXT]

    def main_questions(self) -> list[forms.BoundField]:
        return [self[q.code] for q in self.questions if not q.module]

    def modules(self) -> dict[str, list[forms.BoundField]]:
        grouped: dict[str, list[forms.BoundField]] = {}
        for q in self.questions:
            if q.module:
                grouped.setdefault(q.module, []).append(self[q.code])
        return grouped


def recent_months(today: dt.date, count: int = 13) -> list[tuple[str, str]]:
    """(``YYYY-MM``, "November 2025") for this month and the ones before it."""
    from django.utils.formats import date_format

    months: list[tuple[str, str]] = []
    year, month = today.year, today.month
    for _step in range(count):
        day = dt.date(year, month, 1)
        months.append((day.strftime("%Y-%m"), date_format(day, "F Y")))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class IncidentForm(ToolChoiceMixin, forms.Form):
    """An incident or concern report."""

    month = forms.ChoiceField(label=_("When did it happen?"))
    category = forms.ChoiceField(
        label=_("What kind of problem was it?"), choices=IncidentCategory.choices, widget=forms.RadioSelect
    )
    affected = forms.MultipleChoiceField(
        label=_("Who was affected?"), choices=Affected.choices, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.ChoiceField(
        label=_("How serious was it?"), choices=Severity.choices, widget=forms.RadioSelect
    )
    harm_type = forms.ChoiceField(
        label=_("What kind of harm was it, or could it have been?"),
        choices=HarmType.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Please do not name anyone, or your school. We check before anything is saved."),
        max_length=INCIDENT_TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": INCIDENT_TEXT_LIMIT}),
    )

    def __init__(self, *args: Any, tools: list[tuple[Tool, str | None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_tool_fields(tools)
        self.fields["month"].choices = recent_months(timezone.localdate())
        self.order_fields(["tool", "version_unknown"])

    def clean_month(self) -> dt.date:
        year, month = (int(part) for part in self.cleaned_data["month"].split("-"))
        return dt.date(year, month, 1)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tool"] = self.chosen_tool()
        return data

    def text_fields(self) -> list[str]:
        return ["description"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your access code"),
        help_text=_("It is on the slip your rep gave you, e.g. 7KQ2-M9XD-3RTA. Capitals do not matter."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# --- Owners' forms ---------------------------------------------------------------------------------------

# The label of the filter box the page's script puts above a long list (see web/select-filter.js).
FILTER_LABEL = _("Type to filter the list")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_cy = forms.CharField(
        label=_("Name in Welsh (optional)"),
        max_length=200,
        required=False,
        help_text=_("Shown instead of the name on pages read in Welsh."),
    )
    owner = OrganisationChoiceField(label=_("Owned by"), queryset=Organisation.objects.none())
    question_set_version = forms.ModelChoiceField(
        label=_("Questions"), queryset=QuestionSetVersion.objects.select_related("question_set")
    )
    workplaces = OrganisationMultipleChoiceField(
        label=_("Workplaces"),
        queryset=Organisation.objects.workplaces(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-filter": FILTER_LABEL}),
    )
    tools = forms.ModelMultipleChoiceField(
        label=_("Tools"),
        queryset=Tool.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-filter": FILTER_LABEL}),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    threshold = forms.IntegerField(
        label=_("Disclosure threshold"),
        min_value=MIN_THRESHOLD,
        initial=10,
        help_text=_("Nothing is shown for a group with fewer answers than this. It cannot be below 5."),
    )
    share_results = forms.ModelMultipleChoiceField(
        label=_("Share results with"), queryset=Organisation.objects.none(), required=False
    )
    share_incidents = forms.ModelMultipleChoiceField(
        label=_("Share incident reports with"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        others = Organisation.objects.exclude(kind__in=["school", "college", "university"])
        self.fields["share_results"].queryset = others  # type: ignore[attr-defined]
        self.fields["share_incidents"].queryset = others  # type: ignore[attr-defined]
        for name in ("owner", "question_set_version", "workplaces", "tools"):
            preselect_single(self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A campaign must close on or after the day it opens."))
        return data


class CampaignEditForm(ChalkfaceForm):
    """What an owner may change after a campaign started: name, dates, threshold and scope."""

    name = forms.CharField(label=_("Name"), max_length=200)
    name_cy = forms.CharField(
        label=_("Name in Welsh (optional)"),
        max_length=200,
        required=False,
        help_text=_("Shown instead of the name on pages read in Welsh."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    threshold = forms.IntegerField(
        label=_("Disclosure threshold"),
        min_value=MIN_THRESHOLD,
        max_value=1000,
        help_text=_("Nothing is shown for a group with fewer answers than this. It cannot be below 5."),
    )
    workplaces = OrganisationMultipleChoiceField(
        label=_("Workplaces"),
        queryset=Organisation.objects.workplaces(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-filter": FILTER_LABEL}),
    )
    tools = forms.ModelMultipleChoiceField(
        label=_("Tools"),
        queryset=Tool.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-filter": FILTER_LABEL}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A campaign must close on or after the day it opens."))
        return data


class SharingForm(ChalkfaceForm):
    """Which other organisations see what of a campaign (union custody: nothing else is visible)."""

    share_results = forms.ModelMultipleChoiceField(
        label=_("Results that passed disclosure control"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_comments = forms.ModelMultipleChoiceField(
        label=_("Protected comments"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_incidents = forms.ModelMultipleChoiceField(
        label=_("Incident and concern reports"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    FIELDS = {
        Share.RESULTS: "share_results",
        Share.COMMENTS: "share_comments",
        Share.INCIDENTS: "share_incidents",
    }

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = (
            Organisation.objects.exclude(kind__in=["school", "college", "university"])
            .exclude(pk=campaign.owner_id)
            .order_by("name")
        )
        for what, name in self.FIELDS.items():
            self.fields[name].queryset = others  # type: ignore[attr-defined]
            self.fields[name].initial = [s.organisation_id for s in campaign.shares.all() if s.what == what]

    def shares(self) -> dict[str, list[Organisation]]:
        return {what: list(self.cleaned_data[name]) for what, name in self.FIELDS.items()}


class CodeBatchForm(ChalkfaceForm):
    workplace = OrganisationChoiceField(label=_("Workplace"), queryset=Organisation.objects.none())
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=2000, initial=30)
    expires_on = forms.DateField(label=_("Codes expire after"), widget=DateInput())
    output = forms.ChoiceField(
        label=_("Print as"),
        choices=[("html", _("A page to print from the browser")), ("pdf", _("A PDF file"))],
        widget=forms.RadioSelect,
        initial="html",
    )

    def __init__(self, *args: Any, campaign: Campaign, workplaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces  # type: ignore[attr-defined]
        self.fields["expires_on"].initial = campaign.closes_on
        preselect_single(self.fields["workplace"])


class OpenLinkForm(ChalkfaceForm):
    workplace = OrganisationChoiceField(label=_("Workplace"), queryset=Organisation.objects.none())
    per_hour = forms.IntegerField(
        label=_("Most submissions an hour"), min_value=1, max_value=10000, initial=60
    )

    def __init__(self, *args: Any, workplaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces  # type: ignore[attr-defined]
        preselect_single(self.fields["workplace"])
