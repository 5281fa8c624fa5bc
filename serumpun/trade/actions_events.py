"""Actions: business-matching events — create, register, wish, schedule, publish, withdraw.

Every state change of an event goes through one of these functions: it checks the actor's
permission, runs in one transaction, writes the audit row and notifies on commit. The
scheduler itself is pure (rules/scheduling.py); `run_schedule` loads the event into it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.roles import has_permission, require_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import notify
from serumpun.trade.models_events import (
    EventParticipant,
    EventSlot,
    MatchingEvent,
    Meeting,
    MeetingWish,
    ScheduleRun,
)
from serumpun.trade.rules import rescheduling, scheduling

CONFIG_PATH = Path(settings.BASE_DIR) / "data" / "trade" / "events.yaml"
Status = MatchingEvent.Status
Side = EventParticipant.Side


@dataclass(frozen=True)
class EventsConfig:
    """data/trade/events.yaml, validated."""

    weights: scheduling.WishWeights
    time_limit_s: float
    reschedule_time_limit_s: float
    workers: int
    defaults: MappingProxyType[str, int]


@lru_cache(maxsize=1)
def events_config() -> EventsConfig:
    """Load data/trade/events.yaml; ValueError names the bad entry (check trade.E301)."""
    data = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        msg = "events.yaml must be a mapping"
        raise ValueError(msg)
    weights = scheduling.WishWeights.from_mapping(data.get("weights") or {})
    solver = data.get("scheduler") or {}
    for key in ("time_limit_seconds", "reschedule_time_limit_seconds", "workers"):
        if not isinstance(solver.get(key), int | float) or solver[key] <= 0:
            msg = f"scheduler.{key} must be a positive number"
            raise ValueError(msg)
    defaults = data.get("defaults") or {}
    for key in ("slot_minutes", "slot_count", "tables", "max_meetings_per_participant"):
        if not isinstance(defaults.get(key), int) or defaults[key] <= 0:
            msg = f"defaults.{key} must be a positive whole number"
            raise ValueError(msg)
    return EventsConfig(
        weights,
        float(solver["time_limit_seconds"]),
        float(solver["reschedule_time_limit_seconds"]),
        int(solver["workers"]),
        MappingProxyType(dict(defaults)),
    )


def _locked(event: MatchingEvent) -> MatchingEvent:
    """Re-read the event under its row lock (inside a transaction): schedule runs,
    publication and withdrawals of one event take their turns."""
    event.refresh_from_db(from_queryset=MatchingEvent.objects.select_for_update())
    return event


def _event_url(event: MatchingEvent) -> str:
    return reverse("trade:event_detail", args=[event.pk])


# --- Organising ---------------------------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    by: Any,
    title: str,
    venue: str,
    city: str,
    date: dt.date,
    registration_deadline: dt.date,
    tables: int,
    max_meetings_per_participant: int,
    timezone_name: str = "Asia/Kuala_Lumpur",
    is_demo: bool = False,
) -> MatchingEvent:
    """The trade attaché creates a draft event organised by their embassy."""
    require_permission(by, "event.manage")
    if registration_deadline > date:
        raise ConflictError(
            _("The registration deadline must not be after the event."),
            field="registration_deadline",
        )
    event = MatchingEvent.objects.create(
        organiser=by.organisation,
        title=title,
        venue=venue,
        city=city,
        date=date,
        timezone=timezone_name,
        registration_deadline=registration_deadline,
        tables=tables,
        max_meetings_per_participant=max_meetings_per_participant,
        is_demo=is_demo,
    )
    audit.record(actor=by, action="trade.event.created", obj=event)
    return event


@transaction.atomic
def generate_slots(
    *, by: Any, event: MatchingEvent, first_start: dt.time, minutes: int, count: int
) -> list[EventSlot]:
    """Replace the event's slots with `count` consecutive slots of `minutes` each."""
    require_permission(by, "event.manage")
    if event.published_at is not None or event.status == Status.CLOSED:
        raise ConflictError(
            _("Slots cannot change once the schedule is published."), field="slots"
        )
    if minutes <= 0 or count <= 0:
        raise ConflictError(_("Slot length and count must be positive."), field="count")
    zone = ZoneInfo(event.timezone)
    start = dt.datetime.combine(event.date, first_start, tzinfo=zone)
    length = dt.timedelta(minutes=minutes)
    _discard_schedule(event)
    event.slots.all().delete()
    slots = EventSlot.objects.bulk_create(
        EventSlot(
            event=event,
            index=i,
            starts_at=start + i * length,
            ends_at=start + (i + 1) * length,
        )
        for i in range(count)
    )
    audit.record(
        actor=by, action="trade.event.slots_generated", obj=event, fields=["slots"]
    )
    return slots


