"""Business-matching event pages: the list, a new event and editing it, an event's page with
the schedule grid, the attaché's participants and wishes overview, choosing whom to meet
(with reasons), the slots one cannot attend, and the printable personal agendas (and PDF)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
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
from serumpun.trade.forms_events import (
    EventEditForm,
    EventForm,
    RegisterForm,
    UnavailableForm,
    WishForm,
)
from serumpun.trade.models_events import (
    EventParticipant,
    MatchingEvent,
    Meeting,
    MeetingWish,
)

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


def _schedule_context(event: MatchingEvent) -> dict[str, Any]:
    """The attaché's part of the event page: runs, progress bars, the grid."""
    meetings = list(_meetings(event))
    runs = event.schedule_runs.select_related("progress")
    run = runs.filter(kind="full").first()
    return {
        "run": run,
        "solving": run is not None
        and run.status == "running"
        and run.started_at >= timezone.now() - actions.STALE_RUN,
        "reschedule": runs.filter(kind="reschedule").first(),
        "grid": _grid(event, meetings),
        "tables": range(1, event.tables + 1),
        "meeting_count": len(meetings),
        "wish_count": event.wishes.count(),
    }


@require_safe
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event: facts, registration, and for the attaché the schedule run and its grid."""
    event = _event(request, pk)
    manage = has_permission(request.user, "event.manage")
    me = actions.participant_for(request.user, event)
    active = event.participants.filter(withdrawn_at__isnull=True)
    context: dict[str, Any] = {
        "event": event,
        "manage": manage,
        "me": me,
        "may_register": _user(request).role in {"buyer", "msme_owner"},
        "counts": {
            "buyers": active.filter(side="buyer").count(),
            "msmes": active.filter(side="msme").count(),
        },
        **(_schedule_context(event) if manage else {}),
    }
    if me is not None and me.is_active and event.published_at is None:
        context["unavailable_form"] = UnavailableForm(
            initial={"slots": me.unavailable_slots}, event=event
        )
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
    rows = _suggestions(me, others, _user(request))
    return render(
        request, f"{TEMPLATES}/wishes.html", {"event": event, "me": me, "rows": rows}
    )


def _suggestions(
    me: EventParticipant, others: list[EventParticipant], user: User
) -> list[dict[str, Any]]:
    from serumpun.trade.fit_events import pair_fits

    if me.side == "buyer":
        pairs = {o.pk: (me.organisation_id, o.msme_id or 0) for o in others}
        fits = pair_fits(
            [me.organisation_id],
            [o.msme_id for o in others if o.msme_id],
            as_of=timezone.localdate(),
            viewer=user,
        )
    else:
        pairs = {o.pk: (o.organisation_id, me.msme_id or 0) for o in others}
        fits = pair_fits(
            [o.organisation_id for o in others],
            [me.msme_id or 0],
            as_of=timezone.localdate(),
            viewer=user,
        )
    fit_of = {pk: fits.get(pair) for pk, pair in pairs.items()}
    score_of = {pk: fit.score if fit else 0.0 for pk, fit in fit_of.items()}
    mine = dict(me.wishes_made.values_list("to_participant_id", "priority"))
    ranked = sorted(others, key=lambda o: (-score_of[o.pk], o.organisation.name))
    limit = actions.events_config().defaults.get("suggestions", 50)
    return [
        {
            "participant": o,
            "score": score_of[o.pk],
            "fit": fit_of[o.pk],
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
    meetings = list(_meetings(event))
    for m in meetings:
        for side in (m.buyer_id, m.msme_id):
            if side in wanted:
                per[side].append(m)
    offers = _counterpart_offers(meetings, participants)
    return [
        {
            "participant": p,
            "meetings": [
                {"meeting": m, "offer": offers.get((p.pk, m.pk), ())} for m in per[p.pk]
            ],
        }
        for p in participants
    ]


def _counterpart_offers(
    meetings: list[Meeting], participants: list[EventParticipant]
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Per (agenda owner, meeting): the MSME's products (name, HS) for a buyer, or the
    buyer's open requests the MSME may read for an MSME. Three queries in all."""
    from serumpun.exporters.models import Product
    from serumpun.exporters.models import Verification as MSMEVerification
    from serumpun.trade.models import RequestVisibility, SourcingRequest

    products: dict[int, list[str]] = defaultdict(list)
    for msme_id, name, hs in Product.objects.filter(
        msme_id__in={m.msme.msme_id for m in meetings}, is_active=True
    ).values_list("msme_id", "name_id", "hs_code_id"):
        products[msme_id].append(f"{name} (HS {hs})")
    requests = list(
        SourcingRequest.objects.open()
        .filter(buyer_id__in={m.buyer.organisation_id for m in meetings})
        .exclude(valid_until__lt=timezone.localdate())
        .values_list("pk", "buyer_id", "title", "visibility")
    )
    invited: dict[int, set[int]] = defaultdict(set)
    for request_id, msme_id in SourcingRequest.invited.through.objects.filter(
        sourcingrequest_id__in=[r[0] for r in requests]
    ).values_list("sourcingrequest_id", "msme_id"):
        invited[request_id].add(msme_id)
    offers: dict[tuple[int, int], tuple[str, ...]] = {}
    by_id = {p.pk: p for p in participants}
    for m in meetings:
        if m.buyer_id in by_id:
            offers[(m.buyer_id, m.pk)] = tuple(products.get(m.msme.msme_id or 0, ()))
        reader = by_id.get(m.msme_id)
        if reader is None:
            continue
        verified = (
            reader.msme is not None
            and reader.msme.verification == MSMEVerification.VERIFIED
        )
        offers[(reader.pk, m.pk)] = tuple(
            title
            for pk, buyer, title, visibility in requests
            if buyer == m.buyer.organisation_id
            and (
                reader.msme_id in invited[pk]
                or (verified and visibility == RequestVisibility.VERIFIED_MSMES)
            )
        )
    return offers


