"""The quote network: our ports and airports, extra nodes, and the precomputed sea-lane table.

Ports and airports are `core.Port` (data/ports.csv, our own table: searoute's bundled port
table misplaces Panjang and Penang, research/logistics.md §3.1). Panjang's primary LOCODE is
IDPJG, with IDPNJ kept as an alias: a validator against UN/LOCODE 2024.2 rejects IDPNJ, while
carriers' trade data still uses it (data/ports.csv says the same). `canonical_locode` maps an
alias to its primary code.

Sea distances come from `searoute` run on OUR coordinates (never its port snapping:
include_ports stays False) and are precomputed for every pair of our seaports into
data/logistics/sea-lanes.json by `manage.py compute_sea_lanes`. A pair the file lacks (a port
an officer added later) is computed once per process and cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from serumpun.core.models import Port
from serumpun.logistics.rules.quote import (
    ContainerCap,
    EmissionFactor,
    Network,
    Node,
    QuoteParams,
    Range,
)
from serumpun.logistics.rules.route_map import BOX

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "logistics"
LANES_FILE = DATA_DIR / "sea-lanes.json"
QUOTING_FILE = DATA_DIR / "quoting.yaml"
BASEMAP_FILE = DATA_DIR / "basemap.json"
#: coordinate decimals kept for a lane's drawn path (±1 km is plenty for an overview map)
PATH_DECIMALS = 2


@cache
def quoting_data() -> dict[str, Any]:
    """data/logistics/quoting.yaml as loaded."""
    with QUOTING_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _range(value: Mapping[str, Any]) -> Range:
    return Range(float(value["min"]), float(value["max"]))


@cache
def quote_params() -> QuoteParams:
    """The engine's parameters from data/logistics/quoting.yaml."""
    data = quoting_data()
    transit = data["transit"]
    return QuoteParams(
        road_km={(r["from"], r["to"]): float(r["km"]) for r in data["road_km"]},
        road_detour_factor=float(data["road_detour_factor"]),
        air_gateways=dict(data["air_gateways"]),
        air_origins=tuple(o["airport"] for o in data["air_origins"]),
        air_uplift_km=float(data["air_distance_uplift_km"]),
        volumetric_kg_per_m3=float(data["volumetric_kg_per_m3"]),
        truck_speed_kmh=float(transit["truck_speed_kmh"]),
        truck_hours_per_day=float(transit["truck_driving_hours_per_day"]),
        ferry_days=_range(transit["ferry_days"]),
        ship_speed_knots=float(transit["ship_speed_knots"]),
        default_departures_per_week=float(transit["default_departures_per_week"]),
        default_flights_per_week=float(transit["default_flights_per_week"]),
        cutoff_days={k: _range(v) for k, v in transit["cutoff_days"].items()},
        dwell_days=_range(transit["transshipment_dwell_days"]),
        air_speed_kmh=float(transit["air_speed_kmh"]),
        air_hub_dwell_days=_range(transit["air_hub_dwell_days"]),
        clearance_days={k: _range(v) for k, v in transit["clearance_days"].items()},
        emission_factors={
            mode: EmissionFactor(float(f["kg_per_tkm"]), str(f["source"]))
            for mode, f in data["emission_factors"].items()
        },
        stale_after_days=int(data["stale_after_days"]),
    )


def fx_usd_per_unit() -> dict[str, float]:
    """Indicative conversion of rate currencies to USD (data/logistics/quoting.yaml)."""
    return {k: float(v) for k, v in quoting_data()["fx_usd_per_unit"].items()}


def extra_nodes() -> list[Node]:
    """Network nodes that are not in core's port table (the Merak ferry terminal)."""
    return [
        Node(n["code"], n["name"], float(n["lat"]), float(n["lon"]))
        for n in quoting_data()["nodes"]
    ]


def compute_sea_lanes(
    points: Mapping[str, tuple[float, float]],
) -> dict[str, dict[str, Any]]:
    """Sea distance and drawn path for every unordered pair of `points` (code → lat, lon).

    Uses searoute's network from our own coordinates ([lon, lat]); its port snapping is never
    used (include_ports=False).
    """
    lanes: dict[str, dict[str, Any]] = {}
    codes = sorted(points)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            lanes[f"{a}-{b}"] = _searoute(points[a], points[b])
    return lanes


