"""Pooling benchmark: 2,000 MSME shipments into shared containers (issue 6, point 5).

Command (pure engine, no Django or database):

    .venv/bin/python bench/bench_logistics_pooling.py [--shipments 2000] [--rounds 5]
        [--time-limit 60] [--workers 2] [--seed 2026] [--quick]

Builds seeded synthetic shipments over 3 destination ports (Port Klang, Pasir Gudang, Penang)
× 4 sailing weeks, general and reefer cargo (lognormal volumes, commodity densities as in
research/logistics.md §3.2, ready dates over four weeks, 70% of shipments able to wait one to
three sailings), with illustrative prices (20' US$450, 40' US$650, 40' HC US$700, 20' reefer
US$1,200, 40' reefer HC US$1,900, LCL US$50 per W/M with a US$100 minimum; each port priced a
little differently). Then, interleaved over the rounds:

- the engine, `plan_consolidation` (pooling heuristic for sailing weeks, then CP-SAT per
  destination × kind × week with ≤ `--workers` workers, within `--time-limit` seconds);
- the baseline, first-fit-decreasing per (destination, kind, ready week), stragglers LCL.

It prints the medians and their ratio, and the plan's figures against the targets of the issue:
cost within 2% of the solver's bound, containers per group ≤ its volume/weight lower bound + 1,
within the time limit, and the saving against "ship when ready" and against FFD. It exits
non-zero when a target is missed. `--quick` runs 150 shipments (the smoke test's size).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from serumpun.logistics.containers import container_specs  # noqa: E402
from serumpun.logistics.rules.consolidation import (  # noqa: E402
    ConsolidationPlan,
    PoolingCosts,
    ShipmentLoad,
    first_fit_decreasing_cost,
    plan_consolidation,
)

DESTINATIONS = ("MYPKG", "MYPGU", "MYPEN")
#: illustrative prices (research/logistics.md §2.5 and §3.2), USD; ports differ a little
FCL_USD = {"20GP": 450.0, "40GP": 650.0, "40HC": 700.0, "20RF": 1200.0, "40RH": 1900.0}
PORT_FACTOR = {"MYPKG": 1.0, "MYPGU": 1.1, "MYPEN": 1.2}
LCL_USD_PER_RT = 50.0
LCL_MIN_USD = 100.0
#: commodity densities (kg/m³) as in research §3.2: coffee, cocoa, chips, tapioca, pepper,
#: canned pineapple, coconut, dried fish; reefer: frozen shrimp, crab, fruit
GENERAL_DENSITY = (120.0, 800.0)
REEFER_DENSITY = (300.0, 700.0)
REEFER_SHARE = 0.2
MEDIAN_VOLUME_M3 = 1.2
VOLUME_SIGMA = 0.9
VOLUME_RANGE = (0.1, 12.0)
WEEKS = 4
CAN_WAIT = 0.7
FIRST_MONDAY = date(2026, 12, 7)
COST_GAP_TARGET = 0.02
EXTRA_BOXES_TARGET = 1
QUICK_SHIPMENTS = 150


def make_shipments(n: int, seed: int) -> list[ShipmentLoad]:
    """Seeded synthetic shipments (see the module doc)."""
    rng = random.Random(seed)
    shipments = []
    for k in range(n):
        reefer = rng.random() < REEFER_SHARE
        volume = min(
            VOLUME_RANGE[1],
            max(
                VOLUME_RANGE[0],
                rng.lognormvariate(math.log(MEDIAN_VOLUME_M3), VOLUME_SIGMA),
            ),
        )
        density = rng.uniform(*(REEFER_DENSITY if reefer else GENERAL_DENSITY))
        ready = FIRST_MONDAY + timedelta(days=rng.randrange(WEEKS * 7))
        latest = None
        if rng.random() < CAN_WAIT:
            latest = ready + timedelta(weeks=rng.randint(1, 3))
        shipments.append(
            ShipmentLoad(
                id=f"S{k:05d}",
                volume_m3=round(volume, 3),
                weight_kg=round(volume * density, 1),
                destination_locode=rng.choice(DESTINATIONS),
                ready_date=ready,
                latest_date=latest,
                kind="reefer" if reefer else "general",
            )
        )
    return shipments


def prices() -> PoolingCosts:
    """Illustrative prices per destination."""
    return PoolingCosts(
        fcl_usd={
            (port, code): round(price * PORT_FACTOR[port], 2)
            for port in DESTINATIONS
            for code, price in FCL_USD.items()
        },
        lcl_usd_per_rt=dict.fromkeys(DESTINATIONS, LCL_USD_PER_RT),
        lcl_min_usd=dict.fromkeys(DESTINATIONS, LCL_MIN_USD),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n = QUICK_SHIPMENTS if args.quick else args.shipments
    shipments = make_shipments(n, args.seed)
    specs = container_specs()
    costs = prices()
    reefers = sum(s.kind == "reefer" for s in shipments)
    print(
        f"scale: {n} shipments ({reefers} reefer), {len(DESTINATIONS)} destination "
        f"ports × {WEEKS} sailing weeks, {sum(s.volume_m3 for s in shipments):,.0f} m³, "
        f"{sum(s.weight_kg for s in shipments) / 1000:,.0f} t; "
        f"time limit {args.time_limit:g} s, {args.workers} workers, {args.rounds} rounds"
    )

    engine_times: list[float] = []
    baseline_times: list[float] = []
    plan: ConsolidationPlan | None = None
    ffd_cost = 0.0
    for _ in range(args.rounds):
        start = time.perf_counter()
        plan = plan_consolidation(
            shipments,
            containers=specs,
            costs=costs,
            time_limit_s=args.time_limit,
            workers=args.workers,
        )
        engine_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ffd_cost = first_fit_decreasing_cost(shipments, containers=specs, costs=costs)
        baseline_times.append(time.perf_counter() - start)
    assert plan is not None  # noqa: S101 — at least one round ran

    return report(plan, engine_times, baseline_times, ffd_cost, args.time_limit)


def report(
    plan: ConsolidationPlan,
    engine_times: list[float],
    baseline_times: list[float],
    ffd_cost: float,
    time_limit: float,
) -> int:
    """Print the medians, ratios and the plan against the targets; 1 if one is missed."""
    engine = statistics.median(engine_times)
    baseline = statistics.median(baseline_times)
    gap = (
        plan.cost_usd / plan.cost_lower_bound_usd - 1
        if plan.cost_lower_bound_usd
        else 0
    )
    worst_extra = max(
        (g.containers - g.lower_bound_containers for g in plan.groups), default=0
    )
    optimal_groups = sum(g.status == "optimal" for g in plan.groups)
    print(f"engine median        {engine:8.3f} s   (max {max(engine_times):.3f} s)")
    print(f"FFD baseline median  {baseline:8.3f} s")
    print(f"ratio engine / FFD time        {engine / baseline:8.1f}×")
    print(
        f"plan: {len(plan.containers)} containers, {len(plan.lcl)} shipments LCL, "
        f"{len(plan.groups)} destination×kind×week groups "
        f"({optimal_groups} proven optimal), status {plan.status}"
    )
    print(
        f"cost US${plan.cost_usd:,.2f}; solver bound US${plan.cost_lower_bound_usd:,.2f} "
        f"(gap {gap:.2%}); fractional bound over all week choices "
        f"US${plan.fractional_lower_bound_usd:,.2f}"
    )
    print(
        f"containers: {len(plan.containers)} vs lower bound "
        f"{plan.lower_bound_containers}; worst group +{worst_extra}"
    )
    saving_swr = 1 - plan.cost_usd / plan.ship_when_ready_usd
    saving_ffd = 1 - plan.cost_usd / ffd_cost
    print(
        f"saving vs ship when ready (US${plan.ship_when_ready_usd:,.2f}): {saving_swr:.1%}"
    )
    print(f"saving vs first-fit-decreasing (US${ffd_cost:,.2f}): {saving_ffd:.1%}")
    ratio_swr = plan.cost_usd / plan.ship_when_ready_usd
    ratio_ffd = plan.cost_usd / ffd_cost
    print(f"ratio cost engine / ship when ready  {ratio_swr:.3f}")
    print(f"ratio cost engine / FFD              {ratio_ffd:.3f}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    missed = []
    if gap > COST_GAP_TARGET:
        missed.append(f"cost gap {gap:.2%} > {COST_GAP_TARGET:.0%}")
    if worst_extra > EXTRA_BOXES_TARGET:
        missed.append(f"a group uses {worst_extra} boxes over its lower bound")
    if max(engine_times) > time_limit + 5:
        missed.append("over the time limit")
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
