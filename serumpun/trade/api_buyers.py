"""The Trade section of API.md: buyer profiles, their permits and their verification.

No `from __future__ import annotations` here: ninja resolves the query-parameter types
of a paginated route at import time, and string annotations made it answer 500.

Mounted at /api/v1/trade. A buyer's `id` is its organisation's id (the `buyer.id` of a
sourcing request). Changes go through `serumpun.trade.actions_buyers`; records are read
through `visible_to`, so another buyer's profile or permit is a 404, never a 403.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.core.errors import ConflictError
from serumpun.core.pagination import LimitOffset
from serumpun.trade import actions_buyers as actions
from serumpun.trade.models import BuyerPermit, BuyerProfile

router = Router(tags=["trade"])

#: a primary key as the databases can hold it (a larger number is a 422, not a 500)
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
HSCode6 = Annotated[str, Field(pattern=r"^\d{6}$")]
BuyerTypeCode = Literal["importer", "distributor", "retailer", "horeca", "manufacturer"]
VerificationCode = Literal["pending", "verified", "rejected"]
MAX_SEARCH = 100


def _user(request: HttpRequest) -> User:
    """The caller (the bearer-token authentication sets request.user)."""
    user: User = request.user  # type: ignore[assignment]
    return user


class PermitOut(Schema):
    """An import permit or registration a buyer holds."""

    id: int
    requirement_id: str
    title: str
    agency: str
    number: str
    valid_until: date | None
    has_document: bool
    verification: str
    verification_reason: str

    @staticmethod
    def resolve_title(obj: BuyerPermit) -> str:
        return actions.permit_title(obj.requirement_id)

    @staticmethod
    def resolve_has_document(obj: BuyerPermit) -> bool:
        return bool(obj.document)


class BuyerProfileOut(Schema):
    """A buyer organisation's profile (id: the organisation's)."""

    id: int
    name: str
    ssm_number: str
    buyer_type: str
    state: str
    address: str
    website: str
    contact_name: str
    contact_phone: str
    hs_interests: list[str]
    verification: str
    verification_reason: str
    verified_at: datetime | None
    permits: list[PermitOut]

    @staticmethod
    def resolve_id(obj: BuyerProfile) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_name(obj: BuyerProfile) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_state(obj: BuyerProfile) -> str:
        return obj.state_id

    @staticmethod
    def resolve_permits(obj: BuyerProfile) -> list[BuyerPermit]:
        return list(obj.permits.all())


class BuyerProfileIn(Schema):
    """A buyer's own profile; the SSM number may be typed with spaces or hyphens."""

    ssm_number: str = Field(..., min_length=1, max_length=24)
    buyer_type: BuyerTypeCode
    state: str = Field(..., max_length=6, description="ISO 3166-2 code, e.g. MY-10")
    address: str = Field("", max_length=300)
    website: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=20)
    hs_interests: list[HSCode6] = Field(default_factory=list, max_length=50)


class PermitIn(Schema):
    """An import permit the buyer holds (a scan is added on the web page)."""

    requirement_id: str = Field(..., min_length=1, max_length=60)
    agency: str = Field(..., min_length=1, max_length=100)
    number: str = Field(..., min_length=1, max_length=60)
    valid_until: date | None = None


class DecisionIn(Schema):
    """The trade attaché's decision; a rejection needs a reason."""

    decision: Literal["verified", "rejected"]
    reason: str = Field("", max_length=1000)


def _profiles() -> Any:
    return BuyerProfile.objects.select_related("organisation").prefetch_related(
        "permits"
    )


def _own(request: HttpRequest) -> BuyerProfile | None:
    user = _user(request)
    if not has_permission(user, "request.post") or user.organisation is None:
        raise PermissionDenied(_("Only a Malaysian buyer keeps a buyer profile."))
    found: BuyerProfile | None = (
        _profiles().filter(organisation=user.organisation).first()
    )
    return found


@router.get("/buyers/me", response=BuyerProfileOut, summary="My buyer profile")
def get_my_profile(request: HttpRequest) -> BuyerProfile:
    """The caller's own buyer profile (404 until it is registered)."""
    profile = _own(request)
    if profile is None:
        raise Http404
    return profile


