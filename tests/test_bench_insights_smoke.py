"""Smoke test: bench/insights.py --quick builds its roll-up cells and prints the ratio."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_insights_benchmark_runs_and_reports_the_ratio():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "insights.py"), "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    # Ratios are printed, never gated on (shared machines are noisy).
    assert re.search(r"executive dashboard p95 / healthz p95: [0-9.]+×", out)
    assert re.search(r"roll-up cells: [0-9,]+", out)
    assert re.search(r"queries per request: dashboard \d+", out)
    assert re.search(r"cold dashboard .*: [0-9.]+ ms", out)
