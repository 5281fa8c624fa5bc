"""Actions: business-matching events — create, register, wish, schedule, publish, withdraw.

Every state change of an event goes through one of these functions: it checks the actor's
permission, runs in one transaction, writes the audit row and notifies on commit. The
scheduler itself is pure (rules/scheduling.py); `run_schedule` loads the event into it.
"""

from __future__ import annotations

import datetime as dt
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
from serumpun.trade.rules import scheduling

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
    if event.status not in {Status.DRAFT, Status.OPEN}:
        raise ConflictError(_("Slots cannot change once the schedule is made."))
    if minutes <= 0 or count <= 0:
        raise ConflictError(_("Slot length and count must be positive."), field="count")
    zone = ZoneInfo(event.timezone)
    start = dt.datetime.combine(event.date, first_start, tzinfo=zone)
    length = dt.timedelta(minutes=minutes)
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
    if event.status not in {Status.OPEN, Status.SCHEDULED}:
        raise ConflictError(_("Open registration before scheduling."), field="status")
    with transaction.atomic():
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


@transaction.atomic
def compute_schedule(
    *, run: ScheduleRun, as_of: dt.date, time_limit_s: float | None = None
) -> ScheduleRun:
    """Solve the event and store its meetings (replacing any unpublished ones)."""
    config = events_config()
    event = run.event
    problem = event_problem(event, as_of=as_of)
    greedy = scheduling.greedy_schedule(problem)
    schedule = scheduling.schedule_event(
        problem,
        time_limit_s=time_limit_s or config.time_limit_s,
        workers=config.workers,
    )
    slots = {s.index: s for s in event.slots.all()}
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
        for m in schedule.meetings
    )
    run.status = ScheduleRun.Status.DONE
    run.finished_at = timezone.now()
    run.objective, run.bound = schedule.objective, schedule.bound
    run.ratio_to_bound = schedule.ratio_to_bound
    run.greedy_objective = greedy.objective
    run.meeting_count = len(schedule.meetings)
    run.solver_status = schedule.status
    run.save()
    if event.status == Status.OPEN:
        event.status = Status.SCHEDULED
        event.published_at = None
        event.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=run.started_by,
        action="trade.event.scheduled",
        obj=run,
        fields=["objective"],
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
    if event.status != Status.SCHEDULED:
        raise ConflictError(_("Make a schedule before publishing it."), field="status")
    event.published_at = timezone.now()
    event.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor=by, action="trade.event.published", obj=event, fields=["published_at"]
    )
    recipients = _participant_users(
        event.participants.filter(withdrawn_at__isnull=True)
    )
    url = reverse("trade:event_agenda", args=[event.pk])
    transaction.on_commit(
        lambda: notify(
            recipients,
            subject=gettext_lazy("Your meeting agenda is ready"),
            body=event.title,
            url=url,
            kind="trade.event",
        )
    )
    return event


@transaction.atomic
def withdraw_participant(
    *, by: Any, participant: EventParticipant, as_of: dt.date | None = None
) -> scheduling.Rescheduled | None:
    """Withdraw from an event; a made schedule is repaired, moving as few meetings as possible."""
    if not _may_act_for(by, participant.organisation_id):
        raise PermissionDenied(_("You may withdraw only your own organisation."))
    if participant.withdrawn_at is not None:
        raise ConflictError(_("Already withdrawn."), field="participant")
    event = participant.event
    participant.withdrawn_at = timezone.now()
    participant.save(update_fields=["withdrawn_at"])
    audit.record(
        actor=by,
        action="trade.event.withdrawn",
        obj=participant,
        organisation=participant.organisation,
    )
    if event.status != Status.SCHEDULED:
        return None
    return _reschedule(by=by, event=event, withdrawn=participant, as_of=as_of)


def _reschedule(
    *, by: Any, event: MatchingEvent, withdrawn: EventParticipant, as_of: dt.date | None
) -> scheduling.Rescheduled:
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
    problem = event_problem(event, as_of=as_of or timezone.localdate())
    result = scheduling.reschedule(
        problem,
        current,
        [withdrawn.pk],
        time_limit_s=config.reschedule_time_limit_s,
        workers=config.workers,
    )
    rows = {(m.buyer_id, m.msme_id): m for m in confirmed}
    for gone in (*result.removed, *result.dropped):
        row = rows[gone.pair]
        row.status = Meeting.Status.CANCELLED
        row.save(update_fields=["status"])
    for moved, from_slot in result.moved:
        row = rows[moved.pair]
        row.slot, row.table, row.moved_from_slot = (
            slots[moved.slot],
            moved.table,
            slots[from_slot],
        )
        row.save(update_fields=["slot", "table", "moved_from_slot"])
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
    run = ScheduleRun.objects.create(
        event=event,
        kind=ScheduleRun.Kind.RESCHEDULE,
        status=ScheduleRun.Status.DONE,
        started_by=by if getattr(by, "is_authenticated", False) else None,
        finished_at=timezone.now(),
        objective=total,
        bound=total,
        meeting_count=len(result.meetings),
        moved_meetings=result.moved_count,
        solver_status=result.status,
    )
    audit.record(
        actor=by, action="trade.event.rescheduled", obj=run, fields=["moved_meetings"]
    )
    affected = (
        {m.buyer for m in (*result.removed, *result.added)}
        | {m.msme for m in (*result.removed, *result.added)}
        | {m.buyer for m, _ in result.moved}
        | {m.msme for m, _ in result.moved}
    )
    affected.discard(withdrawn.pk)
    if event.published_at and affected:
        recipients = _participant_users(
            EventParticipant.objects.filter(pk__in=affected)
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
    return result


def participant_for(user: Any, event: MatchingEvent) -> EventParticipant | None:
    """The user's organisation's registration for the event, if any."""
    return (
        event.participants.filter(organisation_id__in=user.organisation_ids)
        .select_related("organisation", "msme")
        .first()
    )