def _my_agenda(request: HttpRequest, pk: int) -> dict[str, Any]:
    event = _event(request, pk)
    me = actions.participant_for(request.user, event)
    if me is None:
        raise Http404
    visible = event.published_at is not None or has_permission(
        request.user, "event.manage"
    )
    agendas = _agendas(event, [me]) if visible else []
    return {"event": event, "agendas": agendas, "published": visible, "pdf_all": False}


def _all_agendas(request: HttpRequest, pk: int) -> dict[str, Any]:
    event = _event(request, pk)
    if not has_permission(request.user, "event.manage"):
        raise PermissionDenied
    people = list(
        event.participants.filter(withdrawn_at__isnull=True).select_related(
            "organisation", "msme"
        )
    )
    agendas = _agendas(event, people)
    return {"event": event, "agendas": agendas, "published": True, "pdf_all": True}


def _pdf(request: HttpRequest, context: dict[str, Any], name: str) -> HttpResponse:
    """The agenda page as a PDF (weasyprint), one agenda per page."""
    from weasyprint import CSS, HTML

    html = render_to_string(f"{TEMPLATES}/agenda_pdf.html", context, request=request)
    stylesheet = finders.find("css/trade-events.css")
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))] if stylesheet else None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@require_safe
@login_required
def event_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """My agenda (printable, one page): time, table, counterpart, their products or requests."""
    return render(request, f"{TEMPLATES}/agenda.html", _my_agenda(request, pk))


@require_safe
@login_required
def event_agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """My agenda as a PDF (once the schedule is published)."""
    context = _my_agenda(request, pk)
    if not context["published"]:
        raise Http404
    return _pdf(request, context, f"agenda-{pk}")


@require_safe
@login_required
def event_agendas_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant's agenda, one per printed page (for the attaché)."""
    return render(request, f"{TEMPLATES}/agenda.html", _all_agendas(request, pk))


@require_safe
@login_required
def event_agendas_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant's agenda as one PDF, one agenda per page (for the attaché)."""
    return _pdf(request, _all_agendas(request, pk), f"agendas-{pk}")


# --- The attaché: edit, participants and wishes ------------------------------------------


def _errors(form: Any) -> str:
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)


def _manage(request: HttpRequest, pk: int) -> MatchingEvent:
    event = _event(request, pk)
    if not has_permission(request.user, "event.manage"):
        raise PermissionDenied
    return event


