"""Pages for placements, grievances and a seeker's own data (issue 7 §8–10).

The placement board and grievance list serve the labour attaché and provincial officers; the
grievance form and "my data" serve the seeker. Records come through `visible_to`, so another
organisation's placement or someone else's grievance answers 404.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.labour import actions_data_rights as data_rights
from serumpun.labour import actions_pipeline as actions
from serumpun.labour.forms_pipeline import (
    STAGE_LABELS,
    AdvanceForm,
    BoardFilterForm,
    CheckinForm,
    CloseForm,
    ConfirmForm,
    ContractForm,
    CorrectionForm,
    GrievanceForm,
    RespondForm,
)
from serumpun.labour.models import Grievance, Placement, Seeker
from serumpun.labour.models_pipeline import ContractRecord, WelfareCheckin
from serumpun.labour.rules import pipeline
from serumpun.labour.tasks_pipeline import stuck_filter

PAGE_SIZE = 50

# --- Helpers ----------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast("User", request.user)


def _is_partial(request: HttpRequest) -> bool:
    htmx = request.htmx  # type: ignore[attr-defined]
    return bool(htmx) and not htmx.history_restore_request


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    target = f"{template}#{partial}" if _is_partial(request) else template
    response = render(request, target, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _placement(request: HttpRequest, pk: int) -> Placement:
    queryset = Placement.objects.select_related(
        "seeker",
        "seeker__regency",
        "job_order",
        "job_order__employer_profile",
        "job_order__agency_profile",
    )
    return get_visible_or_404(queryset, request.user, pk=pk)


def _own_seeker(request: HttpRequest) -> Seeker:
    seeker = (
        Seeker.objects.filter(user=_user(request), anonymised_at__isnull=True)
        .select_related("regency")
        .first()
    )
    if seeker is None or not has_permission(request.user, "seeker.manage_own"):
        raise Http404
    return seeker


# --- Placement board and detail ---------------------------------------------------------------------


@require_safe
@login_required
def placement_board(request: HttpRequest) -> HttpResponse:
    """Placements per stage with the stuck ones counted and listed (officer, labour attaché)."""
    if not actions.may_monitor_placements(request.user):
        raise PermissionDenied
    form = BoardFilterForm(request.GET)
    today = timezone.localdate()
    stuck = stuck_filter(today)
    placements = form.filter(Placement.objects.visible_to(request.user))
    counts = {
        row["stage"]: row
        for row in placements.order_by()
        .values("stage")
        .annotate(total=Count("pk"), stuck=Count("pk", filter=stuck))
    }
    thresholds = actions.pipeline_config().stuck
    stages = [
        {
            "code": stage,
            "label": STAGE_LABELS[stage],
            "total": counts.get(stage, {}).get("total", 0),
            "stuck": counts.get(stage, {}).get("stuck", 0),
            "threshold": thresholds.get(stage),
        }
        for stage in pipeline.STAGES[1:]  # a placement starts at "matched"
    ]
    listed = (
        placements.filter(stuck)
        if form.is_valid() and form.cleaned_data["stuck"]
        else placements
    )
    page = Paginator(
        listed.select_related("seeker__regency", "job_order").order_by(
            "stage_changed_at", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    stuck_ids = set(
        placements.filter(stuck, pk__in=[p.pk for p in page]).values_list(
            "pk", flat=True
        )
    )
    context = {
        "form": form,
        "stages": stages,
        "page": page,
        "stuck_ids": stuck_ids,
        "today": today,
    }
    return _render(request, "labour/pipeline/board.html", "results", context)


def _detail_context(request: HttpRequest, placement: Placement) -> dict[str, Any]:
    user = request.user
    records = list(placement.contract_records.order_by("at", "pk"))
    events = list(placement.events.order_by("at", "pk"))
    kinds = [
        (k, label)
        for k, label in ContractRecord.Kind.choices
        if actions.may_record_contract(user, placement, k)
    ]
    monitor = actions.may_monitor_placements(user)
    is_worker = placement.seeker.user_id == user.pk
    return {
        "placement": placement,
        "stage_label": STAGE_LABELS.get(placement.stage, placement.stage),
        "timeline": pipeline.timeline(
            [(e.stage, e.at) for e in events], timezone.now()
        ),
        "events": events,
        "stage_labels": STAGE_LABELS,
        "verdict": actions.substitution_verdict(placement, records),
        "records": records,
        "checkins": list(placement.checkins.order_by("due_on")),
        "advance_form": AdvanceForm(stage=placement.stage)
        if monitor and pipeline.next_stages(placement.stage)
        else None,
        "contract_form": ContractForm(kinds=kinds) if kinds else None,
        "may_check_in": monitor or is_worker,
        "checkin_form": CheckinForm(),
        "show_name": monitor or is_worker,
    }


@require_safe
@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One placement: its timeline, the contract-substitution verdict, check-ins."""
    placement = _placement(request, pk)
    context = _detail_context(request, placement)
    if (
        actions.may_monitor_placements(request.user)
        and placement.seeker.user_id != request.user.pk
    ):
        audit.record_read(
            actor=request.user,
            obj=placement.seeker,
            fields=["full_name"],
            purpose="placement follow-up",
        )
    return render(request, "labour/pipeline/placement_detail.html", context)


