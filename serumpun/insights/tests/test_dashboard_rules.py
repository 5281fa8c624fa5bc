"""The executive dashboard's pure rules: figures, TEU per lane, links and "where it is stuck"."""

from __future__ import annotations

import datetime as dt

from serumpun.insights import metrics as m
from serumpun.insights.queries import BROKEN_DOWN, REGIONAL
from serumpun.insights.rules import executive
from serumpun.insights.rules.cube import ALL, Cube, MonthRow, Row, Sums
from serumpun.logistics.rules.lane_demand import Box20, teu_equivalent

OCTOBER = dt.date(2026, 10, 1)
BOX = Box20(usable_volume_m3=28.0, payload_kg=21_000.0)
REGENCIES = {"1801": "Lampung Barat", "1871": "Kota Bandar Lampung"}


def cube(*rows: Row, regency: str | None = None, months=()) -> Cube:
    return Cube(
        first_month=OCTOBER,
        last_month=OCTOBER,
        regency=regency,
        rows=list(rows),
        months=list(months),
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )


def row(metric, regency="", key="", sub="", **sums) -> Row:
    return Row(metric, regency, key, sub, Sums(**sums))


def words(links: dict[str, str] | None = None, **fields) -> executive.Vocabulary:
    calls = links if links is not None else {}

    def link(target: str, **params: str) -> str | None:
        if target not in calls:
            return None
        query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        return f"{calls[target]}?{query}" if query else calls[target]

    return executive.Vocabulary(
        gettext=str,
        month_label=lambda month: f"{month:%Y-%m}",
        link=link,
        regencies=REGENCIES,
        box=BOX,
        **fields,
    )


def test_an_empty_cube_has_zero_figures_and_nothing_stuck():
    dashboard = executive.build(cube(), words())

    assert dashboard.stuck == []
    trade = dashboard.sections[0]
    assert {f.label: f.value for f in trade.figures}["MSMEs registered"] == 0
    assert all(chart.empty for chart in dashboard.charts)
    labour = {f.label: f.value for f in dashboard.sections[2].figures}
    assert labour["Formal-sector share of placements"] is None
    assert labour["Mean time to first response"] is None


def test_teu_is_summed_lane_by_lane_not_from_the_province_total():
    shipments = cube(
        row(m.SHIPMENT, ALL, "MYPKG", "booked", records=2, amount=30_000, extra=1.0),
        row(m.SHIPMENT, ALL, "MYPEN", "booked", records=1, amount=100, extra=27.0),
    )
    transport = executive.transport_section(shipments, words())

    teu = {f.label: f.value for f in transport.figures}["Containers (TEU-equivalent)"]
    by_lane = teu_equivalent(1.0, 30_000, BOX) + teu_equivalent(27.0, 100, BOX)
    assert teu == round(by_lane, 1)
    assert teu > round(teu_equivalent(28.0, 30_100, BOX), 1)  # pooled would be less


def test_links_carry_the_filters_and_are_absent_where_the_viewer_may_not_go():
    data = cube(
        row(m.MSME_REGISTERED, "1801", records=2),
        row(m.MSME_REGISTERED, ALL, records=2),
        regency="1801",
    )
    allowed = words({"registry": "/registry/"})

    trade = executive.trade_section(data, allowed)

    figures = {f.label: f for f in trade.figures}
    assert figures["MSMEs registered"].link == "/registry/?regency=1801"
    assert figures["MSMEs verified"].link == "/registry/?regency=1801&state=verified"
    assert figures["Deals (orders)"].link is None  # no pipeline for this viewer
    by_regency = next(c for c in trade.charts if c.id == "trade-msmes-by-regency")
    assert list(by_regency.labels) == ["Lampung Barat"]  # the filtered regency only
    assert list(by_regency.series[0].values) == [2]


def test_rejections_without_a_coded_rule_are_the_attaches_judgement():
    data = cube(
        row(m.REJECTION_REASON, "", "MY-1", records=3),
        row(m.REJECTION_REASON, "", m.NO_RULE_BROKEN, records=1),
    )
    titles = {"MY-1": "Sector open to foreign workers"}

    labour = executive.labour_section(data, words(rule_title=titles.__getitem__))

    reasons = next(c for c in labour.charts if c.id == "labour-rejections")
    assert list(reasons.labels) == [
        "Sector open to foreign workers (MY-1)",
        "The attaché's judgement (no coded rule)",
    ]
    assert list(reasons.series[0].values) == [3, 1]


