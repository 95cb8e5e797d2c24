"""Forms for the insight pages: they check what was typed; ``actions.py`` saves it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chalkface.insights.margins import parse_margins
from chalkface.web.forms import ChalkfaceForm

MAX_FILE_BYTES = 100_000


class MarginsForm(ChalkfaceForm):
    """A new set of workforce margins: where they come from, and the rows (pasted, or in a CSV file)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example: School workforce in England, November 2024, headcount"),
    )
    source = forms.CharField(
        label=_("Where the numbers come from"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The release and the table, with its address, so that a reader can check them"),
    )
    licence = forms.CharField(
        label=_("Licence"),
        max_length=200,
        required=False,
        help_text=_("For example: Open Government Licence v3.0"),
    )
    rows = forms.CharField(
        label=_("Headcounts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "One row per category, after a header row, as in the example above. Give every role, phase and "
            "region the figures should stand for."
        ),
    )
    file = forms.FileField(
        label=_("Or a CSV file with the same columns"),
        required=False,
        help_text=_("Up to 100 KB. If you choose a file, the rows typed above are not used."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        text = str(data.get("rows") or "")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(_("The file is larger than 100 KB; give one row per category."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    _("The file is not text (UTF-8); save it as CSV and try again.")
                ) from exc
        if not text.strip():
            raise ValidationError(_("Type the headcounts or choose a CSV file."))
        parsed = parse_margins(text)
        if parsed.errors:
            # on the field they came from, so that the summary at the top links to it
            self.add_error("file" if upload is not None else "rows", parsed.errors)
            return data
        data["margins"] = parsed.margins
        return data
