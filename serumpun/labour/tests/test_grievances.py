"""Grievances: filing (worker or officer on their behalf), answers, closing, confidentiality."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour import actions_pipeline as actions
from serumpun.labour.models import Grievance
from serumpun.labour.tests.factories import SeekerFactory, occupation
from serumpun.labour.tests.pipeline_builders import (
    make_placement,
    seeker_with_account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _occupations():
    occupation("9211")


@pytest.fixture
def attache():
    return make_user(Role.LABOUR_ATTACHE)


def file(by, **fields):
    return actions.file_grievance(
        by=by,
        fields={
            "category": "unpaid_wages",
            "description": "Gaji dua bulan belum dibayar.",
            **fields,
        },
    )


def test_a_worker_files_a_grievance_about_their_placement(attache):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="working")
    case_officer = make_user(Role.OFFICER)
    seeker.case_officer = case_officer
    seeker.save()
    bystander_officer = make_user(Role.OFFICER)
    employer = make_user(Role.EMPLOYER, placement.job_order.organisation)

    grievance = file(user, placement=placement)

    assert grievance.seeker == seeker and grievance.placement == placement
    assert grievance.status == "open" and grievance.organisation is None
    assert AuditEvent.objects.filter(
        action="labour.grievance.filed", object_id=str(grievance.pk)
    ).exists()
    notified = set(
        Notification.objects.filter(kind="labour.grievance").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {attache.pk, case_officer.pk}
    assert bystander_officer.pk not in notified and employer.pk not in notified
    # the notification carries no complaint text
    assert (
        "Gaji"
        not in Notification.objects.filter(kind="labour.grievance").first().subject
    )


def test_an_officer_files_for_a_worker_without_an_account():
    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory()
    grievance = file(officer, seeker=seeker, category="passport_held")
    assert grievance.seeker == seeker
    assert grievance.organisation == officer.organisation


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.BUYER])
def test_employers_and_agencies_cannot_file(role):
    with pytest.raises(PermissionDenied):
        file(make_user(role))


def test_a_worker_cannot_attach_someone_elses_placement():
    user, _ = seeker_with_account()
    other = make_placement(stage="working")
    with pytest.raises(ValidationError) as caught:
        file(user, placement=other)
    assert "placement" in caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"category": "gossip"}, "category"), ({"description": "  "}, "description")],
)
def test_incomplete_grievances_are_refused(fields, field):
    user, _ = seeker_with_account()
    with pytest.raises(ValidationError) as caught:
        file(user, **fields)
    assert field in caught.value.message_dict


def test_the_first_answer_starts_the_clock_and_tells_the_worker(attache):
    user, _ = seeker_with_account()
    grievance = file(user)

    actions.respond_grievance(
        by=attache, grievance=grievance, text="Kami hubungi majikan."
    )
    first = Grievance.objects.get(pk=grievance.pk).first_response_at
    actions.respond_grievance(
        by=make_user(Role.OFFICER), grievance=grievance, text="Update."
    )

    grievance.refresh_from_db()
    assert grievance.status == "in_progress"
    assert grievance.first_response_at == first
    assert grievance.responses.count() == 2
    assert (
        Notification.objects.filter(recipient=user, kind="labour.grievance").count()
        == 2
    )


def test_only_handlers_answer_and_close():
    user, _ = seeker_with_account()
    grievance = file(user)
    for role in (Role.SEEKER, Role.EMPLOYER, Role.AGENCY):
        with pytest.raises(PermissionDenied):
            actions.respond_grievance(by=make_user(role), grievance=grievance, text="x")
        with pytest.raises(PermissionDenied):
            actions.close_grievance(
                by=make_user(role), grievance=grievance, resolved=True
            )


def test_closing_resolves_once(attache):
    user, _ = seeker_with_account()
    grievance = file(user)
    actions.close_grievance(
        by=attache, grievance=grievance, resolved=True, note="Gaji sudah dibayar."
    )
    grievance.refresh_from_db()
    assert grievance.status == "resolved" and grievance.resolved_at is not None
    assert grievance.first_response_at is not None
    with pytest.raises(ConflictError):
        actions.close_grievance(by=attache, grievance=grievance, resolved=False)
    with pytest.raises(ConflictError):
        actions.respond_grievance(
            by=attache, grievance=Grievance.objects.get(pk=grievance.pk), text="late"
        )


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_a_seeker_files_through_the_form_and_sees_only_their_own(client):
    user, _seeker = seeker_with_account()
    other_user, _ = seeker_with_account()
    foreign = file(other_user)
    client.force_login(user)

    response = client.post(
        reverse("labour:grievance_new"),
        {
            "category": "not_as_contracted",
            "description": "Pekerjaan berbeda dari kontrak.",
        },
    )
    own = Grievance.objects.get(filed_by=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("labour:grievance_detail", args=[own.pk])
    listing = client.get(reverse("labour:grievance_list"))
    assert f'data-grievance="{own.pk}"' in listing.content.decode()
    assert f'data-grievance="{foreign.pk}"' not in listing.content.decode()
    assert (
        client.get(reverse("labour:grievance_detail", args=[foreign.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY])
def test_employers_and_agencies_never_see_grievances_about_their_workers(client, role):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="working")
    grievance = file(user, placement=placement)
    client.force_login(make_user(role, placement.job_order.organisation))
    assert (
        client.get(reverse("labour:grievance_detail", args=[grievance.pk])).status_code
        == 404
    )
    assert client.get(reverse("labour:grievance_new")).status_code == 403


@pytest.mark.usefixtures("in_english")
def test_the_attache_sees_response_times_and_reading_is_audited(client, attache):
    user, _ = seeker_with_account()
    answered = file(user)
    actions.respond_grievance(by=attache, grievance=answered, text="ok")
    waiting = file(user)
    client.force_login(attache)

    page = client.get(reverse("labour:grievance_list")).content.decode()
    assert 'data-figure="unanswered">1<' in page
    assert "median days to the first answer" in page

    detail = client.get(reverse("labour:grievance_detail", args=[waiting.pk]))
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PERSONAL_DATA_READ,
        object_type="labour.grievance",
        object_id=str(waiting.pk),
        actor=attache,
    ).exists()


def test_the_attache_answers_through_the_page(client, attache):
    user, _ = seeker_with_account()
    grievance = file(user)
    client.force_login(attache)
    response = client.post(
        reverse("labour:grievance_respond", args=[grievance.pk]),
        {"text": "Sedang ditangani."},
    )
    assert response.status_code == 302
    grievance.refresh_from_db()
    assert grievance.status == "in_progress"
    client.force_login(user)
    assert (
        "Sedang ditangani."
        in client.get(
            reverse("labour:grievance_detail", args=[grievance.pk])
        ).content.decode()
    )


def test_an_officer_files_for_a_worker_by_nik(client):
    from serumpun.labour.tests.factories import make_nik

    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory()
    client.force_login(officer)
    response = client.post(
        reverse("labour:grievance_new"),
        {
            "nik": seeker.nik,
            "category": "lost_contact",
            "description": "Keluarga kehilangan kontak.",
        },
    )
    assert response.status_code == 302
    assert Grievance.objects.get().seeker == seeker
    unknown = make_nik("1804", seeker.birth_date, "male", serial=9999)
    response = client.post(
        reverse("labour:grievance_new"),
        {"nik": unknown, "category": "lost_contact", "description": "x"},
    )
    assert response.status_code == 422