@router.put(
    "/buyers/me",
    response={200: BuyerProfileOut, 201: BuyerProfileOut},
    summary="Register or correct my buyer profile",
)
def put_my_profile(
    request: HttpRequest, payload: BuyerProfileIn
) -> tuple[int, BuyerProfile]:
    """Register the profile (201) or correct it (200). A new SSM number sends a verified
    profile back to the trade attaché; a taken one, an unknown state or HS code is a 422."""
    profile = _own(request)
    user = _user(request)
    fields = payload.dict()
    if profile is None:
        created = call_action(
            actions.create_buyer_profile,
            by=user,
            organisation=user.organisation,
            fields=fields,
        )
        return 201, _profiles().get(pk=created.pk)
    call_action(actions.update_buyer_profile, by=user, profile=profile, fields=fields)
    return 200, _profiles().get(pk=profile.pk)


@router.get("/buyers", response=list[BuyerProfileOut], summary="Buyers")
@paginate(LimitOffset)
def list_buyers(
    request: HttpRequest,
    verification: VerificationCode | None = None,
    state: Annotated[str, Field(max_length=6)] | None = None,
    buyer_type: BuyerTypeCode | None = None,
    q: Annotated[str, Field(max_length=MAX_SEARCH)] | None = None,
) -> QuerySet[BuyerProfile]:
    """Every buyer, for the trade attaché (403 for other roles), filterable."""
    if not has_permission(_user(request), "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché lists buyers."))
    rows = _profiles().visible_to(_user(request))
    if verification:
        rows = rows.filter(verification=verification)
    if state:
        rows = rows.filter(state_id=state)
    if buyer_type:
        rows = rows.filter(buyer_type=buyer_type)
    if q and q.strip():
        words = q.strip()
        rows = rows.filter(
            Q(organisation__name__icontains=words)
            | Q(ssm_number__icontains=actions.normalise_ssm(words))
        )
    return rows.order_by("organisation__name", "pk")


@router.get("/buyers/{buyer_id}", response=BuyerProfileOut, summary="A buyer")
def get_buyer(request: HttpRequest, buyer_id: RecordId) -> BuyerProfile:
    """One buyer (by organisation id): the trade attaché, or the buyer itself; else 404."""
    return get_visible_or_404(_profiles(), _user(request), organisation_id=buyer_id)


@router.post(
    "/buyers/{buyer_id}/verify", response=BuyerProfileOut, summary="Verify a buyer"
)
def verify_buyer(
    request: HttpRequest, buyer_id: RecordId, payload: DecisionIn
) -> BuyerProfile:
    """The trade attaché verifies or rejects a buyer (409 when already so decided)."""
    user = _user(request)
    if not has_permission(user, "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché verifies buyers."))
    profile = get_visible_or_404(_profiles(), user, organisation_id=buyer_id)
    call_action(
        actions.verify_buyer,
        by=user,
        profile=profile,
        decision=payload.decision,
        reason=payload.reason,
    )
    return _profiles().get(pk=profile.pk)


@router.post(
    "/buyers/me/permits", response={201: PermitOut}, summary="Add one of my permits"
)
def add_my_permit(request: HttpRequest, payload: PermitIn) -> tuple[int, BuyerPermit]:
    """Record an import permit the buyer holds (422 for a permit rule the book lacks);
    409 until the buyer has registered its profile."""
    profile = _own(request)
    if profile is None:
        raise ConflictError(_("Register your buyer profile first."))
    permit = call_action(
        actions.add_permit, by=_user(request), profile=profile, fields=payload.dict()
    )
    return 201, permit


@router.post(
    "/permits/{permit_id}/verify", response=PermitOut, summary="Verify a buyer permit"
)
def verify_permit(
    request: HttpRequest, permit_id: RecordId, payload: DecisionIn
) -> BuyerPermit:
    """The trade attaché verifies or rejects a buyer's permit (409 when already so)."""
    user = _user(request)
    if not has_permission(user, "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché verifies permits."))
    permit = get_visible_or_404(
        BuyerPermit.objects.select_related("buyer__organisation"), user, pk=permit_id
    )
    return call_action(
        actions.verify_permit,
        by=user,
        permit=permit,
        decision=payload.decision,
        reason=payload.reason,
    )
