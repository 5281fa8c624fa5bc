"""The roll-up tables: each metric equals the records behind it; refreshes are all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights import actions, metrics, queries, sources
from serumpun.insights.models import RefreshStatus, Rollup, RollupRefresh
from serumpun.insights.rules.cube import ALL
from serumpun.labour.models import Grievance, JobOrder
from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory
from serumpun.logistics.models import Shipment

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
TODAY = dt.date(2026, 11, 20)


def at(year: int, month: int, day: int = 10, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=JAKARTA)


def msme(code: str, created: dt.datetime, *, verified: dt.datetime | None = None):
    record = MSMEFactory(regency=exporters_regency(code))
    fields = {"created_at": created}
    if verified:
        fields |= {"verification": "verified", "verified_at": verified}
    type(record).objects.filter(pk=record.pk).update(**fields)
    return record


def ship(owner, code: str, to: str, ready: dt.date, kg: str, m3: str, status="booked"):  # noqa: PLR0917
    return Shipment.objects.create(
        msme=owner,
        hs_code="090111",
        origin_regency=exporters_regency(code),
        destination_locode=to,
        weight_kg=Decimal(kg),
        volume_m3=Decimal(m3),
        ready_date=ready,
        status=status,
    )


def test_msmes_registered_and_verified_count_per_regency_and_month():
    msme("1801", at(2026, 9, 3))
    msme("1801", at(2026, 9, 28), verified=at(2026, 10, 2))
    msme("1871", at(2026, 10, 1, 0), verified=at(2026, 10, 5))
    # 1 November 00:30 in Jakarta is still 31 October in UTC: the month is Jakarta's
    msme("1871", dt.datetime(2026, 11, 1, 0, 30, tzinfo=JAKARTA))

    actions.refresh_rollups(as_of=TODAY)

    cube = queries.load_cube(dt.date(2026, 9, 1), dt.date(2026, 11, 1))
    assert cube.total(metrics.MSME_REGISTERED).records == 4
    assert {
        k: s.records for k, s in cube.by(metrics.MSME_REGISTERED, "regency").items()
    } == {
        "1801": 2,
        "1871": 2,
    }
    assert [s.records for _, s in cube.series(metrics.MSME_REGISTERED)] == [2, 1, 1]
    assert cube.total(metrics.MSME_VERIFIED).records == 2
    assert [s.records for _, s in cube.series(metrics.MSME_VERIFIED)] == [0, 2, 0]

    october = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1), "1871")
    assert october.total(metrics.MSME_REGISTERED).records == 1
    assert october.total(metrics.MSME_VERIFIED).records == 1


def test_shipments_sum_per_lane_without_cancelled_and_count_distinct_shippers():
    a = MSMEFactory(regency=exporters_regency("1801"))
    b = MSMEFactory(regency=exporters_regency("1802"))
    ship(a, "1801", "MYPKG", dt.date(2026, 10, 3), "1000", "2.5")
    ship(a, "1801", "MYPKG", dt.date(2026, 10, 20), "500", "1.0", status="shipped")
    ship(b, "1802", "MYPKG", dt.date(2026, 10, 9), "250", "0.5")
    ship(b, "1802", "MYPEN", dt.date(2026, 10, 9), "100", "0.2")
    ship(b, "1802", "MYPEN", dt.date(2026, 10, 9), "999", "9", status="cancelled")

    actions.refresh_rollups(as_of=TODAY)
    cube = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1))

    lanes = cube.by(metrics.SHIPMENT, "key")
    assert lanes["MYPKG"].records == 3
    assert lanes["MYPKG"].amount == pytest.approx(1750.0)
    assert lanes["MYPKG"].extra == pytest.approx(4.0)
    assert lanes["MYPEN"].amount == pytest.approx(100.0)
    assert cube.total(metrics.SHIPMENT, sub="shipped").records == 1
    # distinct shippers over the province: exact, from its own grouped query
    pkg = Rollup.objects.get(
        metric=metrics.SHIPMENT, regency=ALL, key="MYPKG", sub="booked"
    )
    assert (pkg.records, pkg.contributors) == (2, 2)
    by_regency = cube.by(metrics.SHIPMENT, "regency")
    assert by_regency["1801"].amount == pytest.approx(1500.0)
    assert by_regency["1802"].amount == pytest.approx(350.0)


def test_the_regency_filter_and_the_province_totals_never_count_twice():
    owner = MSMEFactory(regency=exporters_regency("1801"))
    ship(owner, "1801", "MYPKG", dt.date(2026, 10, 3), "1000", "2.5")
    ship(owner, "1801", "MYPEN", dt.date(2026, 10, 3), "300", "1")
    actions.refresh_rollups(as_of=TODAY)

    everywhere = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    lampung_barat = queries.load_cube(
        dt.date(2026, 10, 1), dt.date(2026, 10, 1), "1801"
    )
    tanggamus = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1), "1802")

    assert everywhere.total(metrics.SHIPMENT).amount == pytest.approx(1300.0)
    assert lampung_barat.total(metrics.SHIPMENT).amount == pytest.approx(1300.0)
    assert tanggamus.total(metrics.SHIPMENT).amount == 0
    assert [s.amount for _, s in lampung_barat.series(metrics.SHIPMENT)] == [1300.0]


def test_job_orders_reviewed_and_the_rules_a_rejection_broke():
    endorsed = JobOrderFactory(endorsed=True, sector="plantation", workers_needed=12)
    rejected = JobOrderFactory(
        sector="construction",
        workers_needed=5,
        status=JobOrder.Status.REJECTED,
        compliance={
            "status": "fail",
            "violations": [
                {"rule_id": "MY-MINWAGE-2025"},
                {"rule_id": "ID-ZERO-COST"},
                {"rule_id": "MY-MINWAGE-2025"},
            ],
        },
    )
    judged = JobOrderFactory(status=JobOrder.Status.REJECTED, sector="construction")
    JobOrder.objects.filter(pk__in=[endorsed.pk, rejected.pk, judged.pk]).update(
        reviewed_at=at(2026, 10, 15)
    )
    JobOrderFactory()  # not reviewed: not counted

    actions.refresh_rollups(as_of=TODAY)
    cube = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1))

    assert cube.total(metrics.JOB_ORDER_REVIEWED, sub="endorsed").records == 1
    assert cube.total(metrics.JOB_ORDER_REVIEWED, sub="endorsed").amount == 12
    assert cube.total(metrics.JOB_ORDER_REVIEWED, sub="rejected").records == 2
    reasons = {
        k: s.records for k, s in cube.by(metrics.REJECTION_REASON, "key").items()
    }
    assert reasons == {
        "MY-MINWAGE-2025": 1,
        "ID-ZERO-COST": 1,
        metrics.NO_RULE_BROKEN: 1,
    }


def test_grievance_response_hours_sum_over_the_answered_only():
    seeker = SeekerFactory()
    answered = Grievance.objects.create(
        seeker=seeker, category="unpaid_wages", description="x"
    )
    waiting = Grievance.objects.create(
        seeker=seeker, category="unpaid_wages", description="y"
    )
    Grievance.objects.filter(pk=answered.pk).update(
        created_at=at(2026, 10, 1, 8), first_response_at=at(2026, 10, 2, 14)
    )
    Grievance.objects.filter(pk=waiting.pk).update(created_at=at(2026, 10, 3))

    actions.refresh_rollups(as_of=TODAY)
    cube = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    total = cube.total(metrics.GRIEVANCE)
    assert total.records == 2
    assert total.extra == 1  # answered
    assert total.amount == pytest.approx(30.0)  # hours to the first response
    assert cube.by(metrics.GRIEVANCE, "regency") == {"1804": total}


def test_refresh_recomputes_flows_and_keeps_earlier_snapshots():
    owner = msme("1801", at(2026, 9, 3))
    actions.refresh_rollups(as_of=dt.date(2026, 10, 5))
    actions.refresh_rollups(as_of=dt.date(2026, 11, 5))
    before = set(
        Rollup.objects.values_list(
            "metric", "month", "regency", "key", "sub", "records"
        )
    )
    actions.refresh_rollups(as_of=dt.date(2026, 11, 5))
    after = set(
        Rollup.objects.values_list(
            "metric", "month", "regency", "key", "sub", "records"
        )
    )
    assert before == after  # idempotent
    owner.delete()  # a deleted record leaves every month's flow at the next refresh
    actions.refresh_rollups(as_of=dt.date(2026, 11, 5))
    assert not Rollup.objects.filter(metric=metrics.MSME_REGISTERED).exists()
    assert RollupRefresh.objects.filter(status=RefreshStatus.DONE).count() == 4


def test_snapshots_of_earlier_months_survive_a_refresh(monkeypatch):
    seeker = SeekerFactory()
    actions.refresh_rollups(as_of=dt.date(2026, 10, 5))
    seeker.delete()
    actions.refresh_rollups(as_of=dt.date(2026, 11, 5))
    october = queries.load_cube(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    november = queries.load_cube(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert october.snapshot_month == dt.date(2026, 10, 1)
    assert october.total(metrics.SEEKER_STAGE).records == 1
    assert november.total(metrics.SEEKER_STAGE).records == 0


def test_a_failed_refresh_leaves_the_previous_cells_and_says_so(monkeypatch):
    msme("1801", at(2026, 9, 3))
    actions.refresh_rollups(as_of=TODAY)
    cells = Rollup.objects.count()

    def broken(as_of):
        yield sources.Cell(metric=metrics.SHIPMENT, month=dt.date(2026, 9, 1))
        raise RuntimeError("source table unreadable")

    monkeypatch.setattr(sources, "SOURCES", (*sources.SOURCES, broken))
    with pytest.raises(RuntimeError):
        actions.refresh_rollups(as_of=TODAY)
    assert Rollup.objects.count() == cells
    failed = RollupRefresh.objects.latest()
    assert failed.status == RefreshStatus.FAILED
    assert "unreadable" in failed.error


def test_the_reader_costs_four_queries_then_one_until_the_next_refresh():
    for code in ("1801", "1802", "1803"):
        msme(code, at(2026, 9, 3), verified=at(2026, 9, 4))
    actions.refresh_rollups(as_of=TODAY)
    for regency in (None, "1801"):
        with CaptureQueriesContext(connection) as cold:
            first = queries.load_cube(
                dt.date(2026, 1, 1), dt.date(2026, 12, 1), regency
            )
        with CaptureQueriesContext(connection) as warm:
            again = queries.load_cube(
                dt.date(2026, 1, 1), dt.date(2026, 12, 1), regency
            )
        assert (len(cold.captured_queries), len(warm.captured_queries)) == (4, 1)
        assert again is first
    msme("1804", at(2026, 9, 3), verified=at(2026, 9, 4))
    actions.refresh_rollups(
        as_of=TODAY
    )  # a new refresh: the kept cube is not used again
    fresh = queries.load_cube(dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    assert fresh.total(metrics.MSME_REGISTERED).records == 4


def test_monthly_deal_series_are_read_in_total_not_per_hs_code():
    from serumpun.insights.models import Rollup as Cell

    for hs, n in (("090111", 2), ("200899", 3)):
        Cell.objects.create(
            metric=metrics.DEAL,
            month=dt.date(2026, 9, 1),
            regency=ALL,
            key=hs,
            sub="paid",
            records=n,
            contributors=n,
            amount=100.0 * n,
        )
    RollupRefresh.objects.create(as_of=TODAY, status=RefreshStatus.DONE)
    cube = queries.load_cube(dt.date(2026, 9, 1), dt.date(2026, 9, 1))
    assert [(r.key, r.sums.records) for r in cube.months] == [("", 5)]
    assert cube.months[0].sums.contributors == 3  # the largest cell's: a lower bound
    assert cube.by(metrics.DEAL, "key")["200899"].amount == 300.0


def test_refresh_reads_each_source_in_a_constant_number_of_queries():
    for code in ("1801", "1802"):
        msme(code, at(2026, 9, 3))
    with CaptureQueriesContext(connection) as few:
        actions.refresh_rollups(as_of=TODAY)
    for code in ("1803", "1804", "1805", "1806"):
        msme(code, at(2026, 10, 3), verified=at(2026, 10, 4))
    with CaptureQueriesContext(connection) as many:
        actions.refresh_rollups(as_of=TODAY)
    assert len(many.captured_queries) == len(few.captured_queries)
