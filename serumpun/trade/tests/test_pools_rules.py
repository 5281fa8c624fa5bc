"""Supply pools (rules/pools.py): pledges meet the volume with as few members as possible."""

from __future__ import annotations

import pytest

from serumpun.trade.rules.pools import Supplier, propose_pools


def supplier(
    msme: int, capacity: float, readiness: float = 70.0, hs: int = 200893
) -> Supplier:
    return Supplier(msme, msme * 10, hs, capacity, readiness, 0.5)


def test_pledges_add_up_to_the_volume() -> None:
    pools = propose_pools(
        [supplier(1, 900), supplier(2, 800), supplier(3, 700)],
        quantity_kg_per_month=2000,
    )
    assert pools
    for pool in pools:
        assert pool.total_kg_per_month == pytest.approx(2000)
        assert sum(m.pledge_kg_per_month for m in pool.members) == pytest.approx(2000)
        assert all(m.pledge_kg_per_month > 0 for m in pool.members)


def test_fewest_members_are_preferred() -> None:
    suppliers = [supplier(1, 1500), supplier(2, 600)] + [
        supplier(i, 500, readiness=99) for i in range(3, 8)
    ]
    best = propose_pools(suppliers, quantity_kg_per_month=2000)[0]
    assert len(best.members) == 2
    # 1500 kg with any one 500 kg supplier is enough; the readier partner is chosen.
    assert {m.msme_id for m in best.members} == {1, 3}


def test_higher_readiness_wins_among_pools_of_one_size() -> None:
    suppliers = [
        supplier(1, 1000, readiness=40),
        supplier(2, 1000, readiness=90),
        supplier(3, 1000, readiness=85),
    ]
    best = propose_pools(suppliers, quantity_kg_per_month=2000)[0]
    assert {m.msme_id for m in best.members} == {2, 3}


def test_no_pool_beyond_the_member_limit() -> None:
    suppliers = [supplier(i, 100) for i in range(1, 10)]
    assert propose_pools(suppliers, quantity_kg_per_month=2000, max_members=4) == []


def test_members_share_one_hs_subheading_and_one_product_per_msme() -> None:
    suppliers = [
        supplier(1, 1000, hs=200893),
        supplier(2, 1000, hs=200899),
        Supplier(1, 11, 200893, 600, 70, 0.5),
    ]
    assert propose_pools(suppliers, quantity_kg_per_month=2000) == []
