"""The Exporters section of API.md: MSME profiles, products, certificates and verification.

Mounted at the API root, so paths are spelled out (/msmes, /certificates). GET
/catalog/products lives in api_catalog.py. Every change goes through exporters.actions; records
are looked up with visible_to(user), so another organisation's MSME answers 404. Action errors
map to HTTP: ValidationError → 422 naming the field, ConflictError → 409, PermissionDenied →
403. Input fields are bounded so random input is a 422, never a 500.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action as _call
from serumpun.core.pagination import LimitOffset
from serumpun.exporters import actions, config
from serumpun.exporters.models import (
    MSME,
    Certificate,
    CertificateKind,
    Product,
    RecordSource,
    SizeClass,
    Verification,
)
from serumpun.exporters.rules import certificates as certificate_rules

router = Router(tags=["exporters"])

T = TypeVar("T")

#: primary keys are 64-bit; larger path ids would overflow the database driver
MAX_ID = 2**63 - 1
MAX_QUERY_LENGTH = 100
#: bounds that keep numbers inside their DecimalField columns (max_digits)
MAX_IDR = 10**17  # max_digits=18, no decimals
MAX_KG = Decimal("9999999999.99")  # max_digits=12, 2 decimals
MAX_UNIT_KG = Decimal("9999999.999")  # max_digits=10, 3 decimals
MAX_CARTON_CM = Decimal("999999.9")  # max_digits=7, 1 decimal
MAX_CARTON_KG = Decimal("999999.99")  # max_digits=8, 2 decimals
MAX_PRICE_USD = Decimal("99999999.99")  # max_digits=10, 2 decimals
MAX_COUNT = 2**31 - 1
MAX_DAYS = 100_000

Decision = Literal["verified", "rejected"]
LabelLanguage = Literal["id", "en", "ms"]

#: action field names → the API's names, for the `loc` of 422 answers
MSME_API_NAMES = {"regency": "regency_code", "regency_id": "regency_code"}
PRODUCT_API_NAMES = {
    "name_id": "name",
    "description_id": "description",
    "hs_code_id": "hs_code",
}


# --- Schemas: MSME ------------------------------------------------------------------------------


class MSMEFields(Schema):
    """Profile fields shared by create and update (all bounded)."""

    brand_name: str = Field("", max_length=200)
    npwp: str = Field(
        "", max_length=25, description="15 or 16 digits; dots and dashes allowed."
    )
    address: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    email: str = Field("", max_length=254)
    established_year: int | None = Field(None, ge=1900, le=2100)
    employees: int | None = Field(None, ge=0, le=MAX_COUNT)
    annual_turnover_idr: int | None = Field(
        None, ge=0, le=MAX_IDR, description="Annual sales (hasil penjualan tahunan)."
    )
    assets_idr: int | None = Field(
        None,
        ge=0,
        le=MAX_IDR,
        description="Business capital excluding land and buildings (modal usaha).",
    )
    kbli_code: str = Field("", pattern=r"^(\d{5})?$", description="KBLI 2020 code.")
    languages: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="ISO 639-1 codes of languages spoken, e.g. ['id', 'en'].",
    )


class MSMEIn(MSMEFields):
    """Body of POST /msmes."""

    name: str = Field(..., min_length=1, max_length=200, description="Legal name.")
    nib: str = Field(
        ..., max_length=32, description="NIB: 13 digits (spaces and dashes allowed)."
    )
    regency_code: str = Field(
        ..., max_length=8, description="Four-digit regency code, e.g. 1801."
    )
    owner_name: str = Field(..., min_length=1, max_length=150)
    phone: str = Field(
        ...,
        max_length=40,
        description="E.164 or an Indonesian form: 0812…, +62 812…, 62812….",
    )


class MSMEPatch(Schema):
    """Body of PATCH /msmes/{id}: any subset of the profile fields."""

    name: str | None = Field(None, min_length=1, max_length=200)
    brand_name: str | None = Field(None, max_length=200)
    nib: str | None = Field(None, max_length=32)
    npwp: str | None = Field(None, max_length=25)
    regency_code: str | None = Field(None, max_length=8)
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    owner_name: str | None = Field(None, min_length=1, max_length=150)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    established_year: int | None = Field(None, ge=1900, le=2100)
    employees: int | None = Field(None, ge=0, le=MAX_COUNT)
    annual_turnover_idr: int | None = Field(None, ge=0, le=MAX_IDR)
    assets_idr: int | None = Field(None, ge=0, le=MAX_IDR)
    kbli_code: str | None = Field(None, pattern=r"^(\d{5})?$")
    languages: list[str] | None = Field(None, max_length=20)


#: PATCH fields that may be set to null (the rest keep their value when null is sent)
MSME_NULLABLE = frozenset(
    {
        "lat",
        "lon",
        "established_year",
        "employees",
        "annual_turnover_idr",
        "assets_idr",
    }
)


class MSMEOut(Schema):
    """An MSME profile."""

    id: int
    name: str
    brand_name: str
    nib: str
    npwp: str
    regency_code: str
    regency_name: str
    address: str
    lat: float | None
    lon: float | None
    owner_name: str
    phone: str = Field(description="E.164.")
    email: str
    established_year: int | None
    employees: int | None
    annual_turnover_idr: int | None
    assets_idr: int | None
    size_class: SizeClass | Literal[""] = Field(
        description="PP 7/2021 class; empty when neither turnover nor assets is known."
    )
    kbli_code: str
    languages: list[str]
    verification: Verification
    verification_reason: str
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    source: RecordSource
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_regency_code(obj: MSME) -> str:
        return str(obj.regency_id)

    @staticmethod
    def resolve_regency_name(obj: MSME) -> str:
        return obj.regency.name

    @staticmethod
    def resolve_annual_turnover_idr(obj: MSME) -> int | None:
        value = obj.annual_turnover_idr
        return None if value is None else int(value)

    @staticmethod
    def resolve_assets_idr(obj: MSME) -> int | None:
        return None if obj.assets_idr is None else int(obj.assets_idr)


class MSMEFilters(Schema):
    """Filters of GET /msmes."""

    regency_code: str = Field("", pattern=r"^(\d{4})?$")
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Part of the legal or brand name, or the start of the NIB.",
    )
    verification: Verification | None = None
    size_class: SizeClass | None = None


def _msme_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "regency_code" in data:
        data["regency_id"] = data.pop("regency_code")
    return data


# --- Schemas: products ------------------------------------------------------------------------


class PackagingFields(Schema):
    """Transport packaging (the logistics pillar sizes shipments from these)."""

    carton_length_cm: Decimal | None = Field(
        None, ge=0, le=MAX_CARTON_CM, decimal_places=1
    )
    carton_width_cm: Decimal | None = Field(
        None, ge=0, le=MAX_CARTON_CM, decimal_places=1
    )
    carton_height_cm: Decimal | None = Field(
        None, ge=0, le=MAX_CARTON_CM, decimal_places=1
    )
    carton_gross_weight_kg: Decimal | None = Field(
        None, ge=0, le=MAX_CARTON_KG, decimal_places=2
    )
    units_per_carton: int | None = Field(None, ge=1, le=MAX_COUNT)


class PackagingOut(Schema):
    carton_length_cm: float | None
    carton_width_cm: float | None
    carton_height_cm: float | None
    carton_gross_weight_kg: float | None
    units_per_carton: int | None


class ProductIn(Schema):
    """Body of POST /msmes/{id}/products."""

    name: str = Field(..., min_length=1, max_length=200, description="Indonesian name.")
    name_en: str = Field("", max_length=200)
    name_ms: str = Field("", max_length=200)
    description: str = Field("", max_length=5000, description="Indonesian.")
    description_en: str = Field("", max_length=5000)
    description_ms: str = Field("", max_length=5000)
    hs_code: str = Field(
        ...,
        max_length=10,
        description="HS 2022 subheading, 6 digits (0901.11 or 090111).",
    )
    monthly_capacity_kg: Decimal = Field(..., ge=0, le=MAX_KG, decimal_places=2)
    unit_net_weight_kg: Decimal | None = Field(
        None, ge=0, le=MAX_UNIT_KG, decimal_places=3
    )
    fob_price_usd_per_kg: Decimal | None = Field(
        None, ge=0, le=MAX_PRICE_USD, decimal_places=2
    )
    moq_kg: Decimal | None = Field(None, ge=0, le=MAX_KG, decimal_places=2)
    lead_time_days: int | None = Field(None, ge=0, le=MAX_DAYS)
    shelf_life_days: int | None = Field(None, ge=0, le=MAX_DAYS)
    ingredients: str = Field("", max_length=5000)
    allergens: str = Field("", max_length=300)
    halal_claim: bool = False
    processed: bool = False
    label_languages: list[LabelLanguage] = Field(default_factory=list, max_length=3)
    packaging: PackagingFields | None = None


class ProductOut(Schema):
    """A product of an MSME (active or withdrawn)."""

    id: int
    msme_id: int
    name: str
    name_en: str
    name_ms: str
    description: str
    description_en: str
    description_ms: str
    hs_code: str
    hs_description: str
    monthly_capacity_kg: float
    unit_net_weight_kg: float | None
    fob_price_usd_per_kg: float | None
    moq_kg: float | None
    lead_time_days: int | None
    shelf_life_days: int | None
    ingredients: str
    allergens: str
    halal_claim: bool
    processed: bool
    label_languages: list[str]
    packaging: PackagingOut
    is_active: bool

    @staticmethod
    def resolve_name(obj: Product) -> str:
        return obj.name_id

    @staticmethod
    def resolve_description(obj: Product) -> str:
        return obj.description_id

    @staticmethod
    def resolve_hs_code(obj: Product) -> str:
        return str(obj.hs_code_id)

    @staticmethod
    def resolve_hs_description(obj: Product) -> str:
        return obj.hs_code.description

    @staticmethod
    def resolve_packaging(obj: Product) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in PackagingOut.model_fields}


def _product_fields(payload: ProductIn) -> dict[str, Any]:
    data = payload.model_dump(exclude={"packaging"})
    data["name_id"] = data.pop("name")
    data["description_id"] = data.pop("description")
    if payload.packaging is not None:
        data.update(payload.packaging.model_dump(exclude_unset=True))
    return data


# --- Schemas: certificates --------------------------------------------------------------------


class CertificateIn(Schema):
    """Body of POST /msmes/{id}/certificates."""

    kind: CertificateKind
    number: str = Field(..., min_length=1, max_length=100)
    issuer: str = Field(..., min_length=1, max_length=200)
    issued_on: dt.date | None = None
    valid_until: dt.date
    product_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list,
        max_length=500,
        description="Products of this MSME the certificate covers (none: the whole MSME).",
    )


class CertificateOut(Schema):
    """A certificate with its status as of today (an expired one counts as absent)."""

    id: int
    msme_id: int
    kind: CertificateKind
    number: str
    issuer: str
    issued_on: dt.date | None
    valid_until: dt.date
    status: Literal["valid", "expiring", "expired"] = Field(
        description="As of today; expiring = fewer than 60 days left."
    )
    verification: Verification
    verification_reason: str
    verified_at: dt.datetime | None
    product_ids: list[int]
    has_document: bool

    @staticmethod
    def resolve_status(obj: Certificate) -> str:
        return certificate_rules.status(
            obj.valid_until, timezone.localdate(), config.expiring_days()
        )

    @staticmethod
    def resolve_product_ids(obj: Certificate) -> list[int]:
        return sorted(product.pk for product in obj.products.all())

    @staticmethod
    def resolve_has_document(obj: Certificate) -> bool:
        return bool(obj.document)


class DecisionIn(Schema):
    """Body of the verify endpoints; a rejection needs a reason the owner will read."""

    decision: Decision
    reason: str = Field("", max_length=2000)


IdPath = Path(..., ge=1, le=MAX_ID)


def _msme(request: HttpRequest, msme_id: int) -> MSME:
    return get_visible_or_404(
        MSME.objects.select_related("regency"), request.user, pk=msme_id
    )


# --- MSME endpoints ---------------------------------------------------------------------------


@router.post("/msmes", response={201: MSMEOut})
def create_msme(request: HttpRequest, payload: MSMEIn) -> tuple[int, MSME]:
    """Register an MSME: an owner their own business, an officer any (offline MSMEs)."""
    msme = _call(
        actions.create_msme,
        MSME_API_NAMES,
        by=request.user,
        fields=_msme_fields(payload.model_dump()),
        source=RecordSource.API,
    )
    return 201, msme


@router.get("/msmes", response=list[MSMEOut])
@paginate(LimitOffset)
def list_msmes(request: HttpRequest, filters: Query[MSMEFilters]) -> QuerySet[MSME]:
    """MSMEs the user may see: own organisation's; every one for officers and attachés."""
    rows = MSME.objects.visible_to(request.user).select_related("regency")
    if filters.regency_code:
        rows = rows.for_regency(filters.regency_code)
    if filters.verification:
        rows = rows.filter(verification=filters.verification)
    if filters.size_class:
        rows = rows.filter(size_class=filters.size_class)
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").replace("-", "")
        match = Q(name__icontains=q) | Q(brand_name__icontains=q)
        if compact.isdigit():
            match |= Q(nib__startswith=compact)
        rows = rows.filter(match)
    return rows.order_by("name", "id")


