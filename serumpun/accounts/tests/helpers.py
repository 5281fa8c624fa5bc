"""Small helpers for the accounts tests (signing in through the real form and API)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from serumpun.accounts.tests.factories import TEST_PASSWORD

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def sign_in(client: Client, email: str, password: str = TEST_PASSWORD, **extra: Any):
    """POST the sign-in form (Client.login skips the request django-axes needs)."""
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def request_token(client: Client, email: str, password: str = TEST_PASSWORD, **body):
    """POST /api/v1/auth/token."""
    return client.post(
        TOKEN_URL,
        {"email": email, "password": password, **body},
        content_type="application/json",
    )


def bearer(raw: str) -> dict[str, str]:
    """Headers for an API call with this token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
