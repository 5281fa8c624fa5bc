"""Test data for matching: an assessed, certified, verified supplier in one call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from serumpun.exporters.models import Product
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
)
from serumpun.readiness.models import Assessment

GATES_OK = [
    {"key": "nib", "passed": True},
    {"key": "importer_permit", "passed": False, "requirement_id": "MY-COFFEE-PERMIT"},
]


def assess(
    product: Product,
    *,
    score: float = 80.0,
    gates: list[dict[str, Any]] | None = None,
    as_of: dt.date = dt.date(2026, 12, 1),
) -> Assessment:
    """The latest Malaysian assessment of `product` (the importer gate left to the buyer)."""
    return Assessment.objects.create(
        product=product,
        msme=product.msme,
        market="MY",
        score=Decimal(str(score)),
        level="ready",
        gates=GATES_OK if gates is None else gates,
        as_of=as_of,
        config_version="test",
        book_version="test",
    )


def supplier(
    *,
    capacity: str = "6000",
    halal_until: dt.date | None = dt.date(2027, 12, 31),
    score: float = 80.0,
    assessed: bool = True,
    verified: bool = True,
    **product_fields: Any,
) -> Product:
    """A product of a fresh MSME, with a business-wide halal certificate and an assessment."""
    msme = MSMEFactory(verified=verified)
    product = ProductFactory(
        msme=msme, monthly_capacity_kg=Decimal(capacity), **product_fields
    )
    if halal_until is not None:
        CertificateFactory(msme=msme, kind="halal", valid_until=halal_until)
    if assessed:
        assess(product, score=score)
    return product
