"""Browser journeys: an officer signs in and reads the dashboard in three languages; a buyer
signs in and sees the buyer's home. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.accounts.tests.factories import (
    OrganisationFactory,
    make_user,
)
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TAGLINE_EN = "Lampung–Malaysia corridor platform"


def switch_language(page, code: str) -> None:
    switcher = page.locator("form.language-switcher")
    switcher.locator("select[name=language]").select_option(code)
    switcher.locator("button[type=submit]").click()
    page.wait_for_selector(f"html[lang={code}]")


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_officer_reads_the_dashboard_in_indonesian_english_and_malay(
    live_server, page, shot
):
    OrganisationFactory.create_batch(3, kind=OrganisationKind.MSME)
    OrganisationFactory(kind=OrganisationKind.BUYER)
    officer = make_user(Role.OFFICER, full_name="Siti Rahmawati")
    sign_in(page, live_server, officer)

    # Indonesian is the default language.
    assert html_lang(page) == "id"
    nav = page.locator("nav.site-nav")
    assert nav.locator("a[aria-current=page]").inner_text() == "Beranda"
    assert page.locator("header").get_by_text("Siti Rahmawati").count() == 1
    msmes = page.locator("[data-count=organisations_msme] .figure__value")
    assert msmes.inner_text() == "3"
    assert page.locator("[data-count=organisations_employer] .empty-state").count() == 1
    shot("officer-home-id-phone")

    switch_language(page, "en")
    assert page.url == f"{live_server.url}/"  # back on the same page
    assert nav.locator("a[aria-current=page]").inner_text() == "Home"
    assert page.locator("header button[type=submit]").last.inner_text() == "Log out"
    assert page.get_by_text("Verify MSMEs and their certificates").count() == 1
    shot("officer-home-en-phone")

    switch_language(page, "ms")
    assert nav.locator("a[aria-current=page]").inner_text() == "Utama"
    assert page.locator("header button[type=submit]").last.inner_text() == "Log keluar"
    shot("officer-home-ms-phone")

    page.set_viewport_size(DESKTOP)
    shot("officer-home-ms-desktop")

    # The choice sticks for the next page.
    page.goto(f"{live_server.url}/accounts/settings/")
    assert html_lang(page) == "ms"


def test_project_strings_are_translated_in_indonesian_and_malay(live_server, page):
    """CATALOGUE-DEPENDENT: passes only once the lead's Indonesian/Malay catalogues exist."""
    sign_in(page, live_server, make_user(Role.OFFICER))
    tagline = page.locator(".brand__tagline")
    assert tagline.inner_text() != TAGLINE_EN  # Indonesian (default)
    switch_language(page, "ms")
    assert tagline.inner_text() != TAGLINE_EN
    switch_language(page, "en")
    assert tagline.inner_text() == TAGLINE_EN


def test_buyer_sees_the_buyer_home(live_server, page, shot):
    buyer = make_user(Role.BUYER, full_name="Tan Mei Ling")
    sign_in(page, live_server, buyer)
    switch_language(page, "en")

    assert page.locator("h1").inner_text() == "Welcome, Tan Mei Ling"
    assert page.locator("header .badge").inner_text() == "buyer"
    jobs = page.locator("ul.jobs li")
    assert jobs.all_inner_texts() == [
        "Post sourcing requests",
        "Request introductions to Lampung suppliers",
    ]
    # A buyer sees its own organisation and tokens, not the province's organisation counts.
    assert page.locator("[data-count=members] .figure__value").inner_text() == "1"
    assert page.locator("[data-count^=organisations_]").count() == 0
    assert page.locator("nav.site-nav a[href='/admin/']").count() == 0
    shot("buyer-home-en-phone")

    page.set_viewport_size(DESKTOP)
    shot("buyer-home-en-desktop")


def test_refresh_swaps_the_figures_with_htmx(live_server, page):
    sign_in(page, live_server, make_user(Role.OFFICER))
    figure = page.locator("[data-count=organisations_msme] .figure__value")
    assert figure.inner_text() == "0"
    OrganisationFactory(kind=OrganisationKind.MSME)
    with page.expect_request(lambda request: request.headers.get("hx-request")):
        page.locator("a[hx-get]").click()
    # Playwright's expect polls from outside the page (wait_for_function would eval a
    # string inside it, which the CSP refuses).
    expect(figure).to_have_text("1")
    assert page.locator("html").count() == 1  # swapped in place, not a new page


def test_sign_in_page_at_phone_and_desktop_width(live_server, page, shot):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    assert html_lang(page) == "id"
    shot("login-id-phone")
    page.set_viewport_size(DESKTOP)
    shot("login-id-desktop")


def test_unknown_page_shows_the_friendly_404(live_server, page, shot):
    sign_in(page, live_server, make_user(Role.MSME_OWNER, is_demo=True))
    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    assert page.locator(".demo-notice").count() == 1
    shot("not-found-id-phone")
    page.locator(".error-page a.btn").click()
    page.wait_for_url(f"{live_server.url}/")
    shot("msme-demo-home-id-phone")


def test_api_docs_render_under_the_csp_without_a_cdn(live_server, page):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url)
            else None
        ),
    )
    sign_in(page, live_server, make_user(Role.FORWARDER))
    page.locator("nav.site-nav a[href='/api/v1/docs']").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Serumpun API")
    assert outside == []
    assert blocked == []


@pytest.mark.parametrize(
    "path", ["/", "/accounts/settings/", "/accounts/2fa/", "/accounts/invite/"]
)
def test_officer_pages_fit_a_phone_screen(live_server, page, path):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, make_user(Role.OFFICER))
    page.goto(f"{live_server.url}{path}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