@router.get("/msmes/{msme_id}", response=MSMEOut)
def get_msme(request: HttpRequest, msme_id: int = IdPath) -> MSME:
    """One MSME profile."""
    return _msme(request, msme_id)


@router.patch("/msmes/{msme_id}", response=MSMEOut)
def update_msme(
    request: HttpRequest, payload: MSMEPatch, msme_id: int = IdPath
) -> MSME:
    """Change profile fields; editing a verified profile's identity sends it back to review."""
    msme = _msme(request, msme_id)
    sent = payload.model_dump(exclude_unset=True)
    fields = {
        name: value
        for name, value in sent.items()
        if value is not None or name in MSME_NULLABLE
    }
    return _call(
        actions.update_msme,
        MSME_API_NAMES,
        by=request.user,
        msme=msme,
        fields=_msme_fields(fields),
    )


@router.post("/msmes/{msme_id}/submit", response=MSMEOut)
def submit_msme(request: HttpRequest, msme_id: int = IdPath) -> MSME:
    """Ask an officer to verify the profile (draft or rejected → submitted)."""
    msme = _msme(request, msme_id)
    return _call(actions.submit_msme, by=request.user, msme=msme)


@router.post("/msmes/{msme_id}/verify", response=MSMEOut)
def verify_msme(
    request: HttpRequest, payload: DecisionIn, msme_id: int = IdPath
) -> MSME:
    """An officer verifies or rejects the profile; the owner is notified."""
    msme = _msme(request, msme_id)
    return _call(
        actions.verify_msme,
        by=request.user,
        msme=msme,
        decision=payload.decision,
        reason=payload.reason,
    )


