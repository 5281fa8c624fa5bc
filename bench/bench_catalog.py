#!/usr/bin/env python
"""Catalogue search benchmark (issue 3 "Performance").

Builds two throwaway SQLite databases under var/bench/ with the same seeded data at two
scales (50,000 and 500,000 products; one MSME per five products, 70 % of MSMEs verified,
about a third holding a halal certificate of which a quarter have expired), then times,
interleaved request by request, through the Django test Client with a bearer token:

    search  GET /api/v1/catalog/products?q=kopi&certificate=halal   (at both scales)
    baseline GET /healthz                                            (no database)

Each round takes the p95 of N requests per target; the script reports the median of the
rounds' p95s and two ratios, with the issue's targets:

    search p95 at 500k / healthz p95   ≤ 15
    search p95 at 500k / at 50k        ≤ 3

    .venv/bin/python bench/bench_catalog.py              # 50k and 500k, 7 rounds × 40
    .venv/bin/python bench/bench_catalog.py --quick      # tiny sizes (smoke test)
    .venv/bin/python bench/bench_catalog.py --rebuild    # rebuild the databases

The databases are kept (keyed by scale and data version) so a second run skips the build;
they are throwaway: delete var/bench/ at will.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import p95_ceil, p95_per_round  # noqa: E402

DATA_VERSION = 3  # 3: catalogue tokens (migration 0003)
SEED = 20260301
TOKEN = "bench-catalog-token"  # noqa: S105 (a throwaway database's token)
SEARCH_URL = "/api/v1/catalog/products?q=kopi&certificate=halal"
BASELINE_URL = "/healthz"
TARGET_VS_BASELINE = 15.0
TARGET_SCALING = 3.0
BATCH = 5_000
PRODUCTS_PER_MSME = 5

LAMPUNG = [
    "1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808",
    "1809", "1810", "1811", "1812", "1813", "1871", "1872",
]  # fmt: skip

# (weight, hs code, hs description, Indonesian, English, Malay): research/trade.md §4 goods
COMMODITIES = [
    (10, "090111", "coffee not roasted", "kopi robusta", "robusta coffee", "kopi robusta"),
    (5, "090121", "coffee roasted", "kopi bubuk", "ground coffee", "serbuk kopi"),
    (8, "090411", "pepper neither crushed nor ground", "lada hitam", "black pepper",
     "lada hitam"),
    (8, "200899", "fruit otherwise prepared", "keripik pisang", "banana chips",
     "kerepek pisang"),
    (6, "110814", "manioc cassava starch", "tepung tapioka", "tapioca starch",
     "tepung ubi kayu"),
    (5, "030633", "crabs", "kepiting bakau", "mud crab", "ketam bakau"),
    (6, "030617", "shrimps and prawns", "udang vaname", "vannamei shrimp",
     "udang putih"),
    (4, "580500", "hand woven tapestries", "kain tapis", "tapis cloth", "kain tapis"),
    (6, "170290", "other sugars", "gula aren", "palm sugar", "gula kabung"),
    (6, "180100", "cocoa beans", "biji kakao", "cocoa beans", "biji koko"),
    (4, "090710", "cloves", "cengkeh", "cloves", "cengkih"),
    (6, "080119", "coconuts", "kelapa", "coconut", "kelapa"),
    (4, "040900", "natural honey", "madu hutan", "forest honey", "madu hutan"),
    (6, "190590", "bread pastry cakes", "kue kering", "cookies", "kuih kering"),
    (6, "210390", "sauces and preparations", "sambal", "chilli sauce", "sambal"),
]  # fmt: skip
VARIANTS = [
    ("premium", "premium", "premium"),
    ("organik", "organic", "organik"),
    ("asli Lampung", "from Lampung", "asli Lampung"),
    ("kemasan 1 kg", "1 kg pack", "bungkusan 1 kg"),
    ("curah", "bulk", "pukal"),
]


# --- Databases ---------------------------------------------------------------------------------


def _use(path: Path, *, fast_writes: bool = False) -> None:
    """Point the default connection at `path` (closed now, reopened on next use)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = str(path)
    if fast_writes:  # a throwaway database: no journal, no fsync while building
        init = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
    else:
        init = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
    connection.settings_dict.setdefault("OPTIONS", {})["init_command"] = init


def _meta(path: Path) -> int | None:
    """The scale a finished database was built for (None: absent or unfinished)."""
    import sqlite3

    if not path.exists():
        return None
    with sqlite3.connect(path) as db:
        try:
            row = db.execute("SELECT scale, version FROM bench_meta").fetchone()
        except sqlite3.DatabaseError:
            return None
    return int(row[0]) if row and row[1] == DATA_VERSION else None


