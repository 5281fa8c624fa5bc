"""Business-matching event pages: the list, a new event, an event's page with the schedule
grid, choosing whom to meet, and the printable personal agendas."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.trade import actions_events as actions
from serumpun.trade.forms_events import EventForm, WishForm
from serumpun.trade.models_events import EventParticipant, MatchingEvent, Meeting

TEMPLATES = "trade/events"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _event(request: HttpRequest, pk: int) -> MatchingEvent:
    return get_visible_or_404(MatchingEvent.objects.all(), request.user, pk=pk)


def _meetings(event: MatchingEvent) -> Any:
    return (
        Meeting.objects.filter(event=event, status=Meeting.Status.CONFIRMED)
        .select_related(
            "slot", "buyer__organisation", "msme__organisation", "msme__msme__regency"
        )
        .order_by("slot__index", "table")
    )


@require_safe
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Events the user may see, newest first."""
    events = MatchingEvent.objects.visible_to(request.user).order_by("-date", "-id")[
        :100
    ]
    can_manage = has_permission(request.user, "event.manage")
    return render(
        request, f"{TEMPLATES}/list.html", {"events": events, "can_manage": can_manage}
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    """The trade attaché creates an event and its slots."""
    if not has_permission(request.user, "event.manage"):
        raise PermissionDenied
    defaults = actions.events_config().defaults
    form = EventForm(
        request.POST or None,
        initial={
            "slot_minutes": defaults["slot_minutes"],
            "slot_count": defaults["slot_count"],
            "tables": defaults["tables"],
            "max_meetings_per_participant": defaults["max_meetings_per_participant"],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = actions.create_event(
            by=_user(request),
            timezone_name=data["timezone"],
            **{
                k: data[k]
                for k in (
                    "title",
                    "venue",
                    "city",
                    "date",
                    "registration_deadline",
                    "tables",
                    "max_meetings_per_participant",
                )
            },
        )
        actions.generate_slots(
            by=_user(request),
            event=event,
            first_start=data["first_start"],
            minutes=data["slot_minutes"],
            count=data["slot_count"],
        )
        return redirect("trade:event_detail", event.pk)
    return render(request, f"{TEMPLATES}/form.html", {"form": form})


def _grid(event: MatchingEvent, meetings: list[Meeting]) -> list[dict[str, Any]]:
    """Rows of the slots × tables grid."""
    by_cell = {(m.slot_id, m.table): m for m in meetings}
    tables = range(1, event.tables + 1)
    return [
        {"slot": slot, "cells": [by_cell.get((slot.pk, t)) for t in tables]}
        for slot in event.slots.all()
    ]


@require_safe
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event: facts, registration, and for the attaché the schedule run and its grid."""
    event = _event(request, pk)
    manage = has_permission(request.user, "event.manage")
    meetings = list(_meetings(event)) if manage else []
    context = {
        "event": event,
        "manage": manage,
        "me": actions.participant_for(request.user, event),
        "may_register": _user(request).role in {"buyer", "msme_owner"},
        "run": event.schedule_runs.filter(kind="full")
        .select_related("progress")
        .first(),
        "grid": _grid(event, meetings) if manage else [],
        "tables": range(1, event.tables + 1),
        "counts": {
            "buyers": event.participants.filter(
                side="buyer", withdrawn_at__isnull=True
            ).count(),
            "msmes": event.participants.filter(
                side="msme", withdrawn_at__isnull=True
            ).count(),
            "wishes": event.wishes.count(),
            "meetings": len(meetings),
        },
    }
    return render(request, f"{TEMPLATES}/detail.html", context)


def _act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    event = _event(request, pk)
    by = _user(request)
    try:
        if verb == "open":
            actions.open_registration(by=by, event=event)
        elif verb == "schedule":
            actions.start_schedule_run(by=by, event=event)
        elif verb == "publish":
            actions.publish_schedule(by=by, event=event)
        elif verb == "register":
            organisation = by.organisation
            if organisation is None:
                raise PermissionDenied
            actions.register_participant(by=by, event=event, organisation=organisation)
        elif verb == "withdraw":
            me = actions.participant_for(by, event)
            if me is None:
                raise Http404
            actions.withdraw_participant(by=by, participant=me)
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:event_detail", event.pk)


@require_POST
@login_required
def event_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Open registration, run or publish the schedule, register or withdraw."""
    if verb not in {"open", "schedule", "publish", "register", "withdraw"}:
        raise Http404
    return _act(request, pk, verb)


@require_http_methods(["GET", "POST"])
@login_required
def event_wishes(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick whom to meet: the other side, best match score first."""
    event = _event(request, pk)
    me = actions.participant_for(request.user, event)
    if me is None or not me.is_active:
        raise Http404
    others = list(
        event.participants.filter(withdrawn_at__isnull=True)
        .exclude(side=me.side)
        .select_related("organisation", "msme")
    )
    if request.method == "POST":
        form = WishForm(request.POST)
        target = next(
            (
                o
                for o in others
                if form.is_valid() and o.pk == form.cleaned_data["participant_id"]
            ),
            None,
        )
        if target is None:
            raise Http404
        try:
            actions.mark_wish(
                by=_user(request),
                participant=me,
                target=target,
                priority=form.cleaned_data["priority"],
            )
        except ConflictError as error:
            messages.error(request, error.message)
        return redirect("trade:event_wishes", event.pk)
    rows = _suggestions(me, others)
    return render(
        request, f"{TEMPLATES}/wishes.html", {"event": event, "me": me, "rows": rows}
    )


def _suggestions(
    me: EventParticipant, others: list[EventParticipant]
) -> list[dict[str, Any]]:
    from serumpun.trade.matching import pair_scores

    if me.side == "buyer":
        scores = pair_scores(
            [me.organisation_id],
            [o.msme_id for o in others if o.msme_id],
            as_of=timezone.localdate(),
        )
        score_of = {
            o.pk: scores.get((me.organisation_id, o.msme_id or 0), 0.0) for o in others
        }
    else:
        scores = pair_scores(
            [o.organisation_id for o in others],
            [me.msme_id or 0],
            as_of=timezone.localdate(),
        )
        score_of = {
            o.pk: scores.get((o.organisation_id, me.msme_id or 0), 0.0) for o in others
        }
    mine = dict(me.wishes_made.values_list("to_participant_id", "priority"))
    ranked = sorted(others, key=lambda o: (-score_of[o.pk], o.organisation.name))
    limit = actions.events_config().defaults.get("suggestions", 50)
    return [
        {
            "participant": o,
            "score": score_of[o.pk],
            "priority": mine.get(o.pk),
            "form": WishForm(
                initial={"participant_id": o.pk, "priority": mine.get(o.pk, 2)}
            ),
        }
        for o in ranked[:limit]
    ]


def _agendas(
    event: MatchingEvent, participants: list[EventParticipant]
) -> list[dict[str, Any]]:
    wanted = {p.pk for p in participants}
    per: dict[int, list[Meeting]] = defaultdict(list)
    for m in _meetings(event):
        for side in (m.buyer_id, m.msme_id):
            if side in wanted:
                per[side].append(m)
    return [{"participant": p, "meetings": per[p.pk]} for p in participants]


@require_safe
@login_required
def event_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """My agenda (printable, one page): time, table, counterpart, their product or interest."""
    event = _event(request, pk)
    me = actions.participant_for(request.user, event)
    if me is None:
        raise Http404
    visible = event.published_at is not None or has_permission(
        request.user, "event.manage"
    )
    agendas = _agendas(event, [me]) if visible else []
    return render(
        request,
        f"{TEMPLATES}/agenda.html",
        {"event": event, "agendas": agendas, "published": visible},
    )


@require_safe
@login_required
def event_agendas_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant's agenda, one per printed page (for the attaché)."""
    event = _event(request, pk)
    if not has_permission(request.user, "event.manage"):
        raise PermissionDenied
    people = list(
        event.participants.filter(withdrawn_at__isnull=True).select_related(
            "organisation", "msme"
        )
    )
    return render(
        request,
        f"{TEMPLATES}/agenda.html",
        {"event": event, "agendas": _agendas(event, people), "published": True},
    )
