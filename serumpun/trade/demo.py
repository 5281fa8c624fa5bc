"""Trade demo data: buyers and requests, matches and pools, leads at every stage, an event.

Each part registers its own seeder; importing them here fixes the order they run in.
"""

from __future__ import annotations

from serumpun.trade import (
    demo_buyers,  # noqa: F401  (seeder "trade.buyers")
    demo_deals,  # noqa: F401  (seeder "trade.deals")
    demo_matching,  # noqa: F401  (seeder "trade.matching")
)
