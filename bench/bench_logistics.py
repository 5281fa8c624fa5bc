#!/usr/bin/env python
"""Route-quote benchmark (issue 6 "Performance": quote endpoint p95 ≤ 10× /healthz).

Builds a throwaway SQLite database under var/bench/ (migrated; countries, our ports, Lampung's
regencies; the seeded indicative rates, the demo forwarder's rate book and --rates more
synthetic rate-book lines from other forwarders, a fifth of them expired), then times,
interleaved request by request through the Django test Client with a bearer token:

    quote    POST /api/v1/logistics/quotes   (origin regency, destination and cargo rotate)
    baseline GET /healthz                    (no database)

Each round takes the p95 of N requests per target; the script reports the median of the
rounds' p95s and their ratio, with the issue's target (≤ 10).

    .venv/bin/python bench/bench_logistics.py            # 2,000 extra rates, 7 rounds × 30
    .venv/bin/python bench/bench_logistics.py --quick    # tiny sizes (smoke test)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import p95_ceil, p95_per_round  # noqa: E402

SEED = 20261206
TOKEN = "bench-logistics-token"  # noqa: S105 (a throwaway database's token)
QUOTE_URL = "/api/v1/logistics/quotes"
BASELINE_URL = "/healthz"
TARGET_VS_BASELINE = 10.0
LAMPUNG = [
    "1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808",
    "1809", "1810", "1811", "1812", "1813", "1871", "1872",
]  # fmt: skip
DESTINATIONS = ["MYPKG", "MYPGU", "MYPEN"]
EXPIRED_SHARE = 0.2


def build(path: Path, extra_rates: int) -> None:
    """A migrated database with reference rows, a rate book and an MSME owner's token."""
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from serumpun.accounts.api_auth import hash_token
    from serumpun.accounts.models import ApiToken, Membership, Organisation, User
    from serumpun.core import reference
    from serumpun.core.demo import SCALES, SeedContext
    from serumpun.logistics import demo
    from serumpun.logistics.models import Rate
    from serumpun.logistics.reference import load_reference_rates

    path.unlink(missing_ok=True)
    connections["default"].close()
    call_command("migrate", verbosity=0)
    reference.load_countries()
    reference.load_ports()
    reference.load_provinces()
    reference.load_regencies()
    load_reference_rates()
    demo.seed_rates(SeedContext(scale=SCALES["demo"], seed=SEED, out=lambda _s: None))
    rng = random.Random(SEED)
    today = timezone.localdate()
    modes = [
        ("sea_lcl", "per_rt", ""),
        ("sea_fcl", "per_container", "20GP"),
        ("sea_fcl", "per_container", "40GP"),
    ]
    rows = []
    for index in range(extra_rates):
        mode, basis, container = modes[index % len(modes)]
        expired = rng.random() < EXPIRED_SHARE
        start = today - dt.timedelta(days=rng.randrange(30, 400))
        rows.append(
            Rate(
                mode=mode,
                basis=basis,
                container_code=container,
                origin_locode=rng.choice(["IDPJG", "IDJKT"]),
                destination_locode=rng.choice(
                    [*DESTINATIONS, "MYTPP", "MYKCH", "MYBKI"]
                ),
                via_locode=rng.choice(["", "SGSIN", "MYTPP"]),
                amount=Decimal(rng.randrange(40, 1500)),
                currency="USD",
                valid_from=start,
                valid_to=start + dt.timedelta(days=20) if expired else None,
                source_title=f"Bench forwarder {index % 40}",
                source_date=start,
                confidence="low",
            )
        )
    Rate.objects.bulk_create(rows, batch_size=1000)
    organisation = Organisation.objects.create(
        name="Bench MSME", kind="msme", country="ID"
    )
    user = User.objects.create_user(  # type: ignore[attr-defined]
        email="msme@bench.test", password=None, full_name="Bench MSME"
    )
    Membership.objects.create(user=user, organisation=organisation, role="msme_owner")
    ApiToken.objects.create(
        user=user,
        prefix=TOKEN[:8],
        key_hash=hash_token(TOKEN),
        expires_at=timezone.now() + dt.timedelta(days=3650),
    )


def measure(*, rounds: int, requests: int) -> dict[str, list[float]]:
    """Per target, each round's p95 in milliseconds; requests interleaved one by one."""
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    rng = random.Random(SEED)
    options_seen: list[int] = []

    def baseline() -> float:
        started = time.perf_counter()
        response = client.get(BASELINE_URL)
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        return elapsed

    def quote() -> float:
        body: dict[str, Any] = {
            "origin": {"regency_code": rng.choice(LAMPUNG)},
            "destination": {"locode": rng.choice(DESTINATIONS)},
            "cargo": {
                "weight_kg": round(rng.uniform(10, 5000), 1),
                "volume_m3": round(rng.uniform(0.05, 12), 3),
                "kind": "general",
            },
        }
        started = time.perf_counter()
        response = client.post(
            QUOTE_URL, body, content_type="application/json", headers=headers
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == HTTPStatus.OK, response.content  # noqa: S101
        options_seen.append(len(response.json()["options"]))
        return elapsed

    targets: dict[str, Callable[[], float]] = {"healthz": baseline, "quote": quote}
    for run in targets.values():  # warm up: imports, lane cache, token use
        for _ in range(3):
            run()
    print(f"  options per quote: {min(options_seen)}–{max(options_seen)}")
    return p95_per_round(
        targets, rounds=rounds, requests=requests, percentile=p95_ceil, indent=""
    )


def report(p95s: dict[str, list[float]]) -> bool:
    """Print medians and the ratio; whether the target is met."""
    median = {name: statistics.median(values) for name, values in p95s.items()}
    print()
    for name, value in median.items():
        print(f"median p95 {name:>8}: {value:8.2f} ms")
    ratio = median["quote"] / median["healthz"]
    ok = ratio <= TARGET_VS_BASELINE
    print(
        f"ratio quote / healthz = {ratio:6.2f}  "
        f"(target ≤ {TARGET_VS_BASELINE:g}: {'met' if ok else 'MISSED'})"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--requests", type=int, default=None, help="per round, per target"
    )
    parser.add_argument("--rates", type=int, default=None, help="extra rate-book lines")
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / "var" / "bench",
        help="where the database goes",
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 7)
    requests = args.requests or (5 if args.quick else 30)
    extra = args.rates if args.rates is not None else (50 if args.quick else 2_000)
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / ("logistics-quick.sqlite3" if args.quick else "logistics.sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test Client's "testserver" host in
    print(
        f"route-quote benchmark: {extra:,} extra rate-book lines; "
        f"{rounds} rounds × {requests} requests per target, interleaved"
    )
    started = time.perf_counter()
    build(path, extra)
    print(f"  database built in {time.perf_counter() - started:.0f} s")
    report(measure(rounds=rounds, requests=requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
