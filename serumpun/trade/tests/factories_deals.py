"""Test data for leads: a buyer with a permit, an open request, an eligible supplier product,
its owner, and a lead opened directly (history included) at any stage.

    deal = lead_parties()                       # buyer, owner, attaché, request, product
    lead = make_lead(deal, stage="negotiating")  # with StageChange rows up to that stage
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import Product
from serumpun.trade.models import Introduction, SourcingRequest, StageChange
from serumpun.trade.rules import deals as rules
from serumpun.trade.tests.factories import (
    BuyerPermitFactory,
    BuyerProfileFactory,
    SourcingRequestFactory,
    attache_user,
    buyer_user,
)
from serumpun.trade.tests.factories_matching import supplier


@dataclass
class Deal:
    """The people and records around one possible lead."""

    buyer: User
    owner: User
    attache: User
    request: SourcingRequest
    product: Product


def lead_parties(**request_fields: Any) -> Deal:
    """A verified buyer holding the coffee permit, its open request, and an eligible product."""
    profile = BuyerProfileFactory()
    BuyerPermitFactory(buyer=profile)
    request = SourcingRequestFactory(buyer=profile.organisation, **request_fields)
    product = supplier()
    owner = make_user(Role.MSME_OWNER, organisation=product.msme.organisation)
    return Deal(buyer_user(profile), owner, attache_user(), request, product)


def make_lead(
    deal: Deal,
    *,
    stage: str = "introduced",
    at: dt.datetime | None = None,
    lost_from: str = "introduced",
    **fields: Any,
) -> Introduction:
    """A lead written directly, with one StageChange per chain stage up to `stage`."""
    at = at or timezone.now()
    lead = Introduction.objects.create(
        request=deal.request,
        product=deal.product,
        msme=deal.product.msme,
        buyer=deal.request.buyer,
        stage=stage,
        stage_changed_at=at,
        last_activity_at=at,
        score=0.7,
        **fields,
    )
    path = rules.CHAIN[: rules.CHAIN.index(lost_from if stage == "lost" else stage) + 1]
    previous = ""
    for step in (*path, "lost") if stage == "lost" else path:
        StageChange.objects.create(
            introduction=lead, from_stage=previous, to_stage=step, at=at
        )
        previous = step
    if stage == "lost":
        Introduction.objects.filter(pk=lead.pk).update(
            lost_reason=fields.get("lost_reason", "price"), lost_at_stage=lost_from
        )
    if stage in ("ordered", "shipped", "paid") and "deal_value_usd" not in fields:
        Introduction.objects.filter(pk=lead.pk).update(
            deal_value_amount=Decimal("10000"),
            deal_value_currency="USD",
            deal_value_usd=Decimal("10000"),
        )
    lead.refresh_from_db()
    return lead
