"""Matching on a phone: a Malaysian buyer opens a request and sees the suppliers that can
deliver it with their reasons, and a near miss with what blocks it (the buyer lacks the
MAQIS permit for green coffee); for a volume no single supplier has, the buyer proposes a
supply pool and a member MSME confirms its pledge. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import hs_code
from serumpun.trade.models import PoolPledge, SupplyPool
from serumpun.trade.tests.factories import (
    BuyerProfileFactory,
    SourcingRequestFactory,
    buyer_user,
)
from serumpun.trade.tests.factories_matching import supplier
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"


def test_buyer_sees_reasons_and_blockers_then_a_pool_is_pledged(
    live_server, page, shot
):
    profile = BuyerProfileFactory()  # verified, holds no import permit
    buyer = buyer_user(profile)
    coffee = SourcingRequestFactory(
        buyer=profile.organisation,
        title="Kopi robusta 5 t/bulan",
        hs_code=hs_code("090111"),
        accept_same_heading=True,
        quantity_kg_per_month=Decimal("5000"),
        required_certificates=["halal"],
    )
    roasted = supplier(hs_code=hs_code("090121"), name_id="Kopi robusta sangrai")
    green = supplier(name_id="Kopi robusta hijau")  # 090111: needs the MAQIS permit
    chips = SourcingRequestFactory(
        buyer=profile.organisation,
        title="Keripik pisang 4 t/bulan",
        hs_code=hs_code("200899"),
        quantity_kg_per_month=Decimal("4000"),
        required_certificates=["halal"],
    )
    pledged = [
        supplier(capacity="2500", hs_code=hs_code("200899"), name_id="Keripik pisang")
        for _ in range(2)
    ]
    owner = make_user(Role.MSME_OWNER, organisation=pledged[0].msme.organisation)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/trade/requests/{coffee.pk}/")
    fits = page.locator(f"#matches [data-product='{roasted.pk}']")
    expect(fits.locator(".badge-pass")).to_be_visible()
    expect(fits.locator(".reasons li").first).to_be_visible()
    expect(fits.locator("button[type=submit]")).to_be_visible()
    near = page.locator(f"#matches [data-product='{green.pk}']")
    expect(near.locator(".badge-fail")).to_be_visible()
    expect(near.locator(".missing")).to_contain_text("MAQIS")
    expect(near.locator("button[type=submit]")).to_have_count(0)
    no_sideways_scroll(page)
    shot("trade-matching-reasons-and-blockers")

    page.goto(f"{live_server.url}/trade/requests/{chips.pk}/")
    pool = page.locator("#matches [data-pool='1']")
    expect(pool).to_contain_text("2.500")
    no_sideways_scroll(page)
    shot("trade-matching-pool-suggested")
    with page.expect_navigation():  # the same page again, after the POST
        pool.locator("button[type=submit]").click()
    expect(page.locator("#matches-heading")).to_be_visible()
    proposed = SupplyPool.objects.get(request=chips)
    assert proposed.status == "proposed"
    assert set(proposed.pledges.values_list("status", flat=True)) == {"pending"}

    page.context.clear_cookies()
    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/trade/pledges/")
    mine = PoolPledge.objects.get(pool=proposed, msme=pledged[0].msme)
    card = page.locator(f"[data-pledge='{mine.pk}']")
    expect(card).to_contain_text("Keripik pisang 4 t/bulan")
    no_sideways_scroll(page)
    shot("trade-matching-pledge-pending")
    with page.expect_navigation():
        card.locator("input[value=confirm] + button").click()
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    expect(page.locator(f"[data-pledge='{mine.pk}'] form")).to_have_count(0)
    shot("trade-matching-pledge-confirmed")
