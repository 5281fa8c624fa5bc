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
  one away; a line without such a cell has its total withheld.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date

from serumpun.insights import metrics as m
from serumpun.insights.rules.cube import (
    ALL,
    MIN_CELL,
    SUPPRESSED,
    Cube,
    is_suppressed,
    month_range,
)

COUNT = "count"
AMOUNT = "amount"
TOTAL = ALL  # the row or column of totals in a grid
KG_PER_TONNE = 1000.0
ENDORSED, REJECTED = "endorsed", "rejected"

#: a published count: the number, "<5", or None when withheld to protect another cell
Count = int | str | None
Position = tuple[str, str]


@dataclass(frozen=True)
class Amount:
    """A published sum: its value, or None with `suppressed` when it could identify someone."""

    value: float | None
    suppressed: bool = False


def month_key(month: date) -> str:
    """A month as published: YYYY-MM."""
    return f"{month:%Y-%m}"


# --- grids and their protection -------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One figure of a grid before publication; `small` when primary suppression hides it."""

    value: float
    small: bool


@dataclass(frozen=True)
class Grid:
    """A table of one kind of figure, with totals of its columns and, if they add up, rows."""

    kind: str  # COUNT or AMOUNT
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    entries: Mapping[
        Position, Entry
    ]  # cells, and totals at (row, TOTAL) / (TOTAL, col)
    row_totals: bool = False
    col_totals: bool = True

    def lines(self) -> list[tuple[list[Position], Position]]:
        """Each constraint a reader can subtract with: the cells of a line and its total."""
        out: list[tuple[list[Position], Position]] = []
        if self.row_totals:
            out += [([(r, c) for c in self.cols], (r, TOTAL)) for r in self.rows]
        if self.col_totals:
            out += [([(r, c) for r in self.rows], (TOTAL, c)) for c in self.cols]
        if self.row_totals and self.col_totals:
            out.append(([(r, TOTAL) for r in self.rows], (TOTAL, TOTAL)))
            out.append(([(TOTAL, c) for c in self.cols], (TOTAL, TOTAL)))
        return out


@dataclass(frozen=True)
class SumCell:
    """A sum's cell: the amount, its records, and a lower bound of its distinct contributors."""

    amount: float = 0.0
    records: int = 0
    contributors: int = 0

    def __add__(self, other: SumCell) -> SumCell:
        return SumCell(
            self.amount + other.amount,
            self.records + other.records,
            max(self.contributors, other.contributors),
        )


def small_sum(cell: SumCell) -> bool:
    """Whether a sum is too small to publish: fewer than five records or contributors."""
    return cell.records > 0 and min(cell.records, cell.contributors) < MIN_CELL


def count_grid(
    values: Mapping[Position, int],
    rows: Sequence[str],
    cols: Sequence[str],
    *,
    row_totals: bool = False,
) -> Grid:
    """A grid of counts (missing cells are 0) with its totals."""
    entries: dict[Position, Entry] = {}
    row_sum: dict[str, int] = defaultdict(int)
    col_sum: dict[str, int] = defaultdict(int)
    for r in rows:
        for c in cols:
            v = int(values.get((r, c), 0))
            entries[(r, c)] = Entry(v, is_suppressed(v))
            row_sum[r] += v
            col_sum[c] += v
    for c in cols:
        entries[(TOTAL, c)] = Entry(col_sum[c], is_suppressed(col_sum[c]))
    if row_totals:
        for r in rows:
            entries[(r, TOTAL)] = Entry(row_sum[r], is_suppressed(row_sum[r]))
        grand = sum(col_sum.values())
        entries[(TOTAL, TOTAL)] = Entry(grand, is_suppressed(grand))
    return Grid(COUNT, tuple(rows), tuple(cols), entries, row_totals=row_totals)


def amount_grid(
    values: Mapping[Position, SumCell], rows: Sequence[str], cols: Sequence[str]
) -> Grid:
    """A grid of sums with column and row totals (amounts always add up)."""
    entries: dict[Position, Entry] = {}
    row_sum: dict[str, SumCell] = defaultdict(SumCell)
    col_sum: dict[str, SumCell] = defaultdict(SumCell)
    grand = SumCell()
    for r in rows:
        for c in cols:
            cell = values.get((r, c), SumCell())
            entries[(r, c)] = Entry(cell.amount, small_sum(cell))
            row_sum[r] += cell
            col_sum[c] += cell
            grand += cell
    for c in cols:
        entries[(TOTAL, c)] = Entry(col_sum[c].amount, small_sum(col_sum[c]))
    for r in rows:
        entries[(r, TOTAL)] = Entry(row_sum[r].amount, small_sum(row_sum[r]))
    entries[(TOTAL, TOTAL)] = Entry(grand.amount, small_sum(grand))
    return Grid(AMOUNT, tuple(rows), tuple(cols), entries, row_totals=True)


