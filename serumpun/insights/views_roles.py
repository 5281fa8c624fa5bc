"""The role dashboards: the three attachés, an office's officers, an MSME owner, a job seeker.

Thin views: each checks the role, reads the Cube and its few own queries, hands them to
`rules/roles.py` and renders the charts; `?download=<chart id>&format=csv|xlsx` answers one
chart's table instead of the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from serumpun.accounts.roles import require_permission
from serumpun.insights import queries_roles as q
from serumpun.insights.downloads import find_chart, table_download
from serumpun.insights.queries import load_cube
from serumpun.insights.rules import roles as rules
from serumpun.insights.rules.charts import Chart
from serumpun.insights.rules.cube import add_months, month_range

T = "insights/roles"
#: the periods a dashboard offers, in months back from this one
PERIODS = (3, 6, 12, 24)
DEFAULT_PERIOD = 12


def _months(request: HttpRequest) -> tuple[dt.date, dt.date, int]:
    """The period asked for (`?months=`), ending with this month."""
    raw = request.GET.get("months", "")
    n = int(raw) if raw.isdigit() and int(raw) in PERIODS else DEFAULT_PERIOD
    last = timezone.localdate().replace(day=1)
    return add_months(last, 1 - n), last, n


def _month_label(month: dt.date) -> str:
    return date_format(month, "M Y")


def _day_label(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _teu(volume_m3: float, weight_kg: float) -> float:
    from serumpun.logistics.queries_demand import teu_box
    from serumpun.logistics.rules.lane_demand import teu_equivalent

    return teu_equivalent(volume_m3, weight_kg, teu_box())


def _percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{round(fraction * 100)}%"


def _choices() -> dict[str, dict[str, str]]:
    """Display names of the codes the dashboards show, in the active language."""
    from serumpun.labour.models import Grievance, JobOrder, Offer, SeekerDocument, Stage
    from serumpun.labour.models import Sector as LabourSector
    from serumpun.logistics.models import ShipmentStatus
    from serumpun.readiness.models import Level, StepStatus
    from serumpun.trade.models import LeadStage, RequestStatus

    pairs = {
        "request_status": RequestStatus.choices,
        "lead_stage": LeadStage.choices,
        "shipment_status": ShipmentStatus.choices,
        "compliance": JobOrder.Compliance.choices,
        "job_order_status": JobOrder.Status.choices,
        "sector": LabourSector.choices,
        "stage": Stage.choices,
        "grievance_category": Grievance.Category.choices,
        "grievance_status": Grievance.Status.choices,
        "level": Level.choices,
        "step_status": StepStatus.choices,
        "document_status": SeekerDocument.Status.choices,
        "offer_status": Offer.Status.choices,
    }
    return {
        kind: {str(code): str(label) for code, label in choices}
        for kind, choices in pairs.items()
    }


def _page(
    request: HttpRequest,
    template: str,
    charts: Sequence[Chart],
    context: dict[str, Any],
) -> HttpResponse:
    """The page, or one of its charts' tables when `?download=` asks for it."""
    wanted = request.GET.get("download")
    if wanted:
        return table_download(
            find_chart(charts, wanted), request.GET.get("format", "csv")
        )
    return render(request, f"{T}/{template}", {"charts": charts, **context})


def _period_context(
    n: int, first: dt.date, last: dt.date, **query: str
) -> dict[str, Any]:
    return {
        "periods": PERIODS,
        "months": n,
        "first_month": first,
        "last_month": last,
        "base_query": urlencode({"months": n, **query}),
    }


def _codes(cube: Any, *metrics: str, dimension: str) -> set[str]:
    return {
        getattr(row, dimension)
        for row in cube.rows
        if row.metric in metrics and getattr(row, dimension) not in ("", "*")
    }


