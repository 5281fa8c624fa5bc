"""Malaysian buyer profiles, their import permits and the trade attaché's verification
(issue 5 §1).

A buyer keeps its own organisation's profile (SSM number, type, state, HS interests) and the
import permits it holds; the trade attaché may create or correct a profile on a buyer's
behalf, and verifies or rejects profiles and permits with a reason. Changing a verified
profile's SSM number sends it back to the attaché (the number is what was checked), and so
does correcting a rejected profile. Every change is audited; decisions are told to the
buyer organisation's members.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import HSCode, Subdivision
from serumpun.core.notifications import notify
from serumpun.core.uploads import UploadTooLarge, check_document
from serumpun.labour.forms_manage import normalise_ssm
from serumpun.labour.models import SSM_NUMBER
from serumpun.readiness.knowledge import requirement_book
from serumpun.readiness.rules.requirements import Requirement
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    BuyerType,
    Verification,
)
from serumpun.trade.recipients import organisation_members, trade_attaches

__all__ = [
    "PROFILE_FIELDS",
    "UploadTooLarge",
    "add_permit",
    "create_buyer_profile",
    "may_keep_profile",
    "normalise_ssm",
    "permit_rules",
    "remove_permit",
    "update_buyer_profile",
    "update_permit",
    "verify_buyer",
    "verify_permit",
]

PROFILE_FIELDS = (
    "ssm_number",
    "buyer_type",
    "state",
    "address",
    "website",
    "contact_name",
    "contact_phone",
    "hs_interests",
)
PERMIT_FIELDS = ("requirement_id", "agency", "number", "valid_until")
#: what a permit's holder may correct (another permit rule or agency is another permit)
EDITABLE_PERMIT_FIELDS = ("number", "valid_until")
MAX_HS_INTERESTS = 50
MAX_REASON = 200  # the audit row keeps the reason (AuditEvent.purpose holds 200)
#: a decision and the states a profile or permit may be in when it is taken
DECISION_FROM: dict[str, frozenset[str]] = {
    Verification.VERIFIED: frozenset({Verification.PENDING, Verification.REJECTED}),
    # rejecting a verified record revokes it (e.g. the company was struck off)
    Verification.REJECTED: frozenset({Verification.PENDING, Verification.VERIFIED}),
}
#: where the MY states live in core.Subdivision
MALAYSIA = "MY"


def is_valid_ssm(number: str) -> bool:
    """Whether a normalised number has one of the two SSM forms."""
    return bool(re.match(SSM_NUMBER.regex, number))


def permit_rules() -> list[Requirement]:
    """The destination permit rules of the readiness book a buyer's permit may satisfy."""
    latest: dict[str, Requirement] = {}
    for rule in requirement_book().rules:
        if rule.permit:
            known = latest.get(rule.id)
            if known is None or rule.effective_from > known.effective_from:
                latest[rule.id] = rule
    return sorted(latest.values(), key=lambda rule: rule.id)


def permit_title(requirement_id: str) -> str:
    """The permit rule's title in the current language (the id when it is unknown)."""
    language = (get_language() or "id")[:2]
    for rule in permit_rules():
        if rule.id == requirement_id:
            return rule.title_in(language)
    return requirement_id


def may_keep_profile(user: Any, organisation: Organisation) -> bool:
    """A buyer member of the organisation, or the trade attaché acting for it."""
    if has_permission(user, "buyer.verify"):
        return True
    return has_permission(user, "request.post") and (
        organisation.pk in user.organisation_ids
    )


def _tell_attaches(profile: BuyerProfile, by: User, subject: Any) -> None:
    """Tell the trade attachés (but the one acting) that a profile awaits their check."""
    notify(
        [user for user in trade_attaches() if user.pk != by.pk],
        subject=subject,
        body=f"{profile.organisation.name} ({profile.ssm_number})",
        url=reverse("trade:buyer_detail", args=[profile.organisation_id]),
        kind="trade.buyer.pending",
    )


# --- Profiles ---------------------------------------------------------------------------------


