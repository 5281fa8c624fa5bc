"""Smoke test: bench/bench_matching.py --quick builds its data and prints both ratios."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_matching_benchmark_runs_and_reports_ratios():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "bench_matching.py"), "--quick"],
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
    assert re.search(r"match ratio: [0-9.]+×", out)
    assert re.search(r"matches API ratio: [0-9.]+×", out)
    assert re.search(r"[0-9,]+ eligible, [0-9]+ returned", out)
