"""The landed-cost calculator page: EXW → FOB → CIF → duty → sales tax → MYR per kg, and back.

Any signed-in user may use it (it stores nothing). An MSME owner may pick one of their own
products and a number of cartons: the freight then comes from the cheapest sea option of
`quoting.quote` for that carton weight and size from the MSME's regency. htmx requests get
only the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from serumpun.core.models import Confidence
from serumpun.exporters.models import Product
from serumpun.logistics import quoting
from serumpun.logistics.forms_landed import LandedCostForm, tariff_book
from serumpun.logistics.presenters import cost_item_text, mode_name
from serumpun.logistics.rules.landed_cost import (
    LandedCostInput,
    QuotedFreight,
    TariffBook,
    fob_for_shelf_price,
    landed_cost,
    split_quote,
)
from serumpun.logistics.views import render_page

if TYPE_CHECKING:
    from serumpun.accounts.models import User

TEMPLATE = "logistics/landed.html"


def cheapest_sea_quote(
    product: Product, cargo: tuple[Decimal, Decimal], destination: str
) -> QuotedFreight | None:
    """The cheapest sea option from the product's regency, or None when none is priced."""
    weight, volume = cargo
    options = quoting.quote(
        origin=product.msme.regency_id,
        destination_locode=destination,
        weight_kg=weight,
        volume_m3=volume,
        as_of=timezone.localdate(),
    )
    sea = [o for o in options if o.mode.startswith("sea")]
    if not sea:
        return None
    return split_quote(min(sea, key=lambda o: o.total_usd))


def _calculate(data: dict[str, Any], book: TariffBook) -> dict[str, Any]:
    origin = data.get("origin_charges_usd") or Decimal(0)
    freight = data.get("freight_usd")
    destination_myr = data.get("destination_charges_myr") or Decimal(0)
    context: dict[str, Any] = {}
    if freight is None:
        try:
            quoted = cheapest_sea_quote(
                data["product"], data["cargo"], data["destination"]
            )
        except ValidationError as exc:
            return {"quote_error": " ".join(exc.messages)}
        if quoted is None:
            return {"quote_error": True}
        origin += quoted.origin_usd
        freight = quoted.freight_usd
        destination_myr += quoted.destination_usd * book.usd_myr.rate
        context["quoted"] = quoted
        context["quoted_mode"] = mode_name(quoted.option.mode)
        context["quoted_items"] = [
            (cost_item_text(item), item.amount) for item in quoted.option.breakdown
        ]
        context["quoted_sources"] = [
            (source.title, source.date, confidence_label(source.confidence))
            for source in quoted.option.rate_sources
        ]
    consignment = LandedCostInput(
        hs_code=data["hs_code"],
        quantity_kg=data["quantity_kg"],
        exw_idr_per_kg=data.get("exw_idr_per_kg") or Decimal(0),
        origin_charges_usd=origin,
        freight_usd=freight,
        destination_charges_myr=destination_myr,
        form_d=data["form_d"],
        duty_percent=data.get("duty_percent"),
        sales_tax_percent=data.get("sales_tax_percent"),
    )
    if data.get("exw_idr_per_kg") is not None:
        context["result"] = landed_cost(consignment, book)
    if data.get("shelf_myr_per_kg") is not None:
        context["reverse"] = fob_for_shelf_price(
            shelf_myr_per_kg=data["shelf_myr_per_kg"],
            margin_percent=data["margin_percent"],
            data=consignment,
            book=book,
        )
    line = book.line(data["hs_code"])
    context["line"] = line
    context["confidence"] = {
        key: confidence_label(value) for key, value in line.confidence.items()
    }
    return context


def confidence_label(value: str) -> str:
    """A confidence mark in words ("low — to be confirmed")."""
    return str(Confidence(value).label)


@require_safe
@login_required
def landed_cost_page(request: HttpRequest) -> HttpResponse:
    """The calculator; with filled-in fields it shows the result (htmx: only the result)."""
    user = cast("User", request.user)  # behind @login_required: a real account
    # the user's own organisation's products only: an officer sees every product, which
    # would make the list unusable (and the page heavy) at province scale
    products = (
        Product.objects.visible_to(request.user)
        .filter(is_active=True, msme__organisation__in=user.organisation_ids)
        .select_related("msme")
        .order_by("name_id", "pk")
    )
    form = LandedCostForm(request.GET or None, products=products)
    book = tariff_book()
    context: dict[str, Any] = {
        "form": form,
        "book": book,
        "insurance_confidence": confidence_label(book.insurance_confidence),
        "fx_confidence": confidence_label(book.usd_myr.confidence),
    }
    if form.is_bound and form.is_valid():
        context.update(_calculate(form.cleaned_data, book))
    return render_page(request, TEMPLATE, context, partial="result")
