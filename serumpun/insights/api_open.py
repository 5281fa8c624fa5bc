"""The open-data API under /api/v1/open/: aggregated statistics, no sign-in, CC BY 4.0.

Every figure comes from the roll-up tables through `rules.open_data`, which fixes each cell
(a month, or a calendar year for breakdowns) and suppresses small ones; a request's `from`,
`to` and `regency` only select rows. The open-data page shows the same tables.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from serumpun.core.models import Port, Regency
from serumpun.core.reference import LAMPUNG_PROVINCE_CODE
from serumpun.insights.models import RefreshStatus, RollupRefresh
from serumpun.insights.queries import load_cube
from serumpun.insights.rules import open_data as rules
from serumpun.insights.rules.cube import Amount, add_months, month_range
from serumpun.labour.models import Grievance, Sector
from serumpun.logistics.queries_demand import teu_box
from serumpun.logistics.rules.lane_demand import teu_equivalent
from serumpun.logistics.rules.quote import PANJANG

router = Router(tags=["open data"], auth=None)

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
ATTRIBUTION = (
    "Serumpun — Pemerintah Provinsi Lampung dan KBRI Kuala Lumpur, data terbuka "
    "(CC BY 4.0)"
)
#: the default period: this month and the 23 before it
DEFAULT_MONTHS = 24
#: a longer period is refused: each calendar year it touches costs three queries
MAX_MONTHS = 60
MONTH_PATTERN = r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"
#: figures change only when the roll-ups are refreshed (daily)
CACHE_CONTROL = "public, max-age=3600"


# --- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenData:
    """The published tables of some years, the names they use and when they were computed."""

    publication: rules.Publication
    first_month: dt.date
    last_month: dt.date
    regency: str | None
    regency_names: dict[str, str]
    port_names: dict[str, str]
    refreshed_at: dt.datetime | None


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This month and the 23 before it."""
    last = today.replace(day=1)
    return add_months(last, 1 - DEFAULT_MONTHS), last


