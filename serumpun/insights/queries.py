"""Reading the roll-up table: three grouped queries per view, whatever the data's size."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q, Sum

from serumpun.insights.metrics import FLOWS, METRICS, STOCKS
from serumpun.insights.models import Rollup
from serumpun.insights.rules.cube import ALL, Cube, MonthRow, Row, Sums

#: metrics with a regency column; the others are province-wide whatever the filter
REGIONAL: frozenset[str] = frozenset(k for k, v in METRICS.items() if v.regency)
#: regional metrics with a breakdown (key or sub), which have per-regency "*" cells
BROKEN_DOWN: frozenset[str] = frozenset(
    k for k in REGIONAL if METRICS[k].key_means or METRICS[k].sub_means
)

_SUMS = {
    "_records": Sum("records"),
    "_contributors": Sum("contributors"),
    "_amount": Sum("amount"),
    "_extra": Sum("extra"),
}


def _sums(row: dict[str, object]) -> Sums:
    return Sums(
        int(row["_records"] or 0),  # type: ignore[call-overload]
        int(row["_contributors"] or 0),  # type: ignore[call-overload]
        float(row["_amount"] or 0.0),  # type: ignore[arg-type]
        float(row["_extra"] or 0.0),  # type: ignore[arg-type]
    )


def snapshot_month(last_month: date) -> date | None:
    """The latest month up to `last_month` holding a snapshot of the stock metrics."""
    latest: date | None = Rollup.objects.filter(
        metric__in=STOCKS, month__lte=last_month
    ).aggregate(latest=Max("month"))["latest"]
    return latest


def load_cube(first_month: date, last_month: date, regency: str | None = None) -> Cube:
    """The roll-up sums of a period (months, inclusive), optionally for one regency.

    Three queries: the snapshot month, the period's cells grouped by regency/key/sub, and the
    period's cells grouped by month. Without a regency filter a regional metric is read from
    its province-wide cells ("*") and its per-regency totals, not from every detail cell.
    """
    cube = Cube(
        first_month=first_month,
        last_month=last_month,
        regency=regency or None,
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )
    cube.snapshot_month = snapshot_month(last_month)
    period = Q(metric__in=FLOWS, month__gte=first_month, month__lte=last_month)
    if cube.snapshot_month is not None:
        period |= Q(metric__in=STOCKS, month=cube.snapshot_month)
    national = ~Q(metric__in=REGIONAL)
    if regency:
        rows_where = national | Q(regency=regency)
        months_where = national | (Q(regency=regency) & ~Q(key=ALL))
    else:
        rows_where = (
            national
            | Q(regency=ALL)
            | Q(key=ALL)
            | Q(metric__in=REGIONAL - BROKEN_DOWN)
        )
        months_where = national | Q(regency=ALL)
    cube.rows = [
        Row(r["metric"], r["regency"], r["key"], r["sub"], _sums(r))
        for r in Rollup.objects.filter(period & rows_where)
        .values("metric", "regency", "key", "sub")
        .annotate(**_SUMS)
        .order_by()
    ]
    series = Q(metric__in=FLOWS, month__gte=first_month, month__lte=last_month)
    cube.months = [
        MonthRow(r["metric"], r["month"], r["key"], r["sub"], _sums(r))
        for r in Rollup.objects.filter(series & months_where)
        .values("metric", "month", "key", "sub")
        .annotate(**_SUMS)
        .order_by()
    ]
    return cube
