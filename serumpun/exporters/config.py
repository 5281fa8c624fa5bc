"""Exporters settings read from data/exporters/*.yaml (cached; the files carry their sources)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from serumpun.exporters.rules.size_class import CLASSES_ASCENDING, SizeThresholds


def _data_dir() -> Path:
    return Path(settings.DATA_DIR) / "exporters"


def _load(name: str) -> dict[str, Any]:
    with (_data_dir() / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"data/exporters/{name} must hold a mapping")
    return data


@functools.cache
def size_thresholds() -> SizeThresholds:
    """PP 7/2021 size thresholds (data/exporters/size-classes.yaml)."""
    data = _load("size-classes.yaml")

    def bounds(key: str) -> dict[str, Decimal]:
        return {size: Decimal(str(data[key][size])) for size in CLASSES_ASCENDING}

    return SizeThresholds(
        assets_idr_max=bounds("assets_idr_max"),
        turnover_idr_max=bounds("turnover_idr_max"),
        precedence=tuple(data.get("precedence", ("turnover", "assets"))),
    )


@functools.cache
def expiring_days() -> int:
    """Days before expiry a certificate counts as "expiring" (certificates.yaml)."""
    return int(_load("certificates.yaml")["expiring_days"])
