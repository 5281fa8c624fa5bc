"""Test data for quotes, shipments and plans: reference rows and a small rate book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from serumpun.core import reference
from serumpun.logistics.models import Rate

AS_OF = dt.date(2026, 12, 7)
SOURCE_DATE = dt.date(2026, 11, 1)


def load_network_reference() -> None:
    """Countries, ports and Lampung's regencies (with road km to Panjang)."""
    reference.load_countries()
    reference.load_ports()
    reference.load_provinces()
    reference.load_regencies()


def make_rate(**fields: Any) -> Rate:
    """A rate valid from 2026-01-01, low confidence, with a dated source."""
    values: dict[str, Any] = {
        "basis": "per_km",
        "amount": Decimal(1),
        "currency": "USD",
        "valid_from": dt.date(2026, 1, 1),
        "source_title": "Test forwarder quote",
        "source_date": SOURCE_DATE,
        "confidence": "low",
    }
    values.update(fields)
    return Rate.objects.create(**values)


def standard_rates() -> dict[str, Rate]:
    """Trucking, ferry, Panjang LCL via Singapore, Priok LCL/FCL and two air lanes."""
    return {
        "truck_km": make_rate(mode="road", basis="per_km", amount=Decimal("1.20")),
        "parcel_kg": make_rate(
            mode="road", basis="per_kg", amount=Decimal("0.30"), minimum=Decimal(15)
        ),
        "ferry": make_rate(
            mode="ferry",
            basis="per_trip",
            origin_locode="IDBK2",
            destination_locode="IDMRK",
            amount=Decimal(60),
        ),
        "lcl_pjg": make_rate(
            mode="sea_lcl",
            basis="per_rt",
            origin_locode="IDPJG",
            destination_locode="MYPKG",
            via_locode="SGSIN",
            amount=Decimal(60),
            minimum=Decimal(60),
        ),
        "lcl_jkt": make_rate(
            mode="sea_lcl",
            basis="per_rt",
            origin_locode="IDJKT",
            destination_locode="MYPKG",
            amount=Decimal(50),
            minimum=Decimal(100),
        ),
        "fcl20_pjg": make_rate(
            mode="sea_fcl",
            basis="per_container",
            container_code="20GP",
            origin_locode="IDPJG",
            destination_locode="MYPKG",
            via_locode="SGSIN",
            amount=Decimal(450),
        ),
        "docs_pjg": make_rate(
            mode="local",
            basis="per_shipment",
            origin_locode="IDPJG",
            applies_to="sea_lcl",
            charge="documents",
            amount=Decimal(40),
        ),
        "air_tkg": make_rate(
            mode="air",
            basis="per_kg",
            origin_locode="IDTKG",
            destination_locode="MYKUL",
            amount=Decimal("4.00"),
            minimum=Decimal(180),
            sailings_per_week=Decimal(2),
        ),
        "air_cgk": make_rate(
            mode="air",
            basis="per_kg",
            origin_locode="IDCGK",
            destination_locode="MYKUL",
            amount=Decimal("5.50"),
            minimum=Decimal("247.50"),
        ),
    }
