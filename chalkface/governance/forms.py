"""Forms for governance records: they check what was typed; ``actions.py`` saves it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chalkface.governance import items
from chalkface.web.forms import ChalkfaceForm, DateInput


class PositionForm(ChalkfaceForm):
    status = forms.ChoiceField(label=_("Status"), choices=items.AGREEMENT_STATUSES, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    evidence_url = forms.URLField(
        label=_("Link to the evidence"),
        required=False,
        assume_scheme="https",
        help_text=_("Minutes, a policy, a letter: where the other side can check it"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(ChalkfaceForm):
    review_due = forms.DateField(label=_("Next joint review due"), required=False, widget=DateInput)


class SafetyForm(ChalkfaceForm):
    status = forms.ChoiceField(label=_("Status"), choices=items.SAFETY_STATUSES, widget=forms.RadioSelect)
    supplier_claim = forms.CharField(
        label=_("What the supplier claims"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    verified_by = forms.CharField(
        label=_("Verified by"), required=False, max_length=200, help_text=_("Who checked the claim, and how")
    )
    evidence_url = forms.URLField(label=_("Link to the evidence"), required=False, assume_scheme="https")
    assessed_on = forms.DateField(label=_("Assessed on"), required=False, widget=DateInput)


def _practice() -> forms.ChoiceField:
    return forms.ChoiceField(choices=items.PRACTICE_ANSWERS, widget=forms.RadioSelect, initial=items.UNCLEAR)


class DataPracticeForm(ChalkfaceForm):
    staff_data = forms.CharField(
        label=_("Data collected about staff"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pupil_data = forms.CharField(
        label=_("Data collected about pupils"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    processing_locations = forms.CharField(label=_("Where data is processed"), required=False, max_length=300)
    retention = forms.CharField(label=_("How long data is kept"), required=False, max_length=300)
    sub_processors = forms.CharField(
        label=_("Sub-processors"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    trains_on_customer_data = _practice()
    sells_data = _practice()
    targeted_ads = _practice()
    third_party_tracking = _practice()
    profiling = _practice()
    evaluated_on = forms.DateField(label=_("Evaluated on"), required=False, widget=DateInput)
    evidence_url = forms.URLField(
        label=_("Link to the privacy policy or contract"), required=False, assume_scheme="https"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for code, label in items.PRACTICES:
            self.fields[code].label = label


class DeploymentRecordForm(ChalkfaceForm):
    intended_uses = forms.MultipleChoiceField(
        label=_("What it is used for"),
        required=False,
        choices=items.INTENDED_USES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply. Some uses are high-risk or banned under the EU AI Act."),
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", "—"), *items.ATRS_PHASES])
    team = forms.CharField(label=_("Team responsible"), required=False, max_length=200)
    senior_responsible_owner = forms.CharField(
        label=_("Senior responsible owner"), required=False, max_length=200
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    benefit = forms.CharField(
        label=_("Expected benefit"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    human_decisions_and_review = forms.CharField(
        label=_("How people review its outputs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    appeals_and_review = forms.CharField(
        label=_("How to appeal or ask for a review"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    workers_informed_on = forms.DateField(label=_("Staff told on"), required=False, widget=DateInput)
    dpia_on = forms.DateField(label=_("DPIA completed on"), required=False, widget=DateInput)
    dpia_url = forms.URLField(label=_("Link to the DPIA"), required=False, assume_scheme="https")
