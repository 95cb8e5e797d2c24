"""The form for making an API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chalkface.web.forms import ChalkfaceForm


class TokenForm(ChalkfaceForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so that you know which to revoke, e.g. branch notebook"),
    )
