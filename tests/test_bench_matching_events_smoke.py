"""Smoke test: bench/bench_matching_events.py --quick schedules its event and meets targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("extra", [[], ["--unavailable", "0.3"]])
def test_event_benchmark_runs_and_reports_ratios(extra):
    script = str(ROOT / "bench" / "bench_matching_events.py")
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, script, "--quick", *extra],
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
    assert ("away for some slots" in out) == bool(extra)
