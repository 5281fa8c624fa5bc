"""GET /logistics/lanes/demand and the database aggregation behind it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.testing import bearer_fetch
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.logistics.models import Shipment
from serumpun.logistics.queries_demand import DemandQuery, demand_sums, lane_demand
from serumpun.logistics.tests.builders import load_network_reference

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/lanes/demand"
DEC = dt.date(2026, 12, 1)


def ship(
    msme,
    *,
    day=dt.date(2026, 12, 10),
    dest="MYPKG",
    status="booked",
    hs="090111",
    volume="2.000",
    weight="1000.0",
    kind="general",
):
    return Shipment.objects.create(
        msme=msme,
        hs_code=hs,
        origin_regency=msme.regency,
        destination_locode=dest,
        kind=kind,
        weight_kg=Decimal(weight),
        volume_m3=Decimal(volume),
        ready_date=day,
        status=status,
    )


@pytest.fixture
def lanes():
    """MYPKG in December: 4 shippers (one cancelled extra); MYPEN: 2 shippers."""
    load_network_reference()
    msmes = MSMEFactory.create_batch(5)
    ship(msmes[0], status="shipped")
    ship(msmes[1], status="booked")
    ship(msmes[2], status="pledged", hs="200899")
    ship(msmes[3], status="pledged", kind="reefer", hs="030617")
    ship(msmes[4], status="cancelled")
    ship(msmes[0], dest="MYPEN")
    ship(msmes[1], dest="MYPEN")
    return msmes


def query(**kw):
    return DemandQuery(first_month=DEC, last_month=DEC, **kw)


def test_sums_are_grouped_per_lane_and_month(lanes, django_assert_num_queries):
    with django_assert_num_queries(3):
        cells = {c.destination_locode: c for c in demand_sums(query())}
    pkg = cells["MYPKG"]
    assert pkg.month == DEC
    assert pkg.shippers == 4  # the cancelled shipment does not count
    assert pkg.weight_kg == 4000.0
    assert pkg.reefer_volume_m3 == 2.0
    assert {s.key: s.shippers for s in pkg.by_status} == {
        "shipped": 1,
        "booked": 1,
        "pledged": 2,
    }
    assert {c.key for c in pkg.by_chapter} == {"09", "20", "03"}


def test_query_count_does_not_grow_with_shipments(lanes, django_assert_num_queries):
    for msme in lanes:
        for day in (3, 17, 24):
            ship(msme, day=dt.date(2026, 12, day), dest="MYPGU")
    with django_assert_num_queries(3):
        lane_demand(query())


def test_lanes_below_three_shippers_are_suppressed(lanes):
    cells = {c.destination_locode: c for c in lane_demand(query())}
    assert cells["MYPEN"].suppressed
    assert cells["MYPEN"].tonnes is None
    assert not cells["MYPKG"].suppressed
    assert cells["MYPKG"].tonnes == 4.0
    # every status has fewer than three shippers: all hidden, none derivable
    assert all(f.suppressed for f in cells["MYPKG"].by_status)


@pytest.mark.parametrize("role", [Role.TRANSPORT_ATTACHE, Role.OFFICER, Role.ADMIN])
def test_staff_read_the_evidence(client, lanes, role):
    response = bearer_fetch(client, make_user(role), "get", f"{URL}?month=2026-12")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 2
    items = {i["destination_locode"]: i for i in data["items"]}
    assert items["MYPKG"]["lane"] == "IDPJG-MYPKG"
    assert items["MYPKG"]["teu"] is not None
    assert items["MYPKG"]["shippers"] == 4
    assert items["MYPEN"]["suppressed"] is True
    assert items["MYPEN"]["teu"] is None
    assert items["MYPEN"]["shippers"] is None
    assert data["months"] == ["2026-12"]


def test_filters_by_destination_and_alias_origin(client, lanes):
    user = make_user(Role.TRANSPORT_ATTACHE)
    response = bearer_fetch(
        client, user, "get", f"{URL}?month=2026-12&to=MYPEN&from=IDPNJ"
    )
    assert [i["destination_locode"] for i in response.json()["items"]] == ["MYPEN"]
    response = bearer_fetch(client, user, "get", f"{URL}?month=2026-12&from=IDJKT")
    assert response.json()["count"] == 0  # Lampung cargo loads at Panjang


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("month=2026-13", "month"),
        ("to=XXQQQ", "to"),
        ("from=ZZZZZ", "from"),
        ("to=MY", "to"),
        ("limit=0", "limit"),
    ],
)
def test_bad_filters_are_422(client, lanes, params, field):
    response = bearer_fetch(client, make_user(Role.OFFICER), "get", f"{URL}?{params}")
    assert response.status_code == 422, response.content
    assert field in [e["loc"][-1] for e in response.json()["errors"]]


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.BUYER, Role.SEEKER])
def test_other_roles_are_403(client, lanes, role):
    response = bearer_fetch(client, make_user(role), "get", URL)
    assert response.status_code == 403


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401
