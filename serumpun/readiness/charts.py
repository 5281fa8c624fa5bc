"""Small server-rendered SVG charts (CSP-safe: no script, no inline style), each shown next
to a data table carrying the same numbers for screen readers and print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
HEIGHT = 140
PAD = 24
MAX_SCORE = 100.0
ROW_HEIGHT = 34


@dataclass(frozen=True)
class LinePoint:
    """One plotted point: its coordinates and the value it stands for."""

    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class LineChart:
    """A score-over-time line: points, the polyline, and the level thresholds as guides."""

    points: tuple[LinePoint, ...]
    polyline: str
    guides: tuple[tuple[float, float], ...]  # (y, value)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def guide_end(self) -> int:
        """Where the threshold guides end (the right padding)."""
        return self.width - PAD


def _y(value: float) -> float:
    return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / MAX_SCORE, 1)


def score_line(
    values: Sequence[tuple[str, float]], thresholds: Sequence[float]
) -> LineChart:
    """Scores 0–100 in time order, spread evenly across the width."""
    n = len(values)
    step = (WIDTH - 2 * PAD) / max(n - 1, 1)
    points = tuple(
        LinePoint(round(PAD + i * step, 1), _y(value), value, label)
        for i, (label, value) in enumerate(values)
    )
    return LineChart(
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        guides=tuple((_y(t), t) for t in thresholds),
    )


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, share 0–1 and drawn width."""

    label: str
    share: float
    count: int
    width: float
    y: int

    @property
    def text_x(self) -> float:
        """Where the share's label starts, just right of the bar."""
        return round(self.width + 4, 1)

    @property
    def bar_y(self) -> int:
        """The bar's top, under its name."""
        return self.y + 15

    @property
    def text_y(self) -> int:
        """The share's baseline, beside the bar."""
        return self.y + 26

    @property
    def name_y(self) -> int:
        """The dimension name's baseline, above the bar."""
        return self.y + 11


def share_bars(
    rows: Sequence[tuple[str, int]], total: int, *, row_height: int = ROW_HEIGHT
) -> tuple[Bar, ...]:
    """Horizontal bars of `count / total` for each (label, count)."""
    usable = WIDTH - 2 * PAD - 16  # room for the share's label
    return tuple(
        Bar(
            label,
            count / total if total else 0.0,
            count,
            round(usable * (count / total if total else 0.0), 1),
            i * row_height,
        )
        for i, (label, count) in enumerate(rows)
    )
