"""The Trade section of API.md: sourcing requests (post, read, list, close).

No `from __future__ import annotations` here: ninja resolves the query-parameter types
of a paginated route at import time, and string annotations made it answer 500.

Mounted at /api/v1/trade. Changes go through `serumpun.trade.actions_requests`; records are
read through `SourcingRequest.objects.visible_to`, so another buyer's request, or a private
request not addressed to the calling MSME, is a 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from serumpun.accounts.models import User
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.core.pagination import LimitOffset
from serumpun.trade import actions_requests as actions
from serumpun.trade.models import SourcingRequest

router = Router(tags=["trade"])

#: a primary key as the databases can hold it (a larger number is a 422, not a 500)
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
CertificateKindCode = Annotated[str, Field(min_length=1, max_length=20)]
HSPrefix = Annotated[str, StringConstraints(pattern=r"^\d{2,6}$")]
MAX_KG = Decimal("999999999")
MAX_PRICE = Decimal("99999999")


def _user(request: HttpRequest) -> User:
    """The caller (the bearer-token authentication sets request.user)."""
    user: User = request.user  # type: ignore[assignment]
    return user


class RequestIn(Schema):
    """A sourcing request (API.md "Trade"); the attaché relays one by naming `buyer_id`."""

    title: str = Field(..., min_length=1, max_length=200)
    hs_code: str = Field(..., pattern=r"^\d{6}$")
    description: str = Field("", max_length=4000)
    quantity_kg_per_month: Decimal = Field(..., le=MAX_KG, decimal_places=2)
    required_certificates: list[CertificateKindCode] = Field(
        default_factory=list, max_length=10
    )
    destination_locode: str = Field(..., pattern=r"^[A-Za-z]{5}$")
    target_price_usd_per_kg: Decimal | None = Field(
        None, ge=0, le=MAX_PRICE, decimal_places=2
    )
    incoterm: Literal["EXW", "FOB", "CFR", "CIF", "DAP", "DDP"] | None = None
    valid_until: date | None = None
    accept_same_heading: bool = False
    visibility: Literal["verified_msmes", "invited"] = "verified_msmes"
    invited_msme_ids: list[RecordId] = Field(default_factory=list, max_length=200)
    buyer_id: RecordId | None = Field(
        None, description="Trade attaché only: the buyer organisation relayed for."
    )


class BuyerOut(Schema):
    """The buyer a request belongs to."""

    id: int
    name: str
    state: str


class RequestOut(Schema):
    """A sourcing request as its readers see it."""

    id: int
    title: str
    hs_code: str
    description: str
    quantity_kg_per_month: Decimal
    required_certificates: list[str]
    destination_locode: str
    target_price_usd_per_kg: Decimal | None
    incoterm: str
    valid_until: date | None
    accept_same_heading: bool
    status: str
    status_reason: str
    visibility: str
    buyer: BuyerOut
    relayed: bool
    created_at: datetime

    @staticmethod
    def resolve_hs_code(obj: SourcingRequest) -> str:
        return obj.hs_code_id

    @staticmethod
    def resolve_relayed(obj: SourcingRequest) -> bool:
        return obj.is_relayed

    @staticmethod
    def resolve_buyer(obj: SourcingRequest) -> dict[str, Any]:
        profile = getattr(obj.buyer, "buyer_profile", None)
        return {
            "id": obj.buyer_id,
            "name": obj.buyer.name,
            "state": profile.state_id if profile is not None else "",
        }


class CloseIn(Schema):
    """Close a request, or mark it fulfilled, with an optional reason."""

    status: Literal["closed", "fulfilled"]
    reason: str = Field("", max_length=1000)


def _requests() -> Any:
    return SourcingRequest.objects.select_related("buyer__buyer_profile")


@router.post("/requests", response={201: RequestOut}, summary="Post a sourcing request")
def create_request(
    request: HttpRequest, payload: RequestIn
) -> tuple[int, SourcingRequest]:
    """A verified buyer posts a request (409 while its profile is not verified); the trade
    attaché relays one for a verified buyer by adding `buyer_id`."""
    data = payload.dict()
    hs_code = data.pop("hs_code")
    invited = data.pop("invited_msme_ids")
    buyer_id = data.pop("buyer_id")
    created = call_action(
        actions.post_request,
        by=_user(request),
        fields=data,
        hs_code=hs_code,
        invited_msme_ids=invited,
        buyer_id=buyer_id,
    )
    return 201, _requests().get(pk=created.pk)


@router.get("/requests", response=list[RequestOut], summary="Sourcing requests")
@paginate(LimitOffset)
def list_requests(
    request: HttpRequest,
    status: Literal["open", "closed", "fulfilled"] | None = None,
    hs_code: HSPrefix | None = None,
) -> QuerySet[SourcingRequest]:
    """Requests the caller may see: a buyer's own, all for the attaché, and for an MSME the
    requests open to verified MSMEs or addressed to it."""
    rows = _requests().visible_to(_user(request))
    if status:
        rows = rows.filter(status=status)
    if hs_code:
        rows = rows.filter(hs_code__code__startswith=hs_code)
    return rows.order_by("-created_at", "-id")


@router.get("/requests/{request_id}", response=RequestOut, summary="A sourcing request")
def get_request(request: HttpRequest, request_id: RecordId) -> SourcingRequest:
    """One request (another buyer's, or a private one not addressed to you, is a 404)."""
    return get_visible_or_404(_requests(), _user(request), pk=request_id)


@router.post(
    "/requests/{request_id}/close", response=RequestOut, summary="Close a request"
)
def close_request(
    request: HttpRequest, request_id: RecordId, payload: CloseIn
) -> SourcingRequest:
    """The owner buyer or the trade attaché closes a request (409 when not open)."""
    found = get_visible_or_404(_requests(), _user(request), pk=request_id)
    call_action(
        actions.close_request,
        by=_user(request),
        request=found,
        status=payload.status,
        reason=payload.reason,
    )
    return _requests().get(pk=found.pk)
