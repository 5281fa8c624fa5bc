"""Event scheduling benchmark: 100 buyers × 300 MSMEs × 16 slots (issue 5, point 7).

Command (pure engine, no Django or database):

    .venv/bin/python bench/bench_matching_events.py [--buyers 100] [--msmes 300] [--slots 16]
        [--tables 50] [--max-meetings 8] [--rounds 5] [--time-limit 60] [--workers 2]
        [--seed 2026] [--quick]

The instance (seeded `random.Random(seed)`):

- 16 slots, 50 tables (800 meetings at most), at most 8 meetings per participant — the
  tables hold exactly what the 100 buyers could (100 × 8), and popular MSMEs hit their limit;
- MSME popularity follows a Zipf-like law (weight 1/(rank+1)^0.8): each buyer wishes 10–30
  MSMEs drawn by popularity, priority 1, 2 or 3 (40/35/25 %); each MSME wishes 2–6 buyers
  uniformly, priority 1–3 alike;
- match score per wished pair: Beta(2, 2), raised by 0.25 (capped at 1) for the half of the
  pairs whose HS interest "fits" — stand-in for `serumpun.trade.matching.pair_scores`;
- weights as data/trade/events.yaml (priority points 3/2/1, mutual × 1.5, score floor 0.2).

Interleaved over the rounds: the engine `schedule_event` (CP-SAT pair choice within
`--time-limit` seconds on `--workers` workers, then equitable edge colouring into slots) and the
greedy baseline. It prints the medians, the engine's total against the solver's proven bound
(target ≥ 0.98 — the bound is the pair model's: every full schedule is a feasible pair choice,
so it is an honest upper bound on the true optimum), its total against greedy's, and then
times a reschedule after the busiest buyer withdraws and counts the moved meetings. It exits
non-zero when the 0.98 target or the time limit is missed, or a schedule breaks a constraint.
`--quick` runs 10 × 30 × 6 slots (the smoke test's size).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from serumpun.trade.rules.rescheduling import reschedule  # noqa: E402
from serumpun.trade.rules.scheduling import (  # noqa: E402
    Candidate,
    EventProblem,
    Meeting,
    Schedule,
    WishWeights,
    greedy_schedule,
    meeting_weight,
    schedule_event,
)

TARGET_RATIO = 0.98
PRIORITY_SHARES = (0.40, 0.35, 0.25)
#: share of wished pairs whose HS interest fits, and the score bonus they get
FITTING_SHARE = 0.5
FIT_BONUS = 0.25


def build_problem(
    buyers: int, msmes: int, *, slots: int, tables: int, max_meetings: int, seed: int
) -> tuple[EventProblem, int]:
    """The seeded instance and its number of wishes."""
    rng = random.Random(seed)
    weights_data = yaml.safe_load((ROOT / "data/trade/events.yaml").read_text())
    weights = WishWeights.from_mapping(weights_data["weights"])
    buyer_ids = tuple(range(1, buyers + 1))
    msme_ids = tuple(range(buyers + 1, buyers + msmes + 1))
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(msmes)]
    rng.shuffle(popularity)
    wishes: dict[tuple[int, int], list[int | None]] = {}
    span = (min(10, msmes), min(30, msmes))
    for b in buyer_ids:
        chosen: set[int] = set()
        wanted = rng.randint(*span)
        while len(chosen) < wanted:
            chosen.add(rng.choices(msme_ids, weights=popularity)[0])
        for m in sorted(chosen):
            priority = rng.choices((1, 2, 3), weights=PRIORITY_SHARES)[0]
            wishes.setdefault((b, m), [None, None])[0] = priority
    for m in msme_ids:
        for b in rng.sample(buyer_ids, min(rng.randint(2, 6), buyers)):
            wishes.setdefault((b, m), [None, None])[1] = rng.randint(1, 3)
    candidates = []
    for (b, m), (bp, mp) in sorted(wishes.items()):
        score = rng.betavariate(2, 2)
        if rng.random() < FITTING_SHARE:
            score = min(1.0, score + FIT_BONUS)
        candidates.append(Candidate(b, m, meeting_weight(bp, mp, score, weights)))
    problem = EventProblem(
        slots=slots,
        tables=tables,
        max_meetings=max_meetings,
        buyers=buyer_ids,
        msmes=msme_ids,
        candidates=tuple(candidates),
    )
    n_wishes = sum((bp is not None) + (mp is not None) for bp, mp in wishes.values())
    return problem, n_wishes


def with_unavailability(problem: EventProblem, share: float, seed: int) -> EventProblem:
    """The same event with `share` of the participants away for 1–4 random slots each."""
    rng = random.Random(seed + 1)
    away = {
        person: frozenset(
            rng.sample(range(problem.slots), min(problem.slots, rng.randint(1, 4)))
        )
        for person in (*problem.buyers, *problem.msmes)
        if rng.random() < share
    }
    return dataclasses.replace(problem, unavailable=away)


def violations(problem: EventProblem, meetings: tuple[Meeting, ...]) -> list[str]:
    """Every constraint a schedule breaks (empty when it is valid)."""
    found = []
    weight_of = {(c.buyer, c.msme): c.weight for c in problem.candidates}
    per_slot = Counter(m.slot for m in meetings)
    busy = Counter((p, m.slot) for m in meetings for p in (m.buyer, m.msme))
    count = Counter(p for m in meetings for p in (m.buyer, m.msme))
    pairs = Counter(m.pair for m in meetings)
    found += [f"slot {s} holds {n}" for s, n in per_slot.items() if n > problem.tables]
    found += [f"{p} twice in slot {s}" for (p, s), n in busy.items() if n > 1]
    found += [f"{p} has {n}" for p, n in count.items() if n > problem.max_meetings]
    found += [f"pair {p} meets {n}×" for p, n in pairs.items() if n > 1]
    found += [f"pair {m.pair} not wished" for m in meetings if m.pair not in weight_of]
    tables = Counter((m.slot, m.table) for m in meetings)
    found += [f"table {t} double-booked" for t, n in tables.items() if n > 1]
    found += [
        f"{p} away in slot {m.slot}"
        for m in meetings
        for p in (m.buyer, m.msme)
        if m.slot in problem.unavailable.get(p, ())
    ]
    return found


def time_reschedule(
    problem: EventProblem, worst: Schedule, args: argparse.Namespace
) -> list[str]:
    """Time a reschedule after the busiest buyer withdraws; the constraints it breaks."""
    busiest = Counter(m.buyer for m in worst.meetings).most_common(1)[0][0]
    re_times: list[float] = []
    result = None
    for _ in range(args.rounds):
        started = time.perf_counter()
        result = reschedule(
            problem,
            worst.meetings,
            [busiest],
            time_limit_s=min(15.0, args.time_limit),
            workers=args.workers,
        )
        re_times.append(time.perf_counter() - started)
    if result is None:
        return ["no reschedule round ran"]
    print(
        f"reschedule after buyer {busiest} withdraws: median {statistics.median(re_times):.2f} s, "
        f"{len(result.removed)} meetings removed, {result.moved_count} moved, "
        f"{len(result.added)} added (weight {result.added_weight:,}), "
        f"{len(result.dropped)} dropped, status {result.status}"
    )
    return violations(problem, result.meetings)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 (one report, top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--msmes", type=int, default=300)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--max-meetings", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--unavailable",
        type=float,
        default=0.0,
        help="share of participants away for 1–4 random slots (default 0)",
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.buyers, args.msmes, args.slots, args.tables = 10, 30, 6, 5
        args.max_meetings, args.time_limit = 4, 10.0

    problem, n_wishes = build_problem(
        args.buyers,
        args.msmes,
        slots=args.slots,
        tables=args.tables,
        max_meetings=args.max_meetings,
        seed=args.seed,
    )
    if args.unavailable:
        problem = with_unavailability(problem, args.unavailable, args.seed)
    print(
        f"event: {args.buyers} buyers × {args.msmes} MSMEs × {args.slots} slots, "
        f"{args.tables} tables, ≤ {args.max_meetings} meetings each; "
        f"{n_wishes} wishes → {len(problem.candidates)} candidate pairs "
        f"(seed {args.seed}, time limit {args.time_limit:g} s, {args.workers} workers)"
        + (
            f"; {len(problem.unavailable)} participants away for some slots"
            if args.unavailable
            else ""
        )
    )

    engine_s: list[float] = []
    greedy_s: list[float] = []
    worst: Schedule | None = None
    greedy: Schedule | None = None
    failures: list[str] = []
    for round_no in range(1, args.rounds + 1):
        started = time.perf_counter()
        schedule = schedule_event(
            problem, time_limit_s=args.time_limit, workers=args.workers
        )
        engine_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        greedy = greedy_schedule(problem)
        greedy_s.append(time.perf_counter() - started)
        print(
            f"round {round_no}: engine {engine_s[-1]:.2f} s "
            f"(objective {schedule.objective:,}, bound {schedule.bound:,}, "
            f"{schedule.status}), greedy {greedy_s[-1] * 1000:.1f} ms "
            f"(objective {greedy.objective:,})"
        )
        failures += violations(problem, schedule.meetings)
        if worst is None or schedule.ratio_to_bound < worst.ratio_to_bound:
            worst = schedule  # report the worst round
    if worst is None or greedy is None:
        print("no rounds ran", file=sys.stderr)
        return 1
    failures += violations(problem, greedy.meetings)

    engine_median = statistics.median(engine_s)
    greedy_median = statistics.median(greedy_s)
    ratio = worst.ratio_to_bound
    vs_greedy = worst.objective / greedy.objective if greedy.objective else float("inf")
    print(f"meetings scheduled: {len(worst.meetings)} (greedy {len(greedy.meetings)})")
    print(
        f"median time: engine {engine_median:.2f} s, greedy {greedy_median * 1000:.1f} ms, "
        f"ratio engine / greedy {engine_median / greedy_median:,.0f}×"
    )
    print(
        f"ratio objective / proven bound (worst round): {ratio:.4f} "
        f"(target ≥ {TARGET_RATIO}) — solver status {worst.status}"
    )
    print(f"ratio objective / greedy objective: {vs_greedy:.4f}")
    if ratio < TARGET_RATIO:
        failures.append(f"ratio to bound {ratio:.4f} < {TARGET_RATIO}")
    if max(engine_s) > args.time_limit * 1.1 + 5:
        failures.append(
            f"engine took {max(engine_s):.1f} s, limit {args.time_limit:g} s"
        )

    failures += time_reschedule(problem, worst, args)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failures:
        for failure in failures[:20]:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
