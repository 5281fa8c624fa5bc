"""Every state change of accounts: organisations, members, invitations, tokens, 2FA.

Views, the API and the admin call these; each checks permission, runs in one transaction and
writes the audit log (serumpun.core.audit.record).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from serumpun.accounts.api_auth import hash_token
from serumpun.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    User,
)
from serumpun.accounts.roles import (
    ROLE_ORGANISATION_KIND,
    Role,
    creatable_organisation_kinds,
    grantable_roles,
    require_permission,
)
from serumpun.core.audit import record
from serumpun.core.models import AuditEvent

#: characters of a raw API token kept in clear so its owner can recognise it
TOKEN_PREFIX_LENGTH = 8
#: entropy of raw API tokens and invitation links (bytes before URL-safe encoding)
SECRET_BYTES = 32


def create_organisation(
    *,
    by: User,
    name: str,
    kind: str,
    country: str = "ID",
    regency_id: str | None = None,
) -> Organisation:
    """Create an organisation of a kind `by` may create (an officer: MSMEs only)."""
    require_permission(by, "organisation.create")
    if kind not in creatable_organisation_kinds(by):
        raise PermissionDenied(_("You may not create this kind of organisation."))
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name.strip(), kind=kind, country=country, regency_id=regency_id
        )
        record(
            actor=by,
            action="organisation.create",
            obj=organisation,
            fields=["name", "kind", "country", "regency"],
        )
    return organisation


def _check_may_place(by: User, organisation: Organisation, role: str) -> None:
    if role not in grantable_roles(by):
        raise PermissionDenied(_("You may not give people this role."))
    if ROLE_ORGANISATION_KIND.get(role) != organisation.kind:
        raise ValidationError(
            _("A %(role)s cannot belong to this kind of organisation."),
            code="wrong_kind",
            params={"role": Role(role).label},
        )


def add_member(
    *, by: User, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give an existing user a role in an organisation."""
    require_permission(by, "member.add")
    _check_may_place(by, organisation, role)
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        record(
            actor=by,
            action="membership.add",
            obj=membership,
            fields=["user", "organisation", "role"],
            organisation=organisation,
        )
    return membership


def _send_invitation(invitation: Invitation, accept_url: str, language: str) -> None:
    # Rendered in the inviter's language: the invitee has no preference yet.
    with translation.override(language):
        context = {"invitation": invitation, "accept_url": accept_url}
        subject = _("Your invitation to Serumpun")
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invite_member(
    *,
    by: User,
    email: str,
    organisation: Organisation,
    role: str = Role.MSME_OWNER,
    base_url: str,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and the raw link token (sent once).

    `base_url` is the site's scheme and host ("https://serumpun.lampungprov.go.id"), so the
    e-mailed link is absolute.
    """
    require_permission(by, "user.invite")
    _check_may_place(by, organisation, role)
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("Someone already signs in with this e-mail address."), code="exists"
        )
    raw = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            invited_by=by,
            token_hash=hash_token(raw),
            expires_at=timezone.now() + settings.SERUMPUN_INVITATION_TTL,
        )
        record(
            actor=by,
            action="invitation.create",
            obj=invitation,
            fields=["email", "organisation", "role"],
            organisation=organisation,
        )
        accept_url = base_url.rstrip("/") + reverse(
            "accounts:accept_invitation", args=[raw]
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        # No e-mail for an invitation that was rolled back.
        transaction.on_commit(
            lambda: _send_invitation(invitation, accept_url, language)
        )
    return invitation, raw


def invite_msme_owner(
    *, by: User, email: str, business_name: str, regency_id: str | None, base_url: str
) -> tuple[Invitation, str]:
    """An officer registers a new MSME and invites its owner, in one step."""
    with transaction.atomic():
        organisation = create_organisation(
            by=by,
            name=business_name,
            kind=ROLE_ORGANISATION_KIND[Role.MSME_OWNER] or "",
            regency_id=regency_id,
        )
        return invite_member(
            by=by,
            email=email,
            organisation=organisation,
            role=Role.MSME_OWNER,
            base_url=base_url,
        )


def find_invitation(token: str) -> Invitation:
    """The open invitation for a raw link token, or ValidationError saying why not."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has already been used. Sign in instead."), code="used"
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the officer for a new one."),
            code="expired",
        )
    return invitation


def accept_invitation(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account and membership from an invitation link."""
    with transaction.atomic():
        found = find_invitation(token)
        # Lock the row so one link cannot be accepted twice at the same moment.
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .get(pk=found.pk)
        )
        if invitation.accepted_at is not None:
            raise ValidationError(
                _("This invitation has already been used. Sign in instead."),
                code="used",
            )
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Someone already signs in with this e-mail address."), code="exists"
            )
        candidate = User(email=invitation.email, full_name=full_name.strip())
        validate_password(password, user=candidate)
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            preferred_language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record(
            actor=user,
            action="invitation.accept",
            obj=invitation,
            fields=["accepted_at"],
            organisation=invitation.organisation,
        )
    return user


def issue_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token for `user`; the raw token is returned once and never stored."""
    require_permission(user, "api_token.manage_own")
    raw = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=raw[:TOKEN_PREFIX_LENGTH],
            key_hash=hash_token(raw),
            expires_at=timezone.now() + settings.SERUMPUN_API_TOKEN_TTL,
        )
        record(
            actor=user,
            action="api_token.issue",
            obj=token,
            fields=["name", "expires_at"],
            kind=AuditEvent.Kind.SECURITY,
        )
    return token, raw


def revoke_api_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may a platform admin. Revoking twice is a no-op."""
    if token.user_id != by.pk and not by.is_platform_admin:
        raise PermissionDenied(_("Only the token's owner may revoke it."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=by,
            action="api_token.revoke",
            obj=token,
            fields=["revoked_at"],
            kind=AuditEvent.Kind.SECURITY,
        )
    return token


def set_language_preference(*, user: User, language: str) -> User:
    """Save the user's interface language."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="invalid")
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        record(actor=user, action="user.set_language", obj=user, fields=["language"])
    return user


def start_totp_setup(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device (a new secret unless one is being set up)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=_("Authenticator app"), confirmed=False
            )
            record(
                actor=user,
                action="two_factor.start",
                obj=device,
                kind=AuditEvent.Kind.SECURITY,
            )
    return device


def confirm_totp_device(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm a TOTP device with a code from the app; False when the code is wrong."""
    if device.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per person: set-ups abandoned halfway are discarded.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(
            actor=user,
            action="two_factor.confirm",
            obj=device,
            fields=["confirmed"],
            kind=AuditEvent.Kind.SECURITY,
        )
    return True


def verify_second_factor(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Check a sign-in TOTP code of a confirmed device (wrong codes slow the next try)."""
    if device.user_id != user.pk or not device.confirmed:
        raise PermissionDenied
    with transaction.atomic():
        verified = bool(device.verify_token(code))
        record(
            actor=user,
            action="two_factor.verify" if verified else "two_factor.fail",
            obj=device,
            kind=AuditEvent.Kind.SECURITY,
        )
    return verified


def record_security_event(*, user: User, action: str) -> None:
    """Audit a security event of `user` (password reset, second-factor sign-in)."""
    with transaction.atomic():
        record(actor=user, action=action, obj=user, kind=AuditEvent.Kind.SECURITY)
