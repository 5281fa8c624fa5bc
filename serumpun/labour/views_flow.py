"""Pages from candidate to placement: starting a placement from the candidate list, the
seeker's offers with Accept / Decline, and the attaché's allocation run with its fairness
report. The state changes are in `actions_flow`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import require_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.labour import actions_flow as flow
from serumpun.labour.models import JobOrder, Offer, Placement, Seeker
from serumpun.labour.queries import masked_nik
from serumpun.labour.rules.allocation import order_capacities
from serumpun.labour.views import is_partial

OFFERS_TEMPLATE = "labour/flow/offers.html"
ALLOCATION_TEMPLATE = "labour/flow/allocation.html"
#: open offers first, then the answered ones
OFFER_ORDER = (Offer.Status.OFFERED, Offer.Status.ACCEPTED, Offer.Status.DECLINED)
STATUS_LABELS = dict(Offer.Status.choices)


class StartPlacementForm(forms.Form):
    """Which candidate to place (the candidate list posts it)."""

    seeker_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class OfferAnswerForm(forms.Form):
    """A seeker's answer to an offer."""

    answer = forms.ChoiceField(
        choices=[
            ("accept", gettext_lazy("Accept")),
            ("decline", gettext_lazy("Decline")),
        ]
    )


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def candidate_flow_context(user: Any, job_order: JobOrder) -> dict[str, Any]:
    """What the candidate list needs for its "Start placement" buttons (for its view)."""
    seeker_ids = set(job_order.placements.values_list("seeker_id", flat=True))
    return {
        "may_start_placement": job_order.status == JobOrder.Status.ENDORSED
        and flow.may_start_placement(user, job_order)
        and flow.places_taken(job_order) < job_order.workers_needed,
        "placement_seeker_ids": seeker_ids,
    }


# --- Start a placement --------------------------------------------------------------------------