def _build_base(path: Path) -> None:
    """A migrated database with the reference rows and one buyer with a token."""
    from django.core.management import call_command
    from django.utils import timezone

    from serumpun.accounts.api_auth import hash_token
    from serumpun.accounts.models import ApiToken, Membership, Organisation, User
    from serumpun.core.models import HSCode, Province, Regency

    path.unlink(missing_ok=True)
    _use(path, fast_writes=True)
    call_command("migrate", verbosity=0)
    Province.objects.get_or_create(code="18", defaults={"name": "Lampung"})
    for code in LAMPUNG:
        Regency.objects.get_or_create(
            code=code,
            defaults={
                "province_id": "18",
                "name": f"Regency {code}",
                "kind": "kabupaten",
            },
        )
    for _w, code, description, *_names in COMMODITIES:
        for part in (code[:2], code[:4], code):
            HSCode.objects.get_or_create(
                code=part,
                defaults={
                    "level": len(part),
                    "parent_id": part[:-2] or None,
                    "section": "-",
                    "description": description,
                },
            )
    organisation = Organisation.objects.create(
        name="Bench buyer", kind="buyer", country="MY"
    )
    user = User.objects.create_user(  # type: ignore[attr-defined]
        email="buyer@bench.test", password=None, full_name="Bench buyer"
    )
    Membership.objects.create(user=user, organisation=organisation, role="buyer")
    ApiToken.objects.create(
        user=user,
        prefix=TOKEN[:8],
        key_hash=hash_token(TOKEN),
        expires_at=timezone.now() + timedelta(days=3650),
    )
    _use(path)  # close