@require_safe
@login_required
def trade_attache(request: HttpRequest) -> HttpResponse:
    """The trade attaché's dashboard: requests, introductions, deals, and the queues."""
    from serumpun.insights import metrics as m
    from serumpun.trade.actions_deals import is_deal_tracker

    if not is_deal_tracker(request.user):
        raise PermissionDenied(gettext("Your role may not do this."))
    first, last, n = _months(request)
    cube = load_cube(first, last)
    names = rules.Names(
        regencies=q.regency_names(
            _codes(cube, m.INTRODUCTION, m.DEAL, dimension="regency")
        ),
        hs=q.hs_names(
            _codes(cube, m.REQUEST_POSTED, m.DEAL, dimension="key"),
            get_language() or "id",
        ),
        choices=_choices(),
    )
    urls = rules.TradeUrls(
        requests=reverse("trade:requests"),
        leads=reverse("trade:leads"),
        pipeline=reverse("trade:pipeline"),
    )
    charts = rules.trade_charts(cube, names, urls, gettext, _month_label)
    context = {
        "queues": q.trade_queues(request.user, as_of=timezone.localdate()),
        "deals": cube.total(m.DEAL),
        "introductions": cube.total(m.INTRODUCTION),
        "requests": cube.total(m.REQUEST_POSTED),
        **_period_context(n, first, last),
    }
    return _page(request, "trade.html", charts, context)


@require_safe
@login_required
def transport_attache(request: HttpRequest) -> HttpResponse:
    """The transport attaché's dashboard: lanes, months, status, pooling savings, CO2e."""
    from serumpun.insights import metrics as m

    require_permission(request.user, "consolidation.plan")
    first, last, n = _months(request)
    cube = load_cube(first, last)
    names = rules.Names(
        ports=q.port_names(_codes(cube, m.SHIPMENT, m.SHIPMENT_CO2E, dimension="key")),
        choices=_choices(),
    )
    urls = rules.TransportUrls(
        lane_demand=reverse("logistics:lane_demand"),
        shipments=reverse("logistics:shipment_list"),
        pooling=reverse("logistics:plan_list"),
    )
    charts = rules.transport_charts(cube, names, urls, gettext, _month_label, _teu)
    context = {
        "totals": rules.transport_totals(cube, _teu),
        "urls": urls,
        **_period_context(n, first, last),
    }
    return _page(request, "transport.html", charts, context)


def _rule_titles(rule_ids: set[str]) -> dict[str, str]:
    from serumpun.insights.metrics import NO_RULE_BROKEN
    from serumpun.labour.actions import labour_rulebook

    language = get_language() or "id"
    book = labour_rulebook()
    titles = {NO_RULE_BROKEN: gettext("No coded rule (the attaché's judgement)")}
    for rule_id in rule_ids - {NO_RULE_BROKEN}:
        rule = book.get(rule_id)
        titles[rule_id] = rule.text("title", language) if rule else rule_id
    return titles


@require_safe
@login_required
def labour_attache(request: HttpRequest) -> HttpResponse:
    """The labour attaché's dashboard: orders, decisions and reasons, placements, grievances."""
    from serumpun.insights import metrics as m

    require_permission(request.user, "job_order.endorse")
    first, last, n = _months(request)
    cube = load_cube(first, last)
    names = rules.Names(
        choices=_choices(),
        rules=_rule_titles(_codes(cube, m.REJECTION_REASON, dimension="key")),
    )
    urls = rules.LabourUrls(
        job_orders=reverse("labour:job_order_list"),
        review_queue=reverse("labour:review_queue"),
        placements=reverse("labour:placement_board"),
        grievances=reverse("labour:grievance_list"),
    )
    charts = rules.labour_charts(cube, names, urls, gettext)
    totals = rules.labour_totals(cube)
    context = {
        "totals": totals,
        "domestic_share": _percent(totals.domestic_share),
        "queues": q.labour_queues(request.user),
        "urls": urls,
        **_period_context(n, first, last),
    }
    return _page(request, "labour.html", charts, context)


