"""API: trade business-matching events (../shared/API.md "Trade").

No `from __future__ import annotations` here: ninja resolves the query-parameter types
of a paginated route at import time.

Events are read through `MatchingEvent.objects.visible_to`: a draft event is the organiser's
only, so anyone else gets a 404. Changes go through `serumpun.trade.actions_events`.
"""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.core.pagination import LimitOffset
from serumpun.trade import actions_events as actions
from serumpun.trade.models_events import EventParticipant, MatchingEvent, Meeting

router = Router(tags=["trade"])

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


class EventOut(Schema):
    """A business-matching event."""

    id: int
    title: str
    venue: str
    city: str
    date: dt.date
    timezone: str
    registration_deadline: dt.date
    tables: int
    max_meetings_per_participant: int
    status: str
    slot_count: int
    published_at: dt.datetime | None

    @staticmethod
    def resolve_slot_count(obj: MatchingEvent) -> int:
        return obj.slots.count()


class RegistrationIn(Schema):
    """Register the caller's organisation; the trade attaché names another one."""

    organisation_id: RecordId | None = None


class ParticipantOut(Schema):
    """A registration for an event."""

    id: int
    event_id: int
    organisation_id: int
    organisation_name: str
    side: str
    msme_id: int | None
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_organisation_name(obj: EventParticipant) -> str:
        return obj.organisation.name


class WishIn(Schema):
    """Whom the caller wishes to meet (a participant of the other side), 1 = first choice."""

    participant_id: RecordId
    priority: int = Field(2, ge=1, le=3)
    on_behalf_of_participant_id: RecordId | None = Field(
        None, description="Trade attaché only: the participant the wish is made for."
    )


class WishOut(Schema):
    """A wish to meet."""

    id: int
    from_participant_id: int
    to_participant_id: int
    priority: int


class MeetingOut(Schema):
    """One meeting of the caller's agenda."""

    id: int
    slot: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    table: int
    counterpart_participant_id: int
    counterpart_name: str
    status: str


def _events() -> Any:
    return MatchingEvent.objects.all()


@router.get("/events", response=list[EventOut], summary="Business-matching events")
@paginate(LimitOffset)
def list_events(request: HttpRequest) -> QuerySet[MatchingEvent]:
    """Events the caller may see (drafts only to the organiser)."""
    return _events().visible_to(_user(request)).order_by("-date", "-id")


@router.get(
    "/events/{event_id}", response=EventOut, summary="A business-matching event"
)
def get_event(request: HttpRequest, event_id: RecordId) -> MatchingEvent:
    """One event (a draft of another organiser is a 404)."""
    return get_visible_or_404(_events(), _user(request), pk=event_id)


@router.post(
    "/events/{event_id}/registrations",
    response={201: ParticipantOut},
    summary="Register for an event",
)
def register(
    request: HttpRequest, event_id: RecordId, payload: RegistrationIn
) -> tuple[int, EventParticipant]:
    """Register the caller's buyer or MSME organisation (409 when closed or already in)."""
    user = _user(request)
    event = get_visible_or_404(_events(), user, pk=event_id)
    organisation: Any = user.organisation
    if payload.organisation_id is not None:
        found = Organisation.objects.filter(pk=payload.organisation_id).first()
        if found is None or not (
            has_permission(user, "event.manage") or found.pk in user.organisation_ids
        ):
            raise Http404
        organisation = found
    if organisation is None:
        raise Http404
    created = call_action(
        actions.register_participant, by=user, event=event, organisation=organisation
    )
    return 201, EventParticipant.objects.select_related("organisation").get(
        pk=created.pk
    )


@router.post(
    "/events/{event_id}/wishes", response={201: WishOut}, summary="Wish to meet someone"
)
def wish(request: HttpRequest, event_id: RecordId, payload: WishIn) -> tuple[int, Any]:
    """The caller's registration wishes to meet `participant_id` (404 when not registered)."""
    user = _user(request)
    event = get_visible_or_404(_events(), user, pk=event_id)
    if payload.on_behalf_of_participant_id and has_permission(user, "event.manage"):
        me = event.participants.filter(pk=payload.on_behalf_of_participant_id).first()
    else:
        me = actions.participant_for(user, event)
    target = event.participants.filter(pk=payload.participant_id).first()
    if me is None or target is None:
        raise Http404
    created = call_action(
        actions.mark_wish,
        by=user,
        participant=me,
        target=target,
        priority=payload.priority,
    )
    return 201, created


@router.get(
    "/events/{event_id}/agenda",
    response=list[MeetingOut],
    summary="My meetings at an event",
)
@paginate(LimitOffset)
def agenda(request: HttpRequest, event_id: RecordId) -> list[dict[str, Any]]:
    """The caller's confirmed meetings, once the schedule is published."""
    user = _user(request)
    event = get_visible_or_404(_events(), user, pk=event_id)
    me = actions.participant_for(user, event)
    if me is None or event.published_at is None:
        return []
    meetings = (
        (
            Meeting.objects.filter(event=event, status=Meeting.Status.CONFIRMED).filter(
                buyer=me
            )
            | Meeting.objects.filter(
                event=event, status=Meeting.Status.CONFIRMED, msme=me
            )
        )
        .select_related("slot", "buyer__organisation", "msme__organisation")
        .order_by("slot__index")
    )
    rows = []
    for m in meetings:
        other = m.msme if m.buyer_id == me.pk else m.buyer
        rows.append(
            {
                "id": m.pk,
                "slot": m.slot.index,
                "starts_at": m.slot.starts_at,
                "ends_at": m.slot.ends_at,
                "table": m.table,
                "counterpart_participant_id": other.pk,
                "counterpart_name": other.organisation.name,
                "status": m.status,
            }
        )
    return rows
