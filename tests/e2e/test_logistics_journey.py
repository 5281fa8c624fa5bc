"""Logistics journey on a phone: an MSME in Liwa (Lampung Barat, 1801) quotes two cartons of
green coffee to Port Klang and sees sea and air options with cost, days and emissions, the
rates each used, and a route map drawn offline. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory, hs_code
from serumpun.logistics.tests.builders import load_network_reference, standard_rates
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_msme_in_liwa_quotes_two_cartons_of_coffee_to_port_klang(
    live_server, page, shot
):
    load_network_reference()
    standard_rates()
    owner = make_user(Role.MSME_OWNER)
    msme = MSMEFactory(organisation=owner.organisation, name="CV Kopi Robusta Liwa")
    assert msme.regency_id == "1801"
    product = ProductFactory(
        msme=msme,
        hs_code=hs_code("090111"),
        name_id="Biji kopi robusta hijau",
        carton_length_cm=Decimal(90),
        carton_width_cm=Decimal(60),
        carton_height_cm=Decimal(20),
        carton_gross_weight_kg=Decimal(61),
    )
    sign_in(page, live_server, owner)

    page.goto(f"{live_server.url}/logistics/quote/")
    form = page.locator("main form")
    form.locator("[name=product]").select_option(str(product.pk))
    form.locator("[name=cartons]").fill("2")
    expect(form.locator("[name=origin]")).to_have_value("1801")
    form.locator("[name=destination]").select_option("MYPKG")
    form.locator("button[type=submit]").click()

    table = page.locator("#quote-results table.quote-table")
    expect(table).to_be_visible()
    expect(page.locator("#quote-results [role=status]")).to_contain_text(
        "122"
    )  # 2 × 61 kg
    sea = table.locator("tbody tr[data-mode=sea_lcl]").first
    air = table.locator("tbody tr[data-mode=air]").first
    expect(sea).to_be_visible()
    expect(air).to_be_visible()
    expect(sea.locator("td").first).to_contain_text("US$")
    # The cheapest option opens with its legs, the rates it used and its map.
    first = page.locator("#quote-results details[open]").first
    expect(first.locator(".sources li").first).to_be_visible()
    expect(first.locator("svg polyline[data-leg-mode=sea]").first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("logistics-quote-liwa-390")