@transaction.atomic
def open_registration(*, by: Any, event: MatchingEvent) -> MatchingEvent:
    """Open a draft event for registration (it then appears to buyers and MSMEs)."""
    require_permission(by, "event.manage")
    if event.status != Status.DRAFT:
        raise ConflictError(_("Only a draft event can be opened."), field="status")
    if not event.slots.exists():
        raise ConflictError(
            _("Add time slots before opening registration."), field="slots"
        )
    event.status = Status.OPEN
    event.save(update_fields=["status", "updated_at"])
    audit.record(actor=by, action="trade.event.opened", obj=event, fields=["status"])
    return event


EDITABLE = (
    "title",
    "venue",
    "city",
    "date",
    "timezone",
    "registration_deadline",
    "tables",
    "max_meetings_per_participant",
)
#: changing one of these invalidates a made schedule
SHAPING = frozenset({"date", "timezone", "tables", "max_meetings_per_participant"})


def _discard_schedule(event: MatchingEvent) -> int:
    """Drop an unpublished schedule (its meetings); the event is open again. Returns how many."""
    dropped, _rows = event.meetings.all().delete()
    # by the stored status: a schedule run may have changed it since `event` was read
    MatchingEvent.objects.filter(pk=event.pk, status=Status.SCHEDULED).update(
        status=Status.OPEN, updated_at=timezone.now()
    )
    if event.status == Status.SCHEDULED:
        event.status = Status.OPEN
    return dropped


def _move_slots(event: MatchingEvent, old_date: dt.date, old_zone: str) -> None:
    """Keep each slot's local wall-clock time on the new date and in the new time zone."""
    before, after = ZoneInfo(old_zone), ZoneInfo(event.timezone)
    slots = list(event.slots.all())
    for slot in slots:
        for name in ("starts_at", "ends_at"):
            local = getattr(slot, name).astimezone(before)
            day = event.date + (local.date() - old_date)
            setattr(slot, name, dt.datetime.combine(day, local.time(), tzinfo=after))
    EventSlot.objects.bulk_update(slots, ["starts_at", "ends_at"])


@transaction.atomic
def update_event(*, by: Any, event: MatchingEvent, **changes: Any) -> MatchingEvent:
    """Edit an event's facts. Once published, its date, time zone, tables and meeting limit
    stay; before that, changing them discards a made schedule (slots follow the date)."""
    require_permission(by, "event.manage")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        msg = f"not editable: {sorted(unknown)}"
        raise ValueError(msg)
    changed = [k for k, v in changes.items() if getattr(event, k) != v]
    if event.status == Status.CLOSED and changed:
        raise ConflictError(_("A closed event cannot change."), field="status")
    deadline = changes.get("registration_deadline", event.registration_deadline)
    if deadline > changes.get("date", event.date):
        raise ConflictError(
            _("The registration deadline must not be after the event."),
            field="registration_deadline",
        )
    shaping = SHAPING.intersection(changed)
    if shaping and event.published_at is not None:
        raise ConflictError(
            _(
                "The schedule is published: date, time zone, tables and meetings per "
                "participant cannot change."
            ),
            field=sorted(shaping)[0],
        )
    old_date, old_zone = event.date, event.timezone
    for key in changed:
        setattr(event, key, changes[key])
    if not changed:
        return event
    event.save(update_fields=[*changed, "updated_at"])
    if {"date", "timezone"} & set(changed):
        _move_slots(event, old_date, old_zone)
    if shaping:
        _discard_schedule(event)
    audit.record(actor=by, action="trade.event.updated", obj=event, fields=changed)
    return event


