"""The Lampung regency map: a figure per regency drawn as one hexagon, shaded in five classes.

No public boundary data with an open licence could be installed (see
data/insights/README.md), so the map is schematic: each regency or city is one hexagon of
a grid, placed where its capital lies relative to the others (west to east within a row,
north to south between rows). It shows where figures are high or low, not where the
borders run, and says so under the map.

Everything here is pure: the tiles, names and values come in, a `RegencyMap` with SVG path
data, fills and legend goes out; `templatetags/insights_map.py` reads the data files and
renders it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CLASSES = 5

#: five sequential greens, lightest to darkest (ColorBrewer "BuGn", Cynthia Brewer,
#: Penn State; Apache-2.0), ending near the brand green so the map sits with the charts
PALETTE: tuple[str, ...] = ("#edf8fb", "#b2e2e2", "#66c2a4", "#2ca25f", "#006d2c")
NO_DATA_FILL = "#ffffff"
NO_DATA_STROKE = "#4c5653"  # --muted: the dashed outline of a regency without a figure
TILE_STROKE = "#ffffff"
DARK_TEXT = "#1c2321"  # --text
LIGHT_TEXT = "#ffffff"

#: the hexagon's circumradius in SVG user units; the drawing scales with its viewBox
RADIUS = 36.0
GAP = 1.5  # drawn hexagons are this much smaller than their cell, so borders show
MARGIN = 8.0
LEGEND_ROW = 18.0
LEGEND_COLUMNS = 2
SWATCH = 12.0
MAX_DECIMALS = 6
ROUNDING = 1e-6  # what float arithmetic leaves of 0.1 × 10

#: sRGB channel values up to this are linear (WCAG 2 relative luminance)
SRGB_LINEAR_LIMIT = 0.04045


@dataclass(frozen=True)
class Tile:
    """Where one regency sits on the hexagon grid (odd rows shifted half a cell east)."""

    code: str
    short_name: str
    col: int
    row: int


@dataclass(frozen=True)
class LegendEntry:
    """One class of the legend: values from `lower` up to `upper`."""

    lower: float
    upper: float
    fill: str
    single: bool  # the class holds one whole number (lower == upper)
    x: float  # where the swatch is drawn
    y: float

    @property
    def label_x(self) -> float:
        """Where the class's text starts, right of the swatch."""
        return round(self.x + SWATCH + 4, 1)

    @property
    def label_y(self) -> float:
        """The baseline of the class's text, level with the swatch."""
        return round(self.y + SWATCH - 2, 1)


@dataclass(frozen=True)
class Region:
    """One regency on the map: its figure, its class and how it is drawn."""

    code: str
    name: str
    short_name: str
    value: float | str | None  # None: no figure; a string: a published "<5"
    level: int | None  # 0..CLASSES-1, None when the value cannot be classed
    fill: str
    text_fill: str
    path: str
    label_x: float
    label_y: float
    link: str | None

    @property
    def has_value(self) -> bool:
        """True when the regency has a figure to show."""
        return self.value is not None

    @property
    def name_y(self) -> float:
        """The baseline of the short name, above the centre."""
        return round(self.label_y - 3, 1)

    @property
    def value_y(self) -> float:
        """The baseline of the figure, below the centre."""
        return round(self.label_y + 11, 1)


@dataclass(frozen=True)
class RegencyMap:
    """The whole drawing: size, regions (in code order), legend and its position."""

    width: float
    height: float
    regions: tuple[Region, ...]
    legend: tuple[LegendEntry, ...]
    no_data: LegendEntry | None  # the "no figure" swatch, when some regency has none
    places: int  # decimals the figures and class limits are shown with

    @property
    def table(self) -> list[Region]:
        """The regions in name order, for the data table."""
        return sorted(self.regions, key=lambda r: r.name)

    @property
    def empty(self) -> bool:
        """True when no regency has a non-zero figure."""
        return not any(
            isinstance(r.value, str) or r.value for r in self.regions if r.has_value
        )


def nice_step(maximum: float, classes: int = CLASSES, whole: bool = True) -> float:
    """The class width: `maximum / classes` rounded up to 1, 2, 2.5 or 5 times a power of 10.

    Round class limits make a legend readable at a glance; `whole` keeps them whole numbers
    for counts (a class of 0.4 MSMEs means nothing).
    """
    if maximum <= 0:
        return 1.0
    raw = maximum / classes
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)
    if whole:
        step = float(max(1, math.ceil(step)))
    return step


def decimals(step: float) -> int:
    """How many decimals show every class limit exactly (0.25 needs 2, 20 none)."""
    return next(
        (
            d
            for d in range(MAX_DECIMALS)
            if abs(step * 10**d - round(step * 10**d)) < ROUNDING
        ),
        MAX_DECIMALS,
    )


