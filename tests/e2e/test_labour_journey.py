"""Labour journey on a phone: a Pahang plantation employer submits a job order, it passes
the compliance check, the labour attaché endorses it, a Lampung seeker sees it among her
matches, the attaché runs the allocation and reads its fairness report, the seeker accepts
her offer, and the attaché starts her placement from the candidate list and moves it on to
the interview. Screenshots go to var/e2e-artefacts/ (and the candidate list and the
placement at 390 px also to /tmp for the lead)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.labour.models import JobOrder, Offer, Placement, SeekerSkill, Skill
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    EmployerProfileFactory,
    SeekerFactory,
    load_skills_and_courses,
    occupation,
)
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Pemanen tandan buah segar sawit"
SCREENSHOT = "/tmp/labour-candidates-390.png"  # noqa: S108 (a hand-over file for the lead)
PLACEMENT_SCREENSHOT = "/tmp/labour-placement-390.png"  # noqa: S108 (likewise)


def sign_out(page) -> None:
    page.context.clear_cookies()


def fill_fair_plantation_order(form, licence: str) -> None:
    """The demand letter's fields for a fair order (every binding rule met)."""
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=employer_state]").fill("Pahang")
    form.locator("[name=agency_licence]").fill(licence)
    form.locator("[name=sector]").select_option("plantation")
    form.locator("[name=occupation]").select_option("9211")
    form.locator("[name=workers_needed]").fill("40")
    form.locator("[name=basic_wage_myr]").fill("1850")
    form.locator("[name=weekly_hours]").fill("45")
    form.locator("[name=contract_months]").fill("24")
    form.locator("[name=accommodation_provided]").check()
    form.locator("[name=passport_held_by]").select_option("worker")
    form.locator("[name=levy_paid_by]").select_option("employer")
    form.locator("[name=worker_paid_costs_myr]").fill("0")
    form.locator("[name=age_min]").fill("21")
    form.locator("[name=age_max]").fill("40")
    form.locator("[name=gender]").select_option("any")
    form.locator("[name=channel]").select_option("p3mi")
    form.locator("[name=quota_reference]").fill("SIP2MI-DEMO/2026/0001")
    form.locator("[name=contract_languages][value=id]").check()
    form.locator("[name=contract_languages][value=ms]").check()
    form.locator("[name=required_skills][value=palm_harvesting]").check()


@pytest.fixture
def people():
    load_skills_and_courses()
    occupation("9211")
    employer = make_user(Role.EMPLOYER, full_name="Nurul Aina binti Zakaria")
    EmployerProfileFactory(organisation=employer.organisation, sector="plantation")
    agency = AgencyProfileFactory(licence_number="SIP3MI-DEMO/0417/2026")
    attache = make_user(Role.LABOUR_ATTACHE, full_name="Siti Rahmawati")
    seeker_user = make_user(Role.SEEKER, full_name="Dewi Lestari")
    seeker = SeekerFactory(
        user=seeker_user,
        full_name="Dewi Lestari",
        gender="female",
        birth_date=timezone.localdate() - dt.timedelta(days=27 * 365),
        preferred_sectors=["plantation"],
        languages=[{"code": "id", "level": 3}, {"code": "ms", "level": 1}],
    )
    SeekerSkill.objects.create(
        seeker=seeker, skill=Skill.objects.get(code="palm_harvesting"), level=1.0
    )
    return {
        "employer": employer,
        "agency": agency,
        "attache": attache,
        "seeker": seeker,
    }


