"""Lane-demand evidence: monthly demand per lane with small cells suppressed.

Pure: the database sums shipments per (lane, month), per status and per HS chapter, with
distinct shipper counts (`logistics.queries_demand`); this module turns those sums into the
published figures and suppresses what could reveal one firm's business (research/logistics.md
§4.1 "Privacy": publish aggregates only, suppress any cell with fewer than 3–5 firms).

Suppression:
- primary: a lane-month with fewer than `min_shippers` distinct shippers shows no figures;
- within a shown lane-month, a status or HS-chapter sub-cell with fewer than `min_shippers`
  shippers is hidden;
- complementary: the total is shown, so a lone hidden sub-cell could be found by subtraction;
  further sub-cells (smallest first) are hidden until the hidden ones together hold at least
  two sub-cells and `min_shippers` shipper-memberships.

TEU-equivalent = max(volume ÷ a 20' box's usable volume, weight ÷ its payload), on the sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

STATUSES = ("shipped", "booked", "pledged")
DEFAULT_MIN_SHIPPERS = 3
KG_PER_TONNE = 1000.0


@dataclass(frozen=True)
class SubCell:
    """Sums for one status or HS chapter within a lane-month, as the database returns them."""

    key: str
    shippers: int
    shipments: int
    volume_m3: float
    weight_kg: float


@dataclass(frozen=True)
class CellSums:
    """Sums for one lane-month: totals and the breakdowns by status and by HS chapter."""

    origin_locode: str
    destination_locode: str
    month: date  # first day of the month
    shippers: int
    shipments: int
    volume_m3: float
    weight_kg: float
    reefer_volume_m3: float = 0.0
    by_status: Sequence[SubCell] = ()
    by_chapter: Sequence[SubCell] = ()


@dataclass(frozen=True)
class Box20:
    """The 20' box that defines a TEU: usable volume and payload (containers.yaml)."""

    usable_volume_m3: float
    payload_kg: float


@dataclass(frozen=True)
class Figure:
    """A published sub-figure, or a hidden one (values None)."""

    key: str
    suppressed: bool
    teu: float | None = None
    tonnes: float | None = None
    shipments: int | None = None
    share: float | None = None  # of the lane-month's tonnes


@dataclass(frozen=True)
class LaneMonth:
    """One published cell of the evidence table."""

    origin_locode: str
    destination_locode: str
    month: date
    suppressed: bool
    shippers: int | None = None
    shipments: int | None = None
    teu: float | None = None
    tonnes: float | None = None
    volume_m3: float | None = None
    reefer_share: float | None = None
    by_status: tuple[Figure, ...] = ()
    by_chapter: tuple[Figure, ...] = ()

    @property
    def lane(self) -> str:
        """The lane as partners read it: POL–POD."""
        return f"{self.origin_locode}-{self.destination_locode}"

    def status(self, key: str) -> Figure | None:
        """The figure for one status, if any shipment has it."""
        return next((f for f in self.by_status if f.key == key), None)


@dataclass(frozen=True)
class LaneSeries:
    """A lane's months in order, for the seasonality chart."""

    origin_locode: str
    destination_locode: str
    months: tuple[LaneMonth, ...] = field(default_factory=tuple)

    @property
    def peak_teu(self) -> float:
        """The largest shown month (0 when all are hidden)."""
        return max((m.teu for m in self.months if m.teu is not None), default=0.0)


def teu_equivalent(volume_m3: float, weight_kg: float, box: Box20) -> float:
    """How many 20' boxes the load fills, by volume or weight, whichever binds."""
    return max(volume_m3 / box.usable_volume_m3, weight_kg / box.payload_kg)


def _round(value: float, places: int = 2) -> float:
    return round(value, places)


def hidden_keys(cells: Sequence[SubCell], *, min_shippers: int) -> set[str]:
    """Sub-cells to hide: the small ones, plus complements so none can be subtracted out."""
    present = [c for c in cells if c.shipments > 0]
    hidden = {c.key for c in present if c.shippers < min_shippers}
    if not hidden:
        return hidden
    visible = sorted(
        (c for c in present if c.key not in hidden), key=lambda c: (c.weight_kg, c.key)
    )

    def protected() -> bool:
        held = sum(c.shippers for c in present if c.key in hidden)
        return len(hidden) >= 2 and held >= min_shippers  # noqa: PLR2004 (two cells)

    while not protected() and visible:
        hidden.add(visible.pop(0).key)
    return hidden


