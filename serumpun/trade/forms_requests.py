"""Forms of the sourcing-request pages: post (or relay) a request, close it, filter lists."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import Port
from serumpun.exporters.models import CertificateKind
from serumpun.trade.models import (
    BuyerProfile,
    Incoterm,
    RequestStatus,
)


def malaysian_ports() -> list[tuple[str, str]]:
    """(UN/LOCODE, label) of the Malaysian seaports and airports, one entry per code."""
    seen: dict[str, str] = {}
    for port in Port.objects.filter(country_id="MY").order_by("locode", "kind"):
        seen.setdefault(port.locode, f"{port.locode} — {port.name}")
    return list(seen.items())


class RequestForm(forms.Form):
    """A new sourcing request; the trade attaché also picks the buyer it is relayed for."""

    buyer = forms.ModelChoiceField(
        label=_("Buyer"),
        queryset=BuyerProfile.objects.none(),
        required=False,
        help_text=_("The verified buyer you post this request for."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    hs_code = forms.CharField(
        label=_("HS code (6 digits)"),
        max_length=12,
        help_text=_("Type the product name or the code, then pick a suggestion."),
    )
    accept_same_heading = forms.BooleanField(
        label=_("Also accept other products of the same HS heading (4 digits)"),
        required=False,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    quantity_kg_per_month = forms.DecimalField(
        label=_("Quantity (kg per month)"),
        min_value=0.01,
        max_digits=12,
        decimal_places=2,
    )
    required_certificates = forms.MultipleChoiceField(
        label=_("Required certificates"),
        choices=CertificateKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    destination_locode = forms.ChoiceField(label=_("Destination port"), choices=())
    target_price_usd_per_kg = forms.DecimalField(
        label=_("Target price (USD/kg)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    incoterm = forms.ChoiceField(
        label=_("Incoterm"),
        choices=[("", "—"), *Incoterm.choices],
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, relay: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination_locode"].choices = malaysian_ports()  # type: ignore[attr-defined]
        self.fields["hs_code"].widget.attrs.update(
            {
                "hx-get": reverse("exporters:hs_suggest"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#hs-suggestions",
                "autocomplete": "off",
                "data-hs-input": "",
                "inputmode": "search",
            }
        )
        if relay:
            buyer = self.fields["buyer"]
            buyer.required = True
            buyer.queryset = (  # type: ignore[attr-defined]
                BuyerProfile.objects.verified()
                .select_related("organisation")
                .order_by("organisation__name")
            )
        else:
            del self.fields["buyer"]

    def clean_hs_code(self) -> str:
        return re.sub(r"[\s.]", "", self.cleaned_data["hs_code"])

    def action_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of actions_requests.post_request."""
        data = dict(self.cleaned_data)
        buyer = data.pop("buyer", None)
        return {
            "hs_code": data.pop("hs_code"),
            "buyer_id": buyer.organisation_id if buyer is not None else None,
            "fields": data,
        }


class CloseRequestForm(forms.Form):
    """Close a request or mark it fulfilled (the reason is kept in the audit log)."""

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (RequestStatus.FULFILLED, _("fulfilled — we found a supplier")),
            (RequestStatus.CLOSED, _("closed — no longer needed")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, close this request: suppliers can no longer answer it.")
    )


class RequestFilterForm(forms.Form):
    """Filters of a request list."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("any")), *RequestStatus.choices],
        required=False,
    )
    hs_code = forms.RegexField(
        label=_("HS code"), regex=r"^\d{2,6}$", required=False, max_length=6
    )

    def filter(self, rows: Any) -> Any:
        """`rows` narrowed by the valid filters."""
        if not self.is_valid():
            return rows
        if self.cleaned_data["status"]:
            rows = rows.filter(status=self.cleaned_data["status"])
        if self.cleaned_data["hs_code"]:
            rows = rows.filter(hs_code__code__startswith=self.cleaned_data["hs_code"])
        return rows
