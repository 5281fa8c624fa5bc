"""Rate-book prices for the pooling engine (`rules/consolidation.py`'s PoolingCosts)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db.models import Q

from serumpun.logistics import network
from serumpun.logistics.models import Rate, RateMode
from serumpun.logistics.quoting import RATE_COLUMNS, rate_lines
from serumpun.logistics.rules.consolidation import PoolingCosts
from serumpun.logistics.rules.pool_prices import pool_prices
from serumpun.logistics.rules.quote import PANJANG, PRIOK

#: where pooled cargo may leave from: the Panjang CFS first, Tanjung Priok via the ferry
DEPARTURE_PORTS = (PANJANG, PRIOK)


def pooling_costs(destination_locodes: Collection[str], *, as_of: date) -> PoolingCosts:
    """FCL per (destination, container code) incl. local charges; LCL per W/M and minimum.

    Only rates valid on `as_of`; a destination or container type without one is left out
    (the engine then sends that cargo LCL or refuses the type). One query.
    """
    destinations = set(destination_locodes)
    rates = (
        Rate.objects.valid_on(as_of)
        .filter(
            Q(
                mode__in=[RateMode.SEA_FCL, RateMode.SEA_LCL],
                destination_locode__in=destinations,
            )
            | Q(
                mode=RateMode.LOCAL, origin_locode__in=[*DEPARTURE_PORTS, *destinations]
            )
        )
        .filter(Q(origin_locode__in=DEPARTURE_PORTS) | Q(mode=RateMode.LOCAL))
        .values(*RATE_COLUMNS)
    )
    prices = pool_prices(
        rate_lines(rates, network.fx_usd_per_unit()),
        destinations=destinations,
        departure_ports=DEPARTURE_PORTS,
        as_of=as_of,
    )
    return PoolingCosts(
        fcl_usd=prices.fcl_usd,
        lcl_usd_per_rt=prices.lcl_usd_per_rt,
        lcl_min_usd=prices.lcl_min_usd,
    )
