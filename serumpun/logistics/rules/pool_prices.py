"""Pooling prices from rate-book lines: FCL per (destination, container) and LCL per W/M.

Pure: the caller passes the lines (amounts in USD), the departure ports to consider and
`as_of`. For each destination the cheapest departure port is taken per container type.
An FCL price is the sea freight per container plus per-container local charges at both ends;
the LCL price per revenue tonne is the freight plus per-W/M local charges, and its minimum is
the freight minimum plus per-shipment local charges (an approximation: the pooling engine has
one minimum per destination). Destinations or types without a valid rate are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from serumpun.logistics.rules.quote import RateLine


@dataclass(frozen=True)
class PoolPrices:
    """FCL USD per (destination, container code); LCL USD per W/M and minimum per destination."""

    fcl_usd: dict[tuple[str, str], float]
    lcl_usd_per_rt: dict[str, float]
    lcl_min_usd: dict[str, float]


def _local(
    lines: Sequence[RateLine], port: str, applies_to: str, container: str, basis: str
) -> float:
    best: dict[str, float] = {}
    for line in lines:
        if line.mode != "local" or line.origin != port or line.basis != basis:
            continue
        if line.applies_to not in ("", applies_to):
            continue
        if line.container_code not in ("", container):
            continue
        best[line.charge] = min(best.get(line.charge, line.amount_usd), line.amount_usd)
    return sum(best.values())


def pool_prices(
    lines: Sequence[RateLine],
    *,
    destinations: Collection[str],
    departure_ports: Sequence[str],
    as_of: date,
) -> PoolPrices:
    """Cheapest valid prices per destination (general cargo LCL; FCL per container code)."""
    valid = [line for line in lines if line.valid_on(as_of)]
    fcl: dict[tuple[str, str], float] = {}
    lcl: dict[str, float] = {}
    lcl_min: dict[str, float] = {}
    for line in valid:
        if line.destination not in destinations or line.origin not in departure_ports:
            continue
        pol, pod = line.origin, line.destination
        if line.mode == "sea_fcl" and line.basis == "per_container":
            code = line.container_code
            price = line.amount_usd + sum(
                _local(valid, port, "sea_fcl", code, "per_container")
                for port in (pol, pod)
            )
            key = (pod, code)
            fcl[key] = min(fcl.get(key, price), price)
        elif (
            line.mode == "sea_lcl"
            and line.basis == "per_rt"
            and line.cargo_kind in ("", "general")
        ):
            per_rt = line.amount_usd + sum(
                _local(valid, port, "sea_lcl", "", "per_rt") for port in (pol, pod)
            )
            fixed = sum(
                _local(valid, port, "sea_lcl", "", "per_shipment")
                for port in (pol, pod)
            )
            minimum = (line.minimum_usd or 0.0) + fixed
            if pod not in lcl or per_rt < lcl[pod]:
                lcl[pod], lcl_min[pod] = per_rt, minimum
    return PoolPrices(fcl, lcl, lcl_min)
