"""Smoke test: bench/bench_readiness.py --quick builds its database and prints both ratios."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readiness_benchmark_runs_and_reports_ratios():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(ROOT / "bench" / "bench_readiness.py"),
            "--quick",
            "--rounds=5",
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
    # Ratios are printed, never gated on (shared machines are noisy).
    assert re.search(r"re-assessment ratio: [0-9.]+×", out)
    assert re.search(r"requirements API ratio: [0-9.]+×", out)
    assert "levels {" in out
