"""The landed-cost calculator's form: the consignment, the tariff line and optional overrides."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serumpun.exporters.models import Product
from serumpun.logistics.forms import (
    MAX_CARTONS,
    carton_size,
    has_carton_data,
    malaysian_ports,
)
from serumpun.logistics.rules.landed_cost import TariffBook, load_tariff_book

TARIFF_FILE = settings.BASE_DIR / "data" / "logistics" / "tariffs.yaml"
MAX_KG = Decimal(1_000_000)
MAX_IDR_PER_KG = Decimal(100_000_000)
MAX_USD = Decimal(10_000_000)
MAX_MYR = Decimal(50_000_000)
MAX_MYR_PER_KG = Decimal(1_000_000)
MONEY_DIGITS = 14
MONEY_PLACES = 2


@cache
def tariff_book() -> TariffBook:
    """data/logistics/tariffs.yaml, read once per process."""
    return load_tariff_book(TARIFF_FILE)


def tariff_choices() -> list[tuple[str, str]]:
    """The tariff lines of the book, named in the current language."""
    language = (get_language() or "id")[:2]
    return [
        (code, f"{code[:4]}.{code[4:]} {line.name.get(language) or line.name['en']}")
        for code, line in sorted(tariff_book().lines.items())
    ]


def _money(label: Any, maximum: Decimal, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=maximum,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        **kwargs,
    )


class LandedCostForm(forms.Form):
    """A consignment to cost in Malaysia; the freight may come from a quote."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_(
            "Optional: with a number of cartons, the freight is taken from the cheapest "
            "sea quote for its carton weight and size."
        ),
    )
    cartons = forms.IntegerField(
        label=_("Cartons"), min_value=1, max_value=MAX_CARTONS, required=False
    )
    hs_code = forms.ChoiceField(label=_("Tariff line (HS)"))
    destination = forms.ChoiceField(label=_("To (Malaysian port)"))
    quantity_kg = forms.DecimalField(
        label=_("Quantity sold (kg)"),
        min_value=Decimal("0.1"),
        max_value=MAX_KG,
        max_digits=10,
        decimal_places=1,
    )
    exw_idr_per_kg = _money(
        _("Ex-works price (IDR per kg)"), MAX_IDR_PER_KG, required=False
    )
    origin_charges_usd = _money(
        _("Origin charges (USD)"),
        MAX_USD,
        required=False,
        help_text=_(
            "Trucking to the port, export clearance, terminal handling, documents."
        ),
    )
    freight_usd = _money(
        _("Sea or air freight (USD)"),
        MAX_USD,
        required=False,
        help_text=_(
            "Leave empty to take it from the cheapest sea quote (needs a product)."
        ),
    )
    destination_charges_myr = _money(
        _("Destination charges (MYR)"),
        MAX_MYR,
        required=False,
        help_text=_("Terminal handling, customs agent, delivery in Malaysia."),
    )
    form_d = forms.BooleanField(
        label=_("Form D (ATIGA certificate of origin)"),
        required=False,
        initial=True,
        help_text=_("With Form D and direct consignment the ATIGA rate applies."),
    )
    duty_percent = forms.DecimalField(
        label=_("Import duty override (%)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text=_("Only if you hold a ruling or a rate from MyNTR."),
    )
    sales_tax_percent = forms.DecimalField(
        label=_("Sales tax override (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    shelf_myr_per_kg = _money(
        _("Target shelf price (MYR per kg)"),
        MAX_MYR_PER_KG,
        required=False,
        help_text=_("Optional: find the FOB and ex-works price that reach it."),
    )
    margin_percent = forms.DecimalField(
        label=_("Importer and retailer margin (%)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
        required=False,
        initial=Decimal(40),
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]
        self.fields["hs_code"].choices = tariff_choices()  # type: ignore[attr-defined]
        self.fields["destination"].choices = malaysian_ports()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        product, cartons = data.get("product"), data.get("cartons")
        data["cargo"] = None
        if product is not None and cartons:
            if has_carton_data(product):
                data["cargo"] = carton_size(product, cartons)
            else:
                self.add_error(
                    "product",
                    _(
                        "This product has no carton size or weight yet: enter the freight."
                    ),
                )
        if data.get("freight_usd") is None and data["cargo"] is None:
            self.add_error(
                "freight_usd",
                _("Enter the freight, or choose a product and a number of cartons."),
            )
        if data.get("exw_idr_per_kg") is None and data.get("shelf_myr_per_kg") is None:
            self.add_error(
                "exw_idr_per_kg",
                _("Enter the ex-works price, a target shelf price, or both."),
            )
        if (
            data.get("shelf_myr_per_kg") is not None
            and data.get("margin_percent") is None
        ):
            data["margin_percent"] = Decimal(0)
        return data
