"""Demo seeder trade.matching: a pool when no single supplier has the volume; idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from serumpun.core.demo import SeedContext
from serumpun.exporters.tests.factories import hs_code
from serumpun.trade.demo_matching import seed_matching
from serumpun.trade.models import PoolPledge, SupplyPool
from serumpun.trade.tests.factories import BuyerProfileFactory, SourcingRequestFactory
from serumpun.trade.tests.factories_matching import supplier

pytestmark = pytest.mark.django_db


def test_it_seeds_one_pool_with_a_confirmed_and_a_pending_pledge() -> None:
    chips = hs_code("200899")
    SourcingRequestFactory(
        buyer=BuyerProfileFactory().organisation,
        hs_code=chips,
        title="Keripik pisang halal 2 t/bulan",
        quantity_kg_per_month=Decimal(2000),
        required_certificates=["halal"],
        valid_until=timezone.localdate() + dt.timedelta(days=90),
        is_demo=True,
    )
    supplier(capacity="1200", hs_code=chips, name_id="Keripik pisang coklat")
    supplier(capacity="1000", hs_code=chips, name_id="Keripik pisang manis")
    ctx = SeedContext(scale="demo", seed=1, out=lambda _line: None)  # type: ignore[arg-type]
    seed_matching(ctx)
    seed_matching(ctx)
    assert SupplyPool.objects.count() == 1
    assert sorted(PoolPledge.objects.values_list("status", flat=True)) == [
        "confirmed",
        "pending",
    ]
