"""Timing helpers shared by the benchmark scripts (bench/bench_*.py).

Why this module exists: the machines the benchmarks run on are shared and noisy, so one
absolute time says little. Every benchmark therefore measures its subject together with a
baseline in the same run — interleaved, the order rotating so that drift and bursts of
load fall on both sides alike — and reports medians (or the median of each round's p95) and
their ratio. These helpers do that timing and summarising once, so that every script
measures the same way and prints the same kind of lines.

The scripts import it as ``bench._timing``, after putting the repository root on
``sys.path`` as they already do; that works when a script is run directly
(``.venv/bin/python bench/bench_x.py``), in a subprocess by a smoke test, or loaded with
importlib (serumpun/labour/tests/test_bench_smoke.py). It imports nothing but the standard
library: the pure-engine benchmarks run without Django.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping

__all__ = ["interleaved", "ms", "p95", "p95_ceil", "p95_per_round"]


def ms(seconds: float, *, digits: int = 1) -> str:
    """Seconds as milliseconds with thousands separators: ``ms(1.23456)`` is "1,234.6 ms".

    `digits` is the number of decimals (some scripts print whole milliseconds).
    """
    return f"{seconds * 1000:,.{digits}f} ms"


def p95(samples: Iterable[float]) -> float:
    """The sample at position round(0.95·(n−1)) of the sorted samples.

    The nearest sample to the 95 % point of the sorted list (Python's `round`: halves to
    even). Differs from `p95_ceil` for some sample counts (12–19, 31–39, …); each script
    keeps the one its recorded figures were measured with.
    """
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def p95_ceil(samples: Iterable[float]) -> float:
    """The ⌈0.95·n⌉-th smallest sample (the textbook nearest-rank percentile)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def interleaved(
    runs: Mapping[str, Callable[[], object]], rounds: int, *, digits: int = 1
) -> dict[str, list[float]]:
    """Each run once per round, the order rotating; seconds per run and round.

    Prints a line per round, ``  round k/n: name 12.3 ms, …`` in the order of `runs`
    (`digits` decimals, as `ms`).
    """
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - started)
        print(
            f"  round {round_no + 1}/{rounds}: "
            + ", ".join(f"{n} {ms(times[n][-1], digits=digits)}" for n in names)
        )
    return times


def p95_per_round(
    targets: Mapping[str, Callable[[], float]],
    *,
    rounds: int,
    requests: int,
    percentile: Callable[[list[float]], float] = p95,
    indent: str = "  ",
) -> dict[str, list[float]]:
    """Per target, each round's p95 in milliseconds; requests interleaved one by one.

    A target is called once per request and returns the seconds it measured itself (so
    that building a request body or checking the response stays outside the timing).
    Within a round every target is called `requests` times, one call of each in turn, who
    goes first rotating with the request and the round. After each round prints
    ``{indent}round k/n: p95 name 1.23 ms, …`` in the order of `targets`. `percentile` is
    `p95` or `p95_ceil`, whichever the script's figures were measured with.
    """
    names = list(targets)
    p95s: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        samples: dict[str, list[float]] = {name: [] for name in names}
        for i in range(requests):
            shift = (i + round_no) % len(names)  # rotate who goes first
            for name in names[shift:] + names[:shift]:
                samples[name].append(targets[name]() * 1000)
        for name in names:
            p95s[name].append(percentile(samples[name]))
        summary = ", ".join(f"{n} {p95s[n][-1]:.2f} ms" for n in names)
        print(f"{indent}round {round_no + 1}/{rounds}: p95 {summary}")
    return p95s
