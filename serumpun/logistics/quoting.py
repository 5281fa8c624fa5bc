"""Route quotes from the database: resolve the origin, load the rate book, run the pure engine.

`quote()` is what the API, the quote page and the pooling helper's landed-cost page and lane
scenario call. It reads three things (ports, the origin regency, the rate book lines that could
apply) in a constant number of queries, converts rate amounts to USD and hands everything to
`rules.quote.quote_routes`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from serumpun.core.models import Port, Regency
from serumpun.logistics import network
from serumpun.logistics.models import CargoKind, Rate, RateMode
from serumpun.logistics.rules.quote import (
    BAKAUHENI,
    MERAK,
    PANJANG,
    PRIOK,
    Cargo,
    Node,
    Origin,
    QuoteOption,
    QuoteParams,
    QuoteResult,
    RateLine,
    quote_routes,
)

__all__ = ["QuoteOption", "QuoteResult", "quote", "quote_with_reasons", "rate_lines"]

#: Malaysian destinations a quote may name (seaports and airports of our table)
DESTINATION_COUNTRY = "MY"
#: origins must be in Indonesia (Lampung regencies or our Indonesian ports)
ORIGIN_COUNTRY = "ID"
#: how far back expired rates are read to explain an omitted option
EXPIRED_LOOKBACK = timedelta(days=366)


#: the Rate columns the engine reads (fetched with .values(): no model instances)
RATE_COLUMNS = (
    "id",
    "mode",
    "basis",
    "origin_locode",
    "destination_locode",
    "via_locode",
    "container_code",
    "cargo_kind",
    "applies_to",
    "charge",
    "amount",
    "currency",
    "minimum",
    "valid_from",
    "valid_to",
    "source_title",
    "source_date",
    "confidence",
    "transit_days_min",
    "transit_days_max",
    "sailings_per_week",
)


def rate_lines(
    rows: Iterable[Mapping[str, Any]], fx: Mapping[str, float]
) -> list[RateLine]:
    """Rate-book rows (`.values(*RATE_COLUMNS)`) as the engine's lines, amounts in USD."""
    lines = []
    for row in rows:
        per_usd = fx.get(row["currency"])
        if per_usd is None:
            continue  # a currency we cannot convert is not priced (never guessed)
        minimum, per_week = row["minimum"], row["sailings_per_week"]
        lines.append(
            RateLine(
                id=row["id"],
                mode=row["mode"],
                basis=row["basis"],
                origin=row["origin_locode"],
                destination=row["destination_locode"],
                via=row["via_locode"],
                container_code=row["container_code"],
                cargo_kind=row["cargo_kind"],
                applies_to=row["applies_to"],
                charge=row["charge"],
                amount_usd=float(row["amount"]) * per_usd,
                minimum_usd=None if minimum is None else float(minimum) * per_usd,
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                source_title=row["source_title"],
                source_date=row["source_date"],
                confidence=row["confidence"],
                transit_days_min=row["transit_days_min"],
                transit_days_max=row["transit_days_max"],
                departures_per_week=None if per_week is None else float(per_week),
            )
        )
    return lines


@dataclass(frozen=True)
class RateBook:
    """The whole rate book as engine lines, indexed by lane: one snapshot per version."""

    version: tuple[Any, ...]
    by_lane: Mapping[tuple[str, str, str], tuple[RateLine, ...]]  # (mode, origin, dest)
    local: Mapping[str, tuple[RateLine, ...]]  # levied at a port
    land: tuple[RateLine, ...]  # road and ferry

    def lines_for(
        self, departure: list[str], destination: str, params: QuoteParams, day: date
    ) -> list[RateLine]:
        """The lines a quote to `destination` can use: valid on `day` or recently expired."""
        gateway = params.air_gateways.get(destination, destination)
        found: list[RateLine] = list(self.land)
        for pol in departure:
            for mode in (RateMode.SEA_LCL, RateMode.SEA_FCL):
                found += self.by_lane.get((mode, pol, destination), ())
        for airport in params.air_origins:
            found += self.by_lane.get((RateMode.AIR, airport, gateway), ())
        for port in {*departure, destination, *params.air_origins, gateway}:
            found += self.local.get(port, ())
        oldest = day - EXPIRED_LOOKBACK
        return [
            line
            for line in found
            if line.valid_from <= day
            and (line.valid_to is None or line.valid_to >= oldest)
        ]


@dataclass(frozen=True)
class Snapshot:
    """What every quote reads: the rate book, our ports and the regencies with coordinates."""

    version: tuple[Any, ...]
    rates: RateBook
    ports: tuple[Port, ...]
    regencies: Mapping[str, Regency]


_snapshot: Snapshot | None = None


def _version() -> tuple[Any, ...]:
    """One query over the three tables: any added, changed or deleted row changes it."""
    rate, port, regency = (
        Rate._meta.db_table,
        Port._meta.db_table,
        Regency._meta.db_table,
    )
    # Ports and regencies have no change stamp: their edited columns are summed instead.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {rate}), (SELECT MAX(updated_at) FROM {rate}),"  # noqa: S608 — table names from models, no input
        f" (SELECT MAX(id) FROM {rate}),"
        f" (SELECT COUNT(*) FROM {port}),"
        f" (SELECT SUM(lat + lon + LENGTH(name) + LENGTH(CAST(aliases AS TEXT))) FROM {port}),"
        f" (SELECT COUNT(*) FROM {regency} WHERE lat IS NOT NULL),"
        f" (SELECT SUM(lat + lon + COALESCE(road_km_to_panjang, 0) + LENGTH(capital))"
        f" FROM {regency} WHERE lat IS NOT NULL)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(row)


