"""Verifying Malaysian employers and Indonesian recruitment agencies (issue 7 §1).

The labour attaché (or a provincial officer) checks an employer's SSM registration and JTKSM
s.60K approval, or an agency's SIP3MI licence against the ministry's public list, then
verifies or rejects the profile. Each decision is audited and told to the organisation's
members. The compliance engine reads the result: ID-5 needs a *verified* agency licence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import notify
from serumpun.labour.models import AgencyProfile, EmployerProfile, Verification

if TYPE_CHECKING:
    from serumpun.accounts.models import Organisation

__all__ = ["may_verify_profiles", "verify_agency", "verify_employer"]

#: the labour attaché and the provincial manpower officer verify employers and agencies
VERIFIER_PERMISSIONS = ("labour_profile.verify",)
#: a decision and the states a profile may be in when it is taken
DECISION_FROM: dict[str, frozenset[str]] = {
    Verification.VERIFIED: frozenset({Verification.PENDING, Verification.REJECTED}),
    # rejecting a verified profile revokes it (e.g. the approval was withdrawn)
    Verification.REJECTED: frozenset({Verification.PENDING, Verification.VERIFIED}),
}
MAX_REASON = 200  # the audit row keeps the reason (AuditEvent.purpose holds 200)

Profile = TypeVar("Profile", EmployerProfile, AgencyProfile)


def may_verify_profiles(user: Any) -> bool:
    """The labour attaché or a provincial officer (and the platform admin)."""
    return any(has_permission(user, perm) for perm in VERIFIER_PERMISSIONS)


def _decide(decision: str, reason: str) -> tuple[str, str]:
    if decision not in DECISION_FROM:
        raise ValidationError({"decision": _("Choose verify or reject.")})
    reason = (reason or "").strip()[:MAX_REASON]
    if decision == Verification.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    return decision, reason


def _members(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation=organisation, is_active=True
        ).distinct()
    )


def _apply(
    *,
    by: User,
    model: type[Profile],
    profile: Profile,
    decision: str,
    reason: str,
    label: str,
    subjects: dict[str, Promise],
) -> Profile:
    if not may_verify_profiles(by):
        raise PermissionDenied(_("Your role may not verify employers or agencies."))
    decision, reason = _decide(decision, reason)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=profile.pk)
        if locked.verification not in DECISION_FROM[decision]:
            raise ConflictError(
                _("This profile is already %(state)s.")
                % {"state": locked.get_verification_display()}
            )
        locked.verification = decision
        locked.verified_by = by
        locked.verified_at = timezone.now()
        locked.save(update_fields=["verification", "verified_by", "verified_at"])
        audit.record(
            actor=by,
            action=f"labour.{label}.{decision}",
            obj=locked,
            fields=["verification", "verified_by", "verified_at"],
            purpose=reason,
            organisation=locked.organisation,
        )
        notify(
            _members(locked.organisation),
            subject=subjects[decision],
            body=reason,
            kind=f"labour.{label}.{decision}",
        )
    profile.refresh_from_db()
    return profile


def verify_employer(
    *, by: User, profile: EmployerProfile, decision: str, reason: str = ""
) -> EmployerProfile:
    """Verify (SSM number and s.60K approval checked) or reject an employer, with a reason."""
    return _apply(
        by=by,
        model=EmployerProfile,
        profile=profile,
        decision=decision,
        reason=reason,
        label="employer",
        subjects={
            Verification.VERIFIED: gettext_lazy("Your employer profile was verified"),
            Verification.REJECTED: gettext_lazy(
                "Your employer profile was not verified"
            ),
        },
    )


def verify_agency(
    *, by: User, profile: AgencyProfile, decision: str, reason: str = ""
) -> AgencyProfile:
    """Verify an agency's SIP3MI licence (valid today) or reject the agency, with a reason."""
    if decision == Verification.VERIFIED:
        if profile.valid_until is None:
            raise ValidationError(
                {"valid_until": _("Enter the date the SIP3MI licence is valid until.")}
            )
        if profile.valid_until < timezone.localdate():
            raise ValidationError(
                {
                    "valid_until": _(
                        "The SIP3MI licence has expired; it cannot be verified."
                    )
                }
            )
    return _apply(
        by=by,
        model=AgencyProfile,
        profile=profile,
        decision=decision,
        reason=reason,
        label="agency",
        subjects={
            Verification.VERIFIED: gettext_lazy("Your agency licence was verified"),
            Verification.REJECTED: gettext_lazy("Your agency was not verified"),
        },
    )