@require_POST
@login_required
def placement_start(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start the placement of one candidate; then follow it on the placement page."""
    job_order = get_visible_or_404(
        JobOrder.objects.select_related("employer_profile", "agency_profile"),
        request.user,
        pk=pk,
    )
    form = StartPlacementForm(request.POST)
    if not form.is_valid():
        raise Http404
    seeker = Seeker.objects.filter(pk=form.cleaned_data["seeker_id"]).first()
    if seeker is None:
        raise Http404
    try:
        placement = flow.start_placement(
            by=_user(request), job_order=job_order, seeker=seeker
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
        return redirect("labour:job_order_candidates", pk=job_order.pk)
    messages.success(request, _("The placement has started at the matched stage."))
    if Placement.objects.visible_to(request.user).filter(pk=placement.pk).exists():
        return redirect("labour:placement_detail", pk=placement.pk)
    return redirect("labour:job_order_candidates", pk=job_order.pk)


# --- The seeker's offers ------------------------------------------------------------------------


def _own_seeker(request: HttpRequest) -> Seeker:
    require_permission(request.user, "vacancy.view_matched")
    seeker = Seeker.objects.filter(user=_user(request)).first()
    if seeker is None:
        raise Http404
    return seeker


@require_safe
@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    """The seeker's standing offers (open ones first) with Accept / Decline."""
    seeker = _own_seeker(request)
    offers = sorted(
        Offer.objects.filter(seeker=seeker)
        .exclude(status=Offer.Status.WITHDRAWN)
        .select_related("job_order"),
        key=lambda o: (OFFER_ORDER.index(o.status), -o.score, o.pk),
    )
    template = f"{OFFERS_TEMPLATE}#offers" if is_partial(request) else OFFERS_TEMPLATE
    return render(request, template, {"offers": offers})


@require_POST
@login_required
def offer_respond(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Accept or decline one's own offer; someone else's offer is not found."""
    seeker = _own_seeker(request)
    offer = Offer.objects.filter(pk=pk, seeker=seeker).select_related("seeker").first()
    if offer is None:
        raise Http404
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Accept or Decline."))
        return redirect("labour:seeker_matches")
    accept = form.cleaned_data["answer"] == "accept"
    try:
        flow.respond_to_offer(by=_user(request), offer=offer, accept=accept)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You accepted the offer. The agency and the embassy have been told.")
            if accept
            else _("You declined the offer."),
        )
    return redirect("labour:seeker_matches")


# --- Allocation and fairness --------------------------------------------------------------------


def _percent(value: float | None) -> float:
    return round(max(0.0, min(1.0, value or 0.0)) * 100, 1)


def _group_label(group: str) -> str:
    labels = {
        "female": _("female"),
        "male": _("male"),
        "unknown": _("unknown"),
    }
    return labels.get(group, group)


def _chart_rows(rows: Sequence[dict[str, Any]], report: dict[str, Any]) -> list[Any]:
    """Report rows with a label and percentages (bar geometry for the inline SVG)."""
    overall = report["offer_rate"]
    return [
        {
            **row,
            "label": _group_label(row["group"]),
            "bar": _percent(row["offer_rate"]),
            "pool_share_pct": _percent(row["pool_share"]),
            "offered_share_pct": _percent(row["offered_share"]),
            "overall": _percent(overall),
            "threshold": _percent(overall * report["min_rate_ratio"]),
        }
        for row in rows
    ]


def _report_for_display(report: dict[str, Any], ratio: float) -> dict[str, Any]:
    report = {**report, "min_rate_ratio": ratio}
    by_gender = _chart_rows(report["by_gender"], report)
    by_regency = _chart_rows(report["by_regency"], report)
    return {
        **report,
        "offer_rate_pct": _percent(report["offer_rate"]),
        "by_gender": by_gender,
        "by_regency": by_regency,
        "flagged": sum(row["flagged"] for row in (*by_gender, *by_regency)),
    }


def _order_rows(orders: Sequence[JobOrder], m: float) -> list[dict[str, Any]]:
    """Each open order with its quota, offer cap, offers by status and places taken."""
    ids = [o.pk for o in orders]
    counts: dict[int, dict[str, int]] = {}
    for order_id, status, n in (
        Offer.objects.filter(job_order__in=ids)
        .exclude(status=Offer.Status.WITHDRAWN)
        .values_list("job_order_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(order_id, {})[status] = n
    taken = dict(
        Placement.objects.filter(job_order__in=ids)
        .exclude(stage__in=flow.ENDED_STAGES)
        .values_list("job_order_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    offers: dict[int, list[dict[str, Any]]] = {}
    for order_id, last4, score, status in (
        Offer.objects.filter(job_order__in=ids)
        .exclude(status=Offer.Status.WITHDRAWN)
        .order_by("job_order_id", "-score", "pk")
        .values_list("job_order_id", "seeker__nik_last4", "score", "status")
    ):
        offers.setdefault(order_id, []).append(
            {
                "nik_masked": masked_nik(last4),
                "score": score,
                "status_label": STATUS_LABELS.get(status, status),
            }
        )
    caps = order_capacities([o.workers_needed for o in orders], m).tolist()  # type: ignore[arg-type]
    return [
        {
            "order": order,
            "cap": cap,
            "counts": counts.get(order.pk, {}),
            "offered": sum(counts.get(order.pk, {}).values()),
            "taken": taken.get(order.pk, 0),
            "offers": offers.get(order.pk, []),
        }
        for order, cap in zip(orders, caps, strict=True)
    ]


def _allocation_context() -> dict[str, Any]:
    k, m, ratio = flow.allocation_parameters()
    orders = flow.open_orders()
    rows = _order_rows(orders, m)
    report = None
    if any(row["offered"] for row in rows):
        found = flow.fairness_for(orders, flow.current_offer_pairs(orders))
        report = _report_for_display(found, ratio)
    return {"k": k, "m": m, "ratio": ratio, "rows": rows, "report": report}


@require_http_methods(["GET", "POST"])
@login_required
def allocation(request: HttpRequest) -> HttpResponseBase:
    """The attaché runs the allocation over every open order, then reads the offers per
    order and the fairness report (offer rates by gender and regency vs the pool)."""
    if not flow.may_run_allocation(request.user):
        raise PermissionDenied(_("Your role may not do this."))
    if request.method == "POST":
        summary = flow.run_allocation(by=_user(request), with_fairness=False)
        made = ngettext(
            "%(offers)s offer made; open job orders: %(orders)s.",
            "%(offers)s offers made; open job orders: %(orders)s.",
            len(summary.offers),
        )
        messages.success(
            request, made % {"offers": len(summary.offers), "orders": summary.orders}
        )
        return redirect("labour:allocation")
    return render(request, ALLOCATION_TEMPLATE, _allocation_context())
