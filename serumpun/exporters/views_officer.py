"""Officer and attaché pages: the MSME registry, its map and export, and verification."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission, require_permission
from serumpun.core.access import get_visible_or_404
from serumpun.core.audit import record
from serumpun.core.models import AuditEvent
from serumpun.exporters import actions, exporting
from serumpun.exporters.forms_officer import (
    RegencyPlace,
    RegistryFilterForm,
    VerificationDecisionForm,
    lampung_regencies,
)
from serumpun.exporters.models import MSME, Certificate, Verification

PAGE_SIZE = 50
PANEL_TEMPLATE = "exporters/officer/_verify_panel.html"

# --- The registry ------------------------------------------------------------------------------


def _is_partial(request: HttpRequest) -> bool:
    htmx = request.htmx  # type: ignore[attr-defined]
    return bool(htmx) and not htmx.history_restore_request


def _filter_form(request: HttpRequest) -> RegistryFilterForm:
    form = RegistryFilterForm(request.GET)
    if not form.is_valid():
        # A bad value (a hand-edited URL) clears that filter instead of failing the page.
        form = RegistryFilterForm(
            {k: v for k, v in request.GET.items() if k not in form.errors}
        )
        form.is_valid()
    return form


def _rows(queryset: Any, today: dt.date) -> Any:
    """Page rows with everything the table shows, in a fixed number of queries."""
    valid = Certificate.objects.valid_on(today).only("msme_id", "kind").order_by("kind")
    pending = Certificate.objects.filter(
        msme=OuterRef("pk"), verification=Verification.SUBMITTED
    )
    return (
        queryset.select_related("regency")
        .annotate(
            product_count=Count("products", distinct=True),
            has_pending_certificates=Exists(pending),
        )
        .prefetch_related(
            Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
        )
    )


def _registry_context(
    request: HttpRequest,
    form: RegistryFilterForm,
    queryset: Any,
    *,
    queue: bool = False,
) -> dict[str, Any]:
    today = timezone.localdate()
    page = Paginator(_rows(queryset, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "queue": queue,
        "list_url": reverse(
            "exporters:verification_queue" if queue else "exporters:registry"
        ),
        "query": _query_without(request.GET, "page"),
        "export_query": _query_without(request.GET, "page", "format"),
        "can_verify": has_permission(request.user, "msme.verify"),
        "can_import": has_permission(request.user, "registry.import"),
        "map": None,
    }
    if not queue:
        # The map shows where the matching MSMEs are; its own regency filter is left out,
        # so choosing a regency still shows the others to compare with.
        everywhere = form.filter(
            MSME.objects.visible_to(request.user), as_of=today, regency=False
        )
        context["map"] = regency_map(everywhere, request.GET)
    return context


def _render_registry(
    request: HttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    target = f"{template}#results" if _is_partial(request) else template
    response = render(request, target, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@login_required
def registry(request: HttpRequest) -> HttpResponse:
    """Every MSME the officer may see, filtered; htmx swaps only the results and the map."""
    require_permission(request.user, "msme.view_all")
    form = _filter_form(request)
    visible = MSME.objects.visible_to(request.user)
    # Ordered explicitly: Meta.ordering does not apply to the page's GROUP BY query.
    queryset = form.filter(visible, as_of=timezone.localdate()).order_by("name", "pk")
    context = _registry_context(request, form, queryset)
    return _render_registry(request, "exporters/officer/registry.html", context)


@require_safe
@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    """Profiles awaiting a decision first (oldest first), then those with pending certificates."""
    require_permission(request.user, "msme.verify")
    form = _filter_form(request)
    pending = Certificate.objects.filter(
        msme=OuterRef("pk"), verification=Verification.SUBMITTED
    )
    queryset = (
        form.filter(MSME.objects.visible_to(request.user), as_of=timezone.localdate())
        .filter(Q(verification=Verification.SUBMITTED) | Exists(pending))
        .annotate(
            profile_first=Case(
                When(verification=Verification.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("profile_first", "submitted_at", "name", "pk")
    )
    context = _registry_context(request, form, queryset, queue=True)
    return _render_registry(request, "exporters/officer/registry.html", context)


@require_safe
@login_required
def registry_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered registry as CSV (streamed) or XLSX; every export is audited."""
    require_permission(request.user, "msme.view_all")
    fmt = request.GET.get("format", "csv")
    if fmt not in exporting.FORMATS:
        return HttpResponse(_("Choose csv or xlsx."), status=400)
    form = _filter_form(request)
    today = timezone.localdate()
    queryset = form.filter(MSME.objects.visible_to(request.user), as_of=today)
    record(
        actor=request.user,
        action="exporters.registry.exported",
        fields=exporting.COLUMNS,
        purpose=f"registry export ({fmt}); filters: {', '.join(form.active_filters()) or 'none'}",
        kind=AuditEvent.Kind.PERSONAL_DATA_READ,
    )
    table = exporting.rows(queryset, as_of=today)
    filename = f"msme-registry-{today:%Y%m%d}"
    if fmt == "xlsx":
        return exporting.xlsx_response(table, filename)
    return exporting.csv_response(table, filename)


