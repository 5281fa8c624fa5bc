"""Business-matching event on a phone: the trade attaché runs the schedule and sees the
slots × tables grid with the score against the proven bound, publishes it, and a buyer opens
and prints their personal agenda. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from serumpun.trade.tests.factories_events import crowd
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_attache_schedules_and_buyer_prints_agenda(live_server, page, shot):
    c = crowd(n_buyers=2, n_msmes=3, tables=2, slots=3, max_meetings=2)
    sign_in(page, live_server, c.attache)
    page.goto(f"{live_server.url}/trade/events/{c.event.pk}/")
    page.locator("#schedule form button", has_text="Jalankan").first.click()
    grid = page.locator("table.event-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#schedule")).to_contain_text("100%")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"
    shot("trade-event-grid")
    page.locator("#schedule form button", has_text="Terbitkan").click()
    expect(page.locator("#schedule")).to_contain_text("Cetak")

    page.context.clear_cookies()
    buyer = c.buyers[0]
    sign_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/trade/events/{c.event.pk}/agenda/")
    agenda = page.locator("[data-agenda]")
    expect(agenda).to_have_count(1)
    expect(agenda.locator("tbody tr")).to_have_count(2)
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    shot("trade-event-agenda-print")
