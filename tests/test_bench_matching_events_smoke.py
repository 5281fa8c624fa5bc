"""Smoke test: bench/bench_matching_events.py --quick schedules its event and meets targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_event_benchmark_runs_and_reports_ratios():
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "bench_matching_events.py"), "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "ratio objective / proven bound" in out
    assert "ratio objective / greedy objective" in out
    assert "moved" in out
    assert "all targets met" in out
