"""The Trade section of API.md: introductions (leads), their stages and messages, buyer reports.

No `from __future__ import annotations` here: ninja resolves the query-parameter types of a
paginated route at import time.

Mounted at /api/v1/trade. Changes go through `serumpun.trade.actions_deals`; leads are read
through `Introduction.objects.visible_to`, so another buyer's lead (or another MSME's) is a
404. The request named in a new introduction is looked up the same way (another buyer's
request → 404); an unknown or withdrawn product is a 422 naming `product_id` (catalogue
products are public, so saying "unknown" reveals nothing).
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from serumpun.accounts.models import Organisation, User
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.core.pagination import LimitOffset
from serumpun.exporters.models import Product
from serumpun.trade import actions_deals as actions
from serumpun.trade.models import (
    BuyerReport,
    Introduction,
    LeadMessage,
    SourcingRequest,
)

router = Router(tags=["trade"])

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Stage = Literal[
    "introduced", "sample_sent", "negotiating", "ordered", "shipped", "paid", "lost"
]
MAX_AMOUNT = Decimal("999999999999")
LostReasonCode = Literal[
    "price",
    "quality",
    "volume",
    "certificates",
    "payment_terms",
    "logistics",
    "buyer_unresponsive",
    "msme_unresponsive",
    "other",
]


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _leads() -> Any:
    return Introduction.objects.select_related("msme").prefetch_related("history")


class IntroductionIn(Schema):
    """Which request and which product to introduce."""

    request_id: RecordId
    product_id: RecordId


class HistoryOut(Schema):
    """One stage the lead entered, and when."""

    stage: str
    at: datetime


class MoneyOut(Schema):
    """An amount in a currency, with its USD equivalent at the reference rates."""

    amount: Decimal
    currency: str
    usd: Decimal | None


class IntroductionOut(Schema):
    """A lead as API.md shows it."""

    id: int
    request_id: int
    product_id: int
    msme_id: int
    buyer_id: int
    stage: str
    stage_changed_at: datetime
    created_at: datetime
    score: float
    msme_responded_at: datetime | None
    lost_reason: str
    lost_note: str
    lost_at_stage: str
    deal_value: MoneyOut | None
    ordered_quantity_kg: Decimal | None
    history: list[HistoryOut]

    @staticmethod
    def resolve_deal_value(obj: Introduction) -> dict[str, Any] | None:
        if obj.deal_value_amount is None:
            return None
        return {
            "amount": obj.deal_value_amount,
            "currency": obj.deal_value_currency,
            "usd": obj.deal_value_usd,
        }

    @staticmethod
    def resolve_history(obj: Introduction) -> list[dict[str, Any]]:
        return [{"stage": c.to_stage, "at": c.at} for c in obj.history.all()]


class MoneyIn(Schema):
    """The order's value as agreed."""

    amount: Decimal = Field(..., gt=0, le=MAX_AMOUNT, decimal_places=2)
    currency: Literal["MYR", "USD", "IDR"]


class StageIn(Schema):
    """A move of the lead; `lost_reason` (a code) for lost, `deal_value` for ordered."""

    stage: Stage
    note: str = Field("", max_length=2000)
    lost_reason: LostReasonCode | None = None
    lost_note: str = Field("", max_length=2000)
    deal_value: MoneyIn | None = None
    ordered_quantity_kg: Decimal | None = Field(
        None, gt=0, le=MAX_AMOUNT, decimal_places=2
    )


class MessageIn(Schema):
    """A message to the other party (attachments through the lead page)."""

    body: str = Field(..., min_length=1, max_length=5000)


class MessageOut(Schema):
    """A message on a lead; the sender is named by organisation, never by e-mail."""

    id: int
    sender_organisation: str
    body: str
    has_attachment: bool
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_sender_organisation(obj: LeadMessage) -> str:
        return obj.sender_organisation.name

    @staticmethod
    def resolve_has_attachment(obj: LeadMessage) -> bool:
        return bool(obj.attachment)


class ReportIn(Schema):
    """An MSME's report about a buyer it has a lead with."""

    buyer_id: RecordId
    reason: Literal[
        "asked_to_change_bank_details",
        "payment_not_received",
        "fake_identity",
        "abusive",
        "other",
    ]
    details: str = Field(..., min_length=1, max_length=5000)
    introduction_id: RecordId | None = None


class ReportOut(Schema):
    """A buyer report as filed."""

    id: int
    buyer_id: int
    msme_id: int
    introduction_id: int | None
    reason: str
    status: str
    created_at: datetime