def last_refresh() -> dt.datetime | None:
    """When the roll-ups the figures come from were last refreshed."""
    finished: dt.datetime | None = (
        RollupRefresh.objects.filter(status=RefreshStatus.DONE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return finished


def load_open_data(
    first_month: dt.date, last_month: dt.date, regency: str | None = None
) -> OpenData:
    """The tables of the calendar years the period touches: 3 queries a year, then 3 more."""
    cubes = [
        load_cube(dt.date(year, 1, 1), dt.date(year, 12, 1))
        for year in range(first_month.year, last_month.year + 1)
    ]
    regency_names = dict(
        Regency.objects.filter(province_id=LAMPUNG_PROVINCE_CODE)
        .order_by("code")
        .values_list("code", "name")
    )
    everything = rules.build_publication(
        cubes,
        regencies=list(regency_names),
        sectors=[s.value for s in Sector],
        categories=[c.value for c in Grievance.Category],
        teu=partial(teu_equivalent, box=teu_box()),
    )
    lanes = {row.destination_locode for row in everything.shipments_by_year_lane}
    # A seaport and an airport may share a locode: read the seaport's name last, so it wins.
    port_names = dict(
        Port.objects.filter(locode__in=[PANJANG, *lanes])
        .order_by("kind")
        .values_list("locode", "name")
    )
    return OpenData(
        rules.select(everything, first_month, last_month, regency),
        first_month,
        last_month,
        regency or None,
        regency_names,
        port_names,
        last_refresh(),
    )


# --- schemas --------------------------------------------------------------------------------

#: a count: the number, "<5" for 1–4, or null when withheld so another cell stays hidden
CountOut = int | Literal["<5"] | None


class LicenceOut(Schema):
    name: str
    url: str


class AmountOut(Schema):
    """A sum: null with `suppressed` true when fewer than five parties contribute to it."""

    value: float | None
    suppressed: bool


class PeriodFilters(Schema):
    """Query of the open-data tables."""

    first: str | None = Field(
        None,
        alias="from",
        pattern=MONTH_PATTERN,
        description="First month, YYYY-MM; default: 23 months before `to`.",
    )
    to: str | None = Field(
        None, pattern=MONTH_PATTERN, description="Last month, YYYY-MM; default: now."
    )
    regency: str | None = Field(
        None,
        pattern=r"^\d{4}$",
        description="BPS code of a Lampung regency or city: only its rows of the "
        "tables by regency (the other tables are province-wide).",
    )


class Envelope(Schema):
    """What every open-data answer carries."""

    licence: LicenceOut
    attribution: str
    methodology_url: str
    generated_from_refresh_at: dt.datetime | None
    first_month: str
    last_month: str
    regency: str | None
    years: list[int]


class MsmeRegencyOut(Schema):
    year: int
    regency_code: str
    regency_name: str
    registered: CountOut
    verified: CountOut
    export_ready: CountOut


class MsmeMonthOut(Schema):
    month: str
    registered: CountOut
    verified: CountOut


class MsmeYearOut(Schema):
    year: int
    registered: CountOut
    verified: CountOut
    export_ready: CountOut
    export_ready_month: str | None


class MsmesOut(Envelope):
    """MSMEs (UMKM) registered, verified and export-ready for Malaysia."""

    by_regency: list[MsmeRegencyOut]
    by_month: list[MsmeMonthOut]
    by_year: list[MsmeYearOut]


class TradeMonthOut(Schema):
    month: str
    introductions: CountOut
    deals: CountOut
    deal_value_usd: AmountOut


class TradeYearOut(Schema):
    year: int
    introductions: CountOut
    deals: CountOut
    deal_value_usd: AmountOut


class TradeOut(Envelope):
    """Introductions of Lampung suppliers to Malaysian buyers, and the deals that followed."""

    by_month: list[TradeMonthOut]
    by_year: list[TradeYearOut]


class ShipmentFigures(Schema):
    shipments: CountOut
    tonnes: AmountOut
    teu: AmountOut


class ShipmentMonthOut(ShipmentFigures):
    month: str
    co2e_tonnes: AmountOut


class ShipmentYearOut(ShipmentFigures):
    year: int
    co2e_tonnes: AmountOut


class LaneMonthOut(ShipmentFigures):
    month: str
    origin_locode: str
    destination_locode: str
    destination_name: str


class LaneYearOut(ShipmentFigures):
    year: int
    origin_locode: str
    destination_locode: str
    destination_name: str


class ShipmentsOut(Envelope):
    """Shipments from Lampung (loading at Panjang) by month and lane."""

    by_month: list[ShipmentMonthOut]
    by_month_lane: list[LaneMonthOut]
    by_year_lane: list[LaneYearOut]
    by_year: list[ShipmentYearOut]


class DecisionFigures(Schema):
    endorsed: CountOut
    rejected: CountOut
    reviewed: CountOut


class JobOrderMonthOut(DecisionFigures):
    month: str


class JobOrderSectorOut(DecisionFigures):
    year: int
    sector: str


class JobOrderYearOut(DecisionFigures):
    year: int


class LabourRegencyOut(Schema):
    year: int
    regency_code: str
    regency_name: str
    seekers_registered: CountOut
    placements: CountOut


class PlacementSectorOut(Schema):
    year: int
    sector: str
    placements: CountOut


class LabourYearOut(Schema):
    year: int
    seekers_registered: CountOut
    placements: CountOut


class GrievanceMonthCategoryOut(Schema):
    month: str
    category: str
    grievances: CountOut


class GrievanceMonthOut(Schema):
    month: str
    grievances: CountOut


class GrievanceCategoryOut(Schema):
    year: int
    category: str
    grievances: CountOut


class GrievanceYearOut(Schema):
    year: int
    grievances: CountOut


class LabourOut(Envelope):
    """Job orders reviewed by the labour attaché, seekers, placements and grievances."""

    job_orders_by_month: list[JobOrderMonthOut]
    job_orders_by_sector: list[JobOrderSectorOut]
    job_orders_by_year: list[JobOrderYearOut]
    by_regency: list[LabourRegencyOut]
    placements_by_sector: list[PlacementSectorOut]
    by_year: list[LabourYearOut]
    grievances_by_month_category: list[GrievanceMonthCategoryOut]
    grievances_by_month: list[GrievanceMonthOut]
    grievances_by_category: list[GrievanceCategoryOut]
    grievances_by_year: list[GrievanceYearOut]


class DatasetOut(Schema):
    id: str
    title: str
    url: str
    tables: list[str]


class IndexOut(Schema):
    """The open data: what there is, under which licence, and how it is computed."""

    title: str
    licence: LicenceOut
    attribution: str
    methodology_url: str
    api_docs_url: str
    generated_from_refresh_at: dt.datetime | None
    datasets: list[DatasetOut]


# --- shaping --------------------------------------------------------------------------------


def _month(value: str) -> dt.date:
    return dt.date.fromisoformat(f"{value}-01")


def requested_period(
    first: str | None, last: str | None, *, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The months of `from` and `to` (YYYY-MM), by default this month and the 23 before."""
    last_month = _month(last) if last else default_period(today)[1]
    first_month = _month(first) if first else add_months(last_month, 1 - DEFAULT_MONTHS)
    return first_month, last_month


def period_problem(first_month: dt.date, last_month: dt.date) -> str | None:
    """Why a period cannot be answered, or None."""
    if first_month > last_month:
        return "must not be after 'to'"
    if len(month_range(first_month, last_month)) > MAX_MONTHS:
        return f"at most {MAX_MONTHS} months before 'to'"
    return None


def resolve_period(
    first: str | None, last: str | None, regency: str | None, *, today: dt.date
) -> tuple[dt.date, dt.date, str | None]:
    """The period and regency a request asks for; ValidationError names a bad field."""
    first_month, last_month = requested_period(first, last, today=today)
    errors = []
    if problem := period_problem(first_month, last_month):
        errors.append({"loc": ["query", "from"], "msg": problem})
    if (
        regency
        and not Regency.objects.filter(
            code=regency, province_id=LAMPUNG_PROVINCE_CODE
        ).exists()
    ):
        errors.append({"loc": ["query", "regency"], "msg": "unknown Lampung regency"})
    if errors:
        raise ValidationError(errors)
    return first_month, last_month, regency or None


def methodology_url(request: HttpRequest) -> str:
    """The methodology note on the open-data page, as an absolute address."""
    return request.build_absolute_uri(reverse("open_data:index") + "#methodology")


def envelope(request: HttpRequest, data: OpenData) -> dict[str, Any]:
    """What every dataset answer carries: licence, attribution, methodology, refresh, period."""
    return {
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "methodology_url": methodology_url(request),
        "generated_from_refresh_at": data.refreshed_at,
        "first_month": rules.month_key(data.first_month),
        "last_month": rules.month_key(data.last_month),
        "regency": data.regency,
        "years": data.publication.years,
    }


def _period(period: str) -> dict[str, Any]:
    """A row's month ("YYYY-MM") or calendar year."""
    if len(period) == len("YYYY"):
        return {"year": int(period)}
    return {"month": period}


def _amount(value: Amount | None) -> dict[str, Any]:
    if value is None:
        return {"value": None, "suppressed": True}
    return {"value": value.value, "suppressed": value.suppressed}


def _shipment(row: rules.ShipmentRow, data: OpenData) -> dict[str, Any]:
    out: dict[str, Any] = {
        **_period(row.period),
        "shipments": row.shipments,
        "tonnes": _amount(row.tonnes),
        "teu": _amount(row.teu),
    }
    if row.destination_locode:
        out |= {
            "origin_locode": PANJANG,
            "destination_locode": row.destination_locode,
            "destination_name": data.port_names.get(
                row.destination_locode, row.destination_locode
            ),
        }
    else:
        out["co2e_tonnes"] = _amount(row.co2e_tonnes)
    return out


def _decision(row: rules.SectorDecisionRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        **_period(row.period),
        "endorsed": row.endorsed,
        "rejected": row.rejected,
        "reviewed": row.reviewed,
    }
    if row.sector:
        out["sector"] = row.sector
    return out


def _grievance(row: rules.GrievanceRow) -> dict[str, Any]:
    out: dict[str, Any] = {**_period(row.period), "grievances": row.grievances}
    if row.category:
        out["category"] = row.category
    return out


def msmes_out(data: OpenData) -> dict[str, Any]:
    pub = data.publication
    return {
        "by_regency": [
            {**vars(r), "regency_name": data.regency_names.get(r.regency_code, "")}
            for r in pub.msmes_by_regency
        ],
        "by_month": [vars(r) for r in pub.msmes_by_month],
        "by_year": [vars(r) for r in pub.msmes_by_year],
    }


def trade_out(data: OpenData) -> dict[str, Any]:
    pub = data.publication
    return {
        "by_month": [
            {**vars(r), "deal_value_usd": _amount(r.deal_value_usd)}
            for r in pub.trade_by_month
        ],
        "by_year": [
            {**vars(r), "deal_value_usd": _amount(r.deal_value_usd)}
            for r in pub.trade_by_year
        ],
    }


def shipments_out(data: OpenData) -> dict[str, Any]:
    pub = data.publication
    return {
        name: [_shipment(r, data) for r in getattr(pub, f"shipments_{name}")]
        for name in ("by_month", "by_month_lane", "by_year_lane", "by_year")
    }


def labour_out(data: OpenData) -> dict[str, Any]:
    pub = data.publication
    return {
        "job_orders_by_month": [_decision(r) for r in pub.job_orders_by_month],
        "job_orders_by_sector": [_decision(r) for r in pub.job_orders_by_sector],
        "job_orders_by_year": [_decision(r) for r in pub.job_orders_by_year],
        "by_regency": [
            {**vars(r), "regency_name": data.regency_names.get(r.regency_code, "")}
            for r in pub.labour_by_regency
        ],
        "placements_by_sector": [vars(r) for r in pub.placements_by_sector],
        "by_year": [vars(r) for r in pub.labour_by_year],
        "grievances_by_month_category": [
            _grievance(r) for r in pub.grievances_by_month_category
        ],
        "grievances_by_month": [_grievance(r) for r in pub.grievances_by_month],
        "grievances_by_category": [
            _grievance(r) for r in pub.grievances_by_year_category
        ],
        "grievances_by_year": [_grievance(r) for r in pub.grievances_by_year],
    }


DATASETS: dict[
    str, tuple[str, Callable[[OpenData], dict[str, Any]], type[Envelope]]
] = {
    "msmes": ("MSMEs registered, verified and export-ready", msmes_out, MsmesOut),
    "trade": ("Introductions, deals and deal value", trade_out, TradeOut),
    "shipments": (
        "Shipments, tonnes, TEU and CO2e by lane",
        shipments_out,
        ShipmentsOut,
    ),
    "labour": (
        "Job orders, seekers, placements and grievances",
        labour_out,
        LabourOut,
    ),
}


def _answer(
    request: HttpRequest, response: HttpResponse, filters: PeriodFilters, dataset: str
) -> dict[str, Any]:
    first, last, regency = resolve_period(
        filters.first, filters.to, filters.regency, today=timezone.localdate()
    )
    data = load_open_data(first, last, regency)
    response["Cache-Control"] = CACHE_CONTROL
    return {**envelope(request, data), **DATASETS[dataset][1](data)}


# --- routes ---------------------------------------------------------------------------------


@router.get("/", response=IndexOut, summary="Open data: datasets and licence")
def index(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The datasets, the licence (CC BY 4.0), how to cite them and how they are computed."""
    response["Cache-Control"] = CACHE_CONTROL
    return {
        "title": "Serumpun open data",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "methodology_url": methodology_url(request),
        "api_docs_url": request.build_absolute_uri("/api/v1/docs"),
        "generated_from_refresh_at": last_refresh(),
        "datasets": [
            {
                "id": key,
                "title": title,
                "url": request.build_absolute_uri(reverse(f"api-v1:open_data_{key}")),
                "tables": [
                    name
                    for name in schema.model_fields
                    if name not in Envelope.model_fields
                ],
            }
            for key, (title, _, schema) in DATASETS.items()
        ],
    }


@router.get(
    "/msmes", response=MsmesOut, url_name="open_data_msmes", summary="Open data: MSMEs"
)
def msmes(
    request: HttpRequest, response: HttpResponse, filters: Query[PeriodFilters]
) -> dict[str, Any]:
    """MSMEs registered and verified per month; per regency and year with export-ready."""
    return _answer(request, response, filters, "msmes")


@router.get(
    "/trade", response=TradeOut, url_name="open_data_trade", summary="Open data: trade"
)
def trade(
    request: HttpRequest, response: HttpResponse, filters: Query[PeriodFilters]
) -> dict[str, Any]:
    """Introductions and deals per month; deal value where five MSMEs or more took part."""
    return _answer(request, response, filters, "trade")


@router.get(
    "/shipments",
    response=ShipmentsOut,
    url_name="open_data_shipments",
    summary="Open data: shipments",
)
def shipments(
    request: HttpRequest, response: HttpResponse, filters: Query[PeriodFilters]
) -> dict[str, Any]:
    """Shipments, tonnes and TEU per month and lane; CO2e (an estimate) per month."""
    return _answer(request, response, filters, "shipments")


@router.get(
    "/labour",
    response=LabourOut,
    url_name="open_data_labour",
    summary="Open data: labour",
)
def labour(
    request: HttpRequest, response: HttpResponse, filters: Query[PeriodFilters]
) -> dict[str, Any]:
    """Job orders endorsed and rejected, seekers, placements and grievances."""
    return _answer(request, response, filters, "labour")
