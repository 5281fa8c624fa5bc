"""Job-order pages: list and review queue, the submission form, the verdict, the attaché's
decision, candidates, and who may reach each (another organisation's order is a 404)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent
from serumpun.core.testing import AccessCase, access_matrix, check_foreign_404
from serumpun.labour.models import JobOrder, JobOrderCost, JobOrderSkill
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    EmployerProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    load_skills_and_courses,
    occupation,
)

pytestmark = pytest.mark.django_db

LIST = reverse("labour:job_order_list")
QUEUE = reverse("labour:review_queue")
CREATE = reverse("labour:job_order_create")
FULL_NIK = re.compile(r"\b\d{16}\b")
FAILING = {
    "status": "fail",
    "as_of": "2026-01-10",
    "rules_version": "test",
    "violations": [
        {
            "rule_id": "MY-5",
            "message": "Wage too low",
            "messages": {"en": "Wage too low", "id": "Upah terlalu rendah"},
            "source": {"title": "Minimum Wages Order 2025", "url": "https://x.test/"},
            "confidence": "high",
        }
    ],
    "warnings": [],
    "checked": ["MY-5"],
}


def detail(order):
    return reverse("labour:job_order_detail", args=[order.pk])


def signed_in(client, role, organisation=None):
    user = make_user(role, organisation)
    client.force_login(user)
    return user


def form_data(**overrides):
    """The job-order form as a browser posts it: a fair plantation order, no costs."""
    data = {
        "title": "Pemanen sawit",
        "employer_name": "Ladang Sawit Sdn Bhd",
        "employer_state": "Johor",
        "agency_licence": "",
        "sector": "plantation",
        "occupation": "9211",
        "workers_needed": "20",
        "basic_wage_myr": "1800",
        "weekly_hours": "45",
        "overtime_terms": "1.5× after 8 hours",
        "overtime_rate": "1.5",
        "rest_day": "Sunday",
        "contract_months": "24",
        "start_date": "",
        "accommodation_provided": "on",
        "passport_held_by": "worker",
        "levy_paid_by": "employer",
        "worker_paid_costs_myr": "0",
        "age_min": "21",
        "age_max": "40",
        "gender": "any",
        "channel": "p3mi",
        "quota_reference": "SIP2MI-2026-001",
        "contract_languages": ["id", "ms"],
        "required_certificates": "",
        "min_document_stage": "0",
        "costs-TOTAL_FORMS": "3",
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "30",
    }
    for row in range(3):  # untouched rows, as a browser posts them
        data |= {
            f"costs-{row}-item": "",
            f"costs-{row}-amount_myr": "",
            f"costs-{row}-paid_by": "",
        }
    data.update(overrides)
    return data


@pytest.fixture
def agency(client):
    user = signed_in(client, Role.AGENCY)
    AgencyProfileFactory(organisation=user.organisation)
    occupation("9211")
    occupation("8160")
    return user


@pytest.fixture
def attache(client):
    return signed_in(client, Role.LABOUR_ATTACHE)


# --- who reaches which page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.EMPLOYER, Role.AGENCY, Role.LABOUR_ATTACHE, Role.OFFICER]
)
def test_the_job_order_list_renders_for_labour_roles(client, role):
    signed_in(client, role)
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("role", [Role.SEEKER, Role.BUYER, Role.MSME_OWNER])
def test_other_roles_may_not_list_job_orders(client, role):
    signed_in(client, role)
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY])
def test_the_submission_form_renders_for_employers_and_agencies(client, role):
    load_skills_and_courses()
    signed_in(client, role)
    response = client.get(CREATE)
    assert response.status_code == 200
    assert b'name="costs-TOTAL_FORMS"' in response.content
    assert b'value="palm_harvesting"' in response.content  # skills grouped by sector


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.OFFICER, Role.SEEKER])
def test_only_employers_and_agencies_may_submit(client, role):
    signed_in(client, role)
    assert client.get(CREATE).status_code == 403


def test_the_review_queue_is_the_attaches(client):
    signed_in(client, Role.EMPLOYER)
    assert client.get(QUEUE).status_code == 403


JOB_ORDER_DETAIL = AccessCase(
    name="job-order-detail",
    make_owned=lambda org: JobOrderFactory(organisation=org),
    url_for=detail,
)
JOB_ORDER_CANDIDATES = AccessCase(
    name="job-order-candidates",
    make_owned=lambda org: JobOrderFactory(organisation=org),
    url_for=lambda order: reverse("labour:job_order_candidates", args=[order.pk]),
)


@pytest.mark.parametrize(
    ("role", "case"),
    access_matrix([JOB_ORDER_DETAIL, JOB_ORDER_CANDIDATES], ["employer", "agency"]),
)
def test_another_organisations_job_order_is_not_found(client, role, case):
    check_foreign_404(client, role, case)


def test_an_employer_cannot_see_candidates_of_another_employers_order(client):
    other = EmployerProfileFactory()
    order = JobOrderFactory(
        organisation=other.organisation, employer_profile=other, endorsed=True
    )
    signed_in(client, Role.EMPLOYER)
    url = reverse("labour:job_order_candidates", args=[order.pk])
    assert client.get(url).status_code == 404


def test_the_named_employer_sees_candidates_of_an_agencys_order(client):
    employer = signed_in(client, Role.EMPLOYER)
    profile = EmployerProfileFactory(organisation=employer.organisation)
    order = JobOrderFactory(employer_profile=profile)
    url = reverse("labour:job_order_candidates", args=[order.pk])
    assert client.get(url).status_code == 200


def test_an_officer_sees_an_order_but_not_its_candidates(client):
    order = JobOrderFactory()
    signed_in(client, Role.OFFICER)
    assert client.get(detail(order)).status_code == 200
    url = reverse("labour:job_order_candidates", args=[order.pk])
    assert client.get(url).status_code == 403


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_own_orders_only(client):
    user = signed_in(client, Role.EMPLOYER)
    own = JobOrderFactory(organisation=user.organisation, title="Own order")
    foreign = JobOrderFactory(title="Foreign order")
    response = client.get(LIST)
    assert f'data-job-order="{own.pk}"'.encode() in response.content
    assert f'data-job-order="{foreign.pk}"'.encode() not in response.content


def test_the_list_filters_by_status_and_sector(client, attache):
    endorsed = JobOrderFactory(endorsed=True, sector="plantation")
    checked = JobOrderFactory(sector="plantation")
    services = JobOrderFactory(endorsed=True, sector="services")
    page = client.get(LIST, {"status": "endorsed", "sector": "plantation"}).content
    assert f'data-job-order="{endorsed.pk}"'.encode() in page
    assert f'data-job-order="{checked.pk}"'.encode() not in page
    assert f'data-job-order="{services.pk}"'.encode() not in page


def test_an_htmx_filter_returns_only_the_results(client, attache):
    JobOrderFactory()
    response = client.get(LIST, {"sector": "plantation"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="job-order-results"' in response.content
    assert b"<html" not in response.content


def test_a_bad_filter_value_is_ignored(client, attache):
    JobOrderFactory()
    response = client.get(LIST, {"status": "nonsense"})
    assert response.status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [LIST, QUEUE])
def test_the_lists_cost_the_same_queries_for_2_or_12_orders(
    client, attache, url, django_assert_num_queries
):
    JobOrderFactory.create_batch(2)
    client.get(url)  # warm the session
    # session, user, memberships, count, page (occupations joined)
    with django_assert_num_queries(5):
        client.get(url)
    JobOrderFactory.create_batch(10)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.count(b"data-job-order=") == 12


def test_the_queue_lists_checked_orders_oldest_first(client, attache):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    newer = JobOrderFactory(submitted_at=now)
    older = JobOrderFactory(submitted_at=now - timedelta(days=2))
    done = JobOrderFactory(endorsed=True, submitted_at=now - timedelta(days=5))
    page = client.get(QUEUE).content
    assert page.index(f'data-job-order="{older.pk}"'.encode()) < page.index(
        f'data-job-order="{newer.pk}"'.encode()
    )
    assert f'data-job-order="{done.pk}"'.encode() not in page


# --- submitting -------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_a_rm1500_manufacturing_order_submitted_through_the_form_fails_my5(
    client, agency
):
    data = form_data(
        sector="manufacturing",
        occupation="8160",
        basic_wage_myr="1500",
        gender="female",
        title="Operator pabrik",
    )
    response = client.post(CREATE, data, follow=True)

    order = JobOrder.objects.get(title="Operator pabrik")
    assert response.redirect_chain[-1][0] == detail(order)
    assert order.compliance_status == "fail"
    page = response.content.decode()
    assert "badge-fail" in page
    assert "MY-5" in page
    assert "cannot be endorsed" in page


def test_a_fair_order_is_submitted_with_its_cost_table_and_skills(client, agency):
    load_skills_and_courses()
    data = form_data(
        **{
            "required_skills": ["palm_harvesting"],
            "costs-0-item": "levy",
            "costs-0-amount_myr": "640",
            "costs-0-paid_by": "employer",
            "costs-1-item": "medical check",
            "costs-1-amount_myr": "200",
            "costs-1-paid_by": "worker",
        }
    )
    response = client.post(CREATE, data)

    order = JobOrder.objects.get()
    assert response.status_code == 302
    assert order.organisation == agency.organisation
    assert order.status == JobOrder.Status.CHECKED
    assert order.contract_languages == ["id", "ms"]
    assert JobOrderCost.objects.filter(job_order=order).count() == 2
    # the worker's lines of the table make the worker-paid total
    assert order.worker_paid_costs_myr == Decimal("200")
    assert list(
        JobOrderSkill.objects.filter(job_order=order).values_list(
            "skill__code", flat=True
        )
    ) == ["palm_harvesting"]


@pytest.mark.usefixtures("in_english")
def test_the_form_names_the_fields_it_refuses(client, agency):
    response = client.post(
        CREATE, form_data(workers_needed="-3", age_min="40", age_max="21")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "workers_needed" in form.errors
    assert form.errors["age_max"] == ["The maximum age is below the minimum."]
    assert not JobOrder.objects.exists()


def test_a_half_filled_cost_row_is_refused(client, agency):
    response = client.post(CREATE, form_data(**{"costs-0-item": "visa"}))
    assert response.status_code == 200
    assert response.context["costs"].total_error_count() > 0
    assert not JobOrder.objects.exists()


# --- the verdict and the decision -------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_the_verdict_shows_rule_source_and_confidence(client, attache):
    verdict = dict(FAILING)
    verdict["warnings"] = [
        {
            "rule_id": "MY-3",
            "message": "Men in manufacturing",
            "messages": {"en": "Men in manufacturing"},
            "source": {"title": "Gov", "url": "https://gov.test/", "published": None},
            "confidence": "medium",
        }
    ]
    order = JobOrderFactory(compliance=verdict, compliance_status="fail")
    page = client.get(detail(order)).content.decode()
    assert "MY-5" in page
    assert "Wage too low" in page
    assert 'href="https://x.test/"' in page
    assert "MY-3" in page
    assert "to be confirmed" in page
    assert "rules version test" in page


def test_the_verdict_message_follows_the_readers_language(client, attache):
    order = JobOrderFactory(compliance=FAILING, compliance_status="fail")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    page = client.get(detail(order)).content.decode()
    assert "Upah terlalu rendah" in page


@pytest.mark.usefixtures("in_english")
def test_endorse_is_disabled_with_a_reason_when_compliance_fails(client, attache):
    order = JobOrderFactory(compliance=FAILING, compliance_status="fail")
    page = client.get(detail(order)).content.decode()
    assert "the compliance check failed" in page
    assert re.search(r'<button type="submit" class="btn btn-primary" disabled', page)


def test_endorsing_a_failing_order_is_refused(client, attache):
    order = JobOrderFactory(compliance=FAILING, compliance_status="fail")
    response = client.post(reverse("labour:job_order_endorse", args=[order.pk]))
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == JobOrder.Status.CHECKED


def test_the_attache_endorses_a_passing_order(client, attache):
    order = JobOrderFactory()
    response = client.post(
        reverse("labour:job_order_endorse", args=[order.pk]), {"note": "Good terms"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == JobOrder.Status.ENDORSED
    assert order.reviewed_by == attache
    assert AuditEvent.objects.filter(
        action="labour.job_order.endorsed", object_id=str(order.pk)
    ).exists()


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("decision", ["reject", "return"])
def test_reject_and_return_need_a_reason(client, attache, decision):
    order = JobOrderFactory()
    url = reverse(f"labour:job_order_{decision}", args=[order.pk])

    response = client.post(url, {f"{decision}-reason": "   "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    order.refresh_from_db()
    assert order.status == JobOrder.Status.CHECKED

    response = client.post(url, {f"{decision}-reason": "Wage below the minimum"})
    assert response.status_code == 302
    order.refresh_from_db()
    expected = {"reject": "rejected", "return": "returned"}[decision]
    assert order.status == expected
    assert order.review_reason == "Wage below the minimum"


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.OFFICER])
def test_only_the_attache_decides(client, role):
    user = signed_in(client, role)
    order = JobOrderFactory(organisation=user.organisation)
    for decision in ("endorse", "reject", "return"):
        url = reverse(f"labour:job_order_{decision}", args=[order.pk])
        assert (
            client.post(url, {"reject-reason": "x", "return-reason": "x"}).status_code
            == 403
        )
    order.refresh_from_db()
    assert order.status == JobOrder.Status.CHECKED


def test_decision_forms_show_only_to_the_attache_while_reviewable(client, attache):
    order = JobOrderFactory()
    endorse_url = reverse("labour:job_order_endorse", args=[order.pk]).encode()
    assert endorse_url in client.get(detail(order)).content
    done = JobOrderFactory(endorsed=True)
    assert b"job_order_endorse" not in client.get(detail(done)).content
    client.force_login(make_user(Role.AGENCY, order.organisation))
    assert endorse_url not in client.get(detail(order)).content


def test_a_seeker_sees_an_endorsed_order_but_not_a_checked_one(client):
    signed_in(client, Role.SEEKER)
    assert client.get(detail(JobOrderFactory(endorsed=True))).status_code == 200
    assert client.get(detail(JobOrderFactory())).status_code == 404


# --- candidates -------------------------------------------------------------------------------


def test_candidates_show_masked_nik_and_no_contact_details(client, attache):
    load_skills_and_courses()
    order = JobOrderFactory(endorsed=True)
    seeker = SeekerFactory(preferred_sectors=["plantation"])
    response = client.get(reverse("labour:job_order_candidates", args=[order.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-seeker="{seeker.pk}"' in page
    assert seeker.nik_masked in page
    assert not FULL_NIK.search(page)
    assert seeker.phone not in page
    assert seeker.address not in page
    assert "<meter" in page
