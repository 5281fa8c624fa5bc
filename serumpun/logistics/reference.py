"""The rate book's seeded indicative rates, loaded with `manage.py load_reference`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from serumpun.core.models import Confidence
from serumpun.core.reference import Dataset, register_dataset
from serumpun.logistics.models import Rate
from serumpun.logistics.network import DATA_DIR

RATES_FILE = DATA_DIR / "rates-reference.yaml"


def reference_rate_rows() -> list[dict[str, Any]]:
    """data/logistics/rates-reference.yaml's rows."""
    with RATES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    rows: list[dict[str, Any]] = data["rates"]
    return rows


def load_reference_rates(using: str = "default") -> int:
    """Create or update every seeded rate (matched on its key); other rates are untouched."""
    rows = reference_rate_rows()
    for row in rows:
        minimum = row.get("minimum")
        Rate.objects.using(using).update_or_create(
            reference_key=row["key"],
            defaults={
                "mode": row["mode"],
                "basis": row["basis"],
                "origin_locode": row.get("origin", ""),
                "destination_locode": row.get("destination", ""),
                "via_locode": row.get("via", ""),
                "container_code": row.get("container", ""),
                "cargo_kind": row.get("cargo_kind", ""),
                "applies_to": row.get("applies_to", ""),
                "charge": row.get("charge", "freight"),
                "amount": Decimal(str(row["amount"])),
                "minimum": None if minimum is None else Decimal(str(minimum)),
                "currency": row["currency"],
                "valid_from": row["valid_from"],
                "valid_to": row.get("valid_to"),
                "source_title": row["source"]["title"],
                "source_date": row["source"]["date"],
                "confidence": row.get("confidence", Confidence.LOW),
            },
        )
    return len(rows)


register_dataset(
    Dataset(
        "logistics_rates",
        (RATES_FILE,),
        load_reference_rates,
        "data/logistics/rates-reference.yaml (research/logistics.md §2.5, low confidence)",
    )
)
