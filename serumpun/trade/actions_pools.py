"""Actions on supply pools: propose a pool the engine suggested, answer a pledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import notify
from serumpun.exporters.models import MSME
from serumpun.trade import matching
from serumpun.trade.models import (
    PledgeStatus,
    PoolPledge,
    PoolStatus,
    SourcingRequest,
    SupplyPool,
)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _users_of(organisation_ids: Collection[int | None]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id__in=[o for o in organisation_ids if o],
            is_active=True,
        ).distinct()
    )


def may_propose(user: Any, request: SourcingRequest) -> bool:
    """The request's buyer or the trade attaché may propose a pool for it."""
    if has_permission(user, "request.relay"):
        return True
    return has_permission(user, "request.post") and request.buyer_id in (
        user.organisation_ids
    )


@transaction.atomic
def propose_pool(
    *,
    by: User,
    request: SourcingRequest,
    product_ids: Collection[int],
    as_of: dt.date | None = None,
) -> SupplyPool:
    """Record one of the engine's suggested pools for `request` and ask its members.

    Only a pool the engine suggests today (same products) may be proposed: pledges are the
    engine's, so nobody is asked to pledge more than their capacity.
    """
    if not may_propose(by, request):
        raise PermissionDenied(
            _("Only the buyer or the trade attaché may propose a pool.")
        )
    day = as_of or timezone.localdate()
    wanted = set(product_ids)
    suggested = next(
        (
            pool
            for pool in matching.match_request(request, as_of=day, limit=1).pools
            if {member.product_id for member in pool.members} == wanted
        ),
        None,
    )
    if suggested is None:
        raise ConflictError(
            _("These suppliers are not a pool the matching suggests for this request."),
            field="product_ids",
        )
    pool = SupplyPool.objects.create(
        request=request, score=suggested.score, proposed_by=by
    )
    PoolPledge.objects.bulk_create(
        PoolPledge(
            pool=pool,
            msme_id=member.msme_id,
            product_id=member.product_id,
            pledge_kg_per_month=Decimal(str(round(member.pledge_kg_per_month, 2))),
        )
        for member in suggested.members
    )
    audit.record(
        actor=by,
        action="trade.pool.proposed",
        obj=pool,
        fields=["request", "pledges"],
        organisation=request.buyer,
    )
    org_ids = MSME.objects.filter(
        pk__in=[m.msme_id for m in suggested.members]
    ).values_list("organisation_id", flat=True)
    notify(
        _users_of(list(org_ids)),
        subject=gettext_lazy("You are asked to pledge supply to a buyer's request"),
        body=request.title,
        url=_url("trade:pledges"),
        kind="trade.pool.proposed",
    )
    return pool


@transaction.atomic
def respond_to_pledge(*, by: User, pledge: PoolPledge, accept: bool) -> PoolPledge:
    """The pledging MSME confirms or declines; the pool is confirmed once all confirm."""
    if pledge.msme.organisation_id not in by.organisation_ids:
        raise PermissionDenied(_("Only the pledging business may answer this pledge."))
    pool = SupplyPool.objects.select_for_update().get(pk=pledge.pool_id)
    if pledge.status != PledgeStatus.PENDING or pool.status != PoolStatus.PROPOSED:
        raise ConflictError(_("This pledge has already been answered."), field="accept")
    pledge.status = PledgeStatus.CONFIRMED if accept else PledgeStatus.DECLINED
    pledge.responded_at = timezone.now()
    pledge.save(update_fields=["status", "responded_at"])
    statuses = set(pool.pledges.values_list("status", flat=True))
    if statuses == {PledgeStatus.CONFIRMED}:
        pool.status = PoolStatus.CONFIRMED
        pool.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=f"trade.pledge.{pledge.status}",
        obj=pledge,
        fields=["status", "responded_at"],
        organisation=pledge.msme.organisation,
    )
    if not accept:
        notify(
            [pool.proposed_by],
            subject=gettext_lazy("A supplier declined its pledge"),
            body=_("%(msme)s declined %(kg)s kg/month; the pool is short by that much.")
            % {"msme": pledge.msme.name, "kg": pledge.pledge_kg_per_month},
            url=_url("trade:request_detail", pool.request_id),
            kind="trade.pledge.declined",
        )
    elif pool.status == PoolStatus.CONFIRMED:
        notify(
            [pool.proposed_by],
            subject=gettext_lazy("Every supplier confirmed the pool"),
            body=pool.request.title,
            url=_url("trade:request_detail", pool.request_id),
            kind="trade.pool.confirmed",
        )
    return pledge


def shortfall_kg(pool: SupplyPool) -> Decimal:
    """How much of the request's monthly volume declined pledges leave uncovered."""
    return sum(
        (
            p.pledge_kg_per_month
            for p in pool.pledges.all()
            if p.status == PledgeStatus.DECLINED
        ),
        Decimal(0),
    )
