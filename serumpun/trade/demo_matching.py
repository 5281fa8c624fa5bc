"""Demo data for matching (seeder "trade.matching", after "trade.buyers").

The banana-chips request (2 t/month) gets a proposed supply pool when no single keripik MSME
can supply it — one pledge confirmed, one pending. The exporters demo gives the chocolate
banana chips 2,500 kg/month, so when that product is eligible the request needs no pool and
the seeder says so. Idempotent: a request that already has a pool is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from serumpun.core.demo import SeedContext, register_seeder
from serumpun.trade import matching
from serumpun.trade.models import (
    PledgeStatus,
    PoolPledge,
    SourcingRequest,
    SupplyPool,
)

BANANA_CHIPS_HS = ("200899",)


def seed_matching(ctx: SeedContext) -> None:
    """A proposed pool for the banana-chips request when no single supplier suffices."""
    today = timezone.localdate()
    request = (
        SourcingRequest.objects.open()
        .filter(is_demo=True, hs_code_id__in=BANANA_CHIPS_HS)
        .order_by("pk")
        .first()
    )
    if request is None or SupplyPool.objects.filter(request=request).exists():
        return
    result = matching.match_request(request, as_of=today, limit=5)
    if result.eligible_count or not result.pools:
        ctx.out(
            f"  trade.matching: {result.eligible_count} eligible supplier(s) for "
            f"“{request.title}”, {len(result.pools)} pool(s) suggested; no pool seeded"
        )
        return
    suggested = result.pools[0]
    pool = SupplyPool.objects.create(
        request=request, score=suggested.score, is_demo=True
    )
    now = timezone.now()
    for index, member in enumerate(suggested.members):
        PoolPledge.objects.create(
            pool=pool,
            msme_id=member.msme_id,
            product_id=member.product_id,
            pledge_kg_per_month=Decimal(str(round(member.pledge_kg_per_month, 2))),
            status=PledgeStatus.CONFIRMED if index == 0 else PledgeStatus.PENDING,
            responded_at=now if index == 0 else None,
        )
    ctx.out(f"  trade.matching: proposed a pool of {len(suggested.members)} suppliers")


register_seeder("trade.matching", seed_matching)
