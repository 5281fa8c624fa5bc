"""MSME size class per PP 7/2021 Pasal 35: micro, small, medium or large.

The thresholds and which criterion wins come from data/exporters/size-classes.yaml (loaded by
serumpun.exporters.config); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

CLASSES_ASCENDING = ("micro", "small", "medium")
LARGE = "large"
UNKNOWN = ""


@dataclass(frozen=True)
class SizeThresholds:
    """Inclusive upper bounds per class for each criterion, and the order criteria apply in."""

    assets_idr_max: Mapping[str, Decimal]
    turnover_idr_max: Mapping[str, Decimal]
    precedence: Sequence[str] = ("turnover", "assets")


def _class_for(value: Decimal, bounds: Mapping[str, Decimal]) -> str:
    for size in CLASSES_ASCENDING:
        if value <= bounds[size]:
            return size
    return LARGE


def classify(
    assets_idr: Decimal | int | None,
    turnover_idr: Decimal | int | None,
    thresholds: SizeThresholds,
) -> str:
    """The size class by the first known criterion in `thresholds.precedence`; "" if none."""
    known = {"assets": assets_idr, "turnover": turnover_idr}
    bounds = {
        "assets": thresholds.assets_idr_max,
        "turnover": thresholds.turnover_idr_max,
    }
    for criterion in thresholds.precedence:
        value = known[criterion]
        if value is not None:
            if value < 0:
                raise ValueError(f"{criterion} must not be negative")
            return _class_for(Decimal(value), bounds[criterion])
    return UNKNOWN
