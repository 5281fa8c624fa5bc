"""API.md "Logistics": POST /logistics/consolidations — the plan, its invariants, 401/403/422."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.logistics.containers import container_types
from serumpun.logistics.tests.builders import load_network_reference, make_rate

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/consolidations"
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def pooling_rates():
    load_network_reference()
    for code, amount in (("20GP", 450), ("40HC", 700), ("20RF", 1200)):
        make_rate(
            mode="sea_fcl",
            basis="per_container",
            container_code=code,
            origin_locode="IDPJG",
            destination_locode="MYPKG",
            via_locode="SGSIN",
            amount=Decimal(amount),
        )
    make_rate(
        mode="sea_lcl",
        basis="per_rt",
        origin_locode="IDPJG",
        destination_locode="MYPKG",
        via_locode="SGSIN",
        amount=Decimal(50),
        minimum=Decimal(100),
    )


def post(client, user, data):
    from serumpun.accounts.tests.factories import TEST_PASSWORD

    token = client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    return client.post(
        URL,
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def shipment(ident, volume=2.0, weight=500.0, **extra):
    data = {
        "id": ident,
        "volume_m3": volume,
        "weight_kg": weight,
        "destination_locode": "MYPKG",
        "ready_date": str(MONDAY),
        "kind": "general",
    }
    data.update(extra)
    return data


@pytest.fixture
def attache():
    return make_user(Role.TRANSPORT_ATTACHE)


def test_ten_msmes_share_boxes_with_a_fair_split(client, pooling_rates, attache):
    shipments = [shipment(f"m{k}") for k in range(10)] + [
        shipment("cold", 5.0, 6500.0, kind="reefer"),
        shipment("huge", 90.0, 2000.0),
    ]
    response = post(client, attache, {"shipments": shipments, "time_limit_s": 5})
    assert response.status_code == 200, response.content
    plan = response.json()
    placed = [i for c in plan["containers"] for i in c["shipment_ids"]] + plan["lcl"]
    assert sorted(placed) == sorted(s["id"] for s in shipments)
    types = container_types()
    for box in plan["containers"]:
        spec = types[box["type"]]
        assert box["volume_m3"] <= spec.usable_volume_m3
        assert box["weight_kg"] <= spec.payload_kg
        assert 0 < box["fill_volume"] <= 1
        assert box["sail_week"] == str(MONDAY)
    general = [c for c in plan["containers"] if c["kind"] == "general"]
    assert [c["type"] for c in general] == ["20GP"]
    assert {"cold", "huge"} <= set(plan["lcl"])
    assert plan["flagged"] == [{"shipment_id": "huge", "reason": "too_large"}]
    split = {row["shipment_id"]: row["usd"] for row in plan["cost_split"]}
    assert all(split[f"m{k}"] == 45.0 for k in range(10))
    assert sum(split.values()) == pytest.approx(plan["cost_usd"], abs=0.05)
    assert plan["status"] in {"optimal", "feasible"}
    assert plan["lower_bound_containers"] >= 1
    assert plan["cost_usd"] <= plan["ship_when_ready_usd"]


def test_container_types_limit_the_boxes(client, pooling_rates, attache):
    shipments = [shipment(f"m{k}", 6.0, 800.0) for k in range(10)]  # 60 m³
    response = post(
        client, attache, {"shipments": shipments, "container_types": ["40HC"]}
    )
    assert response.status_code == 200, response.content
    assert {c["type"] for c in response.json()["containers"]} == {"40HC"}


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (
            {"shipments": [shipment("a", volume=0)]},
            ["body", "shipments", 0, "volume_m3"],
        ),
        (
            {"shipments": [shipment("a", weight=-1)]},
            ["body", "shipments", 0, "weight_kg"],
        ),
        (
            {"shipments": [shipment("a", destination_locode="XXABC")]},
            ["body", "shipments", 0, "destination_locode"],
        ),
        (
            {"shipments": [shipment("a", destination_locode="IDJKT")]},
            ["body", "shipments", 0, "destination_locode"],
        ),
        (
            {"shipments": [shipment("a"), shipment("a")]},
            ["body", "shipments", 1, "id"],
        ),
        (
            {"shipments": [shipment("a")], "container_types": ["20GP", "99ZZ"]},
            ["body", "container_types", 1],
        ),
        ({"shipments": [shipment("a")], "time_limit_s": 61}, ["body", "time_limit_s"]),
        ({"shipments": []}, ["body", "shipments"]),
        (
            {"shipments": [shipment("a", ready_date="9999-12-31")]},
            ["body", "shipments", 0, "ready_date"],
        ),
        (
            {"shipments": [shipment("a", latest_date="2026-12-01")]},
            ["body", "shipments", 0],
        ),
        (
            {"shipments": [shipment("a", destination_locode="MYPEN")]},
            ["body", "shipments", 0, "destination_locode"],  # no rate to Penang
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(client, pooling_rates, attache, change, loc):
    response = post(client, attache, change)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert loc in [e["loc"] for e in response.json()["errors"]]


def test_anonymous_is_401(client):
    response = client.post(URL, {"shipments": []}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.BUYER, Role.SEEKER])
def test_roles_without_planning_are_403(client, pooling_rates, role):
    response = post(client, make_user(role), {"shipments": [shipment("a")]})
    assert response.status_code == 403


def test_a_lower_case_locode_is_accepted(client, pooling_rates, attache):
    response = post(
        client, attache, {"shipments": [shipment("a", destination_locode="mypkg")]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["lcl"] == ["a"]


def test_it_waits_no_longer_than_the_containers_file_allows(
    client, pooling_rates, attache, monkeypatch
):
    from serumpun.logistics import api_consolidation
    from serumpun.logistics.rules import consolidation

    seen = {}
    real = consolidation.plan_consolidation

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(api_consolidation, "max_window_weeks", lambda: 1)
    monkeypatch.setattr(api_consolidation, "plan_consolidation", spy)
    response = post(client, attache, {"shipments": [shipment("m1")]})
    assert response.status_code == 200, response.content
    assert seen["max_window_weeks"] == 1
