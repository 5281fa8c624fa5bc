"""Labour actions: job-order submission, compliance, review; seeker registration; NIK."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour import actions
from serumpun.labour.models import JobOrder, Seeker, SeekerDocument
from serumpun.labour.tests.factories import (
    AgencyProfileFactory,
    JobOrderFactory,
    SeekerFactory,
    fair_terms,
    load_skills_and_courses,
    make_nik,
    occupation,
    regency,
)

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1998, 5, 17)


@pytest.fixture
def agency_user():
    user = make_user(Role.AGENCY)
    AgencyProfileFactory(organisation=user.organisation)
    occupation("9211")
    occupation("8160")
    return user


@pytest.fixture
def attache():
    return make_user(Role.LABOUR_ATTACHE)


def seeker_fields(**overrides):
    regency("1804")
    fields = {
        "full_name": "Siti Aminah",
        "nik": make_nik("1804", BIRTH, "female"),
        "birth_date": BIRTH,
        "gender": "female",
        "regency_code": "1804",
        "phone": "+6281234567890",
        "education": "smk",
        "consent": True,
    }
    fields.update(overrides)
    return fields


# --- job orders -------------------------------------------------------------------------------


def test_a_fair_order_is_checked_and_passes(agency_user, attache):
    order = actions.submit_job_order(by=agency_user, fields=fair_terms())

    assert order.status == JobOrder.Status.CHECKED
    assert order.compliance_status in ("pass", "warn")
    assert order.compliance["violations"] == []
    assert order.rules_version
    assert order.agency_profile is not None
    assert AuditEvent.objects.filter(action="labour.job_order.submitted").count() == 1
    assert Notification.objects.filter(recipient=attache).count() == 1


def test_a_low_wage_manufacturing_order_is_stored_failing_with_my5(agency_user):
    order = actions.submit_job_order(
        by=agency_user,
        fields=fair_terms(
            sector="manufacturing",
            isco_code="8160",
            gender="female",
            basic_wage_myr=Decimal(1500),
        ),
    )

    assert JobOrder.objects.filter(pk=order.pk).exists()
    assert order.compliance_status == "fail"
    assert "MY-5" in [v["rule_id"] for v in order.compliance["violations"]]
    violation = next(
        v for v in order.compliance["violations"] if v["rule_id"] == "MY-5"
    )
    assert violation["source"]["url"]
    assert set(violation["messages"]) == {"id", "en", "ms"}


def test_worker_paid_costs_are_the_sum_of_worker_paid_items(agency_user):
    order = actions.submit_job_order(
        by=agency_user,
        fields=fair_terms(),
        costs=[
            {"item": "visa", "amount_myr": Decimal(300), "paid_by": "worker"},
            {"item": "medical", "amount_myr": Decimal("200.50"), "paid_by": "worker"},
            {"item": "levy", "amount_myr": Decimal(640), "paid_by": "employer"},
        ],
    )

    assert order.worker_paid_costs_myr == Decimal("500.50")
    assert order.costs.count() == 3
    assert order.compliance_status == "fail"


def test_an_unknown_occupation_is_a_validation_error(agency_user):
    with pytest.raises(ValidationError) as caught:
        actions.submit_job_order(by=agency_user, fields=fair_terms(isco_code="0000"))
    assert "isco_code" in caught.value.message_dict


def test_a_seeker_may_not_submit_job_orders():
    with pytest.raises(PermissionDenied):
        actions.submit_job_order(by=make_user(Role.SEEKER), fields=fair_terms())


def test_the_attache_endorses_a_passing_order(attache):
    order = JobOrderFactory()

    actions.endorse_job_order(by=attache, job_order=order, note="ok")

    order.refresh_from_db()
    assert order.status == JobOrder.Status.ENDORSED
    assert order.reviewed_by == attache
    assert AuditEvent.objects.filter(
        action="labour.job_order.endorsed", object_id=str(order.pk)
    ).exists()


def test_a_failing_order_cannot_be_endorsed(attache):
    order = JobOrderFactory(compliance_status="fail")

    with pytest.raises(actions.ConflictError):
        actions.endorse_job_order(by=attache, job_order=order)
    order.refresh_from_db()
    assert order.status == JobOrder.Status.CHECKED


def test_only_the_attache_endorses():
    order = JobOrderFactory()
    with pytest.raises(PermissionDenied):
        actions.endorse_job_order(by=make_user(Role.OFFICER), job_order=order)


def test_reject_needs_a_reason_and_records_it(attache):
    order = JobOrderFactory()
    with pytest.raises(ValidationError):
        actions.reject_job_order(by=attache, job_order=order, reason=" ")

    actions.reject_job_order(by=attache, job_order=order, reason="Fake employer")

    order.refresh_from_db()
    assert order.status == JobOrder.Status.REJECTED
    assert order.review_reason == "Fake employer"


def test_an_endorsed_order_cannot_be_reviewed_again(attache):
    order = JobOrderFactory(endorsed=True)
    with pytest.raises(actions.ConflictError):
        actions.return_job_order(by=attache, job_order=order, reason="again")


def test_recheck_uses_the_order_date(agency_user):
    order = actions.submit_job_order(
        by=agency_user,
        fields=fair_terms(
            sector="manufacturing",
            isco_code="8160",
            gender="female",
            basic_wage_myr=Decimal(1600),
            order_date=dt.date(2024, 6, 1),
        ),
    )
    assert "MY-5" not in [v["rule_id"] for v in order.compliance["violations"]]

    order.order_date = dt.date(2025, 9, 1)
    order.save()
    actions.recheck_job_order(by=agency_user, job_order=order)

    assert "MY-5" in [v["rule_id"] for v in order.compliance["violations"]]


# --- seekers ----------------------------------------------------------------------------------


def test_a_seeker_registers_themself_with_consent():
    user = make_user(Role.SEEKER)
    seeker = actions.register_seeker(by=user, fields=seeker_fields())

    assert seeker.user == user
    assert seeker.nik_masked.endswith(seeker.nik[-4:])
    assert seeker.nik_masked.startswith("*" * 12)
    assert SeekerDocument.objects.filter(seeker=seeker, status="missing").count() == 8
    raw = Seeker.objects.filter(pk=seeker.pk).values_list("nik", flat=True)
    assert seeker_fields()["nik"][:6] not in str(raw.query)


def test_the_nik_is_stored_encrypted():
    from django.db import connection

    seeker = actions.register_seeker(by=make_user(Role.SEEKER), fields=seeker_fields())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, phone FROM labour_seeker WHERE id = %s", [seeker.pk]
        )
        nik, phone = cursor.fetchone()
    assert seeker.nik not in nik
    assert "81234567890" not in phone


def test_one_profile_per_seeker_account():
    user = make_user(Role.SEEKER)
    actions.register_seeker(by=user, fields=seeker_fields())
    with pytest.raises(actions.ConflictError):
        actions.register_seeker(
            by=user, fields=seeker_fields(nik=make_nik("1804", BIRTH, "female"))
        )


def test_a_duplicate_nik_is_a_conflict():
    officer = make_user(Role.OFFICER)
    fields = seeker_fields()
    actions.register_seeker(by=officer, fields=fields)
    with pytest.raises(actions.ConflictError):
        actions.register_seeker(by=officer, fields=fields)


def test_an_officer_registers_a_seeker_and_becomes_case_officer():
    officer = make_user(Role.OFFICER)
    seeker = actions.register_seeker(by=officer, fields=seeker_fields())
    assert seeker.user is None
    assert seeker.case_officer == officer
    assert seeker.office == officer.organisation


def test_consent_is_required():
    with pytest.raises(ValidationError) as caught:
        actions.register_seeker(
            by=make_user(Role.SEEKER), fields=seeker_fields(consent=False)
        )
    assert "consent" in caught.value.message_dict


@pytest.mark.parametrize(
    "overrides",
    [
        {"gender": "male"},
        {"birth_date": dt.date(1998, 5, 18)},
        {"nik": make_nik("1899", BIRTH, "female")},
    ],
    ids=["sex", "birth-date", "region"],
)
def test_a_nik_that_disagrees_is_refused_naming_nik(overrides):
    with pytest.raises(ValidationError) as caught:
        actions.register_seeker(
            by=make_user(Role.SEEKER), fields=seeker_fields(**overrides)
        )
    assert "nik" in caught.value.message_dict


def test_unknown_skills_are_refused():
    load_skills_and_courses()
    with pytest.raises(ValidationError) as caught:
        actions.register_seeker(
            by=make_user(Role.SEEKER),
            fields=seeker_fields(skills=["palm_harvesting", "juggling"]),
        )
    assert "skills" in caught.value.message_dict


def test_unmasking_is_audited_and_limited():
    officer = make_user(Role.OFFICER)
    seeker = SeekerFactory(case_officer=officer)

    assert actions.unmask_nik(by=officer, seeker=seeker) == seeker.nik
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERSONAL_DATA_READ)
    assert event.fields == ["nik"]
    assert event.actor == officer
    with pytest.raises(PermissionDenied):
        actions.unmask_nik(by=make_user(Role.LABOUR_ATTACHE), seeker=seeker)
    with pytest.raises(PermissionDenied):
        actions.unmask_nik(by=make_user(Role.EMPLOYER), seeker=seeker)


def test_a_seeker_unmasks_their_own_nik():
    user = make_user(Role.SEEKER)
    seeker = SeekerFactory(user=user)
    assert actions.unmask_nik(by=user, seeker=seeker) == seeker.nik


def test_update_seeker_keeps_the_nik_and_audits():
    user = make_user(Role.SEEKER)
    seeker = SeekerFactory(user=user)
    nik = seeker.nik
    actions.update_seeker(
        by=user, seeker=seeker, fields={"education": "d3", "nik": "0000000000000000"}
    )
    seeker.refresh_from_db()
    assert seeker.education == "d3"
    assert seeker.nik == nik
    assert AuditEvent.objects.filter(action="labour.seeker.updated").exists()
    with pytest.raises(PermissionDenied):
        actions.update_seeker(
            by=make_user(Role.SEEKER), seeker=seeker, fields={"education": "sd"}
        )
