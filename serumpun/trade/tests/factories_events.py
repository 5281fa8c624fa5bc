"""Factories of the trade events tests: an event with slots, and registered participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.tests.factories import MSMEFactory
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import EventParticipant, MatchingEvent
from serumpun.trade.tests.factories import attache_user, buyer_user

EVENT_DAY = dt.date(2027, 2, 18)


def make_event(
    attache: User | None = None,
    *,
    tables: int = 2,
    slots: int = 3,
    max_meetings: int = 2,
    open_: bool = True,
) -> MatchingEvent:
    """An event by `attache` (a fresh one if None) with `slots` 20-minute slots."""
    attache = attache or attache_user()
    event = actions.create_event(
        by=attache,
        title="Temu Bisnis Lampung–Malaysia",
        venue="MITEC",
        city="Kuala Lumpur",
        date=EVENT_DAY,
        registration_deadline=EVENT_DAY - dt.timedelta(days=14),
        tables=tables,
        max_meetings_per_participant=max_meetings,
    )
    actions.generate_slots(
        by=attache, event=event, first_start=dt.time(9, 0), minutes=20, count=slots
    )
    if open_:
        actions.open_registration(by=attache, event=event)
    return event


def msme_owner() -> User:
    """An MSME owner whose organisation has its MSME profile."""
    msme = MSMEFactory.create(verified=True)
    return make_user(Role.MSME_OWNER, organisation=msme.organisation)


@dataclass
class Crowd:
    """An open event with its attaché, buyers and MSMEs registered."""

    event: MatchingEvent
    attache: User
    buyers: list[User] = field(default_factory=list)
    msmes: list[User] = field(default_factory=list)
    participants: dict[int, EventParticipant] = field(default_factory=dict)

    def me(self, user: User) -> EventParticipant:
        return self.participants[user.pk]


def crowd(n_buyers: int = 2, n_msmes: int = 3, **event_kw: Any) -> Crowd:
    """An event where every buyer wished every MSME (priority 1)."""
    attache = attache_user()
    event = make_event(attache, **event_kw)
    result = Crowd(event, attache)
    today = EVENT_DAY - dt.timedelta(days=30)
    for _ in range(n_buyers):
        user = buyer_user()
        result.buyers.append(user)
        result.participants[user.pk] = actions.register_participant(
            by=user, event=event, organisation=user.organisation, as_of=today
        )
    for _ in range(n_msmes):
        user = msme_owner()
        result.msmes.append(user)
        result.participants[user.pk] = actions.register_participant(
            by=user, event=event, organisation=user.organisation, as_of=today
        )
    for b in result.buyers:
        for m in result.msmes:
            actions.mark_wish(
                by=b, participant=result.me(b), target=result.me(m), priority=1
            )
    return result
