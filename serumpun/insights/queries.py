"""Reading the roll-up table: a few grouped queries per view, whatever the data's size.

The roll-ups change only when they are refreshed, so a period's cube is kept in memory until
the next refresh: a view then costs one query (which refresh is the latest) instead of the
cube's grouped queries. The key holds the refresh's id and finish time, so every process
sees a new refresh at its next request, whichever process or worker ran it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime

from django.db.models import Case, F, Max, Q, Sum, Value, When

from serumpun.insights.metrics import DEAL, FLOWS, METRICS, REQUEST_POSTED, STOCKS
from serumpun.insights.models import RefreshStatus, Rollup, RollupRefresh
from serumpun.insights.rules.cube import ALL, Cube, MonthRow, Row, Sums

#: metrics with a regency column; the others are province-wide whatever the filter
REGIONAL: frozenset[str] = frozenset(k for k, v in METRICS.items() if v.regency)
#: regional metrics with a breakdown (key or sub), which have per-regency "*" cells
BROKEN_DOWN: frozenset[str] = frozenset(
    k for k in REGIONAL if METRICS[k].key_means or METRICS[k].sub_means
)

#: flows whose monthly series are read in total only (their keys — HS codes — are many)
SERIES_WITHOUT_KEY: frozenset[str] = frozenset({DEAL, REQUEST_POSTED})

# Contributors are distinct parties: summing two cells' counts could count one party twice,
# so a grouped row keeps the largest cell's count — a lower bound, which is what small-cell
# suppression needs (it may hide more, never less).
_SUMS = {
    "_records": Sum("records"),
    "_contributors": Max("contributors"),
    "_amount": Sum("amount"),
    "_extra": Sum("extra"),
}

#: how many cubes each process keeps (periods × regencies in recent use)
CACHED_CUBES = 64
_cubes: OrderedDict[tuple[object, ...], Cube] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the cubes kept in memory (tests; a refresh makes them unreachable anyway)."""
    with _lock:
        _cubes.clear()


def latest_refresh() -> tuple[int, datetime | None] | None:
    """The id and finish time of the latest finished refresh, or None before the first."""
    row = (
        RollupRefresh.objects.filter(status=RefreshStatus.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "finished_at")
        .first()
    )
    return (row[0], row[1]) if row else None


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

    One query when the cube of this period is in memory since the latest refresh; otherwise
    four: the latest refresh, the snapshot month, the period's cells grouped by
    regency/key/sub, and the period's cells grouped by month. Callers must not change the
    cube they get (it is shared until the next refresh).
    """
    refresh = latest_refresh()
    key = (refresh, first_month, last_month, regency or None)
    if refresh is not None:
        with _lock:
            cube = _cubes.get(key)
            if cube is not None:
                _cubes.move_to_end(key)
                return cube
    cube = read_cube(first_month, last_month, regency)
    if refresh is not None:
        with _lock:
            _cubes[key] = cube
            while len(_cubes) > CACHED_CUBES:
                _cubes.popitem(last=False)
    return cube


def read_cube(first_month: date, last_month: date, regency: str | None = None) -> Cube:
    """The cube of a period read from the table (three queries; see `load_cube`).

    Without a regency filter a regional metric is read from its province-wide cells ("*")
    and its per-regency totals, not from every detail cell.
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
    series_key = Case(
        When(metric__in=SERIES_WITHOUT_KEY, then=Value("")),
        default=F("key"),
    )
    cube.months = [
        MonthRow(r["metric"], r["month"], r["_series_key"], r["sub"], _sums(r))
        for r in Rollup.objects.filter(series & months_where)
        .annotate(_series_key=series_key)
        .values("metric", "month", "_series_key", "sub")
        .annotate(**_SUMS)
        .order_by()
    ]
    return cube
