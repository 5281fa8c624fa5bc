"""Route quotes door to port: legs, cost from the rate book, transit days and CO2e.

Pure: the caller passes the network (nodes and precomputed sea distances), the rate book
lines, the parameters of data/logistics/quoting.yaml and `as_of`. Options (API.md):

- road to Panjang, then sea LCL / 20' / 40' (direct or via the transshipment port the rate names);
- road and the Bakauheni–Merak ferry to Tanjung Priok, then sea;
- air from Radin Inten II (when the rate book has a flight) or from Soekarno-Hatta.

An option whose leg has no rate valid on `as_of` is omitted with a reason — never priced with
an expired rate. Emissions follow ISO 14083 / GLEC: tonnes × km × mode factor, air distance =
great circle + uplift.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

PANJANG = "IDPJG"
BAKAUHENI = "IDBK2"
MERAK = "IDMRK"
PRIOK = "IDJKT"
EARTH_RADIUS_KM = 6371.0088
KM_PER_NMI = 1.852
HOURS_PER_DAY = 24.0
KG_PER_TONNE = 1000.0

#: API mode → (rate mode, container size prefix or None)
SEA_MODES: dict[str, tuple[str, str | None]] = {
    "sea_lcl": ("sea_lcl", None),
    "sea_fcl_20": ("sea_fcl", "20"),
    "sea_fcl_40": ("sea_fcl", "40"),
}


@dataclass(frozen=True)
class Node:
    """A point of the network: a port, an airport, a ferry terminal or a regency's capital."""

    code: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class RateLine:
    """One rate-book line as the engine sees it: amounts already in USD."""

    id: int
    mode: str  # road | ferry | sea_fcl | sea_lcl | air | local
    basis: str  # per_km | per_trip | per_container | per_rt | per_kg | per_shipment
    origin: str
    destination: str
    amount_usd: float
    valid_from: date
    source_title: str
    source_date: date
    confidence: str
    valid_to: date | None = None
    minimum_usd: float | None = None
    via: str = ""
    container_code: str = ""
    cargo_kind: str = ""
    applies_to: str = ""  # for local charges: sea_lcl | sea_fcl | air | "" (all)
    charge: str = "freight"
    transit_days_min: int | None = None
    transit_days_max: int | None = None
    departures_per_week: float | None = None

    def valid_on(self, day: date) -> bool:
        """In force on `day`."""
        return self.valid_from <= day and (
            self.valid_to is None or day <= self.valid_to
        )

    def fits_kind(self, kind: str) -> bool:
        """Applies to this cargo kind (blank: both)."""
        return not self.cargo_kind or self.cargo_kind == kind


@dataclass(frozen=True)
class ContainerCap:
    """A container type's usable volume and payload."""

    code: str
    usable_volume_m3: float
    payload_kg: float
    reefer: bool


@dataclass(frozen=True)
class Range:
    """A min–max pair of days."""

    min: float
    max: float


@dataclass(frozen=True)
class EmissionFactor:
    """kg CO2e per tonne-km for one mode, with its source."""

    kg_per_tkm: float
    source: str


@dataclass(frozen=True)
class QuoteParams:
    """data/logistics/quoting.yaml as the engine needs it."""

    road_km: Mapping[tuple[str, str], float]
    road_detour_factor: float
    air_gateways: Mapping[str, str]
    air_origins: Sequence[str]
    air_uplift_km: float
    volumetric_kg_per_m3: float
    truck_speed_kmh: float
    truck_hours_per_day: float
    ferry_days: Range
    ship_speed_knots: float
    default_departures_per_week: float
    default_flights_per_week: float
    cutoff_days: Mapping[str, Range]
    dwell_days: Range
    air_speed_kmh: float
    air_hub_dwell_days: Range
    clearance_days: Mapping[str, Range]
    emission_factors: Mapping[str, EmissionFactor]
    stale_after_days: int


@dataclass(frozen=True)
class Origin:
    """Where the cargo starts: a regency's capital (with its road km to Panjang) or a port."""

    node: Node
    is_regency: bool
    road_km_to_panjang: float | None = None


