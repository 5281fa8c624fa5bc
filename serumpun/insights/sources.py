"""What each roll-up metric sums, read from the source tables with grouped queries.

One grouped query per metric, whatever the number of records: the database sums, Python only
renames the columns. `metrics.py` says what each metric's columns mean; `actions.py` writes
the cells. Months are calendar months in the platform's time zone (Asia/Jakarta).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Substr, TruncMonth

from serumpun.insights import metrics as m


@dataclass(frozen=True)
class Cell:
    """One roll-up cell before it is written."""

    metric: str
    month: date
    regency: str = ""
    key: str = ""
    sub: str = ""
    records: int = 0
    contributors: int = 0
    amount: float = 0.0
    extra: float = 0.0


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = value.date()
    return value.replace(day=1)


def _number(value: Any) -> float:
    """A sum as a float; a sum of durations in hours."""
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600.0
    return float(value)


def _zero() -> Value:
    return Value(0.0, output_field=FloatField())


def _float(expression: Any) -> Coalesce:
    return Coalesce(Cast(expression, FloatField()), _zero())


#: the regency of a cell summed over every regency, and the key/sub of a cell summed over all
ALL = "*"


def grouped(
    metric: str,
    queryset: QuerySet[Any],
    *,
    month: Any,
    regency: Any = None,
    key: Any = None,
    sub: Any = None,
    contributors: Any = None,
    amount: Any = None,
    extra: Any = None,
) -> Iterator[Cell]:
    """Group `queryset` by month/regency/key/sub and sum.

    A metric with a regency column gets two more sets of cells, each from its own grouped
    query so that distinct counts stay exact: every regency together (regency "*"), and, when
    it has a breakdown, each regency with its breakdowns together (key and sub "*"). A page
    without a regency filter then reads a few province-wide cells instead of summing all.
    """
    sums = {"contributors": contributors, "amount": amount, "extra": extra}
    yield from _group_once(
        metric, queryset, month=month, regency=regency, key=key, sub=sub, **sums
    )
    if regency is None:
        return
    everywhere = Value(ALL)
    yield from _group_once(
        metric, queryset, month=month, regency=everywhere, key=key, sub=sub, **sums
    )
    if key is not None or sub is not None:
        yield from _group_once(
            metric,
            queryset,
            month=month,
            regency=regency,
            key=everywhere,
            sub=everywhere,
            **sums,
        )


def _group_once(
    metric: str,
    queryset: QuerySet[Any],
    *,
    month: Any,
    regency: Any = None,
    key: Any = None,
    sub: Any = None,
    contributors: Any = None,
    amount: Any = None,
    extra: Any = None,
) -> Iterator[Cell]:
    """Group `queryset` by month/regency/key/sub and sum; one SQL query."""
    dimensions: dict[str, Any] = {"_month": month}
    for name, expression in (("_regency", regency), ("_key", key), ("_sub", sub)):
        if expression is not None:
            dimensions[name] = (
                F(expression) if isinstance(expression, str) else expression
            )
    sums: dict[str, Any] = {"_records": Count("pk")}
    if contributors is not None:
        sums["_contributors"] = Count(contributors, distinct=True)
    if isinstance(amount, Sum):  # a prepared aggregate, e.g. a sum of durations
        sums["_amount"] = amount
    elif amount is not None:
        sums["_amount"] = Sum(_float(amount))
    if extra is not None:
        sums["_extra"] = Sum(_float(extra))
    rows = (
        queryset.annotate(**dimensions)
        .values(*dimensions)
        .annotate(**sums)
        .order_by()
        .values_list(*dimensions, *sums)
    )
    names = [*dimensions, *sums]
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if values["_month"] is None:
            continue
        yield Cell(
            metric=metric,
            month=_month(values["_month"]),
            regency=str(values.get("_regency") or ""),
            key=str(values.get("_key") or ""),
            sub=str(values.get("_sub") or ""),
            records=int(values["_records"] or 0),
            contributors=int(values.get("_contributors") or 0),
            amount=_number(values.get("_amount")),
            extra=float(values.get("_extra") or 0.0),
        )


def stock(
    metric: str,
    queryset: QuerySet[Any],
    *,
    as_of: date,
    regency: Any = None,
    key: Any = None,
    sub: Any = None,
    contributors: Any = None,
    amount: Any = None,
) -> Iterator[Cell]:
    """A snapshot metric: the same grouping, all dated the first day of `as_of`'s month."""
    return grouped(
        metric,
        queryset,
        month=Value(as_of.replace(day=1), output_field=DateField()),
        regency=regency,
        key=key,
        sub=sub,
        contributors=contributors,
        amount=amount,
    )


# --- trade ----------------------------------------------------------------------------------