def _query_without(params: QueryDict, *names: str) -> str:
    """The query string minus `names` and empty values (links stay short and readable)."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [value for value in values if value]
        if key not in names and kept:
            query.setlist(key, kept)
    return query.urlencode()


# --- The schematic map -------------------------------------------------------------------------

#: SVG units per degree; Lampung lies near 5° S, where a degree of longitude is 0.996 of one
#: of latitude, so plain longitude/latitude (equirectangular) is close enough for a schematic
MAP_SCALE = 200
MAP_PAD_X = 70
MAP_PAD_Y = 45
RADIUS_MIN, RADIUS_MAX = 7.0, 24.0
#: the local short names officers use (as on provincial lists: LAMBAR, LAMSEL, TUBABA…)
SHORT_NAMES = {
    "1801": "Lambar",
    "1802": "Tanggamus",
    "1803": "Lamsel",
    "1804": "Lamtim",
    "1805": "Lamteng",
    "1806": "Lampura",
    "1807": "Way Kanan",
    "1808": "Tuba",
    "1809": "Pesawaran",
    "1810": "Pringsewu",
    "1811": "Mesuji",
    "1812": "Tubaba",
    "1813": "Pesibar",
    "1871": "Bandar Lampung",
    "1872": "Metro",
}
#: where each label sits beside its circle (chosen so no two labels overlap, even with every
#: circle at full size; the Pesawaran–Pringsewu–Bandar Lampung cluster still brushes circles)
LABEL_SIDES = {
    "1801": "right",
    "1802": "left",
    "1803": "left",
    "1805": "above",
    "1806": "left",
    "1807": "left",
    "1809": "right",
    "1810": "left",
    "1811": "above",
    "1812": "above",
    "1872": "left",
}


@dataclass(frozen=True)
class MapTile:
    """One regency on the schematic map: its capital's position, count and label."""

    code: str
    name: str
    short_name: str
    capital: str
    count: int
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str
    url: str
    selected: bool


def _label(x: float, y: float, r: float, side: str) -> tuple[float, float, str]:
    gap, line = 4.0, 11.0
    if side == "above":
        return x, y - r - gap, "middle"
    if side == "left":
        return x - r - gap, y + line / 3, "end"
    if side == "right":
        return x + r + gap, y + line / 3, "start"
    return x, y + r + gap + line, "middle"


def map_tiles(
    places: tuple[RegencyPlace, ...],
    counts: dict[str, int],
    url_for: Any,
    selected: str = "",
) -> list[MapTile]:
    """Tiles placed by capital longitude/latitude; circle AREA grows with the count."""
    west = min(p.lon for p in places)
    north = max(p.lat for p in places)
    most = max(counts.values(), default=0) or 1
    tiles = []
    for place in places:
        count = counts.get(place.code, 0)
        x = round(MAP_PAD_X + (place.lon - west) * MAP_SCALE, 1)
        y = round(MAP_PAD_Y + (north - place.lat) * MAP_SCALE, 1)
        r = round(RADIUS_MIN + (RADIUS_MAX - RADIUS_MIN) * math.sqrt(count / most), 1)
        lx, ly, anchor = _label(x, y, r, LABEL_SIDES.get(place.code, "below"))
        tiles.append(
            MapTile(
                code=place.code,
                name=place.name,
                short_name=SHORT_NAMES.get(place.code, place.name),
                capital=place.capital,
                count=count,
                x=x,
                y=y,
                r=r,
                label_x=round(lx, 1),
                label_y=round(ly, 1),
                anchor=anchor,
                url=url_for(place.code),
                selected=place.code == selected,
            )
        )
    return tiles


