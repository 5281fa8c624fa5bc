"""The buyers demo seeder: verified demo buyers, the two issue requests, idempotent."""

from __future__ import annotations

import pytest

from serumpun.core.demo import (
    SCALES,
    Scale,
    SeedContext,
    seed_bulk_organisations,
    seed_demo_logins,
)
from serumpun.exporters import demo as exporters_demo
from serumpun.trade import demo_buyers
from serumpun.trade.models import BuyerPermit, BuyerProfile, SourcingRequest

pytestmark = pytest.mark.django_db


def run(scale: Scale = SCALES["demo"]) -> None:
    ctx = SeedContext(scale=scale, seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    exporters_demo.seed_msmes(ctx)
    demo_buyers.seed_buyers(ctx)


def test_the_demo_buyers_and_requests_are_labelled_and_idempotent():
    run()
    counts = (BuyerProfile.objects.count(), SourcingRequest.objects.count())
    run()
    assert (BuyerProfile.objects.count(), SourcingRequest.objects.count()) == counts
    assert counts == (3, 5)
    assert not SourcingRequest.objects.filter(is_demo=False).exists()
    chips = SourcingRequest.objects.get(hs_code="200899", visibility="verified_msmes")
    assert chips.buyer.buyer_profile.state_id == "MY-01"
    assert chips.required_certificates == ["halal"]
    coffee = SourcingRequest.objects.get(hs_code="090111")
    # the robusta buyer deliberately holds no coffee permit (the matching blocker shows)
    assert not BuyerPermit.objects.filter(buyer__organisation=coffee.buyer).exists()
    assert SourcingRequest.objects.filter(relayed_by__isnull=False).count() == 1
    assert SourcingRequest.objects.filter(visibility="invited").count() == 1
    # buyer2@ holds nothing permit-related; the queue has one buyer and one permit waiting
    assert not BuyerPermit.objects.filter(buyer__organisation=chips.buyer).exists()
    pending = BuyerProfile.objects.get(verification="pending")
    assert pending.is_demo
    assert pending.organisation.is_demo
    assert list(BuyerPermit.objects.values_list("buyer", "verification")) == [
        (pending.pk, "pending")
    ]


def test_bulk_buyers_get_a_profile_and_a_request():
    scale = Scale("tiny", msmes=0, buyers=5)
    ctx = SeedContext(scale=scale, seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    seed_bulk_organisations(ctx)
    demo_buyers.seed_buyers(ctx)
    demo_buyers.seed_buyers(ctx)
    assert BuyerProfile.objects.count() == 3 + 5
    for profile in BuyerProfile.objects.all():
        profile.full_clean()
