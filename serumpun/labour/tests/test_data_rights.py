"""Data-subject rights (UU 27/2022; SEC-11): export, correction, withdrawal, erasure."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.crypto import blind_index
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour import actions_data_rights as data_rights
from serumpun.labour import actions_pipeline as actions
from serumpun.labour.models import Grievance, Offer, Seeker, SeekerSkill, Skill
from serumpun.labour.models_pipeline import DataRequest, GrievanceResponse
from serumpun.labour.tests.factories import JobOrderFactory, occupation
from serumpun.labour.tests.pipeline_builders import (
    make_placement,
    seeker_with_account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _occupations():
    occupation("9211")


def _rich_seeker():
    user, seeker = seeker_with_account(full_name="Siti Aminah")
    skill = Skill.objects.create(
        code="palm_harvest", name_id="Panen", name_en="Harvest", name_ms="Tuai"
    )
    SeekerSkill.objects.create(seeker=seeker, skill=skill, level=0.8)
    placement = make_placement(seeker=seeker, stage="selected", title="Pemanen sawit")
    actions.record_contract(
        by=make_user(Role.OFFICER),
        placement=placement,
        kind="signed",
        basic_wage_myr="1800",
    )
    grievance = actions.file_grievance(
        by=user,
        fields={"category": "excess_costs", "description": "Diminta bayar RM 3.000."},
    )
    actions.respond_grievance(
        by=make_user(Role.LABOUR_ATTACHE),
        grievance=grievance,
        text="Kami periksa agensi.",
    )
    return user, seeker, placement, grievance


# --- export -----------------------------------------------------------------------------------


def test_the_export_holds_everything_about_the_seeker_and_nothing_about_others():
    user, seeker, placement, _grievance = _rich_seeker()
    other_user, other = seeker_with_account(full_name="Orang Lain")
    actions.file_grievance(
        by=other_user,
        fields={"category": "other", "description": "Rahasia orang lain."},
    )

    data = data_rights.export_my_data(by=user)

    assert data["profile"]["full_name"] == "Siti Aminah"
    assert data["profile"]["nik"] == seeker.nik  # their own data, unmasked
    assert data["profile"]["phone"] == seeker.phone
    assert data["skills"] == [{"code": "palm_harvest", "level": 0.8}]
    assert [p["id"] for p in data["placements"]] == [placement.pk]
    assert data["placements"][0]["contract_records"][0]["basic_wage_myr"] == "1800.00"
    assert data["grievances"][0]["description"] == "Diminta bayar RM 3.000."
    assert data["grievances"][0]["responses"][0]["text"] == "Kami periksa agensi."
    text = json.dumps(data)
    assert (
        "Orang Lain" not in text
        and "Rahasia orang lain" not in text
        and other.nik not in text
    )
    row = AuditEvent.objects.get(action="labour.seeker.data_exported")
    assert row.object_id == str(seeker.pk) and "profile" in row.fields
    assert DataRequest.objects.filter(
        seeker=seeker, kind="export", status="done"
    ).exists()


def test_the_export_shows_who_read_the_profile_by_role():
    user, seeker = seeker_with_account()
    officer = make_user(Role.OFFICER)
    AuditEvent.objects.create(
        actor=officer,
        actor_role="officer",
        kind=AuditEvent.Kind.PERSONAL_DATA_READ,
        action="personal_data.read",
        object_type="labour.seeker",
        object_id=str(seeker.pk),
        fields=["nik"],
    )
    log = data_rights.export_my_data(by=user)["access_log"]
    assert {"role": "officer", "fields": ["nik"]}.items() <= log[0].items()
    assert "actor" not in log[0]


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.LABOUR_ATTACHE])
def test_nobody_else_exports_a_seekers_data(role):
    _, seeker = seeker_with_account()
    with pytest.raises(PermissionDenied):
        data_rights.export_my_data(by=make_user(role), seeker=seeker)


# --- correction and consent --------------------------------------------------------------------


def test_a_seeker_corrects_their_phone_and_asks_an_officer_for_the_rest():
    user, seeker = seeker_with_account()
    request = data_rights.correct_my_data(
        by=user,
        seeker=seeker,
        fields={"phone": "+6281111111111", "nik": "ignored"},
        note="Tanggal lahir salah.",
    )
    seeker.refresh_from_db()
    assert seeker.phone == "+6281111111111"
    assert request.status == "pending" and request.fields == ["phone"]
    assert AuditEvent.objects.filter(
        action="labour.seeker.correction_requested"
    ).exists()
    assert AuditEvent.objects.filter(action="labour.seeker.updated").exists()


def test_an_empty_correction_is_refused():
    user, seeker = seeker_with_account()
    with pytest.raises(ValidationError):
        data_rights.correct_my_data(by=user, seeker=seeker, fields={})


def test_withdrawing_consent_stops_matching_and_withdraws_offers():
    user, seeker = seeker_with_account()
    Offer.objects.create(
        seeker=seeker, job_order=JobOrderFactory(endorsed=True), score=0.7
    )

    data_rights.withdraw_consent(by=user, seeker=seeker)

    seeker.refresh_from_db()
    assert seeker.consent_withdrawn_at is not None
    assert not Seeker.objects.active().filter(pk=seeker.pk).exists()
    assert Offer.objects.get(seeker=seeker).status == "withdrawn"
    assert AuditEvent.objects.filter(
        action="labour.seeker.consent_withdrawn", object_id=str(seeker.pk)
    ).exists()
    with pytest.raises(ConflictError):
        data_rights.withdraw_consent(by=user, seeker=seeker)


# --- erasure -----------------------------------------------------------------------------------


def test_erasure_keeps_aggregates_and_removes_identity():
    user, seeker, placement, grievance = _rich_seeker()
    before = Seeker.objects.get(pk=seeker.pk)
    old_nik = before.nik

    request = data_rights.request_erasure(by=user, seeker=seeker, confirm=True)

    assert request.status == "done"
    after = Seeker.objects.get(pk=seeker.pk)
    # identity gone
    assert (
        after.full_name,
        after.nik,
        after.phone,
        after.address,
        after.nik_last4,
    ) == ("", "", "", "", "")
    assert after.user is None and after.anonymised_at is not None
    assert not Seeker.objects.filter(nik_hash=blind_index(old_nik)).exists()
    assert after.birth_date.month == 1 and after.birth_date.day == 1
    assert Grievance.objects.get(pk=grievance.pk).description == ""
    assert GrievanceResponse.objects.get(grievance=grievance).text is None
    # aggregates kept
    assert after.regency_id == before.regency_id
    assert after.gender == before.gender
    assert after.birth_date.year == before.birth_date.year
    assert after.stage == before.stage
    assert Grievance.objects.get(pk=grievance.pk).category == "excess_costs"
    placement.refresh_from_db()
    assert placement.stage == "selected" and placement.job_order.sector == "plantation"
    # the account is closed and the step audited
    user.refresh_from_db()
    assert not user.is_active and user.full_name == "" and "erased" in user.email
    row = AuditEvent.objects.get(action="labour.seeker.anonymised")
    assert "nik" in row.fields and row.actor_id == user.pk


def test_erasure_needs_confirmation():
    user, seeker = seeker_with_account()
    with pytest.raises(ValidationError):
        data_rights.request_erasure(by=user, seeker=seeker, confirm=False)
    assert Seeker.objects.get(pk=seeker.pk).anonymised_at is None


def test_erasure_waits_while_the_worker_is_abroad():
    user, seeker = seeker_with_account()
    make_placement(seeker=seeker, stage="working")
    attache = make_user(Role.LABOUR_ATTACHE)

    request = data_rights.request_erasure(by=user, seeker=seeker, confirm=True)

    assert request.status == "pending"
    assert Seeker.objects.get(pk=seeker.pk).anonymised_at is None
    assert Notification.objects.filter(
        recipient=attache, kind="labour.data_request"
    ).exists()


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_my_data_page_downloads_json(client):
    user, _seeker = seeker_with_account(full_name="Siti Aminah")
    client.force_login(user)
    assert "Download my data" in client.get(reverse("labour:my_data")).content.decode()
    response = client.post(reverse("labour:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["profile"]["full_name"] == "Siti Aminah"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.EMPLOYER, Role.LABOUR_ATTACHE])
def test_my_data_is_only_for_seekers(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("labour:my_data")).status_code == 404


def test_erasure_from_the_page_needs_the_tick(client):
    user, seeker = seeker_with_account()
    client.force_login(user)
    assert client.post(reverse("labour:my_data_erase"), {}).status_code == 422
    assert Seeker.objects.get(pk=seeker.pk).anonymised_at is None


def test_erasure_from_the_page_signs_the_seeker_out(client):
    user, seeker = seeker_with_account()
    client.force_login(user)
    response = client.post(reverse("labour:my_data_erase"), {"erase-confirm": "on"})
    assert response.status_code == 200
    assert Seeker.objects.get(pk=seeker.pk).anonymised_at is not None
    assert client.get(reverse("labour:my_data")).status_code == 302  # signed out


def test_withdrawal_from_the_page(client):
    user, seeker = seeker_with_account()
    client.force_login(user)
    response = client.post(
        reverse("labour:my_data_withdraw"), {"withdraw-confirm": "on"}
    )
    assert response.status_code == 302
    assert Seeker.objects.get(pk=seeker.pk).consent_withdrawn_at is not None
