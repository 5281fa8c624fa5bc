"""POST /logistics/consolidations and GET /logistics/lanes/demand (API.md "Logistics").

Consolidation is stateless: the body's shipments are pooled with the rate book's prices valid
today (`pricing.pooling_costs`) by `rules.consolidation.plan_consolidation`; nothing is saved.
Lane demand answers the published, suppressed figures of `queries_demand`. Every input is
bounded, so random input is a 422, never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import field_validator, model_validator

from serumpun.accounts.roles import require_permission
from serumpun.core.models import Port
from serumpun.core.pagination import LimitOffset
from serumpun.logistics import network, pricing
from serumpun.logistics.containers import (
    container_specs,
    container_types,
    max_window_weeks,
)
from serumpun.logistics.queries_demand import DemandQuery, default_months, lane_demand
from serumpun.logistics.rules.consolidation import (
    MissingRateError,
    ShipmentLoad,
    plan_consolidation,
)
from serumpun.logistics.rules.lane_demand import (
    DEFAULT_MIN_SHIPPERS,
    STATUSES,
    Figure,
    LaneMonth,
    month_range,
)
from serumpun.logistics.rules.quote import PANJANG

router = Router(tags=["logistics"])

MAX_SHIPMENTS = 2000
MAX_VOLUME_M3 = 10_000.0
MAX_WEIGHT_KG = 1_000_000.0
MAX_TIME_LIMIT_S = 60.0
DEFAULT_TIME_LIMIT_S = 10.0
#: dates far from today are typos (and year 9999 would overflow week arithmetic)
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
LOCODE_PATTERN = r"^[A-Za-z]{2}[A-Za-z0-9]{3}$"
MONTH_PATTERN = r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"

Kind = Literal["general", "reefer"]


class ShipmentIn(Schema):
    """One shipment to pool."""

    id: str = Field(..., min_length=1, max_length=64)
    volume_m3: float = Field(..., gt=0, le=MAX_VOLUME_M3)
    weight_kg: float = Field(..., gt=0, le=MAX_WEIGHT_KG)
    destination_locode: str = Field(..., pattern=LOCODE_PATTERN)
    ready_date: dt.date
    latest_date: dt.date | None = None
    kind: Kind = "general"

    @field_validator("ready_date", "latest_date")
    @classmethod
    def _plausible(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValueError(f"must be between {EARLIEST} and {LATEST}")
        return value

    @model_validator(mode="after")
    def _window(self) -> ShipmentIn:
        if self.latest_date is not None and self.latest_date < self.ready_date:
            raise ValueError("latest_date must not be before ready_date")
        return self


class ConsolidationIn(Schema):
    """Body of POST /logistics/consolidations."""

    shipments: list[ShipmentIn] = Field(..., min_length=1, max_length=MAX_SHIPMENTS)
    container_types: list[Annotated[str, Field(max_length=8)]] | None = Field(
        None,
        max_length=20,
        description="Container types to use (default: all of data/logistics/containers.yaml).",
    )
    time_limit_s: float = Field(DEFAULT_TIME_LIMIT_S, gt=0, le=MAX_TIME_LIMIT_S)


class ContainerOut(Schema):
    """One box of the plan."""

    type: str
    destination_locode: str
    kind: Kind
    sail_week: dt.date = Field(..., description="Monday of the sailing week.")
    shipment_ids: list[str]
    volume_m3: float
    weight_kg: float
    fill_volume: float
    fill_weight: float
    cost_usd: float


class CostShareOut(Schema):
    """What one shipment pays: its W/M share of its box, or its LCL price."""

    shipment_id: str
    usd: float


class FlagOut(Schema):
    """A shipment sent LCL because no box can take it."""

    shipment_id: str
    reason: Literal["too_large", "no_rate"]


class ConsolidationOut(Schema):
    """The plan (API.md)."""

    containers: list[ContainerOut]
    lcl: list[str]
    lower_bound_containers: int
    status: Literal["optimal", "feasible"]
    cost_usd: float
    cost_lower_bound_usd: float
    ship_when_ready_usd: float
    first_fit_decreasing_usd: float
    cost_split: list[CostShareOut]
    flagged: list[FlagOut]
    rates_as_of: dt.date


def _errors(loc: list[Any], msg: str) -> ValidationError:
    return ValidationError([{"loc": ["body", *loc], "msg": msg}])


def _malaysian_seaports() -> tuple[list[Port], set[str]]:
    ports = list(Port.objects.all())
    return ports, {
        p.locode for p in ports if p.country_id == "MY" and p.kind == Port.Kind.SEAPORT
    }


@router.post(
    "/consolidations",
    response=ConsolidationOut,
    summary="Pool shipments into containers",
)
def consolidate(request: HttpRequest, payload: ConsolidationIn) -> dict[str, Any]:
    """Pool shipments into shared containers at least cost; stragglers LCL (not saved)."""
    require_permission(request.user, "consolidation.plan")
    known = container_types()
    codes = payload.container_types
    if codes is not None:
        for n, code in enumerate(codes):
            if code not in known:
                raise _errors(
                    ["container_types", n], f"unknown container type {code!r}"
                )
        if not codes:
            raise _errors(["container_types"], "name at least one container type")
    ports, seaports = _malaysian_seaports()
    seen: set[str] = set()
    loads = []
    for n, item in enumerate(payload.shipments):
        locode = network.canonical_locode(item.destination_locode, ports)
        if locode not in seaports:
            raise _errors(
                ["shipments", n, "destination_locode"],
                f"unknown Malaysian seaport {item.destination_locode!r}",
            )
        if item.id in seen:
            raise _errors(["shipments", n, "id"], "shipment ids must be unique")
        seen.add(item.id)
        loads.append(
            ShipmentLoad(
                id=item.id,
                volume_m3=item.volume_m3,
                weight_kg=item.weight_kg,
                destination_locode=str(locode),
                ready_date=item.ready_date,
                latest_date=item.latest_date,
                kind=item.kind,
            )
        )
    as_of = timezone.localdate()
    costs = pricing.pooling_costs({s.destination_locode for s in loads}, as_of=as_of)
    try:
        plan = plan_consolidation(
            loads,
            containers=container_specs(codes),
            costs=costs,
            time_limit_s=payload.time_limit_s,
            max_window_weeks=max_window_weeks(),
        )
    except MissingRateError as exc:
        index = next(
            n
            for n, s in enumerate(loads)
            if s.destination_locode == exc.destination_locode and s.kind == exc.kind
        )
        raise _errors(
            ["shipments", index, "destination_locode"],
            f"no valid rate to {exc.destination_locode} for {exc.kind} cargo",
        ) from exc
    return {
        "containers": plan.containers,
        "lcl": list(plan.lcl),
        "lower_bound_containers": plan.lower_bound_containers,
        "status": plan.status,
        "cost_usd": plan.cost_usd,
        "cost_lower_bound_usd": plan.cost_lower_bound_usd,
        "ship_when_ready_usd": plan.ship_when_ready_usd,
        "first_fit_decreasing_usd": plan.first_fit_decreasing_usd,
        "cost_split": [
            {"shipment_id": k, "usd": v} for k, v in plan.cost_split.items()
        ],
        "flagged": [{"shipment_id": k, "reason": v} for k, v in plan.flagged.items()],
        "rates_as_of": as_of,
    }


# --- Lane demand -------------------------------------------------------------------------------


class DemandFilters(Schema):
    """Query of GET /logistics/lanes/demand."""

    origin: str | None = Field(
        None,
        alias="from",
        pattern=LOCODE_PATTERN,
        description="Port of loading (Lampung cargo loads at Panjang, IDPJG).",
    )
    to: str | None = Field(
        None, pattern=LOCODE_PATTERN, description="Port of discharge."
    )
    month: str | None = Field(
        None,
        pattern=MONTH_PATTERN,
        description="YYYY-MM; default: the last 12 months and the next 3.",
    )


class FigureOut(Schema):
    """A status or HS-chapter figure; values are null when suppressed."""

    suppressed: bool
    teu: float | None
    tonnes: float | None
    shipments: int | None
    share: float | None


class ChapterOut(FigureOut):
    """An HS chapter's part of a lane-month."""

    chapter: str


