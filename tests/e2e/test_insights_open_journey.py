"""Open-data journey: someone without an account follows the footer link from the sign-in page
on a phone, reads the figures (small cells as "<5"), the charts draw without a CSP violation,
nothing is wider than the screen, and a table downloads as CSV. Screenshots go to
var/e2e-artefacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.exporters.tests.factories import regency as exporters_regency
from serumpun.insights.actions import refresh_rollups
from serumpun.logistics.models import Shipment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _records() -> None:
    """MSMEs in three regencies shipping this month (Tanggamus's two are a small cell)."""
    today = timezone.localdate()
    for code, count in (("1801", 7), ("1871", 6), ("1802", 2)):
        for owner in MSMEFactory.create_batch(count, regency=exporters_regency(code)):
            Shipment.objects.create(
                msme=owner,
                hs_code="090111",
                origin_regency=owner.regency,
                destination_locode="MYPKG",
                weight_kg=Decimal("1200"),
                volume_m3=Decimal("2.5"),
                ready_date=today,
                status="booked",
            )
    refresh_rollups()


def test_the_public_reads_open_data_on_a_phone(live_server, page, shot):
    _records()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.emulate_media(reduced_motion="reduce")

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("footer a[href='/open-data/']").click()
    page.wait_for_url("**/open-data/")
    expect(page.locator("h1")).to_be_visible()

    year = timezone.localdate().year
    regencies = page.locator(f"#msmes-by-regency-{year}")
    expect(regencies).to_have_attribute("data-drawn", "1")
    rows = regencies.locator("tbody tr")
    expect(rows.filter(has_text="Lampung Barat").locator("td").first).to_have_text("7")
    expect(rows.filter(has_text="Tanggamus").locator("td").first).to_have_text("<5")
    expect(page.locator("#methodology")).to_contain_text("CO2e")
    expect(page.locator("#licence a[rel=license]")).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/"
    )
    shot("open-data-390")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0

    with page.expect_download() as download:
        regencies.locator("xpath=..").get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Lampung Barat,7" in text
    assert problems == []
