"""Keeping the labour records around job orders and seekers (issue 7 §1, §2, §5, §6).

- An employer or agency registers its own profile (SSM number and JTKSM s.60K approval, or the
  SIP3MI licence) so the labour attaché has something to verify (`actions_profiles`).
- The organisation that submitted a job order attaches its documents (demand letter, employer
  approval, SIP2MI quota): PDF, JPEG or PNG judged by content, under the size cap, stored
  under MEDIA_ROOT/private and handed out only by a view that checks visibility.
- An officer (or the seeker's case officer) records where each UU 18/2017 Art. 13 document
  stands; the seeker's document stage is derived from the verified ones when matching runs.
- Officers keep the training catalogue. Courses are deactivated, never deleted: seekers' past
  recommendations and the reference loader (which upserts by code) both refer to them.

Every function checks permission, runs in one transaction and writes an audit row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import OrganisationKind, Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import notify
from serumpun.core.uploads import UploadTooLarge, check_document
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrder,
    JobOrderDocument,
    Seeker,
    SeekerDocument,
    TrainingCourse,
    Verification,
)
from serumpun.labour.reference import document_kinds

__all__ = [
    "AGENCY_FIELDS",
    "COURSE_FIELDS",
    "EMPLOYER_FIELDS",
    "UploadTooLarge",
    "attach_job_order_document",
    "create_agency_profile",
    "create_employer_profile",
    "may_attach_documents",
    "may_edit_training",
    "may_set_document_status",
    "save_training_course",
    "set_course_active",
    "set_seeker_document_status",
    "update_agency_profile",
    "update_employer_profile",
]

EMPLOYER_FIELDS = (
    "ssm_number",
    "sector",
    "state",
    "approval_reference",
    "approval_date",
)
AGENCY_FIELDS = ("licence_number", "valid_until")
COURSE_FIELDS = (
    "title",
    "provider",
    "regency",
    "duration_days",
    "cost_idr",
    "certificate_scheme",
    "source",
    "confidence",
)
#: orders that no longer take documents
DOCUMENTS_CLOSED = frozenset({JobOrder.Status.REJECTED, JobOrder.Status.CLOSED})
#: the role that acts for each kind of labour organisation
PROFILE_ROLES: dict[str, str] = {
    OrganisationKind.EMPLOYER: Role.EMPLOYER,
    OrganisationKind.AGENCY: Role.AGENCY,
}
COURSE_CODE_PREFIX = "course-"
MAX_CODE_BASE = 50


# --- Employer and agency profiles (self-service) ----------------------------------------------


def _own_organisation(by: User, kind: str) -> Organisation:
    """The organisation of `kind` that `by` acts for as its employer or agency member."""
    for membership in by.memberships_cached:
        organisation = membership.organisation
        if (
            organisation is not None
            and organisation.kind == kind
            and membership.role == PROFILE_ROLES[kind]
        ):
            return organisation
    raise PermissionDenied(_("Only a member of the organisation may keep its profile."))


def _normalised(fields: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: fields[name] for name in names if name in fields}
    for name in ("ssm_number", "licence_number"):
        if isinstance(values.get(name), str):
            # people copy these with spaces and lower case from letters and certificates
            values[name] = re.sub(r"\s+", "", values[name]).upper()
    return values


def _create_profile(
    by: User,
    model: type[EmployerProfile] | type[AgencyProfile],
    fields: Mapping[str, Any],
    label: str,
) -> Any:
    kind = OrganisationKind.EMPLOYER if label == "employer" else OrganisationKind.AGENCY
    organisation = _own_organisation(by, kind)
    values = _normalised(
        fields, EMPLOYER_FIELDS if label == "employer" else AGENCY_FIELDS
    )
    with transaction.atomic():
        if model.objects.select_for_update().filter(organisation=organisation).exists():
            raise ConflictError(_("Your organisation already has a profile."))
        profile = model(
            organisation=organisation, verification=Verification.PENDING, **values
        )
        profile.full_clean()
        profile.save()
        audit.record(
            actor=by,
            action=f"labour.{label}.created",
            obj=profile,
            fields=sorted(values),
            organisation=organisation,
        )
    return profile


def create_employer_profile(*, by: User, fields: Mapping[str, Any]) -> EmployerProfile:
    """A Malaysian employer registers its SSM number, sector, state and s.60K approval."""
    profile: EmployerProfile = _create_profile(by, EmployerProfile, fields, "employer")
    return profile


def create_agency_profile(*, by: User, fields: Mapping[str, Any]) -> AgencyProfile:
    """An Indonesian agency (P3MI) registers its SIP3MI licence number and validity."""
    if not fields.get("valid_until"):
        raise ValidationError(
            {"valid_until": _("Enter the date the SIP3MI licence is valid until.")}
        )
    profile: AgencyProfile = _create_profile(by, AgencyProfile, fields, "agency")
    return profile


def _update_profile(
    by: User, profile: Any, label: str, fields: Mapping[str, Any]
) -> Any:
    kind = profile.organisation.kind
    if _own_organisation(by, kind).pk != profile.organisation_id:
        raise PermissionDenied(
            _("Only a member of the organisation may keep its profile.")
        )
    names = EMPLOYER_FIELDS if label == "employer" else AGENCY_FIELDS
    values = _normalised(fields, names)
    with transaction.atomic():
        locked = type(profile).objects.select_for_update().get(pk=profile.pk)
        changed = sorted(
            name for name, value in values.items() if getattr(locked, name) != value
        )
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        # Changed facts must be checked again: the profile goes back to the verifiers.
        locked.verification = Verification.PENDING
        locked.verified_by = None
        locked.verified_at = None
        locked.full_clean()
        locked.save()
        audit.record(
            actor=by,
            action=f"labour.{label}.updated",
            obj=locked,
            fields=[*changed, "verification"],
            organisation=locked.organisation,
        )
    return locked


def update_employer_profile(
    *, by: User, profile: EmployerProfile, fields: Mapping[str, Any]
) -> EmployerProfile:
    """Correct the employer's own profile; any change sends it back for verification."""
    updated: EmployerProfile = _update_profile(by, profile, "employer", fields)
    return updated


