"""Lane demand from the shipments table: sums per lane and month, aggregated in the database.

Three grouped queries whatever the number of shipments or months (totals, by status, by HS
chapter); `rules.lane_demand` turns the sums into published, suppressed figures. Every
Lampung shipment is counted on the lane from Panjang (the province's port of loading) to its
destination port; cancelled shipments are left out. A shipment counts in the month it is ready.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from serumpun.core.models import Port
from serumpun.logistics import network
from serumpun.logistics.containers import container_types
from serumpun.logistics.models import Rate, Shipment, ShipmentStatus
from serumpun.logistics.quoting import RATE_COLUMNS, rate_lines
from serumpun.logistics.rules.lane_demand import (
    DEFAULT_MIN_SHIPPERS,
    Box20,
    CellSums,
    LaneMonth,
    SubCell,
    month_range,
    publish_cell,
)
from serumpun.logistics.rules.quote import (
    PANJANG,
    Cargo,
    Node,
    Origin,
    QuoteOption,
    RateLine,
    quote_routes,
)

#: the default window: the past year and the pledges of the next quarter
MONTHS_BACK = 11
MONTHS_AHEAD = 3
MONTHS_PER_YEAR = 12
#: the container type that defines a TEU
TEU_TYPE = "20GP"
HS_CHAPTER_DIGITS = 2


@dataclass(frozen=True)
class DemandQuery:
    """Which lanes and months to report."""

    first_month: date
    last_month: date
    origin_locode: str = PANJANG
    destination_locode: str | None = None


def default_months(today: date) -> tuple[date, date]:
    """The past year and the next quarter, as first days of months."""
    index = today.year * MONTHS_PER_YEAR + today.month - 1
    back, ahead = index - MONTHS_BACK, index + MONTHS_AHEAD
    return (
        date(back // MONTHS_PER_YEAR, back % MONTHS_PER_YEAR + 1, 1),
        date(ahead // MONTHS_PER_YEAR, ahead % MONTHS_PER_YEAR + 1, 1),
    )


def teu_box() -> Box20:
    """The 20' box of containers.yaml (usable volume after stowage, payload)."""
    box = container_types()[TEU_TYPE]
    return Box20(usable_volume_m3=box.usable_volume_m3, payload_kg=box.payload_kg)


def _after(month: date) -> date:
    """The first day of the next month."""
    return month_range(month, month.replace(day=28) + timedelta(days=4))[-1]


def _shipments(query: DemandQuery) -> QuerySet[Shipment]:
    shipments = Shipment.objects.exclude(status=ShipmentStatus.CANCELLED).filter(
        ready_date__gte=query.first_month, ready_date__lt=_after(query.last_month)
    )
    if query.destination_locode:
        shipments = shipments.filter(destination_locode=query.destination_locode)
    return shipments


SUMS: dict[str, Any] = {
    "shippers": Count("msme", distinct=True),
    "shipments": Count("id"),
    "volume": Sum("volume_m3"),
    "weight": Sum("weight_kg"),
}


def _sub(row: dict[str, Any], key: str) -> SubCell:
    return SubCell(
        key=str(row[key]),
        shippers=int(row["shippers"]),
        shipments=int(row["shipments"]),
        volume_m3=float(row["volume"] or 0),
        weight_kg=float(row["weight"] or 0),
    )


def demand_sums(query: DemandQuery) -> list[CellSums]:
    """Sums per (destination, month) with status and HS-chapter breakdowns: three queries."""
    if query.origin_locode != PANJANG:
        return []  # Lampung cargo is counted as loading at Panjang only
    base = _shipments(query).annotate(month=TruncMonth("ready_date"))
    keys = ("destination_locode", "month")
    totals = (
        base.values(*keys)
        .annotate(**SUMS, reefer=Sum("volume_m3", filter=Q(kind="reefer")))
        .order_by(*keys)
    )
    statuses = base.values(*keys, "status").annotate(**SUMS).order_by()
    chapters = (
        base.annotate(chapter=Substr("hs_code", 1, HS_CHAPTER_DIGITS))
        .values(*keys, "chapter")
        .annotate(**SUMS)
        .order_by()
    )
    by_status: dict[tuple[str, date], list[SubCell]] = defaultdict(list)
    for row in statuses:
        by_status[(row["destination_locode"], row["month"])].append(_sub(row, "status"))
    by_chapter: dict[tuple[str, date], list[SubCell]] = defaultdict(list)
    for row in chapters:
        by_chapter[(row["destination_locode"], row["month"])].append(
            _sub(row, "chapter")
        )
    cells = []
    for row in totals:
        key = (row["destination_locode"], row["month"])
        cells.append(
            CellSums(
                origin_locode=PANJANG,
                destination_locode=row["destination_locode"],
                month=_as_date(row["month"]),
                shippers=int(row["shippers"]),
                shipments=int(row["shipments"]),
                volume_m3=float(row["volume"] or 0),
                weight_kg=float(row["weight"] or 0),
                reefer_volume_m3=float(row["reefer"] or 0),
                by_status=tuple(by_status[key]),
                by_chapter=tuple(by_chapter[key]),
            )
        )
    return cells