@require_safe
@login_required
def office(request: HttpRequest) -> HttpResponse:
    """An office's own work and results, with its pillar's province figures."""
    from serumpun.insights import metrics as m

    require_permission(request.user, "stats.view_province")
    user: Any = request.user
    first, last, n = _months(request)
    work = q.office_work(user.organisation_ids, first, last)
    pillar = rules.office_pillar(work, request.GET.get("pillar", ""))
    cube = load_cube(first, last)
    regional = (m.MSME_REGISTERED, m.SEEKER_REGISTERED, m.PLACEMENT, m.SHIPMENT)
    names = rules.Names(
        regencies=q.regency_names(_codes(cube, *regional, dimension="regency")),
        choices=_choices(),
    )
    urls = rules.OfficeUrls(
        registry=reverse("exporters:registry"),
        seekers=reverse("labour:seeker_list"),
        grievances=reverse("labour:grievance_list"),
        cohorts=reverse("readiness:cohorts"),
        placements=reverse("labour:placement_board"),
        lane_demand=reverse("logistics:lane_demand"),
    )
    charts = [
        *rules.office_charts(
            work, month_range(first, last), gettext, _month_label, names, urls
        ),
        *rules.province_charts(cube, pillar, names, urls, gettext),
    ]
    context = {
        "office": user.organisation,
        "work": work,
        "verified": sum(work.verified_by_month.values()),
        "registered": sum(work.seekers_by_month.values()),
        "handled": sum(work.grievances_by_status.values()),
        "pillar": pillar,
        "pillars": [
            (rules.TRADE, gettext("Trade")),
            (rules.TRANSPORT, gettext("Transport")),
            (rules.LABOUR, gettext("Labour")),
        ],
        "urls": urls,
        **_period_context(n, first, last, pillar=pillar),
    }
    return _page(request, "office.html", charts, context)


@require_safe
@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """An MSME owner's own progress: readiness, plan, leads, shipments."""
    from serumpun.readiness.config import question_title

    require_permission(request.user, "msme.manage_own")
    msme = q.own_msme(request.user)
    if msme is None:
        return _page(request, "my_progress.html", [], {"msme": None})
    progress = q.msme_progress(msme)
    language = get_language() or "id"
    urls = rules.MsmeUrls(
        product=lambda pk: reverse("readiness:product", args=[pk]),
        readiness=reverse("readiness:home"),
        leads=reverse("trade:leads"),
        shipments=reverse("logistics:shipment_list"),
    )
    charts = rules.msme_charts(
        progress,
        rules.Names(choices=_choices()),
        urls,
        gettext,
        lambda key: question_title(key, language),
    )
    context = {
        "msme": msme,
        "progress": progress,
        "leads_total": sum(progress.leads.values()),
        "shipments_total": sum(n for n, _kg in progress.shipments.values()),
        "urls": urls,
    }
    return _page(request, "my_progress.html", charts, context)


@require_safe
@login_required
def my_status(request: HttpRequest) -> HttpResponse:
    """A job seeker's own status: stage, documents, offers, vacancies, grievances."""
    from serumpun.labour.queries import masked_nik
    from serumpun.labour.reference import document_checklist

    require_permission(request.user, "seeker.manage_own")
    seeker = q.own_seeker(request.user)
    if seeker is None:
        return _page(request, "my_status.html", [], {"seeker": None})
    status = q.seeker_status(seeker)
    names = rules.Names(choices=_choices())
    urls = rules.SeekerUrls(
        profile=reverse("labour:seeker_me"),
        offers=reverse("labour:offer_list"),
        grievance=lambda pk: reverse("labour:grievance_detail", args=[pk]),
    )
    language = get_language() or "id"
    titles = {
        doc["kind"]: doc["title"].get(language) or doc["title"].get("en", doc["kind"])
        for doc in document_checklist()
    }
    charts = rules.seeker_charts(status, names, urls, gettext, _day_label)
    grievances = [
        {
            "filed": g.filed,
            "category": names.choice("grievance_category", g.category),
            "status": names.choice("grievance_status", g.status),
            "answered": g.hours_to_response is not None,
            "url": urls.grievance(g.pk),
        }
        for g in status.grievances
    ]
    context = {
        "seeker": seeker,
        "nik": masked_nik(seeker.nik_last4),
        "status": status,
        "grievances": grievances,
        "answered": sum(1 for g in grievances if g["answered"]),
        "path": rules.seeker_path(seeker.stage, names),
        "missing": [titles.get(kind, kind) for kind in status.missing],
        "urls": urls,
    }
    return _page(request, "my_status.html", charts, context)
