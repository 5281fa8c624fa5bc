"""Smoke test: bench/bench_logistics_pooling.py --quick pools its shipments and prints ratios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pooling_benchmark_runs_and_reports_ratios():
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(ROOT / "bench" / "bench_logistics_pooling.py"),
            "--quick",
            "--rounds=5",
            "--time-limit=20",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "scale: 150 shipments" in out
    assert "ratio engine / FFD time" in out
    assert "ratio cost engine / ship when ready" in out
    assert "saving vs first-fit-decreasing" in out
    assert "targets: all met" in out
