"""The lane-demand evidence page and its CSV export: access, partials, queries, suppression."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.logistics.models import Shipment
from serumpun.logistics.tests.builders import load_network_reference, standard_rates

pytestmark = pytest.mark.django_db

URL = reverse("logistics:lane_demand")
EXPORT = reverse("logistics:lane_demand_export")
MONTH = "first=2026-12&last=2026-12"
PAGE_QUERIES = 10


def ship(msme, dest="MYPKG", status="booked"):
    return Shipment.objects.create(
        msme=msme,
        hs_code="090111",
        origin_regency=msme.regency,
        destination_locode=dest,
        weight_kg=Decimal("1000.0"),
        volume_m3=Decimal("2.000"),
        ready_date=dt.date(2026, 12, 9),
        status=status,
    )


@pytest.fixture
def demand():
    load_network_reference()
    standard_rates()
    msmes = MSMEFactory.create_batch(4)
    for msme in msmes:
        ship(msme)
    ship(msmes[0], dest="MYPEN")
    ship(msmes[1], dest="MYPEN")
    return msmes


def sign_in(client, role):
    user = make_user(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", [Role.TRANSPORT_ATTACHE, Role.OFFICER, Role.ADMIN])
def test_staff_see_the_evidence_and_the_scenario(client, demand, role, in_english):
    sign_in(client, role)
    response = client.get(f"{URL}?{MONTH}", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "IDPJG → MYPKG" in text
    assert "<svg" in text
    assert "Suppressed: fewer than 3 shippers." in text  # MYPEN has two shippers
    assert "Scenario: a weekly direct Panjang–Port Klang call" in text
    assert "weekly direct call" in text


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.BUYER, Role.SEEKER])
def test_other_roles_are_refused(client, demand, role):
    sign_in(client, role)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_htmx_gets_only_the_results_in_constant_queries(
    client, demand, django_assert_num_queries
):
    sign_in(client, Role.TRANSPORT_ATTACHE)
    client.get(f"{URL}?{MONTH}", HTTP_HX_REQUEST="true")  # warm the session
    # session, user, memberships, the port choices, then the three sums
    with django_assert_num_queries(7):
        response = client.get(f"{URL}?{MONTH}", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="evidence-results"')
    assert "HX-Request" in response["Vary"]  # a cache never serves it as the page
    for msme in MSMEFactory.create_batch(5):
        ship(msme, dest="MYPGU")
    with django_assert_num_queries(7):
        client.get(f"{URL}?{MONTH}", HTTP_HX_REQUEST="true")


def test_a_reversed_window_is_an_error(client, demand, in_english):
    sign_in(client, Role.OFFICER)
    response = client.get(
        f"{URL}?first=2026-12&last=2026-01", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The last month is before the first." in response.content.decode()
    assert client.get(f"{EXPORT}?first=2026-12&last=2026-01").status_code == 400


def test_csv_export_is_suppressed_formula_safe_and_audited(client, demand):
    for msme in MSMEFactory.create_batch(3):
        ship(msme, dest="=A1B2")  # a hostile value that reached the table
    user = sign_in(client, Role.TRANSPORT_ATTACHE)
    response = client.get(f"{EXPORT}?{MONTH}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    by_dest = {r["destination_locode"]: r for r in rows}
    assert by_dest["MYPKG"]["shippers"] == "4"
    assert by_dest["MYPKG"]["tonnes"] == "4.0"
    assert by_dest["MYPEN"]["suppressed"] == "True"
    assert by_dest["MYPEN"]["tonnes"] == ""
    assert "'=A1B2" in by_dest  # prefixed, so a spreadsheet shows it as text
    event = AuditEvent.objects.get(action="logistics.lane_demand.exported")
    assert event.actor == user
    assert "2026-12" in event.purpose


def test_the_full_page_runs_in_constant_queries(
    client, demand, django_assert_num_queries
):
    sign_in(client, Role.TRANSPORT_ATTACHE)
    client.get(f"{URL}?{MONTH}")
    # session, user, memberships, port choices, three sums; scenario: ports, hubs, rates
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"{URL}?{MONTH}")
    for msme in MSMEFactory.create_batch(4):
        ship(msme, dest="MYPGU")
    standard_rates()
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"{URL}?{MONTH}")


def test_a_month_beyond_the_calendar_is_an_error_not_a_crash(client, demand):
    sign_in(client, Role.OFFICER)
    window = "first=9999-12&last=9999-12"
    response = client.get(f"{URL}?{window}")
    assert response.status_code == 200
    assert b'class="form-errors"' in response.content
    assert client.get(f"{EXPORT}?{window}").status_code == 400