class LaneMonthOut(Schema):
    """One lane and month; figures are null when fewer than 3 shippers."""

    lane: str
    origin_locode: str
    destination_locode: str
    month: str
    suppressed: bool
    shippers: int | None
    shipments: int | None
    teu: float | None
    tonnes: float | None
    volume_m3: float | None
    reefer_share: float | None
    shipped: FigureOut | None
    booked: FigureOut | None
    pledged: FigureOut | None
    hs_chapters: list[ChapterOut]
    min_shippers: int


def _figure(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "suppressed": figure.suppressed,
        "teu": figure.teu,
        "tonnes": figure.tonnes,
        "shipments": figure.shipments,
        "share": figure.share,
    }


def lane_month_out(cell: LaneMonth) -> dict[str, Any]:
    """The API's (and the CSV's) view of a published lane-month."""
    return {
        "lane": cell.lane,
        "origin_locode": cell.origin_locode,
        "destination_locode": cell.destination_locode,
        "month": cell.month.strftime("%Y-%m"),
        "suppressed": cell.suppressed,
        "shippers": cell.shippers,
        "shipments": cell.shipments,
        "teu": cell.teu,
        "tonnes": cell.tonnes,
        "volume_m3": cell.volume_m3,
        "reefer_share": cell.reefer_share,
        **{status: _figure(cell.status(status)) for status in STATUSES},
        "hs_chapters": [
            {"chapter": f.key, **(_figure(f) or {})} for f in cell.by_chapter
        ],
        "min_shippers": DEFAULT_MIN_SHIPPERS,
    }


