"""The buyer catalogue: search verified suppliers' products, product and supplier pages.

Pages are for roles holding `catalog.view` (buyer, officer, trade attaché, admin); others get
403. Product texts are shown in the buyer's language (search.request_language).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from serumpun.accounts.roles import has_permission, require_permission
from serumpun.core.models import Regency
from serumpun.core.reference import LAMPUNG_PROVINCE_CODE
from serumpun.exporters.models import MSME, CertificateKind, Product
from serumpun.exporters.search import (
    certificates_covering,
    first_photo,
    request_language,
    search_catalogue,
    with_catalogue_details,
)

PAGE_SIZE = 20
TEMPLATES = "exporters/catalog"


class CatalogFilterForm(forms.Form):
    """The catalogue's search fields; every one optional."""

    q = forms.CharField(
        label=gettext_lazy("Words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "In Indonesian, English or Malay: kopi, coffee, kerepek…"
        ),
    )
    hs = forms.RegexField(
        label=gettext_lazy("HS code"),
        regex=r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        help_text=gettext_lazy("2, 4 or 6 digits, e.g. 0901 for coffee."),
        error_messages={"invalid": gettext_lazy("Enter 2, 4 or 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    regency = forms.ModelChoiceField(
        label=gettext_lazy("Regency or city"),
        queryset=Regency.objects.filter(province_id=LAMPUNG_PROVINCE_CODE),
        required=False,
        empty_label=gettext_lazy("All of Lampung"),
    )
    certificate = forms.ChoiceField(
        label=gettext_lazy("Valid certificate"),
        choices=[("", gettext_lazy("Any")), *CertificateKind.choices],
        required=False,
    )
    min_capacity_kg = forms.DecimalField(
        label=gettext_lazy("Minimum monthly capacity (kg)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
    )


def _catalogue_user(request: HttpRequest) -> None:
    require_permission(request.user, "catalog.view")


def _results_context(request: HttpRequest, form: CatalogFilterForm) -> dict[str, Any]:
    today = timezone.localdate()
    results: Any = []
    if form.is_valid():
        data = form.cleaned_data
        results = search_catalogue(
            q=data["q"],
            hs=data["hs"],
            regency_code=data["regency"].pk if data["regency"] else "",
            certificate=data["certificate"],
            min_capacity_kg=data["min_capacity_kg"],
            load=lambda page: list(with_catalogue_details(page, as_of=today)),
        )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    language = request_language(request)
    query = request.GET.copy()
    query.pop("page", None)
    cards = [_card(product, language) for product in page.object_list]
    return {"form": form, "page": page, "cards": cards, "query": query.urlencode()}


def _card(product: Product, language: str) -> dict[str, Any]:
    return {
        "product": product,
        "name": product.name_in(language),
        "certificates": certificates_covering(product),
        "photo": first_photo(product),
    }


@require_safe
@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    """Search verified suppliers' products; htmx requests get only the results."""
    _catalogue_user(request)
    context = _results_context(request, CatalogFilterForm(request.GET))
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        return render(request, f"{TEMPLATES}/catalog.html#results", context)
    return render(request, f"{TEMPLATES}/catalog.html", context)


@require_safe
@login_required
def catalog_product(request: HttpRequest, pk: int) -> HttpResponse:
    """One catalogue product in the buyer's language, with its supplier and certificates."""
    _catalogue_user(request)
    today = timezone.localdate()
    catalogue = with_catalogue_details(Product.objects.in_catalogue(), as_of=today)
    product = get_object_or_404(catalogue, pk=pk)
    language = request_language(request)
    context = {
        "product": product,
        "name": product.name_in(language),
        "description": product.description_in(language),
        "certificates": certificates_covering(product),
        "photos": list(product.photos.all()),
        # officers and attachés browse the catalogue too, but only buyers ask to be introduced
        "can_introduce": has_permission(request.user, "introduction.request"),
    }
    return render(request, f"{TEMPLATES}/product.html", context)


@require_safe
@login_required
def catalog_supplier(request: HttpRequest, pk: int) -> HttpResponse:
    """A verified supplier and its catalogue products."""
    _catalogue_user(request)
    msme = get_object_or_404(MSME.objects.verified().select_related("regency"), pk=pk)
    today = timezone.localdate()
    products = with_catalogue_details(
        Product.objects.in_catalogue().filter(msme=msme).order_by("-id"), as_of=today
    )
    language = request_language(request)
    cards = [_card(product, language) for product in products[:100]]
    certificates = msme.certificates.valid_on(today).order_by("kind", "valid_until")
    context = {"msme": msme, "cards": cards, "certificates": certificates}
    return render(request, f"{TEMPLATES}/supplier.html", context)


@require_POST
@login_required
def catalog_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    """The "request an introduction" button: on to the trade page where the buyer picks
    one of their open requests for this product (or posts a new one)."""
    _catalogue_user(request)
    if not Product.objects.in_catalogue().filter(pk=pk).exists():
        raise Http404
    return redirect(f"{reverse('trade:introduction_new')}?product={pk}")