def msme_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.exporters.models import MSME
    from serumpun.readiness.models import Assessment, Gap, Level, Market

    yield from grouped(
        m.MSME_REGISTERED,
        MSME.objects.all(),
        month=TruncMonth("created_at"),
        regency="regency_id",
        contributors="pk",
    )
    yield from grouped(
        m.MSME_VERIFIED,
        MSME.objects.filter(verification="verified", verified_at__isnull=False),
        month=TruncMonth("verified_at"),
        regency="regency_id",
        contributors="pk",
    )
    latest = Assessment.objects.filter(is_latest=True, market=Market.MY)
    ready = latest.filter(level=Level.READY)
    yield from stock(
        m.MSME_ASSESSED,
        MSME.objects.filter(Exists(latest.filter(msme=OuterRef("pk")))),
        as_of=as_of,
        regency="regency_id",
        contributors="pk",
    )
    yield from stock(
        m.MSME_READY,
        MSME.objects.filter(Exists(ready.filter(msme=OuterRef("pk")))),
        as_of=as_of,
        regency="regency_id",
        contributors="pk",
    )
    yield from stock(
        m.GAP_OPEN,
        Gap.objects.filter(
            is_latest=True, assessment__is_latest=True, assessment__market=Market.MY
        ),
        as_of=as_of,
        regency="assessment__msme__regency_id",
        key="key",
        sub="dimension",
        contributors="assessment__msme_id",
    )


def request_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.trade.models import SourcingRequest

    yield from grouped(
        m.REQUEST_POSTED,
        SourcingRequest.objects.all(),
        month=TruncMonth("created_at"),
        key=Substr("hs_code_id", 1, 4),
        sub="status",
        contributors="buyer_id",
        amount="quantity_kg_per_month",
    )


def introduction_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.trade.models import Introduction, LeadStage, StageChange

    yield from grouped(
        m.INTRODUCTION,
        Introduction.objects.all(),
        month=TruncMonth("created_at"),
        regency="msme__regency_id",
        sub="stage",
        contributors="msme_id",
    )
    # A deal is a lead that reached "ordered"; it counts in the month of its first order and
    # stays counted when it later ships, is paid — or is lost after ordering.
    first_order = StageChange.objects.filter(to_stage=LeadStage.ORDERED).order_by("at")
    ordered_at = Subquery(
        first_order.filter(introduction=OuterRef("pk")).values("at")[:1]
    )
    yield from grouped(
        m.DEAL,
        Introduction.objects.annotate(_ordered_at=ordered_at).filter(
            _ordered_at__isnull=False
        ),
        month=TruncMonth("_ordered_at"),
        regency="msme__regency_id",
        key=F("product__hs_code_id"),
        sub="stage",
        contributors="msme_id",
        amount="deal_value_usd",
        extra="ordered_quantity_kg",
    )


# --- transport ------------------------------------------------------------------------------


def shipment_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.logistics.models import Shipment, ShipmentStatus

    yield from grouped(
        m.SHIPMENT,
        Shipment.objects.exclude(status=ShipmentStatus.CANCELLED),
        month=TruncMonth("ready_date"),
        regency="origin_regency_id",
        key="destination_locode",
        sub="status",
        contributors="msme_id",
        amount="weight_kg",
        extra="volume_m3",
    )


def shipment_co2e_cells(as_of: date) -> Iterator[Cell]:
    """Estimated CO2e of the shipments, per month, origin and destination.

    Emissions are linear in weight, so each origin–destination–cargo lane is quoted once for a
    reference tonne with the logistics quote engine (its road, ferry and sea legs and their
    emission factors), and the lane's tonnes are multiplied by that figure. A lane the engine
    cannot route is left out; `extra` carries the tonnes covered, so a page can say how much
    of the cargo the estimate covers.
    """
    from django.core.exceptions import ValidationError

    from serumpun.logistics.models import Shipment, ShipmentStatus
    from serumpun.logistics.quoting import quote

    rows = (
        Shipment.objects.exclude(status=ShipmentStatus.CANCELLED)
        .annotate(_month=TruncMonth("ready_date"))
        .values("_month", "origin_regency_id", "destination_locode", "kind")
        .annotate(_kg=Sum("weight_kg"), _shippers=Count("msme_id", distinct=True))
        .order_by()
    )
    per_kg: dict[tuple[str, str, str], float | None] = {}
    cells: dict[tuple[date, str, str], list[float]] = {}
    cells_all: dict[tuple[date, str, str], list[float]] = {}
    for row in rows:
        lane = (row["origin_regency_id"], row["destination_locode"], row["kind"])
        if lane not in per_kg:
            try:
                options = quote(
                    origin=lane[0],
                    destination_locode=lane[1],
                    weight_kg=1000,
                    volume_m3=2,
                    kind=lane[2],
                    as_of=as_of,
                )
            except ValidationError:
                options = []
            sea = [o.co2e_kg for o in options if o.mode.startswith("sea")]
            per_kg[lane] = min(sea) / 1000 if sea else None
        factor = per_kg[lane]
        if factor is None:
            continue
        kg = float(row["_kg"] or 0)
        cell = cells.setdefault(
            (_month(row["_month"]), lane[0], lane[1]), [0.0, 0.0, 0]
        )
        cell[0] += kg * factor
        cell[1] += kg / 1000
        cell[2] += 1
    for (month, regency, locode), (co2e, tonnes, n) in list(cells.items()):
        for total in ((month, ALL, locode), (month, regency, ALL)):
            summed = cells_all.setdefault(total, [0.0, 0.0, 0])
            summed[0] += co2e
            summed[1] += tonnes
            summed[2] += n
    cells.update(cells_all)
    for (month, regency, locode), (co2e, tonnes, n) in sorted(cells.items()):
        yield Cell(
            metric=m.SHIPMENT_CO2E,
            month=month,
            regency=regency,
            key=locode,
            sub=ALL if locode == ALL else "",
            records=int(n),
            amount=round(co2e, 3),
            extra=round(tonnes, 3),
        )


