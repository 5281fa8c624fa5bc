"""Buyer-profile actions: who may keep a profile, normalised and unique SSM numbers, the
return to pending on a new SSM number, permits of the requirement book, and the trade
attaché's decisions with their audit rows and notifications."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.trade import actions_buyers as actions
from serumpun.trade.models import BuyerPermit, BuyerProfile, Verification
from serumpun.trade.tests.factories import (
    BuyerOrganisationFactory,
    BuyerPermitFactory,
    BuyerProfileFactory,
    attache_user,
    buyer_user,
    state,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%demo permit\n"


def fields(**overrides):
    values = {
        "ssm_number": "2019 0101 7777",
        "buyer_type": "importer",
        "state": state("MY-10"),
        "address": "Lot 1, Shah Alam",
        "hs_interests": ["090111", "200899"],
    }
    return {**values, **overrides}


def new_buyer():
    org = BuyerOrganisationFactory()
    return org, make_user(Role.BUYER, organisation=org)


def test_a_buyer_registers_its_own_profile_pending_with_an_audit_row():
    org, user = new_buyer()
    profile = actions.create_buyer_profile(by=user, organisation=org, fields=fields())
    assert profile.ssm_number == "201901017777"
    assert profile.verification == Verification.PENDING
    assert profile.state_id == "MY-10"
    assert profile.hs_interests == ["090111", "200899"]
    event = AuditEvent.objects.get(action="trade.buyer.created")
    assert event.object_id == str(profile.pk)
    assert "ssm_number" in event.fields


def test_the_attache_registers_a_profile_on_a_buyers_behalf():
    org = BuyerOrganisationFactory()
    profile = actions.create_buyer_profile(
        by=attache_user(), organisation=org, fields=fields(state="MY-01")
    )
    assert profile.organisation == org
    assert profile.state_id == "MY-01"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ssm_number", "12-34"),
        ("ssm_number", "201907012345"),
        ("state", "ID-LA"),  # not a Malaysian state
        ("state", "MY-99"),
        ("hs_interests", ["999999"]),  # not an HS code
        ("hs_interests", ["0901"]),  # a heading, not a subheading
        ("buyer_type", "wholesaler"),
    ],
)
def test_bad_profile_input_names_the_field(field, value):
    org, user = new_buyer()
    with pytest.raises(ValidationError) as caught:
        actions.create_buyer_profile(
            by=user, organisation=org, fields=fields(**{field: value})
        )
    assert field in caught.value.message_dict
    assert not BuyerProfile.objects.exists()


def test_a_taken_ssm_number_is_a_field_error_not_a_crash():
    BuyerProfileFactory(ssm_number="201901017777")
    org, user = new_buyer()
    with pytest.raises(ValidationError) as caught:
        actions.create_buyer_profile(by=user, organisation=org, fields=fields())
    assert "ssm_number" in caught.value.message_dict


@pytest.mark.parametrize("role", [Role.MSME_OWNER, Role.EMPLOYER])
def test_other_roles_may_not_keep_a_buyers_profile(role):
    org = BuyerOrganisationFactory()
    with pytest.raises(PermissionDenied):
        actions.create_buyer_profile(
            by=make_user(role), organisation=org, fields=fields()
        )


def test_a_buyer_may_not_keep_another_buyers_profile():
    other = BuyerProfileFactory()
    _org, user = new_buyer()
    with pytest.raises(PermissionDenied):
        actions.update_buyer_profile(by=user, profile=other, fields={"address": "x"})


def test_a_second_profile_for_the_same_buyer_is_a_conflict():
    profile = BuyerProfileFactory()
    user = buyer_user(profile)
    with pytest.raises(ConflictError):
        actions.create_buyer_profile(
            by=user, organisation=profile.organisation, fields=fields()
        )


def test_a_new_ssm_number_sends_a_verified_profile_back_to_pending():
    profile = BuyerProfileFactory(ssm_number="201901010001")
    user = buyer_user(profile)
    assert actions.sends_back_to_pending(profile, {"ssm_number": "2019-0101-0002"})
    updated = actions.update_buyer_profile(
        by=user, profile=profile, fields={"ssm_number": "2019 0101 0002"}
    )
    assert updated.ssm_number == "201901010002"
    assert updated.verification == Verification.PENDING
    assert updated.verified_at is None
    event = AuditEvent.objects.get(action="trade.buyer.updated")
    assert "verification" in event.fields


def test_other_corrections_keep_a_verified_profile_verified():
    profile = BuyerProfileFactory(ssm_number="201901010001")
    user = buyer_user(profile)
    assert not actions.sends_back_to_pending(profile, {"ssm_number": "201901010001"})
    updated = actions.update_buyer_profile(
        by=user,
        profile=profile,
        fields={"ssm_number": "2019 0101 0001", "address": "Lot 9, Klang"},
    )
    assert updated.verification == Verification.VERIFIED
    assert updated.address == "Lot 9, Klang"


def test_correcting_a_rejected_profile_sends_it_back_to_the_attache():
    profile = BuyerProfileFactory(verification=Verification.REJECTED)
    updated = actions.update_buyer_profile(
        by=buyer_user(profile), profile=profile, fields={"address": "Lot 2"}
    )
    assert updated.verification == Verification.PENDING


def test_the_attache_verifies_a_buyer_audited_and_told():
    profile = BuyerProfileFactory(pending=True)
    member = buyer_user(profile)
    attache = attache_user()
    verified = actions.verify_buyer(by=attache, profile=profile, decision="verified")
    assert verified.verification == Verification.VERIFIED
    assert verified.verified_by == attache
    assert AuditEvent.objects.filter(action="trade.buyer.verified").count() == 1
    note = Notification.objects.get(recipient=member)
    assert note.kind == "trade.buyer.verified"


def test_rejecting_needs_a_reason_which_the_buyer_reads():
    profile = BuyerProfileFactory(pending=True)
    member = buyer_user(profile)
    with pytest.raises(ValidationError) as caught:
        actions.verify_buyer(
            by=attache_user(), profile=profile, decision="rejected", reason="  "
        )
    assert "reason" in caught.value.message_dict
    rejected = actions.verify_buyer(
        by=attache_user(),
        profile=profile,
        decision="rejected",
        reason="SSM number not in e-Info.",
    )
    assert rejected.verification_reason == "SSM number not in e-Info."
    assert (
        "SSM number not in e-Info." in Notification.objects.get(recipient=member).body
    )
    event = AuditEvent.objects.get(action="trade.buyer.rejected")
    assert event.purpose == "SSM number not in e-Info."


def test_verifying_twice_is_a_conflict_and_buyers_may_not_verify():
    profile = BuyerProfileFactory()
    with pytest.raises(ConflictError):
        actions.verify_buyer(by=attache_user(), profile=profile, decision="verified")
    with pytest.raises(PermissionDenied):
        actions.verify_buyer(
            by=buyer_user(profile), profile=profile, decision="rejected", reason="x"
        )


def test_a_buyer_adds_a_permit_with_its_scan_pending():
    profile = BuyerProfileFactory()
    upload = SimpleUploadedFile("permit.pdf", PDF, content_type="application/pdf")
    permit = actions.add_permit(
        by=buyer_user(profile),
        profile=profile,
        fields={
            "requirement_id": "MY-COFFEE-PERMIT",
            "agency": " MAQIS ",
            "number": "IP/2026/1",
            "valid_until": timezone.localdate() + dt.timedelta(days=30),
        },
        upload=upload,
    )
    assert permit.verification == Verification.PENDING
    assert permit.agency == "MAQIS"
    assert permit.document.name.endswith(".pdf")
    assert AuditEvent.objects.filter(action="trade.permit.added").count() == 1
    permit.document.delete(save=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requirement_id", "MY-HALAL"),  # not a permit rule of the book
        ("requirement_id", "ID-NIB"),
        ("agency", "  "),
        ("number", ""),
        ("valid_until", dt.date(2020, 1, 1)),
    ],
)
def test_bad_permit_input_names_the_field(field, value):
    profile = BuyerProfileFactory()
    permit = {
        "requirement_id": "MY-FISH-PERMIT",
        "agency": "MAQIS",
        "number": "IP/1",
        "valid_until": None,
    }
    with pytest.raises(ValidationError) as caught:
        actions.add_permit(
            by=buyer_user(profile), profile=profile, fields={**permit, field: value}
        )
    assert field in caught.value.message_dict


def test_a_permit_scan_must_be_a_document():
    profile = BuyerProfileFactory()
    upload = SimpleUploadedFile(
        "permit.pdf", b"MZ\x90\x00", content_type="application/pdf"
    )
    with pytest.raises(ValidationError):
        actions.add_permit(
            by=buyer_user(profile),
            profile=profile,
            fields={"requirement_id": "MY-FISH-PERMIT", "agency": "M", "number": "1"},
            upload=upload,
        )
    assert not BuyerPermit.objects.exists()


def test_the_attache_verifies_a_permit_and_an_expired_one_is_refused():
    permit = BuyerPermitFactory(pending=True)
    member = buyer_user(permit.buyer)
    verified = actions.verify_permit(
        by=attache_user(), permit=permit, decision="verified"
    )
    assert verified.verification == Verification.VERIFIED
    assert Notification.objects.get(recipient=member).kind == "trade.permit.verified"
    expired = BuyerPermitFactory(pending=True, valid_until=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        actions.verify_permit(by=attache_user(), permit=expired, decision="verified")
    assert "valid_until" in caught.value.message_dict


def test_removing_a_permit_is_audited_and_only_for_its_buyer():
    permit = BuyerPermitFactory()
    with pytest.raises(PermissionDenied):
        actions.remove_permit(by=buyer_user(), permit=permit)
    actions.remove_permit(by=buyer_user(permit.buyer), permit=permit)
    assert not BuyerPermit.objects.exists()
    assert AuditEvent.objects.filter(action="trade.permit.removed").count() == 1


def test_permit_rules_come_from_the_requirement_book():
    ids = {rule.id for rule in actions.permit_rules()}
    assert {"MY-COFFEE-PERMIT", "MY-FISH-PERMIT"} <= ids
    assert all(rule.permit for rule in actions.permit_rules())


def test_the_attaches_are_told_of_a_new_buyer_but_not_the_one_who_registered_it():
    first, second = attache_user(), attache_user()
    org, user = new_buyer()
    actions.create_buyer_profile(by=user, organisation=org, fields=fields())
    told = Notification.objects.filter(kind="trade.buyer.pending")
    assert set(told.values_list("recipient", flat=True)) == {first.pk, second.pk}
    other_org = BuyerOrganisationFactory()
    actions.create_buyer_profile(
        by=first, organisation=other_org, fields=fields(ssm_number="201901018888")
    )
    assert told.filter(recipient=first).count() == 1  # not told of its own work


def test_the_attaches_are_told_when_a_profile_returns_to_them_only():
    attache = attache_user()
    profile = BuyerProfileFactory(ssm_number="201901010001")
    user = buyer_user(profile)
    actions.update_buyer_profile(by=user, profile=profile, fields={"address": "Lot 9"})
    assert not Notification.objects.filter(recipient=attache).exists()
    actions.update_buyer_profile(
        by=user, profile=profile, fields={"ssm_number": "201901010002"}
    )
    note = Notification.objects.get(recipient=attache)
    assert note.kind == "trade.buyer.pending"
    assert "201901010002" in note.body


def test_editing_a_verified_permit_sends_it_back_to_pending_audited():
    permit = BuyerPermitFactory(number="IP/1")
    assert permit.verification == Verification.VERIFIED
    renewed = timezone.localdate() + dt.timedelta(days=400)
    edited = actions.update_permit(
        by=buyer_user(permit.buyer),
        permit=permit,
        fields={"number": " IP/2 ", "valid_until": renewed, "agency": "forged"},
    )
    assert (edited.number, edited.valid_until) == ("IP/2", renewed)
    assert edited.agency == permit.agency  # only number and validity are editable
    assert edited.verification == Verification.PENDING
    assert edited.verified_by is None
    event = AuditEvent.objects.get(action="trade.permit.updated")
    assert {"number", "valid_until", "verification"} <= set(event.fields)


def test_an_unchanged_permit_edit_keeps_its_verification_and_writes_nothing():
    permit = BuyerPermitFactory(number="IP/1")
    kept = actions.update_permit(
        by=buyer_user(permit.buyer), permit=permit, fields={"number": "IP/1"}
    )
    assert kept.verification == Verification.VERIFIED
    assert not AuditEvent.objects.filter(action="trade.permit.updated").exists()


def test_a_new_scan_replaces_the_old_file(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    profile = BuyerProfileFactory()
    user = buyer_user(profile)
    first = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    permit = actions.add_permit(
        by=user,
        profile=profile,
        fields={"requirement_id": "MY-FISH-PERMIT", "agency": "M", "number": "1"},
        upload=first,
    )
    old = permit.document.path
    second = SimpleUploadedFile("b.pdf", PDF + b"2", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        edited = actions.update_permit(by=user, permit=permit, fields={}, upload=second)
    assert edited.document.path != old
    assert edited.document.read() == PDF + b"2"
    assert not Path(old).exists()


@pytest.mark.parametrize(
    ("field", "value"), [("number", "  "), ("valid_until", dt.date(2020, 1, 1))]
)
def test_bad_permit_edits_name_the_field(field, value):
    permit = BuyerPermitFactory()
    with pytest.raises(ValidationError) as caught:
        actions.update_permit(
            by=buyer_user(permit.buyer), permit=permit, fields={field: value}
        )
    assert field in caught.value.message_dict


def test_only_the_buyer_or_the_attache_edits_a_permit():
    permit = BuyerPermitFactory()
    with pytest.raises(PermissionDenied):
        actions.update_permit(by=buyer_user(), permit=permit, fields={"number": "X"})
    edited = actions.update_permit(
        by=attache_user(), permit=permit, fields={"number": "X"}
    )
    assert edited.number == "X"