def compute_basemap() -> list[list[list[float]]]:
    """searoute's marnet lines that touch the corridor box, as [lon, lat] lists."""
    import searoute  # 0.2 s import: only the precompute command needs it

    west, south, east, north = BOX
    marnet = Path(searoute.__file__).parent / "data" / "marnet_searoute.geojson"
    data = json.loads(marnet.read_text(encoding="utf-8"))
    lines: list[list[list[float]]] = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        parts = (
            [geometry["coordinates"]]
            if geometry["type"] == "LineString"
            else geometry["coordinates"]
        )
        for part in parts:
            points = [
                [round(c[0], PATH_DECIMALS), round(c[1], PATH_DECIMALS)] for c in part
            ]
            if any(west <= x <= east and south <= y <= north for x, y in points):
                lines.append(points)
    return lines


@cache
def basemap_lines() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The precomputed basemap (empty when the file is missing)."""
    if not BASEMAP_FILE.exists():
        return ()
    data = json.loads(BASEMAP_FILE.read_text(encoding="utf-8"))
    return tuple(tuple((float(x), float(y)) for x, y in line) for line in data["lines"])


def _searoute(a: tuple[float, float], b: tuple[float, float]) -> dict[str, Any]:
    import searoute  # 0.2 s import: only a lane missing from the file needs it

    feature = searoute.searoute(
        [a[1], a[0]], [b[1], b[0]], units="km", include_ports=False
    )
    coords = [
        [round(float(x), PATH_DECIMALS), round(float(y), PATH_DECIMALS)]
        for x, y in feature["geometry"]["coordinates"]
    ]
    return {"km": round(float(feature["properties"]["length"]), 1), "path": coords}


@cache
def _lane_file() -> dict[str, dict[str, Any]]:
    if not LANES_FILE.exists():
        return {}
    with LANES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    lanes: dict[str, dict[str, Any]] = data["lanes"]
    return lanes


@lru_cache(maxsize=1024)
def _computed_lane(
    a: str, pa: tuple[float, float], b: str, pb: tuple[float, float]
) -> tuple[float, tuple[tuple[float, float], ...]]:
    key = f"{a}-{b}" if a < b else f"{b}-{a}"
    lane = _lane_file().get(key)
    if lane is None:
        lane = _searoute(pa, pb) if a < b else _searoute(pb, pa)
    path = tuple((float(x), float(y)) for x, y in lane["path"])
    if a > b:
        path = tuple(reversed(path))
    return float(lane["km"]), path


def seaport_nodes(ports: Iterable[Port]) -> tuple[dict[str, Node], dict[str, Node]]:
    """(seaports and extra nodes by code, airports by code) from core ports."""
    nodes: dict[str, Node] = {n.code: n for n in extra_nodes()}
    airports: dict[str, Node] = {}
    for port in ports:
        node = Node(port.locode, port.name, port.lat, port.lon)
        if port.kind == Port.Kind.AIRPORT:
            airports[port.locode] = node
        else:
            nodes[port.locode] = node
    return nodes, airports


def build_network(
    ports: Iterable[Port], sea_pairs: Iterable[tuple[str, str]]
) -> Network:
    """The engine's network with sea distances for the pairs a quote may need."""
    nodes, airports = seaport_nodes(ports)
    sea_km: dict[tuple[str, str], float] = {}
    paths: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}
    for a, b in sea_pairs:
        if a not in nodes or b not in nodes or a == b:
            continue
        km, path = _computed_lane(
            a, (nodes[a].lat, nodes[a].lon), b, (nodes[b].lat, nodes[b].lon)
        )
        sea_km[(a, b)] = km
        paths[(a, b)] = path
    return Network(nodes=nodes, airports=airports, sea_km=sea_km, sea_paths=paths)


def canonical_locode(code: str, ports: Iterable[Port]) -> str | None:
    """The primary LOCODE for `code` or one of its aliases (IDPNJ → IDPJG); None if unknown."""
    wanted = code.strip().upper()
    extra = {n.code for n in extra_nodes()}
    if wanted in extra:
        return wanted
    for port in ports:
        if port.locode == wanted or wanted in (port.aliases or []):
            return port.locode
    return None


def container_caps() -> list[ContainerCap]:
    """Container types for FCL quotes (the pooling helper's data/logistics/containers.yaml)."""
    from serumpun.logistics.containers import (
        container_types,
    )

    return [
        ContainerCap(t.code, t.usable_volume_m3, t.payload_kg, t.reefer)
        for t in container_types().values()
    ]