@dataclass(frozen=True)
class Cargo:
    """What is shipped."""

    weight_kg: float
    volume_m3: float
    kind: str  # general | reefer

    @property
    def revenue_tonnes(self) -> float:
        """W/M: the greater of cubic metres and tonnes."""
        return max(self.volume_m3, self.weight_kg / KG_PER_TONNE)


@dataclass(frozen=True)
class Network:
    """Nodes by code, airports by code, and sea distances (km) for ordered port pairs."""

    nodes: Mapping[str, Node]
    airports: Mapping[str, Node]
    sea_km: Mapping[tuple[str, str], float]
    sea_paths: Mapping[tuple[str, str], Sequence[tuple[float, float]]] = field(
        default_factory=dict
    )

    def sea_distance(self, a: str, b: str) -> float | None:
        """Precomputed sea distance either way round, or None."""
        return self.sea_km.get((a, b), self.sea_km.get((b, a)))

    def sea_path(self, a: str, b: str) -> list[tuple[float, float]]:
        """(lon, lat) points of the sea lane a→b; a straight line when unknown."""
        if (a, b) in self.sea_paths:
            return list(self.sea_paths[(a, b)])
        if (b, a) in self.sea_paths:
            return list(reversed(self.sea_paths[(b, a)]))
        return [
            (self.nodes[a].lon, self.nodes[a].lat),
            (self.nodes[b].lon, self.nodes[b].lat),
        ]


@dataclass(frozen=True)
class Leg:
    """One leg of a route."""

    origin: Node
    destination: Node
    mode: str  # road | ferry | sea | air
    distance_km: float
    path: tuple[tuple[float, float], ...]  # (lon, lat) points for the map


@dataclass(frozen=True)
class CostItem:
    """One line of a cost breakdown: what it pays for (kind, ends, charge name) and how much."""

    kind: str  # road | ferry | sea_freight | air_freight | local
    amount: float
    origin: str = ""
    destination: str = ""
    detail: str = ""  # the local charge's name, or the transshipment port


@dataclass(frozen=True)
class RateSource:
    """A rate a quote used, with its age on the quote date."""

    rate_id: int
    title: str
    date: date
    age_days: int
    confidence: str
    stale: bool


@dataclass(frozen=True)
class QuoteOption:
    """One priced way to ship (API.md `options[]`)."""

    mode: str  # sea_lcl | sea_fcl_20 | sea_fcl_40 | air
    route: tuple[str, ...]  # node codes in order
    legs: tuple[Leg, ...]
    distance_km: float
    transit_days: Range
    total_usd: float
    breakdown: tuple[CostItem, ...]
    rate_sources: tuple[RateSource, ...]
    co2e_kg: float
    containers: int = 0
    chargeable: float = 0.0  # revenue tonnes (LCL), chargeable kg (air), boxes (FCL)


@dataclass(frozen=True)
class Reason:
    """Why an option is missing: no_rate | no_distance | no_container | no_gateway."""

    code: str
    leg_mode: str = ""
    origin: str = ""
    destination: str = ""
    expired_on: date | None = None  # last day of the newest expired rate, if any


@dataclass(frozen=True)
class Omitted:
    """An option the engine could not price, and why."""

    mode: str
    route: tuple[str, ...]
    reason: Reason


@dataclass(frozen=True)
class QuoteResult:
    """Priced options (cheapest first) and the ones left out."""

    options: tuple[QuoteOption, ...]
    omitted: tuple[Omitted, ...]


class NoRateError(Exception):
    """A leg has no rate valid on the quote date (or no distance)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.code)
        self.reason = reason


# --- geometry -------------------------------------------------------------------------------


def great_circle_km(a: Node, b: Node) -> float:
    """Haversine distance between two nodes."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _line(a: Node, b: Node) -> tuple[tuple[float, float], ...]:
    return ((a.lon, a.lat), (b.lon, b.lat))


