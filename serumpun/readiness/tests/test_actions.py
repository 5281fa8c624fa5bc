"""Readiness actions: permissions, audit rows, carried progress, rule-change re-assessment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent
from serumpun.exporters.tests.factories import CertificateFactory
from serumpun.readiness import actions, book
from serumpun.readiness.apps import assessment_config_is_valid
from serumpun.readiness.models import Answer, Assessment, StepStatus
from serumpun.readiness.tasks import reassess_after_rule_change
from serumpun.readiness.tests.factories import coffee_product

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)


def test_assessing_writes_one_audit_row_and_becomes_the_latest():
    owner = make_user(Role.MSME_OWNER)
    product = coffee_product(owner)
    first = actions.assess_product(by=owner, product=product, as_of=TODAY)
    second = actions.assess_product(by=owner, product=product, as_of=TODAY)
    assert AuditEvent.objects.filter(action="readiness.assessment.created").count() == 2
    first.refresh_from_db()
    assert (first.is_latest, second.is_latest) == (False, True)
    assert second.previous_id == first.pk
    assert second.book_version == book.book_version()
    assert "MY-COFFEE-PERMIT" in second.requirement_fingerprints
    assert not first.steps.filter(is_current=True).exists()


def test_an_owner_may_not_assess_another_business():
    owner = make_user(Role.MSME_OWNER)
    with pytest.raises(PermissionDenied):
        actions.assess_product(by=owner, product=coffee_product())


def test_a_buyer_may_not_assess():
    with pytest.raises(PermissionDenied):
        actions.assess_product(by=make_user(Role.BUYER), product=coffee_product())


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"quality.specification": 5}, "answers.quality.specification"),
        ({"quality.specification": True}, "answers.quality.specification"),
        ({"bogus": 1}, "answers.bogus"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(answers, field):
    officer = make_user(Role.OFFICER)
    with pytest.raises(ValidationError) as error:
        actions.assess_product(by=officer, product=coffee_product(), answers=answers)
    assert field in error.value.message_dict


def test_changing_an_answer_drops_its_confirmation():
    officer = make_user(Role.OFFICER)
    product = coffee_product()
    certificate = CertificateFactory(msme=product.msme, kind="other")
    answer = actions.record_answer(
        by=officer,
        product=product,
        question="quality.specification",
        value=4,
        certificate=certificate,
    )
    actions.confirm_answer(by=officer, answer=answer)
    actions.assess_product(
        by=officer, product=product, answers={"quality.specification": 3}
    )
    answer.refresh_from_db()
    assert answer.confirmed_at is None


def test_confirming_an_answer_re_assesses_the_product_in_the_same_action():
    owner = make_user(Role.MSME_OWNER)
    product = coffee_product(owner)
    certificate = CertificateFactory(msme=product.msme, kind="other")
    answer = actions.record_answer(
        by=owner,
        product=product,
        question="quality.specification",
        value=4,
        certificate=certificate,
    )
    officer = make_user(Role.OFFICER)
    actions.confirm_answer(by=officer, answer=answer)
    latest = Assessment.objects.get(product=product, is_latest=True)
    quality = next(d for d in latest.dimensions if d["key"] == "quality")
    spec = next(q for q in quality["questions"] if q["key"] == "quality.specification")
    assert (spec["counted"], spec["basis"]) == (4, "confirmed")
    assert latest.trigger == "answer"
    row = AuditEvent.objects.get(action="readiness.answer.confirmed")
    assert row.organisation_id == product.msme.organisation_id


@pytest.mark.parametrize(
    ("certificate_fields", "counted", "basis"),
    [
        ({"verification": "verified"}, 4, "confirmed"),
        ({"verification": "rejected"}, 2, "unconfirmed"),
        ({"valid_until": dt.date(2020, 1, 1)}, 2, "unconfirmed"),
    ],
)
def test_a_linked_certificate_is_evidence_only_while_it_counts(
    certificate_fields, counted, basis
):
    officer = make_user(Role.OFFICER)
    product = coffee_product()
    certificate = CertificateFactory(msme=product.msme, kind="other")
    answer = actions.record_answer(
        by=officer,
        product=product,
        question="quality.specification",
        value=4,
        certificate=certificate,
    )
    actions.confirm_answer(by=officer, answer=answer)
    type(certificate).objects.filter(pk=certificate.pk).update(**certificate_fields)

    latest = actions.assess_product(by=officer, product=product)

    quality = next(d for d in latest.dimensions if d["key"] == "quality")
    spec = next(q for q in quality["questions"] if q["key"] == "quality.specification")
    assert spec["counted"] == counted
    assert spec["basis"] == basis


def test_confirming_an_answer_without_evidence_is_a_conflict():
    officer = make_user(Role.OFFICER)
    product = coffee_product()
    actions.assess_product(
        by=officer, product=product, answers={"quality.specification": 4}
    )
    with pytest.raises(ConflictError):
        actions.confirm_answer(by=officer, answer=Answer.objects.get(product=product))


def test_progress_carries_over_to_the_next_plan():
    owner = make_user(Role.MSME_OWNER)
    product = coffee_product(owner)
    first = actions.assess_product(by=owner, product=product, as_of=TODAY)
    step = first.steps.get(gap_key="quality.specification")
    actions.update_step(
        by=owner,
        step=step,
        changes={"status": "in_progress", "owner": "Budi", "due_date": TODAY},
    )
    second = actions.assess_product(by=owner, product=product, as_of=TODAY)
    carried = second.steps.get(gap_key="quality.specification")
    assert (carried.status, carried.owner, carried.due_date) == (
        "in_progress",
        "Budi",
        TODAY,
    )


def test_a_replaced_plan_step_cannot_be_updated():
    owner = make_user(Role.MSME_OWNER)
    product = coffee_product(owner)
    first = actions.assess_product(by=owner, product=product)
    actions.assess_product(by=owner, product=product)
    with pytest.raises(ConflictError):
        actions.update_step(
            by=owner, step=first.steps.first(), changes={"status": "done"}
        )


def test_a_bad_status_is_refused():
    owner = make_user(Role.MSME_OWNER)
    step = actions.assess_product(by=owner, product=coffee_product(owner)).steps.first()
    with pytest.raises(ValidationError):
        actions.update_step(by=owner, step=step, changes={"status": "finished"})
    step.refresh_from_db()
    assert step.status == StepStatus.TODO


def test_rule_change_reassesses_and_records_which_rule_changed(monkeypatch):
    officer = make_user(Role.OFFICER)
    coffee = coffee_product()
    tapis = coffee_product(hs="581092")
    actions.assess_product(by=officer, product=coffee, as_of=TODAY)
    kept = actions.assess_product(by=officer, product=tapis, as_of=TODAY)
    old_permits = book.permit_requirement_ids
    old_prints = book.applicable_fingerprints

    # New rules: green coffee is no longer permit-controlled.
    monkeypatch.setattr(book, "book_version", lambda: "next-version")
    monkeypatch.setattr(
        book,
        "permit_requirement_ids",
        lambda **kw: () if kw["hs_code"] == "090111" else old_permits(**kw),
    )

    def fingerprints(**kw):
        found = old_prints(**kw)
        found.pop("MY-COFFEE-PERMIT", None)
        return found

    monkeypatch.setattr(book, "applicable_fingerprints", fingerprints)
    counts = reassess_after_rule_change.call(TODAY.isoformat())
    assert counts == {"checked": 2, "changed": 1}

    latest = Assessment.objects.get(product=coffee, is_latest=True)
    assert latest.trigger == "rule_change"
    assert {"rule_id": "MY-COFFEE-PERMIT", "change": "removed"} in latest.rule_changes
    assert all(gate["key"] != "importer_permit" for gate in latest.gates)
    kept.refresh_from_db()
    assert kept.is_latest and kept.book_version == "next-version"
    # Idempotent: nothing is stale any more.
    assert reassess_after_rule_change.call(TODAY.isoformat()) == {
        "checked": 0,
        "changed": 0,
    }


def test_cohort_sessions_only_for_members():
    officer = make_user(Role.OFFICER)
    member = coffee_product().msme
    outsider = coffee_product().msme
    cohort = actions.create_cohort(
        by=officer,
        name="Kelas menengah",
        tier="intermediate",
        starts_on=TODAY,
        msme_ids=[member.pk],
    )
    with pytest.raises(ValidationError):
        actions.record_session(
            by=officer,
            cohort=cohort,
            held_on=TODAY,
            topic="Form D",
            attendee_ids=[outsider.pk],
        )
    session = actions.record_session(
        by=officer,
        cohort=cohort,
        held_on=TODAY,
        topic="Form D",
        attendee_ids=[member.pk],
    )
    assert list(session.attendees.all()) == [member]
    with pytest.raises(PermissionDenied):
        actions.create_cohort(
            by=make_user(Role.MSME_OWNER), name="x", tier="beginner", starts_on=TODAY
        )


def test_the_system_check_names_a_malformed_config(settings, tmp_path):
    folder = tmp_path / "readiness"
    folder.mkdir()
    (folder / "assessment.yaml").write_text("levels: [\n", encoding="utf-8")
    settings.DATA_DIR = tmp_path
    errors = assessment_config_is_valid(None)
    assert errors and errors[0].id == "readiness.E001"
    assert "data/readiness/assessment.yaml" in errors[0].msg


def test_plan_agencies_come_from_the_requirement_behind_a_gap():
    officer = make_user(Role.OFFICER)
    chips = coffee_product(hs="200899", processed=True, halal_claim=True)
    assessment = actions.assess_product(by=officer, product=chips, as_of=TODAY)
    halal = assessment.steps.get(gap_key="gate.halal")
    assert halal.agency == book.requirement_agency("MY-HALAL-RECOGNISED")
    coffee = actions.assess_product(by=officer, product=coffee_product(), as_of=TODAY)
    # Finding an importer who can hold the MAQIS permit is the trade attaché's help, not MAQIS.
    assert coffee.steps.get(gap_key="gate.importer_permit").agency.startswith("KBRI")
