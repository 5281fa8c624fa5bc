"""Leads pages: the buyer's and the MSME's leads, a lead with its history, messages and
first-deal guidance, buyer reports, the introduction entry from the catalogue, and the trade
attaché's pipeline board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import require_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.errors import ConflictError
from serumpun.core.uploads import UploadTooLarge, private_file_response
from serumpun.exporters.models import Product
from serumpun.trade import actions_deals as actions
from serumpun.trade.forms_deals import (
    CloseReportForm,
    IntroductionForm,
    MessageForm,
    MoveForm,
    PipelineFilterForm,
    ReportForm,
)
from serumpun.trade.models import (
    BuyerReport,
    Introduction,
    LeadStage,
    LostReason,
    ReportStatus,
    SourcingRequest,
    StageChange,
)
from serumpun.trade.rules import deals as rules

T = "trade/deals"
GUIDANCE_STAGES = frozenset({"negotiating", "ordered", "shipped", "paid"})
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 140, 20


def _leads() -> Any:
    return Introduction.objects.select_related(
        "request", "product", "msme", "buyer", "product__hs_code"
    )


def _me(request: HttpRequest) -> User:
    """The signed-in user (login_required guarantees one)."""
    user: User = request.user  # type: ignore[assignment]
    return user


def _query_id(request: HttpRequest, name: str) -> int:
    """A record id from the query string; 0 (no record) for anything but ASCII digits."""
    value = request.GET.get(name) or ""
    return int(value) if value.isascii() and value.isdigit() else 0


def _error_text(exc: ConflictError | ValidationError) -> str:
    if isinstance(exc, ConflictError):
        return exc.message
    return "; ".join(exc.messages)


@require_safe
@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    """The leads the user can see (buyer's, MSME's own; all for the attaché)."""
    leads = _leads().visible_to(request.user)
    stage = request.GET.get("stage", "")
    if stage in LeadStage.values:
        leads = leads.filter(stage=stage)
    page = Paginator(leads, 25).get_page(request.GET.get("page"))
    context = {"page": page, "stages": LeadStage.choices, "stage": stage}
    return render(request, f"{T}/lead_list.html", context)


def _guidance(language: str) -> list[dict[str, str]]:
    config = actions.deals_config()
    lang = language if language in ("id", "en", "ms") else "id"
    return [
        {
            "title": item.title[lang],
            "text": item.text[lang],
            "source": config.sources[item.source].get("title", item.source),
        }
        for item in config.guidance
    ]


def _lead_context(
    request: HttpRequest, lead: Introduction, **forms: Any
) -> dict[str, Any]:
    config = actions.deals_config()
    side = actions.side_of(request.user, lead)
    stages = rules.next_stages(config.moves, config.movers, lead.stage, side or "")
    return {
        "lead": lead,
        "side": side,
        "history": lead.history.select_related("by").all(),
        "thread": lead.messages.select_related("sender_organisation").all(),
        "move_form": forms.get("move_form") or MoveForm(stages=stages),
        "can_move": bool(stages) and side is not None,
        "message_form": forms.get("message_form") or MessageForm(),
        "can_write": side in (rules.BUYER, rules.MSME),
        "guidance": _guidance(translation.get_language() or "id")
        if lead.stage in GUIDANCE_STAGES
        else [],
        "idle_days": config.idle_days,
    }


@require_safe
@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One lead: its stage and history, the messages, the next moves and the guidance."""
    lead = get_visible_or_404(_leads(), request.user, pk=pk)
    actions.mark_messages_read(introduction=lead, by=request.user)  # type: ignore[arg-type]
    return render(request, f"{T}/lead_detail.html", _lead_context(request, lead))


