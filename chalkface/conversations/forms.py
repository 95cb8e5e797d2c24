"""Forms of the conversations app: they check what was typed; actions do the saving."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chalkface.web.forms import ChalkfaceForm


class ConversationForm(ChalkfaceForm):
    topic = forms.CharField(label=_("Topic"), max_length=300, help_text=_("The question staff respond to"))
    topic_cy = forms.CharField(label=_("Topic in Welsh"), max_length=300, required=False)
    strict = forms.BooleanField(
        label=_("Strict moderation"),
        required=False,
        help_text=_("Statements added by staff are shown only once you accept them"),
    )


class StatementForm(ChalkfaceForm):
    text = forms.CharField(
        label=_("Statement"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One short point people can agree or disagree with"),
    )


class ImportVotesForm(ChalkfaceForm):
    votes = forms.FileField(label=_("Pol.is votes.csv"))
    comments = forms.FileField(
        label=_("Pol.is comments.csv (optional)"),
        required=False,
        help_text=_("Gives the imported statements their text"),
    )
