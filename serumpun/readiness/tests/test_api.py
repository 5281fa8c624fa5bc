"""API.md "Readiness" assessments: 201 with the contract's fields, history, 401/403/404/422."""

from __future__ import annotations

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.readiness.models import Assessment
from serumpun.readiness.tests.factories import API, Api, coffee_product

pytestmark = pytest.mark.django_db

DIMENSIONS = {
    "standards",
    "partner",
    "capacity",
    "quality",
    "packaging",
    "mechanics",
    "commitment",
}


@pytest.fixture
def owner(client):
    return Api(client, make_user(Role.MSME_OWNER))


def error_locs(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return [tuple(e["loc"]) for e in response.json()["errors"]]


def test_an_owner_assesses_a_product_with_the_contract_fields(owner):
    product = coffee_product(owner.user)
    response = owner.post(
        "/readiness/assessments",
        {
            "product_id": product.pk,
            "market": "MY",
            "answers": {"quality.specification": 2},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id",
        "product_id",
        "market",
        "score",
        "level",
        "gates",
        "dimensions",
        "gaps",
        "action_plan",
    }
    assert body["product_id"] == product.pk
    assert body["market"] == "MY"
    assert 0 <= body["score"] <= 100
    assert body["level"] in {"beginner", "intermediate", "ready"}
    assert {d["key"] for d in body["dimensions"]} == DIMENSIONS
    assert all(
        set(d) >= {"key", "score", "weight", "evidence"} for d in body["dimensions"]
    )
    assert all(set(g) >= {"id", "title", "passed"} for g in body["gates"])
    assert all(set(g) >= {"id", "dimension", "title", "severity"} for g in body["gaps"])
    assert all(
        set(s) >= {"order", "title", "agency", "depends_on", "status"}
        for s in body["action_plan"]
    )
    # Green coffee needs an importer able to hold the MAQIS permit: that gate fails first.
    gates = {g["id"]: g for g in body["gates"]}
    assert gates["importer_permit"]["passed"] is False
    assert body["action_plan"][0]["gap_id"] == "gate.importer_permit"
    assert body["gaps"][0]["requirement_id"] == "MY-COFFEE-PERMIT"
    specification = next(
        e
        for d in body["dimensions"]
        for e in d["evidence"]
        if e["question"] == "quality.specification"
    )
    assert specification["answer"] == 2


def test_reading_an_assessment_and_the_history(owner):
    product = coffee_product(owner.user)
    first = owner.post("/readiness/assessments", {"product_id": product.pk}).json()
    second = owner.post(
        "/readiness/assessments",
        {"product_id": product.pk, "answers": {"commitment.owner_time": 2}},
    ).json()
    assert (
        owner.get(f"/readiness/assessments/{first['id']}").json()["id"] == first["id"]
    )
    history = owner.get(f"/msmes/{product.msme_id}/assessments").json()
    assert history["count"] == 2
    assert [a["id"] for a in history["items"]] == [second["id"], first["id"]]
    assert second["score"] > first["score"]
    assert Assessment.objects.get(pk=second["id"]).is_latest
    assert not Assessment.objects.get(pk=first["id"]).is_latest


@pytest.mark.parametrize(
    ("answers", "loc"),
    [
        ({"quality.specification": 5}, ("body", "answers.quality.specification")),
        ({"quality.specification": -1}, ("body", "answers.quality.specification")),
        ({"no.such.question": 2}, ("body", "answers.no.such.question")),
    ],
)
def test_answers_outside_zero_to_four_are_422_naming_the_field(owner, answers, loc):
    product = coffee_product(owner.user)
    response = owner.post(
        "/readiness/assessments", {"product_id": product.pk, "answers": answers}
    )
    assert loc in error_locs(response)
    assert not Assessment.objects.exists()


def test_a_non_integer_answer_and_unknown_market_are_422(owner):
    product = coffee_product(owner.user)
    response = owner.post(
        "/readiness/assessments",
        {"product_id": product.pk, "answers": {"quality.specification": "a"}},
    )
    assert response.status_code == 422
    response = owner.post(
        "/readiness/assessments", {"product_id": product.pk, "market": "XX"}
    )
    assert any("market" in loc for loc in error_locs(response))


def test_assessing_another_organisations_product_is_404(owner):
    foreign = coffee_product()
    response = owner.post("/readiness/assessments", {"product_id": foreign.pk})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_reading_another_organisations_assessment_or_history_is_404(client, owner):
    other = Api(client, make_user(Role.MSME_OWNER))
    product = coffee_product(other.user)
    created = other.post("/readiness/assessments", {"product_id": product.pk}).json()
    assert owner.get(f"/readiness/assessments/{created['id']}").status_code == 404
    assert owner.get(f"/msmes/{product.msme_id}/assessments").status_code == 404


def test_an_officer_assesses_any_product(client):
    officer = Api(client, make_user(Role.OFFICER))
    product = coffee_product()
    assert (
        officer.post("/readiness/assessments", {"product_id": product.pk}).status_code
        == 201
    )


@pytest.mark.parametrize("role", [Role.BUYER, Role.SEEKER, Role.FORWARDER])
def test_roles_without_readiness_may_not_assess(client, role):
    api = Api(client, make_user(role))
    product = coffee_product()
    # they see no product at all: 404 (never revealing it exists)
    assert api.post(
        "/readiness/assessments", {"product_id": product.pk}
    ).status_code in {403, 404}


def test_an_attache_reads_history_but_may_not_assess(client):
    attache = Api(client, make_user(Role.TRADE_ATTACHE))
    product = coffee_product()
    assert attache.get(f"/msmes/{product.msme_id}/assessments").status_code == 200
    assert (
        attache.post("/readiness/assessments", {"product_id": product.pk}).status_code
        == 403
    )


def test_anonymous_callers_get_401(client):
    assert (
        client.post(
            f"{API}/readiness/assessments", {}, content_type="application/json"
        ).status_code
        == 401
    )
    assert client.get(f"{API}/readiness/assessments/1").status_code == 401


def test_huge_ids_are_422_not_500(owner):
    assert owner.get(f"/readiness/assessments/{2**70}").status_code == 422
    assert (
        owner.post("/readiness/assessments", {"product_id": 2**70}).status_code == 422
    )


def test_plan_documents_come_in_the_callers_language(client):
    api = Api(client, make_user(Role.OFFICER))
    product = coffee_product(hs="200899", processed=True, halal_claim=True)
    body = api.client.post(
        f"{API}/readiness/assessments",
        {"product_id": product.pk},
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "id"},
    ).json()
    halal = next(s for s in body["action_plan"] if s["gap_id"] == "gate.halal")
    assert "Alur proses produksi" in halal["documents"]
