"""API conventions that hold for every route: problem+json errors, 401 without a token."""

import pytest


@pytest.mark.django_db
def test_unauthenticated_reference_call_is_a_401_problem(client):
    response = client.get("/api/v1/reference/regencies")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert {"type", "title", "detail"} <= body.keys()


@pytest.mark.django_db
def test_malformed_json_body_is_a_422_naming_the_body(client):
    response = client.post(
        "/api/v1/auth/token", data="{not json", content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["body"]


@pytest.mark.django_db
def test_unknown_api_path_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_415_problem(client):
    response = client.post(
        "/api/v1/auth/token",
        data="email=a@b.c",
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_nul_characters_are_a_422_naming_the_field(client):
    response = client.post(
        "/api/v1/auth/token",
        data='{"email": "a\\u0000b@example.test", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "email"]
