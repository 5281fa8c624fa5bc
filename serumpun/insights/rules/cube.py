"""Pure reading of roll-up sums: totals, breakdowns, monthly series and small-cell suppression.

`queries.load_cube` fills a `Cube` from the roll-up table in a fixed number of queries; every
page, the briefing and open data then take their figures from it with these functions, which
never touch the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
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
