"""Exporters actions: permissions, validation, transitions, audit rows and notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.exporters import actions
from serumpun.exporters.actions import ConflictError
from serumpun.exporters.models import MSME, Verification
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
    regency,
)

pytestmark = pytest.mark.django_db

BN = 1_000_000_000


def msme_fields(**overrides):
    fields = {
        "name": "CV Kopi Liwa",
        "nib": "9120 0012 34567",
        "regency_id": regency("1801").pk,
        "owner_name": "Budi Santoso",
        "phone": "0812-3456-7890",
        "annual_turnover_idr": Decimal(3 * BN),
    }
    fields.update(overrides)
    return fields


def audit_actions(obj):
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def owner():
    return make_user(Role.MSME_OWNER)


@pytest.fixture
def officer():
    return make_user(Role.OFFICER)


# --- create_msme ------------------------------------------------------------------------------


def test_an_owner_registers_the_business_of_their_own_organisation(owner):
    msme = actions.create_msme(by=owner, fields=msme_fields())
    assert msme.organisation == owner.organisation
    assert msme.nib == "9120001234567"
    assert msme.phone == "+6281234567890"
    assert msme.size_class == "small"  # Rp 3 bn of sales a year
    assert msme.verification == Verification.DRAFT
    assert msme.created_by == owner
    assert audit_actions(msme) == ["exporters.msme.created"]


def test_an_organisation_has_one_business_profile(owner):
    actions.create_msme(by=owner, fields=msme_fields())
    with pytest.raises(ConflictError):
        actions.create_msme(by=owner, fields=msme_fields(nib="9120001234568"))


def test_an_officer_registers_an_offline_msme_without_organisation(officer):
    msme = actions.create_msme(by=officer, fields=msme_fields(), source="import")
    assert msme.organisation is None
    assert msme.source == "import"


def test_a_second_msme_with_the_same_nib_is_a_conflict(officer):
    actions.create_msme(by=officer, fields=msme_fields())
    with pytest.raises(ConflictError) as caught:
        actions.create_msme(by=officer, fields=msme_fields(nib="9120001234567"))
    assert caught.value.field == "nib"
    assert MSME.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nib": "12345"}, "nib"),
        ({"nib": "91200012345AB"}, "nib"),
        ({"phone": "hello"}, "phone"),
        ({"npwp": "123"}, "npwp"),
        ({"regency_id": "9999"}, "regency"),
        ({"assets_idr": Decimal(-1)}, "assets_idr"),
        ({"email": "not-an-email"}, "email"),
        ({"owner_name": ""}, "owner_name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_names_the_field_of_a_bad_value(officer, overrides, field):
    with pytest.raises(ValidationError) as caught:
        actions.create_msme(by=officer, fields=msme_fields(**overrides))
    assert field in caught.value.message_dict
    assert not MSME.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.BUYER, Role.EMPLOYER, Role.SEEKER, Role.TRADE_ATTACHE]
)
def test_other_roles_may_not_register_msmes(role):
    with pytest.raises(PermissionDenied):
        actions.create_msme(by=make_user(role), fields=msme_fields())


# --- update_msme ------------------------------------------------------------------------------


def test_editing_recomputes_the_size_class(owner):
    msme = MSMEFactory(organisation=owner.organisation, annual_turnover_idr=None)
    actions.update_msme(
        by=owner, msme=msme, fields={"annual_turnover_idr": Decimal(20 * BN)}
    )
    msme.refresh_from_db()
    assert msme.size_class == "medium"
    assert audit_actions(msme) == ["exporters.msme.updated"]


def test_an_owner_changing_a_verified_identity_sends_it_back_to_review(owner):
    msme = MSMEFactory(organisation=owner.organisation, verified=True)
    actions.update_msme(by=owner, msme=msme, fields={"name": "PT Kopi Baru"})
    assert msme.verification == Verification.SUBMITTED
    assert "exporters.msme.submitted" in audit_actions(msme)


def test_other_edits_keep_the_verified_badge(owner):
    msme = MSMEFactory(organisation=owner.organisation, verified=True)
    actions.update_msme(by=owner, msme=msme, fields={"phone": "+62 811 1111 2222"})
    assert msme.verification == Verification.VERIFIED
    assert msme.phone == "+6281111112222"


def test_an_officer_edit_keeps_the_verification(officer):
    msme = MSMEFactory(verified=True)
    actions.update_msme(by=officer, msme=msme, fields={"name": "PT Kopi Baru"})
    assert msme.verification == Verification.VERIFIED


def test_changing_to_a_taken_nib_is_a_conflict(owner):
    other = MSMEFactory()
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ConflictError):
        actions.update_msme(by=owner, msme=msme, fields={"nib": other.nib})


def test_an_owner_may_not_edit_another_msme(owner):
    with pytest.raises(PermissionDenied):
        actions.update_msme(by=owner, msme=MSMEFactory(), fields={"name": "X"})


def test_an_attache_sees_but_may_not_edit():
    with pytest.raises(PermissionDenied):
        actions.update_msme(
            by=make_user(Role.TRADE_ATTACHE), msme=MSMEFactory(), fields={"name": "X"}
        )


# --- submit / verify --------------------------------------------------------------------------


def test_submit_then_verify_notifies_the_owner_in_app_and_by_email(
    owner, officer, django_capture_on_commit_callbacks
):
    msme = MSMEFactory(organisation=owner.organisation)
    actions.submit_msme(by=owner, msme=msme)
    assert msme.verification == Verification.SUBMITTED
    assert msme.submitted_at is not None
    assert not Notification.objects.exists()  # submitting spams nobody

    with django_capture_on_commit_callbacks(execute=True):
        actions.verify_msme(by=officer, msme=msme, decision="verified")
    msme.refresh_from_db()
    assert msme.verification == Verification.VERIFIED
    assert msme.verified_by == officer
    assert audit_actions(msme) == [
        "exporters.msme.submitted",
        "exporters.msme.verified",
    ]
    note = Notification.objects.get(recipient=owner)
    assert note.kind == "exporters.msme.verified"
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_a_rejection_needs_a_reason_the_owner_reads(owner, officer):
    msme = MSMEFactory(organisation=owner.organisation, submitted=True)
    with pytest.raises(ValidationError) as caught:
        actions.verify_msme(by=officer, msme=msme, decision="rejected")
    assert "reason" in caught.value.message_dict
    actions.verify_msme(
        by=officer, msme=msme, decision="rejected", reason="NIB tidak cocok dengan OSS"
    )
    assert msme.verification == Verification.REJECTED
    assert (
        Notification.objects.get(recipient=owner).body == "NIB tidak cocok dengan OSS"
    )


def test_a_rejected_profile_can_be_submitted_again(owner):
    msme = MSMEFactory(organisation=owner.organisation, verification="rejected")
    actions.submit_msme(by=owner, msme=msme)
    assert msme.verification == Verification.SUBMITTED


def test_submitting_twice_is_a_conflict(owner):
    msme = MSMEFactory(organisation=owner.organisation, submitted=True)
    with pytest.raises(ConflictError):
        actions.submit_msme(by=owner, msme=msme)


def test_verifying_a_verified_profile_is_a_conflict(officer):
    with pytest.raises(ConflictError):
        actions.verify_msme(
            by=officer, msme=MSMEFactory(verified=True), decision="verified"
        )


def test_an_officer_may_verify_an_offline_draft_directly(officer):
    msme = MSMEFactory(organisation=None)
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    assert msme.verification == Verification.VERIFIED


def test_an_owner_may_not_verify(owner):
    msme = MSMEFactory(organisation=owner.organisation, submitted=True)
    with pytest.raises(PermissionDenied):
        actions.verify_msme(by=owner, msme=msme, decision="verified")


# --- products ---------------------------------------------------------------------------------


def product_fields(**overrides):
    fields = {
        "name_id": "Kopi robusta petik merah",
        "name_en": "Red-cherry robusta",
        "hs_code": "0901.11",
        "monthly_capacity_kg": "1500",
        "label_languages": ["id", "en"],
    }
    fields.update(overrides)
    return fields


def test_an_owner_adds_a_product_with_a_searchable_text(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    product = actions.add_product(by=owner, msme=msme, fields=product_fields())
    assert product.hs_code_id == "090111"
    assert product.monthly_capacity_kg == Decimal(1500)
    assert "robusta" in product.search_text
    assert "090111" in product.search_text
    assert audit_actions(product) == ["exporters.product.created"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hs_code": "098765"}, "hs_code"),
        ({"hs_code": "0901"}, "hs_code"),  # a heading is not a subheading
        ({"monthly_capacity_kg": "-1"}, "monthly_capacity_kg"),
        ({"fob_price_usd_per_kg": "-0.01"}, "fob_price_usd_per_kg"),
        ({"label_languages": ["fr"]}, "label_languages"),
        ({"name_id": " "}, "name_id"),
    ],
)
def test_bad_product_values_are_refused(owner, overrides, field):
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ValidationError) as caught:
        actions.add_product(by=owner, msme=msme, fields=product_fields(**overrides))
    assert field in caught.value.message_dict


def test_updating_a_product_refreshes_its_search_text(owner):
    product = ProductFactory(msme__organisation=owner.organisation)
    crab = hs_code("030614")
    actions.update_product(
        by=owner, product=product, fields={"name_id": "Rajungan beku", "hs_code": crab}
    )
    product.refresh_from_db()
    assert product.search_text.startswith("rajungan beku")
    assert "030614" in product.search_text


def test_withdrawing_a_product_is_audited_once(owner):
    product = ProductFactory(msme__organisation=owner.organisation)
    actions.set_product_active(by=owner, product=product, active=False)
    actions.set_product_active(by=owner, product=product, active=False)
    assert product.is_active is False
    assert audit_actions(product) == ["exporters.product.deactivated"]


def test_an_owner_may_not_add_products_to_another_msme(owner):
    with pytest.raises(PermissionDenied):
        actions.add_product(by=owner, msme=MSMEFactory(), fields=product_fields())


# --- certificates -----------------------------------------------------------------------------


def test_an_owner_records_a_certificate_covering_own_products(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    product = ProductFactory(msme=msme)
    certificate = actions.record_certificate(
        by=owner,
        msme=msme,
        fields={
            "kind": "halal",
            "number": "ID18110000123",
            "issuer": "BPJPH",
            "valid_until": timezone.localdate() + dt.timedelta(days=300),
        },
        product_ids=[product.pk],
    )
    assert list(certificate.products.all()) == [product]
    assert certificate.verification == Verification.SUBMITTED
    assert audit_actions(certificate) == ["exporters.certificate.recorded"]


def test_a_certificate_may_not_cover_another_msmes_product(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ValidationError) as caught:
        actions.record_certificate(
            by=owner,
            msme=msme,
            fields={
                "kind": "pirt",
                "number": "1",
                "issuer": "Dinkes",
                "valid_until": "2030-01-01",
            },
            product_ids=[ProductFactory().pk],
        )
    assert "product_ids" in caught.value.message_dict


def test_expiry_before_issue_is_refused(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ValidationError) as caught:
        actions.record_certificate(
            by=owner,
            msme=msme,
            fields={
                "kind": "sni",
                "number": "1",
                "issuer": "BSN",
                "issued_on": "2025-01-02",
                "valid_until": "2025-01-01",
            },
        )
    assert "valid_until" in caught.value.message_dict


def test_verifying_a_certificate_notifies_the_owner(owner, officer):
    certificate = CertificateFactory(msme__organisation=owner.organisation)
    actions.verify_certificate(by=officer, certificate=certificate, decision="verified")
    assert certificate.verification == Verification.VERIFIED
    assert audit_actions(certificate) == ["exporters.certificate.verified"]
    assert Notification.objects.get(recipient=owner).kind == (
        "exporters.certificate.verified"
    )


def test_rejecting_a_certificate_twice_is_a_conflict(officer):
    certificate = CertificateFactory()
    actions.verify_certificate(
        by=officer, certificate=certificate, decision="rejected", reason="Nomor palsu"
    )
    with pytest.raises(ConflictError):
        actions.verify_certificate(
            by=officer, certificate=certificate, decision="rejected", reason="lagi"
        )


# --- export history ---------------------------------------------------------------------------


def test_it_records_export_history(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    record = actions.record_export(
        by=owner, msme=msme, country_code="my", year=2024, value_usd="12000.50"
    )
    assert record.country_id == "MY"
    assert audit_actions(record) == ["exporters.export.recorded"]


def test_export_history_needs_a_known_country_and_a_past_year(owner):
    msme = MSMEFactory(organisation=owner.organisation)
    with pytest.raises(ValidationError) as caught:
        actions.record_export(
            by=owner, msme=msme, country_code="XX", year=3000, value_usd=-5
        )
    assert set(caught.value.message_dict) == {"country_code", "year", "value_usd"}