def _as_date(value: Any) -> date:
    # TruncMonth gives a date on both backends for a DateField; a datetime would be a bug
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def lane_demand(
    query: DemandQuery, *, min_shippers: int = DEFAULT_MIN_SHIPPERS
) -> list[LaneMonth]:
    """The published lane-months, suppressed where fewer than `min_shippers` shippers."""
    box = teu_box()
    return [
        publish_cell(cell, box=box, min_shippers=min_shippers)
        for cell in demand_sums(query)
    ]


# --- The "weekly direct Panjang–Port Klang call" scenario -------------------------------------

#: what the scenario compares: a typical MSME LCL consignment and one full 20' box
SCENARIO_CARGO = {
    "sea_lcl": Cargo(weight_kg=800.0, volume_m3=2.0, kind="general"),
    "sea_fcl_20": Cargo(weight_kg=10_000.0, volume_m3=20.0, kind="general"),
}
SCENARIO_DESTINATION = "MYPKG"
#: a weekly call: one departure a week
SCENARIO_DEPARTURES_PER_WEEK = 1.0


@dataclass(frozen=True)
class ScenarioRow:
    """Today's cheapest routing vs a modelled direct call, for one mode."""

    mode: str
    today: QuoteOption | None
    direct: QuoteOption | None


def _direct(line: RateLine) -> RateLine:
    # A direct call is modelled at today's through rate (no public price exists for it):
    # the difference shown is time and emissions, and the hub's charges if any.
    return replace(
        line,
        via="",
        transit_days_min=None,
        transit_days_max=None,
        departures_per_week=SCENARIO_DEPARTURES_PER_WEEK,
    )


def direct_call_scenario(*, as_of: date) -> list[ScenarioRow]:
    """Panjang → Port Klang today (via the rate book's hub) vs a weekly direct call.

    Constant queries: ports, hubs and rates once, whatever the modes compared.
    """
    ports = list(Port.objects.all())
    panjang = next(
        (p for p in ports if p.locode == PANJANG and p.kind == Port.Kind.SEAPORT), None
    )
    if panjang is None:
        return []
    hubs = set(Rate.objects.exclude(via_locode="").values_list("via_locode", flat=True))
    pairs = {(PANJANG, SCENARIO_DESTINATION)}
    for hub in hubs:
        pairs.update({(PANJANG, hub), (hub, SCENARIO_DESTINATION)})
    net = network.build_network(ports, pairs)
    rates = rate_lines(
        Rate.objects.valid_on(as_of)
        .filter(Q(origin_locode__in=[PANJANG, SCENARIO_DESTINATION, *hubs]))
        .values(*RATE_COLUMNS),
        network.fx_usd_per_unit(),
    )
    direct_rates = [
        _direct(r)
        if r.mode in ("sea_lcl", "sea_fcl")
        and r.origin == PANJANG
        and r.destination == SCENARIO_DESTINATION
        else r
        for r in rates
    ]
    origin = Origin(
        Node(panjang.locode, panjang.name, panjang.lat, panjang.lon), is_regency=False
    )
    params = network.quote_params()
    containers = network.container_caps()
    rows = []
    for mode, cargo in SCENARIO_CARGO.items():
        found = []
        for lines in (rates, direct_rates):
            result = quote_routes(
                origin=origin,
                destination=SCENARIO_DESTINATION,
                cargo=cargo,
                rates=lines,
                network=net,
                params=params,
                containers=containers,
                as_of=as_of,
            )
            found.append(next((o for o in result.options if o.mode == mode), None))
        rows.append(ScenarioRow(mode=mode, today=found[0], direct=found[1]))
    return rows
