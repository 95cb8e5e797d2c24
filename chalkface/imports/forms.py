"""The form a campaign owner uses to import responses from the web."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chalkface.imports.uploads import web_limit_bytes
from chalkface.web.forms import ChalkfaceForm


class ImportForm(ChalkfaceForm):
    file = forms.FileField(label=_("Export file (CSV or XLSX)"))
    mapping = forms.FileField(label=_("Mapping (JSON)"))
    dry_run = forms.BooleanField(label=_("Check only, do not save"), required=False)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = web_limit_bytes()
        if (upload.size or 0) > limit:
            raise ValidationError(
                gettext(
                    "That file is %(size)s MB; files imported here can be up to %(limit)s MB. Split it, or "
                    "use the command line: chalkface import responses."
                )
                % {"size": f"{(upload.size or 0) / 1_000_000:.1f}", "limit": limit // 1_000_000}
            )
        return upload

    def clean_mapping(self) -> dict[str, Any]:
        """The mapping file, read as a JSON object."""
        try:
            mapping = json.loads(self.cleaned_data["mapping"].read().decode("utf-8"))
        except UnicodeDecodeError:
            raise ValidationError(gettext("The mapping is not a UTF-8 text file.")) from None
        except json.JSONDecodeError as exc:
            raise ValidationError(
                gettext("The mapping is not valid JSON: %(problem)s") % {"problem": exc}
            ) from None
        if not isinstance(mapping, dict):
            raise ValidationError(gettext("The mapping must be a JSON object."))
        return mapping
