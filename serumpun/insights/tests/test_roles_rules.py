"""The role dashboards' pure figures: funnels, shares, means, the seeker's path, links."""

from __future__ import annotations

import datetime as dt

import pytest

from serumpun.insights import metrics as m
from serumpun.insights.rules import roles as rules
from serumpun.insights.rules.charts import Chart
from serumpun.insights.rules.cube import Cube, MonthRow, Row, Sums

NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def same(text: str) -> str:
    return text


def month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def cube(rows: list[Row], months: list[MonthRow] | None = None) -> Cube:
    from serumpun.insights.queries import BROKEN_DOWN, REGIONAL

    return Cube(
        NOV, DEC, None, rows, months or [], regional=REGIONAL, broken_down=BROKEN_DOWN
    )


def chart(charts: list[Chart], chart_id: str) -> Chart:
    return next(c for c in charts if c.id == chart_id)


def values(c: Chart, series: int = 0) -> dict[str, object]:
    return dict(zip(c.labels, c.series[series].values, strict=True))


TRADE_URLS = rules.TradeUrls("/requests/", "/leads/", "/pipeline/")


def test_the_lead_funnel_counts_each_stage_and_what_reached_it():
    rows = [
        Row(m.INTRODUCTION, "*", "", "introduced", Sums(3)),
        Row(m.INTRODUCTION, "*", "", "negotiating", Sums(2)),
        Row(m.INTRODUCTION, "*", "", "paid", Sums(1)),
        Row(m.INTRODUCTION, "*", "", "lost", Sums(4)),
        # a per-regency cell: must not be counted again without a regency filter
        Row(m.INTRODUCTION, "1801", "", "introduced", Sums(3)),
    ]
    funnel = chart(
        rules.trade_charts(cube(rows), rules.Names(), TRADE_URLS, same, month),
        "leads-funnel",
    )
    assert values(funnel) == {
        "introduced": 3,
        "sample_sent": 0,
        "negotiating": 2,
        "ordered": 0,
        "shipped": 0,
        "paid": 1,
        "lost": 4,
    }
    assert values(funnel, 1) == {
        "introduced": 6,
        "sample_sent": 3,
        "negotiating": 3,
        "ordered": 1,
        "shipped": 1,
        "paid": 1,
        "lost": None,
    }
    assert funnel.links[-1] == "/leads/?stage=lost"


def test_deal_months_link_to_the_pipeline_for_that_month():
    months = [MonthRow(m.DEAL, DEC, "090111", "ordered", Sums(2, 2, 5000.0, 100.0))]
    charts = rules.trade_charts(
        cube([], months), rules.Names(), TRADE_URLS, same, month
    )
    deals = chart(charts, "deals-month")
    assert values(deals) == {"2026-11": 0, "2026-12": 2}
    assert deals.links[1] == "/pipeline/?since=2026-12-01&until=2026-12-31"
    assert values(chart(charts, "deal-value-month")) == {
        "2026-11": 0,
        "2026-12": 5000.0,
    }


def test_transport_totals_use_the_teu_rule_and_say_what_co2e_covers():
    rows = [
        Row(m.SHIPMENT, "*", "MYPKG", "booked", Sums(2, 2, 6000.0, 30.0)),
        Row(m.SHIPMENT, "*", "MYPEN", "pledged", Sums(1, 1, 2000.0, 4.0)),
        Row(m.SHIPMENT_CO2E, "*", "MYPKG", "", Sums(1, 0, 300.0, 6.0)),
        Row(m.POOL_PLAN, "", "", "", Sums(2, 0, 750.0, 3.0)),
    ]

    def teu(volume: float, weight: float) -> float:
        return max(volume / 30.0, weight / 20000.0)

    totals = rules.transport_totals(cube(rows), teu)
    assert totals.shipments == 3
    assert totals.tonnes == 8.0
    assert totals.teu == round(34 / 30, 2)
    assert (totals.pool_plans, totals.containers, totals.saving_usd) == (2, 3, 750.0)
    assert totals.co2e_tonnes == 0.3
    assert totals.co2e_share == 6.0 / 8.0


def test_labour_totals_give_the_domestic_share_and_mean_response_hours():
    rows = [
        Row(m.PLACEMENT, "*", "domestic", "working", Sums(1)),
        Row(m.PLACEMENT, "*", "plantation", "departed", Sums(3)),
        Row(m.GRIEVANCE, "*", "unpaid_wages", "open", Sums(3, 3, 30.0, 2.0)),
    ]
    totals = rules.labour_totals(cube(rows))
    assert totals.placements == 4
    assert totals.domestic_share == 0.25
    assert totals.mean_hours_to_response == 15.0
    assert rules.labour_totals(cube([])).mean_hours_to_response is None


def test_rejections_without_a_coded_rule_are_named_as_the_attaches_judgement():
    rows = [
        Row(m.REJECTION_REASON, "", "ID-1", "", Sums(1)),
        Row(m.REJECTION_REASON, "", m.NO_RULE_BROKEN, "", Sums(2)),
    ]
    names = rules.Names(rules={"ID-1": "Minimum age", m.NO_RULE_BROKEN: "Judgement"})
    urls = rules.LabourUrls("/orders/", "/review/", "/placements/", "/grievances/")
    reasons = chart(
        rules.labour_charts(cube(rows), names, urls, same), "rejection-rules"
    )
    assert values(reasons) == {"Judgement": 2, "ID-1 Minimum age": 1}


@pytest.mark.parametrize(
    ("stage", "states"),
    [
        ("registered", ["current", "todo"]),
        ("training", ["done", "done"]),
        ("withdrawn", ["current"]),
    ],
)
def test_the_seeker_path_marks_done_current_and_todo(stage, states):
    path = rules.seeker_path(stage, rules.Names())
    assert [step.state for step in path[:2]] == states
    assert [step.code for step in path if step.state == "current"] == [stage]


def test_an_office_shows_the_pillar_of_its_own_work_unless_asked():
    labour_work = rules.OfficeWork({}, {NOV: 5}, {"open": 1}, 0, 0, 0)
    trade_work = rules.OfficeWork({NOV: 3}, {NOV: 1}, {}, 2, 10, 4)
    assert rules.office_pillar(labour_work) == rules.LABOUR
    assert rules.office_pillar(trade_work) == rules.TRADE
    assert rules.office_pillar(trade_work, "transport") == rules.TRANSPORT
    assert rules.office_pillar(trade_work, "nonsense") == rules.TRADE


def test_links_keep_only_the_given_parameters():
    assert rules.with_query("/a/", stage="", hs="0901") == "/a/?hs=0901"
    assert rules.with_query("/a/") == "/a/"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Coffee, whether or not roasted or decaffeinated; husks", "Coffee"),
        ("Starches; inulin", "Starches"),
        (
            "Pepper of the genus piper and of the genus capsicum",
            "Pepper of the genus piper a…",
        ),
    ],
)
def test_chart_labels_keep_the_first_clause_of_long_names(name, short):
    assert rules.short_name(name) == short
    assert len(rules.short_name(name)) <= rules.SHORT_NAME