def _figures(
    cells: Sequence[SubCell],
    *,
    total_tonnes: float,
    box: Box20,
    min_shippers: int,
    order: Sequence[str] | None = None,
) -> tuple[Figure, ...]:
    hidden = hidden_keys(cells, min_shippers=min_shippers)
    present = [c for c in cells if c.shipments > 0]
    if order is not None:
        rank = {k: n for n, k in enumerate(order)}
        present.sort(key=lambda c: (rank.get(c.key, len(rank)), c.key))
    else:
        present.sort(key=lambda c: (-c.weight_kg, c.key))
    figures = []
    for cell in present:
        if cell.key in hidden:
            figures.append(Figure(key=cell.key, suppressed=True))
            continue
        tonnes = cell.weight_kg / KG_PER_TONNE
        figures.append(
            Figure(
                key=cell.key,
                suppressed=False,
                teu=_round(teu_equivalent(cell.volume_m3, cell.weight_kg, box)),
                tonnes=_round(tonnes),
                shipments=cell.shipments,
                share=_round(tonnes / total_tonnes, 4) if total_tonnes else None,
            )
        )
    return tuple(figures)


def publish_cell(
    cell: CellSums, *, box: Box20, min_shippers: int = DEFAULT_MIN_SHIPPERS
) -> LaneMonth:
    """One lane-month as published: figures, or suppressed when too few shippers."""
    if cell.shippers < min_shippers:
        return LaneMonth(
            origin_locode=cell.origin_locode,
            destination_locode=cell.destination_locode,
            month=cell.month,
            suppressed=True,
        )
    tonnes = cell.weight_kg / KG_PER_TONNE
    return LaneMonth(
        origin_locode=cell.origin_locode,
        destination_locode=cell.destination_locode,
        month=cell.month,
        suppressed=False,
        shippers=cell.shippers,
        shipments=cell.shipments,
        teu=_round(teu_equivalent(cell.volume_m3, cell.weight_kg, box)),
        tonnes=_round(tonnes),
        volume_m3=_round(cell.volume_m3),
        reefer_share=_round(cell.reefer_volume_m3 / cell.volume_m3, 4)
        if cell.volume_m3
        else 0.0,
        by_status=_figures(
            cell.by_status,
            total_tonnes=tonnes,
            box=box,
            min_shippers=min_shippers,
            order=STATUSES,
        ),
        by_chapter=_figures(
            cell.by_chapter, total_tonnes=tonnes, box=box, min_shippers=min_shippers
        ),
    )


def month_range(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s month to `last`'s, inclusive."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # noqa: PLR2004
    return months


def lane_series(
    cells: Iterable[LaneMonth], *, months: Sequence[date]
) -> list[LaneSeries]:
    """Each lane's months in order, with an empty (suppressed) month where there was none."""
    by_lane: dict[tuple[str, str], dict[date, LaneMonth]] = {}
    for cell in cells:
        by_lane.setdefault((cell.origin_locode, cell.destination_locode), {})[
            cell.month
        ] = cell
    series = []
    for (origin, destination), found in sorted(by_lane.items()):
        series.append(
            LaneSeries(
                origin_locode=origin,
                destination_locode=destination,
                months=tuple(
                    found.get(
                        month,
                        LaneMonth(
                            origin_locode=origin,
                            destination_locode=destination,
                            month=month,
                            suppressed=False,
                            shippers=0,
                            shipments=0,
                            teu=0.0,
                            tonnes=0.0,
                            volume_m3=0.0,
                            reefer_share=0.0,
                        ),
                    )
                    for month in months
                ),
            )
        )
    return series


@dataclass(frozen=True)
class ChartBar:
    """One bar of the server-rendered seasonality chart (SVG coordinates)."""

    month: date
    x: float
    y: float
    width: float
    height: float
    teu: float | None  # None: suppressed


def chart_bars(
    series: LaneSeries, *, width: float, height: float, gap: float = 4.0
) -> list[ChartBar]:
    """Bars scaled to the lane's peak month; suppressed months are drawn as zero height."""
    count = len(series.months) or 1
    slot = width / count
    peak = series.peak_teu or 1.0
    bars = []
    for n, month in enumerate(series.months):
        value = month.teu if not month.suppressed else None
        bar_height = 0.0 if value is None else height * value / peak
        bars.append(
            ChartBar(
                month=month.month,
                x=_round(n * slot + gap / 2),
                y=_round(height - bar_height),
                width=_round(max(slot - gap, 1.0)),
                height=_round(bar_height),
                teu=value,
            )
        )
    return bars
