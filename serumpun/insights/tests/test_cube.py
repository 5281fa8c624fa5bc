"""The pure cube helpers: months, ranking, shares and small-cell suppression."""

from __future__ import annotations

import datetime as dt

import pytest

from serumpun.insights.rules.charts import BAR, Chart, Series
from serumpun.insights.rules.cube import (
    ALL,
    SUPPRESSED,
    Cube,
    MonthRow,
    Row,
    Sums,
    add_months,
    month_range,
    share,
    suppress,
    top,
)


def test_months_cross_the_year():
    assert month_range(dt.date(2026, 11, 1), dt.date(2027, 2, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]
    assert add_months(dt.date(2026, 1, 31), -1) == dt.date(2025, 12, 1)
    assert add_months(dt.date(2026, 12, 5), 1) == dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("count", "contributors", "published"),
    [
        (0, None, 0),
        (1, None, SUPPRESSED),
        (4, None, SUPPRESSED),
        (5, None, 5),
        (12, 3, SUPPRESSED),
        (12, 5, 12),
        (0, 0, 0),
    ],
)
def test_cells_below_five_are_published_as_less_than_five(
    count, contributors, published
):
    assert suppress(count, contributors) == published


def test_top_ranks_by_a_column_and_drops_zeros():
    sums = {"a": Sums(amount=5), "b": Sums(amount=9), "c": Sums(amount=5), "d": Sums()}
    assert [k for k, _ in top(sums, "amount", 3)] == ["b", "a", "c"]
    assert share(1, 4) == 0.25
    assert share(1, 0) is None


def test_a_regional_metric_reads_province_cells_or_one_regency_never_both():
    rows = [
        Row("m", "1801", "x", "", Sums(records=2)),
        Row("m", "1802", "x", "", Sums(records=3)),
        Row("m", ALL, "x", "", Sums(records=5)),
        Row("m", "1801", ALL, ALL, Sums(records=2)),
        Row("m", "1802", ALL, ALL, Sums(records=3)),
    ]
    kwargs = {
        "first_month": dt.date(2026, 1, 1),
        "last_month": dt.date(2026, 1, 1),
        "rows": rows,
        "regional": frozenset({"m"}),
        "broken_down": frozenset({"m"}),
    }
    province = Cube(regency=None, **kwargs)
    assert province.total("m").records == 5
    assert {k: v.records for k, v in province.by("m", "regency").items()} == {
        "1801": 2,
        "1802": 3,
    }
    one = Cube(regency="1801", **kwargs)
    assert one.total("m").records == 2
    assert one.by("m", "key") == {"x": Sums(records=2)}


def test_series_fill_empty_months_with_zero():
    cube = Cube(
        first_month=dt.date(2026, 1, 1),
        last_month=dt.date(2026, 3, 1),
        regency=None,
        months=[MonthRow("m", dt.date(2026, 2, 1), "", "", Sums(records=4))],
    )
    assert [s.records for _, s in cube.series("m")] == [0, 4, 0]


def test_a_chart_refuses_series_that_do_not_match_its_labels():
    with pytest.raises(ValueError, match="does not match"):
        Chart(id="c", title="t", kind=BAR, labels=["a", "b"], series=[Series("s", [1])])
    chart = Chart(id="c", title="t", kind=BAR, labels=["a"], series=[Series("s", [0])])
    assert chart.empty
    assert chart.table_rows() == [{"label": "a", "link": None, "values": [0]}]


def test_table_numbers_keep_their_fractions_and_group_thousands():
    from django.utils import translation

    from serumpun.insights.templatetags.insights import number

    with translation.override("en"):
        assert number(0.4) == "0.40"
        assert number(12.25) == "12.2"
        assert number(1234.0) == "1,234"
        assert number(3) == "3"
        assert number(None) == "–"
        assert number("<5") == "<5"
    with translation.override("id"):
        assert number(1234.5) == "1.234,5"
