"""Every state change of labour: job orders and their review, seekers, NIK unmasking, offers.

Each action takes keyword arguments including `by` (the acting user), checks permission,
runs in one transaction, writes the audit log and notifies the people concerned. Views, the
API, the admin and the demo seeder call these.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import OrganisationKind, Role, has_permission
from serumpun.accounts.roles import require_permission as _require_permission
from serumpun.core import audit
from serumpun.core.crypto import blind_index
from serumpun.core.errors import ConflictError
from serumpun.core.models import Occupation, Regency
from serumpun.core.notifications import notify
from serumpun.core.rulebook import Rulebook, load_rulebook
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrder,
    JobOrderCost,
    JobOrderSkill,
    Offer,
    Seeker,
    SeekerCertificate,
    SeekerDocument,
    SeekerExperience,
    SeekerSkill,
    Skill,
)
from serumpun.labour.rules.compliance import (
    APPLIES_TO_KEYS,
    PREDICATE_PARAMS,
    PREDICATES,
    Verdict,
    check_job_order,
)
from serumpun.labour.rules.terms import CostItem, JobOrderTerms

if TYPE_CHECKING:
    from serumpun.accounts.models import Organisation

#: rule domain of labour under DATA_DIR/rules
RULE_DOMAIN = "labour"
#: job-order fields a submitter may set (API.md "Labour" plus the demand letter's details)
JOB_ORDER_FIELDS = frozenset(
    {
        "title",
        "employer_name",
        "employer_state",
        "sector",
        "workers_needed",
        "basic_wage_myr",
        "weekly_hours",
        "worker_paid_costs_myr",
        "overtime_terms",
        "overtime_rate",
        "rest_day",
        "age_min",
        "age_max",
        "gender",
        "contract_months",
        "accommodation_provided",
        "passport_held_by",
        "levy_paid_by",
        "agency_licence",
        "start_date",
        "channel",
        "contract_languages",
        "quota_reference",
        "work_state",
        "required_certificates",
        "min_document_stage",
        "order_date",
    }
)
#: seeker fields kept as given (the rest are derived or related rows)
SEEKER_FIELDS = frozenset(
    {"full_name", "phone", "address", "education", "preferred_sectors", "languages"}
)
#: oldest plausible seeker (the NIK's century rule uses the same bound)
MAX_AGE_YEARS = 100
REVIEWABLE = frozenset({JobOrder.Status.CHECKED, JobOrder.Status.SUBMITTED})
RECHECKABLE = frozenset(
    {JobOrder.Status.SUBMITTED, JobOrder.Status.CHECKED, JobOrder.Status.RETURNED}
)


#: what each NIK problem code means, in the reader's language (rules/nik.py NikError codes)
NIK_MESSAGES = {
    "format": gettext_lazy("A NIK has 16 digits."),
    "region": gettext_lazy(
        "The NIK's first four digits are not a known regency or city."
    ),
    "date": gettext_lazy("The NIK's digits 7–12 are not a date of birth."),
    "serial": gettext_lazy("The NIK's last four digits cannot be 0000."),
    "birth_date": gettext_lazy("The NIK does not match the birth date."),
    "gender": gettext_lazy("The NIK does not match the sex given."),
}


def require_permission(user: Any, perm: str) -> None:
    """Raise PermissionDenied unless `user` has `perm`."""
    _require_permission(user, perm)


# --- Compliance -------------------------------------------------------------------------------


def labour_rulebook() -> Rulebook:
    """The labour rules (data/rules/labour/*.yaml), validated against the engine's predicates."""
    return load_rulebook(
        settings.DATA_DIR / "rules",
        RULE_DOMAIN,
        known_checks=frozenset(PREDICATES),
        check_params=PREDICATE_PARAMS,
        known_filters=APPLIES_TO_KEYS,
    )


def job_order_terms(job_order: JobOrder) -> JobOrderTerms:
    """The terms of a saved job order as the compliance engine reads them."""
    agency = job_order.agency_profile
    employer = job_order.employer_profile
    return JobOrderTerms(
        sector=job_order.sector,
        isco_code=job_order.isco_code,
        workers_needed=job_order.workers_needed,
        basic_wage_myr=Decimal(job_order.basic_wage_myr),
        weekly_hours=Decimal(job_order.weekly_hours),
        worker_paid_costs_myr=Decimal(job_order.worker_paid_costs_myr),
        age_min=job_order.age_min,
        age_max=job_order.age_max,
        gender=job_order.gender,
        contract_months=job_order.contract_months,
        accommodation_provided=job_order.accommodation_provided,
        passport_held_by=job_order.passport_held_by,
        levy_paid_by=job_order.levy_paid_by,
        employer_state=job_order.employer_state,
        agency_licence=job_order.agency_licence or None,
        agency_licence_valid_until=agency.valid_until if agency else None,
        agency_verified=bool(agency and agency.verification == "verified"),
        quota_reference=job_order.quota_reference or None,
        channel=job_order.channel,
        contract_languages=tuple(job_order.contract_languages or ()),
        cost_items=tuple(
            CostItem(item=c.item, amount_myr=Decimal(c.amount_myr), paid_by=c.paid_by)
            for c in job_order.costs.all()
        ),
        employer_approval_ref=(employer.approval_reference or None)
        if employer
        else None,
    )


def _check(job_order: JobOrder) -> Verdict:
    rulebook = labour_rulebook()
    verdict = check_job_order(
        job_order_terms(job_order),
        rulebook.rules,
        as_of=job_order.order_date,
        rules_version=rulebook.version,
    )
    job_order.compliance = verdict.to_dict("en")
    job_order.compliance_status = verdict.status
    job_order.rules_version = rulebook.version
    job_order.checked_at = timezone.now()
    return verdict


def _labour_attaches() -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.LABOUR_ATTACHE, is_active=True
        ).distinct()
    )


def _members(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(User.objects.filter(memberships__organisation=organisation).distinct())


# --- Job orders -------------------------------------------------------------------------------


def _submitting_organisation(by: User) -> Organisation:
    require_permission(by, "job_order.submit")
    for membership in by.memberships_cached:
        organisation = membership.organisation
        if organisation is not None and organisation.kind in (
            OrganisationKind.EMPLOYER,
            OrganisationKind.AGENCY,
        ):
            return organisation
    raise PermissionDenied(_("Only an employer or an agency may submit job orders."))


def _occupation(isco_code: str) -> Occupation:
    occupation = Occupation.objects.filter(isco_code=isco_code).first()
    if occupation is None:
        raise ValidationError(
            {
                "isco_code": _("Unknown ISCO-08 occupation %(code)s.")
                % {"code": isco_code}
            }
        )
    return occupation


def _skills_by_code(codes: Iterable[str], field: str) -> dict[str, Skill]:
    wanted = set(codes)
    found = {s.code: s for s in Skill.objects.filter(code__in=wanted)}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown skill codes: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return found


def submit_job_order(
    *,
    by: User,
    fields: Mapping[str, Any],
    costs: Iterable[Mapping[str, Any]] = (),
    skills: Iterable[Mapping[str, Any]] = (),
    isco_code: str | None = None,
) -> JobOrder:
    """Submit a demand letter and check it at once against the rules in force on its date.

    A failing order is stored with its verdict (not refused): the attaché sees why it fails
    and endorsement stays blocked until it is corrected.
    """
    organisation = _submitting_organisation(by)
    values = {
        k: v for k, v in fields.items() if k in JOB_ORDER_FIELDS and v is not None
    }
    occupation = _occupation(str(isco_code or fields.get("isco_code", "")))
    cost_rows = [dict(c) for c in costs]
    skill_rows = [dict(s) for s in skills]
    skill_objects = _skills_by_code((s["code"] for s in skill_rows), "skills")
    if int(values.get("workers_needed", 0)) < 1:
        raise ValidationError({"workers_needed": _("At least one worker is needed.")})
    if int(values.get("age_max", 0)) < int(values.get("age_min", 0)):
        raise ValidationError({"age_max": _("The maximum age is below the minimum.")})
    if cost_rows:
        values["worker_paid_costs_myr"] = sum(
            (Decimal(c["amount_myr"]) for c in cost_rows if c["paid_by"] == "worker"),
            Decimal(0),
        )
    employer = EmployerProfile.objects.filter(organisation=organisation).first()
    agency = AgencyProfile.objects.filter(organisation=organisation).first()
    licence = values.get("agency_licence") or ""
    if agency is None and licence:
        agency = AgencyProfile.objects.filter(licence_number=licence).first()
    if agency is not None and not licence:
        values["agency_licence"] = agency.licence_number
    if not values.get("employer_name") and employer is not None:
        values["employer_name"] = organisation.name
    values.setdefault("order_date", timezone.localdate())
    now = timezone.now()
    with transaction.atomic():
        job_order = JobOrder.objects.create(
            organisation=organisation,
            employer_profile=employer,
            agency_profile=agency,
            occupation=occupation,
            status=JobOrder.Status.SUBMITTED,
            submitted_by=by,
            submitted_at=now,
            **values,
        )
        JobOrderCost.objects.bulk_create(
            JobOrderCost(
                job_order=job_order,
                item=c["item"],
                amount_myr=c["amount_myr"],
                paid_by=c["paid_by"],
            )
            for c in cost_rows
        )
        JobOrderSkill.objects.bulk_create(
            JobOrderSkill(
                job_order=job_order,
                skill=skill_objects[s["code"]],
                weight=float(s.get("weight", 1.0)),
            )
            for s in skill_rows
        )
        _check(job_order)
        job_order.status = JobOrder.Status.CHECKED
        job_order.save()
        audit.record(
            actor=by,
            action="labour.job_order.submitted",
            obj=job_order,
            fields=[*values, "occupation", "costs", "skills", "compliance"],
        )
        notify(
            _labour_attaches(),
            subject=gettext_lazy("A job order awaits your review"),
            body=job_order.title,
            kind="labour.job_order",
        )
    return job_order


def recheck_job_order(*, by: User, job_order: JobOrder) -> JobOrder:
    """Check an order again with the rule files as they are now (same "as of" date)."""
    may_review = has_permission(by, "job_order.endorse")
    owns = job_order.organisation_id in by.organisation_ids and has_permission(
        by, "job_order.submit"
    )
    if not (may_review or owns):
        raise PermissionDenied(_("Your role may not do this."))
    if job_order.status not in RECHECKABLE:
        raise ConflictError(_("Only an order under review can be checked again."))
    with transaction.atomic():
        _check(job_order)
        job_order.status = JobOrder.Status.CHECKED
        job_order.save()
        audit.record(
            actor=by,
            action="labour.job_order.rechecked",
            obj=job_order,
            fields=["compliance", "rules_version"],
        )
    return job_order


def _review(
    *, by: User, job_order: JobOrder, status: str, reason: str, action: str
) -> JobOrder:
    require_permission(by, "job_order.endorse")
    with transaction.atomic():
        locked = JobOrder.objects.select_for_update().get(pk=job_order.pk)
        if locked.status not in REVIEWABLE:
            raise ConflictError(
                _("This job order is %(status)s; it cannot be reviewed now.")
                % {"status": locked.get_status_display()}
            )
        if status == JobOrder.Status.ENDORSED and locked.blocks_endorsement:
            raise ConflictError(
                _("The job order fails compliance; it cannot be endorsed.")
            )
        locked.status = status
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "review_reason",
                "updated_at",
            ]
        )
        audit.record(
            actor=by,
            action=action,
            obj=locked,
            fields=["status", "review_reason"],
            organisation=locked.organisation,
        )
        notify(
            _members(locked.organisation),
            subject=gettext_lazy("Your job order was reviewed: %(status)s")
            % {"status": locked.get_status_display()},
            body=reason,
            kind="labour.job_order",
        )
    job_order.refresh_from_db()
    return job_order


def endorse_job_order(*, by: User, job_order: JobOrder, note: str = "") -> JobOrder:
    """The labour attaché endorses a checked order; refused (409) when compliance fails."""
    return _review(
        by=by,
        job_order=job_order,
        status=JobOrder.Status.ENDORSED,
        reason=note,
        action="labour.job_order.endorsed",
    )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason


def reject_job_order(*, by: User, job_order: JobOrder, reason: str) -> JobOrder:
    """The labour attaché rejects an order, with reasons."""
    return _review(
        by=by,
        job_order=job_order,
        status=JobOrder.Status.REJECTED,
        reason=_required_reason(reason),
        action="labour.job_order.rejected",
    )


def return_job_order(*, by: User, job_order: JobOrder, reason: str) -> JobOrder:
    """The labour attaché returns an order to its submitter for changes."""
    return _review(
        by=by,
        job_order=job_order,
        status=JobOrder.Status.RETURNED,
        reason=_required_reason(reason),
        action="labour.job_order.returned",
    )


# --- Seekers ----------------------------------------------------------------------------------


def _check_nik_fields(
    nik: str, *, birth_date: date, gender: str, regency_codes: frozenset[str]
) -> None:
    from serumpun.labour.rules.nik import check_nik

    today = timezone.localdate()
    if not (date(today.year - MAX_AGE_YEARS, 1, 1) <= birth_date <= today):
        raise ValidationError({"birth_date": _("The birth date is not plausible.")})
    problems = check_nik(
        nik,
        birth_date=birth_date,
        gender=gender,
        regency_codes=regency_codes,
        today=today,
    )
    if problems:
        raise ValidationError(
            {"nik": [str(NIK_MESSAGES.get(p.code, p)) for p in problems]}
        )


def _normalise_nik(nik: str) -> str:
    return "".join(str(nik).split())


def register_seeker(*, by: User, fields: Mapping[str, Any]) -> Seeker:
    """Register a job seeker: the seeker for themself, or an officer for anyone.

    Consent is required; the NIK must agree with the birth date, sex and a real regency
    code; one profile per NIK (looked up by its keyed hash) and per user account.
    """
    for_self = not has_permission(by, "seeker.manage_any")
    if for_self:
        require_permission(by, "seeker.manage_own")
        if Seeker.objects.filter(user=by).exists():
            raise ConflictError(_("You already have a job-seeker profile."))
    if fields.get("consent") is not True:
        raise ValidationError({"consent": _("The seeker's consent is required.")})
    regency = Regency.objects.filter(code=fields.get("regency_code", "")).first()
    if regency is None:
        raise ValidationError({"regency_code": _("Unknown regency or city code.")})
    nik = _normalise_nik(fields["nik"])
    regency_codes = frozenset(Regency.objects.values_list("code", flat=True))
    _check_nik_fields(
        nik,
        birth_date=fields["birth_date"],
        gender=fields["gender"],
        regency_codes=regency_codes,
    )
    skill_objects = _skills_by_code(fields.get("skills") or (), "skills")
    nik_hash = blind_index(nik)
    if Seeker.objects.filter(nik_hash=nik_hash).exists():
        raise ConflictError(_("A job seeker with this NIK is already registered."))
    values = {k: v for k, v in fields.items() if k in SEEKER_FIELDS and v is not None}
    now = timezone.now()
    try:
        with transaction.atomic():
            seeker = Seeker.objects.create(
                user=by if for_self else None,
                nik=nik,
                nik_hash=nik_hash,
                nik_last4=nik[-4:],
                birth_date=fields["birth_date"],
                gender=fields["gender"],
                regency=regency,
                consent_given_at=now,
                registered_by=by,
                office=None if for_self else by.organisation,
                case_officer=None if for_self else by,
                **values,
            )
            _replace_seeker_rows(seeker, fields, skill_objects)
            SeekerDocument.objects.bulk_create(
                SeekerDocument(seeker=seeker, kind=kind) for kind in _document_kinds()
            )
            audit.record(
                actor=by,
                action="labour.seeker.registered",
                obj=seeker,
                fields=["nik", "birth_date", "gender", "regency", "consent", *values],
            )
    except IntegrityError as exc:  # a concurrent registration of the same NIK or user
        raise ConflictError(_("This job seeker is already registered.")) from exc
    return seeker


def _document_kinds() -> tuple[str, ...]:
    from serumpun.labour.reference import document_kinds

    return document_kinds()


def _replace_seeker_rows(
    seeker: Seeker, fields: Mapping[str, Any], skill_objects: Mapping[str, Skill]
) -> None:
    """Replace the related rows given in `fields` (skills, certificates, experience)."""
    if "skills" in fields and fields["skills"] is not None:
        seeker.skills.all().delete()
        SeekerSkill.objects.bulk_create(
            SeekerSkill(seeker=seeker, skill=skill) for skill in skill_objects.values()
        )
    if "certificates" in fields and fields["certificates"] is not None:
        seeker.certificates.all().delete()
        SeekerCertificate.objects.bulk_create(
            SeekerCertificate(
                seeker=seeker,
                scheme=c["scheme"],
                issuer=c.get("issuer") or "",
                level=c.get("level") or 0,
                valid_until=c.get("valid_until"),
            )
            for c in fields["certificates"]
        )
    if "experience" in fields and fields["experience"] is not None:
        seeker.experience.all().delete()
        SeekerExperience.objects.bulk_create(
            SeekerExperience(seeker=seeker, isco_code=e["isco_code"], years=e["years"])
            for e in fields["experience"]
        )


def _may_manage_seeker(by: User, seeker: Seeker) -> bool:
    if seeker.user_id is not None and seeker.user_id == by.pk:
        return has_permission(by, "seeker.manage_own")
    return has_permission(by, "seeker.manage_any")


def update_seeker(*, by: User, seeker: Seeker, fields: Mapping[str, Any]) -> Seeker:
    """Correct a seeker's profile (the seeker, or an officer); the NIK does not change here."""
    if not _may_manage_seeker(by, seeker):
        raise PermissionDenied(_("Your role may not do this."))
    values = {k: v for k, v in fields.items() if k in SEEKER_FIELDS and v is not None}
    if "regency_code" in fields:
        regency = Regency.objects.filter(code=fields["regency_code"]).first()
        if regency is None:
            raise ValidationError({"regency_code": _("Unknown regency or city code.")})
        values["regency"] = regency
    skill_objects = _skills_by_code(fields.get("skills") or (), "skills")
    with transaction.atomic():
        for name, value in values.items():
            setattr(seeker, name, value)
        seeker.save()
        _replace_seeker_rows(seeker, fields, skill_objects)
        changed = [
            *values,
            *(k for k in ("skills", "certificates", "experience") if k in fields),
        ]
        audit.record(
            actor=by, action="labour.seeker.updated", obj=seeker, fields=changed
        )
    return seeker


def may_unmask_nik(by: User, seeker: Seeker) -> bool:
    """The seeker themself, their case officer, or an officer holding `seeker.unmask_nik`."""
    if seeker.user_id is not None and seeker.user_id == by.pk:
        return True
    return has_permission(by, "seeker.unmask_nik")


def unmask_nik(*, by: User, seeker: Seeker, purpose: str = "") -> str:
    """The full NIK, for the seeker or an authorised officer; every call is audited."""
    if not may_unmask_nik(by, seeker):
        raise PermissionDenied(_("Your role may not read a full NIK."))
    audit.record_read(
        actor=by, obj=seeker, fields=["nik"], purpose=purpose or "labour.unmask_nik"
    )
    return str(seeker.nik)


#: the seeker fields every staff reader of a profile is shown (audit rows list these names)
SEEKER_PROFILE_FIELDS = (
    "full_name",
    "nik_masked",
    "birth_date",
    "gender",
    "regency",
    "education",
    "preferred_sectors",
    "languages",
    "skills",
    "certificates",
    "experience",
    "documents",
    "stage",
)


def record_seeker_read(*, by: User, seeker: Seeker, fields: Iterable[str]) -> None:
    """Audit an officer's or attaché's read of a seeker profile (SEC-05); a seeker's own
    reads are not personal-data disclosures."""
    if seeker.user_id is not None and seeker.user_id == by.pk:
        return
    audit.record_read(
        actor=by, obj=seeker, fields=fields, purpose="labour.seeker.profile"
    )


# --- Allocation -------------------------------------------------------------------------------


def _without_pairs(
    scores: Any, seeker_ids: Any, order_ids: Any, pairs: list[tuple[int, int]]
) -> Any:
    """`scores` (seekers × orders, sparse) without the given (seeker id, order id) pairs."""
    import numpy as np

    if not pairs:
        return scores
    seeker_index = {int(sid): i for i, sid in enumerate(seeker_ids.tolist())}
    order_index = {int(oid): j for j, oid in enumerate(order_ids.tolist())}
    n_orders = scores.shape[1]
    banned = np.array(
        [
            seeker_index[s] * n_orders + order_index[o]
            for s, o in pairs
            if s in seeker_index and o in order_index
        ],
        dtype=np.int64,
    )
    coo = scores.tocoo()
    keep = ~np.isin(coo.row.astype(np.int64) * n_orders + coo.col, banned)
    return type(scores)(
        (coo.data[keep], (coo.row[keep], coo.col[keep])), shape=scores.shape
    ).tocsr()


def allocate_offers(
    *,
    by: User,
    job_order_ids: Iterable[int] | None = None,
    k: int | None = None,
    m: float | None = None,
) -> list[Offer]:
    """Offer seekers to open job orders so total fit is maximal and no order is flooded.

    Each seeker goes to at most `k` orders, each order gets at most ⌊m × workers needed⌋
    offers (OR-Tools min-cost flow); defaults from data/labour/matching.yaml. Open offers of
    the orders concerned are withdrawn first, so running it again replaces the last round.
    """
    import numpy as np

    from serumpun.labour.features import allocation_inputs, matching_settings
    from serumpun.labour.rules.allocation import allocate, load_allocation_settings

    if not (
        has_permission(by, "job_order.endorse")
        or has_permission(by, "seeker.manage_any")
    ):
        raise PermissionDenied(_("Your role may not do this."))
    defaults = load_allocation_settings(matching_settings())
    k = defaults.max_offers_per_seeker if k is None else k
    m = defaults.over_offer_factor if m is None else m
    if k < 1 or m <= 0:
        raise ValidationError({"k": _("k and m must be positive.")})
    orders = JobOrder.objects.open_for_seekers().select_related("occupation")
    if job_order_ids is not None:
        orders = orders.filter(pk__in=list(job_order_ids))
    inputs = allocation_inputs(list(orders.order_by("pk")), as_of=timezone.localdate())
    run = str(uuid.uuid4())
    with transaction.atomic():
        Offer.objects.filter(
            job_order_id__in=inputs.job_order_ids.tolist(),
            status=Offer.Status.OFFERED,
        ).update(status=Offer.Status.WITHDRAWN, updated_at=timezone.now())
        offers: list[Offer] = []
        # A seeker who declined (or already accepted) an order is not offered it again.
        answered = Offer.objects.filter(
            job_order_id__in=inputs.job_order_ids.tolist(),
            status__in=[Offer.Status.DECLINED, Offer.Status.ACCEPTED],
        ).values_list("seeker_id", "job_order_id")
        scores = _without_pairs(
            inputs.scores, inputs.seeker_ids, inputs.job_order_ids, list(answered)
        )
        if scores.nnz:
            result = allocate(
                scores, inputs.quotas, k=k, m=m, scale=defaults.score_scale
            )
            rows, cols = result.offers[:, 0], result.offers[:, 1]
            values = np.asarray(scores.tocsr()[rows, cols]).ravel()
            offers = Offer.objects.bulk_create(
                Offer(
                    seeker_id=int(seeker_id),
                    job_order_id=int(order_id),
                    score=round(float(value), 4),
                    allocation_run=run,
                )
                for seeker_id, order_id, value in zip(
                    inputs.seeker_ids[rows].tolist(),
                    inputs.job_order_ids[cols].tolist(),
                    values.tolist(),
                    strict=True,
                )
            )
        audit.record(
            actor=by,
            action="labour.offers.allocated",
            fields=["offers"],
            purpose=f"run {run}: {len(offers)} offers, k={k}, m={m}",
        )
        transaction.on_commit(partial(_notify_offers, run))
    return offers


def _notify_offers(run: str) -> None:
    users = User.objects.filter(
        seeker_profile__offers__allocation_run=run, is_active=True
    ).distinct()
    notify(
        users,
        subject=gettext_lazy("You have a new job offer to consider"),
        kind="labour.offer",
    )
