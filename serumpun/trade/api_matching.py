"""API: supplier matches, opportunities, supply pools and pledges (API.md "Trade").

No `from __future__ import annotations`: ninja resolves parameter types at import time.
Requests are read through `SourcingRequest.objects.visible_to`, so another buyer's request is
a 404; pledges through `PoolPledge.objects.visible_to` and the MSME's own organisation, so
another MSME's pledge is a 404.
"""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from serumpun.accounts.models import User
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.exporters.models import MSME
from serumpun.trade import actions_pools, matching
from serumpun.trade.models import PoolPledge, SourcingRequest, SupplyPool

router = Router(tags=["trade"])

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


class MatchOut(Schema):
    msme_id: int
    product_id: int
    score: float = Field(..., ge=0, le=1)
    eligible: bool
    reasons: list[dict[str, Any]]
    blockers: list[dict[str, Any]]


class PledgeShareOut(Schema):
    msme_id: int
    product_id: int
    pledge_kg_per_month: float


class PoolSuggestionOut(Schema):
    members: list[PledgeShareOut]
    total_kg_per_month: float
    score: float


class MatchesOut(Schema):
    request_id: int
    matches: list[MatchOut]
    pools: list[PoolSuggestionOut]


class LimitQuery(Schema):
    limit: int = Field(20, ge=1, le=100)


def _pool_dict(pool: Any) -> dict[str, Any]:
    return {
        "members": [
            {
                "msme_id": m.msme_id,
                "product_id": m.product_id,
                "pledge_kg_per_month": m.pledge_kg_per_month,
            }
            for m in pool.members
        ],
        "total_kg_per_month": pool.total_kg_per_month,
        "score": pool.score,
    }


@router.get("/requests/{request_id}/matches", response=MatchesOut)
def request_matches(
    request: HttpRequest, request_id: RecordId, query: Query[LimitQuery]
) -> dict[str, Any]:
    """Suppliers for a request (owner buyer, trade attaché), with pools when none suffices."""
    user = _user(request)
    sourcing = get_visible_or_404(SourcingRequest.objects.all(), user, pk=request_id)
    if not actions_pools.may_propose(user, sourcing):
        raise PermissionDenied
    result = matching.match_request(
        sourcing, as_of=timezone.localdate(), limit=query.limit
    )
    return {
        "request_id": sourcing.pk,
        "matches": [matching.as_dict(m) for m in result.matches],
        "pools": [_pool_dict(pool) for pool in result.pools],
    }


class OpportunityOut(Schema):
    request_id: int
    title: str
    hs_code: str
    quantity_kg_per_month: float
    match: MatchOut


class OpportunitiesOut(Schema):
    items: list[OpportunityOut]
    count: int


@router.get("/opportunities", response=OpportunitiesOut)
def opportunities(request: HttpRequest) -> dict[str, Any]:
    """Open requests the caller's MSME products fit (MSME owner), best first."""
    user = _user(request)
    msme = MSME.objects.filter(organisation__in=user.organisation_ids).first()
    if msme is None:
        raise PermissionDenied
    found = matching.opportunities_for_msme(msme, user=user, as_of=timezone.localdate())
    items = [
        {
            "request_id": o.request.pk,
            "title": o.request.title,
            "hs_code": o.request.hs_code_id,
            "quantity_kg_per_month": float(o.request.quantity_kg_per_month),
            "match": matching.as_dict(o.match),
        }
        for o in found
    ]
    return {"items": items, "count": len(items)}


class PoolIn(Schema):
    product_ids: list[RecordId] = Field(..., min_length=2, max_length=10)


class PledgeOut(Schema):
    id: int
    pool_id: int
    msme_id: int
    product_id: int
    pledge_kg_per_month: float
    status: str


class PoolOut(Schema):
    id: int
    request_id: int
    status: str
    score: float
    pledges: list[PledgeOut]


def _pool_out(pool: SupplyPool) -> dict[str, Any]:
    return {
        "id": pool.pk,
        "request_id": pool.request_id,
        "status": pool.status,
        "score": pool.score,
        "pledges": [_pledge_out(p) for p in pool.pledges.all()],
    }


def _pledge_out(pledge: PoolPledge) -> dict[str, Any]:
    return {
        "id": pledge.pk,
        "pool_id": pledge.pool_id,
        "msme_id": pledge.msme_id,
        "product_id": pledge.product_id,
        "pledge_kg_per_month": float(pledge.pledge_kg_per_month),
        "status": pledge.status,
    }


@router.post("/requests/{request_id}/pools", response={201: PoolOut})
def propose_pool(
    request: HttpRequest, request_id: RecordId, body: PoolIn
) -> tuple[int, dict[str, Any]]:
    """Propose one of the suggested pools (buyer, trade attaché)."""
    user = _user(request)
    sourcing = get_visible_or_404(SourcingRequest.objects.all(), user, pk=request_id)
    pool = call_action(
        actions_pools.propose_pool,
        by=user,
        request=sourcing,
        product_ids=body.product_ids,
    )
    return 201, _pool_out(pool)


class RespondIn(Schema):
    accept: bool


@router.post("/pledges/{pledge_id}/respond", response=PledgeOut)
def respond_to_pledge(
    request: HttpRequest, pledge_id: RecordId, body: RespondIn
) -> dict[str, Any]:
    """The pledging MSME confirms or declines its pledge (another's pledge: 404)."""
    user = _user(request)
    pledge = get_visible_or_404(
        PoolPledge.objects.filter(msme__organisation__in=user.organisation_ids),
        user,
        pk=pledge_id,
    )
    return _pledge_out(
        call_action(
            actions_pools.respond_to_pledge, by=user, pledge=pledge, accept=body.accept
        )
    )