def update_agency_profile(
    *, by: User, profile: AgencyProfile, fields: Mapping[str, Any]
) -> AgencyProfile:
    """Correct the agency's own profile; any change sends it back for verification."""
    if "valid_until" in fields and not fields["valid_until"]:
        raise ValidationError(
            {"valid_until": _("Enter the date the SIP3MI licence is valid until.")}
        )
    updated: AgencyProfile = _update_profile(by, profile, "agency", fields)
    return updated


# --- Job-order documents ----------------------------------------------------------------------


def may_attach_documents(user: Any, job_order: JobOrder) -> bool:
    """Members of the organisation that submitted the order (and the platform admin)."""
    if not has_permission(user, "job_order.submit"):
        return False
    return bool(
        user.is_platform_admin or job_order.organisation_id in user.organisation_ids
    )


def attach_job_order_document(
    *, by: User, job_order: JobOrder, kind: str, upload: Any
) -> JobOrderDocument:
    """Store a demand letter, employer approval or SIP2MI quota scan with the order.

    Raises UploadTooLarge (413) above the size cap and ValidationError({"file": …}) for any
    type but PDF, JPEG or PNG, judged by content.
    """
    if not may_attach_documents(by, job_order):
        raise PermissionDenied(_("Only the organisation that submitted the order may."))
    if kind not in JobOrderDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    if job_order.status in DOCUMENTS_CLOSED:
        raise ConflictError(
            _("This job order is %(status)s; it takes no more documents.")
            % {"status": job_order.get_status_display()}
        )
    checked = check_document(
        upload,
        field="file",
        message=_("Upload the document as a PDF, JPEG or PNG file."),
    )
    document = JobOrderDocument(job_order=job_order, kind=kind, uploaded_by=by)
    document.file.save(
        f"{job_order.pk}-{kind}{checked.extension}",
        ContentFile(checked.content),
        save=False,
    )
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                actor=by,
                action="labour.job_order_document.attached",
                obj=document,
                fields=["kind", "file"],
                organisation=job_order.organisation,
            )
    except BaseException:
        document.file.delete(save=False)  # no row, no orphan file
        raise
    return document


# --- Seekers' placement documents -------------------------------------------------------------


