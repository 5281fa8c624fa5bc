"""Reading the roll-up table: a few grouped queries per view, whatever the data's size.

The roll-ups change only when they are refreshed, so a period's cube is kept in memory until
the next refresh: a view then costs one query (which refresh is the latest) instead of the
cube's grouped queries. The key holds the refresh's id and finish time, so every process
sees a new refresh at its next request, whichever process or worker ran it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from django.db.models import Case, F, Max, Q, QuerySet, Sum, Value, When

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
_cubes: OrderedDict[tuple[object, ...], Any] = OrderedDict()
T = TypeVar("T")
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget what is kept in memory (tests; a refresh makes it unreachable anyway)."""
    with _lock:
        _cubes.clear()


def kept_until_refresh(key: tuple[object, ...], build: Callable[[], T]) -> T:
    """`build()`'s result, kept in this process until the roll-ups are next refreshed.

    For what is computed from the roll-ups only (a cube, a page's figures): `key` must hold
    everything else the result depends on (period, regency, language, the viewer's links).
    """
    refresh = latest_refresh()
    if refresh is None:
        return build()
    full = (refresh, *key)
    with _lock:
        if full in _cubes:
            _cubes.move_to_end(full)
            return _cubes[full]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        _cubes[full] = value
        while len(_cubes) > CACHED_CUBES:
            _cubes.popitem(last=False)
    return value


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
    return kept_until_refresh(
        ("cube", first_month, last_month, regency or None),
        lambda: read_cube(first_month, last_month, regency),
    )


@cache
def province_regencies() -> tuple[str, ...]:
    """The codes of the regencies the platform's pages show: Lampung's 15 regencies and cities."""
    from serumpun.exporters.forms_officer import lampung_regencies

    return tuple(place.code for place in lampung_regencies())


def _union(parts: Iterable[QuerySet[Any]]) -> QuerySet[Any]:
    result: QuerySet[Any] | None = None
    for part in parts:
        result = part if result is None else result.union(part, all=True)
    assert result is not None  # noqa: S101 — always at least one part
    return result


def read_cube(first_month: date, last_month: date, regency: str | None = None) -> Cube:
    """The cube of a period read from the table (three queries; see `load_cube`).

    Without a regency filter a regional metric is read from its province-wide cells ("*")
    and its per-regency totals of the province's regencies, not from every detail cell. Each
    query is a UNION ALL of parts that an index serves — province-wide metrics by (metric,
    month), regional ones by (regency, month) — rather than one filter that would make the
    database read every cell of the period. The parts never share a group, so the sums are
    those of one grouped query.
    """
    cube = Cube(
        first_month=first_month,
        last_month=last_month,
        regency=regency or None,
        regional=REGIONAL,
        broken_down=BROKEN_DOWN,
    )
    cube.snapshot_month = snapshot_month(last_month)
    period = {"month__gte": first_month, "month__lte": last_month}
    places = [regency] if regency else [ALL, *province_regencies()]
    parts = [
        Q(metric__in=FLOWS - REGIONAL, **period),
        Q(regency__in=places, metric__in=FLOWS & REGIONAL, **period),
    ]
    if cube.snapshot_month is not None:
        parts += [
            Q(metric__in=STOCKS - REGIONAL, month=cube.snapshot_month),
            Q(
                regency__in=places,
                metric__in=STOCKS & REGIONAL,
                month=cube.snapshot_month,
            ),
        ]
    # without a filter, a regency's own cells are read as its totals ("*" breakdowns) only
    detail = (
        Q(regency=ALL)
        | Q(key=ALL)
        | Q(metric__in=REGIONAL - BROKEN_DOWN)
        | ~Q(metric__in=REGIONAL)
    )
    cube.rows = [
        Row(r["metric"], r["regency"], r["key"], r["sub"], _sums(r))
        for r in _union(
            Rollup.objects.filter(part if regency else part & detail)
            .values("metric", "regency", "key", "sub")
            .annotate(**_SUMS)
            .order_by()
            for part in parts
        )
    ]
    series_key = Case(
        When(metric__in=SERIES_WITHOUT_KEY, then=Value("")),
        default=F("key"),
    )
    if regency:
        regional = Q(regency=regency, metric__in=FLOWS & REGIONAL, **period) & ~Q(
            key=ALL
        )
    else:
        regional = Q(regency=ALL, metric__in=FLOWS & REGIONAL, **period)
    cube.months = [
        MonthRow(r["metric"], r["month"], r["_series_key"], r["sub"], _sums(r))
        for r in _union(
            Rollup.objects.filter(part)
            .annotate(_series_key=series_key)
            .values("metric", "month", "_series_key", "sub")
            .annotate(**_SUMS)
            .order_by()
            for part in (Q(metric__in=FLOWS - REGIONAL, **period), regional)
        )
    ]
    return cube