def _road_leg(origin: Origin, to: Node, params: QuoteParams) -> Leg:
    start = origin.node
    if origin.is_regency and to.code == PANJANG and origin.road_km_to_panjang:
        km = origin.road_km_to_panjang
    else:
        known = params.road_km.get((start.code, to.code)) or params.road_km.get(
            (to.code, start.code)
        )
        km = known or great_circle_km(start, to) * params.road_detour_factor
    return Leg(start, to, "road", round(km, 1), _line(start, to))


def _fixed_road(a: Node, b: Node, params: QuoteParams) -> Leg:
    return _road_leg(Origin(a, is_regency=False), b, params)


def first_mile(
    origin: Origin, to_code: str, network: Network, params: QuoteParams
) -> list[Leg]:
    """Legs from the origin to a departure port or airport (empty when already there).

    Panjang and Radin Inten II are reached by road; Tanjung Priok and Soekarno-Hatta by road
    to Bakauheni, the ferry to Merak, then road.
    """
    if origin.node.code == to_code:
        return []
    to = network.nodes[to_code]
    # Java-side nodes (east of Merak) are reached across the Sunda Strait.
    java_side = to_code in (PRIOK, MERAK) or to.lon > network.nodes[MERAK].lon
    if not java_side or origin.node.lon > network.nodes[MERAK].lon:
        return [_road_leg(origin, to, params)]
    bakauheni, merak = network.nodes[BAKAUHENI], network.nodes[MERAK]
    legs: list[Leg] = []
    if origin.node.code != BAKAUHENI:
        legs.append(_road_leg(origin, bakauheni, params))
    ferry_km = network.sea_distance(BAKAUHENI, MERAK) or great_circle_km(
        bakauheni, merak
    )
    legs.append(
        Leg(
            bakauheni,
            merak,
            "ferry",
            round(ferry_km, 1),
            tuple(network.sea_path(BAKAUHENI, MERAK)),
        )
    )
    legs.append(_fixed_road(merak, to, params))
    return legs


# --- pricing --------------------------------------------------------------------------------


def _valid(rates: Sequence[RateLine], as_of: date, kind: str) -> list[RateLine]:
    return [r for r in rates if r.valid_on(as_of) and r.fits_kind(kind)]


def _no_rate(
    mode: str, origin: str, destination: str, lane: Sequence[RateLine], as_of: date
) -> Reason:
    expired = [
        r.valid_to for r in lane if r.valid_to is not None and r.valid_to < as_of
    ]
    return Reason(
        "no_rate", mode, origin, destination, max(expired) if expired else None
    )


def _apply(rate: RateLine, units: float) -> float:
    cost = rate.amount_usd * units
    if rate.minimum_usd is not None:
        cost = max(cost, rate.minimum_usd)
    return cost


def _units(
    rate: RateLine, *, km: float, trucks: int, cargo: Cargo, chargeable_kg: float
) -> float | None:
    match rate.basis:
        case "per_km":
            return km * trucks
        case "per_trip" | "per_container":
            return float(trucks)
        case "per_kg":
            return chargeable_kg
        case "per_rt":
            return cargo.revenue_tonnes
        case "per_shipment":
            return 1.0
    return None


def _cheapest_land(
    leg: Leg,
    rates: Sequence[RateLine],
    *,
    as_of: date,
    cargo: Cargo,
    trucks: int,
    chargeable_kg: float,
) -> tuple[float, RateLine]:
    """Cheapest valid road or ferry rate for a leg (blank lane ends match any node)."""
    lane = [
        r
        for r in rates
        if r.mode == leg.mode
        and r.origin in ("", leg.origin.code)
        and r.destination in ("", leg.destination.code)
    ]
    if leg.mode == "ferry":
        lane += [
            r
            for r in rates
            if r.mode == "ferry"
            and r.origin == leg.destination.code
            and r.destination == leg.origin.code
        ]
    best: tuple[float, RateLine] | None = None
    for rate in _valid(lane, as_of, cargo.kind):
        units = _units(
            rate,
            km=leg.distance_km,
            trucks=trucks,
            cargo=cargo,
            chargeable_kg=chargeable_kg,
        )
        if units is None:
            continue
        cost = _apply(rate, units)
        if best is None or cost < best[0]:
            best = (cost, rate)
    if best is None:
        raise NoRateError(
            _no_rate(leg.mode, leg.origin.code, leg.destination.code, lane, as_of)
        )
    return best


