"""Open data: the published tables, with small cells hidden so that no table identifies anyone.

Pure: `queries.load_cube` gives one `Cube` per calendar year; this module turns them into the
tables of the open-data page and API (docs/open-data.md explains the rules for people).

Fixed cells. Every figure belongs to a fixed cell — a calendar month, or a calendar year for
the breakdowns by regency, sector and lane — and is computed, and suppressed, from the whole
year's table whatever period a reader asks for; a request only selects rows. So no figure can
be had by subtracting two overlapping periods.

Suppression:
- primary: a count of 1–4 is published as "<5" (0 stays 0); a sum (tonnes, USD) whose cell
  holds fewer than five records or five contributing parties is withheld (null, suppressed).
  Where the roll-ups do not hold a cell's distinct parties exactly, the largest sub-cell's
  count stands in for it — a lower bound, so the rule errs towards hiding;
- complementary: every table publishes totals (per column, and per row where the row adds
  up). In each line — a row or a column with its total — whose hidden cells could be worked
  out from the total and the published cells (one hidden cell alone, or "<5" cells whose only
  possible values are fixed by the total, such as two cells of a total 8), the smallest
  published non-zero cell of the line is withheld too (null), repeatedly, until no line gives
  one away; a line without such a cell has its total withheld. Tables sharing a year's total
  withhold it together. The mechanics are `protect` and `publish_linked` in rules/cube.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date

from serumpun.insights import metrics as m
from serumpun.insights.rules.cube import (
    ALL,
    AMOUNT,
    TOTAL,
    Amount,
    Count,
    Cube,
    Entry,
    Grid,
    Position,
    Published,
    SumCell,
    amount_grid,
    count_grid,
    month_range,
    publish,
    publish_linked,
)

KG_PER_TONNE = 1000.0
ENDORSED, REJECTED = "endorsed", "rejected"


def month_key(month: date) -> str:
    """A month as published: YYYY-MM."""
    return f"{month:%Y-%m}"


# --- reading the cube -----------------------------------------------------------------------


def year_months(cube: Cube) -> list[str]:
    """The months of a year's cube as published keys."""
    return [month_key(d) for d in month_range(cube.first_month, cube.last_month)]


def monthly_counts(
    cube: Cube, metric: str, dimension: str | None = None
) -> dict[Position, int]:
    """(month, key or sub or "") → records, from the cube's monthly rows."""
    out: dict[Position, int] = defaultdict(int)
    for row in cube.months:
        if row.metric == metric:
            col = getattr(row, dimension) if dimension else ""
            out[(month_key(row.month), col)] += row.sums.records
    return dict(out)


def monthly_sums(
    cube: Cube, metric: str, dimension: str | None = None
) -> dict[Position, SumCell]:
    """(month, key or "") → amount, records and the largest sub-cell's contributors."""
    out: dict[Position, SumCell] = defaultdict(SumCell)
    for row in cube.months:
        if row.metric == metric:
            col = getattr(row, dimension) if dimension else ""
            out[(month_key(row.month), col)] += SumCell(
                row.sums.amount, row.sums.records, row.sums.contributors
            )
    return dict(out)


# --- the published tables -------------------------------------------------------------------


@dataclass(frozen=True)
class MsmeRegencyRow:
    year: int
    regency_code: str
    registered: Count
    verified: Count
    export_ready: Count


@dataclass(frozen=True)
class MsmeMonthRow:
    month: str
    registered: Count
    verified: Count


@dataclass(frozen=True)
class MsmeYearRow:
    year: int
    registered: Count
    verified: Count
    export_ready: Count
    export_ready_month: str | None  # the snapshot the export-ready count is from


@dataclass(frozen=True)
class TradeMonthRow:
    month: str
    introductions: Count
    deals: Count
    deal_value_usd: Amount


@dataclass(frozen=True)
class TradeYearRow:
    year: int
    introductions: Count
    deals: Count
    deal_value_usd: Amount


@dataclass(frozen=True)
class ShipmentRow:
    """Shipments of one month or year, on one lane or all (`destination_locode` "")."""

    period: str  # YYYY-MM, or YYYY for a year
    destination_locode: str
    shipments: Count
    tonnes: Amount
    teu: Amount
    co2e_tonnes: Amount | None = None  # all lanes only: an estimate


@dataclass(frozen=True)
class SectorDecisionRow:
    period: str  # YYYY-MM, or YYYY
    sector: str  # "" for every sector
    endorsed: Count
    rejected: Count
    reviewed: Count


