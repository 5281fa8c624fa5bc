"""Pure reading of roll-up sums: totals, breakdowns, monthly series and small-cell suppression.

`queries.load_cube` fills a `Cube` from the roll-up table in a fixed number of queries; every
page, the briefing and open data then take their figures from it with these functions, which
never touch the database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

#: a cell summed over every regency, or over every key and sub (see insights/sources.py)
ALL = "*"

#: fewer than this many contributors and an open-data cell is published as "<5"
MIN_CELL = 5
SUPPRESSED = "<5"

FIELDS = ("records", "contributors", "amount", "extra")


@dataclass(frozen=True)
class Sums:
    """The summed columns of some cells."""

    records: int = 0
    contributors: int = 0
    amount: float = 0.0
    extra: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.records + other.records,
            self.contributors + other.contributors,
            self.amount + other.amount,
            self.extra + other.extra,
        )

    def get(self, name: str) -> float:
        return float(getattr(self, name))


ZERO = Sums()


@dataclass(frozen=True)
class Row:
    """One grouped row: a metric's sums for one regency, key and sub over the period."""

    metric: str
    regency: str
    key: str
    sub: str
    sums: Sums


@dataclass(frozen=True)
class MonthRow:
    """A metric's sums for one month (all regencies, keys and subs of the filter)."""

    metric: str
    month: date
    key: str
    sub: str
    sums: Sums


@dataclass
class Cube:
    """What one dashboard view reads: period rows, monthly rows and the latest snapshots."""

    first_month: date
    last_month: date
    regency: str | None
    rows: list[Row] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    snapshot_month: date | None = None
    regional: frozenset[str] = frozenset()  # metrics with a regency column
    broken_down: frozenset[str] = frozenset()  # regional metrics with a key or sub

    def select(self, metric: str, **match: str | Iterable[str]) -> list[Row]:
        """The rows of `metric` whose key/sub equal (or are in) the given values.

        For a regional metric these are the filtered regency's cells, or without a filter the
        cells summed over every regency — never both, so nothing is counted twice.
        """
        out = []
        for row in self.rows:
            if row.metric != metric or not self._detail(row):
                continue
            if all(_matches(getattr(row, name), want) for name, want in match.items()):
                out.append(row)
        return out

    def _detail(self, row: Row) -> bool:
        if row.metric not in self.regional:
            return True
        if self.regency:
            return row.regency == self.regency and row.key != ALL
        return row.regency == ALL

    def by_regency(self, metric: str) -> dict[str, Sums]:
        """A regional metric's sums per regency (every breakdown together)."""
        out: dict[str, Sums] = defaultdict(lambda: ZERO)
        for row in self.rows:
            if row.metric != metric or row.regency in (ALL, ""):
                continue
            if metric in self.broken_down and row.key != ALL:
                continue
            out[row.regency] = out[row.regency] + row.sums
        return dict(out)

    def total(self, metric: str, **match: str | Iterable[str]) -> Sums:
        """The metric's sums over the period (and the snapshot for a stock metric)."""
        result = ZERO
        for row in self.select(metric, **match):
            result = result + row.sums
        return result

    def by(
        self, metric: str, dimension: str, **match: str | Iterable[str]
    ) -> dict[str, Sums]:
        """The metric's sums per value of one dimension (regency, key or sub)."""
        if dimension == "regency":
            return self.by_regency(metric)
        out: dict[str, Sums] = defaultdict(lambda: ZERO)
        for row in self.select(metric, **match):
            value = getattr(row, dimension)
            out[value] = out[value] + row.sums
        return dict(out)

    def series(
        self, metric: str, **match: str | Iterable[str]
    ) -> list[tuple[date, Sums]]:
        """The metric's sums per month over the period, every month present (zero if none)."""
        per_month: dict[date, Sums] = defaultdict(lambda: ZERO)
        for row in self.months:
            if row.metric != metric:
                continue
            if all(_matches(getattr(row, name), want) for name, want in match.items()):
                per_month[row.month] = per_month[row.month] + row.sums
        return [(month, per_month.get(month, ZERO)) for month in self.month_list()]

    def month_list(self) -> list[date]:
        return month_range(self.first_month, self.last_month)


def _matches(value: str, want: str | Iterable[str]) -> bool:
    if isinstance(want, str):
        return value == want
    return value in set(want)


def month_range(first: date, last: date) -> list[date]:
    """First days of each month from `first` to `last`, both included."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # noqa: PLR2004
    return months


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def top(sums: Mapping[str, Sums], field_name: str, n: int) -> list[tuple[str, Sums]]:
    """The `n` largest entries by one column, ties broken by name for a stable order."""
    ranked = sorted(sums.items(), key=lambda item: (-item[1].get(field_name), item[0]))
    return [item for item in ranked[:n] if item[1].get(field_name) > 0]


def share(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when there is no whole."""
    return part / whole if whole else None


def suppress(count: int, contributors: int | None = None) -> int | str:
    """An open-data count: the number, or "<5" when fewer than five records or parties."""
    smallest = count if contributors is None else min(count, contributors)
    if 0 < smallest < MIN_CELL:
        return SUPPRESSED
    return count


def is_suppressed(count: int, contributors: int | None = None) -> bool:
    """Whether `suppress` hides this cell."""
    return suppress(count, contributors) == SUPPRESSED


# --- complementary suppression (open data) -------------------------------------------------
#
# A published table gives totals, so hiding a small cell is not enough: a reader subtracts the
# shown cells from the total. `protect` withholds further figures, line by line (a row or a
# column with its total), until no line fixes the value of a hidden one; `publish_linked` does
# it for tables that share a total. rules/open_data.py builds the tables; docs/open-data.md
# explains the rule for people.

COUNT = "count"
AMOUNT = "amount"
TOTAL = ALL  # the row or column of totals in a grid

#: a published count: the number, "<5", or None when withheld to protect another cell
Count = int | str | None
Position = tuple[str, str]


@dataclass(frozen=True)
class Amount:
    """A published sum: its value, or None with `suppressed` when it could identify someone."""

    value: float | None
    suppressed: bool = False


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
    # cells, and the totals at (row, TOTAL), (TOTAL, col) and (TOTAL, TOTAL)
    entries: Mapping[Position, Entry]
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
                and (p not in hidden or grid.kind == COUNT)
                # a zero total of counts has no small cell to hide; a zero sum may have
                and (grid.entries[p].value > 0 or grid.kind == AMOUNT)
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