def _local_charges(
    port: str,
    applies_to: str,
    rates: Sequence[RateLine],
    *,
    as_of: date,
    cargo: Cargo,
    container_code: str,
    boxes: int,
    chargeable_kg: float,
) -> list[tuple[float, RateLine]]:
    """Local charges levied at `port` for this kind of shipment: the cheapest per charge."""
    best: dict[str, tuple[float, RateLine]] = {}
    levied = [r for r in rates if r.mode == "local" and r.origin == port]
    for rate in _valid(levied, as_of, cargo.kind):
        if rate.applies_to not in ("", applies_to):
            continue
        if rate.container_code and rate.container_code != container_code:
            continue
        if (
            not rate.container_code
            and rate.basis == "per_container"
            and not container_code
        ):
            continue
        units = _units(
            rate, km=0.0, trucks=boxes, cargo=cargo, chargeable_kg=chargeable_kg
        )
        if units is None:
            continue
        cost = _apply(rate, units)
        if rate.charge not in best or cost < best[rate.charge][0]:
            best[rate.charge] = (cost, rate)
    return [best[k] for k in sorted(best)]


# --- transit and emissions ------------------------------------------------------------------


def _road_days(km: float, params: QuoteParams) -> Range:
    hours = km / params.truck_speed_kmh
    return Range(hours / HOURS_PER_DAY, hours / params.truck_hours_per_day)


def _sum(ranges: Sequence[Range]) -> Range:
    low = sum(r.min for r in ranges)
    high = sum(r.max for r in ranges)
    return Range(float(max(1, math.floor(low))), float(math.ceil(high)))


def _first_mile_days(legs: Sequence[Leg], params: QuoteParams) -> list[Range]:
    days = []
    for leg in legs:
        days.append(
            params.ferry_days
            if leg.mode == "ferry"
            else _road_days(leg.distance_km, params)
        )
    return days


def co2e_kg(legs: Sequence[Leg], weight_kg: float, params: QuoteParams) -> float:
    """Tonne-km × mode factor summed over legs (hub emissions not yet included)."""
    tonnes = weight_kg / KG_PER_TONNE
    total = sum(
        tonnes * leg.distance_km * params.emission_factors[leg.mode].kg_per_tkm
        for leg in legs
    )
    return round(total, 2)


# --- options --------------------------------------------------------------------------------


def _source(rate: RateLine, as_of: date, params: QuoteParams) -> RateSource:
    age = (as_of - rate.source_date).days
    return RateSource(
        rate_id=rate.id,
        title=rate.source_title,
        date=rate.source_date,
        age_days=age,
        confidence=rate.confidence,
        stale=age > params.stale_after_days,
    )


def _container_for(
    prefix: str, cargo: Cargo, containers: Sequence[ContainerCap]
) -> ContainerCap | None:
    reefer = cargo.kind == "reefer"
    fitting = [
        c for c in containers if c.code.startswith(prefix) and c.reefer == reefer
    ]
    # The plain box of a size first (20GP before 20RF, 40GP before 40HC).
    return min(fitting, key=lambda c: (c.usable_volume_m3, c.code), default=None)


