"""Route quotes from the database: resolve the origin, load the rate book, run the pure engine.

`quote()` is what the API, the quote page and the pooling helper's landed-cost page and lane
scenario call. It reads three things (ports, the origin regency, the rate book lines that could
apply) in a constant number of queries, converts rate amounts to USD and hands everything to
`rules.quote.quote_routes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from serumpun.core.models import Port, Regency
from serumpun.logistics import network
from serumpun.logistics.models import CargoKind, Rate
from serumpun.logistics.rules.quote import (
    BAKAUHENI,
    MERAK,
    PANJANG,
    PRIOK,
    Cargo,
    Node,
    Origin,
    QuoteOption,
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


def rate_lines(rates: Iterable[Rate], fx: dict[str, float]) -> list[RateLine]:
    """Rate-book rows as the engine's lines, amounts converted to USD."""
    lines = []
    for rate in rates:
        per_usd = fx.get(rate.currency)
        if per_usd is None:
            continue  # a currency we cannot convert is not priced (never guessed)
        lines.append(
            RateLine(
                id=rate.pk,
                mode=rate.mode,
                basis=rate.basis,
                origin=rate.origin_locode,
                destination=rate.destination_locode,
                via=rate.via_locode,
                container_code=rate.container_code,
                cargo_kind=rate.cargo_kind,
                applies_to=rate.applies_to,
                charge=rate.charge,
                amount_usd=float(rate.amount) * per_usd,
                minimum_usd=None
                if rate.minimum is None
                else float(rate.minimum) * per_usd,
                valid_from=rate.valid_from,
                valid_to=rate.valid_to,
                source_title=rate.source_title,
                source_date=rate.source_date,
                confidence=rate.confidence,
                transit_days_min=rate.transit_days_min,
                transit_days_max=rate.transit_days_max,
                departures_per_week=None
                if rate.sailings_per_week is None
                else float(rate.sailings_per_week),
            )
        )
    return lines


def _resolve_origin(
    origin: str, ports: list[Port]
) -> tuple[Origin, dict[str, list[str]]]:
    code = origin.strip().upper()
    errors: dict[str, list[str]] = {}
    if code.isdigit():
        regency = Regency.objects.filter(code=code).first()
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
    ports = list(Port.objects.all())
    resolved, errors = _resolve_origin(origin, ports)
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
    hubs = _hubs()
    sea_pairs = {(BAKAUHENI, MERAK)}
    for pol in departure:
        sea_pairs.add((pol, destination))
        for hub in hubs:
            sea_pairs.update({(pol, hub), (hub, destination)})
    net = network.load_network(sea_pairs)
    lane_codes = {
        "",
        destination,
        *departure,
        BAKAUHENI,
        MERAK,
        *params.air_origins,
        *params.air_gateways.values(),
    }
    rates = Rate.objects.filter(
        Q(origin_locode__in=lane_codes) | Q(mode="road"),
        valid_from__lte=day,
    ).filter(
        # recently expired rates too, so an omitted option can say its rate expired
        Q(valid_to__isnull=True) | Q(valid_to__gte=day - EXPIRED_LOOKBACK)
    )
    lines = rate_lines(rates, network.fx_usd_per_unit())
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


def _hubs() -> list[str]:
    """Transshipment ports the rate book may route through (Singapore, Tanjung Pelepas)."""
    return list(
        Rate.objects.exclude(via_locode="")
        .values_list("via_locode", flat=True)
        .distinct()
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
