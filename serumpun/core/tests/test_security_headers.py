"""Security headers on every kind of response (research/security-reliability.md)."""

import re
from typing import Any

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user

PATHS = [
    "/accounts/login/",  # a page
    "/api/v1/openapi.json",  # the API
    "/healthz",  # a probe
    "/no-such-page/",  # a 404
]


def assert_security_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    assert_security_headers(client.get(path))


@pytest.mark.django_db
def test_api_errors_carry_the_security_headers(client):
    response = client.get("/api/v1/reference/regencies")
    assert response.status_code == 401
    assert_security_headers(response)


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert_security_headers(response)


@pytest.mark.django_db
def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/healthz", secure=True)


@pytest.mark.django_db
def test_hsts_under_production_settings(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    # Never over plain HTTP: a man in the middle could pin a victim to a fake host.
    assert "Strict-Transport-Security" not in client.get("/healthz")


@pytest.mark.django_db
def test_no_16_digit_run_reaches_the_logs(client, caplog):
    nik = "1871015708900003"
    caplog.set_level("DEBUG")
    client.get(f"/no-such-page/?nik={nik}")
    client.post(
        "/api/v1/auth/token",
        {"email": f"{nik}@example.test", "password": nik},
        content_type="application/json",
    )
    client.post(
        "/accounts/login/", {"username": f"{nik}@example.test", "password": nik}
    )
    assert caplog.records, "the requests logged nothing: the test would prove nothing"
    assert not re.search(r"\d{16}", caplog.text)
