"""The /api/v1/reference endpoints: shapes, pagination, authentication and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from serumpun.accounts.api_auth import hash_token
from serumpun.accounts.models import ApiToken
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user

TOKEN = "secret-token"
BASE = "/api/v1/reference"


@pytest.fixture
def api(client):
    """A test client that sends a live bearer token of a job seeker (any role may read)."""
    user = make_user(Role.SEEKER)
    ApiToken.objects.create(
        user=user,
        prefix="test",
        key_hash=hash_token(TOKEN),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["regencies", "hs", "ports", "occupations"])
def test_every_reference_endpoint_requires_a_token(client, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_an_expired_token_is_refused(client):
    user = make_user(Role.SEEKER)
    ApiToken.objects.create(
        user=user,
        prefix="test",
        key_hash=hash_token(TOKEN),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get(f"{BASE}/regencies", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_regencies_lists_lampungs_fifteen_with_capitals(api):
    response = api.get(f"{BASE}/regencies")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 15
    assert len(body["items"]) == 15
    first = body["items"][0]
    assert first["code"] == "1801"
    assert first["name"] == "Lampung Barat"
    assert first["kind"] == "kabupaten"
    assert first["capital"] == "Liwa"
    assert first["province_code"] == "18"
    assert isinstance(first["lat"], float)
    assert isinstance(first["lon"], float)
    assert [item["code"] for item in body["items"]][-2:] == ["1871", "1872"]


@pytest.mark.django_db
def test_regencies_of_another_province_and_bad_province_code(api):
    body = api.get(f"{BASE}/regencies", {"province": "31"}).json()
    assert body["count"] == 6
    assert body["items"][0]["lat"] is None
    response = api.get(f"{BASE}/regencies", {"province": "Lampung"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "province"


@pytest.mark.django_db
def test_hs_search_returns_subheadings_with_indonesian_names(api):
    response = api.get(f"{BASE}/hs", {"q": "kopi", "limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["code"] == "090111"
    assert "kopi" in body["items"][0]["names_id"]
    assert body["items"][0]["parent"] == "0901"
    assert body["items"][0]["description"].startswith("Coffee")
    assert all(item["level"] == 6 for item in body["items"])
    assert body["count"] == len(body["items"])


@pytest.mark.django_db
def test_hs_lists_are_paginated_with_default_20(api):
    body = api.get(f"{BASE}/hs").json()
    assert len(body["items"]) == 20
    assert 5_500 < body["count"] < 5_700
    second = api.get(f"{BASE}/hs", {"offset": 20, "limit": 5}).json()
    assert len(second["items"]) == 5
    assert second["count"] == body["count"]
    assert second["items"][0]["code"] > body["items"][-1]["code"]


@pytest.mark.django_db
def test_hs_headings_by_level(api):
    body = api.get(f"{BASE}/hs", {"q": "09", "level": 4, "limit": 100}).json()
    assert {item["code"] for item in body["items"]} >= {"0901", "0904"}
    assert all(len(item["code"]) == 4 for item in body["items"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"level": 5}, "level"),
        ({"level": 8}, "level"),
        ({"q": "k" * 101}, "q"),
    ],
)
def test_bad_hs_query_parameters_are_422_naming_the_field(api, params, field):
    response = api.get(f"{BASE}/hs", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][-1] == field


@pytest.mark.django_db
def test_ports_lists_our_seaports_and_airports(api):
    body = api.get(f"{BASE}/ports", {"limit": 100}).json()
    assert body["count"] == 14
    by_key = {(item["locode"], item["kind"]): item for item in body["items"]}
    panjang = by_key["IDPJG", "seaport"]
    assert panjang["country"] == "ID"
    assert panjang["aliases"] == ["IDPNJ"]
    assert panjang["lat"] == pytest.approx(-5.47)
    assert by_key["MYKUL", "airport"]["iata"] == "KUL"
    assert ("MYPEN", "seaport") in by_key
    assert ("MYPEN", "airport") in by_key
    assert {"locode", "name", "country", "kind", "lat", "lon"} <= panjang.keys()


@pytest.mark.django_db
def test_ports_filter_by_kind_and_country(api):
    body = api.get(f"{BASE}/ports", {"kind": "airport", "country": "MY"}).json()
    assert {item["locode"] for item in body["items"]} == {"MYKUL", "MYPEN"}
    assert api.get(f"{BASE}/ports", {"kind": "spaceport"}).status_code == 422


@pytest.mark.django_db
def test_occupations_search_in_any_language_and_by_code(api):
    def found(**params: str) -> list[str]:
        body = api.get(f"{BASE}/occupations", params).json()
        return [item["isco_code"] for item in body["items"]]

    assert found(q="welders") == ["7212"]
    assert found(q="las") == ["7212"]
    assert found(q="pengimpal") == ["7212"]
    assert found(q="816") == ["8160"]
    assert found(sector="mining") == ["8111", "8112", "9311"]
    body = api.get(f"{BASE}/occupations", {"q": "8160"}).json()
    assert body["items"][0] == {
        "isco_code": "8160",
        "title_en": "Food and related products machine operators",
        "title_id": body["items"][0]["title_id"],
        "title_ms": body["items"][0]["title_ms"],
        "sector": "manufacturing",
        "confidence": "medium",
    }


@pytest.mark.django_db
def test_occupations_are_paginated(api):
    body = api.get(f"{BASE}/occupations").json()
    assert body["count"] == 34
    assert len(body["items"]) == 20
    assert api.get(f"{BASE}/occupations", {"sector": "fishing"}).status_code == 422


@pytest.mark.django_db
def test_reference_paths_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("regencies", "hs", "ports", "occupations"):
        assert f"{BASE}/{path}" in paths
