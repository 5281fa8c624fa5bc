"""The executive dashboard for the governor's office: one page across trade, transport, labour.

Figures come only from the roll-up tables through `queries.load_cube` (four queries) plus a
constant few for names and the refresh status, whatever the number of records; once built,
a period's figures are kept until the next refresh (`queries.kept_until_refresh`). Building the
figures is `rules.executive`; this module gathers what it needs and renders the page, its
CSV/XLSX tables, and the "refresh now" button.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from serumpun.accounts.roles import has_permission, require_permission
from serumpun.insights import queries
from serumpun.insights.downloads import find_chart, table_download
from serumpun.insights.forms_dashboard import DashboardFilterForm, Period, bound_form
from serumpun.insights.models import RefreshStatus, RollupRefresh
from serumpun.insights.rules import executive
from serumpun.insights.rules.cube import Cube

TEMPLATE = "insights/dashboard/executive.html"
#: the Lampung map's template tag library, once it exists (another part of insights builds it)
MAP_TAG = importlib.util.find_spec("serumpun.insights.templatetags.insights_map")
PERMISSION = "oversight.view"
#: a refresh that started less than this many minutes ago and has not finished is running
RUNNING_MINUTES = 30


def _any(*permissions: str) -> Callable[[Any], bool]:
    return lambda user: any(has_permission(user, p) for p in permissions)


def _all(*permissions: str) -> Callable[[Any], bool]:
    return lambda user: all(has_permission(user, p) for p in permissions)


def _reads_job_orders(user: Any) -> bool:
    from serumpun.labour.views_joborders import may_read_job_orders

    return may_read_job_orders(user)


#: where each figure's records are listed, and who may open that list
TARGETS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "registry": ("exporters:registry", _any("msme.view_all")),
    "readiness": ("readiness:overview", _any("stats.view_province", "msme.view_all")),
    "requests": ("trade:requests", _any("request.post", "request.relay")),
    "leads": ("trade:leads", _all("deal.track", "request.relay")),
    "pipeline": ("trade:pipeline", _all("deal.track", "request.relay")),
    "shipments": (
        "logistics:shipment_list",
        _any("consolidation.plan", "msme.view_all"),
    ),
    "lane_demand": ("logistics:lane_demand", _any("lane_demand.view")),
    "pooling": ("logistics:plan_list", _any("consolidation.plan")),
    "job_orders": ("labour:job_order_list", _reads_job_orders),
    "seekers": ("labour:seeker_list", _any("seeker.manage_any")),
    "placements": ("labour:placement_board", _any("placement.monitor")),
    "grievances": ("labour:grievance_list", _any("grievance.handle")),
}


def record_links(user: Any) -> executive.Link:
    """link(target, **filters): the URL of the records behind a figure, if `user` may see them."""
    allowed = {name: may(user) for name, (_url, may) in TARGETS.items()}
    urls = {name: reverse(TARGETS[name][0]) for name, ok in allowed.items() if ok}

    def link(target: str, **params: str) -> str | None:
        url = urls.get(target)
        if url is None:
            return None
        return f"{url}?{urlencode(params)}" if params else url

    return link


def _names(codes: list[str], rows: Any, key: str, value: str) -> dict[str, str]:
    """`value` per `key` for these codes, in one query (none when there are no codes)."""
    if not codes:
        return {}
    rows = rows.filter(**{f"{key}__in": codes}).values_list(key, value)
    return {str(code): str(name) for code, name in rows}


def vocabulary(request: HttpRequest, cube: Cube) -> executive.Vocabulary:
    """Names, labels and links for the page, in two queries (HS codes and ports)."""
    from serumpun.core.models import HSCode, Port
    from serumpun.labour.actions import labour_rulebook
    from serumpun.labour.models import Grievance, Sector
    from serumpun.logistics.queries_demand import teu_box
    from serumpun.readiness.config import question_title

    language = get_language() or "id"
    rulebook = labour_rulebook()

    def rule_title(rule_id: str) -> str:
        rule = rulebook.get(rule_id)
        return rule_id if rule is None else rule.text("title", language)

    return executive.Vocabulary(
        gettext=gettext,
        month_label=lambda month: date_format(month, "M Y"),
        link=record_links(request.user),
        regencies=_regency_names(),
        box=teu_box(),
        number=lambda value, places: str(
            number_format(value, places, use_l10n=True, force_grouping=True)
        ),
        gap_title=lambda key: question_title(key, language),
        rule_title=rule_title,
        hs_descriptions=_names(
            executive.hs_codes(cube), HSCode.objects.all(), "code", "description"
        ),
        ports=_names(
            executive.lanes(cube),
            Port.objects.filter(kind=Port.Kind.SEAPORT),
            "locode",
            "name",
        ),
        sectors={str(k): str(v) for k, v in Sector.choices},
        grievance_categories={str(k): str(v) for k, v in Grievance.Category.choices},
    )


def _refreshes() -> tuple[RollupRefresh | None, RollupRefresh | None]:
    """The latest finished refresh and the latest one of any status."""
    done = RollupRefresh.objects.filter(status=RefreshStatus.DONE).first()
    latest = RollupRefresh.objects.first()
    return done, latest


def _dashboard(request: HttpRequest) -> tuple[DashboardFilterForm, Period, Any]:
    """The filters and the page's figures.

    The figures depend only on the roll-ups, the period, the language and which lists the
    viewer may open (the links), so they are built once per refresh for each of those.
    """
    form = bound_form(request.GET, timezone.localdate())
    period = form.period()

    def build() -> executive.Dashboard:
        cube = executive.indexed(
            queries.load_cube(period.first_month, period.last_month, period.regency)
        )
        return executive.build(cube, vocabulary(request, cube))

    may_open = tuple(name for name, (_url, may) in TARGETS.items() if may(request.user))
    key = (
        "executive",
        period.first_month,
        period.last_month,
        period.regency,
        get_language(),
        may_open,
    )
    return form, period, queries.kept_until_refresh(key, build)


@require_safe
@login_required
def executive_dashboard(request: HttpRequest) -> HttpResponse:
    """The page, or one of its tables as CSV/XLSX (`?download=<chart id>&format=csv|xlsx`)."""
    require_permission(request.user, PERMISSION)
    form, period, dashboard = _dashboard(request)
    wanted = request.GET.get("download")
    if wanted:
        fmt = request.GET.get("format", "csv")
        return table_download(find_chart(dashboard.charts, wanted), fmt)
    done, latest = _refreshes()
    query = form.query(period)
    context = {
        "form": form,
        "period": period,
        "dashboard": dashboard,
        "query": urlencode(query),
        "query_fields": query,
        "refreshed": done,
        "latest_refresh": latest,
        "refresh_running": _running(latest),
        "regency_name": _regency_names().get(period.regency or "", ""),
        "map_tag": MAP_TAG is not None,
        "map_values": _map_values(dashboard, period.regency),
        "map_link": _map_link(request.user),
    }
    return render(request, TEMPLATE, context)


def _regency_names() -> dict[str, str]:
    from serumpun.exporters.forms_officer import lampung_regencies

    return {place.code: place.name for place in lampung_regencies()}


def _map_values(dashboard: executive.Dashboard, regency: str | None) -> dict[str, int]:
    """Export-ready MSMEs per regency shown: zero where none; only the filtered one."""
    ready = dashboard.ready_by_regency
    shown = [regency] if regency else list(_regency_names())
    return {code: ready.get(code, 0) for code in shown}


def _map_link(user: Any) -> str | None:
    """The map's link per regency: the registry filtered to it, if the user may open it."""
    registry = record_links(user)("registry")
    return f"{registry}?regency={{code}}" if registry else None


def _running(latest: RollupRefresh | None) -> bool:
    if latest is None or latest.status != RefreshStatus.RUNNING:
        return False
    age = timezone.now() - latest.started_at
    return age.total_seconds() < RUNNING_MINUTES * 60


@require_POST
@login_required
def refresh_now(request: HttpRequest) -> HttpResponse:
    """Recompute the roll-up tables in the background, then back to the same filters."""
    from serumpun.insights.tasks import refresh_rollups_task

    require_permission(request.user, PERMISSION)
    form = bound_form(request.POST, timezone.localdate())
    back = f"{reverse('insights:executive')}?{urlencode(form.query(form.period()))}"
    if _running(RollupRefresh.objects.first()):
        messages.info(
            request, _("A refresh is already running; its figures come soon.")
        )
        return redirect(back)
    refresh_rollups_task.enqueue(user_id=request.user.pk)
    messages.success(
        request,
        _("The figures are being refreshed; reload the page in a minute to see them."),
    )
    return redirect(back)
