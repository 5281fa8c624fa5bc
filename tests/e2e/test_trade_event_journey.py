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
    expect(agenda.locator(".agenda-zone")).to_contain_text(
        "Waktu Malaysia (MYT, UTC+8)"
    )
    expect(agenda.locator("thead")).to_contain_text("(MYT)")
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    shot("trade-event-agenda-print")


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"


def test_attache_manages_participants_and_buyer_sees_reasons(live_server, page, shot):
    from serumpun.trade.tests.factories_events import msme_owner
    from serumpun.trade.tests.test_events_pages import fitting_pair

    c = crowd(n_buyers=2, n_msmes=2, tables=2, slots=3, max_meetings=2)
    request, product = fitting_pair(c)
    newcomer = msme_owner()
    base = f"{live_server.url}/trade/events/{c.event.pk}"

    # the attaché edits the venue, then registers an MSME and withdraws a buyer
    sign_in(page, live_server, c.attache)
    page.goto(f"{base}/edit/")
    page.fill("#id_venue", "KLCC")
    _no_sideways_scroll(page)
    shot("trade-event-edit")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("dl.facts")).to_contain_text("KLCC")
    page.goto(f"{base}/participants/")
    expect(page.locator("#unwished")).to_be_visible()
    page.fill(
        "#register-q", newcomer.organisation.name[:12]
    )  # the search narrows the list
    expect(page.locator("#id_organisation option")).to_have_count(
        2
    )  # "---" and the one
    page.select_option("#id_organisation", str(newcomer.organisation.pk))
    page.locator("#register-other button.btn-primary").click()
    expect(page.locator("[data-participant]")).to_have_count(5)
    leaving = c.me(c.buyers[1])
    page.once("dialog", lambda dialog: dialog.accept())  # "Withdraw …?"
    page.locator(f"[data-participant='{leaving.pk}'] button.btn-danger").click()
    expect(page.locator("[data-participant]")).to_have_count(4)
    _no_sideways_scroll(page)
    shot("trade-event-participants")

    # the buyer marks a slot they cannot attend and sees why an MSME fits
    page.context.clear_cookies()
    sign_in(page, live_server, c.buyers[0])
    page.goto(f"{base}/")
    page.locator("#unavailable input[type=checkbox]").first.check()
    page.locator("#unavailable button").click()
    expect(page.locator("#unavailable input[type=checkbox]").first).to_be_checked()
    _no_sideways_scroll(page)
    shot("trade-event-unavailable")
    page.goto(f"{base}/wishes/")
    best = page.locator("[data-participant]").first
    expect(best.locator("[data-fit]")).to_contain_text(request.title)
    expect(best.locator("[data-fit]")).to_contain_text(product.name_id)
    expect(best.locator(".fit-reasons li").first).to_be_visible()
    _no_sideways_scroll(page)
    shot("trade-event-wishes-reasons")


def test_withdrawal_after_publication_reschedules_and_agenda_names_products(
    live_server, page, shot
):
    from serumpun.trade.tests.test_events_pages import fitting_pair

    c = crowd(n_buyers=2, n_msmes=2, tables=2, slots=2, max_meetings=2)
    _request, product = fitting_pair(c)
    base = f"{live_server.url}/trade/events/{c.event.pk}"
    sign_in(page, live_server, c.attache)
    page.goto(f"{base}/")
    page.locator(f"form[action='/trade/events/{c.event.pk}/schedule/'] button").click()
    expect(page.locator("table.event-grid")).to_be_visible()
    page.locator(f"form[action='/trade/events/{c.event.pk}/publish/'] button").click()
    expect(page.locator("#schedule")).to_contain_text("PDF")
    page.goto(f"{base}/participants/")
    page.once("dialog", lambda dialog: dialog.accept())
    leaving = c.me(c.buyers[1])
    page.locator(f"[data-participant='{leaving.pk}'] button.btn-danger").click()
    page.goto(f"{base}/")
    expect(page.locator("#last-reschedule")).to_be_visible()
    _no_sideways_scroll(page)
    shot("trade-event-after-withdrawal")

    page.context.clear_cookies()
    sign_in(page, live_server, c.buyers[0])
    page.goto(f"{base}/agenda/")
    expect(page.locator(".agenda-offer").first).to_contain_text(product.name_id)
    expect(page.locator("a.btn", has_text="PDF")).to_be_visible()
    _no_sideways_scroll(page)
    shot("trade-event-agenda-products")
