"""POST /api/v1/readiness/requirements: API.md's answer shape, its 422s and 401."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.exporters.tests.factories import hs_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/readiness/requirements"
REQUIREMENT_FIELDS = {
    "id",
    "side",
    "kind",
    "title",
    "agency",
    "mandatory",
    "applies_because",
    "source",
    "effective_from",
    "confidence",
}
KINDS = {
    "permit",
    "certificate",
    "registration",
    "labelling",
    "document",
    "tariff",
    "standard",
    "notification",
}


@pytest.fixture
def headers():
    # A separate client gets the token, so the calls under test carry no session cookie
    # (like a partner's system calling the API).
    user = make_user(Role.MSME_OWNER)
    response = Client().post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def coffee():
    return hs_code("090111")


def post(client, headers, body, language="en"):
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={**headers, "Accept-Language": language},
    )


def test_it_answers_what_green_coffee_takes_in_api_md_shape(client, headers, coffee):
    response = post(client, headers, {"hs_code": "090111", "market": "MY"})

    assert response.status_code == 200
    body = response.json()
    assert body["hs_code"] == "090111"
    assert body["market"] == "MY"
    requirements = body["requirements"]
    for item in requirements:
        assert set(item) >= REQUIREMENT_FIELDS
        assert item["side"] in {"origin", "destination"}
        assert item["kind"] in KINDS
        assert item["confidence"] in {"high", "medium", "low"}
        assert set(item["source"]) == {"title", "url", "published"}
        assert item["applies_because"]
    by_id = {item["id"]: item for item in requirements}
    permit = by_id["MY-COFFEE-PERMIT"]
    assert permit["side"] == "destination"
    assert permit["kind"] == "permit"
    assert permit["mandatory"] is True
    assert "MAQIS" in permit["agency"]
    assert permit["applies_because"] == "HS 0901.11/0901.12 is green (unroasted) coffee"
    assert permit["effective_from"] == "2023-01-01"
    assert permit["source"]["published"] == "2024-11-19"
    assert by_id["ID-PHYTOSANITARY"]["side"] == "origin"
    assert by_id["ID-PHYTOSANITARY"]["to_confirm"] is True
    assert {"ID-NIB", "ID-PEB", "ID-E-SKA-FORM-D", "MY-FOOD-FOSIM"} <= set(by_id)
    assert "MY-HALAL-RECOGNISED" not in by_id  # no halal claim


def test_claims_and_processed_change_the_answer(client, headers):
    hs_code("200899")
    body = post(
        client,
        headers,
        {"hs_code": "2008.99", "market": "my", "claims": ["halal"], "processed": True},
    ).json()

    by_id = {item["id"]: item for item in body["requirements"]}
    assert body["hs_code"] == "200899"
    assert by_id["MY-HALAL-RECOGNISED"]["applies_because"] == "you claim “halal”"
    assert "ID-FOOD-REGISTRATION" in by_id
    assert "MY-COFFEE-PERMIT" not in by_id


def test_it_answers_in_the_requested_language(client, headers, coffee):
    body = post(client, headers, {"hs_code": "090111", "market": "MY"}, "id").json()

    by_id = {item["id"]: item for item in body["requirements"]}
    assert by_id["MY-COFFEE-PERMIT"]["title"].startswith("Izin impor MAQIS")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hs_code": "0901", "market": "MY"}, "hs_code"),
        ({"hs_code": "kopi", "market": "MY"}, "hs_code"),
        ({"hs_code": "０９０１１１", "market": "MY"}, "hs_code"),  # full-width digits
        (
            {"hs_code": "999999", "market": "MY"},
            "hs_code",
        ),  # six digits, not in HS 2022
        ({"hs_code": "090111", "market": "XX"}, "market"),
        ({"hs_code": "090111", "market": "SG"}, "market"),  # not covered yet
        ({"hs_code": "090111", "market": "MY", "claims": ["organic"]}, "claims"),
        ({"hs_code": "090111", "market": "MY", "processed": "maybe"}, "processed"),
        ({"market": "MY"}, "hs_code"),
        ({"hs_code": "0" * 50, "market": "MY"}, "hs_code"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, headers, coffee, body, field):
    response = post(client, headers, body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert any(field in error["loc"] for error in problem["errors"]), problem


def test_it_needs_a_token(client, coffee):
    response = client.post(
        URL, {"hs_code": "090111", "market": "MY"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_a_warm_call_costs_one_query_the_token(client, headers, coffee):
    post(client, headers, {"hs_code": "090111", "market": "MY"})  # warm the caches

    with CaptureQueriesContext(connection) as queries:
        response = post(client, headers, {"hs_code": "090111", "market": "MY"})

    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "accounts_apitoken" in queries[0]["sql"]


def test_an_unknown_code_is_refused_from_the_cache_too(client, headers, coffee):
    first = post(client, headers, {"hs_code": "090119", "market": "MY"})
    again = post(client, headers, {"hs_code": "090119", "market": "MY"})

    assert first.status_code == again.status_code == 422
    assert again.json()["errors"][0]["loc"] == ["body", "hs_code"]


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "post" in schema["paths"]["/api/v1/readiness/requirements"]
