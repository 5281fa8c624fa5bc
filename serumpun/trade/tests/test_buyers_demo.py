"""The buyers demo seeder: verified demo buyers, the two issue requests, idempotent."""

from __future__ import annotations

import pytest

from serumpun.core.demo import (
    BULK_DOMAIN,
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


def test_bulk_buyers_draws_follow_their_index_not_database_ids():
    scale = Scale("tiny", msmes=0, buyers=3)
    ctx = SeedContext(scale=scale, seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    seed_bulk_organisations(ctx)
    demo_buyers.seed_buyers(ctx)
    drawn = {
        email: (profile.ssm_number, profile.hs_interests)
        for email, profile in (
            (p.organisation.memberships.get().user.email, p)
            for p in BuyerProfile.objects.filter(ssm_number__startswith="2018")
        )
    }
    assert len(drawn) == 3
    for index in range(3):
        rng = ctx.rng_for("trade.buyer", index)
        hs = rng.choice(demo_buyers.BULK_HS)
        ssm, interests = drawn[f"buyer{index:06d}@{BULK_DOMAIN}"]
        assert ssm == f"2018{rng.randint(1, 6):02d}{index:06d}"
        assert interests == [hs]
