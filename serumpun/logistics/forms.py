"""Logistics forms: quote request, rate-book entry, shipment pledge/booking, pooling plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import Confidence, Port, Regency
from serumpun.exporters.models import Product
from serumpun.logistics import containers as container_data
from serumpun.logistics.models import CargoKind, RateBasis, RateMode, ShipmentStatus

CM3_PER_M3 = Decimal(1_000_000)
MAX_CARTONS = 100_000
MAX_WEIGHT_KG = Decimal(1_000_000)
MAX_VOLUME_M3 = Decimal(10_000)
LAMPUNG = "18"


def malaysian_ports() -> list[tuple[str, str]]:
    """Malaysian seaports of our table, for destination choices."""
    return [
        (p.locode, f"{p.name} ({p.locode})")
        for p in Port.objects.filter(country_id="MY", kind=Port.Kind.SEAPORT).order_by(
            "name"
        )
    ]


def lampung_regencies() -> list[tuple[str, str]]:
    """Lampung's regencies and cities that have a capital's coordinates."""
    return [
        (r.code, f"{r.name} ({r.capital})" if r.capital else r.name)
        for r in Regency.objects.filter(province_id=LAMPUNG, lat__isnull=False)
    ]


def has_carton_data(product: Product) -> bool:
    """Whether the product's carton size and gross weight are all filled in."""
    return all(
        getattr(product, name) is not None
        for name in (
            "carton_length_cm",
            "carton_width_cm",
            "carton_height_cm",
            "carton_gross_weight_kg",
        )
    )


def carton_size(product: Product, cartons: int) -> tuple[Decimal, Decimal]:
    """Gross weight (kg) and volume (m³) of `cartons` cartons from the product's packaging."""
    assert product.carton_length_cm is not None  # noqa: S101 — checked by has_carton_data
    assert product.carton_width_cm is not None  # noqa: S101
    assert product.carton_height_cm is not None  # noqa: S101
    assert product.carton_gross_weight_kg is not None  # noqa: S101
    volume = (
        product.carton_length_cm * product.carton_width_cm * product.carton_height_cm
    ) / CM3_PER_M3
    return (
        (product.carton_gross_weight_kg * cartons).quantize(Decimal("0.1")),
        (volume * cartons).quantize(Decimal("0.001")),
    )


