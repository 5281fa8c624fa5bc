"""Logistics pages: quote (full, htmx partial, query count), rate book, shipments, plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory
from serumpun.logistics import actions
from serumpun.logistics.models import (
    ConsolidationPlan,
    PlanStatus,
    Rate,
    Shipment,
    ShipmentStatus,
)
from serumpun.logistics.tests.builders import (
    load_network_reference,
    make_rate,
    standard_rates,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _network():
    load_network_reference()
    standard_rates()


def owner_with_coffee():
    owner = make_user(Role.MSME_OWNER)
    msme = MSMEFactory(organisation=owner.organisation)
    product = ProductFactory(
        msme=msme,
        carton_length_cm=Decimal(60),
        carton_width_cm=Decimal(40),
        carton_height_cm=Decimal(30),
        carton_gross_weight_kg=Decimal(30),
    )
    return owner, msme, product


def quote_params(product, **overrides):
    params = {
        "product": product.pk,
        "cartons": 2,
        "origin": "1801",
        "destination": "MYPKG",
        "kind": "general",
    }
    params.update(overrides)
    return params


def test_an_msme_quotes_two_cartons_and_sees_sea_and_air(client, in_english):
    owner, _, product = owner_with_coffee()
    client.force_login(owner)
    response = client.get(reverse("logistics:quote"), quote_params(product))
    assert response.status_code == 200
    html = response.content.decode()
    assert "60.0 kg" in html  # 2 × 30 kg
    assert "0.144 m³" in html  # 2 × 0.072 m³
    assert 'data-mode="sea_lcl"' in html
    assert 'data-mode="air"' in html
    assert "<svg" in html and 'data-leg-mode="sea"' in html
    assert "Options left out" in html


def test_the_htmx_request_gets_only_the_results(client):
    owner, _, product = owner_with_coffee()
    client.force_login(owner)
    response = client.get(
        reverse("logistics:quote"),
        quote_params(product),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="quote-results"')
    assert "<form" not in html


def test_the_quote_page_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    owner, _, product = owner_with_coffee()
    client.force_login(owner)
    client.get(reverse("logistics:quote"), quote_params(product))
    with django_assert_max_num_queries(16):
        client.get(reverse("logistics:quote"), quote_params(product, cartons=50))


def test_a_product_without_carton_data_asks_for_weight_and_volume(client, in_english):
    owner, msme, _ = owner_with_coffee()
    bare = ProductFactory(msme=msme)
    client.force_login(owner)
    html = client.get(reverse("logistics:quote"), quote_params(bare)).content.decode()
    assert "no carton size" in html


def test_another_msmes_product_cannot_be_quoted(client, in_english):
    _, _, foreign = owner_with_coffee()
    owner, _, _ = owner_with_coffee()
    client.force_login(owner)
    html = client.get(
        reverse("logistics:quote"), quote_params(foreign)
    ).content.decode()
    assert 'data-mode="sea_lcl"' not in html
    assert "Select a valid choice" in html


def test_a_seeker_may_not_open_the_quote_page(client):
    client.force_login(make_user(Role.SEEKER))
    assert client.get(reverse("logistics:quote")).status_code == 403


def test_the_rate_book_shows_sources_and_expired_rates(client, in_english):
    make_rate(
        mode="sea_lcl",
        basis="per_rt",
        origin_locode="IDPJG",
        destination_locode="MYPEN",
        amount=Decimal(70),
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
        source_title="Old quote 2020",
    )
    client.force_login(make_user(Role.FORWARDER))
    html = client.get(reverse("logistics:rate_list")).content.decode()
    assert "Old quote 2020" in html
    assert "not valid today" in html
    assert "Add a rate" in html


def test_a_forwarder_adds_a_rate_through_the_form(client):
    client.force_login(make_user(Role.FORWARDER))
    before = Rate.objects.count()
    response = client.post(
        reverse("logistics:rate_new"),
        {
            "mode": "sea_lcl",
            "basis": "per_rt",
            "origin_locode": "IDPJG",
            "destination_locode": "MYPEN",
            "charge": "freight",
            "amount": "72",
            "currency": "USD",
            "valid_from": "2026-11-01",
            "source_title": "PT Panjang Samudra quote",
            "source_date": "2026-11-01",
            "confidence": "medium",
        },
    )
    assert response.status_code == 302
    assert Rate.objects.count() == before + 1


def test_an_msme_owner_may_not_add_rates(client):
    client.force_login(make_user(Role.MSME_OWNER))
    assert client.get(reverse("logistics:rate_new")).status_code == 403


def test_shipments_of_other_msmes_are_not_listed(client):
    owner, msme, _ = owner_with_coffee()
    other_owner, other, _ = owner_with_coffee()
    fields = {
        "destination_locode": "MYPKG",
        "weight_kg": Decimal(100),
        "volume_m3": Decimal("0.3"),
        "ready_date": timezone.localdate(),
        "hs_code": "090111",
    }
    mine = actions.record_shipment(by=owner, msme=msme, fields=fields)
    theirs = actions.record_shipment(by=other_owner, msme=other, fields=fields)
    client.force_login(owner)
    html = client.get(reverse("logistics:shipment_list")).content.decode()
    assert f'data-shipment="{mine.pk}"' in html
    assert f'data-shipment="{theirs.pk}"' not in html
    assert (
        client.post(reverse("logistics:shipment_book", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("logistics:shipment_book", args=[mine.pk])).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.status == ShipmentStatus.BOOKED


def test_an_owner_pledges_through_the_form(client):
    owner, _, product = owner_with_coffee()
    client.force_login(owner)
    response = client.post(
        reverse("logistics:shipment_new"),
        {
            "product": product.pk,
            "destination_locode": "MYPKG",
            "kind": "general",
            "weight_kg": "60",
            "volume_m3": "0.144",
            "ready_date": "2026-12-20",
            "status": "pledged",
        },
    )
    assert response.status_code == 302
    assert Shipment.objects.get().hs_code == product.hs_code_id


def plan_with_two_msmes():
    for code, amount in (("20GP", 500), ("40GP", 760)):
        make_rate(
            mode="sea_fcl",
            basis="per_container",
            origin_locode="IDPJG",
            destination_locode="MYPKG",
            container_code=code,
            amount=Decimal(amount),
        )
    owners = []
    for _ in range(2):
        owner, msme, _ = owner_with_coffee()
        owners.append((owner, msme))
        for n in range(4):
            actions.record_shipment(
                by=owner,
                msme=msme,
                fields={
                    "destination_locode": "MYPKG",
                    "weight_kg": Decimal(1500),
                    "volume_m3": Decimal(3 + n),
                    "ready_date": timezone.localdate() + dt.timedelta(days=3),
                    "latest_date": timezone.localdate() + dt.timedelta(days=10),
                    "hs_code": "090111",
                },
            )
    attache = make_user(Role.TRANSPORT_ATTACHE)
    plan = actions.plan_pooling(by=attache, as_of=timezone.localdate(), time_limit_s=3)
    return attache, owners, plan


def test_the_attache_plans_in_the_background_from_the_page_and_publishes(
    client, django_capture_on_commit_callbacks
):
    attache, owners, _ = plan_with_two_msmes()
    client.force_login(attache)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("logistics:plan_list"), {"time_limit_s": "3"})
    assert response.status_code == 302
    assert "?job=" in response["Location"]
    job_page = client.get(response["Location"])
    plan = ConsolidationPlan.objects.exclude(progress=None).get()
    assert reverse("logistics:plan_detail", args=[plan.pk]) in job_page.content.decode()
    poll = client.get(response["Location"] + "&poll=1", headers={"HX-Request": "true"})
    assert poll.content.decode().lstrip().startswith('<div id="pooling-job"')
    assert (
        client.post(reverse("logistics:plan_publish", args=[plan.pk])).status_code
        == 302
    )
    owner = owners[0][0]
    client.force_login(owner)
    assert (
        client.get(reverse("logistics:plan_detail", args=[plan.pk])).status_code == 200
    )
    assert (
        client.post(reverse("logistics:plan_publish", args=[plan.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("logistics:plan_list"), {"time_limit_s": "3"}).status_code
        == 403
    )


def test_an_msme_sees_only_its_own_loads_of_a_published_plan(client):
    attache, owners, plan = plan_with_two_msmes()
    (owner, msme), (_, other) = owners
    client.force_login(owner)
    assert (
        client.get(reverse("logistics:plan_detail", args=[plan.pk])).status_code == 404
    )
    actions.publish_plan(plan=plan, by=attache)
    html = client.get(reverse("logistics:plan_detail", args=[plan.pk])).content.decode()
    assert msme.name in html
    assert other.name not in html
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED


def test_a_stranger_does_not_see_the_published_plan(client):
    attache, _, plan = plan_with_two_msmes()
    actions.publish_plan(plan=plan, by=attache)
    stranger, _, _ = owner_with_coffee()
    client.force_login(stranger)
    assert (
        client.get(reverse("logistics:plan_detail", args=[plan.pk])).status_code == 404
    )


def test_the_plan_page_query_count_does_not_grow_with_containers(
    client, django_assert_max_num_queries
):
    attache, _, plan = plan_with_two_msmes()
    client.force_login(attache)
    client.get(reverse("logistics:plan_detail", args=[plan.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("logistics:plan_detail", args=[plan.pk]))


def test_an_officer_corrects_a_road_distance_and_quotes_use_it(client):
    from serumpun.core.models import AuditEvent, Regency

    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    page = client.get(reverse("logistics:road_distances"))
    assert 'name="km-1801"' in page.content.decode()
    response = client.post(reverse("logistics:road_distances"), {"km-1801": "205"})
    assert response.status_code == 302
    assert Regency.objects.get(code="1801").road_km_to_panjang == 205
    assert AuditEvent.objects.filter(action="logistics.set_road_distance").count() == 1
    bad = client.post(reverse("logistics:road_distances"), {"km-1802": "-3"})
    assert bad.status_code == 200
    assert 'aria-invalid="true"' in bad.content.decode()


def test_an_msme_owner_may_not_edit_road_distances(client):
    client.force_login(make_user(Role.MSME_OWNER))
    assert client.get(reverse("logistics:road_distances")).status_code == 403
