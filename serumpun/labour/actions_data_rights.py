"""Data-subject rights of job seekers (issue 7 §10; UU 27/2022 PDP; SEC-11): a copy of
their data, corrections, withdrawal of consent and erasure by anonymisation.

Each action takes `by`, checks that it is the seeker themself (or an officer acting for a
seeker registered without an account), runs in one transaction and is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent
from serumpun.core.notifications import notify
from serumpun.labour.actions import update_seeker
from serumpun.labour.actions_pipeline import (
    MAX_TEXT,
    case_handlers,
    is_data_subject,
    require,
    seeker_url,
)
from serumpun.labour.models import (
    Grievance,
    Offer,
    Placement,
    PlacementEvent,
    Seeker,
    SeekerDocument,
)
from serumpun.labour.models_pipeline import (
    ContractRecord,
    DataRequest,
    GrievanceResponse,
    WelfareCheckin,
)
from serumpun.labour.rules import pipeline

#: profile fields a seeker corrects directly (the NIK, birth date and sex go through an officer)
CORRECTABLE_FIELDS = frozenset(
    {"full_name", "phone", "address", "education", "preferred_sectors", "languages"}
)


def _require_subject_or_officer(by: User, seeker: Seeker) -> None:
    """The seeker themself, or an officer acting for someone registered without an account."""
    if is_data_subject(by, seeker):
        require(has_permission(by, "seeker.manage_own"))
        return
    require(has_permission(by, "seeker.manage_any"))


def _require_active(seeker: Seeker) -> None:
    if seeker.anonymised_at is not None:
        raise ConflictError(_("This profile has been erased."))


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _placement_data(placement: Placement) -> dict[str, Any]:
    order = placement.job_order
    return {
        "id": placement.pk,
        "job_order": {
            "id": order.pk,
            "title": order.title,
            "employer_name": order.employer_name,
            "sector": order.sector,
        },
        "stage": placement.stage,
        "created_at": _iso(placement.created_at),
        "events": [
            {"stage": e.stage, "at": _iso(e.at), "note": e.note}
            for e in placement.events.all()
        ],
        "contract_records": [
            {
                "kind": r.kind,
                "basic_wage_myr": str(r.basic_wage_myr),
                "weekly_hours": None if r.weekly_hours is None else str(r.weekly_hours),
                "deductions": r.deductions,
                "period": _iso(r.period),
                "at": _iso(r.at),
            }
            for r in placement.contract_records.all()
        ],
        "welfare_checkins": [
            {
                "due_on": _iso(c.due_on),
                "done_at": _iso(c.done_at),
                "outcome": c.outcome,
                "note": c.note,
            }
            for c in placement.checkins.all()
        ],
    }


def _seeker_data(seeker: Seeker) -> dict[str, Any]:
    return {
        "full_name": seeker.full_name,
        "nik": seeker.nik,
        "birth_date": _iso(seeker.birth_date),
        "gender": seeker.gender,
        "regency": {"code": seeker.regency_id, "name": seeker.regency.name},
        "phone": seeker.phone,
        "address": seeker.address,
        "education": seeker.education,
        "preferred_sectors": seeker.preferred_sectors,
        "languages": seeker.languages,
        "stage": seeker.stage,
        "placed": seeker.placed,
        "consent_given_at": _iso(seeker.consent_given_at),
        "consent_withdrawn_at": _iso(seeker.consent_withdrawn_at),
        "created_at": _iso(seeker.created_at),
        "updated_at": _iso(seeker.updated_at),
    }


def export_my_data(*, by: User, seeker: Seeker | None = None) -> dict[str, Any]:
    """Everything the platform holds about one seeker, as JSON-ready data (audited).

    Includes who (by role, not name) read or changed the profile, so the seeker can see it.
    """
    seeker = seeker or Seeker.objects.filter(user=by).first()
    if seeker is None:
        raise PermissionDenied(_("You have no job-seeker profile."))
    _require_subject_or_officer(by, seeker)
    placements = (
        Placement.objects.filter(seeker=seeker)
        .select_related("job_order")
        .prefetch_related("events", "contract_records", "checkins")
        .order_by("created_at", "pk")
    )
    grievances = (
        Grievance.objects.filter(Q(seeker=seeker) | Q(filed_by_id=seeker.user_id or -1))
        .prefetch_related("responses")
        .order_by("created_at", "pk")
    )
    data = {
        "format": "serumpun.labour.seeker-export/1",
        "generated_at": _iso(timezone.now()),
        "profile": _seeker_data(seeker),
        "skills": [
            {"code": s.skill.code, "level": s.level}
            for s in seeker.skills.select_related("skill").order_by("skill__code")
        ],
        "certificates": [
            {
                "scheme": c.scheme,
                "issuer": c.issuer,
                "level": c.level,
                "valid_until": _iso(c.valid_until),
            }
            for c in seeker.certificates.all()
        ],
        "experience": [
            {"isco_code": e.isco_code, "years": str(e.years)}
            for e in seeker.experience.all()
        ],
        "documents": [
            {"kind": d.kind, "status": d.status, "has_file": bool(d.file)}
            for d in seeker.documents.all()
        ],
        "offers": [
            {
                "job_order_id": o.job_order_id,
                "title": o.job_order.title,
                "status": o.status,
                "score": o.score,
                "created_at": _iso(o.created_at),
            }
            for o in Offer.objects.filter(seeker=seeker)
            .select_related("job_order")
            .order_by("created_at", "pk")
        ],
        "placements": [_placement_data(p) for p in placements],
        "grievances": [
            {
                "id": g.pk,
                "category": g.category,
                "description": g.description,
                "status": g.status,
                "created_at": _iso(g.created_at),
                "first_response_at": _iso(g.first_response_at),
                "resolved_at": _iso(g.resolved_at),
                "responses": [
                    {"text": r.text, "at": _iso(r.at)} for r in g.responses.all()
                ],
            }
            for g in grievances
        ],
        "data_requests": [
            {"kind": r.kind, "status": r.status, "at": _iso(r.at), "fields": r.fields}
            for r in seeker.data_requests.all()
        ],
        "access_log": [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "role": e.actor_role,
                "fields": e.fields,
                "purpose": e.purpose,
            }
            for e in AuditEvent.objects.filter(
                object_type="labour.seeker", object_id=str(seeker.pk)
            ).order_by("created_at", "pk")
        ],
    }
    with transaction.atomic():
        DataRequest.objects.create(
            seeker=seeker,
            kind=DataRequest.Kind.EXPORT,
            status=DataRequest.Status.DONE,
            requested_by=by,
            handled_by=by,
            handled_at=timezone.now(),
        )
        audit.record(
            actor=by,
            action="labour.seeker.data_exported",
            obj=seeker,
            fields=sorted(data),
            purpose="data-subject access (UU 27/2022)",
        )
    return data


def correct_my_data(
    *, by: User, seeker: Seeker, fields: Mapping[str, Any], note: str = ""
) -> DataRequest:
    """Correct profile fields now; anything else (NIK, birth date, sex) goes to an officer.

    `note` describes corrections the seeker cannot make themself; it opens a pending request
    and tells the case handlers.
    """
    _require_subject_or_officer(by, seeker)
    _require_active(seeker)
    direct = {k: v for k, v in fields.items() if k in CORRECTABLE_FIELDS}
    if not direct and not note.strip():
        raise ValidationError({"note": _("Say what should be corrected.")})
    with transaction.atomic():
        if direct:
            update_seeker(by=by, seeker=seeker, fields=direct)
        pending = bool(note.strip())
        request = DataRequest.objects.create(
            seeker=seeker,
            kind=DataRequest.Kind.CORRECTION,
            status=DataRequest.Status.PENDING if pending else DataRequest.Status.DONE,
            fields=sorted(direct),
            note=note.strip()[:MAX_TEXT] or None,
            requested_by=by,
            handled_by=None if pending else by,
            handled_at=None if pending else timezone.now(),
        )
        audit.record(
            actor=by,
            action="labour.seeker.correction_requested",
            obj=seeker,
            fields=sorted(direct) + (["note"] if pending else []),
        )
        if pending:
            notify(
                case_handlers(seeker),
                subject=gettext_lazy("A job seeker asked for a correction"),
                url=seeker_url(seeker),
                kind="labour.data_request",
            )
    return request


def withdraw_consent(*, by: User, seeker: Seeker) -> DataRequest:
    """Stop processing for matching: the seeker leaves matching and open offers are withdrawn."""
    _require_subject_or_officer(by, seeker)
    _require_active(seeker)
    if seeker.consent_withdrawn_at is not None:
        raise ConflictError(_("Consent was already withdrawn."))
    with transaction.atomic():
        now = timezone.now()
        seeker.consent_withdrawn_at = now
        seeker.save(update_fields=["consent_withdrawn_at", "updated_at"])
        withdrawn = Offer.objects.filter(
            seeker=seeker, status=Offer.Status.OFFERED
        ).update(status=Offer.Status.WITHDRAWN, updated_at=now)
        request = DataRequest.objects.create(
            seeker=seeker,
            kind=DataRequest.Kind.WITHDRAW,
            status=DataRequest.Status.DONE,
            requested_by=by,
            handled_by=by,
            handled_at=now,
        )
        audit.record(
            actor=by,
            action="labour.seeker.consent_withdrawn",
            obj=seeker,
            fields=["consent_withdrawn_at", *(["offers"] if withdrawn else [])],
        )
    return request


def request_erasure(*, by: User, seeker: Seeker, confirm: bool) -> DataRequest:
    """Erase a seeker's identity now, or — while they work abroad under a placement — record
    the request for an officer, since the worker's protection needs their contact until they
    return (UU 18/2017)."""
    _require_subject_or_officer(by, seeker)
    _require_active(seeker)
    if not confirm:
        raise ValidationError({"confirm": _("Confirm that you want your data erased.")})
    abroad = Placement.objects.filter(
        seeker=seeker, stage__in=sorted(pipeline.ABROAD)
    ).exists()
    with transaction.atomic():
        request = DataRequest.objects.create(
            seeker=seeker,
            kind=DataRequest.Kind.ERASURE,
            requested_by=by,
        )
        audit.record(
            actor=by, action="labour.seeker.erasure_requested", obj=seeker, fields=[]
        )
        if abroad:
            notify(
                case_handlers(seeker),
                subject=gettext_lazy(
                    "A worker abroad asked for their data to be erased"
                ),
                url=seeker_url(seeker),
                kind="labour.data_request",
            )
        else:
            anonymise_seeker(by=by, seeker=seeker, request=request)
    request.refresh_from_db()
    return request


#: what anonymisation keeps for statistics (regency, sex, birth year, education, sectors,
#: languages, stage and the numbers of placements) — everything else identifying is wiped
ANONYMISED_FIELDS = (
    "full_name",
    "nik",
    "nik_hash",
    "nik_last4",
    "birth_date",
    "phone",
    "address",
    "user",
)


def _close_account(user: User) -> None:
    """Disable a seeker-only account and strip its identity (other roles keep theirs)."""
    if user.roles - {Role.SEEKER}:
        return
    user.is_active = False
    user.full_name = ""
    user.phone = ""
    user.email = f"erased-{user.pk}@erased.invalid"
    user.set_unusable_password()
    user.save()


def anonymise_seeker(
    *, by: User, seeker: Seeker, request: DataRequest | None = None
) -> Seeker:
    """Wipe a seeker's identity and free text, keeping only aggregate fields (audited)."""
    _require_subject_or_officer(by, seeker)
    _require_active(seeker)
    with transaction.atomic():
        now = timezone.now()
        user = seeker.user
        seeker.full_name = ""
        seeker.nik = ""
        seeker.nik_hash = f"erased-{seeker.pk}"  # unique, and no index of the old NIK
        seeker.nik_last4 = ""
        seeker.birth_date = dt.date(seeker.birth_date.year, 1, 1)
        seeker.phone = ""
        seeker.address = ""
        seeker.user = None
        seeker.anonymised_at = now
        seeker.consent_withdrawn_at = seeker.consent_withdrawn_at or now
        seeker.save()
        for document in SeekerDocument.objects.filter(seeker=seeker).exclude(file=""):
            document.file.delete(save=False)
        SeekerDocument.objects.filter(seeker=seeker).update(file="")
        Offer.objects.filter(seeker=seeker, status=Offer.Status.OFFERED).update(
            status=Offer.Status.WITHDRAWN, updated_at=now
        )
        PlacementEvent.objects.filter(placement__seeker=seeker).update(note="")
        WelfareCheckin.objects.filter(placement__seeker=seeker).update(note=None)
        grievances = Grievance.objects.filter(
            Q(seeker=seeker) | Q(filed_by_id=user.pk if user else -1)
        )
        GrievanceResponse.objects.filter(grievance__in=grievances).update(text=None)
        grievance_ids = list(grievances.values_list("pk", flat=True))
        Grievance.objects.filter(pk__in=grievance_ids).update(description="")
        if user is not None:
            Grievance.objects.filter(pk__in=grievance_ids, filed_by=user).update(
                filed_by=None
            )
        for record in ContractRecord.objects.filter(placement__seeker=seeker):
            record.deductions = [{**d, "note": ""} for d in record.deductions]
            record.save(update_fields=["deductions"])
        DataRequest.objects.filter(seeker=seeker).update(note=None)
        if request is not None:
            request.status = DataRequest.Status.DONE
            request.handled_by = by
            request.handled_at = now
            request.save(update_fields=["status", "handled_by", "handled_at"])
        audit.record(
            actor=by,
            action="labour.seeker.anonymised",
            obj=seeker,
            fields=ANONYMISED_FIELDS,
            purpose="erasure (UU 27/2022)",
        )
        if user is not None:
            _close_account(user)
    return seeker