class QuoteForm(forms.Form):
    """What to quote: a product and a number of cartons, or a weight and a volume."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("Weight and volume come from its carton data."),
    )
    cartons = forms.IntegerField(
        label=_("Cartons"), min_value=1, max_value=MAX_CARTONS, required=False
    )
    weight_kg = forms.DecimalField(
        label=_("Gross weight (kg)"),
        min_value=Decimal("0.1"),
        max_value=MAX_WEIGHT_KG,
        decimal_places=1,
        required=False,
        help_text=_("Only when no product is chosen."),
    )
    volume_m3 = forms.DecimalField(
        label=_("Volume (m³)"),
        min_value=Decimal("0.001"),
        max_value=MAX_VOLUME_M3,
        decimal_places=3,
        required=False,
    )
    origin = forms.ChoiceField(label=_("From (regency or city)"))
    destination = forms.ChoiceField(label=_("To (Malaysian port)"))
    kind = forms.ChoiceField(
        label=_("Cargo"), choices=CargoKind.choices, initial=CargoKind.GENERAL
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["origin"].choices = lampung_regencies()  # type: ignore[attr-defined]
        self.fields["destination"].choices = malaysian_ports()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        product, cartons = data.get("product"), data.get("cartons")
        if product is not None:
            if not cartons:
                self.add_error("cartons", _("How many cartons?"))
            elif not has_carton_data(product):
                self.add_error(
                    "product",
                    _(
                        "This product has no carton size or weight yet: enter the weight "
                        "and volume instead, or complete its packaging data."
                    ),
                )
            else:
                data["weight_kg"], data["volume_m3"] = carton_size(product, cartons)
        elif not data.get("weight_kg") or not data.get("volume_m3"):
            self.add_error(
                "weight_kg", _("Choose a product, or enter the weight and volume.")
            )
        return data


class RateForm(forms.Form):
    """One rate-book line with its source; the action checks lanes and combinations."""

    mode = forms.ChoiceField(label=_("Mode"), choices=RateMode.choices)
    basis = forms.ChoiceField(label=_("Basis"), choices=RateBasis.choices)
    origin_locode = forms.CharField(
        label=_("From (LOCODE)"),
        max_length=5,
        required=False,
        help_text=_("Blank on a trucking rate: any Lampung regency."),
    )
    destination_locode = forms.CharField(
        label=_("To (LOCODE)"), max_length=5, required=False
    )
    via_locode = forms.CharField(
        label=_("Via (transshipment)"), max_length=5, required=False
    )
    container_code = forms.ChoiceField(label=_("Container type"), required=False)
    cargo_kind = forms.ChoiceField(
        label=_("Cargo"),
        choices=[("", _("general and reefer")), *CargoKind.choices],
        required=False,
    )
    applies_to = forms.ChoiceField(
        label=_("Local charge applies to"),
        choices=[
            ("", _("every shipment")),
            (RateMode.SEA_LCL, RateMode.SEA_LCL.label),
            (RateMode.SEA_FCL, RateMode.SEA_FCL.label),
            (RateMode.AIR, RateMode.AIR.label),
        ],
        required=False,
    )
    charge = forms.CharField(label=_("Charge"), max_length=40, initial="freight")
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("USD", "USD"), ("IDR", "IDR"), ("MYR", "MYR")]
    )
    minimum = forms.DecimalField(
        label=_("Minimum charge"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    transit_days_min = forms.IntegerField(
        label=_("Transit days (min)"), min_value=0, max_value=90, required=False
    )
    transit_days_max = forms.IntegerField(
        label=_("Transit days (max)"), min_value=0, max_value=90, required=False
    )
    sailings_per_week = forms.DecimalField(
        label=_("Departures per week"),
        min_value=0,
        max_value=99,
        decimal_places=1,
        required=False,
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_title = forms.CharField(label=_("Source"), max_length=300)
    source_date = forms.DateField(
        label=_("Source date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=Confidence.choices, initial=Confidence.MEDIUM
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container_code"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((code, code) for code in container_data.container_types()),
        ]


class ShipmentForm(forms.Form):
    """An MSME's pledge or booking."""

    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=6,
        required=False,
        help_text=_("Six digits; taken from the product when one is chosen."),
    )
    destination_locode = forms.ChoiceField(label=_("Destination port"))
    kind = forms.ChoiceField(label=_("Cargo"), choices=CargoKind.choices)
    weight_kg = forms.DecimalField(
        label=_("Gross weight (kg)"),
        min_value=Decimal("0.1"),
        max_value=Decimal(999_999_999),
        decimal_places=1,
    )
    volume_m3 = forms.DecimalField(
        label=_("Volume (m³)"),
        min_value=Decimal("0.001"),
        max_value=Decimal(999_999),
        decimal_places=3,
    )
    ready_date = forms.DateField(
        label=_("Ready from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    latest_date = forms.DateField(
        label=_("Must sail by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=_("Commitment"),
        choices=[
            (
                ShipmentStatus.PLEDGED,
                _("Pledge (join a shared container if one fills)"),
            ),
            (ShipmentStatus.BOOKED, _("Book firmly")),
        ],
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["destination_locode"].choices = malaysian_ports()  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    """Which destinations to pool and how long the solver may think."""

    destinations = forms.MultipleChoiceField(
        label=_("Destination ports"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every port with open shipments."),
    )
    time_limit_s = forms.IntegerField(
        label=_("Solver time limit (seconds)"), min_value=1, max_value=60, initial=10
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destinations"].choices = malaysian_ports()  # type: ignore[attr-defined]
