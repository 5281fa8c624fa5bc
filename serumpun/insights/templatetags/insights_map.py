"""{% regency_map values %}: the schematic Lampung map by regency (see rules/regency_map.py).

The tiles (data/insights/lampung-hex-tiles.csv) and the regency names
(data/wilayah/lampung-capitals.csv) are read once per process, so a map costs no query.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings

from serumpun.insights.rules.regency_map import Tile, build_map

register = template.Library()

TILES_FILE = Path("insights") / "lampung-hex-tiles.csv"
NAMES_FILE = Path("wilayah") / "lampung-capitals.csv"


@functools.cache
def lampung_tiles(data_dir: Path) -> tuple[Tile, ...]:
    """The hexagon of each of Lampung's 15 regencies and cities."""
    with (data_dir / TILES_FILE).open(encoding="utf-8", newline="") as handle:
        return tuple(
            Tile(
                row["regency_code"], row["short_name"], int(row["col"]), int(row["row"])
            )
            for row in csv.DictReader(handle)
        )


@functools.cache
def lampung_names(data_dir: Path) -> dict[str, str]:
    """Regency names by BPS code, as core.Regency stores them ("Kota Metro")."""
    with (data_dir / NAMES_FILE).open(encoding="utf-8", newline="") as handle:
        return {
            row["regency_code"]: row["regency_name"] for row in csv.DictReader(handle)
        }


@register.inclusion_tag("insights/partials/regency_map.html")
def regency_map(
    values: Mapping[str, Any] | None,
    title: str = "",
    unit: str = "",
    link_pattern: str | None = None,
    table_open: bool = False,
) -> dict[str, Any]:
    """Render `values` ({regency code: figure}) as the shaded map, its legend and table.

    `link_pattern` (e.g. "/exporters/officer/msmes/?regency={code}") links each regency
    and table row to the records behind its figure.
    """
    data_dir = Path(settings.DATA_DIR)
    drawing = build_map(
        values or {}, lampung_tiles(data_dir), lampung_names(data_dir), link_pattern
    )
    return {
        "map": drawing,
        "title": title,
        "unit": unit,
        "table_open": table_open,
    }
