"""The executive dashboard: headline figures, charts and "where it is stuck", from a Cube.

Pure: the view loads the cube (`queries.load_cube`) and the few names the page shows (HS
descriptions, port names, rule and gap titles) and passes them in a `Vocabulary`, together
with `gettext` and a `link` function that answers the URL of the records behind a figure, or
None when the viewer may not open that list. Nothing here reads the database or the clock.
One module per section: trade, transport, labour; `stuck` reads across them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from serumpun.insights import metrics as m
from serumpun.insights.rules.charts import Chart
from serumpun.insights.rules.cube import Cube
from serumpun.insights.rules.executive.common import (
    Figure,
    Finding,
    Link,
    Section,
    Vocabulary,
    indexed,
)
from serumpun.insights.rules.executive.labour import labour_section
from serumpun.insights.rules.executive.stuck import stuck
from serumpun.insights.rules.executive.trade import hs_codes, trade_section
from serumpun.insights.rules.executive.transport import lanes, transport_section

__all__ = [
    "Dashboard",
    "Figure",
    "Finding",
    "Link",
    "Section",
    "Vocabulary",
    "build",
    "hs_codes",
    "indexed",
    "labour_section",
    "lanes",
    "stuck",
    "trade_section",
    "transport_section",
]


@dataclass(frozen=True)
class Dashboard:
    """Everything the executive page shows."""

    sections: Sequence[Section]
    stuck: Sequence[Finding]
    ready_by_regency: Mapping[str, int]  # for the map: export-ready MSMEs per regency

    @property
    def charts(self) -> list[Chart]:
        """Every chart on the page (each table is downloadable by its chart id)."""
        return [chart for section in self.sections for chart in section.charts]


def build(cube: Cube, words: Vocabulary) -> Dashboard:
    """The executive dashboard for the cube's period and regency."""
    cube = indexed(cube)
    return Dashboard(
        sections=[
            trade_section(cube, words),
            transport_section(cube, words),
            labour_section(cube, words),
        ],
        stuck=stuck(cube, words),
        ready_by_regency={
            code: sums.records
            for code, sums in cube.by(m.MSME_READY, "regency").items()
        },
    )
