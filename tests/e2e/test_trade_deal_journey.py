"""From a request to an order on a phone: the buyer sees the suppliers that fit their request
and asks for an introduction; the supplier records the sample sent; the buyer moves to
negotiating (the first-deal guidance appears) and records the order with its value; the trade
attaché sees it on the pipeline board. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from serumpun.trade.models import Introduction
from serumpun.trade.tests.factories_deals import lead_parties
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"


def record_stage(page, stage: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the next stage on the lead page, fill its fields and confirm."""
    form = page.locator("#lead-stage form")
    form.locator("select[name=stage]").select_option(stage)
    for name, value in fields.items():
        element = form.locator(f"[name={name}]")
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#lead-history [data-history={stage}]")).to_be_visible()


def test_request_to_introduction_to_order_to_pipeline(live_server, page, shot):
    deal = lead_parties()
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, live_server, deal.buyer)
    page.goto(f"{live_server.url}/trade/requests/{deal.request.pk}/")
    card = page.locator(f"#matches [data-product='{deal.product.pk}']")
    expect(card).to_be_visible()
    no_sideways_scroll(page)
    shot("trade-deal-matches")
    card.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/trade/leads/*/")
    lead = Introduction.objects.get()
    expect(page.locator("#lead-stage [data-stage=introduced]")).to_be_visible()
    no_sideways_scroll(page)
    shot("trade-deal-introduced")

    page.context.clear_cookies()
    sign_in(page, live_server, deal.owner)
    page.goto(f"{live_server.url}/trade/leads/{lead.pk}/")
    record_stage(page, "sample_sent", note="Sampel 1 kg dikirim lewat pos")
    page.locator("#lead-thread textarea[name=body]").fill("Sampel sudah dikirim.")
    page.locator("#lead-thread button[type=submit]").click()
    expect(page.locator("#lead-thread [data-message]")).to_have_count(1)
    no_sideways_scroll(page)
    shot("trade-deal-sample-sent")

    page.context.clear_cookies()
    sign_in(page, live_server, deal.buyer)
    page.goto(f"{live_server.url}/trade/leads/{lead.pk}/")
    expect(page.locator("#first-deal-guidance")).to_have_count(0)
    record_stage(page, "negotiating")
    expect(page.locator("#first-deal-guidance")).to_be_visible()
    shot("trade-deal-guidance")
    # ordering without a value is refused, in words, without leaving the page
    page.locator("#lead-stage form select[name=stage]").select_option("ordered")
    page.locator("#lead-stage form button[type=submit]").click()
    expect(page.locator("#lead-stage [data-when=ordered] .form-errors")).to_be_visible()
    expect(page.locator("#lead-history [data-history=ordered]")).to_have_count(0)
    record_stage(page, "ordered", amount="44000", currency="MYR", quantity_kg="5000")
    expect(page.locator("[data-deal-value]")).to_contain_text("44")
    no_sideways_scroll(page)
    shot("trade-deal-ordered")

    page.context.clear_cookies()
    sign_in(page, live_server, deal.attache)
    page.goto(f"{live_server.url}/trade/pipeline/")
    expect(page.locator("#pipeline-stages [data-stage=ordered] td")).to_have_text("1")
    expect(
        page.locator("#pipeline-funnel [data-funnel=ordered] td").first
    ).to_have_text("1")
    expect(page.locator("#pipeline-months tbody tr")).to_have_count(1)
    no_sideways_scroll(page)
    shot("trade-deal-pipeline")
