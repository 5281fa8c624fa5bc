"""What every part of the executive dashboard shares: its vocabulary, figures and helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date

from serumpun.insights.rules.charts import Chart
from serumpun.insights.rules.cube import Cube, MonthRow, Row, Sums, share
from serumpun.logistics.rules.lane_demand import Box20, teu_equivalent

#: how many gaps, products, rules… a "most common" chart lists
TOP = 8
#: the sector whose placements are domestic work, not formal-sector employment
DOMESTIC = "domestic"
KG_PER_TONNE = 1000.0
PERCENT = 100.0

Link = Callable[..., str | None]


@dataclass(frozen=True)
class Vocabulary:
    """What the page calls things and where its figures lead, in the viewer's language."""

    gettext: Callable[[str], str]
    month_label: Callable[[date], str]
    link: Link  # link(target, **params) -> URL of the records, or None
    regencies: Mapping[str, str]  # Lampung regency code -> name, in display order
    box: Box20  # the 20' box that defines a TEU
    number: Callable[[float, int], str] = lambda value, places: f"{value:,.{places}f}"
    gap_title: Callable[[str], str] = str
    rule_title: Callable[[str], str] = str
    hs_descriptions: Mapping[str, str] = field(default_factory=dict)
    ports: Mapping[str, str] = field(default_factory=dict)  # locode -> name
    sectors: Mapping[str, str] = field(default_factory=dict)
    grievance_categories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One headline number and the records behind it."""

    label: str
    value: float | int | None
    unit: str = ""
    link: str | None = None
    note: str = ""
    places: int = 0


@dataclass(frozen=True)
class Finding:
    """Something stuck: what, how much, which places or items, and where to look."""

    title: str
    value: float | int | None
    unit: str = ""
    detail: str = ""
    link: str | None = None


@dataclass(frozen=True)
class Section:
    """One pillar of the page: its figures and charts."""

    id: str
    title: str
    figures: Sequence[Figure]
    charts: Sequence[Chart]
    note: str = ""


class IndexedCube(Cube):
    """A cube whose readings scan only their own metric's rows.

    The page reads the cube some eighty times; at national scale the cube holds thousands of
    rows, and `Cube` scans them all at each reading. Here they are grouped by metric once,
    and a monthly series read twice is summed once.
    """

    def __init__(self, cube: Cube) -> None:
        super().__init__(**{f.name: getattr(cube, f.name) for f in fields(Cube)})
        rows: dict[str, list[Row]] = defaultdict(list)
        months: dict[str, list[MonthRow]] = defaultdict(list)
        for row in cube.rows:
            rows[row.metric].append(row)
        for month_row in cube.months:
            months[month_row.metric].append(month_row)
        self._parts = {
            metric: replace(cube, rows=rows[metric], months=months[metric])
            for metric in {*rows, *months}
        }
        self._empty = replace(cube, rows=[], months=[])
        self._series: dict[tuple[object, ...], list[tuple[date, Sums]]] = {}

    def _part(self, metric: str) -> Cube:
        return self._parts.get(metric, self._empty)

    def select(self, metric: str, **match: str | Iterable[str]) -> list[Row]:
        return self._part(metric).select(metric, **match)

    def by_regency(self, metric: str) -> dict[str, Sums]:
        return self._part(metric).by_regency(metric)

    def series(
        self, metric: str, **match: str | Iterable[str]
    ) -> list[tuple[date, Sums]]:
        if not all(isinstance(want, str) for want in match.values()):
            return self._part(metric).series(metric, **match)
        # the same series feeds several charts (deals: counts and value); sum it once
        key = (metric, *sorted(match.items()))
        if key not in self._series:
            self._series[key] = self._part(metric).series(metric, **match)
        return self._series[key]


def indexed(cube: Cube) -> Cube:
    """The cube with its rows grouped by metric (the same figures, read faster)."""
    return cube if isinstance(cube, IndexedCube) else IndexedCube(cube)


def regency_codes(cube: Cube, words: Vocabulary) -> list[str]:
    """The regencies a per-regency chart lists: the filtered one, or all of Lampung."""
    if cube.regency:
        return [cube.regency]
    return list(words.regencies)


def regency_filter(cube: Cube) -> dict[str, str]:
    """The regency filter as link parameters (none for the whole province)."""
    return {"regency": cube.regency} if cube.regency else {}


def tonnes(kg: float) -> float:
    """Kilograms as tonnes, to one decimal."""
    return round(kg / KG_PER_TONNE, 1)


def mean(total: float, count: float) -> float | None:
    """total ÷ count to one decimal, or None when there is nothing to average."""
    ratio = share(total, count)
    return None if ratio is None else round(ratio, 1)


def percent(part: float, whole: float) -> float | None:
    """part as a percentage of whole to one decimal, or None without a whole."""
    ratio = share(part, whole)
    return None if ratio is None else round(ratio * PERCENT, 1)


def month_labels(cube: Cube, words: Vocabulary) -> list[str]:
    """The period's months as the viewer reads them."""
    return [words.month_label(month) for month in cube.month_list()]


def counts(series: list[tuple[date, Sums]]) -> list[float | int | None]:
    """The record counts of a monthly series."""
    return [sums.records for _, sums in series]


def lane_teu(sums: Sums, box: Box20) -> float:
    """A lane's TEU-equivalent: its volume or weight in 20' boxes, whichever binds."""
    return teu_equivalent(sums.extra, sums.amount, box)


def province_wide(cube: Cube, note: str) -> str:
    """`note` (what stays province-wide: it has no regency) under a regency filter, else ""."""
    return note if cube.regency else ""
