"""Event actions: permissions, audit rows, registration rules, schedule, publish, withdraw."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from serumpun.core.errors import ConflictError
from serumpun.core.models import AuditEvent, Notification
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import Meeting, ScheduleRun
from serumpun.trade.tests.factories import attache_user, buyer_user
from serumpun.trade.tests.factories_events import (
    EVENT_DAY,
    crowd,
    make_event,
    msme_owner,
)

pytestmark = pytest.mark.django_db


def test_only_an_event_manager_creates_events():
    with pytest.raises(PermissionDenied):
        make_event(buyer_user())


def test_creating_an_event_writes_an_audit_row_and_slots_in_the_event_time_zone():
    event = make_event(slots=4)
    assert AuditEvent.objects.filter(
        action="trade.event.created", object_id=str(event.pk)
    ).exists()
    slots = list(event.slots.all())
    assert [s.index for s in slots] == [0, 1, 2, 3]
    assert slots[0].starts_at == dt.datetime(
        2027, 2, 18, 1, 0, tzinfo=dt.UTC
    )  # 09:00 MYT
    assert slots[1].starts_at == slots[0].ends_at


def test_registration_needs_an_open_event_and_ones_own_organisation():
    event = make_event(open_=False)
    buyer = buyer_user()
    with pytest.raises(ConflictError):
        actions.register_participant(
            by=buyer, event=event, organisation=buyer.organisation
        )
    actions.open_registration(by=attache_user(), event=event)
    other = buyer_user()
    with pytest.raises(PermissionDenied):
        actions.register_participant(
            by=buyer, event=event, organisation=other.organisation
        )
    early = EVENT_DAY - dt.timedelta(days=30)
    mine = actions.register_participant(
        by=buyer, event=event, organisation=buyer.organisation, as_of=early
    )
    assert mine.side == "buyer"
    with pytest.raises(ConflictError):
        actions.register_participant(
            by=buyer, event=event, organisation=buyer.organisation, as_of=early
        )


def test_the_deadline_binds_participants_but_not_the_attache():
    event = make_event()
    late = EVENT_DAY - dt.timedelta(days=1)
    owner = msme_owner()
    with pytest.raises(ConflictError):
        actions.register_participant(
            by=owner, event=event, organisation=owner.organisation, as_of=late
        )
    done = actions.register_participant(
        by=attache_user(), event=event, organisation=owner.organisation, as_of=late
    )
    assert done.side == "msme"
    assert done.msme_id == owner.organisation.msme.pk


def test_wishes_only_go_to_the_other_side():
    c = crowd(n_buyers=2, n_msmes=1)
    b1, b2 = c.buyers
    with pytest.raises(ConflictError):
        actions.mark_wish(by=b1, participant=c.me(b1), target=c.me(b2), priority=1)
    with pytest.raises(PermissionDenied):
        actions.mark_wish(
            by=b2, participant=c.me(b1), target=c.me(c.msmes[0]), priority=1
        )


def test_schedule_respects_the_event_and_publishing_notifies_participants(
    django_capture_on_commit_callbacks,
):
    c = crowd(n_buyers=2, n_msmes=3, tables=2, slots=3, max_meetings=2)
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_schedule_run(by=c.attache, event=c.event)
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE
    assert run.meeting_count == 4  # 2 buyers × 2 meetings each
    assert run.objective == run.bound
    assert run.greedy_objective <= run.objective
    meetings = list(Meeting.objects.filter(event=c.event))
    assert max(Counter(m.slot_id for m in meetings).values()) <= 2
    c.event.refresh_from_db()
    assert c.event.status == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_schedule(by=c.attache, event=c.event)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {u.pk for u in (*c.buyers, *c.msmes)} <= recipients


def test_withdrawal_cancels_exactly_that_participants_meetings_and_moves_none(
    django_capture_on_commit_callbacks,
):
    c = crowd(n_buyers=2, n_msmes=3, tables=2, slots=3, max_meetings=2)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    before = {(m.pk, m.slot_id, m.table) for m in Meeting.objects.filter(event=c.event)}
    gone = c.me(c.buyers[0])
    with django_capture_on_commit_callbacks(execute=False) as pending:
        rerun = actions.withdraw_participant(by=c.buyers[0], participant=gone)
    # recorded at once: withdrawn and the meetings cancelled; the solve waits for the task
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None
    cancelled = Meeting.objects.filter(event=c.event, status="cancelled")
    assert cancelled.count() == 2
    assert all(m.buyer_id == gone.pk for m in cancelled)
    assert rerun is not None
    assert rerun.kind == "reschedule"
    assert rerun.status == "running"
    assert rerun.progress is not None
    assert len(pending) == 1
    pending[0]()
    rerun.refresh_from_db()
    assert rerun.status == "done"
    assert rerun.moved_meetings == 0
    assert rerun.progress.status == "succeeded"
    confirmed = {
        (m.pk, m.slot_id, m.table)
        for m in Meeting.objects.filter(event=c.event, buyer=c.me(c.buyers[1]))
    }
    assert confirmed <= before
    assert AuditEvent.objects.filter(action="trade.event.withdrawn").exists()
    assert AuditEvent.objects.filter(action="trade.event.rescheduled").exists()


def test_a_withdrawal_fills_the_freed_places_and_tells_those_affected_once_published(
    django_capture_on_commit_callbacks,
):
    # one table, one slot: buyer 1 meets one MSME; when that MSME leaves, the other fills in
    c = crowd(n_buyers=1, n_msmes=2, tables=1, slots=1, max_meetings=1)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    actions.publish_schedule(by=c.attache, event=c.event)
    first = Meeting.objects.get(event=c.event)
    leaving = next(u for u in c.msmes if c.me(u).pk == first.msme_id)
    staying = next(u for u in c.msmes if u is not leaving)
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_participant(by=c.attache, participant=c.me(leaving))
    now = Meeting.objects.get(event=c.event, status="confirmed")
    assert now.msme_id == c.me(staying).pk
    told = set(
        Notification.objects.filter(subject__icontains="agenda").values_list(
            "recipient_id", flat=True
        )
    )
    assert {c.buyers[0].pk, staying.pk} <= told
    assert leaving.pk not in told


def test_a_withdrawal_before_scheduling_starts_no_run():
    c = crowd(n_buyers=1, n_msmes=1)
    assert (
        actions.withdraw_participant(by=c.msmes[0], participant=c.me(c.msmes[0]))
        is None
    )
    assert not ScheduleRun.objects.exists()


def test_a_new_schedule_after_publication_waits_for_the_next_publication():
    c = crowd(n_buyers=1, n_msmes=2, tables=1, slots=2, max_meetings=2)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    actions.publish_schedule(by=c.attache, event=c.event)
    again = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=again, as_of=EVENT_DAY, time_limit_s=5)
    c.event.refresh_from_db()
    assert c.event.status == "scheduled"
    assert c.event.published_at is None


def test_unavailable_slots_are_ones_own_and_known_and_close_on_publication():
    c = crowd(n_buyers=1, n_msmes=1, slots=3)
    me = c.me(c.buyers[0])
    actions.set_unavailable_slots(by=c.buyers[0], participant=me, slots=[2, 0, 2])
    me.refresh_from_db()
    assert me.unavailable_slots == [0, 2]
    assert AuditEvent.objects.filter(action="trade.event.unavailable_slots").exists()
    with pytest.raises(PermissionDenied):
        actions.set_unavailable_slots(by=c.msmes[0], participant=me, slots=[1])
    with pytest.raises(ConflictError):
        actions.set_unavailable_slots(by=c.buyers[0], participant=me, slots=[7])
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    assert Meeting.objects.get(event=c.event).slot.index == 1
    actions.publish_schedule(by=c.attache, event=c.event)
    with pytest.raises(ConflictError):
        actions.set_unavailable_slots(by=c.buyers[0], participant=me, slots=[])


def test_editing_an_event_moves_its_slots_and_discards_an_unpublished_schedule():
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=2, max_meetings=1)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    later = EVENT_DAY + dt.timedelta(days=7)
    actions.update_event(
        by=c.attache, event=c.event, title="Temu Bisnis II", date=later, tables=2
    )
    c.event.refresh_from_db()
    assert c.event.title == "Temu Bisnis II"
    assert c.event.status == "open"
    assert not Meeting.objects.filter(event=c.event).exists()
    first = c.event.slots.first()
    assert first.starts_at == dt.datetime(2027, 2, 25, 1, 0, tzinfo=dt.UTC)  # 09:00 MYT
    actions.update_event(by=c.attache, event=c.event, timezone="Asia/Jakarta")
    first.refresh_from_db()
    assert first.starts_at == dt.datetime(2027, 2, 25, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB
    assert AuditEvent.objects.filter(action="trade.event.updated").count() == 2


def test_a_published_event_keeps_its_shape_but_may_be_renamed():
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=1, max_meetings=1)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    actions.publish_schedule(by=c.attache, event=c.event)
    with pytest.raises(ConflictError) as error:
        actions.update_event(by=c.attache, event=c.event, tables=3)
    assert error.value.field == "tables"
    with pytest.raises(ConflictError):
        actions.generate_slots(
            by=c.attache, event=c.event, first_start=dt.time(10), minutes=30, count=2
        )
    actions.update_event(by=c.attache, event=c.event, venue="KLCC")
    assert Meeting.objects.filter(event=c.event, status="confirmed").count() == 1
    with pytest.raises(PermissionDenied):
        actions.update_event(by=c.buyers[0], event=c.event, venue="x")
    with pytest.raises(ConflictError):
        actions.update_event(
            by=c.attache,
            event=c.event,
            registration_deadline=EVENT_DAY + dt.timedelta(days=1),
        )


def test_events_yaml_check_passes():
    call_command("check")


def test_a_second_full_run_is_refused_while_one_is_being_solved():
    c = crowd(n_buyers=1, n_msmes=1)
    ScheduleRun.objects.create(event=c.event, started_by=c.attache)  # still running
    with pytest.raises(ConflictError) as error:
        actions.start_schedule_run(by=c.attache, event=c.event)
    assert error.value.field == "status"
    assert ScheduleRun.objects.filter(event=c.event).count() == 1


def test_a_withdrawal_during_a_full_run_is_left_out_and_the_holes_are_filled(
    monkeypatch, django_capture_on_commit_callbacks
):
    # one table, one slot: the solver places buyer × one MSME; that MSME withdraws while
    # the solver works; the stored schedule leaves it out and the repair run fills in
    c = crowd(n_buyers=1, n_msmes=2, tables=1, slots=1, max_meetings=1)
    solve = actions.scheduling.schedule_event
    started: list[object] = []

    def solve_then_withdraw(problem, **kw):  # type: ignore[no-untyped-def]
        schedule = solve(problem, **kw)
        leaving = next(
            p for p in c.participants.values() if p.pk == schedule.meetings[0].msme
        )
        started.append(actions.withdraw_participant(by=c.attache, participant=leaving))
        return schedule

    monkeypatch.setattr(actions.scheduling, "schedule_event", solve_then_withdraw)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    with django_capture_on_commit_callbacks(execute=True):
        actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    assert started == [None]  # no reschedule beside the running full run
    run.refresh_from_db()
    assert run.status == "done"
    assert run.meeting_count == 0
    repair = ScheduleRun.objects.get(event=c.event, kind="reschedule")
    assert repair.status == "done"
    meeting = Meeting.objects.get(event=c.event, status="confirmed")
    assert c.event.participants.get(pk=meeting.msme_id).withdrawn_at is None


def test_a_full_run_whose_event_changed_meanwhile_stores_nothing(monkeypatch):
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=2, max_meetings=1)
    solve = actions.scheduling.schedule_event

    def solve_then_edit(problem, **kw):  # type: ignore[no-untyped-def]
        actions.update_event(by=c.attache, event=c.event, tables=3)
        return solve(problem, **kw)

    monkeypatch.setattr(actions.scheduling, "schedule_event", solve_then_edit)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.message
    assert not Meeting.objects.filter(event=c.event).exists()


def test_the_progress_bar_of_a_run_that_stored_nothing_ends_failed_with_its_message(
    monkeypatch, django_capture_on_commit_callbacks
):
    c = crowd(n_buyers=1, n_msmes=1, tables=1, slots=2, max_meetings=1)
    solve = actions.scheduling.schedule_event

    def solve_then_edit(problem, **kw):  # type: ignore[no-untyped-def]
        actions.update_event(by=c.attache, event=c.event, tables=3)
        return solve(problem, **kw)

    monkeypatch.setattr(actions.scheduling, "schedule_event", solve_then_edit)
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_schedule_run(by=c.attache, event=c.event)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.progress is not None
    assert run.progress.status == "failed"
    assert run.progress.message == run.message != ""
    assert not Meeting.objects.filter(event=c.event).exists()


def test_publishing_twice_is_refused_and_republishing_tells_only_the_changed(
    django_capture_on_commit_callbacks,
):
    c = crowd(n_buyers=2, n_msmes=2, tables=2, slots=1, max_meetings=1)
    run = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=run, as_of=EVENT_DAY, time_limit_s=5)
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_schedule(by=c.attache, event=c.event)
    assert Notification.objects.count() == 4
    ready = set(Notification.objects.values_list("subject", flat=True))
    with pytest.raises(ConflictError):
        actions.publish_schedule(by=c.attache, event=c.event)
    # buyer 0 now wishes only the MSME it does not meet, buyer 1 only the other: the re-run
    # swaps the partners, so all four agendas change
    b0 = c.me(c.buyers[0])
    met = Meeting.objects.get(event=c.event, buyer=b0).msme_id
    other = next(p for p in c.participants.values() if p.side == "msme" and p.pk != met)
    b0.wishes_made.exclude(to_participant=other).delete()
    c.me(c.buyers[1]).wishes_made.filter(to_participant=other).delete()
    again = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=again, as_of=EVENT_DAY, time_limit_s=5)
    c.event.refresh_from_db()
    assert c.event.published_at is None
    assert sorted(c.event.agenda_changes) == sorted(
        p.pk for p in c.participants.values()
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_schedule(by=c.attache, event=c.event)
    assert Notification.objects.count() == 4
    changed = set(Notification.objects.values_list("subject", flat=True))
    assert len(changed) == 1
    assert changed != ready  # "has changed", not "is ready"
    # a re-run that changes nothing tells nobody
    same = ScheduleRun.objects.create(event=c.event, started_by=c.attache)
    actions.compute_schedule(run=same, as_of=EVENT_DAY, time_limit_s=5)
    c.event.refresh_from_db()
    assert c.event.agenda_changes == []
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_schedule(by=c.attache, event=c.event)
    assert not Notification.objects.exists()