@dataclass(frozen=True)
class LabourRegencyRow:
    year: int
    regency_code: str
    seekers_registered: Count
    placements: Count


@dataclass(frozen=True)
class PlacementSectorRow:
    year: int
    sector: str
    placements: Count


@dataclass(frozen=True)
class LabourYearRow:
    year: int
    seekers_registered: Count
    placements: Count


@dataclass(frozen=True)
class GrievanceRow:
    period: str  # YYYY-MM, or YYYY
    category: str  # "" for every category
    grievances: Count


@dataclass
class Publication:
    """Every published table over some calendar years, before a request selects rows."""

    years: list[int] = field(default_factory=list)
    msmes_by_regency: list[MsmeRegencyRow] = field(default_factory=list)
    msmes_by_month: list[MsmeMonthRow] = field(default_factory=list)
    msmes_by_year: list[MsmeYearRow] = field(default_factory=list)
    trade_by_month: list[TradeMonthRow] = field(default_factory=list)
    trade_by_year: list[TradeYearRow] = field(default_factory=list)
    shipments_by_month: list[ShipmentRow] = field(default_factory=list)
    shipments_by_month_lane: list[ShipmentRow] = field(default_factory=list)
    shipments_by_year_lane: list[ShipmentRow] = field(default_factory=list)
    shipments_by_year: list[ShipmentRow] = field(default_factory=list)
    job_orders_by_month: list[SectorDecisionRow] = field(default_factory=list)
    job_orders_by_sector: list[SectorDecisionRow] = field(default_factory=list)
    job_orders_by_year: list[SectorDecisionRow] = field(default_factory=list)
    labour_by_regency: list[LabourRegencyRow] = field(default_factory=list)
    placements_by_sector: list[PlacementSectorRow] = field(default_factory=list)
    labour_by_year: list[LabourYearRow] = field(default_factory=list)
    grievances_by_month_category: list[GrievanceRow] = field(default_factory=list)
    grievances_by_month: list[GrievanceRow] = field(default_factory=list)
    grievances_by_year_category: list[GrievanceRow] = field(default_factory=list)
    grievances_by_year: list[GrievanceRow] = field(default_factory=list)


def _with_extra(known: Sequence[str], seen: Iterable[str]) -> list[str]:
    """The known codes in their order, then any other code the records hold."""
    return [*known, *sorted(set(seen) - set(known) - {"", ALL})]


def _regency_counts(cube: Cube, metric: str) -> dict[str, int]:
    return {code: sums.records for code, sums in cube.by_regency(metric).items()}


def _msmes(pub: Publication, cube: Cube, year: int, regencies: Sequence[str]) -> None:
    snapshot = cube.snapshot_month
    in_year = snapshot is not None and snapshot.year == year
    cols = ("registered", "verified", "export_ready")
    per = {
        "registered": _regency_counts(cube, m.MSME_REGISTERED),
        "verified": _regency_counts(cube, m.MSME_VERIFIED),
        "export_ready": _regency_counts(cube, m.MSME_READY) if in_year else {},
    }
    regencies = _with_extra(regencies, (code for c in per.values() for code in c))
    months = year_months(cube)
    monthly = {
        (mo, c): n
        for c, metric in (
            ("registered", m.MSME_REGISTERED),
            ("verified", m.MSME_VERIFIED),
        )
        for (mo, _), n in monthly_counts(cube, metric).items()
    }
    grid, by_month = publish_linked(
        [
            count_grid(
                {(r, c): per[c].get(r, 0) for r in regencies for c in cols},
                regencies,
                cols,
            ),
            count_grid(monthly, months, cols[:2]),
        ],
        [[(0, (TOTAL, c)), (1, (TOTAL, c))] for c in cols[:2]],
    )
    pub.msmes_by_regency += [
        MsmeRegencyRow(year, r, *(grid.count(r, c) for c in cols)) for r in regencies
    ]
    pub.msmes_by_month += [
        MsmeMonthRow(
            mo, by_month.count(mo, "registered"), by_month.count(mo, "verified")
        )
        for mo in months
    ]
    pub.msmes_by_year.append(
        MsmeYearRow(
            year,
            grid.count(TOTAL, "registered"),
            grid.count(TOTAL, "verified"),
            grid.count(TOTAL, "export_ready"),
            month_key(snapshot) if in_year and snapshot else None,
        )
    )


