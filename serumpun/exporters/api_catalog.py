"""GET /api/v1/catalog/products: verified suppliers' products, for buyers (issue 3 §7).

Roles holding `catalog.view` (buyer, officer, trade attaché, admin) may browse; others get
403. Only active products of verified MSMEs are listed. Words and filters are answered by one
full-text lookup (search.search_catalogue); the query count is constant whatever the page
size (pinned in tests/test_catalog_api.py).
"""

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from serumpun.accounts.roles import require_permission
from serumpun.core.pagination import LimitOffset
from serumpun.exporters.config import expiring_days
from serumpun.exporters.models import CertificateKind, Product
from serumpun.exporters.rules.certificates import status as certificate_status
from serumpun.exporters.search import (
    CatalogueResults,
    certificates_covering_rows,
    request_language,
    search_catalogue,
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
            "(or the whole MSME). An expired certificate counts as absent from the daily "
            "refresh after its last valid day (00:05 Asia/Jakarta)."
        ),
    )
    min_capacity_kg: Decimal | None = Field(
        None, ge=0, le=MAX_CAPACITY_KG, description="Minimum monthly capacity (kg)."
    )


class CatalogSupplierOut(BaseModel):
    """The MSME behind a catalogue product (always verified)."""

    id: int
    name: str
    brand_name: str
    regency_code: str
    verified: bool = True


class CatalogCertificateOut(BaseModel):
    """A certificate valid today that covers the product."""

    kind: CertificateKind
    valid_until: dt.date
    status: str = Field(description="valid | expiring (renew within the window)")


class CatalogProductOut(BaseModel):
    """A product of a verified supplier, named in the requester's language.

    The output models are plain pydantic models validated from the dicts catalogue_items
    builds: a ninja Schema wraps every nested value in its ORM attribute getter, which made
    validating a page of 20 items eight times slower.
    """

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
    msme: CatalogSupplierOut
    monthly_capacity_kg: float
    fob_price_usd_per_kg: float | None
    moq_kg: float | None
    certificates: list[CatalogCertificateOut]
    halal_claim: bool


@router.get(
    "/products",
    response=list[CatalogProductOut],
    summary="Catalogue of verified suppliers' products",
)
@paginate(LimitOffset)
def list_catalog_products(
    request: HttpRequest, filters: Query[CatalogFilters]
) -> CatalogueResults:
    """Active products of verified MSMEs matching every filter, newest first."""
    require_permission(request.user, "catalog.view")
    language = request_language(request)
    today = timezone.localdate()
    return search_catalogue(
        q=filters.q,
        hs=filters.hs,
        regency_code=filters.regency_code,
        certificate=filters.certificate or "",
        min_capacity_kg=filters.min_capacity_kg,
        load=partial(catalogue_items, language=language, as_of=today),
    )


def catalogue_items(
    page: QuerySet[Product], *, language: str, as_of: dt.date
) -> list[dict[str, Any]]:
    """A page of catalogue products as the response items, from plain values.

    Three queries (the products with their MSME, the MSMEs' valid certificates, those
    certificates' products); no model instances, as this is the catalogue's hot path.
    """
    rows = list(page.values(*LISTED_FIELDS))
    certificates = certificates_covering_rows(
        ((row["id"], row["msme__id"]) for row in rows), as_of
    )
    window = expiring_days()
    return [
        {
            "id": row["id"],
            "name": row.get(f"name_{language}") or row["name_id"],
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "name_ms": row["name_ms"],
            "hs_code": row["hs_code_id"],
            "msme": {
                "id": row["msme__id"],
                "name": row["msme__name"],
                "brand_name": row["msme__brand_name"],
                "regency_code": row["msme__regency_id"],
                "verified": True,  # only verified MSMEs' products are listed
            },
            "monthly_capacity_kg": row["monthly_capacity_kg"],
            "fob_price_usd_per_kg": row["fob_price_usd_per_kg"],
            "moq_kg": row["moq_kg"],
            "certificates": [
                {
                    "kind": kind,
                    "valid_until": valid_until,
                    "status": certificate_status(valid_until, as_of, window),
                }
                for kind, valid_until in certificates[row["id"]]
            ],
            "halal_claim": row["halal_claim"],
        }
        for row in rows
    ]
