"""The Labour section of API.md: job orders and their review, seekers, candidates, matches.

Mounted at /api/v1/labour. Every route calls `serumpun.labour.actions` for changes and looks
records up through `visible_to`, so another organisation's record is a 404. A seeker profile
never leaves here with a full NIK except through the audited unmask call.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action as _call
from serumpun.core.pagination import LimitOffset
from serumpun.labour import actions, queries
from serumpun.labour.models import JobOrder, Seeker

router = Router(tags=["labour"])

T = TypeVar("T")

Sector = Literal[
    "manufacturing",
    "construction",
    "plantation",
    "agriculture",
    "services",
    "mining",
    "domestic",
]
MAX_MYR = Decimal("9999999")
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
#: a primary key as the databases can hold it (a larger number is a 422, not a 500)
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
SchemeCode = Annotated[str, StringConstraints(min_length=1, max_length=60)]
SkillCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
MAX_LIST = 50


def _user(request: HttpRequest) -> User:
    """The caller (the bearer-token authentication sets request.user)."""
    user: User = request.user  # type: ignore[assignment]
    return user


# --- Job orders -------------------------------------------------------------------------------


class CostIn(Schema):
    """One cost item and who pays it."""

    item: str = Field(..., min_length=1, max_length=60)
    amount_myr: Decimal = Field(..., ge=0, le=MAX_MYR, decimal_places=2)
    paid_by: Literal["worker", "employer", "agency"]


class SkillWeightIn(Schema):
    """A skill the order asks for (code from the skills list) and its weight 0..1."""

    code: str = Field(..., min_length=1, max_length=40)
    weight: float = Field(1.0, ge=0, le=1)


class JobOrderIn(Schema):
    """A demand letter (API.md "Labour"); optional fields beyond API.md refine the check."""

    title: str = Field(..., min_length=1, max_length=200)
    employer_name: str = Field(..., min_length=1, max_length=200)
    employer_state: str = Field("", max_length=60)
    sector: Sector
    isco_code: str = Field(..., pattern=r"^\d{4}$")
    workers_needed: int = Field(..., gt=0, le=100_000)
    basic_wage_myr: Decimal = Field(..., ge=0, le=MAX_MYR, decimal_places=2)
    weekly_hours: Decimal = Field(..., ge=0, le=168, decimal_places=1)
    worker_paid_costs_myr: Decimal = Field(
        Decimal(0), ge=0, le=MAX_MYR, decimal_places=2
    )
    age_min: int = Field(..., ge=0, le=100)
    age_max: int = Field(..., ge=0, le=100)
    gender: Literal["any", "female", "male"] = "any"
    contract_months: int = Field(..., ge=1, le=120)
    accommodation_provided: bool
    passport_held_by: Literal["worker", "employer"]
    levy_paid_by: Literal["employer", "worker"]
    agency_licence: str | None = Field(None, max_length=60)
    start_date: date | None = None
    channel: Literal["p3mi", "ocs", "g2g", "individual"] = "p3mi"
    contract_languages: list[LanguageCode] = Field(default_factory=list, max_length=5)
    quota_reference: str | None = Field(None, max_length=60)
    overtime_terms: str = Field("", max_length=300)
    rest_day: str = Field("", max_length=60)
    order_date: date | None = Field(
        None, description="The date the rules are judged as of (default: today)."
    )
    required_certificates: list[SchemeCode] = Field(default_factory=list, max_length=10)
    min_document_stage: int = Field(0, ge=0, le=9)
    costs: list[CostIn] = Field(default_factory=list, max_length=30)
    skills: list[SkillWeightIn] = Field(default_factory=list, max_length=30)


class JobOrderOut(Schema):
    """A job order with its status and stored compliance verdict."""

    id: int
    status: str
    compliance: dict[str, Any]
    compliance_status: str
    rules_version: str
    title: str
    employer_name: str
    employer_state: str
    agency_licence: str
    sector: str
    isco_code: str
    workers_needed: int
    basic_wage_myr: Decimal
    weekly_hours: Decimal
    worker_paid_costs_myr: Decimal
    age_min: int
    age_max: int
    gender: str
    contract_months: int
    accommodation_provided: bool
    passport_held_by: str
    levy_paid_by: str
    channel: str
    start_date: date | None
    order_date: date
    review_reason: str
    created_at: datetime

    @staticmethod
    def resolve_isco_code(obj: JobOrder) -> str:
        return obj.isco_code

    @staticmethod
    def resolve_compliance(obj: JobOrder) -> dict[str, Any]:
        return _localised(obj.compliance)


def _localised(verdict: dict[str, Any]) -> dict[str, Any]:
    """The stored verdict with each line's message in the reader's language."""
    language = (get_language() or "en")[:2]

    def line(finding: dict[str, Any]) -> dict[str, Any]:
        messages = finding.get("messages") or {}
        return {**finding, "message": messages.get(language) or finding.get("message")}

    if not verdict:
        return {"status": "", "violations": [], "warnings": []}
    return {
        **verdict,
        "violations": [line(f) for f in verdict.get("violations", [])],
        "warnings": [line(f) for f in verdict.get("warnings", [])],
    }


class ReviewIn(Schema):
    """The attaché's note when endorsing."""

    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    """Why an order is rejected or returned."""

    reason: str = Field(..., min_length=1, max_length=2000)


