"""API.md "Trade": posting, reading, listing and closing sourcing requests, with the 404
matrix (another buyer, an MSME not invited to a private request) and 422s naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory
from serumpun.trade.models import SourcingRequest
from serumpun.trade.tests.factories import (
    BuyerProfileFactory,
    SourcingRequestFactory,
    attache_user,
    buyer_user,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/trade/requests"


def token(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def post(client, user, url, body):
    return client.post(
        url, body, content_type="application/json", headers=token(client, user)
    )


def get(client, user, url):
    return client.get(url, headers=token(client, user))


def body(**overrides):
    return {
        "title": "Keripik pisang halal 2 t/bulan",
        "hs_code": "090111",
        "quantity_kg_per_month": "2000",
        "required_certificates": ["halal"],
        "destination_locode": "MYPGU",
        "target_price_usd_per_kg": "3.10",
        "incoterm": "FOB",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        **overrides,
    }


def msme_owner(*, verified=True, hs="090111"):
    msme = MSMEFactory(verified=verified) if verified else MSMEFactory()
    ProductFactory(msme=msme)
    return msme, make_user(Role.MSME_OWNER, organisation=msme.organisation)


def test_a_verified_buyer_posts_a_request_and_verified_msmes_are_told(client):
    buyer = buyer_user()
    _, owner = msme_owner()
    _, unverified_owner = msme_owner(verified=False)
    response = post(client, buyer, URL, body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["hs_code"] == "090111"
    assert data["status"] == "open"
    assert data["visibility"] == "verified_msmes"
    assert data["relayed"] is False
    assert data["buyer"] == {
        "id": buyer.organisation.pk,
        "name": buyer.organisation.name,
        "state": "MY-10",
    }
    assert AuditEvent.objects.filter(
        action="trade.request.post", object_id=str(data["id"])
    ).exists()
    told = Notification.objects.filter(kind="trade.request.posted")
    assert list(told.values_list("recipient", flat=True)) == [owner.pk]
    assert not told.filter(recipient=unverified_owner).exists()


def test_a_pending_buyer_gets_a_409_with_a_clear_message(client, in_english):
    buyer = buyer_user(BuyerProfileFactory(pending=True))
    response = post(client, buyer, URL, body())
    assert response.status_code == 409
    assert "verified" in response.json()["detail"]
    assert not SourcingRequest.objects.exists()


def test_the_attache_relays_a_request_for_a_verified_buyer(client):
    profile = BuyerProfileFactory()
    response = post(client, attache_user(), URL, body(buyer_id=profile.organisation_id))
    assert response.status_code == 201, response.content
    assert response.json()["relayed"] is True
    assert SourcingRequest.objects.get().buyer == profile.organisation


def test_the_attache_must_name_a_verified_buyer(client):
    pending = BuyerProfileFactory(pending=True)
    attache = attache_user()
    for extra in ({}, {"buyer_id": pending.organisation_id}):
        response = post(client, attache, URL, body(**extra))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][-1] == "buyer_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity_kg_per_month", "0"),
        ("quantity_kg_per_month", "-5"),
        ("hs_code", "999999"),
        ("required_certificates", ["kosher-ish"]),
        ("destination_locode", "IDPNJ"),
        ("destination_locode", "SGSIN"),
        ("incoterm", "XYZ"),
        ("valid_until", "2020-01-01"),
        ("invited_msme_ids", [987654]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, field, value):
    response = post(client, buyer_user(), URL, body(**{field: value}))
    assert response.status_code == 422, response.content
    assert field in {e["loc"][-1] for e in response.json()["errors"]} | {
        e["loc"][1] for e in response.json()["errors"] if len(e["loc"]) > 1
    }
    assert not SourcingRequest.objects.exists()


@pytest.mark.parametrize("role", [Role.SEEKER, Role.EMPLOYER, Role.MSME_OWNER])
def test_other_roles_may_not_post(client, role):
    response = post(client, make_user(role), URL, body())
    assert response.status_code == 403


def test_anonymous_is_a_401(client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, body(), content_type="application/json").status_code == 401


def test_an_invited_request_tells_only_the_invited(client):
    invited, invited_owner = msme_owner()
    msme_owner()  # verified, same HS, but not invited
    response = post(client, buyer_user(), URL, body(invited_msme_ids=[invited.pk]))
    assert response.status_code == 201
    assert response.json()["visibility"] == "invited"
    told = Notification.objects.filter(kind="trade.request.posted")
    assert list(told.values_list("recipient", flat=True)) == [invited_owner.pk]
    assert len(mail.outbox) == 0  # sent on commit, after the test's transaction


def test_404_matrix_for_reading_a_request(client):
    owner = buyer_user()
    invited, invited_owner = msme_owner()
    _, outsider = msme_owner()
    private = SourcingRequestFactory(buyer=owner.organisation, invited_msmes=[invited])
    public = SourcingRequestFactory(buyer=owner.organisation)
    other_buyer = buyer_user()
    cases = [
        (owner, private, 200),
        (attache_user(), private, 200),
        (invited_owner, private, 200),
        (outsider, private, 404),
        (outsider, public, 200),
        (other_buyer, private, 404),
        (other_buyer, public, 404),
    ]
    for user, req, expected in cases:
        response = get(client, user, f"{URL}/{req.pk}")
        assert response.status_code == expected, (user.role, req.visibility)
    assert get(client, owner, f"{URL}/987654321").status_code == 404


def test_the_list_is_paginated_and_shows_only_visible_requests(
    client, django_assert_max_num_queries
):
    owner = buyer_user()
    SourcingRequestFactory.create_batch(3, buyer=owner.organisation)
    SourcingRequestFactory()  # another buyer's
    headers = token(client, owner)
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}?limit=2", headers=headers)
    data = response.json()
    assert data["count"] == 3
    assert len(data["items"]) == 2
    closed = SourcingRequestFactory(buyer=owner.organisation, status="closed")
    response = client.get(f"{URL}?status=closed", headers=headers)
    assert [r["id"] for r in response.json()["items"]] == [closed.pk]


def test_closing_a_request_then_closing_again_is_a_409(client):
    owner = buyer_user()
    req = SourcingRequestFactory(buyer=owner.organisation)
    url = f"{URL}/{req.pk}/close"
    response = post(client, owner, url, {"status": "fulfilled", "reason": "Found one"})
    assert response.status_code == 200
    assert response.json()["status"] == "fulfilled"
    assert AuditEvent.objects.filter(action="trade.request.fulfilled").exists()
    assert post(client, owner, url, {"status": "closed"}).status_code == 409


def test_another_buyer_cannot_close_and_an_msme_may_not(client):
    req = SourcingRequestFactory()
    assert (
        post(
            client, buyer_user(), f"{URL}/{req.pk}/close", {"status": "closed"}
        ).status_code
        == 404
    )
    _, owner = msme_owner()
    response = post(client, owner, f"{URL}/{req.pk}/close", {"status": "closed"})
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == "open"
