"""Registry import benchmark: a messy 100,000-row provincial list vs a bare bulk insert.

Command:

    .venv/bin/python bench/bench_import.py [--rows 100000] [--rounds 5] [--seed 2026] [--quick]

Add DATABASE_URL=postgres://postgres@127.0.0.1:5432/serumpun_bench to measure PostgreSQL (a
throw-away test_ database is created and dropped); on SQLite a temporary database file is used
(WAL, synchronous=FULL, as in production), never the development database.

It builds a seeded CSV of `--rows` rows written the way provincial lists are (phones as
0812…, +62 812… and 62812…; regencies as "Kab. Lampung Barat", "LAMBAR", "Kota Metro"…;
amounts as "Rp 1.000.000" and "1,000,000"; founding dates as dd/mm/yyyy) and, interleaved
over `--rounds` rounds on an empty registry, times:

- baseline: `MSME.objects.bulk_create` of the same rows already cleaned (model objects built
  inside the timing), batch size as the import's;
- import: `commit_import` of the previewed file — reading the file, cleaning every row,
  looking up existing NIBs, planning and writing with bulk_create (target ≤ 3× baseline);
- full flow: `start_import` + `preview_import` + `commit_import` (upload, dry run, commit);
- re-import: the same file again over the filled registry, which must change 0 rows.

Prints medians and ratios. Tasks run immediately in-process, so the files above the
background threshold take the same code path as on a worker.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
TARGET_RATIO = 3.0
QUICK_ROWS = 5_000

REGENCY_SPELLINGS = {
    "1801": ["Kab. Lampung Barat", "Lampung Barat", "LAMBAR"],
    "1802": ["Tanggamus", "Kab. Tanggamus", "TANGGAMUS"],
    "1803": ["Lampung Selatan", "LAMSEL"],
    "1804": ["Lampung Timur", "LAMTIM", "Kabupaten Lampung Timur"],
    "1805": ["Lampung Tengah", "LAMTENG"],
    "1806": ["Lampung Utara", "LAMPURA"],
    "1807": ["Way Kanan", "WAYKANAN"],
    "1808": ["Tulang Bawang", "TUBA", "Kab. Tulangbawang"],
    "1809": ["Pesawaran", "PESAWARAN"],
    "1810": ["Pringsewu", "PRINGSEWU"],
    "1811": ["Mesuji", "MESUJI"],
    "1812": ["Kab Tulang Bawang Barat", "TUBABA", "Tubaba"],
    "1813": ["Pesisir Barat", "PESIBAR"],
    "1871": ["Kota Bandar Lampung", "Bandar Lampung", "BALAM"],
    "1872": ["Metro", "Kota Metro"],
}
HEADERS = [
    "No", "NIB", "Nama Usaha", "Merek", "Nama Pemilik", "No HP", "Kabupaten/Kota", "Alamat",
    "NPWP", "Tahun Berdiri", "Jumlah Tenaga Kerja", "Omzet", "Aset", "KBLI", "Email",
]  # fmt: skip
PRODUCTS = [
    "Kopi",
    "Lada",
    "Keripik",
    "Tapioka",
    "Kerupuk",
    "Tapis",
    "Madu",
    "Gula Aren",
]


def _money(rng: random.Random, value: int) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"Rp {value:,}".replace(",", ".")
    if style == 1:
        return f"{value:,}"
    if style == 2:  # noqa: PLR2004
        return f"{value:,}".replace(",", ".")
    return str(value)


def _phone(rng: random.Random, index: int) -> str:
    subscriber = f"{index % 100_000_000:08d}"
    prefix = rng.choice(["812", "813", "821", "852", "857", "878", "896"])
    style = rng.randrange(4)
    if style == 0:
        return f"0{prefix}-{subscriber[:4]}-{subscriber[4:]}"
    if style == 1:
        return f"+62 {prefix} {subscriber[:4]} {subscriber[4:]}"
    if style == 2:  # noqa: PLR2004
        return f"62{prefix}{subscriber}"
    return f"0{prefix} {subscriber}"


def messy_csv(rows: int, seed: int) -> bytes:
    """A seeded provincial list of `rows` MSMEs with the usual spellings and separators."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["DAFTAR UMKM PROVINSI LAMPUNG"])
    writer.writerow(HEADERS)
    codes = list(REGENCY_SPELLINGS)
    for index in range(1, rows + 1):
        nib = f"91{index:011d}"
        product = rng.choice(PRODUCTS)
        assets = rng.randrange(10_000_000, 3_000_000_000, 1_000)
        turnover = rng.randrange(10_000_000, 20_000_000_000, 1_000)
        year = rng.randrange(1980, 2025)
        founded = (
            f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{year}"
            if rng.random() < 0.3  # noqa: PLR2004
            else str(year)
        )
        writer.writerow(
            [
                index,
                nib if rng.random() < 0.8 else f"{nib[:4]} {nib[4:8]} {nib[8:]}",  # noqa: PLR2004
                f"UMKM {product} {index}",
                f"{product} {index % 997}",
                f"Pemilik {index}",
                _phone(rng, index),
                rng.choice(REGENCY_SPELLINGS[rng.choice(codes)]),
                f"Jl. Contoh No. {index % 300}",
                f"{rng.randrange(10**14, 10**15):015d}" if rng.random() < 0.5 else "",  # noqa: PLR2004
                founded,
                str(rng.randrange(1, 60)),
                _money(rng, turnover),
                _money(rng, assets),
                rng.choice(["10761", "01281", "10792", "13912", "47111"]),
                f"umkm{index}@example.id" if rng.random() < 0.4 else "",  # noqa: PLR2004
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _check(condition: bool, message: object) -> None:
    if not condition:
        raise SystemExit(f"benchmark check failed: {message}")


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_ROWS} rows, 3 rounds"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.rounds = QUICK_ROWS, 3

    import django
    from django.conf import settings

    workdir = Path(tempfile.mkdtemp(prefix="serumpun-bench-import-"))
    django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:  # never Django's test_<name>, which a running test suite may be using
        database.setdefault("TEST", {})["NAME"] = f"bench_import_{os.getpid()}"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import override_settings

    print(f"creating the benchmark database ({connection.vendor}) …", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(MEDIA_ROOT=str(workdir / "media")):
            return _run(args, SimpleUploadedFile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(args: Any, upload_class: Any) -> int:  # noqa: PLR0915 (one linear script)
    from django.db import connection

    from serumpun.accounts.roles import Role
    from serumpun.accounts.tests.factories import make_user
    from serumpun.exporters import importing
    from serumpun.exporters.models import MSME, ImportBatch, RecordSource

    data = messy_csv(args.rows, args.seed)
    officer = make_user(Role.OFFICER)
    print(
        f"rows: {args.rows:,} ({len(data) / 1e6:.1f} MB CSV); rounds: {args.rounds}; "
        f"database: {connection.vendor}",
        flush=True,
    )

    def upload() -> Any:
        return upload_class("umkm-lampung.csv", data, "text/csv")

    def previewed() -> ImportBatch:
        batch = importing.start_import(by=officer, upload=upload())
        return importing.preview_import(by=officer, batch=batch)

    # The clean rows the baseline inserts: exactly what the import writes.
    batch = previewed()
    _check(batch.error_rows == 0, batch.errors[:5])
    _, cleaner = importing._clean(batch)
    clean_rows = [{**row, **importing._derive_size_class(row)} for row in cleaner.rows]
    write_batch = importing._setting(
        "SERUMPUN_IMPORT_WRITE_BATCH", importing.DEFAULT_WRITE_BATCH
    )

    def empty_registry() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MSME._meta.db_table}")  # noqa: S608

    def baseline() -> None:
        MSME.objects.bulk_create(
            (
                MSME(**row, source=RecordSource.IMPORT, created_by=officer)
                for row in clean_rows
            ),
            batch_size=write_batch,
        )

    def commit_only() -> None:
        committed = importing.commit_import(by=officer, batch=previewed_batch)
        committed.refresh_from_db()
        _check(committed.created_count == args.rows, committed.errors[:5])

    def full_flow() -> ImportBatch:
        batch = previewed()
        batch = importing.commit_import(by=officer, batch=batch)
        batch.refresh_from_db()
        return batch

    def timed(function: Callable[[], Any]) -> tuple[float, Any]:
        start = time.perf_counter()
        result = function()
        return time.perf_counter() - start, result

    samples: dict[str, list[float]] = {
        "baseline": [],
        "import": [],
        "full": [],
        "reimport": [],
    }
    changed_on_reimport: list[int] = []
    for round_number in range(1, args.rounds + 1):
        empty_registry()
        samples["baseline"].append(timed(baseline)[0])
        empty_registry()
        previewed_batch = previewed()
        samples["import"].append(timed(commit_only)[0])
        empty_registry()
        seconds, batch = timed(full_flow)
        samples["full"].append(seconds)
        _check(batch.created_count == args.rows, batch.errors[:5])
        seconds, again = timed(full_flow)
        samples["reimport"].append(seconds)
        changed_on_reimport.append(again.created_count + again.updated_count)
        _check(again.unchanged_count == args.rows, "re-import changed rows")
        print(
            f"round {round_number}: baseline {samples['baseline'][-1]:.2f}s · "
            f"import {samples['import'][-1]:.2f}s · full {samples['full'][-1]:.2f}s · "
            f"re-import {samples['reimport'][-1]:.2f}s",
            flush=True,
        )

    base = statistics.median(samples["baseline"])
    print()
    print(
        f"median bare bulk_create:            {_median_ms(samples['baseline']):9.0f} ms"
    )
    for key, label in [
        ("import", "import (commit: read+clean+upsert)"),
        ("full", "full flow (upload+preview+commit)"),
        ("reimport", "re-import of the same file"),
    ]:
        median = statistics.median(samples[key])
        print(f"median {label}: {median * 1000:9.0f} ms  ratio {median / base:5.2f}×")
    ratio = statistics.median(samples["import"]) / base
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"import ratio {ratio:.2f}× {verdict} the target ≤ {TARGET_RATIO:.0f}×")
    print(f"rows changed by re-importing the same file: {max(changed_on_reimport)}")
    return 0 if ratio <= TARGET_RATIO and not any(changed_on_reimport) else 1


if __name__ == "__main__":
    sys.exit(main())
