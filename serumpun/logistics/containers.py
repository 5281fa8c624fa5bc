"""Container types for pooling, from data/logistics/containers.yaml (usable volume, payload).

Usable volume is the internal volume times the stowage factor kept in the same file; the
engine in `rules/consolidation.py` only ever sees the usable figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from serumpun.logistics.rules.consolidation import ContainerSpec

DATA_FILE = (
    Path(__file__).resolve().parents[2] / "data" / "logistics" / "containers.yaml"
)


@dataclass(frozen=True)
class ContainerType:
    """One container type as the data file describes it, with its source."""

    code: str
    name: MappingProxyType[str, str]
    internal_volume_m3: float
    payload_kg: float
    reefer: bool
    teu: int
    confidence: str
    source_title: str
    source_url: str
    usable_volume_m3: float


@cache
def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def stowage_factor() -> float:
    """Share of a box's internal volume that cartons really fill."""
    return float(_load()["stowage_factor"])


def max_window_weeks() -> int:
    """How many weekly sailings after its ready week a shipment may wait for a pool."""
    return int(_load()["planning"]["max_window_weeks"])


@cache
def container_types() -> MappingProxyType[str, ContainerType]:
    """Every container type by code."""
    factor = stowage_factor()
    types: dict[str, ContainerType] = {}
    for row in _load()["types"]:
        types[row["code"]] = ContainerType(
            code=row["code"],
            name=MappingProxyType(dict(row["name"])),
            internal_volume_m3=float(row["internal_volume_m3"]),
            payload_kg=float(row["payload_kg"]),
            reefer=bool(row["reefer"]),
            teu=int(row["teu"]),
            confidence=str(row["confidence"]),
            source_title=str(row["source"]["title"]),
            source_url=str(row["source"].get("url", "")),
            usable_volume_m3=round(float(row["internal_volume_m3"]) * factor, 3),
        )
    return MappingProxyType(types)


def container_specs(
    codes: list[str] | tuple[str, ...] | None = None,
) -> list[ContainerSpec]:
    """The engine's view of the types (all, or the given codes); unknown codes → KeyError."""
    types = container_types()
    chosen = list(types) if codes is None else list(dict.fromkeys(codes))
    return [
        ContainerSpec(
            code=types[code].code,
            usable_volume_m3=types[code].usable_volume_m3,
            payload_kg=types[code].payload_kg,
            reefer=types[code].reefer,
        )
        for code in chosen
    ]
