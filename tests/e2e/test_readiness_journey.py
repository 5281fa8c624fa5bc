"""Browser journey: a coffee MSME owner walks one green-coffee product from beginner to ready,
in the Indonesian interface — self-assessment, plan, evidence, the officer's confirmation,
the importer gate — and prints the report. Screenshots go to var/e2e-artefacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory, hs_code
from serumpun.readiness.models import Assessment
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def answer_all(page, value: str) -> None:
    for select in page.locator("main form select").all():
        select.select_option(value)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_coffee_owner_goes_from_beginner_to_ready(
    live_server, browser, page, shot, tmp_path
):
    owner = make_user(Role.MSME_OWNER)
    msme = MSMEFactory(organisation=owner.organisation, languages=["id", "en"])
    product = ProductFactory(
        msme=msme,
        name_id="Biji kopi robusta hijau",
        hs_code=hs_code("090111"),
        monthly_capacity_kg=18000,
        label_languages=["id", "en"],
    )
    evidence = tmp_path / "bukti.pdf"
    evidence.write_bytes(PDF)

    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/readiness/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator(f"a[href='/readiness/products/{product.pk}/']").click()
    page.locator(f"a[href='/readiness/products/{product.pk}/answers/']").click()
    answer_all(page, "0")
    expect(page.locator(".level--beginner").first).to_be_visible()
    # Green coffee needs a Malaysian importer able to hold the MAQIS permit: the first step.
    expect(page.locator(".plan-step").first).to_contain_text(
        "Importir Malaysia yang dapat memegang izin impor"
    )
    shot("readiness-1-beginner")

    # Work on the first step (htmx: only the step is redrawn).
    first = page.locator(".plan-step").first
    first.locator("summary").click()
    first.locator("select[name=status]").select_option("in_progress")
    first.locator("input[name=owner]").fill("Suryadi")
    first.locator("button[type=submit]").click()
    expect(page.locator(".plan-step").first.locator("[role=status]")).to_be_visible()

    # Everything done, by the owner's word: not ready until evidence is confirmed.
    page.locator(f"a[href='/readiness/products/{product.pk}/answers/']").click()
    answer_all(page, "4")
    expect(page.locator(".level--intermediate").first).to_be_visible()

    # Evidence for every answer (one document each).
    forms = page.locator("form.evidence-form")
    while forms.count():
        forms.first.locator("input[type=file]").set_input_files(str(evidence))
        forms.first.locator("button[type=submit]").click()
        page.wait_for_load_state()
    shot("readiness-2-evidence")

    # The officer confirms each evidenced answer.
    officer = make_user(Role.OFFICER)
    officer_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID"
    )
    officer_page = officer_context.new_page()
    sign_in(officer_page, live_server, officer)
    officer_page.goto(f"{live_server.url}/readiness/products/{product.pk}/")
    confirm = officer_page.locator("form[action$='/confirm/'] button")
    while confirm.count():
        confirm.first.click()
        officer_page.wait_for_load_state()
    officer_context.close()

    page.goto(f"{live_server.url}/readiness/products/{product.pk}/")
    expect(page.locator(".level--ready").first).to_be_visible()
    expect(page.locator(".gate--failed")).to_have_count(0)
    shot("readiness-3-ready")
    latest = Assessment.objects.get(product=product, is_latest=True)
    assert latest.level == "ready"
    assert (
        Assessment.objects.filter(product=product).count() > 3
    )  # the history chart's points

    page.locator(f"a[href='/readiness/assessments/{latest.pk}/report/']").click()
    expect(page.locator("body.report")).to_be_visible()
    shot("readiness-4-report")