def _sea_options(
    *,
    origin: Origin,
    pol: str,
    pod: str,
    cargo: Cargo,
    rates: Sequence[RateLine],
    network: Network,
    params: QuoteParams,
    containers: Sequence[ContainerCap],
    as_of: date,
) -> tuple[list[QuoteOption], list[Omitted]]:
    options: list[QuoteOption] = []
    omitted: list[Omitted] = []
    legs_to_pol = first_mile(origin, pol, network, params)
    for api_mode, (rate_mode, size) in SEA_MODES.items():
        route_base = (origin.node.code, pol, pod)
        box: ContainerCap | None = None
        boxes = 0
        if size is not None:
            box = _container_for(size, cargo, containers)
            if box is None:
                omitted.append(
                    Omitted(api_mode, route_base, Reason("no_container", api_mode))
                )
                continue
            boxes = max(
                math.ceil(cargo.volume_m3 / box.usable_volume_m3),
                math.ceil(cargo.weight_kg / box.payload_kg),
            )
        lane = [
            r
            for r in rates
            if r.mode == rate_mode
            and r.origin == pol
            and r.destination == pod
            and (box is None or r.container_code == box.code)
        ]
        valid = _valid(lane, as_of, cargo.kind)
        if not valid:
            omitted.append(
                Omitted(api_mode, route_base, _no_rate(api_mode, pol, pod, lane, as_of))
            )
            continue
        # Rates of one lane differ only in freight and routing (first mile and local
        # charges are the same), so the cheapest freight that can be routed wins.
        units = float(boxes) if box else cargo.revenue_tonnes
        ordered = sorted(valid, key=lambda r: (_apply(r, units), r.via, r.id))
        option: QuoteOption | None = None
        reason: Reason | None = None
        for rate in ordered:
            try:
                option = _price_sea(
                    api_mode=api_mode,
                    rate=rate,
                    box=box,
                    boxes=boxes,
                    origin=origin,
                    legs_to_pol=legs_to_pol,
                    pol=pol,
                    pod=pod,
                    cargo=cargo,
                    rates=rates,
                    network=network,
                    params=params,
                    as_of=as_of,
                )
            except NoRateError as exc:
                reason = reason or exc.reason
                if exc.reason.code != "no_distance":
                    break  # a first-mile leg without a rate fails every sea rate alike
                continue
            break
        if option is None:
            omitted.append(Omitted(api_mode, route_base, reason or Reason("no_rate")))
            continue
        options.append(option)
    return options, omitted


def _price_sea(
    *,
    api_mode: str,
    rate: RateLine,
    box: ContainerCap | None,
    boxes: int,
    origin: Origin,
    legs_to_pol: Sequence[Leg],
    pol: str,
    pod: str,
    cargo: Cargo,
    rates: Sequence[RateLine],
    network: Network,
    params: QuoteParams,
    as_of: date,
) -> QuoteOption:
    hops = [pol, rate.via, pod] if rate.via else [pol, pod]
    sea_legs: list[Leg] = []
    for a, b in itertools.pairwise(hops):
        km = network.sea_distance(a, b)
        if km is None:
            raise NoRateError(Reason("no_distance", "sea", a, b))
        sea_legs.append(
            Leg(
                network.nodes[a],
                network.nodes[b],
                "sea",
                round(km, 1),
                tuple(network.sea_path(a, b)),
            )
        )
    container_code = box.code if box else ""
    applies = "sea_fcl" if box else "sea_lcl"
    trucks = max(boxes, 1)
    breakdown: list[CostItem] = []
    used: list[RateLine] = []
    for leg in legs_to_pol:
        cost, land_rate = _cheapest_land(
            leg,
            rates,
            as_of=as_of,
            cargo=cargo,
            trucks=trucks,
            chargeable_kg=cargo.weight_kg,
        )
        breakdown.append(
            CostItem(leg.mode, cost, leg.origin.name, leg.destination.name)
        )
        used.append(land_rate)
    units = float(boxes) if box else cargo.revenue_tonnes
    freight = _apply(rate, units)
    breakdown.append(CostItem("sea_freight", freight, pol, pod, rate.via))
    used.append(rate)
    for port in (pol, pod):
        for cost, local in _local_charges(
            port,
            applies,
            rates,
            as_of=as_of,
            cargo=cargo,
            container_code=container_code,
            boxes=boxes,
            chargeable_kg=cargo.weight_kg,
        ):
            breakdown.append(CostItem("local", cost, port, "", local.charge))
            used.append(local)
    legs = (*legs_to_pol, *sea_legs)
    sea_km = sum(leg.distance_km for leg in sea_legs)
    per_week = rate.departures_per_week or params.default_departures_per_week
    if rate.transit_days_min is not None and rate.transit_days_max is not None:
        port_to_port = Range(rate.transit_days_min, rate.transit_days_max)
    else:
        sail = sea_km / (params.ship_speed_knots * KM_PER_NMI * HOURS_PER_DAY)
        dwell = params.dwell_days if rate.via else Range(0, 0)
        port_to_port = Range(sail + dwell.min, sail + dwell.max)
    days = _sum(
        [
            *_first_mile_days(legs_to_pol, params),
            params.cutoff_days["sea_fcl" if box else "sea_lcl"],
            Range(0, 7 / per_week),
            port_to_port,
            params.clearance_days["sea"],
        ]
    )
    return QuoteOption(
        mode=api_mode,
        route=(origin.node.code, *(leg.destination.code for leg in legs)),
        legs=legs,
        distance_km=round(sum(leg.distance_km for leg in legs), 1),
        transit_days=days,
        total_usd=round(sum(item.amount for item in breakdown), 2),
        breakdown=tuple(replace(i, amount=round(i.amount, 2)) for i in breakdown),
        rate_sources=_sources(used, as_of, params),
        co2e_kg=co2e_kg(legs, cargo.weight_kg, params),
        containers=boxes,
        chargeable=float(boxes) if box else round(cargo.revenue_tonnes, 3),
    )