def _bounds(kind: str, entry: Entry, withheld: bool) -> tuple[float, float]:
    """What a reader knows of a hidden figure.

    A "<5" count is 1–4; a withheld cell was a published non-zero count, so at least 5; a
    withheld total may also be a small one (see `protect`), so only not zero. A hidden sum
    is only not negative.
    """
    if kind == AMOUNT:
        return 0.0, math.inf
    if not withheld:
        return 1.0, MIN_CELL - 1.0
    return (1.0 if entry.small else float(MIN_CELL)), math.inf


def _pinned(
    grid: Grid,
    cells: list[Position],
    total: Position,
    hidden: set[Position],
    withheld: frozenset[Position] | set[Position] = frozenset(),
) -> bool:
    """Whether the line's total and published cells fix the value of a hidden one."""
    signed = [(p, 1.0) for p in cells] + [(total, -1.0)]
    secret = [(p, a) for p, a in signed if p in hidden]
    if not secret:
        return False
    known = -sum(a * grid.entries[p].value for p, a in signed if p not in hidden)
    bounds = {p: _bounds(grid.kind, grid.entries[p], p in withheld) for p, _ in secret}
    ranges = {}
    for p, a in secret:
        lo, hi = bounds[p]
        ranges[p] = (lo, hi) if a > 0 else (-hi, -lo)
    for p, a in secret:
        low = sum(ranges[q][0] for q, _ in secret if q != p)
        high = sum(ranges[q][1] for q, _ in secret if q != p)
        lo, hi = bounds[p]
        span = (known - high, known - low) if a > 0 else (low - known, high - known)
        lo, hi = max(lo, span[0]), min(hi, span[1])
        if math.isinf(hi) or math.isinf(lo):
            continue
        if grid.kind == COUNT and math.floor(hi) - math.ceil(lo) < 1:
            return True
        if grid.kind == AMOUNT and hi - lo <= 1e-9:  # noqa: PLR2004 (float tolerance)
            return True
    return False


def protect(grid: Grid, forced: Iterable[Position] = ()) -> frozenset[Position]:
    """The figures withheld to protect small ones (complementary suppression); see above.

    `forced` figures are withheld from the start: totals another table withholds.
    """
    order = {p: i for i, p in enumerate(grid.entries)}
    withheld: set[Position] = set(forced)
    hidden = {p for p, e in grid.entries.items() if e.small} | withheld
    changed = True
    while changed:
        changed = False
        for cells, total in grid.lines():
            if not _pinned(grid, cells, total, hidden, withheld):
                continue
            # Another cell if there is one, else the total; a "<5" total whose "<5"
            # cells it would pin (four cells and a total of 4) is withheld instead.
            candidates = [
                p for p in cells if p not in hidden and grid.entries[p].value > 0
            ] or [
                p
                for p in [total]
                if p not in withheld
                and grid.entries[p].value > 0
                and (p not in hidden or grid.kind == COUNT)
            ]
            if not candidates:
                continue
            pick = min(candidates, key=lambda p: (grid.entries[p].value, order[p]))
            hidden.add(pick)
            withheld.add(pick)
            changed = True
    return frozenset(withheld)


@dataclass(frozen=True)
class Published:
    """A grid after suppression: read a figure with `count` or `amount`."""

    grid: Grid
    withheld: frozenset[Position]

    def count(self, row: str, col: str) -> Count:
        entry = self.grid.entries[(row, col)]
        if (row, col) in self.withheld:
            return None
        if entry.small:
            return SUPPRESSED
        return int(entry.value)

    def amount(self, row: str, col: str, scale: float = 1.0, places: int = 1) -> Amount:
        entry = self.grid.entries[(row, col)]
        if entry.small or (row, col) in self.withheld:
            return Amount(None, suppressed=True)
        return Amount(round(entry.value / scale, places))

    def shown(self, row: str, col: str) -> bool:
        """Whether the figure is published as a number."""
        return not (self.grid.entries[(row, col)].small or (row, col) in self.withheld)


def publish(grid: Grid) -> Published:
    """Apply the complementary suppression to a grid."""
    return Published(grid, protect(grid))


def publish_linked(
    grids: Sequence[Grid], links: Sequence[Sequence[tuple[int, Position]]]
) -> list[Published]:
    """Several tables sharing totals (the same year's total in two breakdowns).

    A total one table withholds is withheld in the others too — else a reader would take it
    from there and subtract — and their suppression runs again until they agree.
    """
    forced: list[set[Position]] = [set() for _ in grids]
    while True:
        published = [
            Published(g, protect(g, f)) for g, f in zip(grids, forced, strict=True)
        ]
        changed = False
        for link in links:
            if any(pos in published[i].withheld for i, pos in link):
                for i, pos in link:
                    if pos not in forced[i]:
                        forced[i].add(pos)
                        changed = True
        if not changed:
            return published


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
