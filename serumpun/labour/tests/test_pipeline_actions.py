"""Pipeline actions: moving placements on, check-ins, contract figures and the verdict."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.labour import actions_pipeline as actions
from serumpun.labour.models import Offer, PlacementEvent
from serumpun.labour.models_pipeline import WelfareCheckin
from serumpun.labour.tasks_pipeline import (
    alert_stuck_placements,
    remind_welfare_checkins,
)
from serumpun.labour.tests.factories import occupation
from serumpun.labour.tests.pipeline_builders import (
    make_placement,
    seeker_with_account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _occupations():
    occupation("9211")
    occupation("8160")


@pytest.fixture
def attache():
    return make_user(Role.LABOUR_ATTACHE)


@pytest.fixture
def officer():
    return make_user(Role.OFFICER)


def test_the_configuration_names_a_policy_for_every_finding_and_a_threshold_per_stage():
    config = actions.pipeline_config()
    assert set(config.findings) >= {
        "wage_below_offer",
        "paid_below_contract",
        "hours_above_offer",
        "prohibited_deduction",
    }
    assert {"recruitment_cost", "passport", "levy"} <= config.prohibited_deductions
    assert config.stuck["matched"].days > 0 and config.stuck["matched"].reason
    assert "working" not in config.stuck
    assert config.checkin_offsets_days[0] == 7


# --- advance_placement -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LABOUR_ATTACHE, Role.OFFICER])
def test_attache_and_officer_move_a_placement_on(role):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="interviewed", days_in_stage=5)
    before = placement.stage_changed_at

    actions.advance_placement(
        by=make_user(role), placement=placement, to_stage="selected", note="passed"
    )

    placement.refresh_from_db()
    seeker.refresh_from_db()
    assert placement.stage == "selected"
    assert placement.stage_changed_at > before
    assert seeker.stage == "selected" and seeker.placed
    assert PlacementEvent.objects.filter(
        placement=placement, stage="selected", note="passed"
    ).exists()
    audit_row = AuditEvent.objects.get(action="labour.placement.advanced")
    assert audit_row.object_id == str(placement.pk)
    assert (
        Notification.objects.filter(recipient=user, kind="labour.placement").count()
        == 1
    )


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY, Role.SEEKER])
def test_others_may_not_move_a_placement(role):
    placement = make_placement(stage="matched")
    with pytest.raises(PermissionDenied):
        actions.advance_placement(
            by=make_user(role), placement=placement, to_stage="interviewed"
        )
    assert not AuditEvent.objects.filter(action="labour.placement.advanced").exists()


def test_a_skipped_stage_is_a_conflict(attache):
    placement = make_placement(stage="matched")
    with pytest.raises(ConflictError):
        actions.advance_placement(by=attache, placement=placement, to_stage="departed")
    placement.refresh_from_db()
    assert placement.stage == "matched"


def test_departure_schedules_welfare_checkins_once(attache):
    placement = make_placement(stage="orientation")
    actions.advance_placement(by=attache, placement=placement, to_stage="departed")
    today = timezone.localdate()
    due = list(
        WelfareCheckin.objects.filter(placement=placement).values_list(
            "due_on", flat=True
        )
    )
    assert due == [
        today + dt.timedelta(days=d)
        for d in actions.pipeline_config().checkin_offsets_days
    ]
    actions.schedule_welfare_checkins(
        placement, departed_on=today
    )  # again: nothing new
    assert WelfareCheckin.objects.filter(placement=placement).count() == len(due)


def test_returning_home_frees_the_seeker(attache):
    _, seeker = seeker_with_account(placed=True)
    placement = make_placement(seeker=seeker, stage="working")
    actions.advance_placement(by=attache, placement=placement, to_stage="returned")
    seeker.refresh_from_db()
    assert seeker.stage == "returned" and not seeker.placed


# --- check-ins ---------------------------------------------------------------------------------


def test_a_worker_records_their_checkin_and_a_concern_alerts_the_attache(attache):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="working")
    checkin = WelfareCheckin.objects.create(
        placement=placement, due_on=timezone.localdate()
    )

    actions.record_checkin(
        by=user, checkin=checkin, outcome="concern", note="no wages yet"
    )

    checkin.refresh_from_db()
    assert checkin.done_at is not None and checkin.outcome == "concern"
    assert (
        Notification.objects.filter(recipient=attache, kind="labour.checkin").count()
        == 1
    )
    assert AuditEvent.objects.filter(action="labour.checkin.recorded").count() == 1


def test_another_seeker_cannot_record_someone_elses_checkin():
    placement = make_placement(stage="working")
    checkin = WelfareCheckin.objects.create(
        placement=placement, due_on=timezone.localdate()
    )
    stranger, _ = seeker_with_account()
    with pytest.raises(PermissionDenied):
        actions.record_checkin(by=stranger, checkin=checkin, outcome="well")


# --- contracts ---------------------------------------------------------------------------------


def test_a_payslip_below_the_offer_fails_the_check_and_alerts_once(attache):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="working")  # offer: RM 1,800, 45 h
    assert actions.substitution_verdict(placement).status == "incomplete"

    actions.record_payslip(
        by=user,
        placement=placement,
        basic_wage_myr="1500",
        weekly_hours="45",
        deductions=[{"kind": "recruitment_cost", "amount_myr": "200"}],
    )
    verdict = actions.substitution_verdict(placement)
    assert verdict.status == "fail"
    found = {f.code for f in verdict.findings}
    assert {
        "paid_below_contract",
        "wage_below_minimum",
        "prohibited_deduction",
    } <= found
    minimum = next(f for f in verdict.findings if f.code == "wage_below_minimum")
    assert minimum.params["rule_id"] == "MY-5"
    assert minimum.params["minimum_myr"] == Decimal(1700)
    assert (
        Notification.objects.filter(recipient=attache, kind="labour.contract").count()
        == 1
    )

    actions.record_payslip(by=user, placement=placement, basic_wage_myr="1500")
    assert (
        Notification.objects.filter(recipient=attache, kind="labour.contract").count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(action="labour.contract.payslip_recorded").count()
        == 2
    )


def test_the_first_payslip_is_judged_not_the_latest(attache):
    placement = make_placement(stage="working")
    actions.record_payslip(
        by=attache,
        placement=placement,
        basic_wage_myr="1800",
        period=dt.date(2026, 2, 1),
    )
    actions.record_payslip(
        by=attache,
        placement=placement,
        basic_wage_myr="1000",
        period=dt.date(2026, 1, 1),
    )
    assert actions.substitution_verdict(placement).status == "fail"


def test_a_signed_contract_matching_the_order_passes(attache):
    placement = make_placement(stage="documents_complete")
    actions.record_contract(
        by=attache,
        placement=placement,
        kind="signed",
        basic_wage_myr="1800",
        weekly_hours="45",
    )
    assert actions.substitution_verdict(placement).status == "pass"


def test_the_agency_records_the_contract_but_not_a_payslip():
    placement = make_placement(stage="documents_complete")
    agency = make_user(Role.AGENCY, placement.job_order.organisation)
    actions.record_contract(
        by=agency, placement=placement, kind="signed", basic_wage_myr="1800"
    )
    with pytest.raises(PermissionDenied):
        actions.record_payslip(by=agency, placement=placement, basic_wage_myr="1800")
    with pytest.raises(PermissionDenied):
        actions.record_contract(
            by=make_user(Role.AGENCY),
            placement=placement,
            kind="signed",
            basic_wage_myr="1800",
        )


@pytest.mark.parametrize(
    ("wage", "deductions", "field"),
    [
        ("-1", [], "basic_wage_myr"),
        ("abc", [], "basic_wage_myr"),
        ("NaN", [], "basic_wage_myr"),
        ("1800", [{"kind": "bribe", "amount_myr": "1"}], "deductions"),
        ("1800", [{"kind": "meals", "amount_myr": "-5"}], "deductions"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(attache, wage, deductions, field):
    placement = make_placement(stage="working")
    with pytest.raises(ValidationError) as caught:
        actions.record_payslip(
            by=attache, placement=placement, basic_wage_myr=wage, deductions=deductions
        )
    assert field in caught.value.message_dict


# --- daily tasks -------------------------------------------------------------------------------


def test_stuck_alert_counts_only_overdue_placements(attache, officer):
    make_placement(stage="matched", days_in_stage=30)  # stuck (14)
    make_placement(stage="matched", days_in_stage=3)  # fresh
    make_placement(stage="working", days_in_stage=400)  # never stuck
    employer = make_user(Role.EMPLOYER)

    result = alert_stuck_placements.enqueue()

    assert result.return_value == 1
    assert (
        Notification.objects.filter(recipient=attache, kind="labour.stuck").count() == 1
    )
    assert (
        Notification.objects.filter(recipient=officer, kind="labour.stuck").count() == 1
    )
    assert not Notification.objects.filter(recipient=employer).exists()


def test_checkin_reminders_go_out_once(attache):
    user, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="departed")
    today = timezone.localdate()
    WelfareCheckin.objects.create(placement=placement, due_on=today)
    WelfareCheckin.objects.create(
        placement=placement, due_on=today + dt.timedelta(days=20)
    )

    assert remind_welfare_checkins.enqueue().return_value == 1
    assert remind_welfare_checkins.enqueue().return_value == 0
    assert (
        Notification.objects.filter(recipient=user, kind="labour.checkin").count() == 1
    )
    assert (
        Notification.objects.filter(recipient=attache, kind="labour.checkin").count()
        == 1
    )


def test_withdrawn_offers_are_left_alone_by_advancing(attache):
    # Advancing one placement does not touch the seeker's other offers.
    _, seeker = seeker_with_account()
    placement = make_placement(seeker=seeker, stage="interviewed")
    Offer.objects.create(seeker=seeker, job_order=placement.job_order, score=0.5)
    actions.advance_placement(by=attache, placement=placement, to_stage="selected")
    assert Offer.objects.get(seeker=seeker).status == "offered"