@require_POST
@login_required
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a lead (htmx: answers the stage panel)."""
    lead = get_visible_or_404(_leads(), request.user, pk=pk)
    config = actions.deals_config()
    side = actions.side_of(request.user, lead) or ""
    form = MoveForm(
        request.POST,
        stages=rules.next_stages(config.moves, config.movers, lead.stage, side),
    )
    if form.is_valid():
        data = form.cleaned_data
        value = (
            actions.DealValue(data["amount"], data.get("currency", ""))
            if data.get("amount")
            else None
        )
        try:
            lead = actions.move_lead(
                introduction=lead,
                to_stage=data["stage"],
                by=request.user,  # type: ignore[arg-type]
                note=data["note"],
                lost_reason=data.get("lost_reason", ""),
                lost_note=data.get("lost_note", ""),
                deal_value=value,
                quantity_kg=data.get("quantity_kg"),
            )
        except (ConflictError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))  # type: ignore[union-attr]
        else:
            if not request.headers.get("HX-Request"):
                return redirect("trade:lead_detail", pk=lead.pk)
            lead = get_visible_or_404(_leads(), request.user, pk=pk)
            return render(
                request, f"{T}/lead_detail.html#stage", _lead_context(request, lead)
            )
    context = _lead_context(request, lead, move_form=form)
    return render(request, f"{T}/lead_detail.html#stage", context, status=422)


@require_POST
@login_required
def lead_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a message on a lead (htmx: answers the thread)."""
    lead = get_visible_or_404(_leads(), request.user, pk=pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.post_message(
                introduction=lead,
                by=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except PermissionDenied:
            raise
        except (ValidationError, UploadTooLarge) as exc:
            form.add_error(
                None, "; ".join(getattr(exc, "messages", [_("The file is too large.")]))
            )
        else:
            if not request.headers.get("HX-Request"):
                return redirect("trade:lead_detail", pk=lead.pk)
            form = MessageForm()
    context = _lead_context(request, lead, message_form=form)
    status = 422 if form.errors else 200
    return render(request, f"{T}/lead_detail.html#thread", context, status=status)


@require_safe
@login_required
def lead_attachment(request: HttpRequest, pk: int, message_id: int) -> FileResponse:
    """A message's attachment, only to the two parties and the attaché."""
    lead = get_visible_or_404(Introduction.objects.all(), request.user, pk=pk)
    message = get_object_or_404(lead.messages, pk=message_id)
    if not message.attachment:
        raise Http404
    return private_file_response(
        message.attachment,
        as_attachment=True,
        content_type=message.attachment_type,
        filename="",
    )


# --- Buyer reports --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def report_buyer(request: HttpRequest, buyer_id: int) -> HttpResponse:
    """An MSME reports a buyer it has a lead with (from the lead page or the buyer's card)."""
    require_permission(request.user, "introduction.respond")
    buyer = get_object_or_404(
        Organisation.objects.filter(
            actions.buyers_reportable_by(_me(request))
        ).distinct(),
        pk=buyer_id,
    )  # type: ignore[arg-type]
    lead = (
        Introduction.objects.visible_to(request.user)
        .filter(buyer=buyer, pk=_query_id(request, "lead"))
        .first()
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_buyer(
                buyer=buyer, by=_me(request), introduction=lead, **form.cleaned_data
            )  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "Thank you. The trade attaché will look into your report and tell you the outcome."
                ),
            )
            return (
                redirect("trade:lead_detail", pk=lead.pk)
                if lead
                else redirect("trade:leads")
            )
    context = {"buyer": buyer, "lead": lead, "form": form}
    return render(
        request, f"{T}/report_form.html", context, status=422 if form.errors else 200
    )


@require_safe
@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    """The attaché's queue of buyer reports, open ones first."""
    require_permission(request.user, "buyer.verify")
    reports = (
        BuyerReport.objects.visible_to(request.user)
        .select_related("buyer", "msme", "introduction", "handled_by")
        .order_by(
            Case(When(status=ReportStatus.CLOSED, then=Value(1)), default=Value(0)),
            "-created_at",
        )
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(
        request,
        f"{T}/report_queue.html",
        {"page": page, "close_form": CloseReportForm()},
    )


@require_POST
@login_required
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The attaché closes a report with a resolution."""
    require_permission(request.user, "buyer.verify")
    report = get_visible_or_404(BuyerReport.objects.all(), request.user, pk=pk)
    form = CloseReportForm(request.POST)
    if form.is_valid():
        try:
            actions.close_report(report=report, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except (ConflictError, ValidationError) as exc:
            messages.error(request, _error_text(exc))  # type: ignore[union-attr]
        else:
            messages.success(request, _("Report closed; the supplier has been told."))
    else:
        messages.error(request, _("Write the resolution."))
    return redirect("trade:report_queue")


# --- Introductions from the catalogue -------------------------------------------------------


def _request_new_url(product: Product) -> str:
    try:
        return f"{reverse('trade:request_new')}?hs_code={product.hs_code_id}"
    except NoReverseMatch:
        return ""


@require_http_methods(["GET", "POST"])
@login_required
def introduction_new(request: HttpRequest) -> HttpResponse:
    """A buyer picks one of their open requests for a catalogue product; the lead opens."""
    require_permission(request.user, "introduction.request")
    product = get_object_or_404(
        Product.objects.in_catalogue().select_related("msme", "hs_code"),
        pk=_query_id(request, "product"),
    )
    open_requests = (
        SourcingRequest.objects.visible_to(request.user)
        .open()
        .filter(buyer__in=_me(request).organisation_ids)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
        .filter(hs_code__code__startswith=product.hs_code_id[:4])
    )  # type: ignore[union-attr]
    form = IntroductionForm(request.POST or None, requests=open_requests)
    blockers: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        chosen = open_requests.get(pk=form.cleaned_data["request_id"])
        try:
            lead = actions.request_introduction(
                request=chosen, product=product, by=_me(request)
            )  # type: ignore[arg-type]
        except ConflictError as exc:
            form.add_error(None, exc.message)
            blockers = exc.extra.get("blockers", [])
        else:
            messages.success(
                request, _("Introduction requested. The supplier has been told.")
            )
            return redirect("trade:lead_detail", pk=lead.pk)
    context = {
        "product": product,
        "form": form,
        "blockers": blockers,
        "has_requests": open_requests.exists(),
        "request_new_url": _request_new_url(product),
    }
    return render(
        request, f"{T}/introduction_form.html", context, status=409 if blockers else 200
    )


# --- The attaché's pipeline board -----------------------------------------------------------


@dataclass(frozen=True)
class MonthBar:
    """One month's ordered deal value as a bar."""

    month: dt.date
    value_usd: Decimal
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        """Where the month's label is centred under the bar."""
        return round(self.x + self.width / 2, 1)


def month_bars(rows: list[tuple[dt.date, Decimal]]) -> list[MonthBar]:
    """Vertical bars for (month, USD) rows, scaled to the chart."""
    if not rows:
        return []
    top = max(v for _, v in rows) or Decimal(1)
    slot = (CHART_WIDTH - 2 * CHART_PAD) / len(rows)
    usable = CHART_HEIGHT - 2 * CHART_PAD
    bars = []
    for i, (month, value) in enumerate(rows):
        height = round(float(value / top) * usable, 1)
        bars.append(
            MonthBar(
                month,
                value,
                round(CHART_PAD + i * slot + slot * 0.15, 1),
                round(CHART_HEIGHT - CHART_PAD - height, 1),
                round(slot * 0.7, 1),
                height,
            )
        )
    return bars


def every_month(rows: list[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """The (first-of-month, total) rows with the months between them filled with zero."""
    if not rows:
        return []
    totals = dict(rows)
    month, last, filled = rows[0][0], rows[-1][0], []
    while month <= last:
        filled.append((month, totals.get(month, Decimal(0))))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return filled


def filtered_leads(form: PipelineFilterForm) -> Any:
    leads = Introduction.objects.all()
    if not form.is_valid():
        return leads
    data = form.cleaned_data
    if data["buyer"]:
        leads = leads.filter(buyer=data["buyer"])
    if data["hs"]:
        leads = leads.filter(product__hs_code__code__startswith=data["hs"])
    if data["regency"]:
        leads = leads.filter(msme__regency=data["regency"])
    if data["since"]:
        leads = leads.filter(created_at__date__gte=data["since"])
    if data["until"]:
        leads = leads.filter(created_at__date__lte=data["until"])
    return leads


def _lost_label(code: str) -> str:
    return str(LostReason(code).label) if code in LostReason.values else _("not coded")


def pipeline_figures(leads: Any, *, as_of: dt.date) -> dict[str, Any]:
    """The board's numbers for these leads, in a fixed number of queries."""
    by_stage = dict(leads.values_list("stage").annotate(n=Count("id")).order_by())
    index = Case(
        *[When(to_stage=s, then=Value(i)) for i, s in enumerate(rules.CHAIN)],
        default=Value(0),
        output_field=IntegerField(),
    )
    furthest: dict[int, int] = {}
    for f in (
        StageChange.objects.filter(introduction__in=leads)
        .values("introduction_id")
        .annotate(f=Max(index))
        .values_list("f", flat=True)
    ):
        furthest[f] = furthest.get(f, 0) + 1
    months = list(
        StageChange.objects.filter(
            introduction__in=leads,
            to_stage=LeadStage.ORDERED,
            introduction__deal_value_usd__isnull=False,
        )
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(total=Sum("introduction__deal_value_usd"))
        .order_by("month")
        .values_list("month", "total")
    )
    rows = every_month(
        [(m.date() if isinstance(m, dt.datetime) else m, t) for m, t in months]
    )
    cutoff = rules.idle_cutoff(as_of, actions.deals_config().idle_days)
    idle = (
        leads.filter(stage__in=rules.CHAIN[:-1], last_activity_at__date__lte=cutoff)
        .select_related("request", "msme", "buyer")
        .order_by("last_activity_at")[:50]
    )
    lost = (
        leads.filter(stage=LeadStage.LOST)
        .values("lost_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "lost_reason")
    )
    return {
        "stages": [(s, LeadStage(s).label, by_stage.get(s, 0)) for s in rules.STAGES],
        "funnel": [
            (step, LeadStage(step.stage).label) for step in rules.funnel(furthest)
        ],
        "months": rows,
        "bars": month_bars(rows),
        "total_usd": sum((t for _, t in rows), Decimal(0)),
        "idle": list(idle),
        "lost": [
            (row["lost_reason"], _lost_label(row["lost_reason"]), row["n"])
            for row in lost
        ],
        "chart": {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "base": CHART_HEIGHT - CHART_PAD,
            "label_y": CHART_HEIGHT - CHART_PAD // 3,
        },
    }


@require_safe
@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """The attaché's board: stages, conversion, deal value per month, lost reasons, idle leads."""
    if not actions.is_deal_tracker(request.user):
        raise PermissionDenied(_("Your role may not do this."))
    form = PipelineFilterForm(request.GET or None)
    context = {
        "form": form,
        **pipeline_figures(filtered_leads(form), as_of=timezone.localdate()),
    }
    template = (
        f"{T}/pipeline.html#results"
        if request.headers.get("HX-Request")
        else f"{T}/pipeline.html"
    )
    return render(request, template, context)