# --- Products ---------------------------------------------------------------------------------


def _products(msme: MSME) -> QuerySet[Product]:
    return msme.products.select_related("hs_code").order_by("name_id", "id")


@router.post("/msmes/{msme_id}/products", response={201: ProductOut})
def add_product(
    request: HttpRequest, payload: ProductIn, msme_id: int = IdPath
) -> tuple[int, Product]:
    """Add a product with its HS 2022 code."""
    msme = _msme(request, msme_id)
    product = _call(
        actions.add_product,
        PRODUCT_API_NAMES,
        by=request.user,
        msme=msme,
        fields=_product_fields(payload),
    )
    return 201, product


@router.get("/msmes/{msme_id}/products", response=list[ProductOut])
@paginate(LimitOffset)
def list_products(request: HttpRequest, msme_id: int = IdPath) -> QuerySet[Product]:
    """The MSME's products, active and withdrawn."""
    return _products(_msme(request, msme_id))


# --- Certificates -----------------------------------------------------------------------------


@router.post("/msmes/{msme_id}/certificates", response={201: CertificateOut})
def record_certificate(
    request: HttpRequest, payload: CertificateIn, msme_id: int = IdPath
) -> tuple[int, Certificate]:
    """Record a certificate (it then awaits an officer's verification)."""
    msme = _msme(request, msme_id)
    certificate = _call(
        actions.record_certificate,
        by=request.user,
        msme=msme,
        fields=payload.model_dump(exclude={"product_ids"}),
        product_ids=payload.product_ids,
    )
    return 201, certificate


@router.get("/msmes/{msme_id}/certificates", response=list[CertificateOut])
@paginate(LimitOffset)
def list_certificates(
    request: HttpRequest, msme_id: int = IdPath
) -> QuerySet[Certificate]:
    """The MSME's certificates with their status as of today, soonest expiry first."""
    msme = _msme(request, msme_id)
    return msme.certificates.prefetch_related("products").order_by("valid_until", "id")


@router.post("/certificates/{certificate_id}/verify", response=CertificateOut)
def verify_certificate(
    request: HttpRequest, payload: DecisionIn, certificate_id: int = IdPath
) -> Certificate:
    """An officer verifies or rejects a certificate; the owner is notified."""
    certificate = get_visible_or_404(
        Certificate.objects.select_related("msme"), request.user, pk=certificate_id
    )
    return _call(
        actions.verify_certificate,
        by=request.user,
        certificate=certificate,
        decision=payload.decision,
        reason=payload.reason,
    )