def may_set_document_status(user: Any, seeker: Seeker) -> bool:
    """An officer who manages seekers, or the seeker's own case officer."""
    if has_permission(user, "seeker.manage_any"):
        return True
    return seeker.case_officer_id is not None and seeker.case_officer_id == user.pk


def set_seeker_document_status(
    *, by: User, seeker: Seeker, kind: str, status: str
) -> SeekerDocument:
    """Record that one checklist document is missing, submitted or verified.

    The seeker's document stage is not stored: matching derives it from the verified
    documents (`reference.document_stage`), so it follows this change at once.
    """
    if not may_set_document_status(by, seeker):
        raise PermissionDenied(_("Your role may not do this."))
    if kind not in document_kinds():
        raise ValidationError({"kind": _("This is not a document of the checklist.")})
    if status not in SeekerDocument.Status.values:
        raise ValidationError({"status": _("Choose missing, submitted or verified.")})
    if seeker.anonymised_at is not None:
        raise ConflictError(_("This profile was erased; it cannot be changed."))
    with transaction.atomic():
        document, _created = SeekerDocument.objects.select_for_update().get_or_create(
            seeker=seeker, kind=kind
        )
        if document.status == status:
            return document
        verified = status == SeekerDocument.Status.VERIFIED
        document.status = status
        document.verified_by = by if verified else None
        document.save(update_fields=["status", "verified_by", "updated_at"])
        audit.record(
            actor=by,
            action=f"labour.seeker_document.{status}",
            obj=document,
            fields=["status", "verified_by"],
            purpose=kind,
        )
        if verified and seeker.user is not None:
            notify(
                [seeker.user],
                subject=gettext_lazy("One of your placement documents was verified"),
                url=reverse("labour:seeker_me"),
                kind="labour.seeker_document.verified",
            )
    return document


# --- Training catalogue -----------------------------------------------------------------------


def may_edit_training(user: Any) -> bool:
    """Officers who look after seekers keep the training catalogue."""
    return has_permission(user, "seeker.manage_any")


def _new_code(title: str) -> str:
    """A unique code for a course added on the platform (reference courses keep theirs)."""
    base = f"{COURSE_CODE_PREFIX}{slugify(title)[:MAX_CODE_BASE] or 'training'}"
    taken = set(
        TrainingCourse.objects.filter(code__startswith=base).values_list(
            "code", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def save_training_course(
    *, by: User, course: TrainingCourse | None = None, fields: Mapping[str, Any]
) -> TrainingCourse:
    """Add a course to the catalogue, or change one; `fields` may include `skills`."""
    if not may_edit_training(by):
        raise PermissionDenied(_("Your role may not do this."))
    values = {name: fields[name] for name in COURSE_FIELDS if name in fields}
    skills = fields.get("skills")
    with transaction.atomic():
        if course is None:
            target = TrainingCourse(code=_new_code(str(values.get("title", ""))))
            action = "labour.training_course.created"
        else:
            target = TrainingCourse.objects.select_for_update().get(pk=course.pk)
            action = "labour.training_course.updated"
        changed = [
            name
            for name, value in values.items()
            if target.pk is None or getattr(target, name) != value
        ]
        for name in changed:
            setattr(target, name, values[name])
        target.full_clean()
        target.save()
        if skills is not None:
            wanted = {skill.pk for skill in skills}
            if wanted != set(target.skills.values_list("pk", flat=True)):
                target.skills.set(wanted)
                changed.append("skills")
        if changed:
            audit.record(actor=by, action=action, obj=target, fields=changed)
    return target


def set_course_active(
    *, by: User, course: TrainingCourse, active: bool
) -> TrainingCourse:
    """Show a course again, or withdraw it from the catalogue and seekers' advice."""
    if not may_edit_training(by):
        raise PermissionDenied(_("Your role may not do this."))
    with transaction.atomic():
        locked = TrainingCourse.objects.select_for_update().get(pk=course.pk)
        if locked.active != active:
            locked.active = active
            locked.save(update_fields=["active"])
            audit.record(
                actor=by,
                action="labour.training_course."
                + ("activated" if active else "deactivated"),
                obj=locked,
                fields=["active"],
            )
    return locked
