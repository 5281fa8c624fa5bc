"""GET /api/v1/catalog/products: verified suppliers' products, for buyers (issue 3 §7).

Roles holding `catalog.view` (buyer, officer, trade attaché, admin) may browse; others get
403. Only Product.objects.in_catalogue() (active products of verified MSMEs) is listed. The
query count is constant whatever the page size (pinned in tests/test_catalog_api.py).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from serumpun.accounts.roles import require_permission
from serumpun.core.pagination import LimitOffset
from serumpun.exporters.config import expiring_days
from serumpun.exporters.models import CertificateKind, Product
from serumpun.exporters.rules.certificates import status as certificate_status
from serumpun.exporters.search import (
    certificates_covering,
    filter_catalogue,
    request_language,
    valid_certificates_prefetch,
)

router = Router(tags=["exporters"])

#: longest search text accepted; longer queries are a client error (422)
MAX_QUERY_LENGTH = 100
#: above any real monthly capacity; bounds the number so it fits the column (422 beyond)
MAX_CAPACITY_KG = Decimal("9999999999")


#: the columns an item needs (descriptions and search text stay in the database)
LISTED_FIELDS = (
    "id",
    "name_id",
    "name_en",
    "name_ms",
    "hs_code_id",
    "monthly_capacity_kg",
    "fob_price_usd_per_kg",
    "moq_kg",
    "halal_claim",
    "msme__id",
    "msme__name",
    "msme__brand_name",
    "msme__regency_id",
)


class CatalogFilters(Schema):
    """Filters of GET /catalog/products; every one optional, all must hold."""

    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Words in Indonesian, English or Malay (the last may be unfinished).",
    )
    hs: str = Field(
        "",
        pattern=r"^(\d{2}|\d{4}|\d{6})?$",
        description="HS code prefix: chapter (2), heading (4) or subheading (6 digits).",
    )
    regency_code: str = Field(
        "", pattern=r"^(\d{4})?$", description="Four-digit regency code, e.g. 1801."
    )
    certificate: CertificateKind | None = Field(
        None,
        description=(
            "A certificate kind the supplier holds, valid today, covering the product "
            "(or the whole MSME). An expired certificate counts as absent."
        ),
    )
    min_capacity_kg: Decimal | None = Field(
        None, ge=0, le=MAX_CAPACITY_KG, description="Minimum monthly capacity (kg)."
    )


class SupplierOut(Schema):
    """The MSME behind a catalogue product (always verified)."""

    id: int
    name: str
    brand_name: str
    regency_code: str
    verified: bool = True


class CertificateOut(Schema):
    """A certificate valid today that covers the product."""

    kind: CertificateKind
    valid_until: dt.date
    status: str = Field(description="valid | expiring (renew within the window)")


class CatalogProductOut(Schema):
    """A product of a verified supplier, named in the requester's language."""

    id: int
    name: str = Field(
        description=(
            "In the requester's language: Accept-Language, else the user's preferred "
            "language; Indonesian when there is no translation."
        )
    )
    name_id: str
    name_en: str
    name_ms: str
    hs_code: str
    msme: SupplierOut
    monthly_capacity_kg: float
    fob_price_usd_per_kg: float | None
    moq_kg: float | None
    certificates: list[CertificateOut]
    halal_claim: bool

    @staticmethod
    def resolve_name(obj: Product, context: dict[str, Any]) -> str:
        return obj.name_in(request_language(context["request"]))

    @staticmethod
    def resolve_hs_code(obj: Product) -> str:
        return str(obj.hs_code_id)

    @staticmethod
    def resolve_msme(obj: Product) -> dict[str, Any]:
        msme = obj.msme
        return {
            "id": msme.pk,
            "name": msme.name,
            "brand_name": msme.brand_name,
            "regency_code": msme.regency_id,
            "verified": True,  # in_catalogue() lists verified MSMEs only
        }

    @staticmethod
    def resolve_certificates(obj: Product) -> list[dict[str, Any]]:
        today = timezone.localdate()
        window = expiring_days()
        return [
            {
                "kind": cert.kind,
                "valid_until": cert.valid_until,
                "status": certificate_status(cert.valid_until, today, window),
            }
            for cert in certificates_covering(obj)
        ]


@router.get(
    "/products",
    response=list[CatalogProductOut],
    summary="Catalogue of verified suppliers' products",
)
@paginate(LimitOffset)
def list_catalog_products(
    request: HttpRequest, filters: Query[CatalogFilters]
) -> QuerySet[Product]:
    """Active products of verified MSMEs matching every filter, newest first."""
    require_permission(request.user, "catalog.view")
    today = timezone.localdate()
    products = filter_catalogue(
        Product.objects.in_catalogue(),
        q=filters.q,
        hs=filters.hs,
        regency_code=filters.regency_code,
        certificate=filters.certificate or "",
        min_capacity_kg=filters.min_capacity_kg,
        as_of=today,
    )
    return (
        products.order_by("-id")
        .select_related("msme")
        .only(*LISTED_FIELDS)
        .prefetch_related(valid_certificates_prefetch(today))
    )
