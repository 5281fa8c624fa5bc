"""Logistics pages: quotes, the rate book, shipments and pooling plans (thin views).

Landed cost and lane-demand evidence are in views_landed.py and views_evidence.py.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.core.models import Port, Regency, TaskProgress
from serumpun.exporters.models import MSME, Product
from serumpun.logistics import actions, network, presenters, quoting
from serumpun.logistics.forms import (
    LAMPUNG,
    PlanForm,
    QuoteForm,
    RateForm,
    ShipmentForm,
)
from serumpun.logistics.models import (
    ConsolidationPlan,
    PlannedContainer,
    PlannedLoad,
    PlanStatus,
    Rate,
    Shipment,
)
from serumpun.logistics.rules.route_map import route_map

PAGE_SIZE = 25


def is_partial(request: HttpRequest) -> bool:
    """Whether an htmx request asks for a page's partial (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    partial: str = "results",
) -> HttpResponse:
    """The page, or for an htmx request only its `partial`; caches keep the two apart."""
    target = f"{template}#{partial}" if is_partial(request) else template
    response = render(request, target, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _user(request: HttpRequest) -> User:
    """The signed-in user (views here are login_required)."""
    return cast(User, request.user)


def _require_quote_role(user: Any) -> None:
    if not actions.may_quote(user):
        raise PermissionDenied


def _own_products(user: Any) -> QuerySet[Product]:
    return (
        Product.objects.visible_to(user)
        .filter(msme__organisation__in=user.organisation_ids, is_active=True)
        .select_related("msme")
    )


def _own_msme(user: Any) -> MSME | None:
    return MSME.objects.filter(organisation__in=user.organisation_ids).first()


# --- Quote ----------------------------------------------------------------------------------


@require_safe
@login_required
def quote(request: HttpRequest) -> HttpResponse:
    """Quote a product's cartons (or a weight and volume) to a Malaysian port: compare options."""
    _require_quote_role(request.user)
    msme = _own_msme(request.user)
    initial = {"origin": msme.regency_id if msme else "1871", "destination": "MYPKG"}
    bound = bool(request.GET)
    form = QuoteForm(
        request.GET if bound else None,
        initial=initial,
        products=_own_products(request.user),
    )
    context: dict[str, Any] = {"form": form, "result": None}
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = quoting.quote_with_reasons(
                origin=data["origin"],
                destination_locode=data["destination"],
                weight_kg=data["weight_kg"],
                volume_m3=data["volume_m3"],
                kind=data["kind"],
                as_of=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context.update(_quote_context(result, data))
    return render_page(request, "logistics/quote.html", context)


def _quote_context(result: quoting.QuoteResult, data: dict[str, Any]) -> dict[str, Any]:
    options = [
        {
            "option": o,
            "name": presenters.mode_name(o.mode),
            "lines": [(presenters.cost_item_text(i), i.amount) for i in o.breakdown],
            "unconfirmed": any(s.confidence != "high" for s in o.rate_sources),
            "map": _map_for(o),
            "legs": [(leg, presenters.LEG_MODE_NAMES[leg.mode]) for leg in o.legs],
        }
        for o in result.options
    ]
    omitted = [
        {
            "name": presenters.mode_name(o.mode),
            "route": o.route,
            "reason": presenters.reason_text(o),
        }
        for o in result.omitted
    ]
    return {
        "result": result,
        "options": options,
        "omitted": omitted,
        "weight_kg": data["weight_kg"],
        "volume_m3": data["volume_m3"],
        "factors": network.quoting_data()["emission_factors"],
    }


def _map_for(option: quoting.QuoteOption) -> Any:
    places: dict[str, tuple[str, str, float, float]] = {}
    for leg in option.legs:
        for node in (leg.origin, leg.destination):
            places[node.code] = (node.code, node.name, node.lat, node.lon)
    drawn = route_map(
        [(leg.mode, leg.path) for leg in option.legs],
        basemap=network.basemap_lines(),
        places=list(places.values()),
        route_codes=option.route,
    )
    return {"option": option, "name": presenters.mode_name(option.mode), "map": drawn}


# --- Rate book ------------------------------------------------------------------------------


@require_safe
@login_required
def rate_list(request: HttpRequest) -> HttpResponse:
    """The rate book: every line with its lane, validity, source and age."""
    _require_quote_role(request.user)
    today = timezone.localdate()
    rates = Rate.objects.select_related("entered_by_org").order_by(
        "mode", "origin_locode", "destination_locode", "-valid_from", "id"
    )
    page = Paginator(rates, PAGE_SIZE).get_page(request.GET.get("page"))
    for rate in page.object_list:
        rate.is_valid_today = rate.valid_from <= today and (  # type: ignore[attr-defined]
            rate.valid_to is None or rate.valid_to >= today
        )
        rate.age_days = (today - rate.source_date).days  # type: ignore[attr-defined]
    return render_page(
        request,
        "logistics/rate_list.html",
        {"page": page, "can_add": actions.may_keep_rates(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def rate_new(request: HttpRequest) -> HttpResponse:
    """Add a rate with its source (forwarders, officers, the transport attaché)."""
    if not actions.may_keep_rates(request.user):
        raise PermissionDenied
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.enter_rate(by=_user(request), fields=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Rate added to the rate book."))
            return redirect("logistics:rate_list")
    return render(request, "logistics/rate_form.html", {"form": form})


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Shipments ------------------------------------------------------------------------------


@require_safe
@login_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    """Shipments the user may see: an MSME's own; all for planners and officers."""
    shipments = (
        Shipment.objects.visible_to(request.user)
        .select_related("msme", "origin_regency", "product")
        .order_by("ready_date", "id")
    )
    page = Paginator(shipments, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(
        Port.objects.filter(kind=Port.Kind.SEAPORT).values_list("locode", "name")
    )
    for shipment in page.object_list:
        shipment.port_name = names.get(  # type: ignore[attr-defined]
            shipment.destination_locode, shipment.destination_locode
        )
    return render_page(
        request,
        "logistics/shipment_list.html",
        {
            "page": page,
            "can_add": _own_msme(request.user) is not None
            and has_permission(request.user, "shipment.book"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def shipment_new(request: HttpRequest) -> HttpResponse:
    """An MSME pledges or books a shipment."""
    msme = _own_msme(request.user)
    if msme is None or not has_permission(request.user, "shipment.book"):
        raise PermissionDenied
    form = ShipmentForm(request.POST or None, products=_own_products(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = data.pop("status")
        try:
            actions.record_shipment(
                by=_user(request), msme=msme, fields=data, status=status
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Shipment saved."))
            return redirect("logistics:shipment_list")
    return render(request, "logistics/shipment_form.html", {"form": form})


@require_POST
@login_required
def shipment_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a pledge into a booking."""
    shipment = get_visible_or_404(
        Shipment.objects.select_related("msme"), request.user, pk=pk
    )
    try:
        actions.book_shipment(shipment=shipment, by=_user(request))
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shipment booked."))
    return redirect("logistics:shipment_list")


@require_POST
@login_required
def shipment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pledge or booking."""
    shipment = get_visible_or_404(
        Shipment.objects.select_related("msme"), request.user, pk=pk
    )
    try:
        actions.cancel_shipment(shipment=shipment, by=_user(request))
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shipment cancelled."))
    return redirect("logistics:shipment_list")


# --- Pooling plans --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Pooling plans; the transport attaché starts a new one from the open shipments.

    Planning runs in the background: the page then shows the job (`?job=`), which polls
    itself until the plan exists and links to it.
    """
    can_plan = has_permission(request.user, "consolidation.plan")
    form = PlanForm(request.POST or None) if can_plan else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                progress = actions.request_pooling_plan(
                    by=_user(request),
                    as_of=timezone.localdate(),
                    destinations=form.cleaned_data["destinations"] or None,
                    time_limit_s=float(form.cleaned_data["time_limit_s"]),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect(f"{reverse('logistics:plan_list')}?job={progress.pk}")
    job = _job(request)
    if job is not None and is_partial(request) and request.GET.get("poll"):
        return render(request, "logistics/plan_list.html#job", {"job": job})
    plans = (
        ConsolidationPlan.objects.visible_to(request.user)
        .distinct()
        .order_by("-created_at", "-id")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "logistics/plan_list.html",
        {"page": page, "form": form, "can_plan": can_plan, "job": job},
    )


def _job(request: HttpRequest) -> dict[str, Any] | None:
    """The pooling job named by ?job= (the user's own or their organisation's), if any."""
    raw = request.GET.get("job", "")
    try:
        job_id = uuid.UUID(raw)
    except ValueError:
        return None
    progress = TaskProgress.objects.visible_to(request.user).filter(pk=job_id).first()
    if progress is None:
        return None
    plan = ConsolidationPlan.objects.filter(progress=progress).first()
    return {"progress": progress, "plan": plan}


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's containers, load lists and cost split; an MSME sees only its own loads."""
    plan = get_visible_or_404(ConsolidationPlan.objects.distinct(), request.user, pk=pk)
    sees_all = has_permission(request.user, "consolidation.plan") or has_permission(
        request.user, "msme.view_all"
    )
    loads = PlannedLoad.objects.filter(plan=plan).select_related(
        "shipment__msme", "container"
    )
    if not sees_all:
        loads = loads.filter(
            shipment__msme__organisation__in=_user(request).organisation_ids
        )
    loads = loads.order_by("container_id", "id")
    boxes = PlannedContainer.objects.filter(plan=plan).prefetch_related(
        Prefetch("loads", queryset=loads, to_attr="shown_loads")
    )
    if not sees_all:
        boxes = boxes.filter(loads__in=loads).distinct()
    lcl = [load for load in loads if load.container_id is None]
    return render(
        request,
        "logistics/plan_detail.html",
        {
            "plan": plan,
            "boxes": list(boxes),
            "lcl": lcl,
            "sees_all": sees_all,
            "can_publish": sees_all
            and has_permission(request.user, "consolidation.plan")
            and plan.status == PlanStatus.DRAFT,
            "saving": (plan.ship_when_ready_cost_usd or 0) - plan.cost_usd,
        },
    )


@require_POST
@login_required
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft plan to the MSMEs concerned and the transport attachés."""
    plan = get_visible_or_404(ConsolidationPlan.objects.distinct(), request.user, pk=pk)
    try:
        actions.publish_plan(plan=plan, by=_user(request))
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Plan published to the MSMEs concerned."))
    return redirect("logistics:plan_detail", pk=plan.pk)


# --- Network ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def road_distances(request: HttpRequest) -> HttpResponse:
    """Lampung regency capitals' road distances to Panjang: officers correct the estimates."""
    if not actions.may_edit_road_distances(request.user):
        raise PermissionDenied
    regencies = list(
        Regency.objects.filter(province_id=LAMPUNG, lat__isnull=False).order_by("code")
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        changed = 0
        for regency in regencies:
            raw = request.POST.get(f"km-{regency.code}", "").strip()
            if not raw or _same_km(raw, regency.road_km_to_panjang):
                continue
            try:
                actions.set_road_distance(
                    by=_user(request), regency=regency, km=Decimal(raw)
                )
            except (ValidationError, InvalidOperation) as exc:
                errors[regency.code] = (
                    "; ".join(exc.messages)
                    if isinstance(exc, ValidationError)
                    else _("Enter a number.")
                )
            else:
                changed += 1
        if not errors:
            messages.success(request, _("%(n)s road distances saved.") % {"n": changed})
            return redirect("logistics:road_distances")
    rows = [(r, errors.get(r.code, "")) for r in regencies]
    return render(request, "logistics/road_distances.html", {"rows": rows})


def _same_km(raw: str, current: float | None) -> bool:
    try:
        return current is not None and float(raw) == current
    except ValueError:
        return False
