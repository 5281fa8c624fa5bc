"""A route drawn as inline SVG over an offline schematic basemap (no tiles, no CDN).

Pure: longitude/latitude are projected equirectangularly into a fixed box covering the
Lampung – Malaysia corridor. The basemap is searoute's own shipping-lane network (marnet)
clipped to the box: a schematic of where ships sail, not a coastline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: the corridor box (degrees): west, south, east, north
BOX = (99.0, -7.5, 108.5, 7.0)
WIDTH = 380
MARGIN = 10
#: labels of points right of this share of the width are drawn to their left
RIGHT_LABEL_SHARE = 0.6


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of BOX into an SVG of WIDTH pixels."""

    west: float = BOX[0]
    south: float = BOX[1]
    east: float = BOX[2]
    north: float = BOX[3]

    @property
    def scale(self) -> float:
        return (WIDTH - 2 * MARGIN) / (self.east - self.west)

    @property
    def height(self) -> int:
        return round((self.north - self.south) * self.scale + 2 * MARGIN)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """SVG coordinates of a point (clamped to the box)."""
        lon = min(max(lon, self.west), self.east)
        lat = min(max(lat, self.south), self.north)
        return (
            round(MARGIN + (lon - self.west) * self.scale, 1),
            round(MARGIN + (self.north - lat) * self.scale, 1),
        )

    def points(self, path: Sequence[tuple[float, float]]) -> str:
        """An SVG `points` attribute for (lon, lat) pairs."""
        return " ".join(f"{x},{y}" for x, y in (self.xy(lon, lat) for lon, lat in path))


@dataclass(frozen=True)
class MapLeg:
    """One leg as drawn: its mode (for the stroke) and SVG points."""

    mode: str
    points: str


@dataclass(frozen=True)
class MapLabel:
    """A labelled dot."""

    code: str
    name: str
    x: float
    y: float
    on_route: bool
    anchor: str = "start"  # "end" near the right edge so the label stays inside the map
    dx: int = 6


@dataclass(frozen=True)
class RouteMap:
    """Everything the template needs to draw the map."""

    width: int
    height: int
    basemap: tuple[str, ...]
    legs: tuple[MapLeg, ...]
    labels: tuple[MapLabel, ...]


def route_map(
    legs: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    *,
    basemap: Sequence[Sequence[tuple[float, float]]],
    places: Sequence[tuple[str, str, float, float]],
    route_codes: Sequence[str],
) -> RouteMap:
    """Project legs (mode, lon/lat path), the basemap lines and labelled places (code, name,
    lat, lon)."""
    projection = Projection()
    labels = []
    for code, name, lat, lon in places:
        x, y = projection.xy(lon, lat)
        right = x > WIDTH * RIGHT_LABEL_SHARE
        labels.append(
            MapLabel(
                code,
                name,
                x,
                y,
                code in route_codes,
                "end" if right else "start",
                -6 if right else 6,
            )
        )
    return RouteMap(
        width=WIDTH,
        height=projection.height,
        basemap=tuple(projection.points(line) for line in basemap),
        legs=tuple(MapLeg(mode, projection.points(path)) for mode, path in legs),
        labels=tuple(labels),
    )
