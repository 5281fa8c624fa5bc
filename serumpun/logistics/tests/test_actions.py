"""Logistics actions: rate book, shipments, pooling plans (permissions, validation, audit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory
from serumpun.logistics import actions
from serumpun.logistics.models import (
    PlannedContainer,
    PlannedLoad,
    PlanStatus,
    Rate,
    Shipment,
    ShipmentStatus,
)
from serumpun.logistics.tests.builders import load_network_reference, make_rate

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _network():
    load_network_reference()


def rate_fields(**overrides):
    fields = {
        "mode": "sea_lcl",
        "basis": "per_rt",
        "origin_locode": "IDPNJ",
        "destination_locode": "MYPKG",
        "amount": Decimal(60),
        "currency": "USD",
        "valid_from": dt.date(2026, 1, 1),
        "source_title": "Forwarder quote",
        "source_date": dt.date(2026, 11, 1),
        "confidence": "medium",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FORWARDER, True),
        (Role.TRANSPORT_ATTACHE, True),
        (Role.OFFICER, True),
        (Role.MSME_OWNER, False),
        (Role.BUYER, False),
    ],
)
def test_who_keeps_the_rate_book(role, allowed):
    user = make_user(role)
    before = Rate.objects.count()
    if allowed:
        rate = actions.enter_rate(by=user, fields=rate_fields())
        assert rate.origin_locode == "IDPJG"  # alias stored as the primary code
        assert rate.entered_by_org == user.organisation
        assert AuditEvent.objects.filter(action="logistics.enter_rate").count() == 1
    else:
        with pytest.raises(PermissionDenied):
            actions.enter_rate(by=user, fields=rate_fields())
        assert Rate.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"basis": "per_km"}, "basis"),
        ({"amount": Decimal(-1)}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"valid_to": dt.date(2025, 1, 1)}, "valid_to"),
        ({"source_title": "  "}, "source_title"),
        ({"destination_locode": "XXXXX"}, "destination_locode"),
        ({"mode": "sea_fcl", "basis": "per_container"}, "container_code"),
        (
            {"mode": "sea_fcl", "basis": "per_container", "container_code": "99ZZ"},
            "container_code",
        ),
        (
            {"mode": "local", "basis": "per_shipment", "origin_locode": ""},
            "origin_locode",
        ),
    ],
)
def test_bad_rates_are_refused_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as caught:
        actions.enter_rate(
            by=make_user(Role.FORWARDER), fields=rate_fields(**overrides)
        )
    assert field in caught.value.message_dict


def owner_msme():
    owner = make_user(Role.MSME_OWNER)
    return owner, MSMEFactory(organisation=owner.organisation)


def shipment_fields(**overrides):
    fields = {
        "destination_locode": "MYPKG",
        "kind": "general",
        "weight_kg": Decimal(300),
        "volume_m3": Decimal("0.8"),
        "ready_date": TODAY,
        "latest_date": TODAY + dt.timedelta(days=14),
        "hs_code": "090111",
    }
    fields.update(overrides)
    return fields


def test_an_owner_pledges_then_books_then_cannot_book_again():
    owner, msme = owner_msme()
    shipment = actions.record_shipment(by=owner, msme=msme, fields=shipment_fields())
    assert shipment.status == ShipmentStatus.PLEDGED
    assert shipment.origin_regency_id == msme.regency_id
    booked = actions.book_shipment(shipment=shipment, by=owner)
    assert booked.status == ShipmentStatus.BOOKED
    with pytest.raises(ConflictError):
        actions.book_shipment(shipment=booked, by=owner)
    cancelled = actions.cancel_shipment(shipment=booked, by=owner)
    assert cancelled.status == ShipmentStatus.CANCELLED
    with pytest.raises(ConflictError):
        actions.cancel_shipment(shipment=cancelled, by=owner)


def test_the_hs_code_comes_from_the_product():
    owner, msme = owner_msme()
    product = ProductFactory(msme=msme)
    shipment = actions.record_shipment(
        by=owner, msme=msme, fields=shipment_fields(hs_code="", product=product)
    )
    assert shipment.hs_code == product.hs_code_id


def test_another_msmes_owner_may_not_ship_for_it():
    _, msme = owner_msme()
    stranger, _ = owner_msme()
    with pytest.raises(PermissionDenied):
        actions.record_shipment(by=stranger, msme=msme, fields=shipment_fields())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weight_kg": Decimal(0)}, "weight_kg"),
        ({"volume_m3": Decimal("-1")}, "volume_m3"),
        ({"destination_locode": "IDJKT"}, "destination_locode"),
        ({"latest_date": TODAY - dt.timedelta(days=1)}, "latest_date"),
        ({"hs_code": "0901"}, "hs_code"),
        ({"kind": "frozen"}, "kind"),
    ],
)
def test_bad_shipments_are_refused(overrides, field):
    owner, msme = owner_msme()
    with pytest.raises(ValidationError) as caught:
        actions.record_shipment(
            by=owner, msme=msme, fields=shipment_fields(**overrides)
        )
    assert field in caught.value.message_dict
    assert not Shipment.objects.exists()


def pooling_rates():
    for code, amount in (("20GP", 500), ("40GP", 760)):
        make_rate(
            mode="sea_fcl",
            basis="per_container",
            origin_locode="IDPJG",
            destination_locode="MYPKG",
            container_code=code,
            amount=Decimal(amount),
        )
    make_rate(
        mode="sea_lcl",
        basis="per_rt",
        origin_locode="IDPJG",
        destination_locode="MYPKG",
        amount=Decimal(65),
        minimum=Decimal(65),
    )


def ten_msmes_ship(destination="MYPKG"):
    today = timezone.localdate()
    owners = []
    for index in range(10):
        owner, msme = owner_msme()
        owners.append(owner)
        actions.record_shipment(
            by=owner,
            msme=msme,
            fields=shipment_fields(
                destination_locode=destination,
                weight_kg=Decimal(900 + 40 * index),
                volume_m3=Decimal(str(2.0 + 0.2 * index)),
                ready_date=today + dt.timedelta(days=2),
                latest_date=today + dt.timedelta(days=20),
            ),
        )
    return owners


def test_ten_small_shipments_become_a_few_shared_containers_with_a_fair_split():
    pooling_rates()
    owners = ten_msmes_ship()
    attache = make_user(Role.TRANSPORT_ATTACHE)
    plan = actions.plan_pooling(by=attache, as_of=timezone.localdate(), time_limit_s=5)
    assert plan.status == PlanStatus.DRAFT
    assert plan.shipment_count == 10
    loads = PlannedLoad.objects.filter(plan=plan)
    assert loads.count() == 10  # every shipment exactly once
    boxes = PlannedContainer.objects.filter(plan=plan)
    assert 1 <= boxes.count() <= 3
    for box in boxes:
        assert 0 < box.fill_volume <= 1
        assert 0 < box.fill_weight <= 1
        shares = [load.share_usd for load in box.loads.all()]
        assert sum(shares) == pytest.approx(box.cost_usd, abs=Decimal("0.05"))
    assert plan.cost_usd < plan.ship_when_ready_cost_usd
    published = actions.publish_plan(plan=plan, by=attache)
    assert published.status == PlanStatus.PUBLISHED
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {o.pk for o in owners} <= notified
    assert attache.pk in notified
    with pytest.raises(ConflictError):
        actions.publish_plan(plan=published, by=attache)


def test_only_the_transport_attache_plans_pooling():
    pooling_rates()
    owners = ten_msmes_ship()
    with pytest.raises(PermissionDenied):
        actions.plan_pooling(by=owners[0], as_of=timezone.localdate())


def test_pooling_without_an_lcl_rate_is_refused_not_guessed():
    ten_msmes_ship("MYPEN")
    with pytest.raises(ValidationError) as caught:
        actions.plan_pooling(
            by=make_user(Role.TRANSPORT_ATTACHE), as_of=timezone.localdate()
        )
    assert "MYPEN" in str(caught.value)


def test_a_background_plan_that_cannot_be_priced_fails_with_the_reason(
    django_capture_on_commit_callbacks,
):
    from serumpun.core.models import TaskProgress

    ten_msmes_ship("MYPEN")
    attache = make_user(Role.TRANSPORT_ATTACHE)
    with django_capture_on_commit_callbacks(execute=True):
        progress = actions.request_pooling_plan(by=attache, as_of=timezone.localdate())
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.FAILED
    assert "MYPEN" in progress.message
    with pytest.raises(PermissionDenied):
        actions.request_pooling_plan(by=make_user(Role.MSME_OWNER), as_of=TODAY)
