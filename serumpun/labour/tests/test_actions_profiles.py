"""Verifying employers and agencies: who may, which moves are allowed, audit and notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour.actions_profiles import verify_agency, verify_employer
from serumpun.labour.models import Verification
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    EmployerProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    user = make_user(Role.EMPLOYER)
    profile = EmployerProfileFactory(
        organisation=user.organisation, verification=Verification.PENDING
    )
    return user, profile


@pytest.fixture
def agency():
    user = make_user(Role.AGENCY)
    profile = AgencyProfileFactory(
        organisation=user.organisation, verification=Verification.PENDING
    )
    return user, profile


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.OFFICER, Role.ADMIN])
def test_the_attache_an_officer_or_the_admin_verifies_an_employer(role, employer):
    member, profile = employer
    verifier = make_user(role)

    verify_employer(by=verifier, profile=profile, decision="verified")

    profile.refresh_from_db()
    assert profile.verification == Verification.VERIFIED
    assert profile.verified_by == verifier
    assert profile.verified_at is not None
    event = AuditEvent.objects.get(action="labour.employer.verified")
    assert event.actor == verifier
    assert event.object_id == str(profile.pk)
    assert event.organisation == profile.organisation
    assert Notification.objects.filter(
        recipient=member, kind="labour.employer.verified"
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.EMPLOYER, Role.AGENCY, Role.SEEKER, Role.BUYER, Role.TRADE_ATTACHE]
)
def test_other_roles_may_not_verify(role, employer, agency):
    _, employer_profile = employer
    _, agency_profile = agency
    user = make_user(role)

    with pytest.raises(PermissionDenied):
        verify_employer(by=user, profile=employer_profile, decision="verified")
    with pytest.raises(PermissionDenied):
        verify_agency(by=user, profile=agency_profile, decision="verified")

    employer_profile.refresh_from_db()
    assert employer_profile.verification == Verification.PENDING
    assert not AuditEvent.objects.filter(action__startswith="labour.").exists()


def test_a_rejection_needs_a_reason_which_the_members_read(employer):
    member, profile = employer
    attache = make_user(Role.LABOUR_ATTACHE)

    with pytest.raises(ValidationError) as error:
        verify_employer(by=attache, profile=profile, decision="rejected", reason="  ")
    assert "reason" in error.value.message_dict

    verify_employer(
        by=attache,
        profile=profile,
        decision="rejected",
        reason="SSM number belongs to another company",
    )
    assert profile.verification == Verification.REJECTED
    note = Notification.objects.get(recipient=member)
    assert note.body == "SSM number belongs to another company"
    event = AuditEvent.objects.get(action="labour.employer.rejected")
    assert event.purpose == "SSM number belongs to another company"


def test_an_unknown_decision_is_refused(employer):
    _, profile = employer
    with pytest.raises(ValidationError) as error:
        verify_employer(
            by=make_user(Role.LABOUR_ATTACHE), profile=profile, decision="pending"
        )
    assert "decision" in error.value.message_dict


def test_verifying_twice_is_a_conflict_but_a_rejected_profile_may_be_verified_later(
    employer,
):
    _, profile = employer
    attache = make_user(Role.LABOUR_ATTACHE)
    verify_employer(by=attache, profile=profile, decision="verified")

    with pytest.raises(ConflictError):
        verify_employer(by=attache, profile=profile, decision="verified")

    verify_employer(
        by=attache, profile=profile, decision="rejected", reason="approval revoked"
    )
    verify_employer(by=attache, profile=profile, decision="verified")
    assert profile.verification == Verification.VERIFIED
    assert AuditEvent.objects.filter(object_id=str(profile.pk)).count() == 3


def test_an_agency_with_a_valid_licence_is_verified_and_told(agency):
    member, profile = agency
    officer = make_user(Role.OFFICER)

    verify_agency(by=officer, profile=profile, decision="verified")

    assert profile.verification == Verification.VERIFIED
    assert AuditEvent.objects.filter(
        action="labour.agency.verified", actor=officer
    ).exists()
    assert Notification.objects.filter(
        recipient=member, kind="labour.agency.verified"
    ).exists()


@pytest.mark.parametrize(
    "valid_until",
    [timezone.localdate() - dt.timedelta(days=1), None],
    ids=["expired", "no-date"],
)
def test_an_agency_without_a_licence_valid_today_cannot_be_verified_only_rejected(
    agency, valid_until
):
    _, profile = agency
    profile.valid_until = valid_until
    profile.save()
    attache = make_user(Role.LABOUR_ATTACHE)

    with pytest.raises(ValidationError) as error:
        verify_agency(by=attache, profile=profile, decision="verified")
    assert "valid_until" in error.value.message_dict
    profile.refresh_from_db()
    assert profile.verification == Verification.PENDING

    verify_agency(
        by=attache, profile=profile, decision="rejected", reason="licence expired"
    )
    assert profile.verification == Verification.REJECTED


def test_a_licence_valid_until_today_is_still_valid(agency):
    _, profile = agency
    profile.valid_until = timezone.localdate()
    profile.save()

    verify_agency(
        by=make_user(Role.LABOUR_ATTACHE), profile=profile, decision="verified"
    )

    assert profile.verification == Verification.VERIFIED
