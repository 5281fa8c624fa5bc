"""Readiness benchmark: re-assessing many products, and the requirements API against /healthz.

Command:

    .venv/bin/python bench/bench_readiness.py [--products 100000] [--rounds 5]
        [--requests 100] [--persist 2000] [--seed 2026] [--quick]

In a throwaway database (SQLite at var/bench/readiness.sqlite3, or a bench_readiness_<pid>
database beside a PostgreSQL ``DATABASE_URL``; migrated, then filled with seeded synthetic
MSMEs, products over 12 Lampung commodities, certificates — some expired, some linked to one
product — and self-assessment answers for a third of the products):

(a) re-assessment: loading the products, their MSMEs' certificates and the answers (three
    ``values_list`` queries, `readiness.facts`) vs loading them **and** scoring every product
    with `rules.scoring.score_many` and materialising each result (score, level, gates, gaps,
    ordered plan). Interleaved rounds, medians, ratio. Target ≤ 3×.
(a') writing results: one timing of `actions._persist` (assessments, gaps and plan steps
    bulk-created) for ``--persist`` products, for information (no target).
(b) ``POST /api/v1/readiness/requirements`` for green coffee (permit-controlled) vs
    ``GET /healthz`` (and, for context, a trivial authenticated API call: bearer auth and the
    API stack alone), request by request through the Django test Client with a bearer token;
    p95 per round, median of rounds, ratio. Target ≤ 5×.

``--quick`` is the smoke-test size (2,000 products, a few requests), where fixed costs dominate
and the ratios mean little. Exit status 0 unless something failed (targets are reported).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._timing import interleaved, ms, p95_per_round  # noqa: E402

BENCH_DB = ROOT / "var" / "bench" / "readiness.sqlite3"
TOKEN = "bench-readiness-token"  # noqa: S105 (a throwaway database's token)
AS_OF = date(2026, 12, 1)
CONFIRMED_AT = datetime(2026, 11, 20, tzinfo=UTC)
BATCH = 5000
#: (HS code, processed, halal claim share, typical capacity kg/month)
COMMODITIES = (
    ("090111", False, 0.0, 8000),
    ("090121", True, 0.6, 900),
    ("210111", True, 0.8, 2000),
    ("090411", False, 0.0, 5000),
    ("090412", True, 0.5, 600),
    ("200899", True, 0.9, 1500),
    ("110814", True, 0.3, 20000),
    ("030617", False, 0.0, 6000),
    ("160510", True, 0.4, 2500),
    ("170290", True, 0.7, 1200),
    ("040900", False, 0.5, 300),
    ("581092", False, 0.0, 100),
)
CERT_KINDS = ("halal", "pirt", "bpom_md", "haccp", "skp", "sni")
TARGET_REASSESS = 3.0
DONE = 3  # an answer of 3+ is "done" (research/trade.md §3a)
HALF = 0.5
TARGET_API = 5.0


# --- Data ----------------------------------------------------------------------------------


def build(products: int, seed: int) -> list[int]:
    """Seeded MSMEs, products, certificates and answers; returns the product ids."""
    from serumpun.core.models import HSCode, Province, Regency
    from serumpun.exporters.models import MSME, Certificate, Product
    from serumpun.readiness.config import assessment_config
    from serumpun.readiness.models import Answer

    rng = random.Random(seed)
    started = time.perf_counter()
    Province.objects.get_or_create(code="18", defaults={"name": "Lampung"})
    Regency.objects.get_or_create(
        code="1801",
        defaults={"province_id": "18", "name": "Lampung Barat", "kind": "kabupaten"},
    )
    for code, *_ in COMMODITIES:
        for part in (code[:2], code[:4], code):
            HSCode.objects.get_or_create(
                code=part,
                defaults={
                    "level": len(part),
                    "parent_id": part[:-2] or None,
                    "section": "-",
                    "description": f"HS {part}",
                },
            )
    msmes = max(products // 2, 1)
    MSME.objects.bulk_create(
        (
            MSME(
                name=f"Bench MSME {i}",
                nib=f"{9100000000000 + i:013d}",
                regency_id="1801",
                owner_name="Bench",
                phone="+6281200000000",
                languages=rng.choice((["id"], ["id", "en"], ["id", "ms"])),
            )
            for i in range(msmes)
        ),
        batch_size=BATCH,
    )
    msme_ids = list(MSME.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for i in range(products):
        code, processed, halal_share, capacity = rng.choice(COMMODITIES)
        rows.append(
            Product(
                msme_id=msme_ids[i % msmes],
                name_id=f"Produk {i}",
                hs_code_id=code,
                processed=processed,
                halal_claim=rng.random() < halal_share,
                monthly_capacity_kg=round(capacity * rng.uniform(0.05, 3.0)),
                label_languages=rng.choice((["id"], ["id", "en"], ["ms", "en"])),
            )
        )
    Product.objects.bulk_create(rows, batch_size=BATCH)
    product_rows = list(Product.objects.order_by("pk").values_list("pk", "msme_id"))
    certificates = []
    for msme_id in msme_ids:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            certificates.append(
                Certificate(
                    msme_id=msme_id,
                    kind=rng.choice(CERT_KINDS),
                    number=f"B-{rng.randrange(10**8)}",
                    issuer="Bench",
                    valid_until=AS_OF + timedelta(days=rng.randint(-200, 900)),
                    verification=rng.choice(("submitted", "verified", "verified")),
                )
            )
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    by_msme: dict[int, list[int]] = {}
    for pk, msme_id in product_rows:
        by_msme.setdefault(msme_id, []).append(pk)
    through = Certificate.products.through
    links = [
        through(certificate_id=cid, product_id=rng.choice(by_msme[msme_id]))
        for cid, msme_id in Certificate.objects.values_list("pk", "msme_id")
        if msme_id in by_msme and rng.random() < 0.4  # noqa: PLR2004
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    keys = [q.key for q in assessment_config().questions]
    answers = []
    for pk, _msme in product_rows:
        if rng.random() < 1 / 3:
            for key in rng.sample(keys, rng.randint(3, 12)):
                value = rng.randint(0, 4)
                done = value >= DONE
                answers.append(
                    Answer(
                        product_id=pk,
                        market="MY",
                        question=key,
                        value=value,
                        evidence="bench/evidence.pdf"
                        if done and rng.random() < HALF
                        else "",
                        confirmed_at=CONFIRMED_AT
                        if done and rng.random() < HALF
                        else None,
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    print(
        f"  built {products:,} products of {msmes:,} MSMEs, {len(certificates):,} certificates "
        f"({len(links):,} product links), {len(answers):,} answers in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return [pk for pk, _ in product_rows]


def make_token() -> None:
    from django.utils import timezone

    from serumpun.accounts.api_auth import hash_token
    from serumpun.accounts.models import ApiToken, Membership, Organisation, User

    organisation = Organisation.objects.create(
        name="Bench MSME", kind="msme", country="ID"
    )
    user = User.objects.create_user(  # type: ignore[attr-defined]
        email="owner@bench.test", password=None, full_name="Bench owner"
    )
    Membership.objects.create(user=user, organisation=organisation, role="msme_owner")
    ApiToken.objects.create(
        user=user,
        prefix=TOKEN[:8],
        key_hash=hash_token(TOKEN),
        expires_at=timezone.now() + timedelta(days=3650),
    )


# --- Parts ---------------------------------------------------------------------------------


def bench_reassess(ids: Sequence[int], rounds: int) -> float:
    from serumpun.readiness.config import assessment_config
    from serumpun.readiness.facts import facts_from_rows, load_answers, load_rows
    from serumpun.readiness.rules.scoring import score_many

    config = assessment_config()

    def load() -> Any:
        rows, certificates, covered = load_rows(ids)
        answers = load_answers([row[0] for row in rows], "MY", as_of=AS_OF)
        return rows, certificates, covered, answers

    outcome: dict[str, Any] = {}

    def reassess() -> None:
        rows, certificates, covered, answers = load()
        facts = facts_from_rows(rows, certificates, covered, market="MY", as_of=AS_OF)
        batch = score_many(
            facts, [answers.get(row[0], {}) for row in rows], config, as_of=AS_OF
        )
        results = [batch.outcome(i) for i in range(len(rows))]
        outcome["results"] = results
        outcome["patterns"] = len(batch._outcomes)

    print(f"(a) re-assessing {len(ids):,} products vs loading them")
    load()
    reassess()  # warm up: imports, page cache, the requirements book
    times = interleaved({"load": load, "load+score": reassess}, rounds, digits=0)
    base, engine = (
        statistics.median(times["load"]),
        statistics.median(times["load+score"]),
    )
    levels: dict[str, int] = {}
    for result in outcome["results"]:
        levels[result.level] = levels.get(result.level, 0) + 1
    print(
        f"  medians: load {ms(base, digits=0)}, load+score {ms(engine, digits=0)}; "
        f"levels {levels}; {outcome['patterns']:,} distinct result patterns"
    )
    ratio = engine / base
    print(f"  re-assessment ratio: {ratio:.2f}× (target ≤ {TARGET_REASSESS:g}×)")
    return ratio


def bench_persist(ids: Sequence[int]) -> None:
    from django.db import transaction

    from serumpun.readiness.actions import _persist, score_products

    started = time.perf_counter()
    with transaction.atomic():
        rows, batch, answers = score_products(ids, market="MY", as_of=AS_OF)
        scored = time.perf_counter()
        made = _persist(
            rows, batch, answers, market="MY", as_of=AS_OF, trigger="manual", by=None
        )
    done = time.perf_counter()
    print(
        f"(a') writing {len(made):,} assessments with their gaps and plan steps: "
        f"load+score {ms(scored - started, digits=0)}, "
        f"write {ms(done - scored, digits=0)} (information only)"
    )


def bench_api(rounds: int, requests: int) -> float:
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {
        "hs_code": "090111",
        "market": "MY",
        "claims": ["halal"],
        "processed": False,
    }

    def requirements() -> float:
        started = time.perf_counter()
        response = client.post(
            "/api/v1/readiness/requirements",
            body,
            content_type="application/json",
            headers=headers,
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        return elapsed

    def healthz() -> float:
        started = time.perf_counter()
        response = client.get("/healthz")
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        return elapsed

    def reference() -> float:
        started = time.perf_counter()
        response = client.get("/api/v1/reference/regencies?limit=1", headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        return elapsed

    print(
        f"(b) POST /api/v1/readiness/requirements vs GET /healthz, {requests} requests × {rounds} rounds"
    )
    # A trivial authenticated API call, for context: what bearer auth and the API stack cost.
    targets = {
        "requirements": requirements,
        "healthz": healthz,
        "auth-trivial": reference,
    }
    for run in targets.values():
        for _ in range(3):
            run()
    p95s = p95_per_round(targets, rounds=rounds, requests=requests)
    api, base = (
        statistics.median(p95s["requirements"]),
        statistics.median(p95s["healthz"]),
    )
    ratio = api / base
    trivial = statistics.median(p95s["auth-trivial"])
    print(
        f"  medians of p95: requirements {api:.2f} ms, healthz {base:.2f} ms, "
        f"trivial authenticated API call {trivial:.2f} ms ({trivial / base:.2f}× healthz)"
    )
    print(f"  requirements API ratio: {ratio:.2f}× (target ≤ {TARGET_API:g}×)")
    return ratio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--persist", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.products, args.persist, args.requests = 2000, 500, 5

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client's "testserver" host in
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(BENCH_DB)
    else:
        # Never Django's default test_<name>: a test run may be using it (autoclobber drops it).
        database.setdefault("TEST", {})["NAME"] = f"bench_readiness_{os.getpid()}"
    print(
        f"readiness benchmark: {args.products:,} products, {args.rounds} rounds, seed {args.seed}"
    )
    started = time.perf_counter()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        print(
            f"  migrated a throwaway {connection.vendor} database in "
            f"{ms(time.perf_counter() - started, digits=0)}"
        )
        ids = build(args.products, args.seed)
        make_token()
        reassess = bench_reassess(ids, args.rounds)
        bench_persist(ids[: args.persist])
        api = bench_api(args.rounds, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print("summary")
    print(
        f"  re-assessment (load+score / load): {reassess:.2f}× — target ≤ {TARGET_REASSESS:g}× {'met' if reassess <= TARGET_REASSESS else 'NOT met'}"
    )
    print(
        f"  requirements API (p95 / healthz p95): {api:.2f}× — target ≤ {TARGET_API:g}× {'met' if api <= TARGET_API else 'NOT met'}"
    )
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
