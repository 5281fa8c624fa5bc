"""Role dashboards journey on a phone: an MSME owner opens "my progress" from the menu and sees
their own readiness, plan, leads and shipments drawn; then the trade attaché opens their
dashboard with its queues and funnel and downloads a table. Screenshots at 390 px go to
var/e2e-artefacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights.actions import refresh_rollups
from serumpun.logistics.models import Shipment
from serumpun.readiness.models import ActionStep, Assessment, Gap
from serumpun.trade.tests.factories_deals import lead_parties, make_lead
from serumpun.trade.tests.factories_matching import assess
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _records():  # type: ignore[no-untyped-def]
    """A supplier with an assessment, a plan, a lead that ordered and a booked shipment."""
    deal = lead_parties()
    Assessment.objects.filter(product=deal.product).update(is_latest=False)
    assessment = assess(deal.product, score=58.0)
    Gap.objects.create(
        assessment=assessment, key="halal", dimension="standards", severity="high"
    )
    for order, status in enumerate(("done", "in_progress", "todo")):
        ActionStep.objects.create(
            assessment=assessment,
            order=order,
            gap_key="halal",
            agency="BPJPH",
            status=status,
        )
    make_lead(deal, stage="ordered")
    Shipment.objects.create(
        msme=deal.product.msme,
        product=deal.product,
        hs_code="090111",
        origin_regency=exporters_regency("1801"),
        destination_locode="MYPKG",
        weight_kg=Decimal("1200"),
        volume_m3=Decimal("2.5"),
        ready_date=timezone.localdate(),
        status="booked",
    )
    refresh_rollups()
    return deal


def _drawn(page, chart_id: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "id => { const c = document.querySelector('#' + id + ' canvas');"
            " return !!(c && window.Chart && window.Chart.getChart(c)); }",
            chart_id,
        )
    )


def _fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    return bool(overflow <= 0)


def test_owner_and_attache_read_their_dashboards(live_server, page, shot):
    deal = _records()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server, deal.owner)
    page.get_by_role("link", name="Kemajuan saya").click()  # the menu, in Indonesian
    page.wait_for_url("**/insights/my-progress/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-figure=steps] .figure__value")).to_contain_text("1")
    expect(page.locator("#my-readiness")).to_have_attribute("data-drawn", "1")
    assert _drawn(page, "my-readiness")
    assert _drawn(page, "my-plan")
    shot("insights-my-progress-390")
    assert _fits_the_phone(page)
    table = page.locator("#my-shipments details.chart__table")
    table.locator("summary").click()
    expect(table.locator("tbody tr").nth(1).locator("td").first).to_have_text("1")

    page.context.clear_cookies()
    sign_in(page, live_server, deal.attache)
    page.goto(f"{live_server.url}/insights/trade/")
    expect(page.locator("[data-figure=deals] .figure__value")).to_have_text("1")
    expect(page.locator("#leads-funnel")).to_have_attribute("data-drawn", "1")
    assert _drawn(page, "leads-funnel")
    shot("insights-trade-attache-390")
    assert _fits_the_phone(page)

    with page.expect_download() as download:
        page.locator("#leads-funnel").locator("..").get_by_role(
            "link", name="CSV"
        ).click()
    assert download.value.suggested_filename == "leads-funnel.csv"
    assert problems == []
