"""API.md "Trade": buyer profiles, permits and verification, with 403 for roles that may
never do it, 404 for another buyer's records and 422s naming the field."""

from __future__ import annotations

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.core.models import AuditEvent
from serumpun.trade.models import BuyerPermit, BuyerProfile, Verification
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    attache_user,
    buyer_user,
)

pytestmark = pytest.mark.django_db

ME = "/api/v1/trade/buyers/me"


def auth(client, user):
    response = client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def call(client, user, method, url, body=None):
    send = getattr(client, method)
    if body is None:
        return send(url, headers=auth(client, user))
    return send(url, body, content_type="application/json", headers=auth(client, user))


def profile_body(**overrides):
    body = {
        "ssm_number": "2019-01 012399",
        "buyer_type": "retailer",
        "state": "MY-10",
        "hs_interests": ["090111"],
    }
    return {**body, **overrides}


def error_fields(response):
    return {tuple(e["loc"])[-1] for e in response.json()["errors"]}


def test_a_buyer_registers_reads_and_corrects_its_profile(client):
    user = make_user(Role.BUYER)
    assert call(client, user, "get", ME).status_code == 404
    created = call(client, user, "put", ME, profile_body())
    assert created.status_code == 201
    assert created.json()["ssm_number"] == "201901012399"
    assert created.json()["id"] == user.organisation.pk
    assert created.json()["verification"] == "pending"
    again = call(client, user, "put", ME, profile_body(address="Lot 5"))
    assert again.status_code == 200
    assert again.json()["address"] == "Lot 5"
    assert call(client, user, "get", ME).json()["address"] == "Lot 5"


def test_a_new_ssm_number_returns_a_verified_profile_to_pending(client):
    profile = BuyerProfileFactory(ssm_number="201901010001")
    response = call(
        client, buyer_user(profile), "put", ME, profile_body(ssm_number="201901010002")
    )
    assert response.json()["verification"] == "pending"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ssm_number", "12-AB"),
        ("state", "MY-99"),
        ("state", "ID-LA"),
        ("hs_interests", ["999999"]),
        ("hs_interests", ["0901"]),
        ("buyer_type", "wholesaler"),
    ],
)
def test_bad_profile_input_is_a_422_naming_the_field(client, field, value):
    response = call(
        client, make_user(Role.BUYER), "put", ME, profile_body(**{field: value})
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in error_fields(response) or any(
        field in e["loc"] for e in response.json()["errors"]
    )


def test_a_taken_ssm_number_is_a_422(client):
    BuyerProfileFactory(ssm_number="201901012399")
    response = call(client, make_user(Role.BUYER), "put", ME, profile_body())
    assert response.status_code == 422
    assert "ssm_number" in error_fields(response)


def test_only_the_attache_lists_buyers(client):
    BuyerProfileFactory.create_batch(2)
    pending = BuyerProfileFactory(pending=True)
    listed = call(
        client, attache_user(), "get", "/api/v1/trade/buyers?verification=pending"
    )
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["id"] == pending.organisation_id
    for role in (Role.BUYER, Role.MSME_OWNER):
        denied = call(client, make_user(role), "get", "/api/v1/trade/buyers")
        assert denied.status_code == 403


def test_a_buyer_reads_itself_and_another_buyer_is_404(client):
    mine = BuyerProfileFactory()
    other = BuyerProfileFactory()
    user = buyer_user(mine)
    own = call(client, user, "get", f"/api/v1/trade/buyers/{mine.organisation_id}")
    assert own.status_code == 200
    foreign = call(client, user, "get", f"/api/v1/trade/buyers/{other.organisation_id}")
    assert foreign.status_code == 404
    missing = call(client, attache_user(), "get", "/api/v1/trade/buyers/999999")
    assert missing.status_code == 404


def test_the_attache_verifies_a_buyer_and_a_second_time_is_409(client):
    profile = BuyerProfileFactory(pending=True)
    url = f"/api/v1/trade/buyers/{profile.organisation_id}/verify"
    attache = attache_user()
    no_reason = call(client, attache, "post", url, {"decision": "rejected"})
    assert no_reason.status_code == 422
    assert "reason" in error_fields(no_reason)
    done = call(client, attache, "post", url, {"decision": "verified"})
    assert done.status_code == 200
    assert done.json()["verification"] == "verified"
    again = call(client, attache, "post", url, {"decision": "verified"})
    assert again.status_code == 409
    bad = call(client, attache, "post", url, {"decision": "maybe"})
    assert bad.status_code == 422
    assert AuditEvent.objects.filter(action="trade.buyer.verified").count() == 1
    denied = call(client, buyer_user(profile), "post", url, {"decision": "verified"})
    assert denied.status_code == 403


def test_a_buyer_adds_a_permit_and_the_attache_verifies_it(client):
    profile = BuyerProfileFactory()
    user = buyer_user(profile)
    body = {"requirement_id": "MY-FISH-PERMIT", "agency": "MAQIS", "number": "F/1"}
    created = call(client, user, "post", f"{ME}/permits", body)
    assert created.status_code == 201
    assert created.json()["verification"] == "pending"
    assert created.json()["title"]
    unknown = call(
        client, user, "post", f"{ME}/permits", {**body, "requirement_id": "MY-X"}
    )
    assert unknown.status_code == 422
    assert "requirement_id" in error_fields(unknown)
    permit_id = created.json()["id"]
    url = f"/api/v1/trade/permits/{permit_id}/verify"
    assert call(client, user, "post", url, {"decision": "verified"}).status_code == 403
    verified = call(client, attache_user(), "post", url, {"decision": "verified"})
    assert verified.status_code == 200
    assert BuyerPermit.objects.get(pk=permit_id).verification == Verification.VERIFIED
    mine = call(client, user, "get", ME).json()
    assert [p["id"] for p in mine["permits"]] == [permit_id]


def test_permits_before_a_profile_conflict_and_other_roles_are_403(client):
    body = {"requirement_id": "MY-FISH-PERMIT", "agency": "MAQIS", "number": "F/1"}
    assert (
        call(client, make_user(Role.BUYER), "post", f"{ME}/permits", body).status_code
        == 409
    )
    msme = make_user(Role.MSME_OWNER)
    assert call(client, msme, "post", f"{ME}/permits", body).status_code == 403
    assert call(client, msme, "get", ME).status_code == 403
    assert not BuyerProfile.objects.exists()


def test_another_buyers_permit_is_404_to_verify_for_nobody_but_the_attache(client):
    permit = BuyerPermitFactory(pending=True)
    missing = call(
        client,
        attache_user(),
        "post",
        "/api/v1/trade/permits/999999/verify",
        {"decision": "verified"},
    )
    assert missing.status_code == 404
    assert permit.verification == Verification.PENDING