def _job_order(request: HttpRequest, job_order_id: int) -> JobOrder:
    return get_visible_or_404(
        JobOrder.objects.select_related("occupation"), _user(request), pk=job_order_id
    )


@router.post("/job-orders", response={201: JobOrderOut}, summary="Submit a job order")
def create_job_order(request: HttpRequest, payload: JobOrderIn) -> tuple[int, JobOrder]:
    """Submit a demand letter; it is checked at once and stored with its verdict, even when
    the verdict is `fail` (endorsement is then blocked)."""
    data = payload.dict()
    costs = data.pop("costs")
    skills = data.pop("skills")
    job_order = _call(
        actions.submit_job_order,
        by=_user(request),
        fields=data,
        costs=costs,
        skills=skills,
    )
    return 201, job_order


@router.get("/job-orders", response=list[JobOrderOut], summary="Job orders")
@paginate(LimitOffset)
def list_job_orders(request: HttpRequest) -> QuerySet[JobOrder]:
    """Orders the caller may see: their organisation's, or all for the attaché and officers."""
    return (
        JobOrder.objects.visible_to(_user(request))
        .select_related("occupation")
        .order_by("-created_at", "-id")
    )


@router.get("/job-orders/{job_order_id}", response=JobOrderOut, summary="A job order")
def get_job_order(request: HttpRequest, job_order_id: int) -> JobOrder:
    """One job order with its compliance verdict and sources."""
    return _job_order(request, job_order_id)


@router.post(
    "/job-orders/{job_order_id}/endorse", response=JobOrderOut, summary="Endorse"
)
def endorse_job_order(
    request: HttpRequest, job_order_id: int, payload: ReviewIn | None = None
) -> JobOrder:
    """The labour attaché endorses a checked order (409 when its compliance fails)."""
    job_order = _job_order(request, job_order_id)
    return _call(
        actions.endorse_job_order,
        by=_user(request),
        job_order=job_order,
        note=payload.note if payload else "",
    )


@router.post(
    "/job-orders/{job_order_id}/reject", response=JobOrderOut, summary="Reject"
)
def reject_job_order(
    request: HttpRequest, job_order_id: int, payload: ReasonIn
) -> JobOrder:
    """The labour attaché rejects an order, with reasons."""
    job_order = _job_order(request, job_order_id)
    return _call(
        actions.reject_job_order,
        by=_user(request),
        job_order=job_order,
        reason=payload.reason,
    )


@router.post(
    "/job-orders/{job_order_id}/return", response=JobOrderOut, summary="Return"
)
def return_job_order(
    request: HttpRequest, job_order_id: int, payload: ReasonIn
) -> JobOrder:
    """The labour attaché returns an order for changes, with reasons."""
    job_order = _job_order(request, job_order_id)
    return _call(
        actions.return_job_order,
        by=_user(request),
        job_order=job_order,
        reason=payload.reason,
    )


# --- Candidates and matches -------------------------------------------------------------------


class TrainingOut(Schema):
    """A course that would close a gap."""

    course: str
    provider: str
    est_days: int


class MissingOut(Schema):
    """Something a seeker lacks for an order, with training that closes it."""

    kind: Literal["skill", "certificate", "document"]
    code: str
    title: str
    training: list[TrainingOut]


class ReasonCodeOut(Schema):
    """A reason as a stable code with its parameters."""

    code: str
    params: dict[str, Any]


class CandidateOut(Schema):
    """A ranked seeker: masked NIK only, never phone or address."""

    seeker_id: int
    nik_masked: str
    score: float = Field(..., ge=0, le=1)
    eligible: bool
    reasons: list[str]
    reason_codes: list[ReasonCodeOut]
    missing: list[MissingOut]


class CandidatesOut(Schema):
    """Candidates for one job order."""

    job_order_id: int
    candidates: list[CandidateOut]


