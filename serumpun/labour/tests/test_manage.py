"""Labour management: employer and agency profiles and their verification, job-order
documents, seekers' document status and the training catalogue — actions, then pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.core.testing import AccessCase, access_matrix, check_foreign_404
from serumpun.core.uploads import UploadTooLarge
from serumpun.labour import actions_manage
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrder,
    JobOrderDocument,
    SeekerDocument,
    Skill,
    TrainingCourse,
    Verification,
)
from serumpun.labour.reference import document_checklist, document_stage
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    EmployerProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    regency,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"
PROFILES = reverse("labour:profiles")
MY_PROFILE = reverse("labour:my_profile")
TRAINING = reverse("labour:training_list")
TRAINING_NEW = reverse("labour:training_new")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="demand-letter.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def signed_in(client, role, organisation=None):
    user = make_user(role, organisation)
    client.force_login(user)
    return user


def audit_actions():
    return set(AuditEvent.objects.values_list("action", flat=True))


def stage_kinds(stage):
    return [doc["kind"] for doc in document_checklist() if int(doc["stage"]) == stage]


# --- Actions: employer and agency profiles ----------------------------------------------------


@pytest.mark.parametrize("ssm", ["201901012345", "1234567-X", " 123456-x "])
def test_an_employer_registers_its_profile_pending_verification(ssm):
    employer = make_user(Role.EMPLOYER)

    profile = actions_manage.create_employer_profile(
        by=employer, fields={"ssm_number": ssm, "sector": "plantation"}
    )

    assert profile.organisation == employer.organisation
    assert profile.verification == Verification.PENDING
    assert profile.ssm_number == ssm.strip().upper()
    event = AuditEvent.objects.get(action="labour.employer.created")
    assert event.actor == employer
    assert event.object_id == str(profile.pk)


@pytest.mark.parametrize("ssm", ["12345", "201999012345", "2019010123456", "ABC-1"])
def test_a_malformed_ssm_number_is_refused(ssm):
    employer = make_user(Role.EMPLOYER)
    with pytest.raises(ValidationError) as caught:
        actions_manage.create_employer_profile(
            by=employer, fields={"ssm_number": ssm, "sector": "plantation"}
        )
    assert "ssm_number" in caught.value.message_dict
    assert not EmployerProfile.objects.exists()


def test_an_organisation_has_one_profile():
    employer = make_user(Role.EMPLOYER)
    fields = {"ssm_number": "201901012345", "sector": "plantation"}
    actions_manage.create_employer_profile(by=employer, fields=fields)
    with pytest.raises(ConflictError):
        actions_manage.create_employer_profile(
            by=employer, fields={**fields, "ssm_number": "201901054321"}
        )


def test_an_agency_must_say_until_when_its_licence_is_valid():
    agency = make_user(Role.AGENCY)
    with pytest.raises(ValidationError) as caught:
        actions_manage.create_agency_profile(
            by=agency, fields={"licence_number": "B.123/2024"}
        )
    assert "valid_until" in caught.value.message_dict
    profile = actions_manage.create_agency_profile(
        by=agency,
        fields={"licence_number": "b.123/2024", "valid_until": dt.date(2029, 1, 1)},
    )
    assert profile.licence_number == "B.123/2024"


@pytest.mark.parametrize("role", [Role.AGENCY, Role.OFFICER, Role.LABOUR_ATTACHE])
def test_only_an_employer_member_registers_an_employer_profile(role):
    with pytest.raises(PermissionDenied):
        actions_manage.create_employer_profile(
            by=make_user(role),
            fields={"ssm_number": "201901012345", "sector": "plantation"},
        )


def test_correcting_a_verified_profile_sends_it_back_for_verification():
    employer = make_user(Role.EMPLOYER)
    profile = EmployerProfileFactory(organisation=employer.organisation)
    assert profile.verification == Verification.VERIFIED

    same = actions_manage.update_employer_profile(
        by=employer, profile=profile, fields={"sector": profile.sector}
    )
    assert same.verification == Verification.VERIFIED  # nothing changed, nothing reset

    changed = actions_manage.update_employer_profile(
        by=employer, profile=profile, fields={"approval_reference": "JTKSM-NEW"}
    )
    assert changed.verification == Verification.PENDING
    assert changed.verified_by is None
    event = AuditEvent.objects.get(action="labour.employer.updated")
    assert event.fields == ["approval_reference", "verification"]


def test_another_employer_cannot_correct_a_profile():
    profile = EmployerProfileFactory()
    with pytest.raises(PermissionDenied):
        actions_manage.update_employer_profile(
            by=make_user(Role.EMPLOYER), profile=profile, fields={"sector": "mining"}
        )


# --- Actions: job-order documents -------------------------------------------------------------


def test_the_submitting_organisation_attaches_a_document_stored_privately():
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)

    document = actions_manage.attach_job_order_document(
        by=agency, job_order=order, kind="demand_letter", upload=pdf("x.bin")
    )

    assert document.file.name.startswith("private/labour/job-orders/")
    assert document.file.name.endswith(".pdf")
    assert document.uploaded_by == agency
    event = AuditEvent.objects.get(action="labour.job_order_document.attached")
    assert event.object_id == str(document.pk)
    assert event.organisation == agency.organisation


def test_a_renamed_executable_is_refused():
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    with pytest.raises(ValidationError) as caught:
        actions_manage.attach_job_order_document(
            by=agency,
            job_order=order,
            kind="demand_letter",
            upload=pdf("letter.pdf", EXECUTABLE),
        )
    assert "file" in caught.value.message_dict
    assert not JobOrderDocument.objects.exists()


def test_an_oversized_document_is_too_large(settings):
    settings.SERUMPUN_MAX_UPLOAD_BYTES = 1000
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    with pytest.raises(UploadTooLarge):
        actions_manage.attach_job_order_document(
            by=agency,
            job_order=order,
            kind="demand_letter",
            upload=pdf(data=PDF + b"\x00" * 1000),
        )
    assert not JobOrderDocument.objects.exists()


def test_the_named_employer_and_the_attache_do_not_attach_documents():
    employer = EmployerProfileFactory()
    order = JobOrderFactory(employer_profile=employer)
    named = make_user(Role.EMPLOYER, employer.organisation)
    for user in (named, make_user(Role.LABOUR_ATTACHE)):
        with pytest.raises(PermissionDenied):
            actions_manage.attach_job_order_document(
                by=user, job_order=order, kind="demand_letter", upload=pdf()
            )


def test_a_rejected_order_takes_no_more_documents():
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(
        organisation=agency.organisation, status=JobOrder.Status.REJECTED
    )
    with pytest.raises(ConflictError):
        actions_manage.attach_job_order_document(
            by=agency, job_order=order, kind="demand_letter", upload=pdf()
        )


# --- Actions: seekers' document status --------------------------------------------------------


def test_an_officer_verifies_a_document_and_the_seeker_is_told():
    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory(user=make_user(Role.SEEKER))
    kind = stage_kinds(1)[0]

    document = actions_manage.set_seeker_document_status(
        by=officer, seeker=seeker, kind=kind, status="verified"
    )

    assert document.status == SeekerDocument.Status.VERIFIED
    assert document.verified_by == officer
    event = AuditEvent.objects.get(action="labour.seeker_document.verified")
    assert event.object_id == str(document.pk)
    assert event.purpose == kind
    assert Notification.objects.filter(
        recipient=seeker.user, kind="labour.seeker_document.verified"
    ).exists()


def test_the_document_stage_follows_the_verified_documents():
    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory()
    for kind in stage_kinds(1):
        actions_manage.set_seeker_document_status(
            by=officer, seeker=seeker, kind=kind, status="verified"
        )
    verified = set(
        seeker.documents.filter(status="verified").values_list("kind", flat=True)
    )
    assert document_stage(verified) == 1

    actions_manage.set_seeker_document_status(
        by=officer, seeker=seeker, kind=stage_kinds(1)[0], status="submitted"
    )
    verified = set(
        seeker.documents.filter(status="verified").values_list("kind", flat=True)
    )
    assert document_stage(verified) == 0
    assert seeker.documents.get(kind=stage_kinds(1)[0]).verified_by is None


def test_the_case_officer_may_set_a_status_without_managing_every_seeker():
    attache = make_user(Role.LABOUR_ATTACHE)
    seeker = SeekerFactory(case_officer=attache)
    actions_manage.set_seeker_document_status(
        by=attache, seeker=seeker, kind="passport", status="submitted"
    )
    assert seeker.documents.get(kind="passport").status == "submitted"


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.SEEKER, Role.AGENCY])
def test_others_may_not_set_a_document_status(role):
    seeker = SeekerFactory()
    with pytest.raises(PermissionDenied):
        actions_manage.set_seeker_document_status(
            by=make_user(role), seeker=seeker, kind="passport", status="verified"
        )
    assert not audit_actions()


def test_an_unknown_kind_or_status_is_refused_and_no_change_writes_nothing():
    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory()
    with pytest.raises(ValidationError):
        actions_manage.set_seeker_document_status(
            by=officer, seeker=seeker, kind="tax_return", status="verified"
        )
    with pytest.raises(ValidationError):
        actions_manage.set_seeker_document_status(
            by=officer, seeker=seeker, kind="passport", status="lost"
        )
    actions_manage.set_seeker_document_status(
        by=officer, seeker=seeker, kind="passport", status="missing"
    )
    assert not audit_actions()


# --- Actions: training catalogue --------------------------------------------------------------


def _skill(code="palm_harvesting"):
    return Skill.objects.get_or_create(
        code=code,
        defaults={"name_id": "Panen", "name_en": "Harvesting", "name_ms": "Tuai"},
    )[0]


def course_fields(**overrides):
    fields = {
        "title": "Panen Sawit",
        "provider": "UPTD BLK Lampung Timur",
        "regency": regency("1804"),
        "duration_days": 10,
        "cost_idr": 0,
        "certificate_scheme": "",
        "source": "BLK letter 2026",
        "confidence": "high",
        "skills": [_skill()],
    }
    fields.update(overrides)
    return fields


def test_an_officer_adds_and_edits_a_course():
    officer = make_user(Role.OFFICER)

    course = actions_manage.save_training_course(by=officer, fields=course_fields())
    same_title = actions_manage.save_training_course(by=officer, fields=course_fields())

    assert course.code == "course-panen-sawit"
    assert same_title.code == "course-panen-sawit-2"
    assert list(course.skills.values_list("code", flat=True)) == ["palm_harvesting"]
    created = AuditEvent.objects.get(
        action="labour.training_course.created", object_id=str(course.pk)
    )
    assert "skills" in created.fields

    actions_manage.save_training_course(
        by=officer, course=course, fields=course_fields(duration_days=12)
    )
    course.refresh_from_db()
    assert course.duration_days == 12
    updated = AuditEvent.objects.get(action="labour.training_course.updated")
    assert updated.fields == ["duration_days"]


@pytest.mark.parametrize(
    "role", [Role.LABOUR_ATTACHE, Role.SEEKER, Role.EMPLOYER, Role.AGENCY]
)
def test_only_officers_keep_the_catalogue(role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        actions_manage.save_training_course(by=user, fields=course_fields())
    course = TrainingCourse.objects.create(
        code="c1", title="C", provider="P", duration_days=1
    )
    with pytest.raises(PermissionDenied):
        actions_manage.set_course_active(by=user, course=course, active=False)


def test_a_withdrawn_course_is_kept_but_inactive():
    officer = make_user(Role.OFFICER)
    course = actions_manage.save_training_course(by=officer, fields=course_fields())
    actions_manage.set_course_active(by=officer, course=course, active=False)
    course.refresh_from_db()
    assert course.active is False
    assert "labour.training_course.deactivated" in audit_actions()


# --- Pages: verification flow -----------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_verification_through_the_pages(client):
    employer = signed_in(client, Role.EMPLOYER)
    response = client.post(
        MY_PROFILE, {"ssm_number": "2019 0101 2345", "sector": "plantation"}
    )
    assert response.status_code == 302
    profile = EmployerProfile.objects.get(organisation=employer.organisation)
    assert profile.ssm_number == "201901012345"

    attache = signed_in(client, Role.LABOUR_ATTACHE)
    listing = client.get(PROFILES, {"kind": "employer", "verification": "pending"})
    assert f'data-profile="{profile.pk}"'.encode() in listing.content
    decide = reverse("labour:profile_decide", args=["employer", profile.pk])

    without_reason = client.post(decide, {"decision": "rejected", "reason": ""})
    assert without_reason.status_code == 422
    profile.refresh_from_db()
    assert profile.verification == Verification.PENDING

    rejected = client.post(
        decide, {"decision": "rejected", "reason": "The s.60K approval is missing."}
    )
    assert rejected.status_code == 302
    profile.refresh_from_db()
    assert profile.verification == Verification.REJECTED
    assert profile.verified_by == attache

    client.force_login(employer)
    page = client.get(MY_PROFILE)
    assert b"The s.60K approval is missing." in page.content
    assert b"rejected" in page.content

    client.force_login(attache)
    assert client.post(decide, {"decision": "verified"}).status_code == 302
    profile.refresh_from_db()
    assert profile.verification == Verification.VERIFIED
    assert {"labour.employer.rejected", "labour.employer.verified"} <= audit_actions()


def test_an_agency_registers_through_its_page(client):
    agency = signed_in(client, Role.AGENCY)
    assert client.get(MY_PROFILE).status_code == 200
    response = client.post(
        MY_PROFILE, {"licence_number": "B.77/2025", "valid_until": "2029-06-30"}
    )
    assert response.status_code == 302
    assert AgencyProfile.objects.get(organisation=agency.organisation).valid_until == (
        dt.date(2029, 6, 30)
    )


def test_a_bad_registration_is_answered_422(client):
    signed_in(client, Role.EMPLOYER)
    response = client.post(MY_PROFILE, {"ssm_number": "12", "sector": "plantation"})
    assert response.status_code == 422
    assert not EmployerProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.SEEKER, Role.OFFICER, Role.BUYER])
def test_my_organisation_is_for_employers_and_agencies(client, role):
    signed_in(client, role)
    assert client.get(MY_PROFILE).status_code == 403


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.SEEKER])
def test_only_verifiers_reach_the_profiles(client, role):
    profile = EmployerProfileFactory(verification=Verification.PENDING)
    signed_in(client, role)
    assert client.get(PROFILES).status_code == 403
    detail = reverse("labour:profile_detail", args=["employer", profile.pk])
    assert client.get(detail).status_code == 403
    decide = reverse("labour:profile_decide", args=["employer", profile.pk])
    assert client.post(decide, {"decision": "verified"}).status_code == 403
    profile.refresh_from_db()
    assert profile.verification == Verification.PENDING


def test_an_unknown_profile_kind_or_id_is_not_found(client):
    signed_in(client, Role.OFFICER)
    profile = AgencyProfileFactory()
    assert (
        client.get(
            reverse("labour:profile_detail", args=["buyer", profile.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("labour:profile_detail", args=["employer", profile.pk + 999])
        ).status_code
        == 404
    )


def test_the_filter_keeps_to_the_state_asked_for(client):
    pending = AgencyProfileFactory(verification=Verification.PENDING)
    verified = AgencyProfileFactory(verification=Verification.VERIFIED)
    signed_in(client, Role.OFFICER)
    response = client.get(
        PROFILES, {"kind": "agency", "verification": "verified"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert f'data-profile="{verified.pk}"'.encode() in response.content
    assert f'data-profile="{pending.pk}"'.encode() not in response.content


def test_the_profile_list_costs_the_same_queries_for_2_or_12(
    client, django_assert_num_queries
):
    EmployerProfileFactory.create_batch(2)
    signed_in(client, Role.LABOUR_ATTACHE)
    client.get(PROFILES)  # warm the session
    # session, user, memberships, count, page (organisation and state joined)
    with django_assert_num_queries(5):
        client.get(PROFILES)
    EmployerProfileFactory.create_batch(10)
    with django_assert_num_queries(5):
        response = client.get(PROFILES)
    assert response.content.count(b"data-profile=") == 12


# --- Pages: job-order documents ---------------------------------------------------------------


def add_url(order):
    return reverse("labour:job_order_document_add", args=[order.pk])


def test_the_owner_uploads_and_downloads_a_document(client):
    agency = signed_in(client, Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    detail = client.get(reverse("labour:job_order_detail", args=[order.pk]))
    assert add_url(order).encode() in detail.content

    response = client.post(
        add_url(order), {"kind": "sip2mi_quota", "file": pdf("quota.PDF")}
    )

    assert response.status_code == 302
    document = JobOrderDocument.objects.get(job_order=order)
    assert document.kind == "sip2mi_quota"
    assert Path(document.file.path).read_bytes() == PDF
    download = client.get(reverse("labour:job_order_document", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_renamed_executable_is_refused_on_the_page(client):
    agency = signed_in(client, Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    response = client.post(
        add_url(order),
        {"kind": "demand_letter", "file": pdf("letter.pdf", EXECUTABLE)},
    )
    assert response.status_code == 422
    assert not JobOrderDocument.objects.exists()


def test_an_oversized_upload_is_answered_413(client, settings):
    settings.SERUMPUN_MAX_UPLOAD_BYTES = 1000
    agency = signed_in(client, Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    response = client.post(
        add_url(order), {"kind": "demand_letter", "file": pdf(data=PDF * 100)}
    )
    assert response.status_code == 413
    assert not JobOrderDocument.objects.exists()


def test_the_attache_reads_documents_but_sees_no_upload_form(client):
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation)
    document = actions_manage.attach_job_order_document(
        by=agency, job_order=order, kind="demand_letter", upload=pdf()
    )
    signed_in(client, Role.LABOUR_ATTACHE)
    detail = client.get(reverse("labour:job_order_detail", args=[order.pk]))
    assert add_url(order).encode() not in detail.content
    assert client.get(add_url(order)).status_code == 403
    url = reverse("labour:job_order_document", args=[document.pk])
    assert client.get(url).status_code == 200


def test_a_seeker_never_downloads_an_order_document(client):
    agency = make_user(Role.AGENCY)
    order = JobOrderFactory(organisation=agency.organisation, endorsed=True)
    document = actions_manage.attach_job_order_document(
        by=agency, job_order=order, kind="demand_letter", upload=pdf()
    )
    signed_in(client, Role.SEEKER)
    detail = client.get(reverse("labour:job_order_detail", args=[order.pk]))
    assert detail.status_code == 200
    assert b'id="documents"' not in detail.content
    url = reverse("labour:job_order_document", args=[document.pk])
    assert client.get(url).status_code == 404


def _owned_document(org):
    order = JobOrderFactory(organisation=org)
    return JobOrderDocument.objects.create(
        job_order=order, kind="demand_letter", file="private/labour/job-orders/x.pdf"
    )


def download_url(document):
    return reverse("labour:job_order_document", args=[document.pk])


DOCUMENT_UPLOAD = AccessCase(
    name="job-order-document-add",
    make_owned=lambda org: JobOrderFactory(organisation=org),
    url_for=add_url,
)


@pytest.mark.parametrize(
    ("role", "case"), access_matrix([DOCUMENT_UPLOAD], ["employer", "agency"])
)
def test_another_organisations_upload_page_is_not_found(client, role, case):
    check_foreign_404(client, role, case)


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY])
def test_another_organisations_document_is_not_found(client, role):
    user = signed_in(client, role)
    own_order = JobOrderFactory(organisation=user.organisation)
    own = actions_manage.attach_job_order_document(
        by=user, job_order=own_order, kind="demand_letter", upload=pdf()
    )
    foreign = _owned_document(make_user(role).organisation)
    assert client.get(download_url(own)).status_code == 200
    assert client.get(download_url(foreign)).status_code == 404


def test_documents_need_a_signed_in_user(client):
    document = _owned_document(make_user(Role.AGENCY).organisation)
    response = client.get(reverse("labour:job_order_document", args=[document.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Pages: seekers' document status ----------------------------------------------------------


def status_url(seeker, kind="passport"):
    return reverse("labour:seeker_document_status", args=[seeker.pk, kind])


def test_an_officer_sets_a_status_with_htmx(client):
    seeker = SeekerFactory()
    signed_in(client, Role.OFFICER)
    page = client.get(reverse("labour:seeker_detail", args=[seeker.pk]))
    assert status_url(seeker).encode() in page.content

    response = client.post(
        status_url(seeker), {"status": "verified"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert b'id="seeker-documents"' in response.content
    assert b"<html" not in response.content
    assert seeker.documents.get(kind="passport").status == "verified"
    assert "labour.seeker_document.verified" in audit_actions()


def test_without_htmx_the_status_form_redirects_to_the_profile(client):
    seeker = SeekerFactory()
    signed_in(client, Role.OFFICER)
    response = client.post(status_url(seeker), {"status": "submitted"})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("labour:seeker_detail", args=[seeker.pk])
    )
    assert seeker.documents.get(kind="passport").status == "submitted"


def test_a_bad_status_is_answered_422(client):
    seeker = SeekerFactory()
    signed_in(client, Role.OFFICER)
    response = client.post(status_url(seeker), {"status": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    response = client.post(
        status_url(seeker, "tax_return"), {"status": "verified"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert not audit_actions() - {"personal_data.read"}


def test_the_attache_sees_no_status_form_and_may_not_post_one(client):
    seeker = SeekerFactory()
    signed_in(client, Role.LABOUR_ATTACHE)
    page = client.get(reverse("labour:seeker_detail", args=[seeker.pk]))
    assert page.status_code == 200
    assert status_url(seeker).encode() not in page.content
    assert client.post(status_url(seeker), {"status": "verified"}).status_code == 403
    assert seeker.documents.get(kind="passport").status == "missing"


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY])
def test_a_seeker_is_not_found_for_employers_and_agencies(client, role):
    seeker = SeekerFactory()
    signed_in(client, role)
    assert client.post(status_url(seeker), {"status": "verified"}).status_code == 404


# --- Pages: training catalogue ----------------------------------------------------------------


def test_everyone_signed_in_reads_the_catalogue_but_only_active_courses(client):
    shown = TrainingCourse.objects.create(
        code="a", title="Las SMAW", provider="BLK", duration_days=30
    )
    hidden = TrainingCourse.objects.create(
        code="b", title="Old", provider="BLK", duration_days=5, active=False
    )
    signed_in(client, Role.SEEKER)
    response = client.get(TRAINING, {"inactive": "on"})
    assert response.status_code == 200
    assert f'data-course="{shown.pk}"'.encode() in response.content
    assert f'data-course="{hidden.pk}"'.encode() not in response.content
    assert TRAINING_NEW.encode() not in response.content


def test_officers_see_withdrawn_courses_when_they_ask(client):
    hidden = TrainingCourse.objects.create(
        code="b", title="Old", provider="BLK", duration_days=5, active=False
    )
    signed_in(client, Role.OFFICER)
    assert f'data-course="{hidden.pk}"'.encode() not in client.get(TRAINING).content
    response = client.get(TRAINING, {"inactive": "on"})
    assert f'data-course="{hidden.pk}"'.encode() in response.content
    assert TRAINING_NEW.encode() in response.content


def test_the_catalogue_needs_a_signed_in_user(client):
    assert client.get(TRAINING).status_code == 302


def test_an_officer_adds_a_course_through_the_page(client):
    skill = _skill()
    place = regency("1804")
    signed_in(client, Role.OFFICER)
    response = client.post(
        TRAINING_NEW,
        {
            "title": "Panen Sawit",
            "provider": "BLK Lampung Timur",
            "regency": place.pk,
            "duration_days": "10",
            "cost_idr": "0",
            "skills": [skill.pk],
            "certificate_scheme": "",
            "source": "BLK letter",
            "confidence": "high",
        },
    )
    assert response.status_code == 302
    course = TrainingCourse.objects.get(title="Panen Sawit")
    assert list(course.skills.all()) == [skill]

    edit = reverse("labour:training_edit", args=[course.pk])
    bad = client.post(edit, {"title": "", "duration_days": "0"})
    assert bad.status_code == 422
    withdraw = reverse("labour:training_active", args=[course.pk])
    assert client.post(withdraw, {"active": "0"}).status_code == 302
    course.refresh_from_db()
    assert course.active is False


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.SEEKER, Role.EMPLOYER])
def test_only_officers_reach_the_course_forms(client, role):
    course = TrainingCourse.objects.create(
        code="a", title="Las", provider="BLK", duration_days=30
    )
    signed_in(client, role)
    assert client.get(TRAINING_NEW).status_code == 403
    edit = reverse("labour:training_edit", args=[course.pk])
    assert client.post(edit, {"title": "Changed"}).status_code == 403
    withdraw = reverse("labour:training_active", args=[course.pk])
    assert client.post(withdraw, {"active": "0"}).status_code == 403
    course.refresh_from_db()
    assert (course.title, course.active) == ("Las", True)


def test_the_catalogue_costs_the_same_queries_for_2_or_12_courses(
    client, django_assert_num_queries
):
    skill = _skill()

    def make(n):
        for i in range(n):
            course = TrainingCourse.objects.create(
                code=f"c{timezone.now().timestamp()}-{i}",
                title=f"Zeta course {i}",
                provider="BLK",
                duration_days=5,
                regency=regency("1804"),
            )
            course.skills.add(skill)

    make(2)
    signed_in(client, Role.SEEKER)
    search = {"q": "Zeta"}  # the reference catalogue is loaded too
    client.get(TRAINING, search)  # warm the session
    # session, user, memberships, regencies (filter), count, page, skills
    with django_assert_num_queries(7):
        client.get(TRAINING, search)
    make(10)
    with django_assert_num_queries(7):
        response = client.get(TRAINING, search)
    assert response.content.count(b"data-course=") == 12
