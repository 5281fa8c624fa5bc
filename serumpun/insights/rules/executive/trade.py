"""The executive dashboard's trade section: MSMEs, gaps, the deal funnel and top products."""

from __future__ import annotations

from collections.abc import Mapping

from serumpun.insights import metrics as m
from serumpun.insights.rules.charts import BAR, HORIZONTAL_BAR, LINE, Chart, Series
from serumpun.insights.rules.cube import Cube, Sums, top
from serumpun.insights.rules.executive.common import (
    TOP,
    Figure,
    Section,
    Vocabulary,
    counts,
    month_labels,
    province_wide,
    regency_codes,
    regency_filter,
)


def hs_codes(cube: Cube) -> list[str]:
    """The HS codes the top-products chart names (so the view loads only their names)."""
    return [code for code, _ in top(cube.by(m.DEAL, "key"), "amount", TOP)]


def trade_section(cube: Cube, words: Vocabulary) -> Section:
    """MSMEs by regency, the most common gaps, the deal funnel by month, top products."""
    _ = words.gettext
    link = words.link
    where = regency_filter(cube)
    registered = cube.total(m.MSME_REGISTERED).records
    verified = cube.total(m.MSME_VERIFIED).records
    ready = cube.total(m.MSME_READY).records
    deals = cube.total(m.DEAL)
    figures = [
        Figure(_("MSMEs registered"), registered, link=link("registry", **where)),
        Figure(
            _("MSMEs verified"),
            verified,
            link=link("registry", state="verified", **where),
        ),
        Figure(
            _("MSMEs export-ready for Malaysia"),
            ready,
            link=link("readiness"),
            note=_("as of the latest snapshot"),
        ),
        Figure(
            _("Buyer requests"),
            cube.total(m.REQUEST_POSTED).records,
            link=link("requests"),
        ),
        Figure(
            _("Introductions"), cube.total(m.INTRODUCTION).records, link=link("leads")
        ),
        Figure(_("Deals (orders)"), deals.records, link=link("pipeline", **where)),
        Figure(
            _("Export value of deals"),
            round(deals.amount),
            unit="USD",
            link=link("pipeline", **where),
        ),
    ]
    return Section(
        id="trade",
        title=_("Trade"),
        figures=figures,
        charts=[
            _msmes_by_regency(cube, words),
            _common_gaps(cube, words),
            _funnel_by_month(cube, words),
            _deal_value_by_month(cube, words),
            _top_products(cube, words),
        ],
        note=province_wide(
            cube,
            _(
                "Buyer requests belong to no regency: they are shown for the whole "
                "province."
            ),
        ),
    )


def _msmes_by_regency(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    codes = regency_codes(cube, words)
    registered = cube.by(m.MSME_REGISTERED, "regency")
    verified = cube.by(m.MSME_VERIFIED, "regency")
    ready = cube.by(m.MSME_READY, "regency")

    def values(sums: Mapping[str, Sums]) -> list[float | int | None]:
        return [sums[code].records if code in sums else 0 for code in codes]

    return Chart(
        id="trade-msmes-by-regency",
        title=_("MSMEs by regency"),
        kind=BAR,
        labels=[words.regencies.get(code, code) for code in codes],
        series=[
            Series(_("registered"), values(registered)),
            Series(_("verified"), values(verified)),
            Series(_("export-ready (now)"), values(ready)),
        ],
        unit=_("MSMEs"),
        note=_(
            "Registered and verified in the period; export-ready for Malaysia as of the "
            "latest snapshot."
        ),
        links=[words.link("registry", regency=code) for code in codes],
    )


def _common_gaps(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    gaps = top(cube.by(m.GAP_OPEN, "key"), "contributors", TOP)
    return Chart(
        id="trade-gaps",
        title=_("Most common readiness gaps"),
        kind=HORIZONTAL_BAR,
        labels=[words.gap_title(key) for key, _sums in gaps],
        series=[Series(_("MSMEs with this gap"), [s.contributors for _k, s in gaps])],
        unit=_("MSMEs"),
        note=_("Open gaps of the latest assessments for Malaysia."),
        links=[words.link("readiness") for _gap in gaps],
    )


def _funnel_by_month(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    return Chart(
        id="trade-funnel",
        title=_("Buyer requests, introductions and deals by month"),
        kind=LINE,
        labels=month_labels(cube, words),
        series=[
            Series(_("buyer requests"), counts(cube.series(m.REQUEST_POSTED))),
            Series(_("introductions"), counts(cube.series(m.INTRODUCTION))),
            Series(_("deals"), counts(cube.series(m.DEAL))),
        ],
    )


def _deal_value_by_month(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    return Chart(
        id="trade-deal-value",
        title=_("Export value of deals by month"),
        kind=BAR,
        labels=month_labels(cube, words),
        series=[
            Series(
                _("deal value"),
                [round(s.amount) for _month, s in cube.series(m.DEAL)],
            )
        ],
        unit="USD",
        note=_("A deal counts in the month its first order was placed."),
    )


def _top_products(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    products = top(cube.by(m.DEAL, "key"), "amount", TOP)
    labels = []
    for code, _sums in products:
        description = words.hs_descriptions.get(code, "")
        labels.append(f"{code} {description}".strip())
    return Chart(
        id="trade-products",
        title=_("Top products by deal value"),
        kind=HORIZONTAL_BAR,
        labels=labels,
        series=[Series(_("deal value"), [round(s.amount) for _c, s in products])],
        unit="USD",
        note=_("By HS code of the product ordered."),
        links=[
            words.link("pipeline", hs=code, **regency_filter(cube))
            for code, _s in products
        ],
    )