def _trade(pub: Publication, cube: Cube, year: int) -> None:
    months = year_months(cube)
    counts = {
        (mo, c): n
        for c, metric in (("introductions", m.INTRODUCTION), ("deals", m.DEAL))
        for (mo, _), n in monthly_counts(cube, metric).items()
    }
    grid = publish(count_grid(counts, months, ("introductions", "deals")))
    value = publish(amount_grid(monthly_sums(cube, m.DEAL), months, ("",)))
    pub.trade_by_month += [
        TradeMonthRow(
            mo,
            grid.count(mo, "introductions"),
            grid.count(mo, "deals"),
            value.amount(mo, TOTAL, places=0),
        )
        for mo in months
    ]
    pub.trade_by_year.append(
        TradeYearRow(
            year,
            grid.count(TOTAL, "introductions"),
            grid.count(TOTAL, "deals"),
            value.amount(TOTAL, TOTAL, places=0),
        )
    )


def _shipments(
    pub: Publication, cube: Cube, year: int, teu: Callable[[float, float], float]
) -> None:
    months = year_months(cube)
    weight = monthly_sums(cube, m.SHIPMENT, "key")
    lanes = sorted({lane for (_, lane), cell in weight.items() if cell.records})
    counts = publish(
        count_grid(
            {p: c.records for p, c in weight.items()}, months, lanes, row_totals=True
        )
    )
    tonnes = publish(amount_grid(weight, months, lanes))
    volume: dict[Position, float] = defaultdict(float)
    for row in cube.months:
        if row.metric == m.SHIPMENT:
            mo = month_key(row.month)
            for r, c in ((mo, row.key), (mo, TOTAL), (TOTAL, row.key), (TOTAL, TOTAL)):
                volume[(r, c)] += row.sums.extra
    co2e = _co2e(cube, months)
    # A month's CO2e shows only when its every lane's tonnes do (lanes have their own
    # factors, so CO2e and tonnes together could solve for two hidden lanes); then, as
    # for any sum, a hidden month must not be recoverable from the year's.
    co2e_grid = publish(
        Grid(
            AMOUNT,
            tuple(months),
            ("",),
            {
                (r, ""): Entry(
                    co2e.get(r, 0.0),
                    small=not all(tonnes.shown(r, c) for c in (*lanes, TOTAL)),
                )
                for r in (*months, TOTAL)
            },
        )
    )

    def published(period: str, r: str, c: str) -> ShipmentRow:
        shown = tonnes.shown(r, c)
        box = teu(volume.get((r, c), 0.0), tonnes.grid.entries[(r, c)].value)
        return ShipmentRow(
            period,
            "" if c == TOTAL else c,
            counts.count(r, c),
            tonnes.amount(r, c, scale=KG_PER_TONNE),
            Amount(round(box, 2)) if shown else Amount(None, suppressed=True),
            co2e_grid.amount(r, "", scale=KG_PER_TONNE) if c == TOTAL else None,
        )

    pub.shipments_by_month += [published(mo, mo, TOTAL) for mo in months]
    pub.shipments_by_month_lane += [
        published(mo, mo, lane)
        for mo in months
        for lane in lanes
        if weight.get((mo, lane), SumCell()).records
    ]
    pub.shipments_by_year_lane += [published(str(year), TOTAL, lane) for lane in lanes]
    pub.shipments_by_year.append(published(str(year), TOTAL, TOTAL))


def _co2e(cube: Cube, months: Sequence[str]) -> dict[str, float]:
    """kg CO2e per month, and for the year under TOTAL (every lane together)."""
    out: dict[str, float] = defaultdict(float)
    for row in cube.months:
        if row.metric == m.SHIPMENT_CO2E and row.key != ALL:
            out[month_key(row.month)] += row.sums.amount
    out[TOTAL] = sum(out.get(mo, 0.0) for mo in months)
    return out


def _job_orders(
    pub: Publication, cube: Cube, year: int, known_sectors: Sequence[str]
) -> None:
    months = year_months(cube)
    cols = (ENDORSED, REJECTED)
    per_month: dict[Position, int] = defaultdict(int)
    per_sector: dict[Position, int] = defaultdict(int)
    for row in cube.months:
        if row.metric == m.JOB_ORDER_REVIEWED and row.sub in cols:
            per_month[(month_key(row.month), row.sub)] += row.sums.records
            per_sector[(row.key, row.sub)] += row.sums.records
    sectors = _with_extra(known_sectors, (s for s, _ in per_sector))
    by_month, by_sector = publish_linked(
        [
            count_grid(per_month, months, cols, row_totals=True),
            count_grid(per_sector, sectors, cols, row_totals=True),
        ],
        [[(0, (TOTAL, c)), (1, (TOTAL, c))] for c in (*cols, TOTAL)],
    )

    def line(grid: Published, period: str, r: str, sector: str) -> SectorDecisionRow:
        return SectorDecisionRow(
            period, sector, *(grid.count(r, c) for c in (*cols, TOTAL))
        )

    pub.job_orders_by_month += [line(by_month, mo, mo, "") for mo in months]
    pub.job_orders_by_sector += [line(by_sector, str(year), s, s) for s in sectors]
    pub.job_orders_by_year.append(line(by_month, str(year), TOTAL, ""))