def _sources(
    used: Sequence[RateLine], as_of: date, params: QuoteParams
) -> tuple[RateSource, ...]:
    seen: dict[int, RateSource] = {}
    for rate in used:
        seen.setdefault(rate.id, _source(rate, as_of, params))
    return tuple(seen.values())


def _air_options(
    *,
    origin: Origin,
    pod: str,
    cargo: Cargo,
    rates: Sequence[RateLine],
    network: Network,
    params: QuoteParams,
    as_of: date,
) -> tuple[list[QuoteOption], list[Omitted]]:
    options: list[QuoteOption] = []
    omitted: list[Omitted] = []
    gateway = (
        pod
        if pod in network.airports and pod not in params.air_gateways
        else params.air_gateways.get(pod)
    )
    if gateway is None or gateway not in network.airports:
        return options, [
            Omitted(
                "air", (origin.node.code, pod), Reason("no_gateway", "air", "", pod)
            )
        ]
    arrival = network.airports[gateway]
    chargeable = max(cargo.weight_kg, cargo.volume_m3 * params.volumetric_kg_per_m3)
    for airport_code in params.air_origins:
        route = (origin.node.code, airport_code, gateway)
        airport = network.airports[airport_code]
        lane = [
            r
            for r in rates
            if r.mode == "air" and r.origin == airport_code and r.destination == gateway
        ]
        valid = _valid(lane, as_of, cargo.kind)
        if not valid:
            omitted.append(
                Omitted(
                    "air", route, _no_rate("air", airport_code, gateway, lane, as_of)
                )
            )
            continue
        try:
            approach = _approach(origin, airport, network, params)
            cheapest = min(valid, key=lambda r: (_apply(r, chargeable), r.id))
            option = _price_air(
                rate=cheapest,
                approach=approach,
                airport=airport,
                arrival=arrival,
                origin=origin,
                cargo=cargo,
                chargeable=chargeable,
                rates=rates,
                params=params,
                as_of=as_of,
            )
        except NoRateError as exc:
            omitted.append(Omitted("air", route, exc.reason))
            continue
        options.append(option)
    return options, omitted


def _approach(
    origin: Origin, airport: Node, network: Network, params: QuoteParams
) -> list[Leg]:
    if origin.node.code == airport.code:
        return []
    nodes = {**network.nodes, airport.code: airport}
    return first_mile(
        origin,
        airport.code,
        Network(nodes, network.airports, network.sea_km, network.sea_paths),
        params,
    )