def pooling_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.logistics.models import ConsolidationPlan, PlanStatus

    yield from grouped(
        m.POOL_PLAN,
        ConsolidationPlan.objects.filter(
            status=PlanStatus.PUBLISHED, published_at__isnull=False
        ),
        month=TruncMonth("published_at"),
        amount=F("ship_when_ready_cost_usd") - F("cost_usd"),
        extra="container_count",
    )


# --- labour ---------------------------------------------------------------------------------


def job_order_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.labour.models import JobOrder

    reviewed = JobOrder.objects.filter(
        reviewed_at__isnull=False,
        status__in=[JobOrder.Status.ENDORSED, JobOrder.Status.REJECTED],
    )
    yield from grouped(
        m.JOB_ORDER_REVIEWED,
        reviewed,
        month=TruncMonth("reviewed_at"),
        key="sector",
        sub="status",
        amount="workers_needed",
    )
    yield from grouped(
        m.JOB_ORDER_SUBMITTED,
        JobOrder.objects.filter(submitted_at__isnull=False),
        month=TruncMonth("submitted_at"),
        key="sector",
        sub="compliance_status",
        amount="workers_needed",
    )


def rejection_reason_cells(as_of: date) -> Iterator[Cell]:
    """Rejected orders by the rules they broke (one order may count under several rules).

    The rule ids sit in the order's stored compliance verdict (JSON), so this reads the
    rejected orders' verdicts only — a small set — and counts in Python.
    """
    from collections import Counter

    from serumpun.labour.models import JobOrder

    counts: Counter[tuple[date, str]] = Counter()
    rows = JobOrder.objects.filter(
        status=JobOrder.Status.REJECTED, reviewed_at__isnull=False
    ).values_list("reviewed_at", "compliance")
    from django.utils import timezone

    for reviewed_at, verdict in rows.iterator(chunk_size=2000):
        month = _month(timezone.localtime(reviewed_at))
        rule_ids = {
            str(v.get("rule_id"))
            for v in (verdict or {}).get("violations", [])
            if isinstance(v, dict) and v.get("rule_id")
        }
        for rule_id in sorted(rule_ids) or [m.NO_RULE_BROKEN]:
            counts[(month, rule_id)] += 1
    for (month, rule_id), n in sorted(counts.items()):
        yield Cell(metric=m.REJECTION_REASON, month=month, key=rule_id, records=n)


def seeker_cells(as_of: date) -> Iterator[Cell]:
    from serumpun.labour.models import Seeker

    yield from grouped(
        m.SEEKER_REGISTERED,
        Seeker.objects.all(),
        month=TruncMonth("created_at"),
        regency="regency_id",
        key="gender",
        contributors="pk",
    )
    yield from stock(
        m.SEEKER_STAGE,
        Seeker.objects.filter(anonymised_at__isnull=True),
        as_of=as_of,
        regency="regency_id",
        key="stage",
        contributors="pk",
    )


def placement_cells(as_of: date) -> Iterator[Cell]:
    """A placement counts in the month its worker departed (its 'departed' event)."""
    from serumpun.labour.models import PlacementEvent, Stage

    yield from grouped(
        m.PLACEMENT,
        PlacementEvent.objects.filter(stage=Stage.DEPARTED),
        month=TruncMonth("at"),
        regency="placement__seeker__regency_id",
        key="placement__job_order__sector",
        sub="placement__stage",
        contributors="placement__seeker_id",
    )


def grievance_cells(as_of: date) -> Iterator[Cell]:
    """Grievances filed per month; `amount` sums hours to first response over those answered."""
    from django.db.models import Case, DurationField, ExpressionWrapper, When

    from serumpun.labour.models import Grievance

    wait = ExpressionWrapper(
        F("first_response_at") - F("created_at"), output_field=DurationField()
    )
    yield from grouped(
        m.GRIEVANCE,
        Grievance.objects.annotate(
            _answered=Case(
                When(first_response_at__isnull=False, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            ),
            _wait=wait,
        ),
        month=TruncMonth("created_at"),
        regency="seeker__regency_id",
        key="category",
        sub="status",
        contributors="seeker_id",
        amount=Sum("_wait"),
        extra="_answered",
    )


SOURCES: tuple[Callable[[date], Iterator[Cell]], ...] = (
    msme_cells,
    request_cells,
    introduction_cells,
    shipment_cells,
    shipment_co2e_cells,
    pooling_cells,
    job_order_cells,
    rejection_reason_cells,
    seeker_cells,
    placement_cells,
    grievance_cells,
)
