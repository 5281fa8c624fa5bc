"""Matching API: schema, 404 for another buyer, pools, pledges, constant query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.readiness.tests.factories import Api
from serumpun.trade.models import PoolPledge, SupplyPool
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
    attache_user,
    buyer_user,
)
from serumpun.trade.tests.factories_matching import supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):  # type: ignore[no-untyped-def]
    profile = BuyerProfileFactory()
    BuyerPermitFactory(buyer=profile)
    request = SourcingRequestFactory(
        buyer=profile.organisation,
        quantity_kg_per_month=Decimal("5000"),
        required_certificates=["halal"],
        valid_until=timezone.localdate() + dt.timedelta(days=60),
    )
    return request, Api(client, buyer_user(profile))


def test_the_buyer_sees_matches_with_reasons_and_blockers(setup) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    good = supplier(capacity="6000")
    short = supplier(capacity="1000")
    response = buyer.get(f"/trade/requests/{request.pk}/matches", limit=20)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["request_id"] == request.pk
    first, second = body["matches"]
    assert (first["product_id"], first["eligible"]) == (good.pk, True)
    assert first["reasons"] and all(
        {"code", "text"} <= set(r) for r in first["reasons"]
    )
    assert (second["product_id"], second["eligible"]) == (short.pk, False)
    assert [b["code"] for b in second["blockers"]] == ["capacity_short"]
    assert body["pools"] == []


def test_another_buyer_gets_404(setup, client) -> None:  # type: ignore[no-untyped-def]
    request, _ = setup
    other = Api(client, buyer_user())
    assert other.get(f"/trade/requests/{request.pk}/matches").status_code == 404


def test_the_attache_sees_matches_and_an_msme_may_not(setup, client) -> None:  # type: ignore[no-untyped-def]
    request, _ = setup
    assert (
        Api(client, attache_user())
        .get(f"/trade/requests/{request.pk}/matches")
        .status_code
        == 200
    )
    product = supplier()
    owner = make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    assert (
        Api(client, owner).get(f"/trade/requests/{request.pk}/matches").status_code
        == 403
    )


def test_limit_out_of_range_is_422(setup) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    response = buyer.get(f"/trade/requests/{request.pk}/matches", limit=0)
    assert response.status_code == 422
    assert "limit" in str(response.json()["errors"])


def test_query_count_does_not_grow_with_candidates(
    setup, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    supplier()
    url = f"/trade/requests/{request.pk}/matches"
    buyer.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        buyer.get(url)
    for _ in range(5):
        supplier()
    with django_assert_num_queries(len(few.captured_queries)):
        buyer.get(url)


def test_pools_are_proposed_and_pledges_answered(setup, client) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    a, b = supplier(capacity="3000", score=90), supplier(capacity="2500", score=80)
    body = buyer.get(f"/trade/requests/{request.pk}/matches").json()
    pool = body["pools"][0]
    assert pool["total_kg_per_month"] == 5000
    ids = [m["product_id"] for m in pool["members"]]
    assert set(ids) == {a.pk, b.pk}
    created = buyer.post(f"/trade/requests/{request.pk}/pools", {"product_ids": ids})
    assert created.status_code == 201, created.content
    assert AuditEvent.objects.filter(action="trade.pool.proposed").count() == 1
    owner_a = make_user(Role.MSME_OWNER, organisation=a.msme.organisation)
    owner_b = make_user(Role.MSME_OWNER, organisation=b.msme.organisation)
    pledge_a = PoolPledge.objects.get(msme=a.msme)
    pledge_b = PoolPledge.objects.get(msme=b.msme)
    # Another MSME may not answer (404), the pledging MSME may, once.
    assert (
        Api(client, owner_b)
        .post(f"/trade/pledges/{pledge_a.pk}/respond", {"accept": True})
        .status_code
        == 404
    )
    api_a = Api(client, owner_a)
    assert (
        api_a.post(f"/trade/pledges/{pledge_a.pk}/respond", {"accept": True}).json()[
            "status"
        ]
        == "confirmed"
    )
    assert (
        api_a.post(
            f"/trade/pledges/{pledge_a.pk}/respond", {"accept": True}
        ).status_code
        == 409
    )
    assert SupplyPool.objects.get().status == "proposed"
    Api(client, owner_b).post(f"/trade/pledges/{pledge_b.pk}/respond", {"accept": True})
    assert SupplyPool.objects.get().status == "confirmed"
    assert Notification.objects.filter(kind="trade.pool.confirmed").count() == 1


def test_a_decline_tells_the_proposer(setup, client) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    a, b = supplier(capacity="3000"), supplier(capacity="2500")
    buyer.post(f"/trade/requests/{request.pk}/pools", {"product_ids": [a.pk, b.pk]})
    owner = make_user(Role.MSME_OWNER, organisation=b.msme.organisation)
    pledge = PoolPledge.objects.get(msme=b.msme)
    answer = Api(client, owner).post(
        f"/trade/pledges/{pledge.pk}/respond", {"accept": False}
    )
    assert answer.json()["status"] == "declined"
    assert Notification.objects.filter(
        kind="trade.pledge.declined", recipient=buyer.user
    ).exists()


def test_a_pool_the_engine_does_not_suggest_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    request, buyer = setup
    a, b = supplier(capacity="6000"), supplier(capacity="2500")
    response = buyer.post(
        f"/trade/requests/{request.pk}/pools", {"product_ids": [a.pk, b.pk]}
    )
    assert response.status_code == 409


def test_opportunities_list_requests_that_fit(setup, client) -> None:  # type: ignore[no-untyped-def]
    request, _ = setup
    product = supplier()
    owner = make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    body = Api(client, owner).get("/trade/opportunities").json()
    assert [item["request_id"] for item in body["items"]] == [request.pk]
    assert body["items"][0]["match"]["eligible"] is True
