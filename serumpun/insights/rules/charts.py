"""Chart specifications: what a chart shows, as plain data, with its accessible table.

A view builds a `Chart`; the `{% chart %}` tag renders it as a <figure> holding a canvas that
the vendored chart library draws (static/js/insights-charts.js reads the JSON beside it) and a
data table with the same numbers, so a screen reader, a printout and a phone without
JavaScript all get the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

BAR = "bar"
STACKED_BAR = "stacked_bar"
HORIZONTAL_BAR = "horizontal_bar"
LINE = "line"
DOUGHNUT = "doughnut"
KINDS = frozenset({BAR, STACKED_BAR, HORIZONTAL_BAR, LINE, DOUGHNUT})


@dataclass(frozen=True)
class Series:
    """One named series of values, one per label (None: no value)."""

    label: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class Chart:
    """A chart and its table: labels along one axis, one or more series."""

    id: str  # unique on the page; used for the canvas and the JSON element
    title: str
    kind: str
    labels: Sequence[str]
    series: Sequence[Series]
    unit: str = ""
    note: str = ""  # e.g. the source, or "estimate"
    links: Sequence[str | None] = field(default_factory=tuple)  # per label: the records

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.label!r} does not match the labels")
        if self.links and len(self.links) != len(self.labels):
            raise ValueError("links do not match the labels")

    @property
    def empty(self) -> bool:
        """True when every value is zero or missing."""
        return not any(v for s in self.series for v in s.values)

    def config(self) -> dict[str, Any]:
        """What the chart library needs (JSON-serialisable)."""
        return {
            "kind": self.kind,
            "labels": list(self.labels),
            "series": [
                {"label": s.label, "values": list(s.values)} for s in self.series
            ],
            "unit": self.unit,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        """The accessible table: one row per label, one cell per series."""
        return [
            {
                "label": label,
                "link": self.links[i] if self.links else None,
                "values": [s.values[i] for s in self.series],
            }
            for i, label in enumerate(self.labels)
        ]