class CandidateFilters(Schema):
    """How many candidates to return."""

    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/job-orders/{job_order_id}/candidates",
    response=CandidatesOut,
    summary="Candidates for a job order",
)
def job_order_candidates(
    request: HttpRequest, job_order_id: int, filters: Query[CandidateFilters]
) -> dict[str, Any]:
    """Seekers ranked for the order (labour attaché, the order's agency or employer)."""
    job_order = _job_order(request, job_order_id)
    user = _user(request)
    if not (
        has_permission(user, "candidate.view")
        or has_permission(user, "candidate.shortlist")
    ):
        raise HttpError(403, "Your role may not see candidates.")
    return {
        "job_order_id": job_order.pk,
        "candidates": queries.candidates_for(job_order, limit=filters.limit),
    }


class MatchOut(Schema):
    """An endorsed, compliant job order that fits a seeker."""

    job_order_id: int
    title: str
    employer_name: str
    sector: str
    isco_code: str
    basic_wage_myr: Decimal
    score: float = Field(..., ge=0, le=1)
    eligible: bool
    reasons: list[str]
    reason_codes: list[ReasonCodeOut]
    missing: list[MissingOut]


class MatchesOut(Schema):
    """Matching job orders for one seeker."""

    seeker_id: int
    matches: list[MatchOut]


# --- Seekers ----------------------------------------------------------------------------------


class SeekerCertificateIn(Schema):
    """A competence certificate (BNSP scheme code or other)."""

    scheme: str = Field(..., min_length=1, max_length=60)
    issuer: str = Field("", max_length=200)
    level: int = Field(0, ge=0, le=9)
    valid_until: date | None = None


class LanguageIn(Schema):
    """A language (ISO 639-1) and level 0 (none) … 3 (fluent)."""

    code: str = Field(..., pattern=r"^[a-z]{2}$")
    level: int = Field(..., ge=0, le=3)


class ExperienceIn(Schema):
    """Years worked in an ISCO-08 occupation."""

    isco_code: str = Field(..., pattern=r"^\d{4}$")
    years: Decimal = Field(..., ge=0, le=60, decimal_places=1)


class SeekerIn(Schema):
    """A job seeker's registration (API.md "Labour")."""

    full_name: str = Field(..., min_length=1, max_length=150)
    nik: str = Field(..., pattern=r"^\d{16}$", description="16 digits.")
    birth_date: date
    gender: Literal["female", "male"]
    regency_code: str = Field(..., pattern=r"^\d{4}$")
    phone: str = Field(..., min_length=6, max_length=20, pattern=r"^\+?[0-9 ()-]+$")
    address: str = Field("", max_length=300)
    education: Literal["sd", "smp", "sma", "smk", "d3", "s1", "s2"]
    skills: list[SkillCode] = Field(default_factory=list, max_length=MAX_LIST)
    certificates: list[SeekerCertificateIn] = Field(default_factory=list, max_length=20)
    languages: list[LanguageIn] = Field(default_factory=list, max_length=10)
    experience: list[ExperienceIn] = Field(default_factory=list, max_length=20)
    preferred_sectors: list[Sector] = Field(default_factory=list, max_length=7)
    consent: bool


class SeekerCertificateOut(Schema):
    """A certificate on a profile."""

    scheme: str
    issuer: str
    level: int
    valid_until: date | None


class ExperienceOut(Schema):
    """Experience on a profile."""

    isco_code: str
    years: Decimal


class DocumentOut(Schema):
    """One checklist document's status."""

    kind: str
    status: str


class SeekerOut(Schema):
    """A seeker profile: the NIK masked; phone and address only for the seeker and officers."""

    id: int
    nik_masked: str
    full_name: str
    birth_date: date
    gender: str
    regency_code: str
    education: str
    phone: str | None
    preferred_sectors: list[str]
    languages: list[dict[str, Any]]
    skills: list[str]
    certificates: list[SeekerCertificateOut]
    experience: list[ExperienceOut]
    documents: list[DocumentOut]
    stage: str
    placed: bool
    consent_given_at: datetime
    created_at: datetime


PROFILE_FIELDS = actions.SEEKER_PROFILE_FIELDS


def _sees_contact(user: Any, seeker: Seeker) -> bool:
    return seeker.user_id == user.pk or has_permission(user, "seeker.manage_any")