# --- Registering and wishing --------------------------------------------------------------


def _may_act_for(by: Any, organisation_id: int) -> bool:
    return has_permission(by, "event.manage") or organisation_id in by.organisation_ids


@transaction.atomic
def register_participant(
    *, by: Any, event: MatchingEvent, organisation: Any, as_of: dt.date | None = None
) -> EventParticipant:
    """Register a buyer organisation or an MSME's organisation (its own members, or the attaché)."""
    if not _may_act_for(by, organisation.pk):
        raise PermissionDenied(_("You may register only your own organisation."))
    if event.status != Status.OPEN:
        raise ConflictError(
            _("Registration for this event is not open."), field="event"
        )
    today = as_of or timezone.localdate()
    if today > event.registration_deadline and not has_permission(by, "event.manage"):
        raise ConflictError(_("The registration deadline has passed."), field="event")
    msme = getattr(organisation, "msme", None) if organisation.kind == "msme" else None
    if organisation.kind == "buyer":
        side = Side.BUYER
    elif msme is not None:
        side = Side.MSME
    else:
        raise ConflictError(
            _("Only buyers and MSMEs take part in meetings."), field="organisation"
        )
    participant, created = EventParticipant.objects.get_or_create(
        event=event,
        organisation=organisation,
        defaults={
            "side": side,
            "msme": msme,
            "registered_by": by,
            "is_demo": event.is_demo,
        },
    )
    if not created and participant.withdrawn_at is None:
        raise ConflictError(
            _("Already registered for this event."), field="organisation"
        )
    if not created:
        participant.withdrawn_at = None
        participant.save(update_fields=["withdrawn_at"])
    audit.record(
        actor=by,
        action="trade.event.registered",
        obj=participant,
        organisation=organisation,
    )
    return participant


@transaction.atomic
def mark_wish(
    *, by: Any, participant: EventParticipant, target: EventParticipant, priority: int
) -> MeetingWish:
    """A participant wishes to meet a registered participant of the other side."""
    if not _may_act_for(by, participant.organisation_id):
        raise PermissionDenied(_("You may mark wishes only for your own organisation."))
    if target.event_id != participant.event_id or target.side == participant.side:
        raise ConflictError(
            _("You can only meet participants of the other side of this event."),
            field="participant_id",
        )
    if not (participant.is_active and target.is_active):
        raise ConflictError(
            _("That participant has withdrawn."), field="participant_id"
        )
    if participant.event.status not in {Status.OPEN, Status.SCHEDULED}:
        raise ConflictError(_("Wishes are closed for this event."), field="event")
    if priority not in {1, 2, 3}:
        raise ConflictError(_("Priority must be 1, 2 or 3."), field="priority")
    wish, _created = MeetingWish.objects.update_or_create(
        from_participant=participant,
        to_participant=target,
        defaults={"event_id": participant.event_id, "priority": priority},
    )
    audit.record(
        actor=by,
        action="trade.event.wish_marked",
        obj=wish,
        fields=["priority"],
        organisation=participant.organisation,
    )
    return wish


# --- Scheduling --------------------------------------------------------------------------


