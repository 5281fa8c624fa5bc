"""The executive dashboard's transport section: lanes, TEU, pooling savings and CO2e."""

from __future__ import annotations

from serumpun.insights import metrics as m
from serumpun.insights.rules.charts import BAR, LINE, Chart, Series
from serumpun.insights.rules.cube import Cube
from serumpun.insights.rules.executive.common import (
    Figure,
    Section,
    Vocabulary,
    lane_teu,
    month_labels,
    province_wide,
    tonnes,
)


def lanes(cube: Cube) -> list[str]:
    """The destination ports the transport charts name."""
    return sorted(code for code in cube.by(m.SHIPMENT, "key") if code)


def transport_section(cube: Cube, words: Vocabulary) -> Section:
    """Shipments, tonnes and TEU by lane; pooling savings; the CO2e estimate."""
    _ = words.gettext
    link = words.link
    shipments = cube.total(m.SHIPMENT)
    by_lane = cube.by(m.SHIPMENT, "key")
    teu = sum(lane_teu(sums, words.box) for sums in by_lane.values())
    pools = cube.total(m.POOL_PLAN)
    co2e = cube.total(m.SHIPMENT_CO2E)
    figures = [
        Figure(_("Shipments"), shipments.records, link=link("shipments")),
        Figure(
            _("Cargo"),
            tonnes(shipments.amount),
            unit=_("tonnes"),
            link=link("lane_demand"),
            places=1,
        ),
        Figure(
            _("Containers (TEU-equivalent)"),
            round(teu, 1),
            unit="TEU",
            link=link("lane_demand"),
            places=1,
            note=_("per lane: volume ÷ a 20' box's usable volume or weight ÷ payload"),
        ),
        Figure(
            _("Pooling savings"),
            round(pools.amount),
            unit="USD",
            link=link("pooling"),
            note=_("published pooling plans against shipping each load alone"),
        ),
        Figure(
            _("Emissions (estimate)"),
            tonnes(co2e.amount),
            unit=_("t CO2e"),
            link=link("lane_demand"),
            places=1,
            note=_("covers %(covered)s of %(total)s tonnes shipped")
            % {
                "covered": words.number(round(co2e.extra, 1), 1),  # already tonnes
                "total": words.number(tonnes(shipments.amount), 1),
            },
        ),
    ]
    return Section(
        id="transport",
        title=_("Transport"),
        note=province_wide(
            cube,
            _(
                "Pooling plans belong to no regency: their savings are shown for the "
                "whole province."
            ),
        ),
        figures=figures,
        charts=[
            _lanes(cube, words),
            _tonnes_by_month(cube, words),
            _co2e_by_lane(cube, words),
        ],
    )


def _port(words: Vocabulary, locode: str) -> str:
    name = words.ports.get(locode)
    return f"{name} ({locode})" if name else locode


def _lanes(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    codes = lanes(cube)
    by_lane = cube.by(m.SHIPMENT, "key")
    return Chart(
        id="transport-lanes",
        title=_("Shipments, tonnes and TEU by destination port"),
        kind=BAR,
        labels=[_port(words, code) for code in codes],
        series=[
            Series(_("shipments"), [by_lane[code].records for code in codes]),
            Series(_("tonnes"), [tonnes(by_lane[code].amount) for code in codes]),
            Series(
                _("TEU-equivalent"),
                [round(lane_teu(by_lane[code], words.box), 1) for code in codes],
            ),
        ],
        note=_(
            "Cancelled shipments are left out; a shipment counts in its ready month."
        ),
        links=[words.link("lane_demand", to=code) for code in codes],
    )


def _tonnes_by_month(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    per_lane = [cube.series(m.SHIPMENT, key=code) for code in lanes(cube)]
    teu: list[float | int | None] = [
        round(sum(lane_teu(series[i][1], words.box) for series in per_lane), 1)
        for i in range(len(cube.month_list()))
    ]
    return Chart(
        id="transport-by-month",
        title=_("Tonnes and TEU shipped by month"),
        kind=LINE,
        labels=month_labels(cube, words),
        series=[
            Series(
                _("tonnes"), [tonnes(s.amount) for _m, s in cube.series(m.SHIPMENT)]
            ),
            Series(_("TEU-equivalent"), teu),
        ],
    )


def _co2e_by_lane(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    by_lane = cube.by(m.SHIPMENT_CO2E, "key")
    codes = sorted(code for code in by_lane if code)
    covered = cube.total(m.SHIPMENT_CO2E).extra  # tonnes (metrics.py)
    shipped = cube.total(m.SHIPMENT).amount
    return Chart(
        id="transport-co2e",
        title=_("Estimated emissions by destination port"),
        kind=BAR,
        labels=[_port(words, code) for code in codes],
        series=[
            Series(_("kg CO2e"), [round(by_lane[code].amount) for code in codes]),
        ],
        unit=_("kg CO2e"),
        note=_(
            "An estimate: each lane's sea route quoted for one tonne with the route "
            "engine's emission factors, times the tonnes shipped; lanes the engine "
            "cannot route are left out. It covers %(covered)s of %(total)s tonnes "
            "shipped."
        )
        % {
            "covered": words.number(round(covered, 1), 1),
            "total": words.number(tonnes(shipped), 1),
        },
        links=[words.link("lane_demand", to=code) for code in codes],
    )
