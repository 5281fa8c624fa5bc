"""Quota-aware allocation of job offers: the maximum-total-score assignment (min-cost flow).

Pure: numpy, scipy and OR-Tools, no Django, no database. Input is the sparse seekers ×
orders score matrix of eligible pairs from `serumpun.labour.rules.matching.score_matrix`
(an explicitly stored zero is an eligible pair with score 0) and each order's quota.

The network is source → seeker (capacity ``k``: offers one seeker may hold) → order
(capacity 1 per pair, cost −round(score × scale)) → sink (capacity ⌊m × quota⌋, ``m`` the
over-offer factor), plus a zero-cost bypass arc source → sink so the flow may stop short of
the supply: the optimum is then the assignment with the **largest total score**, not the
most offers. Among assignments with the same total (rounded) score the one with more
offers wins, so zero-score eligible pairs still fill free places. This spreads offers over
orders instead of crowding the best-paid vacancy (congestion control, research/labour.md
§4, ReCon).

`greedy_allocate` is the naive baseline (best pair first) used by tests and the benchmark;
`fairness_report` compares offer rates by gender and regency with the eligible pool.
Settings (k, m, scale, candidate-edge limits) live in ``data/labour/matching.yaml`` under
``allocation`` and ``fairness``; read them with `load_allocation_settings`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]

_STATUS = {
    min_cost_flow.SimpleMinCostFlow.OPTIMAL: "optimal",
    min_cost_flow.SimpleMinCostFlow.NOT_SOLVED: "not_solved",
    min_cost_flow.SimpleMinCostFlow.FEASIBLE: "feasible",
    min_cost_flow.SimpleMinCostFlow.INFEASIBLE: "infeasible",
    min_cost_flow.SimpleMinCostFlow.UNBALANCED: "unbalanced",
    min_cost_flow.SimpleMinCostFlow.BAD_RESULT: "bad_result",
    min_cost_flow.SimpleMinCostFlow.BAD_COST_RANGE: "bad_cost_range",
}
# OR-Tools' cost scaling multiplies arc costs by about the node count; stay far below 2^63.
_MAX_COST_PRODUCT = 1 << 60


@dataclass(frozen=True)
class Allocation:
    """Offers chosen by `allocate`: rows of (seeker index, order index)."""

    offers: npt.NDArray[np.int64]
    total_score: float
    status: str
    solve_seconds: float


@dataclass(frozen=True)
class AllocationSettings:
    """Allocation parameters from ``data/labour/matching.yaml``."""

    max_offers_per_seeker: int
    over_offer_factor: float
    score_scale: int
    candidates_per_order: int
    orders_per_seeker: int
    min_rate_ratio: float


def load_allocation_settings(data: Mapping[str, Any]) -> AllocationSettings:
    """Allocation and fairness settings from the parsed ``matching.yaml``."""

    def value(section: str, name: str) -> float:
        try:
            number = float(data[section][name]["value"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"matching data lacks a number at {section}.{name}"
            ) from error
        if not np.isfinite(number) or number <= 0:
            raise ValueError(f"{section}.{name} must be a positive number")
        return number

    return AllocationSettings(
        max_offers_per_seeker=int(value("allocation", "max_offers_per_seeker")),
        over_offer_factor=value("allocation", "over_offer_factor"),
        score_scale=int(value("allocation", "score_scale")),
        candidates_per_order=int(value("allocation", "candidates_per_order")),
        orders_per_seeker=int(value("allocation", "orders_per_seeker")),
        min_rate_ratio=value("fairness", "min_rate_ratio"),
    )


def order_capacities(quotas: IntArray, m: float) -> npt.NDArray[np.int64]:
    """Offers each order may receive: ⌊m × quota⌋."""
    # The epsilon keeps 1.5 × 2 = 3 from flooring to 2 through binary rounding.
    return np.floor(np.asarray(quotas, dtype=np.float64) * m + 1e-9).astype(np.int64)


def _edges(
    scores: Any, quotas: IntArray, k: int, m: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    if k < 1:
        raise ValueError("k must be at least 1")
    if m < 0:
        raise ValueError("m must not be negative")
    coo = sp.coo_matrix(scores)
    if len(quotas) != coo.shape[1]:
        raise ValueError("one quota per order (score matrix column) is needed")
    if np.any(np.asarray(quotas) < 0):
        raise ValueError("quotas must not be negative")
    values = np.asarray(coo.data, dtype=np.float64)
    if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
        raise ValueError("scores must be finite and not negative")
    return coo.row.astype(np.int64), coo.col.astype(np.int64), values


def allocate(
    scores: Any,
    quotas: IntArray,
    *,
    k: int,
    m: float,
    scale: int = 1000,
) -> Allocation:
    """Offers maximising the total score: each seeker ≤ ``k``, each order ≤ ⌊m·quota⌋.

    ``scores`` is a sparse seekers × orders matrix whose stored entries are the eligible
    pairs (duplicates are summed). Scores are rounded to 1/``scale`` for the solver;
    ``total_score`` sums the unrounded scores of the chosen pairs.
    """
    started = time.perf_counter()
    seeker, order, value = _edges(scores, quotas, k, m)
    n_seekers, n_orders = sp.coo_matrix(scores).shape
    caps = order_capacities(quotas, m)
    supply = int(min(k * len(np.unique(seeker)), caps.sum()))
    if seeker.size == 0 or supply == 0:
        return Allocation(np.zeros((0, 2), dtype=np.int64), 0.0, "optimal", 0.0)

    points = np.rint(value * scale).astype(np.int64)
    # Lexicographic cost: score first, then one more offer; `tie` exceeds any offer count.
    tie = supply + 1
    n_nodes = n_seekers + n_orders + 2
    if int(points.max(initial=0) + 1) * tie * n_nodes >= _MAX_COST_PRODUCT:
        raise ValueError(
            "scores × scale too large for exact min-cost flow; lower scale"
        )
    source, sink = n_seekers + n_orders, n_seekers + n_orders + 1
    seekers_used = np.unique(seeker)
    orders_used = np.flatnonzero(caps > 0)
    tails = np.concatenate(
        [np.full(len(seekers_used), source), seeker, n_seekers + orders_used, [source]]
    )
    heads = np.concatenate(
        [seekers_used, n_seekers + order, np.full(len(orders_used), sink), [sink]]
    )
    capacities = np.concatenate(
        [
            np.full(len(seekers_used), k),
            np.ones(len(seeker), dtype=np.int64),
            caps[orders_used],
            [supply],
        ]
    )
    costs = np.concatenate(
        [
            np.zeros(len(seekers_used), dtype=np.int64),
            -(points * tie + 1),
            np.zeros(len(orders_used) + 1, dtype=np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    pair_arcs = arcs[len(seekers_used) : len(seekers_used) + len(seeker)]
    chosen = flow.flows(pair_arcs) > 0 if status == flow.OPTIMAL else np.zeros(0, bool)
    offers = np.column_stack([seeker[chosen], order[chosen]]).astype(np.int64)
    return Allocation(
        offers=offers.reshape(-1, 2),
        total_score=float(value[chosen].sum()),
        status=_STATUS.get(status, str(status)),
        solve_seconds=time.perf_counter() - started,
    )


def greedy_allocate(scores: Any, quotas: IntArray, *, k: int, m: float) -> Allocation:
    """Baseline: take pairs best score first while the seeker and the order have room."""
    started = time.perf_counter()
    seeker, order, value = _edges(scores, quotas, k, m)
    room = order_capacities(quotas, m)
    held = np.zeros(sp.coo_matrix(scores).shape[0], dtype=np.int64)
    chosen = np.zeros(len(seeker), dtype=bool)
    for edge in np.argsort(-value, kind="stable").tolist():
        s, o = seeker[edge], order[edge]
        if held[s] < k and room[o] > 0:
            held[s] += 1
            room[o] -= 1
            chosen[edge] = True
    return Allocation(
        offers=np.column_stack([seeker[chosen], order[chosen]])
        .astype(np.int64)
        .reshape(-1, 2),
        total_score=float(value[chosen].sum()),
        status="heuristic",
        solve_seconds=time.perf_counter() - started,
    )


def fairness_report(
    offers: IntArray,
    female: BoolArray,
    regency: IntArray,
    regency_names: Sequence[str],
    *,
    pool: BoolArray | None = None,
    min_rate_ratio: float | None = None,
) -> dict[str, Any]:
    """Offer rates by gender and regency against the eligible pool.

    ``pool`` marks the seekers who could have received an offer (default: every seeker;
    pass ``scores.getnnz(axis=1) > 0`` for those with at least one eligible pair).
    ``offers`` are (seeker index, order index) rows. For each group: pool size, seekers
    offered, offer rate, share of pool, share of offered, and ``rate_ratio`` = group rate /
    overall rate; with ``min_rate_ratio`` a group below it is ``flagged`` (a screening flag
    for a person to look at, not a verdict). Regency index -1 is reported as "unknown".
    """
    n = len(female)
    in_pool = np.ones(n, dtype=bool) if pool is None else np.asarray(pool, dtype=bool)
    offered = np.zeros(n, dtype=bool)
    offered[np.asarray(offers, dtype=np.int64).reshape(-1, 2)[:, 0]] = True
    offered &= in_pool
    pool_total, offered_total = int(in_pool.sum()), int(offered.sum())
    overall = offered_total / pool_total if pool_total else 0.0

    def groups(codes: IntArray, names: Sequence[str]) -> list[dict[str, Any]]:
        size = len(names)
        pool_counts = np.bincount(codes[in_pool], minlength=size)
        offered_counts = np.bincount(codes[offered], minlength=size)
        rows = []
        for i, name in enumerate(names):
            in_group, got = int(pool_counts[i]), int(offered_counts[i])
            if not in_group:
                continue
            rate = got / in_group
            ratio = rate / overall if overall else None
            rows.append(
                {
                    "group": name,
                    "pool": in_group,
                    "offered": got,
                    "offer_rate": rate,
                    "pool_share": in_group / pool_total,
                    "offered_share": got / offered_total if offered_total else 0.0,
                    "rate_ratio": ratio,
                    "flagged": bool(
                        min_rate_ratio is not None
                        and ratio is not None
                        and ratio < min_rate_ratio
                    ),
                }
            )
        return rows

    regency_codes = np.asarray(regency, dtype=np.int64)
    regency_codes = np.where(regency_codes < 0, len(regency_names), regency_codes)
    return {
        "pool": pool_total,
        "offered": offered_total,
        "offer_rate": overall,
        "by_gender": groups(np.asarray(female, dtype=np.int64), ("male", "female")),
        "by_regency": groups(regency_codes, (*regency_names, "unknown")),
    }
