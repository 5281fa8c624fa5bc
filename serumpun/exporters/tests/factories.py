"""Factories for MSMEs, products, certificates and export records, shared by exporters tests.

Reference rows the records point at (province 18 Lampung, regency 1801 Lampung Barat, HS
090111 coffee, country MY) are created on demand when the loaded reference data is absent, so
a test does not have to load the whole HS nomenclature.

    msme = MSMEFactory()                                   # draft, own organisation of kind msme
    msme = MSMEFactory(verified=True)                      # verified by an officer
    msme = MSMEFactory(organisation=None)                  # imported / offline MSME
    product = ProductFactory(msme=msme, hs_code=hs_code("030614"))
    cert = CertificateFactory(msme=msme, kind="halal", products=[product])
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from factory.declarations import LazyFunction, Sequence, SubFactory, Trait
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from serumpun.accounts.tests.factories import OrganisationFactory
from serumpun.core.models import Country, HSCode, Province, Regency
from serumpun.exporters.models import (
    MSME,
    Certificate,
    CertificateKind,
    ExportRecord,
    Product,
    SizeClass,
    Verification,
)

# Placeholder descriptions for reference rows created outside the loaded datasets.
_HS_PLACEHOLDERS = {
    "09": "Coffee, tea, maté and spices",
    "0901": "Coffee, whether or not roasted or decaffeinated",
    "090111": "Coffee, not roasted, not decaffeinated",
}

_LAMPUNG_REGENCIES = {
    "1801": ("Lampung Barat", Regency.Kind.REGENCY),
    "1802": ("Tanggamus", Regency.Kind.REGENCY),
    "1804": ("Lampung Timur", Regency.Kind.REGENCY),
    "1806": ("Lampung Utara", Regency.Kind.REGENCY),
    "1807": ("Way Kanan", Regency.Kind.REGENCY),
    "1871": ("Kota Bandar Lampung", Regency.Kind.CITY),
}


def regency(code: str = "1801") -> Regency:
    """The regency `code` (Lampung Barat by default), created with its province if absent."""
    found = Regency.objects.filter(code=code).first()
    if found is not None:
        return found
    province, _ = Province.objects.get_or_create(
        code=code[:2], defaults={"name": "Lampung" if code[:2] == "18" else code[:2]}
    )
    name, kind = _LAMPUNG_REGENCIES.get(code, (f"Regency {code}", Regency.Kind.REGENCY))
    return Regency.objects.create(code=code, province=province, name=name, kind=kind)


def hs_code(code: str = "090111") -> HSCode:
    """The HS code `code` (green coffee by default), created with its parents if absent."""
    found = HSCode.objects.filter(code=code).first()
    if found is not None:
        return found
    parent = hs_code(code[:-2]) if len(code) > 2 else None
    description = _HS_PLACEHOLDERS.get(code, f"HS {code}")
    return HSCode.objects.create(
        code=code,
        level=len(code),
        parent=parent,
        section="II",
        description=description,
        search_text=f"{code} {description.lower()}",
    )


def country(alpha2: str = "MY") -> Country:
    """The country `alpha2` (Malaysia by default), created if the reference data is absent."""
    found = Country.objects.filter(alpha2=alpha2).first()
    if found is not None:
        return found
    names = {"MY": ("MYS", "458", "Malaysia"), "SG": ("SGP", "702", "Singapore")}
    alpha3, numeric, name = names.get(alpha2, (alpha2 + "X", "999", alpha2))
    return Country.objects.create(
        alpha2=alpha2, alpha3=alpha3, numeric=numeric, name=name
    )


class MSMEFactory(DjangoModelFactory[MSME]):
    """A draft micro business in Lampung Barat with its own organisation (kind msme)."""

    class Meta:
        model = MSME

    class Params:
        verified = Trait(  # type: ignore[no-untyped-call]
            verification=Verification.VERIFIED,
            verified_at=LazyFunction(timezone.now),  # type: ignore[no-untyped-call]
        )
        submitted = Trait(  # type: ignore[no-untyped-call]
            verification=Verification.SUBMITTED,
            submitted_at=LazyFunction(timezone.now),  # type: ignore[no-untyped-call]
        )

    organisation = SubFactory(OrganisationFactory, kind="msme")  # type: ignore[no-untyped-call]
    name = Sequence(lambda n: f"CV Kopi Lestari {n}")  # type: ignore[no-untyped-call]
    brand_name = Sequence(lambda n: f"Lestari {n}")  # type: ignore[no-untyped-call]
    nib = Sequence(lambda n: f"{9120000000000 + n:013d}")  # type: ignore[no-untyped-call]
    regency = LazyFunction(regency)  # type: ignore[no-untyped-call]
    address = "Jl. Raya Liwa No. 1"
    owner_name = "Siti Rahmawati"
    phone = Sequence(lambda n: f"+62812{10000000 + n:08d}")  # type: ignore[no-untyped-call]
    established_year = 2015
    employees = 4
    annual_turnover_idr = Decimal("600000000")
    assets_idr = Decimal("250000000")
    size_class = SizeClass.MICRO
    languages = LazyFunction(lambda: ["id"])  # type: ignore[no-untyped-call]
    verification = Verification.DRAFT


class ProductFactory(DjangoModelFactory[Product]):
    """An active green-coffee product (HS 090111) of a fresh MSME."""

    class Meta:
        model = Product

    msme = SubFactory(MSMEFactory)  # type: ignore[no-untyped-call]
    name_id = Sequence(lambda n: f"Kopi robusta Lampung {n}")  # type: ignore[no-untyped-call]
    name_en = Sequence(lambda n: f"Lampung robusta coffee {n}")  # type: ignore[no-untyped-call]
    name_ms = ""
    description_id = "Biji kopi robusta petik merah dari Lampung Barat."
    hs_code = LazyFunction(hs_code)  # type: ignore[no-untyped-call]
    monthly_capacity_kg = Decimal("2000")
    unit_net_weight_kg = Decimal("1.000")
    fob_price_usd_per_kg = Decimal("4.20")
    moq_kg = Decimal("500")
    lead_time_days = 14
    shelf_life_days = 365
    halal_claim = False
    processed = False
    label_languages = LazyFunction(lambda: ["id", "en"])  # type: ignore[no-untyped-call]
    is_active = True

    @classmethod
    def _create(cls, model_class: type[Product], *args: Any, **kwargs: Any) -> Product:
        product: Product = super()._create(model_class, *args, **kwargs)
        if not product.search_text:
            from serumpun.exporters.actions import product_search_text

            product.search_text = product_search_text(product)
            Product.objects.filter(pk=product.pk).update(
                search_text=product.search_text
            )
        # Factories bypass the actions, which keep the catalogue's facet tokens current.
        from serumpun.exporters.search import refresh_catalogue_tokens

        refresh_catalogue_tokens([product.pk])
        product.refresh_from_db(fields=["catalogue_tokens"])
        return product


class CertificateFactory(DjangoModelFactory[Certificate]):
    """A halal certificate valid for a year, awaiting verification."""

    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    msme = SubFactory(MSMEFactory)  # type: ignore[no-untyped-call]
    kind = CertificateKind.HALAL
    number = Sequence(lambda n: f"ID18110000{n:06d}")  # type: ignore[no-untyped-call]
    issuer = "BPJPH"
    issued_on = LazyFunction(  # type: ignore[no-untyped-call]
        lambda: timezone.localdate() - dt.timedelta(days=30)
    )
    valid_until = LazyFunction(  # type: ignore[no-untyped-call]
        lambda: timezone.localdate() + dt.timedelta(days=365)
    )
    verification = Verification.SUBMITTED

    @post_generation  # type: ignore[misc]
    def products(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        if extracted:
            self.products.set(extracted)
        from serumpun.exporters.search import refresh_catalogue_tokens

        refresh_catalogue_tokens(msme_ids=[self.msme_id])


class ExportRecordFactory(DjangoModelFactory[ExportRecord]):
    """Exports to Malaysia last year."""

    class Meta:
        model = ExportRecord

    msme = SubFactory(MSMEFactory)  # type: ignore[no-untyped-call]
    country = LazyFunction(country)  # type: ignore[no-untyped-call]
    year = LazyFunction(lambda: timezone.localdate().year - 1)  # type: ignore[no-untyped-call]
    value_usd = Decimal("12500.00")
