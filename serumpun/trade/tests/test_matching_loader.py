"""Matching from the database: evaluate_product, match_request, pair_scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from serumpun.exporters.tests.factories import (
    CertificateFactory,
    ProductFactory,
    hs_code,
)
from serumpun.trade.matching import (
    as_dict,
    evaluate_product,
    match_request,
    pair_scores,
)
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
)
from serumpun.trade.tests.factories_matching import assess, supplier

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 6)


def coffee_request(**fields: object):  # type: ignore[no-untyped-def]
    profile = BuyerProfileFactory()
    BuyerPermitFactory(buyer=profile)
    return SourcingRequestFactory(
        buyer=profile.organisation,
        **{
            "quantity_kg_per_month": Decimal("5000"),
            "required_certificates": ["halal"],
            **fields,
        },
    )


def blocker_codes(match) -> list[str]:  # type: ignore[no-untyped-def]
    return [blocker.code for blocker in match.blockers]


def test_an_assessed_certified_supplier_is_eligible() -> None:
    match = evaluate_product(coffee_request(), supplier(), as_of=DAY)
    assert match.eligible, match.blockers
    assert 0 < match.score <= 1
    assert "hs_same_subheading" in [r.code for r in match.reasons]


@pytest.mark.parametrize(
    ("halal_until", "eligible"),
    [(DAY - dt.timedelta(days=1), False), (DAY, True)],
)
def test_certificate_must_be_valid_on_the_request_date(
    halal_until: dt.date, eligible: bool
) -> None:
    match = evaluate_product(
        coffee_request(), supplier(halal_until=halal_until), as_of=DAY
    )
    assert match.eligible is eligible
    assert ("certificate_missing" in blocker_codes(match)) is not eligible


def test_a_certificate_naming_other_products_does_not_cover_this_one() -> None:
    product = supplier(halal_until=None)
    other = ProductFactory(msme=product.msme)
    CertificateFactory(msme=product.msme, kind="halal", products=[other])
    match = evaluate_product(coffee_request(), product, as_of=DAY)
    assert blocker_codes(match) == ["certificate_missing"]


def test_a_rejected_certificate_counts_as_absent() -> None:
    product = supplier(halal_until=None)
    CertificateFactory(msme=product.msme, kind="halal", verification="rejected")
    assert blocker_codes(evaluate_product(coffee_request(), product, as_of=DAY)) == [
        "certificate_missing"
    ]


@pytest.mark.parametrize(("capacity", "eligible"), [("5000", True), ("4999", False)])
def test_capacity_equal_to_the_volume_passes(capacity: str, eligible: bool) -> None:
    match = evaluate_product(coffee_request(), supplier(capacity=capacity), as_of=DAY)
    assert match.eligible is eligible


def test_no_assessment_and_failed_gates_block() -> None:
    assert blocker_codes(
        evaluate_product(coffee_request(), supplier(assessed=False), as_of=DAY)
    ) == ["not_assessed"]
    product = supplier(assessed=False)
    assess(product, gates=[{"key": "food_registration", "passed": False}])
    match = evaluate_product(coffee_request(), product, as_of=DAY)
    assert blocker_codes(match) == ["gate_failed"]
    assert match.blockers[0].params["gates"] == ["food_registration"]


def test_a_buyer_without_the_coffee_permit_is_told_which_permit() -> None:
    profile = BuyerProfileFactory()
    request = SourcingRequestFactory(buyer=profile.organisation)
    match = evaluate_product(request, supplier(), as_of=DAY)
    assert blocker_codes(match) == ["buyer_permit_missing"]
    shown = as_dict(match)["blockers"][0]
    assert shown["requirement_id"] == "MY-COFFEE-PERMIT"
    assert shown["text"] and shown["title"]


def test_unverified_msme_and_inactive_product_block() -> None:
    match = evaluate_product(coffee_request(), supplier(verified=False), as_of=DAY)
    assert blocker_codes(match) == ["msme_not_verified"]
    match = evaluate_product(coffee_request(), supplier(is_active=False), as_of=DAY)
    assert blocker_codes(match) == ["product_inactive"]


def test_match_request_ranks_eligible_then_pools_when_nobody_has_the_volume() -> None:
    request = coffee_request()
    small = [supplier(capacity="3000", score=s) for s in (90, 70, 60)]
    result = match_request(request, as_of=DAY, limit=10)
    assert result.eligible_count == 0
    assert {m.product_id for m in result.matches} == {p.pk for p in small}
    assert result.pools
    pool = result.pools[0]
    assert pool.total_kg_per_month == 5000
    assert len(pool.members) == 2
    big = supplier(capacity="8000")
    result = match_request(request, as_of=DAY, limit=10)
    assert result.matches[0].product_id == big.pk and result.matches[0].eligible
    assert result.pools == ()


def test_pair_scores_uses_open_requests_or_hs_interests() -> None:
    request = coffee_request()
    fits, lacks = supplier(), supplier(halal_until=None)
    idle = BuyerProfileFactory(hs_interests=["090111"])
    BuyerPermitFactory(buyer=idle)
    stranger = BuyerProfileFactory(hs_interests=["030614"])
    buyers = [request.buyer_id, idle.organisation_id, stranger.organisation_id]
    msmes = [fits.msme_id, lacks.msme_id]
    scores = pair_scores(buyers, msmes, as_of=DAY)
    assert scores[(request.buyer_id, fits.msme_id)] > 0
    assert scores[(request.buyer_id, lacks.msme_id)] == 0
    assert scores[(idle.organisation_id, lacks.msme_id)] > 0  # no certificate asked
    assert scores[(stranger.organisation_id, fits.msme_id)] == 0
    assert len(scores) == 6


def test_pair_scores_query_count_does_not_grow(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    request = coffee_request()
    products = [supplier() for _ in range(6)]
    msmes = [p.msme_id for p in products]
    with django_assert_max_num_queries(12):
        pair_scores([request.buyer_id], msmes, as_of=DAY)


def test_a_certificate_naming_this_product_covers_it_and_only_it() -> None:
    product = supplier(halal_until=None)
    sibling = ProductFactory(msme=product.msme, monthly_capacity_kg=Decimal("6000"))
    assess(sibling)
    CertificateFactory(msme=product.msme, kind="halal", products=[product, sibling])
    other = ProductFactory(msme=product.msme, monthly_capacity_kg=Decimal("6000"))
    assess(other)
    request = coffee_request()
    assert evaluate_product(request, product, as_of=DAY).eligible
    assert evaluate_product(request, sibling, as_of=DAY).eligible
    assert blocker_codes(evaluate_product(request, other, as_of=DAY)) == [
        "certificate_missing"
    ]


def test_pair_scores_counts_an_invite_only_request_for_invited_msmes_only() -> None:
    request = coffee_request(visibility="invited")
    request.buyer.buyer_profile.hs_interests = []
    request.buyer.buyer_profile.save()
    invited, outsider = supplier(), supplier()
    request.invited.add(invited.msme)
    scores = pair_scores(
        [request.buyer_id], [invited.msme_id, outsider.msme_id], as_of=DAY
    )
    assert scores[(request.buyer_id, invited.msme_id)] > 0
    assert scores[(request.buyer_id, outsider.msme_id)] == 0


def test_pair_scores_falls_back_to_interests_for_msmes_a_private_request_hides() -> (
    None
):
    request = coffee_request(visibility="invited")
    request.buyer.buyer_profile.hs_interests = ["090111"]
    request.buyer.buyer_profile.save()
    invited, outsider = supplier(), supplier()
    request.invited.add(invited.msme)
    public = coffee_request(visibility="verified_msmes")
    scores = pair_scores(
        [request.buyer_id, public.buyer_id],
        [invited.msme_id, outsider.msme_id],
        as_of=DAY,
    )
    # The outsider cannot see the private request; the buyer's interests still place it.
    assert scores[(request.buyer_id, outsider.msme_id)] > 0
    assert scores[(public.buyer_id, outsider.msme_id)] > 0


def test_an_edited_product_text_changes_its_similarity() -> None:
    request = coffee_request(title="Kopi robusta Lampung", description="")
    product = supplier(name_id="Lada hitam", name_en="", name_ms="")
    product.description_id = product.description_en = product.description_ms = ""
    product.save()
    before = match_request(request, as_of=DAY).matches[0].score
    product.name_id = "Kopi robusta Lampung"
    product.save()
    after = match_request(request, as_of=DAY).matches[0].score
    assert after > before


def test_a_request_accepting_the_heading_matches_other_subheadings() -> None:
    request = coffee_request(accept_same_heading=True)
    roasted = supplier(hs_code=hs_code("090121"))
    result = match_request(request, as_of=DAY)
    found = {m.product_id: m for m in result.matches}
    assert found[roasted.pk].eligible
    assert "hs_same_heading" in [r.code for r in found[roasted.pk].reasons]


def test_readiness_comes_from_the_latest_malaysian_assessment_only() -> None:
    product = supplier(score=40)
    product.assessments.update(is_latest=False)
    assess(product, score=90)
    other_market = assess(product, score=10, gates=[{"key": "nib", "passed": False}])
    other_market.market = "SG"
    other_market.save()
    match = evaluate_product(coffee_request(), product, as_of=DAY)
    assert match.eligible, match.blockers
    assert ("gates_passed", 90.0) in [
        (r.code, float(r.params.get("score", 0))) for r in match.reasons
    ]


def test_two_assessments_marked_latest_give_one_candidate_with_the_newest() -> None:
    product = supplier(score=40)
    assess(product, score=75, gates=[{"key": "nib", "passed": False}])
    result = match_request(coffee_request(), as_of=DAY, limit=10)
    assert [m.product_id for m in result.matches] == [product.pk]
    assert blocker_codes(result.matches[0]) == ["gate_failed"]


@pytest.mark.parametrize("required", [["halal"], []])
def test_match_request_reads_two_queries_whatever_it_requires(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
    required: list[str],
) -> None:
    request = coffee_request(required_certificates=required)
    for capacity in ("6000", "7000", "8000"):
        supplier(capacity=capacity)
    match_request(request, as_of=DAY)  # warms the permit book and the text cache
    # the products' matching facts (introductions included), the buyer's permits
    with django_assert_num_queries(2):
        result = match_request(request, as_of=DAY)
    assert result.eligible_count == 3