def _price_air(
    *,
    rate: RateLine,
    approach: Sequence[Leg],
    airport: Node,
    arrival: Node,
    origin: Origin,
    cargo: Cargo,
    chargeable: float,
    rates: Sequence[RateLine],
    params: QuoteParams,
    as_of: date,
) -> QuoteOption:
    breakdown: list[CostItem] = []
    used: list[RateLine] = []
    for leg in approach:
        cost, land_rate = _cheapest_land(
            leg, rates, as_of=as_of, cargo=cargo, trucks=1, chargeable_kg=chargeable
        )
        breakdown.append(
            CostItem(leg.mode, cost, leg.origin.name, leg.destination.name)
        )
        used.append(land_rate)
    breakdown.append(
        CostItem(
            "air_freight",
            _apply(rate, chargeable),
            airport.code,
            arrival.code,
            rate.via,
        )
    )
    used.append(rate)
    for port in (airport.code, arrival.code):
        for cost, local in _local_charges(
            port,
            "air",
            rates,
            as_of=as_of,
            cargo=cargo,
            container_code="",
            boxes=0,
            chargeable_kg=chargeable,
        ):
            breakdown.append(CostItem("local", cost, port, "", local.charge))
            used.append(local)
    flight_km = great_circle_km(airport, arrival) + params.air_uplift_km
    air_leg = Leg(airport, arrival, "air", round(flight_km, 1), _line(airport, arrival))
    legs = (*approach, air_leg)
    per_week = rate.departures_per_week or params.default_flights_per_week
    if rate.transit_days_min is not None and rate.transit_days_max is not None:
        flight = Range(rate.transit_days_min, rate.transit_days_max)
    else:
        hours = flight_km / params.air_speed_kmh / HOURS_PER_DAY
        hub = params.air_hub_dwell_days if rate.via else Range(0, 0)
        flight = Range(hours + hub.min, hours + hub.max)
    days = _sum(
        [
            *_first_mile_days(approach, params),
            params.cutoff_days["air"],
            Range(0, 7 / per_week),
            flight,
            params.clearance_days["air"],
        ]
    )
    return QuoteOption(
        mode="air",
        route=(origin.node.code, *(leg.destination.code for leg in legs)),
        legs=legs,
        distance_km=round(sum(leg.distance_km for leg in legs), 1),
        transit_days=days,
        total_usd=round(sum(i.amount for i in breakdown), 2),
        breakdown=tuple(replace(i, amount=round(i.amount, 2)) for i in breakdown),
        rate_sources=_sources(used, as_of, params),
        co2e_kg=co2e_kg(legs, cargo.weight_kg, params),
        chargeable=round(chargeable, 1),
    )


def quote_routes(
    *,
    origin: Origin,
    destination: str,
    cargo: Cargo,
    rates: Sequence[RateLine],
    network: Network,
    params: QuoteParams,
    containers: Sequence[ContainerCap],
    as_of: date,
) -> QuoteResult:
    """Every option door to `destination` (a Malaysian seaport or airport code), cheapest first."""
    if cargo.weight_kg <= 0 or cargo.volume_m3 <= 0:
        raise ValueError("weight and volume must be positive")
    options: list[QuoteOption] = []
    omitted: list[Omitted] = []
    if destination in network.nodes:
        departure_ports = [PANJANG, PRIOK]
        if (
            origin.node.code in network.nodes
            and origin.node.code not in (PANJANG, BAKAUHENI, MERAK)
            and not origin.is_regency
        ):
            departure_ports = (
                [origin.node.code] if origin.node.code != PRIOK else [PRIOK]
            )
        for pol in departure_ports:
            found, left = _sea_options(
                origin=origin,
                pol=pol,
                pod=destination,
                cargo=cargo,
                rates=rates,
                network=network,
                params=params,
                containers=containers,
                as_of=as_of,
            )
            options += found
            omitted += left
    found, left = _air_options(
        origin=origin,
        pod=destination,
        cargo=cargo,
        rates=rates,
        network=network,
        params=params,
        as_of=as_of,
    )
    options += found
    omitted += left
    options.sort(key=lambda o: (o.total_usd, o.mode, o.route))
    return QuoteResult(tuple(options), tuple(omitted))
