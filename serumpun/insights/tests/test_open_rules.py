"""Open data's pure rules: small counts become "<5", thin sums are withheld, and no hidden
figure can be worked out from a published total (complementary suppression)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serumpun.insights import metrics as m
from serumpun.insights.rules import cube as sup
from serumpun.insights.rules import open_data as od
from serumpun.insights.rules.cube import ALL, Cube, MonthRow, Sums

TOTAL = sup.TOTAL
MONTHS = [f"2026-{n:02d}" for n in range(1, 13)]


def column(values: list[int]) -> sup.Published:
    rows = [str(i) for i in range(len(values))]
    return sup.publish(
        sup.count_grid(
            {(r, "n"): v for r, v in zip(rows, values, strict=True)}, rows, ("n",)
        )
    )


def published_column(values: list[int]) -> list[sup.Count]:
    grid = column(values)
    return [grid.count(str(i), "n") for i in range(len(values))] + [
        grid.count(TOTAL, "n")
    ]


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, "<5"), (2, "<5"), (4, "<5"), (5, 5), (6, 6), (1234, 1234)],
)
def test_a_count_of_one_to_four_is_published_as_below_five(count, shown):
    # alone in its table, with a total equal to itself: nothing else needs hiding
    assert published_column([count])[0] == shown


@pytest.mark.parametrize(
    ("records", "contributors", "hidden"),
    [
        (0, 0, False),  # nothing: 0 stays 0
        (4, 4, True),
        (12, 4, True),  # many deals by four MSMEs still show four MSMEs' business
        (4, 9, True),
        (5, 5, False),
        (30, 7, False),
    ],
)
def test_a_sum_is_withheld_below_five_records_or_contributors(
    records, contributors, hidden
):
    cell = sup.SumCell(amount=1000.0, records=records, contributors=contributors)
    grid = sup.publish(sup.amount_grid({("2026-01", ""): cell}, ["2026-01"], ("",)))
    amount = grid.amount("2026-01", "")
    assert amount.suppressed is hidden
    assert (amount.value is None) is hidden


def test_one_hidden_cell_in_a_column_hides_the_next_smallest_too():
    assert published_column([3, 9, 7, 0, 20]) == ["<5", 9, None, 0, 20, 39]


def test_two_small_cells_whose_total_fixes_them_are_protected():
    # 4 + 4 = 8 would give both away; there is no other cell, so the total goes
    assert published_column([4, 4, 0]) == ["<5", "<5", 0, None]
    # 1 + 3 = 4 is itself "<5" and leaves 1..3 each: safe as it is
    assert published_column([1, 3]) == ["<5", "<5", "<5"]
    # four cells under a "<5" total must each be 1: the total is withheld
    assert published_column([1, 1, 1, 1]) == ["<5", "<5", "<5", "<5", None]
    # 2 + 3 = 5 still allows (1, 4), (2, 3), (3, 2), (4, 1): safe
    assert published_column([2, 3, 10]) == ["<5", "<5", 10, 15]


def test_zero_cells_are_never_used_to_protect_others():
    # 2 + 6 = 8: the "<5" is 1..3 and the withheld one 5..7
    assert published_column([0, 2, 0, 6]) == [0, "<5", 0, None, 8]


def test_a_table_with_row_totals_protects_rows_and_columns():
    values = {
        ("2026-01", "endorsed"): 3,
        ("2026-01", "rejected"): 11,
        ("2026-02", "endorsed"): 8,
        ("2026-02", "rejected"): 6,
        ("2026-03", "endorsed"): 12,
        ("2026-03", "rejected"): 10,
    }
    rows, cols = ["2026-01", "2026-02", "2026-03"], ("endorsed", "rejected")
    grid = sup.publish(sup.count_grid(values, rows, cols, row_totals=True))
    assert grid.count("2026-01", "endorsed") == "<5"
    # every row and column holding a hidden cell holds another
    for r in rows:
        hidden = [c for c in cols if not grid.shown(r, c)]
        assert len(hidden) != 1
    for c in cols:
        hidden = [r for r in rows if not grid.shown(r, c)]
        assert len(hidden) != 1
    assert grid.count(TOTAL, TOTAL) == 50


def _pinned_anywhere(grid: sup.Published) -> bool:
    hidden = {p for p in grid.grid.entries if not grid.shown(*p)}
    return any(
        sup._pinned(grid.grid, cells, total, hidden, grid.withheld)
        for cells, total in grid.grid.lines()
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 12), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    st.booleans(),
)
def test_no_published_table_lets_a_reader_work_out_a_hidden_count(table, row_totals):
    rows = [str(i) for i in range(len(table))]
    cols = tuple(f"c{j}" for j in range(len(table[0])))
    values = {
        (r, c): table[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)
    }
    grid = sup.publish(sup.count_grid(values, rows, cols, row_totals=row_totals))
    assert not _pinned_anywhere(grid)
    for (r, c), entry in grid.grid.entries.items():
        shown = grid.count(r, c)
        if entry.value == 0:
            assert shown == 0
        elif 0 < entry.value < sup.MIN_CELL:
            # only a total may hide a "<5" (when its "<5" cells would be pinned)
            assert shown == "<5" or (shown is None and TOTAL in (r, c))
        else:
            assert shown in (int(entry.value), None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1e6), st.integers(0, 9), st.integers(0, 9)),
        min_size=1,
        max_size=8,
    )
)
def test_no_published_sum_can_be_worked_out_from_its_total(cells):
    rows = [str(i) for i in range(len(cells))]
    values = {
        (r, "kg"): sup.SumCell(amount if n else 0.0, n, min(n, c))
        for r, (amount, n, c) in zip(rows, cells, strict=True)
    }
    grid = sup.publish(sup.amount_grid(values, rows, ("kg",)))
    assert not _pinned_anywhere(grid)


# --- tables from a cube ---------------------------------------------------------------------


def cube(*months: MonthRow, rows: list | None = None) -> Cube:
    from serumpun.insights.queries import BROKEN_DOWN, REGIONAL

    return Cube(
        first_month=dt.date(2026, 1, 1),
        last_month=dt.date(2026, 12, 1),
        regency=None,
        rows=rows or [],
        months=list(months),
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )


def month(n: int) -> dt.date:
    return dt.date(2026, n, 1)


def build(*cubes: Cube) -> od.Publication:
    return od.build_publication(
        cubes,
        regencies=["1801", "1802"],
        sectors=["plantation", "construction"],
        categories=["unpaid_wages", "other"],
        teu=lambda volume, kg: max(volume / 28.0, kg / 21_000.0),
    )


def test_deal_value_needs_five_msmes_even_when_there_are_many_deals():
    pub = build(
        cube(
            # March: 6 deals by at most 3 MSMEs (the largest sub-cell's count)
            MonthRow(m.DEAL, month(3), "090111", "ordered", Sums(4, 3, 40_000.0)),
            MonthRow(m.DEAL, month(3), "090111", "paid", Sums(2, 2, 10_000.0)),
            # April: 7 deals, one HS code and stage held 5 distinct MSMEs
            MonthRow(m.DEAL, month(4), "090111", "ordered", Sums(5, 5, 50_000.0)),
            MonthRow(m.DEAL, month(4), "180100", "ordered", Sums(2, 2, 6_000.0)),
            # May: the smallest other value, withheld so March cannot be subtracted out
            MonthRow(m.DEAL, month(5), "090111", "ordered", Sums(9, 6, 20_000.0)),
        )
    )
    march, april, may = pub.trade_by_month[2:5]
    assert (march.month, march.deals) == ("2026-03", 6)
    assert march.deal_value_usd == sup.Amount(None, suppressed=True)
    assert (april.deals, april.deal_value_usd) == (7, sup.Amount(56_000.0))
    assert may.deal_value_usd == sup.Amount(None, suppressed=True)
    assert pub.trade_by_year[0].deal_value_usd == sup.Amount(126_000.0)


def test_a_lone_month_of_deals_cannot_be_read_from_the_year():
    pub = build(
        cube(MonthRow(m.DEAL, month(3), "090111", "ordered", Sums(6, 3, 40_000.0)))
    )
    assert pub.trade_by_month[2].deal_value_usd.suppressed
    assert pub.trade_by_year[0].deal_value_usd.suppressed


def test_shipments_per_lane_publish_tonnes_teu_and_an_estimated_co2e():
    pkg = [
        MonthRow(m.SHIPMENT, month(5), "MYPKG", "booked", Sums(6, 5, 12_000.0, 30.0)),
        MonthRow(m.SHIPMENT, month(5), "MYPKG", "shipped", Sums(2, 2, 3_000.0, 6.0)),
        MonthRow(m.SHIPMENT, month(5), "MYPEN", "booked", Sums(7, 6, 7_000.0, 14.0)),
        MonthRow(m.SHIPMENT_CO2E, month(5), "MYPKG", "", Sums(1, 0, 900.0, 15.0)),
        MonthRow(m.SHIPMENT_CO2E, month(5), "MYPEN", "", Sums(1, 0, 500.0, 7.0)),
    ]
    pub = build(cube(*pkg))
    may = pub.shipments_by_month[4]
    assert (may.period, may.shipments) == ("2026-05", 15)
    assert may.tonnes == sup.Amount(22.0)
    assert may.teu == sup.Amount(round(50.0 / 28.0, 2))
    assert may.co2e_tonnes == sup.Amount(1.4)
    lanes = {r.destination_locode: r for r in pub.shipments_by_month_lane}
    assert lanes["MYPKG"].shipments == 8
    assert lanes["MYPKG"].tonnes == sup.Amount(15.0)
    assert lanes["MYPEN"].teu == sup.Amount(0.5)


def test_a_thin_lane_hides_its_tonnes_another_lanes_and_the_co2e():
    pub = build(
        cube(
            MonthRow(
                m.SHIPMENT, month(5), "MYPKG", "booked", Sums(9, 8, 9_000.0, 20.0)
            ),
            MonthRow(m.SHIPMENT, month(5), "MYPEN", "booked", Sums(3, 1, 2_000.0, 4.0)),
            MonthRow(m.SHIPMENT, month(5), "MYPGU", "booked", Sums(6, 5, 6_000.0, 9.0)),
        )
    )
    lanes = {r.destination_locode: r for r in pub.shipments_by_month_lane}
    assert lanes["MYPEN"].shipments == "<5"
    assert lanes["MYPEN"].tonnes.suppressed and lanes["MYPEN"].teu.suppressed
    assert lanes["MYPGU"].tonnes.suppressed  # the next smallest, so May's total is safe
    assert not lanes["MYPKG"].tonnes.suppressed
    assert pub.shipments_by_month[4].tonnes == sup.Amount(17.0)
    assert pub.shipments_by_month[4].co2e_tonnes.suppressed


def test_the_co2e_of_a_month_with_a_hidden_lane_cannot_be_read_from_the_year():
    def month_of(n: int, thin: bool) -> list[MonthRow]:
        rows = [
            MonthRow(m.SHIPMENT, month(n), "MYPKG", "booked", Sums(9, 8, 9e3, 20.0)),
            MonthRow(m.SHIPMENT_CO2E, month(n), "MYPKG", "", Sums(1, 0, 700.0)),
        ]
        if thin:
            rows.append(
                MonthRow(m.SHIPMENT, month(n), "MYPEN", "booked", Sums(2, 1, 900.0))
            )
        return rows

    pub = build(cube(*month_of(5, False), *month_of(6, True), *month_of(7, False)))
    co2e = [r.co2e_tonnes for r in pub.shipments_by_month[4:7]]
    assert co2e[1] == sup.Amount(None, suppressed=True)  # June has a hidden lane
    year = pub.shipments_by_year[0].co2e_tonnes
    hidden = [c for c in [*co2e, year] if c is not None and c.suppressed]
    assert len(hidden) >= 2  # June alone could be subtracted out of the year


def test_co2e_shows_when_no_lane_is_hidden():
    rows = [
        MonthRow(m.SHIPMENT, month(n), "MYPKG", "booked", Sums(9, 8, 9e3, 20.0))
        for n in (5, 6)
    ] + [
        MonthRow(m.SHIPMENT_CO2E, month(n), "MYPKG", "", Sums(1, 0, 700.0))
        for n in (5, 6)
    ]
    pub = build(cube(*rows))
    assert [r.co2e_tonnes for r in pub.shipments_by_month[4:6]] == [sup.Amount(0.7)] * 2
    assert pub.shipments_by_year[0].co2e_tonnes == sup.Amount(1.4)


def test_regency_tables_read_the_per_regency_cells():
    from serumpun.insights.rules.cube import Row

    rows = [
        Row(m.MSME_REGISTERED, "1801", "", "", Sums(12, 12)),
        Row(m.MSME_REGISTERED, "1802", "", "", Sums(2, 2)),
        Row(m.MSME_REGISTERED, "1871", "", "", Sums(9, 9)),
        Row(m.MSME_REGISTERED, ALL, "", "", Sums(23, 23)),
        Row(m.SEEKER_REGISTERED, "1801", ALL, ALL, Sums(40, 40)),
        Row(m.SEEKER_REGISTERED, "1801", "female", "", Sums(25, 25)),
        Row(m.SEEKER_REGISTERED, "1802", ALL, ALL, Sums(7, 7)),
    ]
    pub = build(cube(rows=rows))
    by_regency = {r.regency_code: r for r in pub.msmes_by_regency}
    assert by_regency["1801"].registered == 12
    assert by_regency["1802"].registered == "<5"
    assert by_regency["1871"].registered is None  # a regency the list did not name
    assert pub.msmes_by_year[0].registered == 23
    seekers = {r.regency_code: r.seekers_registered for r in pub.labour_by_regency}
    assert seekers == {"1801": 40, "1802": 7}
    assert pub.labour_by_year[0].seekers_registered == 47


def test_choosing_a_period_selects_rows_and_never_changes_a_figure():
    months = [
        MonthRow(m.INTRODUCTION, month(n), "", "introduced", Sums(n, n))
        for n in range(1, 13)
    ]
    everything = build(cube(*months))
    chosen = od.select(everything, month(3), month(4), "1801")
    assert [r.month for r in chosen.trade_by_month] == ["2026-03", "2026-04"]
    assert chosen.trade_by_month == everything.trade_by_month[2:4]
    assert chosen.trade_by_year == everything.trade_by_year
    assert {r.regency_code for r in chosen.msmes_by_regency} == {"1801"}
    assert math.isclose(
        sum(n for n in range(1, 13)), everything.trade_by_year[0].introductions or 0
    )


def test_a_total_one_breakdown_withholds_is_not_published_by_another():
    # 4 + 4 endorsed orders by sector would give both sectors away with the year's 8,
    # so the by-sector table withholds the 8 — and the monthly table may not show it either
    rows = [
        MonthRow(m.JOB_ORDER_REVIEWED, month(1), "plantation", "endorsed", Sums(4)),
        MonthRow(m.JOB_ORDER_REVIEWED, month(1), "construction", "endorsed", Sums(4)),
    ]
    pub = build(cube(*rows))
    sectors = {r.sector: r.endorsed for r in pub.job_orders_by_sector}
    assert sectors == {"plantation": "<5", "construction": "<5"}
    assert pub.job_orders_by_year[0].endorsed is None
    january = pub.job_orders_by_month[0]
    assert january.endorsed is None  # 8 in the only month would be the year's 8
    assert january.reviewed is None


def test_a_thin_sum_of_zero_is_not_given_away_by_a_zero_total():
    # three deals without a recorded value: "0 USD" would still tell what they were worth
    cell = sup.SumCell(amount=0.0, records=3, contributors=3)
    grid = sup.publish(sup.amount_grid({("2026-01", ""): cell}, ["2026-01"], ("",)))
    assert grid.amount("2026-01", "").suppressed
    assert grid.amount(TOTAL, "").suppressed