def _seeker_out(seeker: Seeker, *, contact: bool) -> dict[str, Any]:
    return {
        "id": seeker.pk,
        "nik_masked": seeker.nik_masked,
        "full_name": seeker.full_name,
        "birth_date": seeker.birth_date,
        "gender": seeker.gender,
        "regency_code": seeker.regency_id,
        "education": seeker.education,
        "phone": seeker.phone if contact else None,
        "preferred_sectors": list(seeker.preferred_sectors or []),
        "languages": list(seeker.languages or []),
        "skills": [s.skill.code for s in seeker.skills.select_related("skill")],
        "certificates": list(seeker.certificates.all()),
        "experience": list(seeker.experience.all()),
        "documents": list(seeker.documents.all()),
        "stage": seeker.stage,
        "placed": seeker.placed,
        "consent_given_at": seeker.consent_given_at,
        "created_at": seeker.created_at,
    }


def _seeker(request: HttpRequest, seeker_id: int) -> Seeker:
    return get_visible_or_404(Seeker.objects.all(), _user(request), pk=seeker_id)


@router.post("/seekers", response={201: SeekerOut}, summary="Register a job seeker")
def create_seeker(
    request: HttpRequest, payload: SeekerIn
) -> tuple[int, dict[str, Any]]:
    """Register a job seeker (the seeker for themself, or an officer); the NIK must agree
    with the birth date, sex and a real regency code (422 naming `nik` otherwise)."""
    fields = payload.dict()
    fields["languages"] = [dict(lang) for lang in fields["languages"]]
    seeker = _call(actions.register_seeker, by=_user(request), fields=fields)
    return 201, _seeker_out(seeker, contact=True)


@router.get("/seekers/{seeker_id}", response=SeekerOut, summary="A job seeker")
def get_seeker(request: HttpRequest, seeker_id: int) -> dict[str, Any]:
    """A seeker's profile (the seeker, officers, the labour attaché); every read by staff is
    audited; the NIK is masked."""
    seeker = _seeker(request, seeker_id)
    contact = _sees_contact(_user(request), seeker)
    actions.record_seeker_read(
        by=_user(request),
        seeker=seeker,
        fields=[*PROFILE_FIELDS, *(("phone",) if contact else ())],
    )
    return _seeker_out(seeker, contact=contact)


class UnmaskedOut(Schema):
    """The full NIK (audited)."""

    nik: str


@router.post("/seekers/{seeker_id}/unmask", response=UnmaskedOut, summary="Unmask NIK")
def unmask_seeker_nik(request: HttpRequest, seeker_id: int) -> dict[str, str]:
    """The full NIK for the seeker or an authorised officer; the read is audited."""
    seeker = _seeker(request, seeker_id)
    return {"nik": actions.unmask_nik(by=_user(request), seeker=seeker)}


class MatchFilters(Schema):
    """How many matches to return."""

    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/seekers/{seeker_id}/matches", response=MatchesOut, summary="Matching job orders"
)
def seeker_matches(
    request: HttpRequest, seeker_id: int, filters: Query[MatchFilters]
) -> dict[str, Any]:
    """Endorsed, legal job orders for a seeker (the seeker or an officer)."""
    seeker = _seeker(request, seeker_id)
    user = _user(request)
    if seeker.user_id != user.pk and not has_permission(user, "seeker.manage_any"):
        raise HttpError(403, "Your role may not see this seeker's matches.")
    if seeker.user_id != user.pk:
        actions.record_seeker_read(by=user, seeker=seeker, fields=["matches"])
    return {
        "seeker_id": seeker.pk,
        "matches": queries.matches_for(seeker, limit=filters.limit),
    }


# --- Allocation -------------------------------------------------------------------------------


class AllocationIn(Schema):
    """Which open orders to allocate (default: all) and the caps (default: matching.yaml)."""

    job_order_ids: list[RecordId] | None = Field(None, max_length=10_000)
    k: int | None = Field(None, ge=1, le=20, description="Offers per seeker at most.")
    m: float | None = Field(
        None, gt=0, le=10, description="Offers per order at most m × workers needed."
    )


class OfferOut(Schema):
    """One offer of an allocation round."""

    seeker_id: int
    job_order_id: int
    score: float


class AllocationOut(Schema):
    """The offers made by one allocation round."""

    offers: list[OfferOut]
    count: int


@router.post("/allocations", response=AllocationOut, summary="Allocate offers")
def allocate_offers(request: HttpRequest, payload: AllocationIn) -> dict[str, Any]:
    """Offer seekers to endorsed orders maximising total fit under the k and m caps
    (labour attaché, officers); replaces the orders' open offers."""
    offers = _call(
        actions.allocate_offers,
        by=_user(request),
        job_order_ids=payload.job_order_ids,
        k=payload.k,
        m=payload.m,
    )
    return {
        "offers": [
            {"seeker_id": o.seeker_id, "job_order_id": o.job_order_id, "score": o.score}
            for o in offers
        ],
        "count": len(offers),
    }
