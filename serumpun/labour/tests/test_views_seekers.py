"""Job-seeker pages: registration with consent and NIK checks, the seeker's own profile and
matches, the officers' list, and audited profile reads and NIK unmasking."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent
from serumpun.labour.models import Seeker, SeekerCertificate, SeekerExperience
from serumpun.labour.tests.factories import (
    JobOrderFactory,
    SeekerFactory,
    load_skills_and_courses,
    make_nik,
    occupation,
    regency,
)

pytestmark = pytest.mark.django_db

REGISTER = reverse("labour:seeker_register")
ME = reverse("labour:seeker_me")
MATCHES = reverse("labour:seeker_matches")
LIST = reverse("labour:seeker_list")
BIRTH = dt.date(1998, 5, 17)
FULL_NIK = re.compile(r"\b\d{16}\b")


def signed_in(client, role, organisation=None):
    user = make_user(role, organisation)
    client.force_login(user)
    return user


def detail(seeker):
    return reverse("labour:seeker_detail", args=[seeker.pk])


def unmask(seeker):
    return reverse("labour:seeker_unmask", args=[seeker.pk])


def registration(**overrides):
    """The registration form as a browser posts it."""
    regency("1804")
    occupation("9211")
    data = {
        "full_name": "Siti Aminah",
        "nik": make_nik("1804", BIRTH, "female"),
        "birth_date": BIRTH.isoformat(),
        "gender": "female",
        "regency": "1804",
        "phone": "+62 812 3456 7890",
        "address": "Jl. Merdeka 1, Sukadana",
        "education": "smk",
        "preferred_sectors": ["plantation"],
        "skills": ["palm_harvesting"],
        "language_id": "3",
        "language_ms": "1",
        "language_en": "0",
        "consent": "on",
        "certificates-TOTAL_FORMS": "2",
        "certificates-INITIAL_FORMS": "0",
        "certificates-MIN_NUM_FORMS": "0",
        "certificates-MAX_NUM_FORMS": "20",
        "certificates-0-scheme": "pemanen-sawit",
        "certificates-0-issuer": "LSP Perkebunan",
        "certificates-0-level": "2",
        "certificates-0-valid_until": "2030-01-01",
        "experience-TOTAL_FORMS": "2",
        "experience-INITIAL_FORMS": "0",
        "experience-MIN_NUM_FORMS": "0",
        "experience-MAX_NUM_FORMS": "20",
        "experience-0-occupation": "9211",
        "experience-0-years": "2.5",
        # untouched second rows, as a browser posts them
        "certificates-1-scheme": "",
        "certificates-1-issuer": "",
        "certificates-1-level": "0",
        "certificates-1-valid_until": "",
        "experience-1-occupation": "",
        "experience-1-years": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _skills():
    load_skills_and_courses()


@pytest.fixture
def officer(client):
    return signed_in(client, Role.OFFICER)


# --- registration -----------------------------------------------------------------------------


def test_a_seeker_registers_themself_once(client):
    user = signed_in(client, Role.SEEKER)
    assert client.get(REGISTER).status_code == 200

    response = client.post(REGISTER, registration())

    assert response.status_code == 302
    assert response.url == ME
    seeker = Seeker.objects.get(user=user)
    assert seeker.office is None
    assert seeker.languages == [{"code": "id", "level": 3}, {"code": "ms", "level": 1}]
    assert list(seeker.skills.values_list("skill__code", flat=True)) == [
        "palm_harvesting"
    ]
    assert SeekerCertificate.objects.get(seeker=seeker).level == 2
    assert SeekerExperience.objects.get(seeker=seeker).isco_code == "9211"
    # one profile per person: the form now leads to the profile
    assert client.get(REGISTER).url == ME


@pytest.mark.usefixtures("in_english")
def test_a_nik_that_disagrees_with_the_birth_date_is_refused_under_nik(client):
    signed_in(client, Role.SEEKER)
    wrong = make_nik("1804", dt.date(1999, 5, 17), "female")
    response = client.post(REGISTER, registration(nik=wrong))
    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [
        "The NIK does not match the birth date."
    ]
    assert not Seeker.objects.exists()


@pytest.mark.usefixtures("in_english")
def test_a_nik_that_disagrees_with_the_sex_is_refused_under_nik(client):
    signed_in(client, Role.SEEKER)
    response = client.post(REGISTER, registration(gender="male"))
    assert (
        "The NIK does not match the sex given."
        in response.context["form"].errors["nik"]
    )


@pytest.mark.usefixtures("in_english")
def test_consent_is_required(client):
    signed_in(client, Role.SEEKER)
    data = registration()
    del data["consent"]
    response = client.post(REGISTER, data)
    assert response.context["form"].errors["consent"] == [
        "Consent is needed to register."
    ]
    assert not Seeker.objects.exists()


@pytest.mark.usefixtures("in_english")
def test_the_form_explains_what_is_stored_and_who_sees_it(client):
    signed_in(client, Role.SEEKER)
    page = client.get(REGISTER).content.decode()
    assert "What we store" in page
    assert "Who sees it" in page
    assert "Personal Data Protection" in page


@pytest.mark.usefixtures("in_english")
def test_an_officer_registers_someone_at_the_one_stop_office(client, officer):
    page = client.get(REGISTER).content.decode()
    assert "registered by an officer" in page

    response = client.post(REGISTER, registration())

    seeker = Seeker.objects.get()
    assert response.url == detail(seeker)
    assert seeker.user is None
    assert seeker.registered_by == officer
    assert seeker.office == officer.organisation
    assert "registered by an officer" in client.get(detail(seeker)).content.decode()


@pytest.mark.usefixtures("in_english")
def test_the_same_nik_cannot_register_twice(client, officer):
    first = registration()
    client.post(REGISTER, first)
    response = client.post(REGISTER, {**first, "full_name": "Someone Else"})
    assert response.status_code == 200
    assert "already registered" in str(response.context["form"].non_field_errors())
    assert Seeker.objects.count() == 1


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.LABOUR_ATTACHE])
def test_other_roles_may_not_register_seekers(client, role):
    signed_in(client, role)
    assert client.get(REGISTER).status_code == 403


# --- the seeker's own pages -------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_my_profile_shows_stage_and_the_document_checklist(client):
    user = signed_in(client, Role.SEEKER)
    seeker = SeekerFactory(user=user)
    seeker.documents.filter(kind="passport").update(status="verified")

    page = client.get(ME).content.decode()

    assert seeker.nik_masked in page
    assert "registered" in page  # the stage
    assert "Passport" in page
    assert "badge-doc--verified" in page
    assert "Work visa" in page
    assert seeker.phone in page  # the seeker sees their own contact details


def test_my_profile_and_matches_lead_to_registration_without_a_profile(client):
    signed_in(client, Role.SEEKER)
    assert client.get(ME).url == REGISTER
    assert client.get(MATCHES).url == REGISTER


def test_my_matches_list_endorsed_legal_orders_only(client):
    user = signed_in(client, Role.SEEKER)
    SeekerFactory(user=user, preferred_sectors=["plantation"])
    endorsed = JobOrderFactory(endorsed=True, title="Endorsed order")
    checked = JobOrderFactory(title="Checked order")

    response = client.get(MATCHES)

    assert response.status_code == 200
    assert f'data-job-order="{endorsed.pk}"'.encode() in response.content
    assert f'data-job-order="{checked.pk}"'.encode() not in response.content


# --- staff reads ------------------------------------------------------------------------------


def test_an_officer_read_of_a_profile_is_audited_and_the_nik_masked(client, officer):
    seeker = SeekerFactory()
    response = client.get(detail(seeker))
    page = response.content.decode()

    assert response.status_code == 200
    assert seeker.nik_masked in page
    assert seeker.nik not in page
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(
        kind=AuditEvent.Kind.PERSONAL_DATA_READ, object_id=str(seeker.pk)
    )
    assert event.actor == officer
    assert "phone" in event.fields
    assert "nik" not in event.fields


def test_the_labour_attache_reads_without_contact_details(client):
    attache = signed_in(client, Role.LABOUR_ATTACHE)
    seeker = SeekerFactory()
    page = client.get(detail(seeker)).content.decode()
    assert seeker.phone not in page
    assert AuditEvent.objects.filter(actor=attache, object_id=str(seeker.pk)).exists()


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.SEEKER])
def test_others_cannot_find_a_seeker_profile(client, role):
    signed_in(client, role)
    seeker = SeekerFactory()
    assert client.get(detail(seeker)).status_code == 404
    assert client.post(unmask(seeker)).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(seeker.pk)).exists()


def test_an_officer_unmasks_a_nik_once_and_it_is_audited(client, officer):
    seeker = SeekerFactory()
    assert unmask(seeker).encode() in client.get(detail(seeker)).content

    response = client.post(unmask(seeker), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert seeker.nik in response.content.decode()
    assert b"<html" not in response.content
    event = AuditEvent.objects.get(
        actor=officer, object_id=str(seeker.pk), fields=["nik"]
    )
    assert event.kind == AuditEvent.Kind.PERSONAL_DATA_READ
    # the next look is masked again
    assert seeker.nik not in client.get(detail(seeker)).content.decode()


def test_unmasking_without_htmx_shows_the_whole_page(client, officer):
    seeker = SeekerFactory()
    response = client.post(unmask(seeker))
    assert response.status_code == 200
    assert seeker.nik in response.content.decode()
    assert b"<html" in response.content


def test_unmasking_is_a_post(client, officer):
    assert client.get(unmask(SeekerFactory())).status_code == 405


def test_the_labour_attache_may_not_unmask(client):
    attache = signed_in(client, Role.LABOUR_ATTACHE)
    seeker = SeekerFactory()
    assert unmask(seeker).encode() not in client.get(detail(seeker)).content
    assert client.post(unmask(seeker)).status_code == 403
    assert not AuditEvent.objects.filter(actor=attache, fields=["nik"]).exists()


# --- the officers' list -----------------------------------------------------------------------


def test_the_seeker_list_is_for_officers(client):
    signed_in(client, Role.LABOUR_ATTACHE)
    assert client.get(LIST).status_code == 403


def test_the_list_masks_every_nik(client, officer):
    seekers = SeekerFactory.create_batch(3)
    page = client.get(LIST).content.decode()
    assert not FULL_NIK.search(page)
    for seeker in seekers:
        assert seeker.nik_masked in page
        assert seeker.phone not in page


def test_the_list_filters_by_regency_stage_and_sector(client, officer):
    match = SeekerFactory(regency_code="1804", preferred_sectors=["plantation"])
    other_regency = SeekerFactory(regency_code="1801", preferred_sectors=["plantation"])
    other_sector = SeekerFactory(regency_code="1804", preferred_sectors=["services"])
    other_stage = SeekerFactory(
        regency_code="1804", preferred_sectors=["plantation"], stage="training"
    )
    page = client.get(
        LIST, {"regency": "1804", "stage": "registered", "sector": "plantation"}
    ).content
    assert f'data-seeker="{match.pk}"'.encode() in page
    for other in (other_regency, other_sector, other_stage):
        assert f'data-seeker="{other.pk}"'.encode() not in page


def test_the_list_partial_for_htmx(client, officer):
    SeekerFactory()
    response = client.get(LIST, HTTP_HX_REQUEST="true")
    assert b'id="seeker-results"' in response.content
    assert b"<html" not in response.content


def test_the_list_costs_the_same_queries_for_2_or_12_seekers(
    client, officer, django_assert_num_queries
):
    SeekerFactory.create_batch(2)
    client.get(LIST)  # warm the session
    # session, user, memberships, regencies for the filter, count, page (regency joined)
    with django_assert_num_queries(6):
        client.get(LIST)
    SeekerFactory.create_batch(10)
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.content.count(b"data-seeker=") == 12


# --- menu and home ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.SEEKER, "labour:seeker_me"),
        (Role.SEEKER, "labour:seeker_matches"),
        (Role.OFFICER, "labour:seeker_list"),
        (Role.OFFICER, "labour:seeker_register"),
        (Role.LABOUR_ATTACHE, "labour:review_queue"),
        (Role.LABOUR_ATTACHE, "labour:job_order_list"),
        (Role.EMPLOYER, "labour:job_order_list"),
        (Role.AGENCY, "labour:job_order_list"),
    ],
)
def test_the_menu_leads_each_role_to_its_labour_pages(client, role, url_name):
    signed_in(client, role)
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{reverse(url_name)}"'.encode() in response.content


def test_home_counts_orders_awaiting_review_for_the_attache(client):
    signed_in(client, Role.LABOUR_ATTACHE)
    JobOrderFactory.create_batch(2)
    JobOrderFactory(endorsed=True)
    counts = {c.key: c.value for c in client.get("/").context["counts"]}
    assert counts["job_orders_awaiting_review"] == 2
    assert counts["job_orders_endorsed"] == 1


def test_home_counts_an_employers_orders_by_status(client):
    user = signed_in(client, Role.EMPLOYER)
    JobOrderFactory(organisation=user.organisation)
    JobOrderFactory(organisation=user.organisation, status="returned")
    JobOrderFactory()  # another organisation's
    counts = {c.key: c.value for c in client.get("/").context["counts"]}
    assert counts["job_orders_under_review"] == 1
    assert counts["job_orders_returned"] == 1


def test_home_counts_a_seekers_vacancies(client):
    signed_in(client, Role.SEEKER)
    JobOrderFactory(endorsed=True)
    JobOrderFactory(endorsed=True, compliance_status="fail")
    JobOrderFactory()
    counts = {c.key: c.value for c in client.get("/").context["counts"]}
    assert counts["open_vacancies"] == 1
    assert counts["job_offers"] == 0
