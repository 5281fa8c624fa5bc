"""The briefing's pure parts: changes, findings and the SVG chart geometry (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from serumpun.insights import metrics as m
from serumpun.insights.rules import svg_charts
from serumpun.insights.rules.briefing import build_figures, change, trend_start
from serumpun.insights.rules.cube import ALL, Cube, MonthRow, Row, Sums
from serumpun.logistics.rules.lane_demand import Box20

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
BOX = Box20(usable_volume_m3=28.0, payload_kg=20000.0)
REGIONAL = frozenset(k for k, v in m.METRICS.items() if v.regency)
BROKEN_DOWN = frozenset(
    k for k in REGIONAL if m.METRICS[k].key_means or m.METRICS[k].sub_means
)


def cube(month, rows=(), months=(), snapshot=None):
    return Cube(
        first_month=month,
        last_month=month,
        regency=None,
        rows=list(rows),
        months=list(months),
        snapshot_month=snapshot,
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )


def figures(now, before, trend=None):
    return build_figures(
        month=OCT,
        now=now,
        before=before,
        trend=trend or cube(OCT),
        box=BOX,
        refreshed_at=None,
        generated_at="2026-11-01T00:00:00+00:00",
    )


@pytest.mark.parametrize(
    ("value", "previous", "delta", "percent"),
    [
        (12, 10, 2, 20.0),
        (5, 10, -5, -50.0),
        (3, 0, 3, None),  # no percentage of nothing
        (3, None, None, None),  # no earlier figure to compare with
        (None, 4, None, None),
    ],
)
def test_change_against_last_month(value, previous, delta, percent):
    got = change(value, previous)
    assert (got["value"], got["previous"], got["delta"], got["percent"]) == (
        value,
        previous,
        delta,
        percent,
    )


def test_trend_covers_twelve_months_to_the_month():
    assert trend_start(dt.date(2026, 10, 1)) == dt.date(2025, 11, 1)


def test_lanes_are_tonnes_and_teu_of_the_province_cells():
    rows = [
        Row(m.SHIPMENT, ALL, "MYPKG", "booked", Sums(3, 2, 30000.0, 14.0)),
        Row(m.SHIPMENT, ALL, "MYPEN", "booked", Sums(1, 1, 1000.0, 28.0)),
        # a per-regency total: must not be counted again
        Row(m.SHIPMENT, "1801", ALL, ALL, Sums(4, 3, 31000.0, 42.0)),
    ]
    got = figures(cube(OCT, rows), cube(SEP))["transport"]
    assert got["shipments"]["value"] == 4
    assert got["tonnes"]["value"] == 31.0
    assert got["lanes"] == [
        {"destination": "MYPKG", "shipments": 3, "tonnes": 30.0, "teu": 1.5},  # weight
        {"destination": "MYPEN", "shipments": 1, "tonnes": 1.0, "teu": 1.0},  # volume
    ]


def test_placements_formal_share_and_falling_figures_are_found():
    now = cube(
        OCT,
        [
            Row(m.PLACEMENT, ALL, "plantation", "departed", Sums(3, 3)),
            Row(m.PLACEMENT, ALL, "domestic", "departed", Sums(1, 1)),
        ],
    )
    before = cube(SEP, [Row(m.PLACEMENT, ALL, "plantation", "working", Sums(6, 6))])
    got = figures(now, before)
    assert got["labour"]["placements"]["value"] == 4
    assert got["labour"]["formal_share"] == 75.0
    assert {
        "code": "falling",
        "figure": "placements",
        "value": 4,
        "previous": 6,
    } in got["stuck"]


def test_snapshot_changes_only_when_last_month_had_its_own():
    ready = [Row(m.MSME_READY, ALL, "", "", Sums(7, 7))]
    same_snapshot = figures(
        cube(OCT, ready, snapshot=SEP), cube(SEP, ready, snapshot=SEP)
    )
    assert same_snapshot["trade"]["msmes_ready"]["value"] == 7
    assert same_snapshot["trade"]["msmes_ready"]["delta"] is None
    before = [Row(m.MSME_READY, ALL, "", "", Sums(5, 5))]
    moved = figures(cube(OCT, ready, snapshot=OCT), cube(SEP, before, snapshot=SEP))
    assert moved["trade"]["msmes_ready"]["delta"] == 2


def test_trends_have_one_value_per_month():
    trend = Cube(
        first_month=trend_start(OCT),
        last_month=OCT,
        regency=None,
        months=[MonthRow(m.DEAL, OCT, "090111", "ordered", Sums(2, 2, 900.0))],
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )
    got = figures(cube(OCT), cube(SEP), trend)["trends"]
    assert len(got["months"]) == 12
    assert got["deal_value_usd"][-1] == 900.0
    assert got["deals"] == [0] * 11 + [2]


def test_bars_scale_to_the_largest_value_and_label_the_peak_and_last_month():
    chart = svg_charts.chart("c", "Deals", ["a", "b", "c"], [10, 0, 5])
    tall, empty, half = chart.marks
    assert tall.height == pytest.approx(2 * half.height, abs=0.2)
    assert empty.height == 0
    assert tall.y + tall.height == pytest.approx(chart.axis_y)
    assert [mark.labelled for mark in chart.marks] == [True, False, True]


def test_a_line_chart_joins_the_months_it_has_values_for():
    chart = svg_charts.chart("c", "t", ["a", "b", "c"], [1, None, 1], kind="line")
    assert len(chart.points.split()) == 2
    assert not svg_charts.chart("e", "t", ["a"], [0]).points


def test_a_chart_refuses_values_that_do_not_match_its_labels():
    with pytest.raises(ValueError, match="labels"):
        svg_charts.chart("c", "t", ["a"], [1, 2])
