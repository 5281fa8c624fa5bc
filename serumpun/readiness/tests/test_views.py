"""Readiness pages: owner's plan, self-assessment, evidence, htmx steps, report, officer pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import CertificateFactory
from serumpun.readiness import actions
from serumpun.readiness.models import ActionStep, Answer, Assessment, Cohort, StepStatus
from serumpun.readiness.tests.factories import coffee_product

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def owner(client):
    user = make_user(Role.MSME_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def officer(client):
    user = make_user(Role.OFFICER)
    client.force_login(user)
    return user


def test_owner_home_lists_their_products_only(client, owner):
    mine = coffee_product(owner, name_id="Kopi saya")
    coffee_product(name_id="Kopi orang lain")
    response = client.get(reverse("readiness:home"))
    assert response.status_code == 200
    assert mine.name_id in response.content.decode()
    assert "Kopi orang lain" not in response.content.decode()


def test_self_assessment_saves_answers_and_shows_the_plan(client, owner, in_english):
    product = coffee_product(owner)
    url = reverse("readiness:answers", args=[product.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert (
        'name="partner.importer_permit"' in form.content.decode()
    )  # green coffee: permit
    response = client.post(
        url, {"quality.specification": "2", "partner.importer_identified": "1"}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(product=product)
    assert assessment.answers["quality.specification"]["value"] == 2
    page = client.get(reverse("readiness:product", args=[product.pk])).content.decode()
    assert "Action plan" in page
    assert "A Malaysian importer able to hold the import permit" in page


def test_the_product_page_is_indonesian_by_default(client, owner):
    product = coffee_product(owner)
    actions.assess_product(by=owner, product=product)
    page = client.get(reverse("readiness:product", args=[product.pk])).content.decode()
    assert "Rencana aksi" in page or "Action plan" in page  # catalogue may lag; no 500
    assert "Importir Malaysia yang dapat memegang izin impor" in page


def test_another_businesss_product_pages_are_404(client, owner):
    foreign = coffee_product()
    assessment = actions.assess_product(by=make_user(Role.OFFICER), product=foreign)
    for url in (
        reverse("readiness:product", args=[foreign.pk]),
        reverse("readiness:answers", args=[foreign.pk]),
        reverse("readiness:report", args=[assessment.pk]),
        reverse("readiness:report_pdf", args=[assessment.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_step_update_answers_the_htmx_partial(client, owner):
    product = coffee_product(owner)
    assessment = actions.assess_product(by=owner, product=product)
    step = assessment.steps.get(order=1)
    response = client.post(
        reverse("readiness:update_step", args=[step.pk]),
        {"status": "in_progress", "owner": "Siti", "due_date": "2027-01-15"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="step-{step.pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.owner, step.due_date) == (
        "in_progress",
        "Siti",
        dt.date(2027, 1, 15),
    )


def test_a_done_step_reassesses_and_redirects_to_the_new_plan(client, owner):
    product = coffee_product(owner)
    first = actions.assess_product(by=owner, product=product)
    step = first.steps.get(order=2)
    response = client.post(
        reverse("readiness:update_step", args=[step.pk]),
        {"status": "done", "owner": "Siti"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("readiness:product", args=[product.pk])
    latest = Assessment.objects.get(product=product, is_latest=True)
    assert latest.pk != first.pk
    assert latest.trigger == "step_done"
    carried = latest.steps.get(gap_key=step.gap_key)
    # The owner's word is not evidence: the gap stays open, shown in progress with its owner.
    assert (carried.status, carried.owner) == (StepStatus.IN_PROGRESS, "Siti")


def test_evidence_then_officer_confirmation_makes_an_answer_count(client, owner):
    product = coffee_product(owner)
    actions.assess_product(
        by=owner, product=product, answers={"quality.specification": 4}
    )
    answer = Answer.objects.get(product=product, question="quality.specification")
    document = SimpleUploadedFile("spec.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("readiness:add_evidence", args=[answer.pk]), {"document": document}
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.evidence
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    client.post(reverse("readiness:confirm_answer", args=[answer.pk]))
    latest = Assessment.objects.get(product=product, is_latest=True)
    quality = next(d for d in latest.dimensions if d["key"] == "quality")
    spec = next(q for q in quality["questions"] if q["key"] == "quality.specification")
    assert (spec["counted"], spec["basis"]) == (4, "confirmed")


def test_an_owner_may_not_confirm_answers(client, owner):
    product = coffee_product(owner)
    certificate = CertificateFactory(msme=product.msme, kind="halal")
    actions.record_answer(
        by=owner,
        product=product,
        question="quality.specification",
        value=4,
        certificate=certificate,
    )
    answer = Answer.objects.get(product=product)
    client.post(reverse("readiness:confirm_answer", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.confirmed_at is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [("id", "Laporan kesiapan ekspor"), ("en", "Export readiness report")],
)
def test_report_in_indonesian_and_english(client, owner, lang, text):
    product = coffee_product(owner)
    assessment = actions.assess_product(by=owner, product=product)
    response = client.get(
        reverse("readiness:report", args=[assessment.pk]), {"lang": lang}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'lang="{lang}"' in body
    if lang == "en":
        assert text in body


def test_report_pdf(client, owner):
    product = coffee_product(owner)
    assessment = actions.assess_product(by=owner, product=product)
    response = client.get(
        reverse("readiness:report_pdf", args=[assessment.pk]), {"lang": "en"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_overview_is_for_officers(client, owner):
    assert client.get(reverse("readiness:overview")).status_code == 403


def test_overview_counts_blocking_gaps_with_constant_queries(
    client, officer, in_english
):
    for _ in range(2):
        actions.assess_product(by=officer, product=coffee_product())
    url = reverse("readiness:overview")
    client.get(url)  # the first request also loads the session's one-off rows
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert (
        "100% lack: A Malaysian importer able to hold the import permit"
        in response.content.decode()
    )
    for _ in range(3):
        actions.assess_product(
            by=officer, product=coffee_product(hs="200899", processed=True)
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_product_page_queries_do_not_grow_with_history(client, owner):
    product = coffee_product(owner)
    actions.assess_product(
        by=owner, product=product, answers={"quality.batch_records": 3}
    )
    url = reverse("readiness:product", args=[product.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for value in (0, 1, 2, 3):
        actions.assess_product(
            by=owner, product=product, answers={"quality.batch_records": value}
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_officer_overdue_steps_are_listed(client, officer):
    product = coffee_product()
    assessment = actions.assess_product(by=officer, product=product)
    ActionStep.objects.filter(assessment=assessment, order=1).update(
        due_date=dt.date(2020, 1, 1)
    )
    page = client.get(reverse("readiness:overview")).content.decode()
    assert product.name_id in page


def test_cohort_with_members_and_a_session(client, officer):
    product = coffee_product()
    actions.assess_product(by=officer, product=product)
    response = client.post(
        reverse("readiness:cohorts"),
        {
            "name": "Kelas pemula Lampung Barat",
            "tier": "beginner",
            "starts_on": "2027-01-10",
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("readiness:cohort", args=[cohort.pk])).content.decode()
    assert str(product.msme) in page  # suggested: its latest level is beginner
    client.post(
        reverse("readiness:cohort", args=[cohort.pk]),
        {"members-members": [product.msme_id]},
    )
    assert list(cohort.members.all()) == [product.msme]
    client.post(
        reverse("readiness:cohort", args=[cohort.pk]),
        {
            "session-held_on": "2027-01-17",
            "session-topic": "Label & halal",
            "session-attendees": [product.msme_id],
        },
    )
    session = cohort.sessions.get()
    assert list(session.attendees.all()) == [product.msme]


def test_owners_may_not_open_cohorts(client, owner):
    assert client.get(reverse("readiness:cohorts")).status_code == 403


def test_cohorts_of_another_office_are_404(client, officer):
    other = make_user(Role.OFFICER)
    cohort = actions.create_cohort(
        by=other, name="X", tier="beginner", starts_on=dt.date(2027, 1, 1)
    )
    assert client.get(reverse("readiness:cohort", args=[cohort.pk])).status_code == 404


def test_admin_lists_assessments_read_only(client):
    from serumpun.accounts.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    assessment = actions.assess_product(
        by=make_user(Role.OFFICER), product=coffee_product()
    )
    assert (
        client.get(reverse("admin:readiness_assessment_changelist")).status_code == 200
    )
    page = client.get(
        reverse("admin:readiness_assessment_change", args=[assessment.pk])
    )
    assert page.status_code == 200
    assert client.get(reverse("admin:readiness_assessment_add")).status_code == 403