def test_where_it_is_stuck_lists_each_kind_of_trouble():
    data = cube(
        row(m.MSME_ASSESSED, "1801", records=3),
        row(m.MSME_ASSESSED, "1871", records=2),
        row(m.MSME_READY, "1871", records=1),
        row(m.GAP_OPEN, ALL, "gate.halal", "standards", records=4, contributors=3),
        row(m.GAP_OPEN, ALL, "partner.loi_mou", "partner", records=2, contributors=2),
        row(m.MSME_REGISTERED, ALL, records=5),
        row(m.MSME_VERIFIED, ALL, records=2),
        row(m.INTRODUCTION, ALL, "", "introduced", records=4),
        row(m.DEAL, ALL, "090121", "ordered", records=1, amount=5000),
        row(m.JOB_ORDER_REVIEWED, "", "plantation", "endorsed", records=3),
        row(m.JOB_ORDER_REVIEWED, "", "construction", "rejected", records=1),
        row(m.REJECTION_REASON, "", "MY-1", records=1),
        row(m.GRIEVANCE, ALL, "unpaid_wages", "open", records=3, extra=1, amount=10),
    )
    vocabulary = words(
        {"grievances": "/grievances/"},
        gap_title={"gate.halal": "Halal certificate"}.get,
        rule_title={"MY-1": "Sector open"}.get,
    )

    stuck = {f.title: f for f in executive.stuck(data, vocabulary)}

    none_ready = stuck["Regencies with assessed MSMEs but none export-ready"]
    assert (none_ready.value, none_ready.detail) == (1, "Lampung Barat")
    gap = stuck["Most common readiness gap"]
    assert (gap.value, gap.detail) == (3, "Halal certificate")
    assert stuck["Registered in the period, not verified yet"].value == 3
    assert stuck["Introductions that have not led to an order"].value == 3
    rejected = stuck["Share of reviewed job orders rejected"]
    assert (rejected.value, rejected.detail) == (25.0, "most often: Sector open")
    waiting = stuck["Grievances without a first response"]
    assert (waiting.value, waiting.link) == (2, "/grievances/?status=open")


def test_monthly_series_have_one_value_per_month():
    months = [
        MonthRow(m.DEAL, OCTOBER, "090121", "ordered", Sums(records=2, amount=750.4))
    ]
    data = cube(months=months)

    trade = executive.trade_section(data, words())

    value = next(c for c in trade.charts if c.id == "trade-deal-value")
    assert list(value.labels) == ["2026-10"]
    assert list(value.series[0].values) == [750]


def test_emissions_are_an_estimate_that_says_how_much_cargo_it_covers():
    data = cube(
        row(m.SHIPMENT, ALL, "MYPKG", "booked", records=2, amount=20_000, extra=30),
        row(m.SHIPMENT_CO2E, ALL, "MYPKG", "", records=1, amount=812.4, extra=15.0),
    )

    transport = executive.transport_section(data, words())

    emissions = {f.label: f for f in transport.figures}["Emissions (estimate)"]
    assert emissions.value == 0.8  # tonnes CO2e
    assert emissions.note == "covers 15.0 of 20.0 tonnes shipped"
    by_lane = next(c for c in transport.charts if c.id == "transport-co2e")
    assert list(by_lane.series[0].values) == [812]
    assert "covers 15.0 of 20.0 tonnes" in by_lane.note


def test_the_indexed_cube_reads_the_same_figures_as_the_cube():
    plain = cube(
        row(m.SHIPMENT, ALL, "MYPKG", "booked", records=2, amount=300),
        row(m.SHIPMENT, ALL, "MYPEN", "shipped", records=1, amount=100),
        row(m.SHIPMENT, "1801", ALL, ALL, records=3, amount=400),
        row(m.DEAL, ALL, "090121", "ordered", records=1, amount=5000),
        months=[
            MonthRow(m.SHIPMENT, OCTOBER, "MYPKG", "booked", Sums(records=2)),
            MonthRow(m.DEAL, OCTOBER, "090121", "ordered", Sums(records=1)),
        ],
    )
    fast = executive.indexed(plain)

    assert executive.indexed(fast) is fast
    for metric in (m.SHIPMENT, m.DEAL, m.GRIEVANCE):
        assert fast.total(metric) == plain.total(metric)
        assert fast.by(metric, "key") == plain.by(metric, "key")
        assert fast.by(metric, "regency") == plain.by(metric, "regency")
        assert fast.series(metric) == plain.series(metric)
    assert fast.total(m.SHIPMENT, sub="shipped") == plain.total(
        m.SHIPMENT, sub="shipped"
    )
