"""Forms of the registry import pages: the upload, the column mapping and the confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from serumpun.exporters.importing import FIELD_LABELS, max_bytes
from serumpun.exporters.rules.importing import IMPORT_FIELDS


class ImportUploadForm(forms.Form):
    """Upload a provincial MSME list."""

    file = forms.FileField(
        label=_("MSME list (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Up to %(mb)s MB. Column names are recognised automatically; you can "
            "correct them before anything is written."
        ) % {"mb": max_bytes() // (1024 * 1024)}


class ImportMappingForm(forms.Form):
    """Which column of the file holds each of our fields."""

    def __init__(self, *args: Any, headers: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((h, h) for h in headers)]
        for field in IMPORT_FIELDS:
            self.fields[field.key] = forms.ChoiceField(
                label=FIELD_LABELS[field.key],
                choices=choices,
                required=field.required,
            )

    def mapping(self) -> dict[str, str]:
        """Our field → the chosen column (fields left out when not in the file)."""
        return {key: column for key, column in self.cleaned_data.items() if column}


class ImportCommitForm(forms.Form):
    """The confirmation before the registry is written."""

    confirm = forms.BooleanField(
        label=_("I have checked the preview: write these MSMEs into the registry."),
        required=True,
    )
