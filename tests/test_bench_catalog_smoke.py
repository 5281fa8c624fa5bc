"""Smoke test: bench/bench_catalog.py --quick builds its tiny databases and prints ratios."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_catalog_benchmark_runs_and_reports_ratios(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)  # the script picks its own SQLite files
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(ROOT / "bench" / "bench_catalog.py"),
            "--quick",
            "--rounds=5",
            "--requests=3",
            f"--dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "matching products" in out
    assert "ratio search@2000 / healthz" in out
    assert "ratio search@2000 / search@200" in out
    assert (tmp_path / "quick" / "catalog-2000.sqlite3").exists()
