"""Insights benchmark: the executive dashboard over a national-scale roll-up table, vs /healthz.

    .venv/bin/python bench/insights.py [--regencies 514] [--months 36] [--rounds 5]
        [--requests 20] [--seed 2026] [--quick]

Dashboards read only the roll-up table (`insights_rollup`), whose size is set by its
dimensions — metrics × months × regencies × breakdowns — not by the number of records
behind it. So the benchmark writes the cells a national deployment's refresh would write,
directly with `bulk_create`, instead of seeding millions of records and refreshing:

- every metric of `insights/metrics.py`, for `--months` months (36) ending this month; stock
  metrics with a snapshot in every month (a refresh keeps earlier snapshots as history);
- every one of `--regencies` regencies (all 514 of core.Regency by default, Lampung's first);
- in each regency and month a seeded share of each metric's breakdowns, at the counts a
  national deployment has: ~30 readiness gaps (the readiness questions and gates) with their
  dimension, ~300 HS subheadings × 4 order stages for deals, 12 destination ports × 5 shipment
  statuses, 7 sectors × 5 placement stages, 9 grievance categories × 4 statuses, 12 seeker
  stages, 7 lead stages, 2 genders; province-wide metrics (requests by HS heading × status,
  job orders by sector × compliance or decision, rejections by rule, pooling plans) once a
  month;
- the "*" cells exactly as `insights/sources.py` writes them: each (metric, month, key, sub)
  summed over every regency (regency "*"), and each regency's breakdowns summed (key and sub
  "*") for the metrics that have a breakdown; plus a finished `RollupRefresh`.

Then it times `GET /insights/` (the executive dashboard, `insights:executive`: the default
last twelve months for all of Lampung) against `GET /healthz` through the Django test Client
as a signed-in officer, interleaved request by request, and prints the median over rounds of
each round's p95 and their ratio (target ≤ 20×), the same for the page filtered to one
regency and over 36 months (information), the number of cells, and the number of queries one
dashboard request runs; then, for information, the cold page (the first request after a
refresh, when `queries.load_cube` reads the cube from the table instead of memory). A
throwaway database: SQLite under var/bench/, or PostgreSQL beside `DATABASE_URL`. The refresh that writes the cells (`actions.refresh_rollups`) runs in a
background task and is not part of a page's cost; it is not timed here.

`--quick` is the smoke-test size (tests/test_bench_insights_smoke.py): 15 regencies,
6 months, fewer requests; it reports and never fails on the ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import p95_per_round  # noqa: E402

BENCH_DB = ROOT / "var" / "bench" / "insights.sqlite3"
BATCH = 5000
TARGET = 20.0
LAMPUNG = "18"
ALL = "*"

# Vocabularies of the breakdowns (the real ones where the code has them; see `vocabulary`).
LEAD_STAGES = (
    "introduced",
    "sample_sent",
    "negotiating",
    "ordered",
    "shipped",
    "paid",
    "lost",
)
DEAL_STAGES = ("ordered", "shipped", "paid", "lost")
SHIPMENT_STATUSES = ("pledged", "booked", "in_transit", "delivered", "closed")
PLACEMENT_STAGES = ("departed", "working", "completed", "returned", "withdrawn")
GRIEVANCE_STATUSES = ("open", "in_progress", "resolved", "closed")
REQUEST_STATUSES = ("open", "fulfilled", "closed", "expired")
COMPLIANCE = ("pass", "warn", "fail")
DECISIONS = ("endorsed", "rejected")
GENDERS = ("female", "male")
RULES = (*(f"MY-RULE-{i:02d}" for i in range(1, 20)), "attache_judgement")
PORT_COUNT = 12
HS_SUBHEADINGS = 300
HS_HEADINGS = 100


def months_back(last: date, count: int) -> list[date]:
    """The first days of `count` months ending with `last`'s month, oldest first."""
    index = last.year * 12 + last.month - 1
    return [
        date((index - i) // 12, (index - i) % 12 + 1, 1)
        for i in range(count - 1, -1, -1)
    ]


def vocabulary() -> dict[str, Sequence[Any]]:
    """The breakdown values: readiness gaps, HS codes and ports from the reference data."""
    from serumpun.core.models import HSCode, Port
    from serumpun.labour.models import Grievance, Sector, Stage
    from serumpun.readiness.config import assessment_config

    config = assessment_config()
    gaps = [(q.key, q.dimension) for q in config.questions] + [
        (f"gate.{g.key}", "standards") for g in config.gates
    ]
    food = HSCode.objects.filter(
        level=6, code__regex=r"^(0[3-9]|1[0-9]|2[0-2])"
    ).order_by("code")
    hs6 = list(food.values_list("code", flat=True)[:HS_SUBHEADINGS]) or [
        f"{90100 + i:06d}" for i in range(HS_SUBHEADINGS)
    ]
    hs4 = sorted({code[:4] for code in hs6})[:HS_HEADINGS]
    ports = list(Port.objects.order_by("locode").values_list("locode", flat=True))
    ports = sorted(set(ports))[:PORT_COUNT] or [
        f"MYP{i:02d}" for i in range(PORT_COUNT)
    ]
    return {
        "gaps": gaps,
        "hs6": hs6,
        "hs4": hs4,
        "ports": ports,
        "sectors": list(Sector.values),
        "seeker_stages": list(Stage.values),
        "categories": list(Grievance.Category.values),
    }


#: one roll-up cell: metric, month, regency, key, sub, records, contributors, amount, extra
Cell = tuple[str, date, str, str, str, int, int, float, float]


def regency_cells(
    rng: random.Random, words: dict[str, Sequence[Any]], month: date, regency: str
) -> Iterator[Cell]:
    """One regency's detail cells of one month: a seeded share of each breakdown."""
    from serumpun.insights import metrics as m

    def some(population: Sequence[Any], low: int, high: int) -> list[Any]:
        return rng.sample(
            list(population), min(len(population), rng.randint(low, high))
        )

    def pairs(first: Sequence[str], second: Sequence[str], low: int, high: int) -> list:
        return some([(a, b) for a in first for b in second], low, high)

    msmes = rng.randint(5, 60)
    for metric in (m.MSME_REGISTERED, m.MSME_VERIFIED, m.MSME_ASSESSED, m.MSME_READY):
        n = rng.randint(0, msmes)
        yield (metric, month, regency, "", "", n, n, 0.0, 0.0)
    for key, sub in some(words["gaps"], 18, len(words["gaps"])):
        n = rng.randint(1, 40)
        yield (m.GAP_OPEN, month, regency, key, sub, n, n, 0.0, 0.0)
    for sub in some(LEAD_STAGES, 2, len(LEAD_STAGES)):
        n = rng.randint(1, 30)
        yield (m.INTRODUCTION, month, regency, "", sub, n, max(1, n // 2), 0.0, 0.0)
    for key, sub in pairs(rng.sample(list(words["hs6"]), 12), DEAL_STAGES, 0, 12):
        n = rng.randint(1, 5)
        value, kg = n * rng.uniform(2e3, 4e4), n * rng.uniform(200, 5e3)
        yield (m.DEAL, month, regency, key, sub, n, n, value, kg)
    lanes = pairs(words["ports"], SHIPMENT_STATUSES, 0, 10)
    for key, sub in lanes:
        n = rng.randint(1, 8)
        kg, m3 = n * rng.uniform(500, 8e3), n * rng.uniform(1, 20)
        yield (m.SHIPMENT, month, regency, key, sub, n, n, kg, m3)
    for port in sorted({key for key, _sub in lanes}):
        tonnes = rng.uniform(1, 60)
        yield (m.SHIPMENT_CO2E, month, regency, port, "", rng.randint(1, 8), 0, tonnes * 45, tonnes)  # fmt: skip
    for gender in GENDERS:
        n = rng.randint(5, 300)
        yield (m.SEEKER_REGISTERED, month, regency, gender, "", n, n, 0.0, 0.0)
    for stage in some(words["seeker_stages"], 6, len(words["seeker_stages"])):
        n = rng.randint(1, 400)
        yield (m.SEEKER_STAGE, month, regency, stage, "", n, n, 0.0, 0.0)
    for key, sub in pairs(words["sectors"], PLACEMENT_STAGES, 0, 10):
        n = rng.randint(1, 20)
        yield (m.PLACEMENT, month, regency, key, sub, n, n, 0.0, 0.0)
    for key, sub in pairs(words["categories"], GRIEVANCE_STATUSES, 0, 6):
        n = rng.randint(1, 4)
        hours, answered = n * rng.uniform(2, 72), rng.randint(0, n)
        yield (m.GRIEVANCE, month, regency, key, sub, n, n, hours, answered)


def province_cells(
    rng: random.Random, words: dict[str, Sequence[Any]], month: date
) -> Iterator[Cell]:
    """The metrics without a regency column, for one month."""
    from serumpun.insights import metrics as m

    def pairs(first: Sequence[str], second: Sequence[str], low: int, high: int) -> list:
        population = [(a, b) for a in first for b in second]
        return rng.sample(population, min(len(population), rng.randint(low, high)))

    for key, sub in pairs(words["hs4"], REQUEST_STATUSES, 40, 150):
        n = rng.randint(1, 6)
        yield (m.REQUEST_POSTED, month, "", key, sub, n, n, n * rng.uniform(500, 2e4), 0.0)  # fmt: skip
    saving, containers = rng.uniform(0, 4e4), rng.randint(0, 20)
    yield (m.POOL_PLAN, month, "", "", "", rng.randint(0, 12), 0, saving, containers)
    for key, sub in pairs(words["sectors"], COMPLIANCE, 8, 21):
        n = rng.randint(1, 40)
        yield (m.JOB_ORDER_SUBMITTED, month, "", key, sub, n, 0, n * rng.uniform(5, 80), 0.0)  # fmt: skip
    for key, sub in pairs(words["sectors"], DECISIONS, 5, 14):
        n = rng.randint(1, 30)
        yield (m.JOB_ORDER_REVIEWED, month, "", key, sub, n, 0, n * rng.uniform(5, 80), 0.0)  # fmt: skip
    for key in rng.sample(RULES, rng.randint(3, len(RULES))):
        yield (m.REJECTION_REASON, month, "", key, "", rng.randint(1, 9), 0, 0.0, 0.0)


def cells(
    regencies: Sequence[str], months: Sequence[date], seed: int
) -> Iterator[Cell]:
    """Every metric's cells, month by month: the detail cells, then the "*" cells.

    The "*" cells are the ones `sources.grouped` writes: for each regional metric, each
    (key, sub) summed over every regency (regency "*"); for each regional metric with a
    breakdown, each regency's breakdowns summed (key and sub "*"). Contributors are summed
    too, where the real refresh counts distinct parties: the sizes are what matter here.
    """
    from serumpun.insights.queries import BROKEN_DOWN, REGIONAL

    rng = random.Random(seed)
    words = vocabulary()
    for month in months:
        everywhere: dict[tuple[str, str, str], list[float]] = defaultdict(
            lambda: [0.0] * 4
        )
        for regency in regencies:
            per_regency: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
            for cell in regency_cells(rng, words, month, regency):
                yield cell
                metric, _month, _regency, key, sub, *sums = cell
                for total in (everywhere[(metric, key, sub)], per_regency[metric]):
                    for i, value in enumerate(sums):
                        total[i] += value
            for metric, sums in per_regency.items():
                if metric in BROKEN_DOWN:
                    yield (metric, month, regency, ALL, ALL, *_sums(sums))
        for (metric, key, sub), sums in everywhere.items():
            if metric in REGIONAL:
                yield (metric, month, ALL, key, sub, *_sums(sums))
        yield from province_cells(rng, words, month)


def _sums(sums: list[float]) -> tuple[int, int, float, float]:
    return int(sums[0]), int(sums[1]), round(sums[2], 3), round(sums[3], 3)


def build(regencies: int, months_count: int, seed: int) -> tuple[int, int]:
    """Reference data, an officer and the roll-up cells; returns (officer id, cells)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from serumpun.accounts.models import Membership, Organisation, User
    from serumpun.core.models import Regency
    from serumpun.insights import metrics
    from serumpun.insights.models import RefreshStatus, Rollup, RollupRefresh

    started = time.perf_counter()
    call_command("load_reference", stdout=io.StringIO())
    print(f"  reference data loaded in {time.perf_counter() - started:.1f} s")
    codes = list(
        Regency.objects.order_by("code").values_list("code", flat=True)
    )  # Lampung's first, then the rest in code order
    codes = sorted(codes, key=lambda c: (not c.startswith(LAMPUNG), c))[:regencies]
    today = timezone.localdate()
    months = months_back(today, months_count)

    started = time.perf_counter()
    written = 0
    batch: list[Rollup] = []
    for metric, month, regency, key, sub, records, contributors, amount, extra in cells(
        codes, months, seed
    ):
        batch.append(
            Rollup(
                metric=metric,
                month=month,
                regency=regency,
                key=key,
                sub=sub,
                records=records,
                contributors=contributors,
                amount=round(amount, 3),
                extra=round(float(extra), 3),
            )
        )
        if len(batch) == BATCH:
            Rollup.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    Rollup.objects.bulk_create(batch)
    written += len(batch)
    RollupRefresh.objects.create(
        as_of=today,
        status=RefreshStatus.DONE,
        cells=written,
        finished_at=timezone.now(),
        seconds=0.0,
    )
    # A table grown by bulk inserts has no planner statistics until autovacuum (PostgreSQL)
    # or `ANALYZE` (SQLite) gathers them; measure the steady state production is in.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  wrote {written:,} roll-up cells ({len(metrics.METRICS)} metrics × "
        f"{months_count} months × {len(codes)} regencies and their '*' cells) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    office = Organisation.objects.create(
        name="Bench Disperindag", kind="government_office", country="ID"
    )
    officer = User.objects.create_user(  # type: ignore[attr-defined]
        email="officer@bench.test", password=None, full_name="Bench officer"
    )
    Membership.objects.create(user=officer, organisation=office, role="officer")
    return officer.pk, written


def bench_pages(officer_id: int, rounds: int, requests: int) -> dict[str, float]:
    """p95 of the dashboard (default, one regency, 36 months) and of /healthz; ratios."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from serumpun.accounts.models import User

    client = Client()
    client.force_login(
        User.objects.get(pk=officer_id),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    url = reverse("insights:executive")
    last = timezone.localdate()
    first = months_back(last, 36)[0]
    pages = {
        "dashboard": url,
        "regency": f"{url}?regency=1871",
        "36 months": f"{url}?from={first:%Y-%m}&to={last:%Y-%m}",
    }

    def timed(path: str) -> Callable[[], float]:
        def run() -> float:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            assert response.status_code == HTTPStatus.OK, response.content[:500]  # noqa: S101
            return elapsed

        return run

    targets = {name: timed(path) for name, path in pages.items()}
    targets["healthz"] = timed("/healthz")
    for run in targets.values():  # warm: imports, templates, caches
        for _ in range(3):
            run()
    counts = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts[name] = len(captured)
    print(
        f"  GET {url} (last 12 months, all Lampung), ?regency=1871, 36 months, and "
        f"GET /healthz; {requests} requests × {rounds} rounds"
    )
    p95s = p95_per_round(targets, rounds=rounds, requests=requests)
    medians = {name: statistics.median(values) for name, values in p95s.items()}
    base = medians["healthz"]
    print(
        "  medians of p95: "
        + ", ".join(f"{name} {value:.2f} ms" for name, value in medians.items())
    )
    print(
        "  queries per request: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
    )
    for name in pages:
        label = "dashboard ratio" if name == "dashboard" else f"{name} ratio"
        print(f"  {label}: {medians[name] / base:.2f}× /healthz")
    cold(client, pages, base)
    return {name: medians[name] / base for name in pages}


def cold(client: Any, pages: dict[str, str], base_ms: float, runs: int = 5) -> None:
    """The first request after a refresh, which reads the cube from the table (information).

    `queries.load_cube` keeps each period's cube in memory until the next refresh, so the
    timed requests above are served from memory; here the memory is cleared before each.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from serumpun.insights import queries

    for name, path in pages.items():
        times = []
        for _ in range(runs):
            queries.clear_cache()
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        queries.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        median = statistics.median(times)
        print(
            f"  cold {name} (cube read from the table, median of {runs}): "
            f"{median:.1f} ms, {median / base_ms:.1f}× the /healthz p95, "
            f"{len(captured)} queries"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.regencies, args.months, args.requests = 15, 6, 5

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # The test Client's host, let in without setup_test_environment(): that would also
    # instrument every template render (a context copy each) — a cost production has not.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(BENCH_DB)
    else:
        database.setdefault("TEST", {})["NAME"] = f"bench_insights_{os.getpid()}"
    print(
        f"insights benchmark: {args.regencies} regencies × {args.months} months, "
        f"{args.rounds} rounds, seed {args.seed}, {connection.vendor}"
    )
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        officer_id, written = build(args.regencies, args.months, args.seed)
        ratios = bench_pages(officer_id, args.rounds, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    met = ratios["dashboard"] <= TARGET
    print("summary")
    print(f"  roll-up cells: {written:,}")
    print(
        f"  executive dashboard p95 / healthz p95: {ratios['dashboard']:.2f}× — "
        f"target ≤ {TARGET:g}× {'met' if met else 'NOT met'}"
    )
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.quick:
        return 0  # the smoke-test size: report, do not gate
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