def class_of(value: float, step: float, classes: int = CLASSES) -> int:
    """The class (0 = lowest) of `value`: class k holds [k·step, (k+1)·step).

    The top class also holds its upper limit, which the maximum may reach exactly.
    """
    if value <= 0:
        return 0
    return min(int(value // step), classes - 1)


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two "#rrggbb" colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [
            c / 12.92 if c <= SRGB_LINEAR_LIMIT else ((c + 0.055) / 1.055) ** 2.4
            for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def text_fill(background: str) -> str:
    """Dark or white label text, whichever reads better on `background`."""
    dark = contrast_ratio(DARK_TEXT, background)
    light = contrast_ratio(LIGHT_TEXT, background)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def cell_centre(col: int, row: int, radius: float = RADIUS) -> tuple[float, float]:
    """The centre of a pointy-topped hexagon cell (odd rows shifted half a cell east)."""
    width = math.sqrt(3) * radius
    x = MARGIN + width * (col + 0.5 * (row % 2)) + width / 2
    y = MARGIN + radius + 1.5 * radius * row
    return x, y


def hexagon_path(cx: float, cy: float, radius: float) -> str:
    """SVG path data of a pointy-topped hexagon centred on (cx, cy)."""
    points = []
    for corner in range(6):
        angle = math.radians(60 * corner - 90)
        points.append(
            f"{cx + radius * math.cos(angle):.1f},{cy + radius * math.sin(angle):.1f}"
        )
    return "M" + " L".join(points) + " Z"


def _numeric(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if math.isnan(value):
        return None
    return float(value)


def build_map(
    values: Mapping[str, float | str | None],
    tiles: Sequence[Tile],
    names: Mapping[str, str],
    link_pattern: str | None = None,
) -> RegencyMap:
    """Shade each tile by its regency's value in `values` (keyed by BPS regency code).

    Codes in `values` without a tile (another province, the "*" total) are ignored; tiles
    without a value are drawn as "no figure". Negative values count as zero. A string value
    (a suppressed "<5") is shown as it is and left unshaded, since its class is unknown.
    `link_pattern` gets "{code}" replaced by each regency's code.
    """
    numbers = [
        n for n in (_numeric(values.get(t.code)) for t in tiles) if n is not None
    ]
    whole = all(n == int(n) for n in numbers)
    step = nice_step(max(numbers, default=0.0), whole=whole)

    regions = []
    for tile in sorted(tiles, key=lambda t: t.code):
        raw = values.get(tile.code)
        number = _numeric(raw)
        level = class_of(number, step) if number is not None else None
        fill = PALETTE[level] if level is not None else NO_DATA_FILL
        cx, cy = cell_centre(tile.col, tile.row)
        regions.append(
            Region(
                code=tile.code,
                name=names.get(tile.code, tile.short_name),
                short_name=tile.short_name,
                value=max(number, 0.0) if number is not None else _shown(raw),
                level=level,
                fill=fill,
                text_fill=text_fill(fill),
                path=hexagon_path(cx, cy, RADIUS - GAP),
                label_x=round(cx, 1),
                label_y=round(cy, 1),
                link=link_pattern.replace("{code}", tile.code)
                if link_pattern
                else None,
            )
        )

    cols = max((t.col + 0.5 * (t.row % 2) for t in tiles), default=0.0)
    rows = max((t.row for t in tiles), default=0)
    width = 2 * MARGIN + math.sqrt(3) * RADIUS * (cols + 1)
    map_height = 2 * MARGIN + RADIUS * (2 + 1.5 * rows)

    legend = []
    for level, fill in enumerate(PALETTE):
        x, y = _legend_position(level, width, map_height)
        lower = level * step
        top = level == len(PALETTE) - 1
        upper = (level + 1) * step - (1 if whole and not top else 0)
        legend.append(LegendEntry(lower, upper, fill, whole and lower == upper, x, y))
    no_data = None
    if any(r.level is None for r in regions):
        x, y = _legend_position(len(PALETTE), width, map_height)
        no_data = LegendEntry(0.0, 0.0, NO_DATA_FILL, False, x, y)
    entries = len(legend) + (1 if no_data else 0)
    legend_rows = math.ceil(entries / LEGEND_COLUMNS)
    height = map_height + legend_rows * LEGEND_ROW + MARGIN

    return RegencyMap(
        width=round(width, 1),
        height=round(height, 1),
        regions=tuple(regions),
        legend=tuple(legend),
        no_data=no_data,
        places=decimals(step),
    )


def _shown(raw: object) -> str | None:
    return raw if isinstance(raw, str) and raw else None


def _legend_position(index: int, width: float, top: float) -> tuple[float, float]:
    column_width = (width - 2 * MARGIN) / LEGEND_COLUMNS
    row, column = divmod(index, LEGEND_COLUMNS)
    return (
        round(MARGIN + column * column_width, 1),
        round(top + row * LEGEND_ROW, 1),
    )