def _labour(
    pub: Publication,
    cube: Cube,
    year: int,
    regencies: Sequence[str],
    sectors: Sequence[str],
) -> None:
    cols = ("seekers_registered", "placements")
    per = {
        "seekers_registered": _regency_counts(cube, m.SEEKER_REGISTERED),
        "placements": _regency_counts(cube, m.PLACEMENT),
    }
    regencies = _with_extra(regencies, (code for c in per.values() for code in c))
    by_sector = {k: s.records for k, s in cube.by(m.PLACEMENT, "key").items()}
    sectors = _with_extra(sectors, by_sector)
    grid, sector_grid = publish_linked(
        [
            count_grid(
                {(r, c): per[c].get(r, 0) for r in regencies for c in cols},
                regencies,
                cols,
            ),
            count_grid(
                {(s, "placements"): by_sector.get(s, 0) for s in sectors},
                sectors,
                ("placements",),
            ),
        ],
        [[(0, (TOTAL, "placements")), (1, (TOTAL, "placements"))]],
    )
    pub.labour_by_regency += [
        LabourRegencyRow(year, r, *(grid.count(r, c) for c in cols)) for r in regencies
    ]
    pub.placements_by_sector += [
        PlacementSectorRow(year, s, sector_grid.count(s, "placements")) for s in sectors
    ]
    pub.labour_by_year.append(
        LabourYearRow(year, *(grid.count(TOTAL, c) for c in cols))
    )


def _grievances(
    pub: Publication, cube: Cube, year: int, categories: Sequence[str]
) -> None:
    months = year_months(cube)
    counts = monthly_counts(cube, m.GRIEVANCE, "key")
    categories = _with_extra(categories, (c for _, c in counts))
    grid = publish(count_grid(counts, months, categories, row_totals=True))
    pub.grievances_by_month_category += [
        GrievanceRow(mo, c, grid.count(mo, c))
        for mo in months
        for c in categories
        if grid.grid.entries[(mo, c)].value
    ]
    pub.grievances_by_month += [
        GrievanceRow(mo, "", grid.count(mo, TOTAL)) for mo in months
    ]
    pub.grievances_by_year_category += [
        GrievanceRow(str(year), c, grid.count(TOTAL, c)) for c in categories
    ]
    pub.grievances_by_year.append(GrievanceRow(str(year), "", grid.count(TOTAL, TOTAL)))


def build_publication(
    cubes: Sequence[Cube],
    *,
    regencies: Sequence[str],
    sectors: Sequence[str],
    categories: Sequence[str],
    teu: Callable[[float, float], float],
) -> Publication:
    """Every published table for the calendar years of `cubes` (one cube per whole year)."""
    pub = Publication()
    for cube in cubes:
        year = cube.first_month.year
        pub.years.append(year)
        _msmes(pub, cube, year, regencies)
        _trade(pub, cube, year)
        _shipments(pub, cube, year, teu)
        _job_orders(pub, cube, year, sectors)
        _labour(pub, cube, year, regencies, sectors)
        _grievances(pub, cube, year, categories)
    return pub


def select(
    pub: Publication, first_month: date, last_month: date, regency: str | None = None
) -> Publication:
    """The rows a request asks for: months in the period, years it touches, one regency.

    Selecting never changes a figure: each was fixed, and suppressed, with its whole year.
    """
    first, last = month_key(first_month), month_key(last_month)
    years = {str(y) for y in range(first_month.year, last_month.year + 1)}

    def keep(row: object) -> bool:
        period = str(
            getattr(row, "month", None)
            or getattr(row, "period", None)
            or getattr(row, "year", "")
        )
        in_period = (
            period in years if len(period) == len("YYYY") else first <= period <= last
        )
        code = getattr(row, "regency_code", None)
        return in_period and not (regency and code is not None and code != regency)

    chosen = {
        f.name: [row for row in getattr(pub, f.name) if keep(row)]
        for f in fields(pub)
        if f.name != "years"
    }
    return replace(pub, years=[y for y in pub.years if str(y) in years], **chosen)
