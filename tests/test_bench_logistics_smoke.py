"""Smoke test: bench/bench_logistics.py --quick builds its tiny database and prints the ratio.

Never gates on milliseconds: only that the script runs and reports what it should.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quote_benchmark_runs_and_reports_the_ratio(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)  # the script picks its own SQLite file
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(ROOT / "bench" / "bench_logistics.py"),
            "--quick",
            "--rounds=5",
            "--requests=2",
            "--rates=20",
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
    assert "options per quote" in out
    assert "ratio quote / healthz" in out
    assert (tmp_path / "logistics-quick.sqlite3").exists()