def event_problem(event: MatchingEvent, *, as_of: dt.date) -> scheduling.EventProblem:
    """The pure scheduling problem of an event: active participants and their wishes."""
    from serumpun.trade.matching import pair_scores

    people = list(event.participants.filter(withdrawn_at__isnull=True))
    by_id = {p.pk: p for p in people}
    buyers = [p for p in people if p.side == Side.BUYER]
    msmes = [p for p in people if p.side == Side.MSME]
    scores = pair_scores(
        [b.organisation_id for b in buyers],
        [m.msme_id for m in msmes if m.msme_id is not None],
        as_of=as_of,
    )
    priorities: dict[tuple[int, int], list[int | None]] = {}
    for wish in MeetingWish.objects.filter(event=event):
        source, target = (
            by_id.get(wish.from_participant_id),
            by_id.get(wish.to_participant_id),
        )
        if source is None or target is None:
            continue
        if source.side == Side.BUYER:
            priorities.setdefault((source.pk, target.pk), [None, None])[0] = (
                wish.priority
            )
        else:
            priorities.setdefault((target.pk, source.pk), [None, None])[1] = (
                wish.priority
            )
    weights = events_config().weights
    candidates = []
    for (b, m), (bp, mp) in sorted(priorities.items()):
        score = scores.get((by_id[b].organisation_id, by_id[m].msme_id or 0), 0.0)
        candidates.append(
            scheduling.Candidate(
                b, m, scheduling.meeting_weight(bp, mp, score, weights)
            )
        )
    slot_count = event.slots.count()
    return scheduling.EventProblem(
        slots=slot_count,
        tables=event.tables,
        max_meetings=event.max_meetings_per_participant,
        buyers=tuple(b.pk for b in buyers),
        msmes=tuple(m.pk for m in msmes),
        candidates=tuple(candidates),
        unavailable={
            p.pk: frozenset(
                int(s) for s in p.unavailable_slots if 0 <= int(s) < slot_count
            )
            for p in people
            if p.unavailable_slots
        },
    )


def start_schedule_run(*, by: Any, event: MatchingEvent) -> ScheduleRun:
    """The attaché asks for a schedule: a run record and a progress bar, then the task."""
    from serumpun.core.progress import start_progress
    from serumpun.trade import tasks_events

    require_permission(by, "event.manage")
    with transaction.atomic():
        _locked(event)
        if event.status not in {Status.OPEN, Status.SCHEDULED}:
            raise ConflictError(
                _("Open registration before scheduling."), field="status"
            )
        if running_full_run(event) is not None:
            raise ConflictError(
                _(
                    "A schedule is already being made for this event; wait until it is done."
                ),
                field="status",
            )
        progress = start_progress(
            kind="trade.event_schedule",
            label=str(gettext_lazy("Scheduling meetings")),
            user=by,
            total=3,
        )
        run = ScheduleRun.objects.create(event=event, started_by=by, progress=progress)
        audit.record(actor=by, action="trade.event.schedule_started", obj=run)
        transaction.on_commit(
            lambda: tasks_events.schedule_event_task.enqueue(run.pk)  # type: ignore[attr-defined]
        )
    return run


#: a full run still "running" after this long is taken for lost (its worker died)
STALE_RUN = dt.timedelta(minutes=15)


def running_full_run(event: MatchingEvent) -> ScheduleRun | None:
    """The full schedule run of the event still being solved, if any."""
    return (
        event.schedule_runs.filter(
            kind=ScheduleRun.Kind.FULL,
            status=ScheduleRun.Status.RUNNING,
            started_at__gte=timezone.now() - STALE_RUN,
        )
        .order_by("-started_at")
        .first()
    )


def compute_schedule(
    *, run: ScheduleRun, as_of: dt.date, time_limit_s: float | None = None
) -> ScheduleRun:
    """Solve the event (no lock held while the solver works), then store its meetings,
    replacing any unpublished ones, under the event's row lock (see `_store_schedule`)."""
    config = events_config()
    problem = event_problem(run.event, as_of=as_of)
    greedy = scheduling.greedy_schedule(problem)
    schedule = scheduling.schedule_event(
        problem,
        time_limit_s=time_limit_s or config.time_limit_s,
        workers=config.workers,
    )
    return _store_schedule(run, problem, schedule, greedy.objective)


def _agendas(meetings: Any) -> dict[int, set[tuple[int, int, int]]]:
    """Per participant: (counterpart, slot index, table) of each meeting."""
    out: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
    for m in meetings:
        out[m.buyer].add((m.msme, m.slot, m.table))
        out[m.msme].add((m.buyer, m.slot, m.table))
    return out