def resolve_demand_query(
    origin: str | None, destination: str | None, month: str | None, *, today: dt.date
) -> tuple[DemandQuery | None, dict[str, str]]:
    """The query for these filters, or field → message for unknown ports."""
    ports = list(Port.objects.all())
    errors: dict[str, str] = {}
    pol = PANJANG
    if origin:
        pol = network.canonical_locode(origin, ports) or ""
        if not pol:
            errors["from"] = f"unknown LOCODE {origin!r}"
    pod = None
    if destination:
        pod = network.canonical_locode(destination, ports)
        if pod is None:
            errors["to"] = f"unknown LOCODE {destination!r}"
    if errors:
        return None, errors
    if month:
        first = last = dt.date(int(month[:4]), int(month[5:7]), 1)
    else:
        first, last = default_months(today)
    return DemandQuery(
        first_month=first, last_month=last, origin_locode=pol, destination_locode=pod
    ), {}


class DemandPage(Schema):
    """A page of lane-months."""

    items: list[LaneMonthOut]
    count: int
    months: list[str]


@router.get("/lanes/demand", response=DemandPage, summary="Lane demand evidence")
def lanes_demand(
    request: HttpRequest,
    filters: Query[DemandFilters],
    page: Query[LimitOffset.Input],
) -> dict[str, Any]:
    """Demand per lane and month: TEU, tonnes, status, shippers; small cells suppressed."""
    require_permission(request.user, "lane_demand.view")
    query, errors = resolve_demand_query(
        filters.origin, filters.to, filters.month, today=timezone.localdate()
    )
    if query is None:
        raise ValidationError(
            [{"loc": ["query", field], "msg": msg} for field, msg in errors.items()]
        )
    cells = lane_demand(query)
    window = cells[page.offset : page.offset + page.limit]
    return {
        "items": [lane_month_out(c) for c in window],
        "count": len(cells),
        "months": [
            m.strftime("%Y-%m")
            for m in month_range(query.first_month, query.last_month)
        ],
    }
