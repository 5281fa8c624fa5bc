"""Executive dashboard journey: an officer opens the governor's-office dashboard on a phone, the
charts are drawn by the vendored Chart.js (no CSP violation), a chart's data table opens, a
regency filter narrows the page, and the same page is captured at desktop width. Screenshots go
to var/e2e-artefacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights.actions import refresh_rollups
from serumpun.logistics.models import Shipment
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def _records() -> None:
    """A few MSMEs in three regencies and their shipments, this month."""
    today = timezone.localdate()
    for code, count in (("1801", 3), ("1871", 2), ("1802", 1)):
        for owner in MSMEFactory.create_batch(count, regency=exporters_regency(code)):
            Shipment.objects.create(
                msme=owner,
                hs_code="090111",
                origin_regency=owner.regency,
                destination_locode="MYPKG" if code != "1802" else "MYPEN",
                weight_kg=Decimal("1200"),
                volume_m3=Decimal("2.5"),
                ready_date=today,
                status="booked",
            )
    refresh_rollups()


def _drawn(page, chart_id: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "id => { const c = document.querySelector('#' + id + ' canvas');"
            " return !!(c && window.Chart && window.Chart.getChart(c)); }",
            chart_id,
        )
    )


def test_officer_reads_the_executive_dashboard(live_server, page, shot):
    _records()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    # people who ask for less motion get charts drawn at once (and the screenshots are stable)
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, live_server, make_user(Role.OFFICER))

    page.goto(f"{live_server.url}/insights/")
    expect(page.locator("h1")).to_be_visible()
    regencies = page.locator("#trade-msmes-by-regency")
    expect(regencies).to_have_attribute("data-drawn", "1")
    assert _drawn(page, "trade-msmes-by-regency")
    assert _drawn(page, "transport-lanes")
    expect(page.locator("#stuck-title")).to_be_visible()
    expect(page.locator(".regency-map svg")).to_be_visible()

    table = regencies.locator("details.chart__table")
    table.locator("summary").click()
    expect(table.locator("table")).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("Lampung Barat")
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text("3")
    shot("insights-executive-390")
    # nothing on the phone page is wider than the screen
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0

    page.locator("main form [name=regency]").select_option("1871")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**regency=1871**")
    expect(page.locator(".insights__head")).to_contain_text("Kota Bandar Lampung")
    expect(page.locator("#trade-msmes-by-regency")).to_have_attribute("data-drawn", "1")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/insights/")
    expect(page.locator("#transport-lanes")).to_have_attribute("data-drawn", "1")
    shot("insights-executive-desktop")
    assert problems == []