def _edit_initial(event: MatchingEvent) -> dict[str, Any]:
    initial: dict[str, Any] = {k: getattr(event, k) for k in actions.EDITABLE}
    slots = list(event.slots.all())
    if slots:
        zone = ZoneInfo(event.timezone)
        initial["first_start"] = slots[0].starts_at.astimezone(zone).time()
        minutes = (slots[0].ends_at - slots[0].starts_at).total_seconds() // 60
        initial["slot_minutes"] = int(minutes)
        initial["slot_count"] = len(slots)
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an event; generating slots anew first shows what would be discarded."""
    event = _manage(request, pk)
    form = EventEditForm(request.POST or None, initial=_edit_initial(event))
    confirm = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stake = {"slots": event.slots.count(), "meetings": event.meetings.count()}
        confirmed = request.POST.get("confirm") == "on"
        if data["regenerate"] and any(stake.values()) and not confirmed:
            confirm = stake
        else:
            try:
                _save_event(_user(request), event, data)
            except ConflictError as error:
                form.add_error(
                    error.field if error.field in form.fields else None, error.message
                )
            else:
                return redirect("trade:event_detail", event.pk)
    context = {"form": form, "event": event, "confirm": confirm}
    return render(request, f"{TEMPLATES}/edit.html", context)


@transaction.atomic
def _save_event(by: User, event: MatchingEvent, data: dict[str, Any]) -> None:
    actions.update_event(by=by, event=event, **{k: data[k] for k in actions.EDITABLE})
    if data["regenerate"]:
        actions.generate_slots(
            by=by,
            event=event,
            first_start=data["first_start"],
            minutes=data["slot_minutes"],
            count=data["slot_count"],
        )


def _wish_overview(event: MatchingEvent) -> dict[str, Any]:
    """Per participant whom they wished and who wished them (mutual marked). Two queries."""
    people = list(event.participants.select_related("organisation"))
    by_id = {p.pk: p for p in people}
    wishes = list(
        MeetingWish.objects.filter(event=event).values_list(
            "from_participant_id", "to_participant_id", "priority"
        )
    )
    pairs = {(a, b) for a, b, _p in wishes}
    made: dict[int, list[dict[str, Any]]] = defaultdict(list)
    received: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a, b, priority in sorted(wishes, key=lambda w: (w[2], w[1])):
        if a not in by_id or b not in by_id:
            continue
        mutual = (b, a) in pairs
        made[a].append({"other": by_id[b], "priority": priority, "mutual": mutual})
        received[b].append({"other": by_id[a], "priority": priority, "mutual": mutual})
    rows: list[dict[str, Any]] = [
        {"participant": p, "made": made[p.pk], "received": received[p.pk]}
        for p in people
    ]
    active = [r for r in rows if r["participant"].is_active]
    return {
        "rows": active,
        "withdrawn": [r["participant"] for r in rows if not r["participant"].is_active],
        "unwished": [r["participant"] for r in active if not r["received"]],
        "mutual_count": sum(1 for a, b in pairs if (b, a) in pairs) // 2,
        "wish_count": len(wishes),
    }


@require_safe
@login_required
def event_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """The attaché's participants page: wishes overview, register someone (a name search
    narrows the choices), withdraw someone."""
    event = _manage(request, pk)
    search = request.GET.get("q", "")[:100]
    form = RegisterForm(event=event, search=search)
    context = {"event": event, "register_form": form, "q": search}
    if request.htmx:  # type: ignore[attr-defined]  # the search narrows the choices
        return render(request, f"{TEMPLATES}/participants.html#register", context)
    return render(
        request, f"{TEMPLATES}/participants.html", context | _wish_overview(event)
    )


@require_POST
@login_required
def event_register_other(request: HttpRequest, pk: int) -> HttpResponse:
    """The attaché registers a verified buyer organisation or MSME."""
    event = _manage(request, pk)
    form = RegisterForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("trade:event_participants", event.pk)
    try:
        actions.register_participant(
            by=_user(request),
            event=event,
            organisation=form.cleaned_data["organisation"],
        )
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:event_participants", event.pk)


@require_POST
@login_required
def event_withdraw_other(
    request: HttpRequest, pk: int, participant: int
) -> HttpResponse:
    """The attaché withdraws a participant (the page asked to confirm)."""
    event = _manage(request, pk)
    target = event.participants.filter(pk=participant).first()
    if target is None:
        raise Http404
    try:
        actions.withdraw_participant(by=_user(request), participant=target)
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:event_participants", event.pk)


@require_POST
@login_required
def event_unavailable(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant marks the slots they cannot attend."""
    event = _event(request, pk)
    me = actions.participant_for(request.user, event)
    if me is None or not me.is_active:
        raise Http404
    form = UnavailableForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("trade:event_detail", event.pk)
    try:
        actions.set_unavailable_slots(
            by=_user(request), participant=me, slots=form.cleaned_data["slots"]
        )
    except ConflictError as error:
        messages.error(request, error.message)
    return redirect("trade:event_detail", event.pk)
