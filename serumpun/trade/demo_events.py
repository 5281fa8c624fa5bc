"""Demo business-matching event (seeder "trade.events", runs last of the trade seeders).

One upcoming event, "Temu Bisnis Lampung–Malaysia 2027" at MITEC, Kuala Lumpur, on
18 February 2027: 8 slots of 20 minutes × 4 tables, at most 5 meetings each. Both demo buyers
and up to six more buyer organisations, the two demo MSMEs and up to ten more verified MSMEs
register; wishes are drawn from `ctx.rng_for` (every buyer wishes 3–5 MSMEs, every MSME
wishes 1–3 buyers; the demo buyers always wish the demo MSMEs), and the schedule is computed
with the real solver (a short time limit; the instance is small) and published.
Idempotent: an existing demo event of the same title is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from serumpun.accounts.models import Organisation, User
from serumpun.core.demo import SeedContext, register_seeder
from serumpun.exporters.models import MSME, Verification
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import (
    EventParticipant,
    EventSlot,
    MatchingEvent,
    MeetingWish,
    ScheduleRun,
)

TITLE = "Temu Bisnis Lampung–Malaysia 2027"
EVENT_DAY = dt.date(2027, 2, 18)
SLOTS, SLOT_MINUTES, TABLES, MAX_MEETINGS = 8, 20, 4, 5
DEMO_BUYERS = ("buyer@demo.serumpun.id", "buyer2@demo.serumpun.id")
DEMO_MSMES = ("msme@demo.serumpun.id", "msme2@demo.serumpun.id")
EXTRA_BUYERS, EXTRA_MSMES = 6, 10
SOLVER_SECONDS = 10.0


def _orgs_of(emails: tuple[str, ...]) -> list[Organisation]:
    found = []
    for email in emails:
        user = User.objects.filter(email=email).first()
        if user is not None and user.organisation is not None:
            found.append(user.organisation)
    return found


def _create_event(organiser: Organisation) -> MatchingEvent:
    event = MatchingEvent.objects.create(
        organiser=organiser,
        title=TITLE,
        venue="MITEC (Malaysia International Trade and Exhibition Centre)",
        city="Kuala Lumpur",
        date=EVENT_DAY,
        timezone="Asia/Kuala_Lumpur",
        registration_deadline=EVENT_DAY - dt.timedelta(days=14),
        tables=TABLES,
        max_meetings_per_participant=MAX_MEETINGS,
        status=MatchingEvent.Status.OPEN,
        is_demo=True,
    )
    start = dt.datetime.combine(
        EVENT_DAY, dt.time(9, 30), tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    length = dt.timedelta(minutes=SLOT_MINUTES)
    EventSlot.objects.bulk_create(
        EventSlot(
            event=event,
            index=i,
            starts_at=start + i * length,
            ends_at=start + (i + 1) * length,
        )
        for i in range(SLOTS)
    )
    return event


def seed_events(ctx: SeedContext) -> None:
    """Create, fill and schedule the demo event."""
    attache = User.objects.filter(email="trade.attache@demo.serumpun.id").first()
    if attache is None or attache.organisation is None:
        return
    if MatchingEvent.objects.filter(title=TITLE, is_demo=True).exists():
        return
    event = _create_event(attache.organisation)
    buyers = _orgs_of(DEMO_BUYERS)
    buyers += list(
        Organisation.objects.filter(kind="buyer", buyer_profile__isnull=False)
        .exclude(pk__in=[b.pk for b in buyers])
        .order_by("pk")[:EXTRA_BUYERS]
    )
    msme_orgs = _orgs_of(DEMO_MSMES)
    extra = (
        MSME.objects.filter(
            verification=Verification.VERIFIED, organisation__isnull=False
        )
        .exclude(organisation__in=msme_orgs)
        .order_by("pk")[:EXTRA_MSMES]
    )
    msme_orgs += [m.organisation for m in extra if m.organisation is not None]
    msme_of = dict(
        MSME.objects.filter(organisation__in=msme_orgs).values_list(
            "organisation_id", "pk"
        )
    )
    people = EventParticipant.objects.bulk_create(
        [
            EventParticipant(event=event, organisation=o, side="buyer", is_demo=True)
            for o in buyers
        ]
        + [
            EventParticipant(
                event=event,
                organisation=o,
                side="msme",
                msme_id=msme_of[o.pk],
                is_demo=True,
            )
            for o in msme_orgs
            if o.pk in msme_of
        ]
    )
    _seed_wishes(ctx, event, people)
    run = ScheduleRun.objects.create(event=event, started_by=attache)
    actions.compute_schedule(
        run=run, as_of=timezone.localdate(), time_limit_s=SOLVER_SECONDS
    )
    MatchingEvent.objects.filter(pk=event.pk).update(published_at=timezone.now())
    ctx.out(
        f"trade.events: {TITLE}, {run.meeting_count} meetings ({run.solver_status})"
    )


def _seed_wishes(
    ctx: SeedContext, event: MatchingEvent, people: list[EventParticipant]
) -> None:
    buyers = [p for p in people if p.side == "buyer"]
    msmes = [p for p in people if p.side == "msme"]
    wishes: dict[tuple[int, int], int] = {}
    for i, buyer in enumerate(buyers):
        rng = ctx.rng_for("trade.events", "buyer", buyer.organisation_id)
        chosen = rng.sample(msmes, min(len(msmes), rng.randint(3, 5)))
        if i < len(DEMO_BUYERS):  # the demo logins always get meetings to show
            chosen = [*msmes[: len(DEMO_MSMES)], *chosen]
        for msme in chosen:
            wishes[(buyer.pk, msme.pk)] = rng.randint(1, 3)
    for msme in msmes:
        rng = ctx.rng_for("trade.events", "msme", msme.organisation_id)
        for buyer in rng.sample(buyers, min(len(buyers), rng.randint(1, 3))):
            wishes[(msme.pk, buyer.pk)] = rng.randint(1, 3)
    MeetingWish.objects.bulk_create(
        MeetingWish(event=event, from_participant_id=a, to_participant_id=b, priority=p)
        for (a, b), p in wishes.items()
    )


register_seeder("trade.events", seed_events)
