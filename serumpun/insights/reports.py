"""Drawing the monthly briefing: its figures as HTML in one language, and that HTML as a PDF.

`rules/briefing.py` computes the figures; this module names things (products, ports,
sectors, rules, gaps) in the briefing's language, turns findings into sentences, lays out
the trend charts and renders the templates. Call it inside `translation.override(language)`.
The PDF is drawn by weasyprint from the same HTML with the briefing's stylesheet read from
disk; it fetches nothing — not even a local URL — so a briefing cannot leak a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from serumpun.insights.rules import svg_charts

TEMPLATES = "insights/reports"
STYLESHEET = "css/insights-briefing.css"
#: where helper tags may offer a regency map; the briefing includes it only when present
MAP_TAG_MODULE = "serumpun.insights.templatetags.insights_map"

SENTENCES: dict[str, Any] = {
    "gap": _("%(msmes)s MSMEs are held back by the open gap “%(gap)s”."),
    "not_ready": _(
        "%(msmes)s of the %(of)s MSMEs assessed for Malaysia are not yet export-ready."
    ),
    "unanswered_introductions": _(
        "%(introductions)s of this month's %(of)s introductions have had no answer "
        "from the supplier yet."
    ),
    "open_requests": _(
        "%(requests)s of this month's %(of)s buyer requests are still open."
    ),
    "rejection_rule": _(
        "The rule rejected job orders broke most often: %(rule)s (%(orders)s orders)."
    ),
    "unanswered_grievances": _(
        "%(grievances)s of this month's %(of)s grievances have had no first response yet."
    ),
    "falling": _("%(figure)s fell from %(previous)s to %(value)s."),
}

FIGURE_NAMES: dict[str, Any] = {
    "deals": _("Deals"),
    "introductions": _("Introductions"),
    "shipments": _("Shipments"),
    "placements": _("Placements"),
}


def _number(value: Any, places: int = 0) -> str:
    if value is None:
        return "–"
    return str(
        formats.number_format(
            round(float(value), places), places, use_l10n=True, force_grouping=True
        )
    )


def _month(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _hs_names(codes: set[str], language: str) -> dict[str, str]:
    """HS code → a product name: the first Indonesian trade name in Indonesian, else HS text."""
    from serumpun.core.models import HSCode

    names = {}
    for code, description, name_id in HSCode.objects.filter(code__in=codes).values_list(
        "code", "description", "name_id"
    ):
        trade_name = name_id.split(",")[0].strip()
        names[code] = trade_name if language == "id" and trade_name else description
    return names


def _port_names(locodes: set[str]) -> dict[str, str]:
    from serumpun.core.models import Port

    return dict(
        Port.objects.filter(locode__in=locodes)
        .order_by("locode", "pk")
        .values_list("locode", "name")
    )


def _rule_title(rule_id: str, language: str) -> str:
    from serumpun.insights.metrics import NO_RULE_BROKEN
    from serumpun.labour.actions import labour_rulebook

    if rule_id == NO_RULE_BROKEN:
        return str(_("the attaché's own judgement (no coded rule broken)"))
    rule = labour_rulebook().get(rule_id)
    return f"{rule.text('title', language)} ({rule_id})" if rule else rule_id


def _gap_title(key: str, language: str) -> str:
    from serumpun.readiness.config import question_title

    return question_title(key, language)


def _sector(key: str) -> str:
    from serumpun.labour.models import Sector

    return str(Sector(key).label) if key in Sector.values else key


def sentence(finding: Mapping[str, Any], language: str) -> str:
    """One "where it is stuck" finding as a sentence in the active language."""
    code = finding["code"]
    numbers = {
        k: _number(v)
        for k, v in finding.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    if code == "gap":
        numbers["gap"] = _gap_title(finding["key"], language)
    elif code == "rejection_rule":
        numbers["rule"] = _rule_title(finding["rule"], language)
    elif code == "falling":
        numbers["figure"] = str(FIGURE_NAMES.get(finding["figure"], finding["figure"]))
    return str(SENTENCES[code]) % numbers


def _card(label: Any, figure: Mapping[str, Any], places: int = 0) -> dict[str, Any]:
    return {"label": label, "figure": figure, "places": places}


def _cards(figures: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    trade, transport, labour = (
        figures["trade"],
        figures["transport"],
        figures["labour"],
    )
    return {
        "trade": [
            _card(_("MSMEs registered"), trade["msmes_registered"]),
            _card(_("MSMEs verified"), trade["msmes_verified"]),
            _card(_("Export-ready MSMEs (snapshot)"), trade["msmes_ready"]),
            _card(_("Buyer requests"), trade["buyer_requests"]),
            _card(_("Introductions"), trade["introductions"]),
            _card(_("Deals"), trade["deals"]),
            _card(_("Deal value (USD)"), trade["deal_value_usd"]),
        ],
        "transport": [
            _card(_("Shipments"), transport["shipments"]),
            _card(_("Tonnes"), transport["tonnes"], 1),
            _card(_("TEU-equivalent"), transport["teu"], 1),
            _card(_("Pooling savings (USD)"), transport["pooling_saving_usd"]),
            _card(_("CO2e, tonnes (estimate)"), transport["co2e_tonnes"], 1),
        ],
        "labour": [
            _card(_("Job orders endorsed"), labour["job_orders_endorsed"]),
            _card(_("Job orders rejected"), labour["job_orders_rejected"]),
            _card(_("Job seekers registered"), labour["seekers_registered"]),
            _card(_("Placements (departures)"), labour["placements"]),
            _card(_("Grievances filed"), labour["grievances"]),
            _card(_("Mean hours to first response"), labour["response_hours"], 1),
        ],
    }


def _trend_charts(trends: Mapping[str, Any]) -> list[svg_charts.SvgChart]:
    months = [dt.date.fromisoformat(m) for m in trends["months"]]
    labels = [str(formats.date_format(m, "M")) for m in months]
    return [
        svg_charts.chart(
            "trend-deal-value",
            str(_("Deal value per month")),
            labels,
            trends["deal_value_usd"],
            unit="USD",
        ),
        svg_charts.chart(
            "trend-tonnes",
            str(_("Tonnes shipped per month")),
            labels,
            trends["tonnes"],
            unit="t",
        ),
        svg_charts.chart(
            "trend-placements",
            str(_("Placements per month")),
            labels,
            trends["placements"],
            kind=svg_charts.LINE,
        ),
    ]


def has_regency_map() -> bool:
    """Whether the regency map tag (another part of insights) is installed."""
    import importlib.util

    try:
        return importlib.util.find_spec(MAP_TAG_MODULE) is not None
    except ModuleNotFoundError:
        return False


def _regency_map(values: Mapping[str, int]) -> str:
    """The regency map's SVG (the map tag's own markup), or "" without the tag or figures."""
    if not values or not has_regency_map():
        return ""
    title = _("Export-ready MSMEs by regency (snapshot)")
    return render_to_string(
        f"{TEMPLATES}/_map.html", {"values": dict(values), "title": title}
    )


def briefing_context(figures: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Everything the briefing template needs, named in `language` (four small queries)."""
    trade, transport, labour = (
        figures["trade"],
        figures["transport"],
        figures["labour"],
    )
    hs_names = _hs_names({p["hs_code"] for p in trade["top_products"]}, language)
    ports = _port_names({lane["destination"] for lane in transport["lanes"]})
    return {
        "figures": figures,
        "language": language,
        "month": _month(figures["month"]),
        "previous_month": _month(figures["previous_month"]),
        "generated_at": _moment(figures["generated_at"]),
        "refreshed_at": _moment(figures["rollups_refreshed_at"]),
        "snapshot_month": _month(trade["snapshot_month"]),
        "cards": _cards(figures),
        "products": [
            {**p, "name": hs_names.get(p["hs_code"], "")} for p in trade["top_products"]
        ],
        "lanes": [
            {**lane, "name": ports.get(lane["destination"], lane["destination"])}
            for lane in transport["lanes"]
        ],
        "rejection_rules": [
            {**r, "title": _rule_title(r["rule"], language)}
            for r in labour["rejection_rules"]
        ],
        "sectors": [
            {**s, "label": _sector(s["sector"])} for s in labour["placements_by_sector"]
        ],
        "stuck": [sentence(f, language) for f in figures["stuck"]],
        "charts": _trend_charts(figures["trends"]),
        "regency_map": _regency_map(trade["ready_by_regency"]),
    }


def render_html(figures: Mapping[str, Any], language: str) -> str:
    """The briefing as an HTML fragment (<article>), in the active language."""
    return render_to_string(
        f"{TEMPLATES}/briefing.html", briefing_context(figures, language)
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The briefing is self-contained (inline SVG, stylesheet passed in); anything it would
    # fetch is a mistake, and a network fetch from a report job is a leak.
    raise ValueError(f"the briefing PDF fetches nothing ({url[:60]})")


def render_pdf(article: str, *, language: str, title: str) -> bytes:
    """The briefing's HTML fragment as an A4 PDF (weasyprint), fetching nothing."""
    from weasyprint import CSS, HTML

    page = render_to_string(
        f"{TEMPLATES}/briefing_pdf.html",
        {"article": article, "language": language, "title": title},
    )
    path = finders.find(STYLESHEET)
    stylesheets = []
    if path:
        css = Path(str(path)).read_text(encoding="utf-8")
        stylesheets.append(CSS(string=css, url_fetcher=_refuse_fetch))
    pdf: bytes = HTML(string=page, url_fetcher=_refuse_fetch).write_pdf(
        stylesheets=stylesheets
    )
    return pdf