def test_a_plantation_order_is_checked_endorsed_matched_and_staffed(
    live_server, page, shot, people
):
    base = live_server.url

    # The employer fills the demand letter on a phone.
    sign_in(page, live_server, people["employer"])
    page.goto(f"{base}/labour/job-orders/new/")
    form = page.locator("main form").first
    fill_fair_plantation_order(form, people["agency"].licence_number)
    form.locator("button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/labour/job-orders/\d+/$"))
    expect(page.locator(".verdict--pass")).to_be_visible()
    shot("labour-order-checked-phone")
    order = JobOrder.objects.get(title=TITLE)
    assert order.compliance_status == "pass"
    assert order.status == JobOrder.Status.CHECKED

    # The labour attaché reviews the verdict and endorses.
    sign_out(page)
    sign_in(page, live_server, people["attache"])
    page.goto(f"{base}/labour/job-orders/{order.pk}/")
    endorse = page.locator(f"form[action$='/job-orders/{order.pk}/endorse/']")
    page.once("dialog", lambda dialog: dialog.accept())  # "Endorse this job order?"
    with page.expect_response(lambda r: r.url.endswith("/endorse/")) as answer:
        endorse.locator("button[type=submit]").click()
    assert answer.value.status < 400
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == JobOrder.Status.ENDORSED

    # The seeker sees the endorsed order among her matches.
    sign_out(page)
    sign_in(page, live_server, people["seeker"].user)
    page.goto(f"{base}/labour/matches/")
    match = page.locator(f"[data-job-order='{order.pk}']")
    expect(match).to_be_visible()
    expect(match).to_contain_text(TITLE)
    shot("labour-seeker-matches-phone")

    run_the_allocation(page, live_server, shot, people, order)
    offer = Offer.objects.get(seeker=people["seeker"], job_order=order)
    accept_the_offer(page, live_server, shot, people, offer)

    # The attaché reads the candidate list: the seeker is there, masked.
    sign_out(page)
    sign_in(page, live_server, people["attache"])
    page.goto(f"{base}/labour/job-orders/{order.pk}/candidates/")
    candidate = page.locator(f"[data-seeker='{people['seeker'].pk}']")
    expect(candidate).to_be_visible()
    expect(candidate).to_contain_text(people["seeker"].nik_masked)
    assert people["seeker"].nik not in page.content()
    shot("labour-candidates-phone")
    page.screenshot(path=SCREENSHOT, full_page=True)

    start_and_interview(page, live_server, shot, people, order)


def run_the_allocation(page, live_server, shot, people, order) -> None:
    """The attaché runs the allocation and reads the fairness report."""
    base = live_server.url
    sign_out(page)
    sign_in(page, live_server, people["attache"])
    page.goto(f"{base}/labour/allocation/")
    page.once("dialog", lambda dialog: dialog.accept())  # "Run the allocation?"
    page.locator("main form[action$='/allocation/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/labour/allocation/")
    expect(page.locator("#fairness")).to_be_visible()
    expect(page.locator("#fairness tr[data-group='female']")).to_be_visible()
    offers = page.locator(f"[data-job-order='{order.pk}'] [data-offers]")
    expect(offers).to_have_text("1")
    shot("labour-allocation-fairness-phone")


def accept_the_offer(page, live_server, shot, people, offer) -> None:
    """The seeker accepts her offer on her matches page."""
    sign_out(page)
    sign_in(page, live_server, people["seeker"].user)
    page.goto(f"{live_server.url}/labour/matches/")
    card = page.locator(f"[data-offer='{offer.pk}']")
    expect(card).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # "Accept this offer?"
    card.locator("form:has(input[value=accept]) button").click()
    expect(page.locator(f"[data-offer='{offer.pk}']")).to_have_attribute(
        "data-offer-status", "accepted"
    )
    shot("labour-offer-accepted-phone")


def start_and_interview(page, live_server, shot, people, order) -> None:
    """On the candidate list the attaché starts the placement, then moves it on to the
    interview on the placement page."""
    candidate = page.locator(f"[data-seeker='{people['seeker'].pk}']")
    page.once("dialog", lambda dialog: dialog.accept())  # "Start the placement…?"
    candidate.locator("form.candidate__start button[type=submit]").click()
    page.wait_for_url(re.compile(r"/labour/placements/\d+/$"))
    placement = Placement.objects.get(seeker=people["seeker"], job_order=order)
    assert placement.stage == "matched"
    page.locator("[name=to_stage]").select_option("interviewed")
    page.locator("[name=note]").fill("Wawancara daring dengan pemberi kerja.")
    advance = f"form[action$='/placements/{placement.pk}/advance/']"
    page.locator(f"{advance} button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/labour/placements/{placement.pk}/")
    placement.refresh_from_db()
    assert placement.stage == "interviewed"
    assert [e.stage for e in placement.events.all()] == ["matched", "interviewed"]
    shot("labour-placement-interviewed-phone")
    page.screenshot(path=PLACEMENT_SCREENSHOT, full_page=True)
