"""The deals demo seeder: leads at every stage between fitting parties, consistent history,
several order months, one idle lead, one open report; labelled and idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from serumpun.accounts.models import Organisation
from serumpun.core.demo import (
    SCALES,
    Scale,
    SeedContext,
    seed_bulk_organisations,
    seed_demo_logins,
)
from serumpun.exporters import demo as exporters_demo
from serumpun.readiness import demo as readiness_demo
from serumpun.trade import demo_buyers, demo_deals, matching
from serumpun.trade.models import (
    BuyerReport,
    Introduction,
    LeadMessage,
    SourcingRequest,
    StageChange,
)
from serumpun.trade.rules import deals as rules
from serumpun.trade.views_deals import pipeline_figures

pytestmark = pytest.mark.django_db


def run() -> None:
    ctx = SeedContext(scale=SCALES["demo"], seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    exporters_demo.seed_msmes(ctx)
    readiness_demo.seed_readiness(ctx)
    demo_buyers.seed_buyers(ctx)
    demo_deals.seed_deals(ctx)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            SourcingRequest,
            Introduction,
            StageChange,
            LeadMessage,
            BuyerReport,
        )
    )


def test_the_demo_leads_cover_every_stage_and_seeding_again_adds_nothing():
    run()
    first = counts()
    run()
    assert counts() == first
    leads = list(Introduction.objects.select_related("request", "product"))
    assert len(leads) == len(demo_deals.LEADS)
    assert all(lead.is_demo for lead in leads)
    assert {lead.stage for lead in leads} == set(rules.STAGES)
    emails = set(
        Introduction.objects.values_list("buyer__memberships__user__email", flat=True)
    )
    assert {demo_deals.BUYER, demo_deals.BUYER2} <= emails
    today = timezone.localdate()
    for lead in leads:
        assert matching.evaluate_product(
            lead.request, lead.product, as_of=today
        ).eligible
        history = list(lead.history.order_by("at"))
        assert history[0].to_stage == "introduced"
        assert history[0].at == lead.created_at
        assert history[-1].to_stage == lead.stage
        assert history[-1].at == lead.stage_changed_at
        assert [h.from_stage for h in history[1:]] == [h.to_stage for h in history[:-1]]
        assert lead.request.created_at <= lead.created_at
        assert lead.last_activity_at >= lead.stage_changed_at
        if lead.stage == "lost":
            assert lead.lost_reason in {"price", "quality"}
            assert lead.lost_at_stage == history[-2].to_stage
        if lead.stage in ("ordered", "shipped", "paid"):
            assert lead.deal_value_usd and lead.deal_value_usd > 0


def test_the_board_has_several_months_one_idle_lead_and_an_open_report():
    run()
    figures = pipeline_figures(Introduction.objects.all(), as_of=timezone.localdate())
    assert len(figures["months"]) >= 3
    assert [lead.stage for lead in figures["idle"]] == ["sample_sent"]
    assert sum(n for _, _, n in figures["lost"]) == 2
    report = BuyerReport.objects.get()
    assert (report.status, report.is_demo) == ("open", True)
    assert report.introduction.stage == "negotiating"
    assert LeadMessage.objects.filter(introduction__stage="negotiating").count() == 4


def test_bulk_buyers_get_leads_with_eligible_suppliers_at_larger_scales():
    ctx = SeedContext(
        scale=Scale("test", msmes=60, buyers=12), seed=2026, out=lambda _line: None
    )

    def seed(*, deals: bool = True) -> None:
        seed_demo_logins(ctx)
        seed_bulk_organisations(ctx)
        exporters_demo.seed_msmes(ctx)
        readiness_demo.seed_readiness(ctx)
        demo_buyers.seed_buyers(ctx)
        if deals:
            demo_deals.seed_deals(ctx)

    seed(deals=False)
    # the bulk buyers' drawn HS codes may fit nobody: one request surely fits the chips makers
    bulk_buyer = (
        Organisation.objects.filter(
            kind="buyer", is_demo=True, buyer_profile__verification="verified"
        )
        .exclude(memberships__user__email__in=(demo_deals.BUYER, demo_deals.BUYER2))
        .order_by("pk")
        .first()
    )
    fitting = SourcingRequest.objects.create(
        buyer=bulk_buyer,
        title="Keripik pisang 500 kg",
        hs_code_id="200899",
        quantity_kg_per_month=Decimal(500),
        required_certificates=["halal"],
        destination_locode="MYPGU",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        is_demo=True,
    )
    demo_deals.seed_deals(ctx)
    first = counts()
    seed()
    assert counts() == first
    bulk = Introduction.objects.exclude(
        buyer__memberships__user__email__in=(demo_deals.BUYER, demo_deals.BUYER2)
    ).select_related("request", "product")
    assert fitting.introductions.exists()
    today = timezone.localdate()
    for lead in bulk:
        assert matching.evaluate_product(
            lead.request, lead.product, as_of=today
        ).eligible
        assert lead.history.order_by("at").last().to_stage == lead.stage
