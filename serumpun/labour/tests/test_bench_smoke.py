"""The labour benchmark runs end to end on a tiny instance and prints its ratios."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "bench_labour.py"


def test_bench_labour_quick_run_prints_all_three_figures_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("bench_labour", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    exit_code = bench.main(
        ["--quick", "--seekers", "3000", "--orders", "30", "--alloc-seekers", "1000"]
    )

    output = capsys.readouterr().out
    assert exit_code == 0
    assert "ranking ratio:" in output
    assert "allocation time ratio:" in output
    assert "status: optimal" in output
    assert "→ equal" in output
    assert "compliance ratio:" in output
    assert "verdicts (fail" in output  # the orders include failing ones
    summary = output.split("summary (load average", 1)[1]
    assert re.search(r"\(a\) ranking ratio [0-9.]+×", summary)
    assert "status optimal, equals the LP optimum" in summary
    assert re.search(r"total score [+-][0-9.]+% vs greedy", summary)
    assert re.search(r"\(c\) compliance ratio [0-9.]+× loading", summary)