def _changed_agendas(before: Any, after: Any) -> set[int]:
    old, new = _agendas(before), _agendas(after)
    return {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}


@transaction.atomic
def _store_schedule(
    run: ScheduleRun,
    problem: scheduling.EventProblem,
    schedule: scheduling.Schedule,
    greedy_objective: int,
) -> ScheduleRun:
    """Store a solved schedule, serialised with withdrawals by the event's row lock.

    Someone who withdrew while the solver worked keeps no meeting; if that left holes, a
    reschedule run is queued to fill them. If the event's shape changed meanwhile, the run
    fails with a message and stores nothing.
    """
    event = _locked(run.event)
    slots = {s.index: s for s in event.slots.all()}
    shape = (len(slots), event.tables, event.max_meetings_per_participant)
    if event.status not in {Status.OPEN, Status.SCHEDULED} or shape != (
        problem.slots,
        problem.tables,
        problem.max_meetings,
    ):
        run.status = ScheduleRun.Status.FAILED
        run.finished_at = timezone.now()
        run.message = _("The event changed while the schedule was made; run it again.")
        run.save(update_fields=["status", "finished_at", "message"])
        return run
    active = set(
        event.participants.filter(withdrawn_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    kept = [m for m in schedule.meetings if {m.buyer, m.msme} <= active]
    if event.agenda_changes is not None:  # replacing a published schedule
        slot_index = {s.pk: i for i, s in slots.items()}
        before = [
            scheduling.Meeting(
                m.buyer_id, m.msme_id, slot_index[m.slot_id], m.table, m.weight
            )
            for m in event.meetings.filter(status=Meeting.Status.CONFIRMED)
        ]
        changed = _changed_agendas(before, kept) & active
        event.agenda_changes = sorted(changed | set(event.agenda_changes))
    event.meetings.all().delete()
    Meeting.objects.bulk_create(
        Meeting(
            event=event,
            buyer_id=m.buyer,
            msme_id=m.msme,
            slot=slots[m.slot],
            table=m.table,
            weight=m.weight,
        )
        for m in kept
    )
    run.status = ScheduleRun.Status.DONE
    run.finished_at = timezone.now()
    run.objective, run.bound = schedule.objective, schedule.bound
    run.ratio_to_bound = schedule.ratio_to_bound
    run.greedy_objective = greedy_objective
    run.meeting_count = len(kept)
    run.solver_status = schedule.status
    run.save()
    # a new schedule replaces a published one: agendas wait for the next publication,
    # which tells those whose meetings changed
    event.status = Status.SCHEDULED
    event.published_at = None
    event.save(update_fields=["status", "published_at", "agenda_changes", "updated_at"])
    audit.record(
        actor=run.started_by,
        action="trade.event.scheduled",
        obj=run,
        fields=["objective"],
    )
    left = (set(problem.buyers) | set(problem.msmes)) - active
    if len(kept) < len(schedule.meetings):
        _start_reschedule(
            event, by=run.started_by, withdrawn_id=min(left), counterparts=[]
        )
    return run


def _participant_users(participants: Any) -> list[Any]:
    from serumpun.accounts.models import User

    org_ids = [p.organisation_id for p in participants]
    return list(
        User.objects.filter(memberships__organisation_id__in=org_ids).distinct()
    )


@transaction.atomic
def publish_schedule(*, by: Any, event: MatchingEvent) -> MatchingEvent:
    """Publish the schedule: participants are told their agenda is ready."""
    require_permission(by, "event.manage")
    _locked(event)
    if event.status != Status.SCHEDULED:
        raise ConflictError(_("Make a schedule before publishing it."), field="status")
    if event.published_at is not None:
        raise ConflictError(_("The schedule is already published."), field="status")
    told = event.participants.filter(withdrawn_at__isnull=True)
    first = event.agenda_changes is None
    if not first:
        told = told.filter(pk__in=event.agenda_changes)
    event.published_at = timezone.now()
    event.agenda_changes = []
    event.save(update_fields=["published_at", "agenda_changes", "updated_at"])
    audit.record(
        actor=by, action="trade.event.published", obj=event, fields=["published_at"]
    )
    recipients = _participant_users(told)
    url = reverse("trade:event_agenda", args=[event.pk])
    subject = (
        gettext_lazy("Your meeting agenda is ready")
        if first
        else gettext_lazy("Your meeting agenda has changed")
    )
    transaction.on_commit(
        lambda: notify(
            recipients, subject=subject, body=event.title, url=url, kind="trade.event"
        )
    )
    return event


@transaction.atomic
def set_unavailable_slots(
    *, by: Any, participant: EventParticipant, slots: list[int]
) -> EventParticipant:
    """The slots a participant cannot attend (the scheduler leaves them free).

    Only until the schedule is published: afterwards a change would silently move meetings.
    """
    if not _may_act_for(by, participant.organisation_id):
        raise PermissionDenied(_("You may change only your own registration."))
    event = MatchingEvent.objects.get(pk=participant.event_id)  # its current status
    if event.published_at is not None or event.status not in {
        Status.OPEN,
        Status.SCHEDULED,
    }:
        raise ConflictError(
            _("The schedule is published; ask the trade attaché to change your times."),
            field="slots",
        )
    known = set(event.slots.values_list("index", flat=True))
    wanted = sorted(set(slots))
    if not set(wanted) <= known:
        raise ConflictError(_("Unknown time slot."), field="slots")
    participant.unavailable_slots = wanted
    participant.save(update_fields=["unavailable_slots"])
    audit.record(
        actor=by,
        action="trade.event.unavailable_slots",
        obj=participant,
        fields=["unavailable_slots"],
        organisation=participant.organisation,
    )
    return participant


@transaction.atomic
def withdraw_participant(
    *, by: Any, participant: EventParticipant
) -> ScheduleRun | None:
    """Withdraw from an event at once; a made schedule is then repaired in the background.

    The participant's meetings are cancelled in this transaction (agendas are right at
    once); the reschedule — moving as few meetings as possible and filling the freed
    places — runs as a task behind a progress bar. Returns that run, if any. The event's
    row lock orders this with a full run storing its schedule: while one is being solved
    no reschedule starts, the full run leaves the participant out when it stores.
    """
    if not _may_act_for(by, participant.organisation_id):
        raise PermissionDenied(_("You may withdraw only your own organisation."))
    event = _locked(participant.event)
    participant.refresh_from_db(fields=["withdrawn_at"])
    if participant.withdrawn_at is not None:
        raise ConflictError(_("Already withdrawn."), field="participant")
    participant.withdrawn_at = timezone.now()
    participant.save(update_fields=["withdrawn_at"])
    audit.record(
        actor=by,
        action="trade.event.withdrawn",
        obj=participant,
        organisation=participant.organisation,
    )
    mine = event.meetings.filter(status=Meeting.Status.CONFIRMED).filter(
        Q(buyer=participant) | Q(msme=participant)
    )
    counterparts = sorted(
        {
            b if b != participant.pk else m
            for b, m in mine.values_list("buyer_id", "msme_id")
        }
    )
    mine.update(status=Meeting.Status.CANCELLED)
    if event.status != Status.SCHEDULED or running_full_run(event) is not None:
        return None
    return _start_reschedule(
        event, by=by, withdrawn_id=participant.pk, counterparts=counterparts
    )


def _start_reschedule(
    event: MatchingEvent, *, by: Any, withdrawn_id: int, counterparts: list[int]
) -> ScheduleRun:
    """A reschedule run behind a progress bar; the task starts once this commits."""
    from serumpun.core.progress import start_progress
    from serumpun.trade import tasks_events

    by = by if getattr(by, "is_authenticated", False) else None
    progress = start_progress(
        kind="trade.event_reschedule",
        label=str(gettext_lazy("Rescheduling after a withdrawal")),
        user=by,
        total=3,
    )
    run = ScheduleRun.objects.create(
        event=event, kind=ScheduleRun.Kind.RESCHEDULE, started_by=by, progress=progress
    )
    transaction.on_commit(
        lambda: tasks_events.reschedule_event_task.enqueue(  # type: ignore[attr-defined]
            run.pk, withdrawn_id, counterparts
        )
    )
    return run


@transaction.atomic
def reschedule_after_withdrawal(
    *, run: ScheduleRun, withdrawn_id: int, counterparts: list[int], as_of: dt.date
) -> rescheduling.Rescheduled:
    """Repair the schedule (the task's body): keep meetings in place where possible,
    move as few as possible, fill the freed places; tell everyone whose agenda changed."""
    event = MatchingEvent.objects.select_for_update().get(pk=run.event_id)
    config = events_config()
    slots = {s.index: s for s in event.slots.all()}
    slot_index = {s.pk: s.index for s in slots.values()}
    confirmed = list(event.meetings.filter(status=Meeting.Status.CONFIRMED))
    current = [
        scheduling.Meeting(
            m.buyer_id, m.msme_id, slot_index[m.slot_id], m.table, m.weight
        )
        for m in confirmed
    ]
    gone = set(
        event.participants.filter(withdrawn_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    result = rescheduling.reschedule(
        event_problem(event, as_of=as_of),
        current,
        gone,
        time_limit_s=config.reschedule_time_limit_s,
        workers=config.workers,
    )
    rows = {(m.buyer_id, m.msme_id): m for m in confirmed}
    cancelled = [rows[m.pair] for m in (*result.removed, *result.dropped)]
    for row in cancelled:
        row.status = Meeting.Status.CANCELLED
    Meeting.objects.bulk_update(cancelled, ["status"])
    moved_rows = []
    for moved, from_slot in result.moved:
        row = rows[moved.pair]
        row.slot, row.table = slots[moved.slot], moved.table
        row.moved_from_slot = slots[from_slot]
        moved_rows.append(row)
    Meeting.objects.bulk_update(moved_rows, ["slot", "table", "moved_from_slot"])
    Meeting.objects.bulk_create(
        Meeting(
            event=event,
            buyer_id=m.buyer,
            msme_id=m.msme,
            slot=slots[m.slot],
            table=m.table,
            weight=m.weight,
        )
        for m in result.added
    )
    total = sum(m.weight for m in result.meetings)
    run.status = ScheduleRun.Status.DONE
    run.finished_at = timezone.now()
    run.objective = run.bound = total
    run.meeting_count = len(result.meetings)
    run.moved_meetings = result.moved_count
    run.solver_status = result.status
    run.save()
    audit.record(
        actor=run.started_by,
        action="trade.event.rescheduled",
        obj=run,
        fields=["moved_meetings"],
    )
    changed = {
        p
        for m in (*result.removed, *result.dropped, *result.added)
        for p in (m.buyer, m.msme)
    } | {p for m, _slot in result.moved for p in (m.buyer, m.msme)}
    affected = (changed | set(counterparts)) - gone - {withdrawn_id}
    if event.published_at and affected:
        _tell_changed(event, affected)
    elif event.agenda_changes is not None and affected:  # told at the next publication
        event.agenda_changes = sorted(affected | set(event.agenda_changes))
        event.save(update_fields=["agenda_changes"])
    return result


def _tell_changed(event: MatchingEvent, participant_ids: set[int]) -> None:
    recipients = _participant_users(
        EventParticipant.objects.filter(pk__in=participant_ids)
    )
    url = reverse("trade:event_agenda", args=[event.pk])
    transaction.on_commit(
        lambda: notify(
            recipients,
            subject=gettext_lazy("Your meeting agenda has changed"),
            body=event.title,
            url=url,
            kind="trade.event",
        )
    )


def participant_for(user: Any, event: MatchingEvent) -> EventParticipant | None:
    """The user's organisation's registration for the event, if any."""
    return (
        event.participants.filter(organisation_id__in=user.organisation_ids)
        .select_related("organisation", "msme")
        .first()
    )