@router.post(
    "/introductions",
    response={201: IntroductionOut},
    summary="Request an introduction",
)
def create_introduction(
    request: HttpRequest, payload: IntroductionIn
) -> tuple[int, Introduction]:
    """Open a lead for one of the caller's requests (409 with `blockers` when the product
    cannot supply it, 409 for a duplicate; another buyer's request is a 404)."""
    user = _user(request)
    sourcing = get_visible_or_404(
        SourcingRequest.objects.all(), user, pk=payload.request_id
    )
    product = Product.objects.in_catalogue().filter(pk=payload.product_id).first()
    if product is None:
        raise ValidationError(
            [{"loc": ["body", "product_id"], "msg": _("Unknown product.")}]
        )
    lead = call_action(
        actions.request_introduction, request=sourcing, product=product, by=user
    )
    return 201, _leads().get(pk=lead.pk)


@router.get(
    "/introductions", response=list[IntroductionOut], summary="Introductions (leads)"
)
@paginate(LimitOffset)
def list_introductions(
    request: HttpRequest, stage: Stage | None = None
) -> QuerySet[Introduction]:
    """The leads the caller may see: a buyer's own, an MSME's own, all for the attaché."""
    rows = _leads().visible_to(_user(request)).order_by("-id")
    if stage:
        rows = rows.filter(stage=stage)
    return rows


@router.get(
    "/introductions/{introduction_id}",
    response=IntroductionOut,
    summary="An introduction",
)
def get_introduction(request: HttpRequest, introduction_id: RecordId) -> Introduction:
    """One lead with its history (404 when it is not the caller's)."""
    return get_visible_or_404(_leads(), _user(request), pk=introduction_id)


@router.post(
    "/introductions/{introduction_id}/stage",
    response=IntroductionOut,
    summary="Move an introduction to a stage",
)
def move_introduction(
    request: HttpRequest, introduction_id: RecordId, payload: StageIn
) -> Introduction:
    """Record the lead's next stage (409 for a move the pipeline does not allow)."""
    user = _user(request)
    lead = get_visible_or_404(_leads(), user, pk=introduction_id)
    value = (
        actions.DealValue(payload.deal_value.amount, payload.deal_value.currency)
        if payload.deal_value
        else None
    )
    call_action(
        actions.move_lead,
        {"quantity_kg": "ordered_quantity_kg"},
        introduction=lead,
        to_stage=payload.stage,
        by=user,
        note=payload.note,
        lost_reason=payload.lost_reason or "",
        lost_note=payload.lost_note,
        deal_value=value,
        quantity_kg=payload.ordered_quantity_kg,
    )
    return _leads().get(pk=lead.pk)


@router.get(
    "/introductions/{introduction_id}/messages",
    response=list[MessageOut],
    summary="Messages on an introduction",
)
@paginate(LimitOffset)
def list_messages(
    request: HttpRequest, introduction_id: RecordId
) -> QuerySet[LeadMessage]:
    """The thread between buyer and supplier, oldest first."""
    lead = get_visible_or_404(_leads(), _user(request), pk=introduction_id)
    return lead.messages.select_related("sender_organisation").all()


@router.post(
    "/introductions/{introduction_id}/messages",
    response={201: MessageOut},
    summary="Post a message on an introduction",
)
def post_message(
    request: HttpRequest, introduction_id: RecordId, payload: MessageIn
) -> tuple[int, LeadMessage]:
    """A message to the other party, who is notified (403 for the attaché, who reads only)."""
    user = _user(request)
    lead = get_visible_or_404(_leads(), user, pk=introduction_id)
    message = call_action(
        actions.post_message, introduction=lead, by=user, body=payload.body
    )
    return 201, message


@router.post("/reports", response={201: ReportOut}, summary="Report a buyer")
def create_report(request: HttpRequest, payload: ReportIn) -> tuple[int, BuyerReport]:
    """An MSME reports a buyer it has a lead with; the trade attaché handles it."""
    user = _user(request)
    buyer = Organisation.objects.filter(pk=payload.buyer_id, kind="buyer").first()
    if buyer is None:
        raise ValidationError(
            [{"loc": ["body", "buyer_id"], "msg": _("Unknown buyer.")}]
        )
    lead = None
    if payload.introduction_id is not None:
        lead = get_visible_or_404(_leads(), user, pk=payload.introduction_id)
    report = call_action(
        actions.report_buyer,
        buyer=buyer,
        by=user,
        reason=payload.reason,
        details=payload.details,
        introduction=lead,
    )
    return 201, report
