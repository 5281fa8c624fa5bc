"""Logistics journey on a phone: an MSME owner costs a consignment of roasted coffee landed in
Malaysia (with and without Form D) and the shelf price's way back to an ex-works price; then the
transport attaché reads the lane-demand evidence, narrows it to Port Klang (htmx) and downloads
the CSV. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.logistics.models import Shipment
from serumpun.logistics.tests.builders import load_network_reference, standard_rates
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_landed_cost_and_lane_evidence(live_server, page, shot):
    load_network_reference()
    standard_rates()
    owner = make_user(Role.MSME_OWNER)
    sign_in(page, live_server, owner)

    page.goto(f"{live_server.url}/logistics/landed-cost/")
    form = page.locator("main form")
    form.locator("[name=hs_code]").select_option("090121")
    form.locator("[name=destination]").select_option("MYPKG")
    form.locator("[name=quantity_kg]").fill("1000")
    form.locator("[name=exw_idr_per_kg]").fill("83250")
    form.locator("[name=origin_charges_usd]").fill("150")
    form.locator("[name=freight_usd]").fill("300")
    form.locator("[name=destination_charges_myr]").fill("400")
    form.locator("[name=shelf_myr_per_kg]").fill("60")
    form.locator("button[type=submit]").click()
    result = page.locator("#landed-result")
    expect(result.locator("table")).to_be_visible()
    expect(result).to_contain_text("ATIGA")
    expect(result).to_contain_text("22,98")  # MYR per kg with Form D
    expect(result).to_contain_text("Rp")  # the ex-works price that reaches the shelf
    shot("logistics-landed-cost-390")
    assert "exw_idr_per_kg=83250" in page.url  # the result is linkable (hx-push-url)

    form.locator("[name=form_d]").uncheck()
    form.locator("button[type=submit]").click()
    expect(result).to_contain_text("MFN")
    expect(result).to_contain_text("25,24")  # 10% MFN duty on roasted coffee

    page.context.clear_cookies()
    for msme in MSMEFactory.create_batch(3):
        for dest in ("MYPKG", "MYPEN"):
            Shipment.objects.create(
                msme=msme,
                hs_code="090111",
                origin_regency=msme.regency,
                destination_locode=dest,
                weight_kg=Decimal("1500.0"),
                volume_m3=Decimal("3.000"),
                ready_date=dt.date(2026, 12, 9),
                status="booked",
            )
    attache = make_user(Role.TRANSPORT_ATTACHE)
    sign_in(page, live_server, attache)
    page.goto(f"{live_server.url}/logistics/lanes/demand/?first=2026-12&last=2026-12")
    results = page.locator("#evidence-results")
    expect(results).to_contain_text("IDPJG → MYPEN")
    expect(results).to_contain_text("IDPJG → MYPKG")
    page.locator("main form [name=to]").select_option("MYPKG")
    expect(results).not_to_contain_text("IDPJG → MYPEN")
    expect(results.locator("svg")).to_have_count(1)
    expect(page.locator("#scenario-title")).to_be_visible()
    shot("logistics-lane-demand-390")
    with page.expect_download() as download:
        results.locator("a[download]").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("lane,origin_locode,destination_locode")
    assert "IDPJG-MYPKG,IDPJG,MYPKG,2026-12,False,3" in content