def _profile_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised values of the given profile fields; ValidationError naming each bad one."""
    values = {name: fields[name] for name in PROFILE_FIELDS if name in fields}
    errors: dict[str, str] = {}
    if "ssm_number" in values:
        values["ssm_number"] = normalise_ssm(values["ssm_number"])
        if not is_valid_ssm(values["ssm_number"]):
            errors["ssm_number"] = _(
                "Enter a 12-digit SSM number (YYYYTTNNNNNN, e.g. 201901012345) "
                "or the older 123456-X form."
            )
    if "buyer_type" in values and values["buyer_type"] not in BuyerType.values:
        errors["buyer_type"] = _("Choose the kind of buyer.")
    if "state" in values:
        state = values["state"]
        code = state.pk if isinstance(state, Subdivision) else str(state or "")
        found = Subdivision.objects.filter(code=code, country_id=MALAYSIA).first()
        if found is None:
            errors["state"] = _("Choose a Malaysian state (e.g. MY-10 Selangor).")
        values["state"] = found
    if "hs_interests" in values:
        codes, message = _hs_interests(values["hs_interests"])
        values["hs_interests"] = codes
        if message:
            errors["hs_interests"] = message
    for name in ("address", "website", "contact_name", "contact_phone"):
        if name in values:
            values[name] = str(values[name] or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


def _hs_interests(typed: Any) -> tuple[list[str], str]:
    """Six-digit HS codes that exist, in the order given, once each; and what is wrong."""
    if isinstance(typed, str):
        typed = re.split(r"[\s,;]+", typed)
    codes = list(
        dict.fromkeys(re.sub(r"[\s.]", "", str(c)) for c in typed or () if str(c))
    )
    codes = [c for c in codes if c]
    if len(codes) > MAX_HS_INTERESTS:
        return codes, _("Name at most %(n)d HS codes.") % {"n": MAX_HS_INTERESTS}
    known = set(
        HSCode.objects.filter(code__in=codes, level=6).values_list("code", flat=True)
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        return codes, _("Not a six-digit HS code that exists: %(codes)s.") % {
            "codes": ", ".join(unknown[:10])
        }
    return codes, ""


def _save_profile(profile: BuyerProfile) -> None:
    """Validate and save; a taken SSM number is a field error, never a 500."""
    taken = (
        BuyerProfile.objects.filter(ssm_number=profile.ssm_number)
        .exclude(pk=profile.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {
                "ssm_number": _(
                    "Another buyer is already registered with this SSM number."
                )
            }
        )
    profile.full_clean(exclude=["organisation"], validate_unique=False)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # a concurrent registration took the number
        raise ValidationError(
            {
                "ssm_number": _(
                    "Another buyer is already registered with this SSM number."
                )
            }
        ) from exc


def create_buyer_profile(
    *, by: User, organisation: Organisation, fields: Mapping[str, Any]
) -> BuyerProfile:
    """Register a buyer organisation's profile; it waits for the trade attaché's check."""
    if organisation.kind != "buyer":
        raise ValidationError(
            {"organisation": _("Choose a Malaysian buyer organisation.")}
        )
    if not may_keep_profile(by, organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    missing = [n for n in ("ssm_number", "buyer_type", "state") if not fields.get(n)]
    if missing:
        raise ValidationError(dict.fromkeys(missing, _("This field is required.")))
    values = _profile_values(fields)
    with transaction.atomic():
        if (
            BuyerProfile.objects.select_for_update()
            .filter(organisation=organisation)
            .exists()
        ):
            raise ConflictError(_("This buyer already has a profile."))
        profile = BuyerProfile(
            organisation=organisation, verification=Verification.PENDING, **values
        )
        _save_profile(profile)
        audit.record(
            actor=by,
            action="trade.buyer.created",
            obj=profile,
            fields=sorted(values),
            organisation=organisation,
        )
        _tell_attaches(profile, by, PENDING_SUBJECTS["created"])
    return profile


def sends_back_to_pending(profile: BuyerProfile, fields: Mapping[str, Any]) -> bool:
    """Whether saving these fields would send the profile back for verification."""
    if "ssm_number" not in fields:
        return False
    changed = normalise_ssm(fields["ssm_number"]) != profile.ssm_number
    return changed and profile.verification == Verification.VERIFIED


def update_buyer_profile(
    *, by: User, profile: BuyerProfile, fields: Mapping[str, Any]
) -> BuyerProfile:
    """Correct a profile. A new SSM number on a verified profile, or any correction of a
    rejected one, sends it back to the trade attaché."""
    if not may_keep_profile(by, profile.organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    values = _profile_values(fields)
    with transaction.atomic():
        locked = BuyerProfile.objects.select_for_update().get(pk=profile.pk)
        changed = sorted(
            name for name, value in values.items() if getattr(locked, name) != value
        )
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        recheck = (
            "ssm_number" in changed or locked.verification == Verification.REJECTED
        )
        resubmitted = recheck and locked.verification != Verification.PENDING
        if resubmitted:
            _back_to_pending(locked)
            changed.append("verification")
        _save_profile(locked)
        audit.record(
            actor=by,
            action="trade.buyer.updated",
            obj=locked,
            fields=changed,
            organisation=locked.organisation,
        )
        if resubmitted:
            _tell_attaches(locked, by, PENDING_SUBJECTS["resubmitted"])
    return locked


def _back_to_pending(record: BuyerProfile | BuyerPermit) -> None:
    """Clear a decision: what was checked has changed, the attaché checks it again."""
    record.verification = Verification.PENDING
    record.verification_reason = ""
    record.verified_by = None
    record.verified_at = None


def _decide(decision: str, reason: str) -> tuple[str, str]:
    if decision not in DECISION_FROM:
        raise ValidationError({"decision": _("Choose verified or rejected.")})
    reason = (reason or "").strip()
    if decision == Verification.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    return decision, reason


def verify_buyer(
    *, by: User, profile: BuyerProfile, decision: str, reason: str = ""
) -> BuyerProfile:
    """The trade attaché verifies (SSM registration checked) or rejects a buyer."""
    if not has_permission(by, "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché verifies buyers."))
    decision, reason = _decide(decision, reason)
    with transaction.atomic():
        locked = (
            BuyerProfile.objects.select_for_update()
            .select_related("organisation")
            .get(pk=profile.pk)
        )
        if locked.verification not in DECISION_FROM[decision]:
            raise ConflictError(
                _("This buyer is already %(state)s.")
                % {"state": locked.get_verification_display()}
            )
        _record_decision(locked, by, decision, reason)
        locked.save(update_fields=[*DECISION_FIELDS, "updated_at"])
        audit.record(
            actor=by,
            action=f"trade.buyer.{decision}",
            obj=locked,
            fields=DECISION_FIELDS,
            purpose=reason[:MAX_REASON],
            organisation=locked.organisation,
        )
        notify(
            organisation_members(locked.organisation_id),
            subject=BUYER_SUBJECTS[decision],
            body=reason,
            url=reverse("trade:buyer_profile"),
            kind=f"trade.buyer.{decision}",
        )
    return locked


DECISION_FIELDS = ["verification", "verification_reason", "verified_by", "verified_at"]
BUYER_SUBJECTS: dict[str, Any] = {
    Verification.VERIFIED: gettext_lazy(
        "The trade attaché verified your buyer profile"
    ),
    Verification.REJECTED: gettext_lazy(
        "The trade attaché did not verify your buyer profile"
    ),
}
PENDING_SUBJECTS: dict[str, Any] = {
    "created": gettext_lazy("A Malaysian buyer registered and awaits verification"),
    "resubmitted": gettext_lazy(
        "A buyer corrected its profile and awaits verification again"
    ),
}
PERMIT_SUBJECTS: dict[str, Any] = {
    Verification.VERIFIED: gettext_lazy("The trade attaché verified your permit"),
    Verification.REJECTED: gettext_lazy("The trade attaché did not verify your permit"),
}


def _record_decision(record: Any, by: User, decision: str, reason: str) -> None:
    record.verification = decision
    record.verification_reason = reason
    record.verified_by = by
    record.verified_at = timezone.now()


# --- Permits ----------------------------------------------------------------------------------


def _permit_values(fields: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    values = {name: fields.get(name) for name in PERMIT_FIELDS}
    errors: dict[str, str] = {}
    if values["requirement_id"] not in {rule.id for rule in permit_rules()}:
        errors["requirement_id"] = _(
            "Choose one of the Malaysian import permits the platform knows."
        )
    for name in ("agency", "number"):
        values[name] = str(values[name] or "").strip()
    if not values["agency"]:
        errors["agency"] = _("Name the agency that issued the permit.")
    if not values["number"]:
        errors["number"] = _("Enter the permit or registration number.")
    if values["valid_until"] is not None and values["valid_until"] < today:
        errors["valid_until"] = _("This permit has expired; add a valid one.")
    if errors:
        raise ValidationError(errors)
    return values


def add_permit(
    *,
    by: User,
    profile: BuyerProfile,
    fields: Mapping[str, Any],
    upload: Any = None,
) -> BuyerPermit:
    """Record an import permit the buyer holds (pending the attaché's check), with an
    optional scan: PDF, JPEG or PNG judged by content (UploadTooLarge above the cap)."""
    if not may_keep_profile(by, profile.organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    values = _permit_values(fields, today=timezone.localdate())
    permit = BuyerPermit(buyer=profile, verification=Verification.PENDING, **values)
    if upload is not None:
        checked = check_document(upload)
        permit.document.save(
            f"{profile.pk}-{values['requirement_id']}{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
    try:
        with transaction.atomic():
            permit.full_clean(exclude=["buyer", "document"])
            permit.save()
            audit.record(
                actor=by,
                action="trade.permit.added",
                obj=permit,
                fields=[*PERMIT_FIELDS, *(["document"] if upload is not None else [])],
                organisation=profile.organisation,
            )
    except BaseException:
        if permit.document:
            permit.document.delete(save=False)  # no row, no orphan file
        raise
    return permit


def update_permit(
    *,
    by: User,
    permit: BuyerPermit,
    fields: Mapping[str, Any],
    upload: Any = None,
) -> BuyerPermit:
    """Correct a permit's number or validity, or replace its scan. What the attaché
    checked has changed, so a verified (or rejected) permit goes back to pending."""
    organisation = permit.buyer.organisation
    if not may_keep_profile(by, organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    kept = {"requirement_id": permit.requirement_id, "agency": permit.agency}
    current = {"number": permit.number, "valid_until": permit.valid_until}
    checked_values = _permit_values(
        {**current, **fields, **kept}, today=timezone.localdate()
    )
    values = {name: checked_values[name] for name in EDITABLE_PERMIT_FIELDS}
    checked = check_document(upload) if upload is not None else None
    with transaction.atomic():
        locked = BuyerPermit.objects.select_for_update().get(pk=permit.pk)
        changed = [
            name for name, value in values.items() if getattr(locked, name) != value
        ]
        if not changed and checked is None:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        if locked.verification != Verification.PENDING:
            _back_to_pending(locked)
            changed.extend(DECISION_FIELDS)
        locked.full_clean(exclude=["buyer", "document"])
        storage = locked.document.storage
        old_scan = locked.document.name if checked is not None else ""
        if checked is not None:
            locked.document.save(
                f"{locked.buyer_id}-{locked.requirement_id}{checked.extension}",
                ContentFile(checked.content),
                save=False,
            )
            changed.append("document")
        try:
            locked.save()
            audit.record(
                actor=by,
                action="trade.permit.updated",
                obj=locked,
                fields=changed,
                organisation=organisation,
            )
        except BaseException:
            if checked is not None:
                storage.delete(locked.document.name)  # no row points at it
            raise
        if old_scan:
            transaction.on_commit(lambda: storage.delete(old_scan))
    return locked


def remove_permit(*, by: User, permit: BuyerPermit) -> None:
    """Remove a permit (and its scan): the buyer, or the trade attaché."""
    organisation = permit.buyer.organisation
    if not may_keep_profile(by, organisation):
        raise PermissionDenied(_("Only the buyer or the trade attaché may do this."))
    document = permit.document.name if permit.document else ""
    with transaction.atomic():
        audit.record(
            actor=by,
            action="trade.permit.removed",
            obj=permit,
            fields=PERMIT_FIELDS,
            purpose=f"{permit.requirement_id} {permit.number}"[:MAX_REASON],
            organisation=organisation,
        )
        permit.delete()
        if document:
            storage = permit.document.storage
            transaction.on_commit(lambda: storage.delete(document))


def verify_permit(
    *, by: User, permit: BuyerPermit, decision: str, reason: str = ""
) -> BuyerPermit:
    """The trade attaché verifies (checked with the agency) or rejects a buyer's permit."""
    if not has_permission(by, "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché verifies permits."))
    decision, reason = _decide(decision, reason)
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            BuyerPermit.objects.select_for_update()
            .select_related("buyer__organisation")
            .get(pk=permit.pk)
        )
        if locked.verification not in DECISION_FROM[decision]:
            raise ConflictError(
                _("This permit is already %(state)s.")
                % {"state": locked.get_verification_display()}
            )
        expired = locked.valid_until is not None and locked.valid_until < today
        if decision == Verification.VERIFIED and expired:
            raise ValidationError(
                {"valid_until": _("The permit has expired; it cannot be verified.")}
            )
        _record_decision(locked, by, decision, reason)
        locked.save(update_fields=DECISION_FIELDS)
        organisation = locked.buyer.organisation
        audit.record(
            actor=by,
            action=f"trade.permit.{decision}",
            obj=locked,
            fields=DECISION_FIELDS,
            purpose=reason[:MAX_REASON],
            organisation=organisation,
        )
        notify(
            organisation_members(organisation.pk),
            subject=PERMIT_SUBJECTS[decision],
            body=f"{permit_title(locked.requirement_id)} {locked.number}\n{reason}".strip(),
            url=reverse("trade:buyer_profile"),
            kind=f"trade.permit.{decision}",
        )
    return locked
