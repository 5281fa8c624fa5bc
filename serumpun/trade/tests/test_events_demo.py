"""The events demo seeder: one upcoming event, demo logins registered, a schedule, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest

from serumpun.core.demo import SCALES, SeedContext, seed_demo_logins
from serumpun.exporters import demo as exporters_demo
from serumpun.trade import demo_buyers, demo_events
from serumpun.trade.models_events import MatchingEvent, Meeting, ScheduleRun

pytestmark = pytest.mark.django_db


def run() -> None:
    ctx = SeedContext(scale=SCALES["demo"], seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    exporters_demo.seed_msmes(ctx)
    demo_buyers.seed_buyers(ctx)
    demo_events.seed_events(ctx)


def test_the_demo_event_is_scheduled_published_and_idempotent():
    run()
    counts = (MatchingEvent.objects.count(), Meeting.objects.count())
    run()
    assert (MatchingEvent.objects.count(), Meeting.objects.count()) == counts
    event = MatchingEvent.objects.get()
    assert event.is_demo
    assert event.status == "scheduled"
    assert event.published_at is not None
    assert event.slots.count() == demo_events.SLOTS
    emails = set(
        event.participants.values_list(
            "organisation__memberships__user__email", flat=True
        )
    )
    assert {*demo_events.DEMO_BUYERS, *demo_events.DEMO_MSMES} <= emails
    meetings = list(Meeting.objects.filter(event=event))
    assert meetings
    assert max(Counter(m.slot_id for m in meetings).values()) <= event.tables
    run_ = ScheduleRun.objects.get(event=event)
    assert run_.objective == run_.bound  # a small instance: proven optimal
