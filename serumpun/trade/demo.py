"""Trade demo data: buyers and requests, matches and pools, leads at every stage, an event.

Each part registers its own seeder; importing them here fixes the order they run in.
"""

from __future__ import annotations

# The seeders run in the order of these imports: keep it (buyers, matching, deals, events).
# isort: off
from serumpun.trade import demo_buyers  # noqa: F401  (seeder "trade.buyers")
from serumpun.trade import demo_matching  # noqa: F401  (seeder "trade.matching")
from serumpun.trade import demo_deals  # noqa: F401  (seeder "trade.deals")
from serumpun.trade import demo_events  # noqa: F401  (seeder "trade.events")