@require_POST
@login_required
def placement_advance(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Move a placement to the stage chosen."""
    placement = _placement(request, pk)
    form = AdvanceForm(request.POST, stage=placement.stage)
    if form.is_valid():
        try:
            actions.advance_placement(
                by=_user(request),
                placement=placement,
                to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The placement moved on."))
        except ConflictError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose one of the next stages."))
    return redirect("labour:placement_detail", pk=placement.pk)


@require_POST
@login_required
def placement_contract(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Record an offer's, contract's or payslip's figures and show the new verdict."""
    placement = _placement(request, pk)
    kinds = [
        (k, label)
        for k, label in ContractRecord.Kind.choices
        if actions.may_record_contract(request.user, placement, k)
    ]
    if not kinds:
        raise PermissionDenied
    form = ContractForm(request.POST, kinds=kinds)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_contract(
                by=_user(request),
                placement=placement,
                kind=data["kind"],
                basic_wage_myr=data["basic_wage_myr"],
                weekly_hours=data["weekly_hours"],
                deductions=form.deductions(),
                period=data["period"],
            )
            messages.success(request, _("The figures were recorded."))
            return redirect("labour:placement_detail", pk=placement.pk)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    context = _detail_context(request, placement) | {"contract_form": form}
    return render(request, "labour/pipeline/placement_detail.html", context, status=422)


@require_POST
@login_required
def checkin_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Record a welfare check-in's outcome."""
    checkin = get_visible_or_404(
        WelfareCheckin.objects.select_related("placement__seeker"), request.user, pk=pk
    )
    form = CheckinForm(request.POST)
    if form.is_valid():
        actions.record_checkin(
            by=_user(request),
            checkin=checkin,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The check-in was recorded."))
    return redirect("labour:placement_detail", pk=checkin.placement_id)


# --- Grievances -------------------------------------------------------------------------------------


@login_required
def grievance_new(request: HttpRequest) -> HttpResponse:
    """A worker files a confidential grievance, or an officer files one for them."""
    if not (
        has_permission(request.user, "grievance.file")
        or has_permission(request.user, "seeker.manage_any")
    ):
        raise PermissionDenied
    form = GrievanceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["seeker"] = fields.pop("nik", None)
        grievance = actions.file_grievance(by=_user(request), fields=fields)
        messages.success(
            request,
            _(
                "Your complaint was sent. The labour attaché and the officers will answer here."
            ),
        )
        return redirect("labour:grievance_detail", pk=grievance.pk)
    return render(
        request,
        "labour/pipeline/grievance_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_safe
@login_required
def grievance_list(request: HttpRequest) -> HttpResponse:
    """Grievances the user may see; handlers also see how fast first answers come."""
    grievances = Grievance.objects.visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Grievance.Status.values:
        grievances = grievances.filter(status=status)
    handler = actions.may_handle_grievances(request.user)
    target = actions.pipeline_config().grievance_first_response_days
    figures = (
        pipeline.response_times(
            grievances.values_list("created_at", "first_response_at"),
            timezone.now(),
            target_days=target,
        )
        if handler
        else None
    )
    page = Paginator(
        grievances.select_related("placement__job_order").order_by(
            "-created_at", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "figures": figures,
        "handler": handler,
        "status": status,
        "statuses": Grievance.Status.choices,
        "target_days": target,
    }
    return _render(request, "labour/pipeline/grievance_list.html", "results", context)


def _grievance(request: HttpRequest, pk: int) -> Grievance:
    return get_visible_or_404(
        Grievance.objects.select_related("seeker", "placement__job_order"),
        request.user,
        pk=pk,
    )


@require_safe
@login_required
def grievance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One grievance and its answers; handlers answer and close it here (reads audited)."""
    grievance = _grievance(request, pk)
    handler = actions.may_handle_grievances(request.user)
    if handler and grievance.filed_by_id != request.user.pk:
        audit.record_read(
            actor=request.user,
            obj=grievance,
            fields=["description"],
            purpose="grievance handling",
        )
    context = {
        "grievance": grievance,
        "responses": list(grievance.responses.order_by("at", "pk")),
        "handler": handler,
        "open": grievance.status
        in (Grievance.Status.OPEN, Grievance.Status.IN_PROGRESS),
        "respond_form": RespondForm(),
        "close_form": CloseForm(),
    }
    return render(request, "labour/pipeline/grievance_detail.html", context)


@require_POST
@login_required
def grievance_respond(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Answer a grievance."""
    grievance = _grievance(request, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            actions.respond_grievance(
                by=_user(request), grievance=grievance, text=form.cleaned_data["text"]
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
    return redirect("labour:grievance_detail", pk=grievance.pk)


@require_POST
@login_required
def grievance_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Close a grievance."""
    grievance = _grievance(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.close_grievance(
                by=_user(request),
                grievance=grievance,
                resolved=form.cleaned_data["resolved"],
                note=form.cleaned_data["note"],
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
    return redirect("labour:grievance_detail", pk=grievance.pk)


# --- My data ----------------------------------------------------------------------------------------


def _my_data_context(seeker: Seeker, **forms_: Any) -> dict[str, Any]:
    return {
        "seeker": seeker,
        "requests": list(seeker.data_requests.order_by("-at", "-pk")[:20]),
        "correction_form": forms_.get("correction_form") or CorrectionForm(),
        "withdraw_form": forms_.get("withdraw_form") or ConfirmForm(prefix="withdraw"),
        "erase_form": forms_.get("erase_form") or ConfirmForm(prefix="erase"),
    }


@require_safe
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The seeker's rights over their data: a copy, corrections, consent, erasure."""
    seeker = _own_seeker(request)
    return render(request, "labour/pipeline/my_data.html", _my_data_context(seeker))


@require_POST
@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    """Download everything held about the seeker as JSON (audited)."""
    seeker = _own_seeker(request)
    data = data_rights.export_my_data(by=_user(request), seeker=seeker)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="serumpun-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def my_data_correct(request: HttpRequest) -> HttpResponse:
    """Correct the profile, or ask an officer to correct what only they may."""
    seeker = _own_seeker(request)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "note" and v}
        try:
            data_rights.correct_my_data(
                by=_user(request),
                seeker=seeker,
                fields=fields,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Thank you. Your correction was recorded."))
            return redirect("labour:my_data")
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request,
        "labour/pipeline/my_data.html",
        _my_data_context(seeker, correction_form=form),
        status=422,
    )


@require_POST
@login_required
def my_data_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw consent: the seeker is no longer matched or offered."""
    seeker = _own_seeker(request)
    form = ConfirmForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            data_rights.withdraw_consent(by=_user(request), seeker=seeker)
            messages.success(
                request,
                _(
                    "Your consent was withdrawn. You will not be matched with job orders."
                ),
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
        return redirect("labour:my_data")
    return render(
        request,
        "labour/pipeline/my_data.html",
        _my_data_context(seeker, withdraw_form=form),
        status=422,
    )


@require_POST
@login_required
def my_data_erase(request: HttpRequest) -> HttpResponse:
    """Erase the seeker's identity (or record the request while they work abroad)."""
    seeker = _own_seeker(request)
    form = ConfirmForm(request.POST, prefix="erase")
    if not form.is_valid():
        return render(
            request,
            "labour/pipeline/my_data.html",
            _my_data_context(seeker, erase_form=form),
            status=422,
        )
    request_row = data_rights.request_erasure(
        by=_user(request), seeker=seeker, confirm=True
    )
    if request_row.status == request_row.Status.PENDING:
        messages.info(
            request,
            _(
                "Your request was recorded. An officer will erase your data when your placement ends."
            ),
        )
        return redirect("labour:my_data")
    logout(request)
    return render(request, "labour/pipeline/erased.html")
