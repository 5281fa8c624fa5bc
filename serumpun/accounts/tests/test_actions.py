"""Account actions: permission checks, audit rows, invitations and tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from serumpun.accounts import actions
from serumpun.accounts.api_auth import hash_token
from serumpun.accounts.models import Invitation, Membership, User
from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.accounts.tests.factories import (
    TEST_PASSWORD,
    OrganisationFactory,
    UserFactory,
    make_user,
)
from serumpun.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE_URL = "https://serumpun.example"


def invite(by, email="owner@example.test"):
    organisation = OrganisationFactory.create(kind=OrganisationKind.MSME)
    return actions.invite_member(
        by=by, email=email, organisation=organisation, base_url=BASE_URL
    )


def test_officer_creates_an_msme_but_not_an_embassy():
    officer = make_user(Role.OFFICER)
    msme = actions.create_organisation(
        by=officer, name=" Kopi Liwa Jaya ", kind=OrganisationKind.MSME
    )
    assert msme.name == "Kopi Liwa Jaya"
    assert AuditEvent.objects.filter(
        action="organisation.create", object_id=str(msme.pk), actor=officer
    ).exists()
    with pytest.raises(PermissionDenied):
        actions.create_organisation(
            by=officer, name="KBRI", kind=OrganisationKind.EMBASSY
        )


def test_msme_owner_may_not_create_organisations():
    with pytest.raises(PermissionDenied):
        actions.create_organisation(
            by=make_user(Role.MSME_OWNER), name="X", kind=OrganisationKind.MSME
        )


def test_invitation_stores_only_the_hash_and_mails_the_link(
    django_capture_on_commit_callbacks,
):
    officer = make_user(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite(officer, email="Owner@Example.TEST")
    assert invitation.email == "owner@example.test"
    assert invitation.token_hash == hash_token(raw)
    assert raw not in invitation.token_hash
    assert invitation.expires_at > timezone.now()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.test"]
    assert f"{BASE_URL}/accounts/invitation/{raw}/" in message.body
    assert AuditEvent.objects.filter(
        action="invitation.create", object_id=str(invitation.pk)
    ).exists()


def test_no_mail_when_the_invitation_is_rolled_back(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    officer = make_user(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                invite(officer)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_officer_may_invite_only_msme_owners_into_msmes():
    officer = make_user(Role.OFFICER)
    buyer_org = OrganisationFactory.create(kind=OrganisationKind.BUYER, country="MY")
    with pytest.raises(PermissionDenied):
        actions.invite_member(
            by=officer,
            email="b@example.test",
            organisation=buyer_org,
            role=Role.BUYER,
            base_url=BASE_URL,
        )
    with pytest.raises(ValidationError):
        actions.invite_member(
            by=officer,
            email="b@example.test",
            organisation=buyer_org,
            role=Role.MSME_OWNER,
            base_url=BASE_URL,
        )


def test_buyer_may_not_invite():
    with pytest.raises(PermissionDenied):
        invite(make_user(Role.BUYER))


def test_inviting_an_existing_account_is_refused():
    officer = make_user(Role.OFFICER)
    UserFactory.create(email="taken@example.test")
    with pytest.raises(ValidationError) as exc:
        invite(officer, email="TAKEN@example.test")
    assert exc.value.code == "exists"


def test_accepting_creates_the_user_and_membership_once():
    officer = make_user(Role.OFFICER)
    invitation, raw = invite(officer)
    user = actions.accept_invitation(
        token=raw, full_name="Siti Rahma", password=TEST_PASSWORD
    )
    assert user.check_password(TEST_PASSWORD)
    assert user.full_name == "Siti Rahma"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.MSME_OWNER
    assert membership.organisation == invitation.organisation
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    with pytest.raises(ValidationError) as exc:
        actions.accept_invitation(token=raw, full_name="X", password=TEST_PASSWORD)
    assert exc.value.code == "used"
    assert User.objects.filter(email=invitation.email).count() == 1


@pytest.mark.usefixtures("in_english")
def test_expired_invitation_is_refused_with_a_clear_error():
    invitation, raw = invite(make_user(Role.OFFICER))
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as exc:
        actions.accept_invitation(token=raw, full_name="X", password=TEST_PASSWORD)
    assert exc.value.code == "expired"
    assert "expired" in exc.value.messages[0]


def test_unknown_invitation_token_is_invalid():
    with pytest.raises(ValidationError) as exc:
        actions.accept_invitation(token="nope", full_name="X", password=TEST_PASSWORD)
    assert exc.value.code == "invalid"


def test_weak_password_is_refused_on_accept():
    _invitation, raw = invite(make_user(Role.OFFICER))
    with pytest.raises(ValidationError):
        actions.accept_invitation(token=raw, full_name="X", password="short")
    assert not User.objects.filter(email="owner@example.test").exists()


def test_admin_adds_a_member_and_officer_may_not():
    admin = make_user(Role.ADMIN)
    person = UserFactory.create()
    buyer_org = OrganisationFactory.create(kind=OrganisationKind.BUYER, country="MY")
    membership = actions.add_member(
        by=admin, user=person, organisation=buyer_org, role=Role.BUYER
    )
    assert membership.role == Role.BUYER
    with pytest.raises(PermissionDenied):
        actions.add_member(
            by=make_user(Role.OFFICER),
            user=person,
            organisation=buyer_org,
            role=Role.BUYER,
        )


def test_issued_token_is_stored_hashed_with_prefix_and_expiry(settings):
    user = make_user(Role.BUYER)
    before = timezone.now()
    token, raw = actions.issue_api_token(user=user, name="ERP")
    assert token.key_hash == hash_token(raw)
    assert token.prefix == raw[:8]
    assert len(raw) >= 40
    assert (
        before + settings.SERUMPUN_API_TOKEN_TTL
        <= token.expires_at
        <= timezone.now() + settings.SERUMPUN_API_TOKEN_TTL
    )
    assert AuditEvent.objects.filter(
        action="api_token.issue", kind=AuditEvent.Kind.SECURITY
    ).exists()


def test_only_the_owner_revokes_a_token():
    owner = make_user(Role.BUYER)
    token, _raw = actions.issue_api_token(user=owner)
    with pytest.raises(PermissionDenied):
        actions.revoke_api_token(by=make_user(Role.BUYER), token=token)
    actions.revoke_api_token(by=owner, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.is_usable()
    assert AuditEvent.objects.filter(
        action="api_token.revoke", object_id=str(token.pk), actor=owner
    ).exists()


def test_invite_msme_owner_registers_the_business_and_invites(
    django_capture_on_commit_callbacks,
):
    officer = make_user(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = actions.invite_msme_owner(
            by=officer,
            email="owner@example.test",
            business_name="Keripik Pisang Ibu Ani",
            regency_id=None,
            base_url=BASE_URL,
        )
    assert invitation.organisation.kind == OrganisationKind.MSME
    assert invitation.organisation.name == "Keripik Pisang Ibu Ani"
    assert raw in str(mail.outbox[0].body)
