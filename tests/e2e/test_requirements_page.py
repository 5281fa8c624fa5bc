"""Browser journey for the requirements knowledge base: a coffee MSME owner asks, in
Indonesian, what exporting green coffee to Malaysia takes — typing "kopi", picking the HS
suggestion — and sees both sides of the border with the MAQIS permit and Barantin's
phytosanitary certificate. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import hs_code
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_owner_sees_both_sides_for_green_coffee_in_indonesian(live_server, page, shot):
    coffee = hs_code("090111")
    coffee.name_id = "kopi, kopi biji, kopi robusta"
    coffee.search_text = f"{coffee.search_text} kopi kopi biji kopi robusta"
    coffee.save()
    owner = make_user(Role.MSME_OWNER)
    sign_in(page, live_server, owner)

    page.goto(f"{live_server.url}/readiness/requirements/")
    page.locator("input[name=hs_code]").press_sequentially("kopi", delay=40)
    suggestion = page.locator(".hs-suggestion[data-hs-code='090111']")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("input[name=hs_code]")).to_have_value("090111")
    page.locator(".requirements-form button[type=submit]").click()

    origin = page.locator(".requirements-side--origin")
    destination = page.locator(".requirements-side--destination")
    expect(origin).to_be_visible()
    expect(destination).to_be_visible()
    expect(page.locator("#result-title")).to_have_text(
        "Apa yang dibutuhkan untuk mengekspor kopi (HS 0901.11) ke Malaysia?"
    )
    expect(origin.locator("h3")).to_contain_text("Di Lampung (Indonesia)")
    expect(destination.locator("h3")).to_contain_text("Di Malaysia")
    # Lampung side: Barantin's phytosanitary certificate, NIB and PEB
    expect(origin.locator("#req-ID-PHYTOSANITARY")).to_contain_text(
        "Sertifikat fitosanitasi dari Barantin"
    )
    expect(origin.locator("#req-ID-NIB")).to_be_visible()
    # Malaysia side: the MAQIS permit issued on DOA approval, to be held by the importer
    expect(destination.locator("#req-MY-COFFEE-PERMIT")).to_contain_text(
        "Izin impor MAQIS untuk kopi biji mentah"
    )
    expect(destination.locator("#req-MY-COFFEE-PERMIT")).to_contain_text("MAQIS")
    expect(page).to_have_url(re.compile(r"hs_code=090111"))  # shareable, printable
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("requirements-green-coffee-id")