def _batched(items: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fill(path: Path, products: int, progress: Callable[[str], None]) -> None:
    """Seeded MSMEs, products and certificates: the same data whatever the scale's order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from serumpun.exporters.models import MSME, Certificate, Product
    from serumpun.exporters.rules.search_text import build

    rng = random.Random(SEED)
    today = timezone.localdate()
    weights = [c[0] for c in COMMODITIES]
    msmes = products // PRODUCTS_PER_MSME
    _use(path, fast_writes=True)
    with transaction.atomic():

        def msme_rows() -> Iterator[MSME]:
            for n in range(msmes):
                yield MSME(
                    name=f"CV Usaha {n}",
                    brand_name=f"Usaha {n}",
                    nib=f"{8100000000000 + n:013d}",
                    regency_id=rng.choice(LAMPUNG),
                    owner_name="Pemilik",
                    phone=f"+62812{n:08d}",
                    verification="verified" if rng.random() < 0.7 else "submitted",  # noqa: PLR2004
                    source="demo",
                )

        for batch in _batched(msme_rows()):
            MSME.objects.bulk_create(batch)
        first_msme = MSME.objects.order_by("id").values_list("id", flat=True)[0]
        progress(f"  {msmes:,} MSMEs")

        specialities = rng.choices(COMMODITIES, weights=weights, k=msmes)

        def product_rows() -> Iterator[Product]:
            for n in range(products):
                msme_index = n // PRODUCTS_PER_MSME
                _w, code, hs_desc, name_id, name_en, name_ms = specialities[msme_index]
                v_id, v_en, v_ms = rng.choice(VARIANTS)
                names = (f"{name_id} {v_id}", f"{name_en} {v_en}", f"{name_ms} {v_ms}")
                description = f"{name_id} {v_id} dari Lampung, produk nomor {n}."
                yield Product(
                    msme_id=first_msme + msme_index,
                    name_id=names[0],
                    name_en=names[1],
                    name_ms=names[2],
                    description_id=description,
                    hs_code_id=code,
                    monthly_capacity_kg=rng.randrange(50, 20_000),
                    fob_price_usd_per_kg=round(rng.uniform(1, 30), 2),
                    moq_kg=rng.choice([50, 100, 500, 1000]),
                    is_active=rng.random() < 0.95,  # noqa: PLR2004
                    search_text=build(
                        names=names,
                        descriptions=[description],
                        hs_code=code,
                        hs_description=hs_desc,
                    ),
                    is_demo=True,
                )

        for done, batch in enumerate(_batched(product_rows()), start=1):
            Product.objects.bulk_create(batch)
            if done % 20 == 0:
                progress(f"  products {done * BATCH:,}/{products:,}")
        first_product = Product.objects.order_by("id").values_list("id", flat=True)[0]

        links = []
        certificates = []
        for msme_index in range(msmes):
            for kind, share in (("halal", 0.35), ("pirt", 0.3), ("bpom_md", 0.1)):
                if rng.random() >= share:
                    continue
                expired = rng.random() < 0.25  # noqa: PLR2004
                days = rng.randrange(1, 700)
                certificates.append(
                    Certificate(
                        msme_id=first_msme + msme_index,
                        kind=kind,
                        number=f"{kind}-{msme_index}",
                        issuer="BPJPH" if kind == "halal" else "Dinas",
                        valid_until=today + timedelta(days=-days if expired else days),
                        verification="verified",
                        is_demo=True,
                    )
                )
                if rng.random() < 0.5:  # noqa: PLR2004 (half cover named products only)
                    offset = rng.randrange(PRODUCTS_PER_MSME)
                    links.append((len(certificates) - 1, msme_index, offset))
        for batch in _batched(iter(certificates)):
            Certificate.objects.bulk_create(batch)
        first_cert = Certificate.objects.order_by("id").values_list("id", flat=True)[0]
        through = Certificate.products.through
        rows = (
            through(
                certificate_id=first_cert + cert_index,
                product_id=first_product + msme_index * PRODUCTS_PER_MSME + offset,
            )
            for cert_index, msme_index, offset in links
        )
        for batch in _batched(rows):
            through.objects.bulk_create(batch)
        progress(f"  {len(certificates):,} certificates, {len(links):,} product links")
        _tokens(progress)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_meta (scale INTEGER, version INTEGER)")
            cursor.execute(
                "INSERT INTO bench_meta VALUES (%s, %s)", [products, DATA_VERSION]
            )
            cursor.execute("ANALYZE")
    _use(path)


def _tokens(progress: Callable[[str], None]) -> None:
    """The catalogue filter tokens, by the function the actions call, for every product.

    The bulk inserts above bypass the actions; a full refresh is also what an operator runs
    after restoring a database, so its time is worth printing.
    """
    from serumpun.exporters.search import refresh_catalogue_tokens

    started = time.perf_counter()
    refresh_catalogue_tokens()
    progress(f"  catalogue tokens in {time.perf_counter() - started:.0f} s")


def prepare(bench_dir: Path, scales: list[int], *, rebuild: bool) -> dict[int, Path]:
    """The database for each scale, built unless a finished one is there."""
    bench_dir.mkdir(parents=True, exist_ok=True)
    base = bench_dir / "catalog-base.sqlite3"
    paths = {scale: bench_dir / f"catalog-{scale}.sqlite3" for scale in scales}
    for scale, path in paths.items():
        if not rebuild and _meta(path) == scale:
            print(f"reusing {path.relative_to(bench_dir.parent)} ({scale:,} products)")
            continue
        if rebuild or not base.exists():
            print("building the base database (migrate, reference rows, buyer token)")
            _build_base(base)
            rebuild = False
        print(f"building {scale:,} products")
        started = time.perf_counter()
        shutil.copyfile(base, path)
        _fill(path, scale, progress=print)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    return paths


# --- Measuring ---------------------------------------------------------------------------------


def measure(
    paths: dict[int, Path], *, rounds: int, requests: int
) -> dict[str, list[float]]:
    """Per target, each round's p95 in milliseconds; requests interleaved one by one."""
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def baseline() -> float:
        started = time.perf_counter()
        response = client.get(BASELINE_URL)
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        return elapsed

    def search(path: Path) -> Callable[[], float]:
        def run() -> float:
            _use(path)
            started = time.perf_counter()
            response = client.get(SEARCH_URL, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
            return elapsed

        return run

    targets: dict[str, Callable[[], float]] = {"healthz": baseline}
    for scale, path in paths.items():
        targets[f"search@{scale}"] = search(path)
    for name, run in targets.items():  # warm up: imports, OS page cache, token use
        for _ in range(3):
            run()
        if name.startswith("search@"):
            _use(paths[int(name.split("@")[1])])
            body = client.get(SEARCH_URL, headers=headers).json()
            print(f"  {name}: {body['count']:,} matching products")

    return p95_per_round(
        targets, rounds=rounds, requests=requests, percentile=p95_ceil, indent=""
    )


def report(p95s: dict[str, list[float]], scales: list[int]) -> bool:
    """Print medians and ratios; whether both targets are met."""
    small, large = min(scales), max(scales)
    median = {name: statistics.median(values) for name, values in p95s.items()}
    print()
    for name, value in median.items():
        print(f"median p95 {name:>16}: {value:8.2f} ms")
    vs_baseline = median[f"search@{large}"] / median["healthz"]
    scaling = median[f"search@{large}"] / median[f"search@{small}"]
    ok_baseline = vs_baseline <= TARGET_VS_BASELINE
    ok_scaling = scaling <= TARGET_SCALING
    print(
        f"ratio search@{large} / healthz       = {vs_baseline:6.2f}  "
        f"(target ≤ {TARGET_VS_BASELINE:g}: {'met' if ok_baseline else 'MISSED'})"
    )
    print(
        f"ratio search@{large} / search@{small} = {scaling:6.2f}  "
        f"(target ≤ {TARGET_SCALING:g}: {'met' if ok_scaling else 'MISSED'})"
    )
    return ok_baseline and ok_scaling


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--requests", type=int, default=None, help="per round, per target"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / "var" / "bench",
        help="where the databases go",
    )
    args = parser.parse_args(argv)
    scales = [200, 2_000] if args.quick else [50_000, 500_000]
    rounds = args.rounds or (5 if args.quick else 7)
    requests = args.requests or (5 if args.quick else 40)
    bench_dir = args.dir / ("quick" if args.quick else "")

    # The settings module reads DATABASE_URL once; each scale's file is switched in later.
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'catalog-base.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client's "testserver" host in

    print(
        f"catalogue search benchmark: {', '.join(f'{s:,}' for s in scales)} products; "
        f"{rounds} rounds × {requests} requests per target, interleaved"
    )
    paths = prepare(bench_dir, scales, rebuild=args.rebuild)
    p95s = measure(paths, rounds=rounds, requests=requests)
    report(p95s, scales)
    return 0


if __name__ == "__main__":
    sys.exit(main())
