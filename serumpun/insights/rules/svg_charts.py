"""Small bar and line charts as SVG geometry, for pages that must print without JavaScript.

The monthly briefing is read on paper and as a PDF (weasyprint draws SVG but runs no
script), so its trend charts are computed here as plain shapes — bars, a polyline, axis
labels — and a template writes them out as <svg> elements. Pure: numbers in, shapes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR = "bar"
LINE = "line"

#: the drawing's coordinate system (viewBox units); the SVG scales to its container
WIDTH = 320.0
HEIGHT = 150.0
#: room for the value labels above the tallest bar and the month labels below the axis
TOP = 16.0
BOTTOM = 22.0
SIDE = 12.0
#: the share of each slot a bar fills, leaving a gap between neighbours
BAR_FILL = 0.66
#: the space between a bar's top and its value label
VALUE_GAP = 3.0


@dataclass(frozen=True)
class Mark:
    """One value drawn: a bar (x, y, width, height) or a line point (cx, cy)."""

    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    cx: float
    cy: float
    label_x: float  # where the axis label and the value label sit (text centre)
    value_y: float  # the baseline of the value label, just above the bar or point
    labelled: (
        bool  # whether the value is written out: the last (reported) month and the peak
    )


@dataclass(frozen=True)
class SvgChart:
    """A chart's geometry: marks, the axis line, and for a line chart its polyline."""

    id: str
    title: str
    kind: str
    unit: str
    marks: tuple[Mark, ...]
    width: float = WIDTH
    height: float = HEIGHT
    axis_y: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - 6.0
    points: str = ""  # "x,y x,y …" of the polyline (line charts)

    @property
    def view_box(self) -> str:
        return f"0 0 {_fmt(self.width)} {_fmt(self.height)}"

    @property
    def empty(self) -> bool:
        return not any(mark.value for mark in self.marks)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    kind: str = BAR,
    unit: str = "",
    width: float = WIDTH,
    height: float = HEIGHT,
) -> SvgChart:
    """Lay out one series: a bar or a point per label, scaled to the largest value.

    Missing values (None) draw nothing; negative values are drawn as zero (the briefing's
    series are counts, tonnes and dollars).
    """
    if len(labels) != len(values):
        raise ValueError("values do not match the labels")
    if kind not in (BAR, LINE):
        raise ValueError(f"unknown chart kind {kind!r}")
    plot_height = height - TOP - BOTTOM
    axis_y = height - BOTTOM
    slot = (width - 2 * SIDE) / max(len(labels), 1)
    largest = max((v for v in values if v is not None and v > 0), default=0.0)
    peak = next((i for i, v in enumerate(values) if v is not None and v == largest), -1)
    marks = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = SIDE + slot * (i + 0.5)
        shown = max(value or 0.0, 0.0)
        bar_height = plot_height * shown / largest if largest else 0.0
        bar_width = slot * BAR_FILL
        marks.append(
            Mark(
                label=label,
                value=value,
                x=round(centre - bar_width / 2, 1),
                y=round(axis_y - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                cx=round(centre, 1),
                cy=round(axis_y - bar_height, 1),
                label_x=round(centre, 1),
                value_y=round(axis_y - bar_height - VALUE_GAP, 1),
                labelled=bool(value) and i in (peak, len(values) - 1),
            )
        )
    points = (
        " ".join(f"{_fmt(m.cx)},{_fmt(m.cy)}" for m in marks if m.value is not None)
        if kind == LINE
        else ""
    )
    return SvgChart(
        id=chart_id,
        title=title,
        kind=kind,
        unit=unit,
        marks=tuple(marks),
        width=width,
        height=height,
        axis_y=axis_y,
        label_y=height - 6.0,
        points=points,
    )
