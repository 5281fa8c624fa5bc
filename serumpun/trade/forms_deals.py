"""Forms of the leads pages: moving a lead, a message, a buyer report, closing a report,
choosing a request for an introduction, and the pipeline board's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from serumpun.core.uploads import max_upload_bytes
from serumpun.trade.models import LeadStage, LostReason, ReportReason
from serumpun.trade.models_deals import DealCurrency

MAX_AMOUNT = Decimal("999999999999")


class MoveForm(forms.Form):
    """Move a lead to one of the stages the user may choose."""

    stage = forms.ChoiceField(label=_("New stage"), choices=())
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lost_reason = forms.ChoiceField(
        label=_("Why was the lead lost?"),
        required=False,
        choices=[("", "—"), *LostReason.choices],
    )
    lost_note = forms.CharField(
        label=_("More about the loss (optional)"),
        required=False,
        max_length=2000,
    )
    amount = forms.DecimalField(
        label=_("Order value"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=DealCurrency.choices, required=False, initial="MYR"
    )
    quantity_kg = forms.DecimalField(
        label=_("Ordered quantity (kg, optional)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )

    LOST_FIELDS = ("lost_reason", "lost_note")
    ORDER_FIELDS = ("amount", "currency", "quantity_kg")

    def __init__(self, *args: Any, stages: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage: Any = self.fields["stage"]
        stage.choices = [(s, LeadStage(s).label) for s in stages]
        # only the fields of the stages the user can choose (a short form on a phone)
        if LeadStage.LOST not in stages:
            for name in self.LOST_FIELDS:
                del self.fields[name]
        if LeadStage.ORDERED not in stages:
            for name in self.ORDER_FIELDS:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stage = data.get("stage")
        if stage == LeadStage.LOST and not data.get("lost_reason"):
            self.add_error("lost_reason", _("Say why the lead was lost."))
        if stage == LeadStage.ORDERED and (
            data.get("amount") is None or not data.get("currency")
        ):
            self.add_error(
                "amount", _("Record the order's value (amount and currency).")
            )
        return data


class MessageForm(forms.Form):
    """A message to the other party, with an optional document."""

    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("Attach a document (PDF, JPEG or PNG, optional)"), required=False
    )

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload is not None and upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is too large."))
        return upload


class ReportForm(forms.Form):
    """An MSME's report about a buyer."""

    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    details = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CloseReportForm(forms.Form):
    """The attaché's resolution of a report."""

    resolution = forms.CharField(
        label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IntroductionForm(forms.Form):
    """Which of the buyer's open requests to introduce a catalogue product to."""

    request_id = forms.TypedChoiceField(label=_("Your request"), coerce=int, choices=())

    def __init__(self, *args: Any, requests: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen: Any = self.fields["request_id"]
        chosen.choices = [(r.pk, r.title) for r in requests]


class PipelineFilterForm(forms.Form):
    """Filters of the attaché's pipeline board."""

    buyer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Buyer"), queryset=None, required=False, empty_label=_("All buyers")
    )
    hs = forms.RegexField(
        label=_("HS code starts with"), regex=r"^\d{2,6}$", required=False, max_length=6
    )
    regency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Regency or city"), queryset=None, required=False, empty_label=_("All")
    )
    since = forms.DateField(
        label=_("Introduced from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Introduced until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from serumpun.accounts.models import Organisation
        from serumpun.core.models import Regency

        super().__init__(*args, **kwargs)
        buyers: Any = self.fields["buyer"]
        buyers.queryset = Organisation.objects.filter(kind="buyer").order_by("name")
        regencies: Any = self.fields["regency"]
        regencies.queryset = Regency.objects.filter(code__startswith="18").order_by(
            "name"
        )
