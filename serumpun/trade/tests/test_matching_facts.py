"""Matching facts stay equal to their sources through every kind of write (trade/facts.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import MSME, Certificate
from serumpun.exporters.signals import products_changed
from serumpun.exporters.tests.factories import CertificateFactory, ProductFactory
from serumpun.readiness.actions import assess_product
from serumpun.readiness.models import Assessment
from serumpun.trade import facts
from serumpun.trade.actions_deals import post_message
from serumpun.trade.matching import evaluate_product
from serumpun.trade.models import ProductFacts
from serumpun.trade.tests.factories import SourcingRequestFactory
from serumpun.trade.tests.factories_deals import lead_parties, make_lead
from serumpun.trade.tests.factories_matching import assess, supplier

pytestmark = pytest.mark.django_db


def stored(product) -> ProductFacts:  # type: ignore[no-untyped-def]
    return ProductFacts.objects.get(product=product)


def test_a_new_supplier_has_facts_equal_to_its_sources() -> None:
    product = supplier(capacity="2500", halal_until=dt.date(2027, 3, 31), score=72.5)
    row = stored(product)
    assert row.msme_id == product.msme_id
    assert row.hs_code == product.hs_code_id
    assert row.hs_heading == product.hs_code_id[:4]
    assert row.monthly_capacity_kg == 2500.0
    assert row.is_active
    assert row.msme_verified
    assert row.readiness == 72.5
    assert row.failed_gates == ""  # the importer-permit gate is the buyer's
    assert row.certificates == "halal=2027-03-31"
    assert row.introductions == ""
    assert product.name_id in row.text
    assert facts.drift() == []


def test_product_and_msme_edits_rewrite_the_facts() -> None:
    product = supplier()
    product.monthly_capacity_kg = Decimal("123.5")
    product.is_active = False
    product.save()
    msme = product.msme
    msme.verification = "draft"
    msme.lat, msme.lon = -5.45, 105.27
    msme.save()
    row = stored(product)
    assert (row.monthly_capacity_kg, row.is_active, row.msme_verified) == (
        123.5,
        False,
        False,
    )
    assert (row.lat, row.lon) == (-5.45, 105.27)
    assert facts.drift() == []


def test_certificates_count_by_kind_last_day_and_the_products_they_name() -> None:
    product = supplier(halal_until=None)
    other = ProductFactory(msme=product.msme)
    CertificateFactory(msme=product.msme, kind="halal", valid_until=dt.date(2027, 1, 1))
    later = CertificateFactory(
        msme=product.msme, kind="halal", valid_until=dt.date(2028, 1, 1)
    )
    assert stored(product).certificates == "halal=2028-01-01"
    later.products.set([other])  # now names only the other product
    assert stored(product).certificates == "halal=2027-01-01"
    assert stored(other).certificates == "halal=2028-01-01"
    later.verification = "rejected"
    later.save()
    assert stored(other).certificates == "halal=2027-01-01"
    Certificate.objects.filter(msme=product.msme).get(
        valid_until=dt.date(2027, 1, 1)
    ).delete()
    assert stored(product).certificates == ""
    assert facts.drift() == []


def test_an_assessment_by_the_readiness_action_reaches_the_facts() -> None:
    product = supplier(assessed=False)
    assert stored(product).readiness is None
    owner = make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    assessment = assess_product(by=owner, product=product, as_of=dt.date(2026, 12, 6))
    row = stored(product)
    assert row.readiness == float(assessment.score)
    failed = [
        g["key"]
        for g in assessment.gates
        if not g["passed"] and g["key"] != "importer_permit"
    ]
    assert row.failed_gates.split() == failed
    assert facts.drift() == []


def test_the_latest_assessment_counts_and_failed_gates_are_kept() -> None:
    product = supplier(score=80)
    Assessment.objects.filter(product=product).update(is_latest=False)
    assess(product, score=35, gates=[{"key": "nib", "passed": False}])
    assert (stored(product).readiness, stored(product).failed_gates) == (35.0, "nib")
    assert facts.drift() == []


def test_introductions_answered_won_and_waiting_are_counted() -> None:
    deal = lead_parties()
    made = timezone.now() - dt.timedelta(days=30)
    make_lead(deal, stage="ordered", at=made, msme_responded_at=made)
    second = replace(deal, request=SourcingRequestFactory(buyer=deal.request.buyer))
    waiting = make_lead(second, at=made + dt.timedelta(days=1))
    answered, responded, won, lost, *pending = stored(
        deal.product
    ).introductions.split()
    assert (answered, responded, won, lost) == ("1", "1", "1", "0")
    assert pending == [facts.utc_text(waiting.created_at)]
    # the supplier answers through the action, which writes with update()
    post_message(introduction=waiting, by=deal.owner, body="Sampel dikirim minggu ini.")
    answered, responded, won, lost, *pending = stored(
        deal.product
    ).introductions.split()
    assert (answered, responded, pending) == ("2", "2", [])  # within its first week
    assert facts.drift() == []


def test_introduction_history_counts_due_ones_only() -> None:
    made = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
    text = f"2 3 1 1 {facts.utc_text(made)}"
    # before it falls due only the 3 answered ones count
    assert facts.introduction_history(text, made - dt.timedelta(seconds=1)) == (
        2 / 3,
        0.5,
    )
    # once due (created at or before the cut-off) it counts against the supplier
    assert facts.introduction_history(text, made) == (2 / 4, 0.5)
    assert facts.introduction_history("", made) is None
    assert facts.introduction_history("0 0 0 0", made) == (0.5, 0.5)


def test_bulk_writers_refresh_through_the_signal() -> None:
    product = supplier()
    MSME.objects.filter(pk=product.msme_id).update(verification="draft")
    assert facts.drift() == [product.pk]  # update() sends no model signal …
    products_changed.send(sender=MSME, msme_ids=[product.msme_id])
    assert facts.drift() == []  # … the bulk writer's signal does
    assert not stored(product).msme_verified


def test_deleting_an_msme_removes_its_facts_and_leaves_no_dangling_rows() -> None:
    deal = lead_parties()
    make_lead(deal)
    CertificateFactory(msme=deal.product.msme, kind="pirt").products.set([deal.product])
    msme = deal.product.msme
    msme.delete()
    assert not ProductFacts.objects.filter(msme_id=msme.pk).exists()
    connection.check_constraints()  # deferred foreign keys would fail at commit


def test_deleting_a_product_keeps_its_siblings_facts() -> None:
    product = supplier()
    sibling = ProductFactory(msme=product.msme)
    product.delete()
    assert not ProductFacts.objects.filter(product_id=product.pk).exists()
    assert stored(sibling).certificates.startswith("halal=")
    connection.check_constraints()
    assert facts.drift() == []


def test_the_command_reports_drift_and_rebuilds() -> None:
    product = supplier()
    ProductFacts.objects.filter(product=product).update(monthly_capacity_kg=1)
    with pytest.raises(CommandError, match=str(product.pk)):
        call_command("rebuild_matching_facts", "--check")
    call_command("rebuild_matching_facts")
    call_command("rebuild_matching_facts", "--check")
    assert stored(product).monthly_capacity_kg == float(product.monthly_capacity_kg)


def test_the_migration_fill_computes_every_product(
    django_assert_max_num_queries,
) -> None:  # type: ignore[no-untyped-def]
    products = [supplier() for _ in range(4)]
    ProductFacts.objects.all().delete()
    with django_assert_max_num_queries(8):  # a constant number, whatever the count
        assert facts.refresh_all() == len(products)
    assert facts.drift() == []


def test_evaluating_a_product_without_facts_computes_them_first() -> None:
    product = supplier()
    ProductFacts.objects.filter(product=product).delete()  # as after a raw fixture load
    request = SourcingRequestFactory(
        hs_code_id=product.hs_code_id, required_certificates=["halal"]
    )
    match = evaluate_product(request, product, as_of=dt.date(2026, 12, 6))
    assert match.product_id == product.pk
    assert "certificates_held" in [reason.code for reason in match.reasons]
    assert facts.drift() == []
