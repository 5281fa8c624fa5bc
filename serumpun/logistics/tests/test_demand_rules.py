"""Lane-demand evidence (pure): suppression at the 2/3 boundary, complements, TEU, series."""

from __future__ import annotations

from datetime import date

import pytest

from serumpun.logistics.rules.lane_demand import (
    Box20,
    CellSums,
    SubCell,
    chart_bars,
    hidden_keys,
    lane_series,
    month_range,
    publish_cell,
    teu_equivalent,
)

BOX = Box20(usable_volume_m3=28.0, payload_kg=28000.0)
DEC = date(2026, 12, 1)


def cell(shippers: int, *, status=(), chapters=(), volume=56.0, weight=14000.0):
    return CellSums(
        origin_locode="IDPJG",
        destination_locode="MYPKG",
        month=DEC,
        shippers=shippers,
        shipments=shippers * 2,
        volume_m3=volume,
        weight_kg=weight,
        reefer_volume_m3=14.0,
        by_status=status,
        by_chapter=chapters,
    )


def sub(key, shippers, weight=1000.0, volume=4.0, shipments=None):
    return SubCell(key, shippers, shipments or shippers, volume, weight)


@pytest.mark.parametrize(
    ("shippers", "suppressed"), [(0, True), (2, True), (3, False), (9, False)]
)
def test_a_lane_month_with_fewer_than_three_shippers_is_suppressed(
    shippers, suppressed
):
    published = publish_cell(cell(shippers), box=BOX)
    assert published.suppressed is suppressed
    if suppressed:
        assert published.teu is None
        assert published.tonnes is None
        assert published.shippers is None
    else:
        assert published.teu == 2.0  # 56 m³ over 28 m³ binds before 14 t over 28 t
        assert published.tonnes == 14.0
        assert published.reefer_share == 0.25


@pytest.mark.parametrize(
    ("volume", "weight", "teu"),
    [(28.0, 0.0, 1.0), (14.0, 28000.0, 1.0), (0.0, 0.0, 0.0), (42.0, 56000.0, 2.0)],
)
def test_teu_equivalent_takes_the_binding_measure(volume, weight, teu):
    assert teu_equivalent(volume, weight, BOX) == teu


def test_sub_cells_at_the_boundary():
    status = (sub("shipped", 3), sub("booked", 3), sub("pledged", 4))
    assert hidden_keys(status, min_shippers=3) == set()
    status = (
        sub("shipped", 2, weight=500),
        sub("booked", 3, weight=800),
        sub("pledged", 5),
    )
    # shipped (2) is hidden; booked, the smallest shown, is hidden with it as a complement
    assert hidden_keys(status, min_shippers=3) == {"shipped", "booked"}


def test_complements_are_added_until_the_hidden_cells_hold_three_shippers():
    chapters = (
        sub("09", 1, weight=100),
        sub("20", 1, weight=200),
        sub("11", 4, weight=300),
        sub("03", 6, weight=900),
    )
    # 09 and 20 hold only 2 shipper-memberships: chapter 11 is hidden as well
    assert hidden_keys(chapters, min_shippers=3) == {"09", "20", "11"}


def test_empty_sub_cells_are_ignored():
    status = (sub("shipped", 0, shipments=0), sub("booked", 4), sub("pledged", 3))
    assert hidden_keys(status, min_shippers=3) == set()


def test_published_breakdowns_keep_status_order_and_hide_values():
    published = publish_cell(
        cell(
            6,
            status=(
                sub("pledged", 4, 3000),
                sub("shipped", 2, 500),
                sub("booked", 3, 1000),
            ),
            chapters=(sub("09", 5, 9000), sub("20", 3, 5000)),
        ),
        box=BOX,
    )
    assert [f.key for f in published.by_status] == ["shipped", "booked", "pledged"]
    assert published.status("shipped").suppressed
    assert published.status("booked").suppressed  # complement
    assert published.status("pledged").tonnes == 3.0
    assert [f.key for f in published.by_chapter] == ["09", "20"]
    assert published.by_chapter[0].share == pytest.approx(9 / 14, abs=1e-4)


def test_month_range_crosses_the_year():
    assert month_range(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_series_fill_missing_months_and_bars_scale_to_the_peak():
    months = month_range(date(2026, 11, 1), date(2027, 1, 1))
    shown = publish_cell(cell(5), box=BOX)
    hidden = publish_cell(
        CellSums("IDPJG", "MYPKG", date(2027, 1, 1), 2, 2, 1.0, 1.0), box=BOX
    )
    [series] = lane_series([shown, hidden], months=months)
    assert [m.month for m in series.months] == months
    assert series.months[0].teu == 0.0  # no shipments in November
    assert series.months[2].suppressed
    bars = chart_bars(series, width=300, height=100)
    assert [b.height for b in bars] == [0.0, 100.0, 0.0]
    assert bars[1].teu == 2.0
    assert bars[2].teu is None