def snapshot() -> Snapshot:
    """The rate book, ports and regencies, re-read only when one of them changed.

    Quotes are read far more often than rates or reference rows change: the version costs
    one small query, the snapshot is rebuilt when it differs.
    """
    global _snapshot  # noqa: PLW0603 — a per-process cache, replaced whole
    version = _version()
    current = _snapshot
    if current is not None and current.version == version:
        return current
    by_lane: dict[tuple[str, str, str], list[RateLine]] = defaultdict(list)
    local: dict[str, list[RateLine]] = defaultdict(list)
    land: list[RateLine] = []
    for line in rate_lines(
        Rate.objects.values(*RATE_COLUMNS), network.fx_usd_per_unit()
    ):
        if line.mode in (RateMode.ROAD, RateMode.FERRY):
            land.append(line)
        elif line.mode == RateMode.LOCAL:
            local[line.origin].append(line)
        else:
            by_lane[(line.mode, line.origin, line.destination)].append(line)
    current = Snapshot(
        version=version,
        rates=RateBook(
            version=version,
            by_lane={k: tuple(v) for k, v in by_lane.items()},
            local={k: tuple(v) for k, v in local.items()},
            land=tuple(land),
        ),
        ports=tuple(Port.objects.all()),
        regencies={r.code: r for r in Regency.objects.filter(lat__isnull=False)},
    )
    _snapshot = current
    return current


def _resolve_origin(
    origin: str, ports: list[Port], regencies: Mapping[str, Regency]
) -> tuple[Origin, dict[str, list[str]]]:
    code = origin.strip().upper()
    errors: dict[str, list[str]] = {}
    if code.isdigit():
        regency = regencies.get(code)
        if regency is None or regency.lat is None or regency.lon is None:
            errors["origin"] = [_("Unknown regency code %(code)s.") % {"code": code}]
            return Origin(Node(code, code, 0.0, 0.0), is_regency=True), errors
        node = Node(code, regency.capital or regency.name, regency.lat, regency.lon)
        return Origin(
            node, is_regency=True, road_km_to_panjang=regency.road_km_to_panjang
        ), errors
    canonical = network.canonical_locode(code, ports)
    port = next(
        (p for p in ports if p.locode == canonical and p.country_id == ORIGIN_COUNTRY),
        None,
    )
    extra = {n.code: n for n in network.extra_nodes()}
    if port is not None:
        return Origin(Node(port.locode, port.name, port.lat, port.lon), False), errors
    if canonical in extra:
        return Origin(extra[canonical], is_regency=False), errors
    errors["origin"] = [_("Unknown LOCODE %(code)s.") % {"code": code}]
    return Origin(Node(code, code, 0.0, 0.0), is_regency=False), errors


def _resolve_destination(code: str, ports: list[Port]) -> str | None:
    canonical = network.canonical_locode(code, ports)
    if canonical is None:
        return None
    ok = any(
        p.locode == canonical and p.country_id == DESTINATION_COUNTRY for p in ports
    )
    return canonical if ok else None


def quote_with_reasons(
    *,
    origin: str,
    destination_locode: str,
    weight_kg: float | Decimal,
    volume_m3: float | Decimal,
    kind: str = CargoKind.GENERAL,
    ready_date: date | None = None,
    as_of: date,
) -> QuoteResult:
    """Every option and every omitted option with its reason.

    `origin` is a regency code ("1801") or an Indonesian LOCODE (aliases accepted). Rates are
    those valid on `ready_date` (or `as_of`), so a shipment ready after a rate expires is not
    priced with it. Raises ValidationError naming the field for bad input.
    """
    current = snapshot()
    ports = list(current.ports)
    resolved, errors = _resolve_origin(origin, ports, current.regencies)
    destination = _resolve_destination(destination_locode, ports)
    if destination is None:
        errors["destination"] = [
            _("Unknown Malaysian LOCODE %(code)s.") % {"code": destination_locode}
        ]
    if float(weight_kg) <= 0:
        errors["weight_kg"] = [_("Weight must be more than zero.")]
    if float(volume_m3) <= 0:
        errors["volume_m3"] = [_("Volume must be more than zero.")]
    if kind not in CargoKind.values:
        errors["kind"] = [_("Cargo must be general or reefer.")]
    if errors:
        raise ValidationError(errors)
    assert destination is not None  # noqa: S101 — checked above; narrows the type
    day = max(ready_date or as_of, as_of)
    params = network.quote_params()
    departure = [PANJANG, PRIOK] + [
        code for code in (resolved.node.code,) if code not in (PANJANG, PRIOK)
    ]
    lines = current.rates.lines_for(departure, destination, params, day)
    hubs = {line.via for line in lines if line.via}
    sea_pairs = {(BAKAUHENI, MERAK)}
    for pol in departure:
        sea_pairs.add((pol, destination))
        for hub in hubs:
            sea_pairs.update({(pol, hub), (hub, destination)})
    net = network.build_network(ports, sea_pairs)
    return quote_routes(
        origin=resolved,
        destination=destination,
        cargo=Cargo(float(weight_kg), float(volume_m3), kind),
        rates=lines,
        network=net,
        params=params,
        containers=network.container_caps(),
        as_of=day,
    )


def quote(
    *,
    origin: str,
    destination_locode: str,
    weight_kg: float | Decimal,
    volume_m3: float | Decimal,
    kind: str = CargoKind.GENERAL,
    ready_date: date | None = None,
    as_of: date,
) -> list[QuoteOption]:
    """The priced options, cheapest first (see `quote_with_reasons` for the omitted ones)."""
    return list(
        quote_with_reasons(
            origin=origin,
            destination_locode=destination_locode,
            weight_kg=weight_kg,
            volume_m3=volume_m3,
            kind=kind,
            ready_date=ready_date,
            as_of=as_of,
        ).options
    )
