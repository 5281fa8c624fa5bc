"""A Malaysian buyer on a phone: registers its company, the trade attaché verifies it from
the queue, the buyer posts a sourcing request, finds it in its list and on its page, where
the suppliers' matches load. Screenshots go to var/e2e-artefacts/ (390 px wide)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import hs_code
from serumpun.trade.models import BuyerProfile, SourcingRequest
from serumpun.trade.tests.factories import attache_user, state
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"


def test_buyer_registers_is_verified_and_posts_a_request(live_server, page, shot):
    state("MY-10")
    hs_code("090111")
    buyer = make_user(Role.BUYER)
    attache = attache_user()

    sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/trade/buyer/profile/")
    page.fill("input[name=ssm_number]", "2019 01 012345")
    page.select_option("select[name=buyer_type]", "importer")
    page.select_option("select[name=state]", "MY-10")
    page.fill("input[name=contact_name]", "Aminah")
    page.fill("input[name=hs_interests]", "090111")
    no_sideways_scroll(page)
    shot("trade-buyer-profile-form")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".badge-warn")).to_be_visible()
    assert BuyerProfile.objects.get().ssm_number == "201901012345"
    shot("trade-buyer-profile-pending")

    page.context.clear_cookies()
    sign_in(page, live_server, attache)
    page.goto(f"{live_server.url}/trade/buyers/verification/")
    card = page.locator(f"[data-buyer='{buyer.organisation.pk}']")
    expect(card).to_be_visible()
    no_sideways_scroll(page)
    shot("trade-buyer-verification-queue")
    card.locator("button[value=verified]").click()
    expect(page.locator(f"[data-buyer='{buyer.organisation.pk}']")).to_have_count(0)
    assert BuyerProfile.objects.get().is_verified

    page.context.clear_cookies()
    sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/trade/requests/new/")
    page.fill("input[name=title]", "Kopi robusta hijau 5 t")
    page.fill("input[name=hs_code]", "090111")
    page.fill("input[name=quantity_kg_per_month]", "5000")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/trade/requests/*/")
    created = SourcingRequest.objects.get()
    expect(page.locator("h1")).to_contain_text("Kopi robusta hijau 5 t")
    expect(page.locator("#matches-heading")).to_be_visible()
    no_sideways_scroll(page)
    shot("trade-request-detail")
    page.goto(f"{live_server.url}/trade/requests/")
    expect(page.locator(f"[data-request='{created.pk}']")).to_be_visible()
    shot("trade-request-list")