def regency_map(queryset: Any, params: QueryDict) -> dict[str, Any]:
    """Counts per Lampung regency of `queryset` (one grouped query), laid out as map tiles."""
    counts = dict(
        queryset.order_by()
        .values_list("regency_id")
        .annotate(n=Count("pk"))
        .values_list("regency_id", "n")
    )
    places = lampung_regencies()

    base = _query_without(params, "page", "regency")
    registry_url = reverse("exporters:registry")

    def url_for(code: str) -> str:
        return f"{registry_url}?{base}{'&' if base else ''}regency={code}"

    tiles = map_tiles(places, counts, url_for, params.get("regency", ""))
    lampung = {p.code for p in places}
    width = max(t.x for t in tiles) + MAP_PAD_X
    height = max(t.y for t in tiles) + MAP_PAD_Y
    return {
        "tiles": tiles,
        "width": math.ceil(width),
        "height": math.ceil(height),
        "total": sum(counts.values()),
        "elsewhere": sum(n for code, n in counts.items() if code not in lampung),
    }


# --- Verification --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    # Every caller sits behind @login_required, so the user is a real account.
    return cast(User, request.user)


def _detail_url(msme: MSME) -> str:
    try:
        return reverse("exporters:msme_detail", args=[msme.pk])
    except (
        NoReverseMatch
    ):  # the profile page is another helper's; the registry always exists
        return reverse("exporters:registry")


def _panel_context(msme: MSME, **extra: Any) -> dict[str, Any]:
    return {"msme": msme, "can_verify": True, **extra}


def _decide(
    request: HttpRequest, act: Any, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Validate the decision form, run the action, answer the page or the htmx panel."""
    msme: MSME = context["msme"]
    form = VerificationDecisionForm(request.POST)
    if form.is_valid():
        try:
            act(form.cleaned_data["decision"], form.cleaned_data["reason"])
        except actions.ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                msme.refresh_from_db()
                return render(
                    request, PANEL_TEMPLATE, _panel_context(msme, decided=True)
                )
            messages.success(request, _("Your decision was recorded."))
            return redirect(_detail_url(msme))
    context = {**context, "form": form}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, PANEL_TEMPLATE, context)
    return render(request, template, context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def verify_msme(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and record a decision on a business profile (reject needs a reason)."""
    require_permission(request.user, "msme.verify")
    msme = get_visible_or_404(
        MSME.objects.select_related("regency"), request.user, pk=pk
    )

    def act(decision: str, reason: str) -> None:
        actions.verify_msme(
            by=_user(request), msme=msme, decision=decision, reason=reason
        )

    template = "exporters/officer/verify_msme.html"
    context = _panel_context(msme, form_target="msme")
    if request.method == "POST":
        return _decide(request, act, template, context)
    return render(request, template, {**context, "form": VerificationDecisionForm()})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def verify_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and record a decision on a certificate (reject needs a reason)."""
    require_permission(request.user, "msme.verify")
    certificate = get_visible_or_404(
        Certificate.objects.select_related("msme__regency"), request.user, pk=pk
    )
    msme = certificate.msme

    def act(decision: str, reason: str) -> None:
        actions.verify_certificate(
            by=_user(request),
            certificate=certificate,
            decision=decision,
            reason=reason,
        )

    template = "exporters/officer/verify_certificate.html"
    context = _panel_context(msme, certificate=certificate, form_target=certificate.pk)
    if request.method == "POST":
        return _decide(request, act, template, context)
    return render(request, template, {**context, "form": VerificationDecisionForm()})
