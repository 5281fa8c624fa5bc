"""Test helpers for readiness: a coffee MSME with a product, and an API client.

owner = make_user(Role.MSME_OWNER)
product = coffee_product(owner)              # green coffee 090111 of the owner's MSME
"""

from __future__ import annotations

from typing import Any

from serumpun.accounts.models import User
from serumpun.accounts.tests.factories import TEST_PASSWORD
from serumpun.exporters.models import Product
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory, hs_code

API = "/api/v1"


def coffee_product(owner: User | None = None, **fields: Any) -> Product:
    """A product of `owner`'s MSME (a fresh MSME when no owner is given)."""
    msme = (
        MSMEFactory(organisation=owner.organisation)
        if owner is not None
        else MSMEFactory()
    )
    fields.setdefault("hs_code", hs_code(fields.pop("hs", "090111")))
    fields.setdefault("monthly_capacity_kg", 8000)
    return ProductFactory(msme=msme, **fields)


class Api:
    """A client signed in with a bearer token."""

    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        self.user = user
        response = client.post(
            f"{API}/auth/token",
            {"email": user.email, "password": TEST_PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{API}{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"{API}{path}",
            body or {},
            content_type="application/json",
            headers=self.headers,
        )
