"""Supply pools: several suppliers whose pledges together meet a request's monthly volume.

Input: suppliers that pass every hard constraint of the request except capacity (so they
hold every required certificate and share the HS subheading they are grouped by). Method,
per HS subheading:

1. Keep one product per MSME (the one with the most capacity) and the `max_candidates`
   suppliers with the highest readiness (then capacity) — this bounds the search.
2. The fewest members k: the smallest k whose k largest capacities reach the volume. If no
   k ≤ `max_members` does, there is no pool for this subheading.
3. Exact search over every k-combination of the kept suppliers (at most C(12, 4) = 495)
   whose capacities reach the volume, ranked by mean readiness (higher first), then by
   spare capacity (less first), then by the product ids (deterministic).
4. Pledges: members in readiness order pledge their full capacity until the volume is met;
   the last pledges what remains, so pledges add up to exactly the volume.

Returns up to `limit` pools over all subheadings, best first (fewest members, then higher
mean readiness).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Supplier:
    """A supplier that could pledge part of the volume."""

    msme_id: int
    product_id: int
    hs_code: int
    monthly_capacity_kg: float
    readiness: float  # 0..100
    score: float  # the match score, 0..1


@dataclass(frozen=True)
class Pledge:
    """One member's share of a pool."""

    msme_id: int
    product_id: int
    pledge_kg_per_month: float


@dataclass(frozen=True)
class Pool:
    """Members whose pledges add up to the requested volume."""

    members: tuple[Pledge, ...]
    total_kg_per_month: float
    score: float  # pledge-weighted mean of the members' match scores
    mean_readiness: float


def propose_pools(
    suppliers: Iterable[Supplier],
    *,
    quantity_kg_per_month: float,
    max_members: int = 4,
    max_candidates: int = 12,
    limit: int = 3,
) -> list[Pool]:
    """Pools of 2..max_members suppliers meeting the volume, best first (see module doc)."""
    by_hs: dict[int, dict[int, Supplier]] = defaultdict(dict)
    for supplier in suppliers:
        if supplier.monthly_capacity_kg <= 0:
            continue
        best = by_hs[supplier.hs_code].get(supplier.msme_id)
        if best is None or supplier.monthly_capacity_kg > best.monthly_capacity_kg:
            by_hs[supplier.hs_code][supplier.msme_id] = supplier
    pools: list[Pool] = []
    for group in by_hs.values():
        pools.extend(
            _pools_of(
                list(group.values()),
                quantity_kg_per_month,
                max_members,
                max_candidates,
                limit,
            )
        )
    pools.sort(key=lambda pool: (len(pool.members), -pool.mean_readiness))
    return pools[:limit]


def _pools_of(
    group: list[Supplier],
    quantity: float,
    max_members: int,
    max_candidates: int,
    limit: int,
) -> list[Pool]:
    group.sort(key=lambda s: (-s.readiness, -s.monthly_capacity_kg, s.product_id))
    kept = group[:max_candidates]
    capacities = sorted((s.monthly_capacity_kg for s in kept), reverse=True)
    size = next(
        (
            k
            for k in range(2, max_members + 1)
            if sum(capacities[:k]) >= quantity and k <= len(kept)
        ),
        None,
    )
    if size is None:
        return []
    found = [
        combo
        for combo in combinations(kept, size)
        if sum(s.monthly_capacity_kg for s in combo) >= quantity
    ]
    found.sort(
        key=lambda combo: (
            -sum(s.readiness for s in combo) / size,
            sum(s.monthly_capacity_kg for s in combo) - quantity,
            tuple(s.product_id for s in combo),
        )
    )
    return [_pledge(combo, quantity) for combo in found[:limit]]


def _pledge(combo: tuple[Supplier, ...], quantity: float) -> Pool:
    members: list[Pledge] = []
    remaining = quantity
    weighted = 0.0
    for supplier in sorted(combo, key=lambda s: (-s.readiness, s.product_id)):
        if remaining <= 0:
            break
        share = min(supplier.monthly_capacity_kg, remaining)
        remaining -= share
        weighted += share * supplier.score
        members.append(Pledge(supplier.msme_id, supplier.product_id, share))
    total = sum(member.pledge_kg_per_month for member in members)
    return Pool(
        members=tuple(members),
        total_kg_per_month=total,
        score=round(weighted / total, 4) if total else 0.0,
        mean_readiness=sum(s.readiness for s in combo) / len(combo),
    )
