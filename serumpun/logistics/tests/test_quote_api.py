"""API.md "Logistics": POST /logistics/quotes — answers, rate sources, 401/403/422."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import TEST_PASSWORD, make_user
from serumpun.logistics.tests.builders import (
    load_network_reference,
    make_rate,
    standard_rates,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/quotes"


@pytest.fixture
def network():
    load_network_reference()
    return standard_rates()


class TokenClient:
    """A client that sends a bearer token."""

    def __init__(self, client, user):
        self.client = client
        response = client.post(
            "/api/v1/auth/token",
            {"email": user.email, "password": TEST_PASSWORD},
            content_type="application/json",
        )
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def post(self, url, data, content_type):
        return self.client.post(
            url, data, content_type=content_type, headers=self.headers
        )


@pytest.fixture
def owner_client(client):
    return TokenClient(client, make_user(Role.MSME_OWNER))


def body(**overrides):
    data = {
        "origin": {"regency_code": "1801"},
        "destination": {"locode": "MYPKG"},
        "cargo": {"weight_kg": 24, "volume_m3": 0.08, "kind": "general"},
    }
    data.update(overrides)
    return data


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_liwa_coffee_gets_sea_and_air_options_with_sources(network, owner_client):
    response = post(owner_client, body())
    assert response.status_code == 200, response.content
    options = response.json()["options"]
    modes = {o["mode"] for o in options}
    assert "sea_lcl" in modes
    assert "air" in modes
    totals = [o["cost"]["total"] for o in options]
    assert totals == sorted(totals)
    for option in options:
        assert option["cost"]["currency"] == "USD"
        assert option["cost"]["rate_sources"], option
        assert option["transit_days"]["min"] <= option["transit_days"]["max"]
        assert option["co2e_kg"] > 0
        assert (
            abs(
                sum(leg["distance_km"] for leg in option["legs"])
                - option["distance_km"]
            )
            < 1
        )
        first = option["legs"][0]
        assert first["from"] == "1801"
    air = min(
        (o for o in options if o["mode"] == "air"), key=lambda o: o["cost"]["total"]
    )
    sea = min(
        (o for o in options if o["mode"] == "sea_lcl"), key=lambda o: o["co2e_kg"]
    )
    assert air["co2e_kg"] > 10 * sea["co2e_kg"]


def test_panjang_lcl_goes_via_singapore_with_road_from_liwa(network, owner_client):
    options = post(owner_client, body()).json()["options"]
    panjang = next(
        o for o in options if o["mode"] == "sea_lcl" and "IDPJG" in o["route"]
    )
    assert [leg["mode"] for leg in panjang["legs"]] == ["road", "sea", "sea"]
    assert panjang["legs"][0]["distance_km"] == 234.0  # research §2.6, Liwa
    assert panjang["route"] == ["1801", "IDPJG", "SGSIN", "MYPKG"]


def test_an_expired_rate_is_not_used_and_the_option_says_why(network, owner_client):
    network["lcl_pjg"].valid_to = dt.date(2025, 12, 31)
    network["lcl_pjg"].valid_from = dt.date(2025, 1, 1)
    network["lcl_pjg"].save()
    answer = post(owner_client, body(ready_date="2026-12-10")).json()
    assert not any(
        o["mode"] == "sea_lcl" and "IDPJG" in o["route"] for o in answer["options"]
    )
    reasons = [
        o["reason"]
        for o in answer["omitted"]
        if o["mode"] == "sea_lcl" and "IDPJG" in o["route"]
    ]
    assert reasons and "2025" in reasons[0]


def test_locode_origin_and_alias_are_accepted(network, owner_client):
    answer = post(owner_client, body(origin={"locode": "IDPNJ"})).json()
    panjang = [o for o in answer["options"] if o["route"][0] == "IDPJG"]
    assert panjang
    assert panjang[0]["legs"][0]["mode"] == "sea"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(cargo={"weight_kg": 0, "volume_m3": 0.1}), "weight_kg"),
        (body(cargo={"weight_kg": -5, "volume_m3": 0.1}), "weight_kg"),
        (body(cargo={"weight_kg": 5, "volume_m3": 0}), "volume_m3"),
        (body(origin={"regency_code": "9999"}), "origin"),
        (body(origin={"locode": "XXAAA"}), "origin"),
        (body(destination={"locode": "ZZZZZ"}), "destination"),
        (body(destination={"locode": "IDJKT"}), "destination"),
        (body(origin={}), "origin"),
    ],
)
def test_bad_input_is_422_naming_the_field(network, owner_client, data, field):
    response = post(owner_client, data)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in response.content.decode()


def test_anonymous_is_401(network, client):
    assert post(client, body()).status_code == 401


def test_a_seeker_may_not_quote(network, client):
    assert post(TokenClient(client, make_user(Role.SEEKER)), body()).status_code == 403


def test_no_valid_rate_at_all_omits_every_option_with_reasons(owner_client):
    load_network_reference()
    make_rate(
        mode="sea_lcl",
        basis="per_rt",
        origin_locode="IDPJG",
        destination_locode="MYPKG",
        amount=Decimal(60),
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    answer = post(owner_client, body()).json()
    assert answer["options"] == []
    assert answer["omitted"]
    assert all(o["reason"] for o in answer["omitted"])
