"""The executive dashboard: headline figures, charts and "where it is stuck", from a Cube.

Pure: the view loads the cube (`queries.load_cube`) and the few names the page shows (HS
descriptions, port names, rule and gap titles) and passes them in a `Vocabulary`, together
with `gettext` and a `link` function that answers the URL of the records behind a figure, or
None when the viewer may not open that list. Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from serumpun.insights import metrics as m
from serumpun.insights.rules.charts import (
    BAR,
    DOUGHNUT,
    HORIZONTAL_BAR,
    LINE,
    STACKED_BAR,
    Chart,
    Series,
)
from serumpun.insights.rules.cube import Cube, Sums, share, top
from serumpun.logistics.rules.lane_demand import Box20, teu_equivalent

#: how many gaps, products, rules… a "most common" chart lists
TOP = 8
#: the sector whose placements are domestic work, not formal-sector employment
DOMESTIC = "domestic"
KG_PER_TONNE = 1000.0
PERCENT = 100.0

Link = Callable[..., str | None]


@dataclass(frozen=True)
class Vocabulary:
    """What the page calls things and where its figures lead, in the viewer's language."""

    gettext: Callable[[str], str]
    month_label: Callable[[date], str]
    link: Link  # link(target, **params) -> URL of the records, or None
    regencies: Mapping[str, str]  # Lampung regency code -> name, in display order
    box: Box20  # the 20' box that defines a TEU
    number: Callable[[float, int], str] = lambda value, places: f"{value:,.{places}f}"
    gap_title: Callable[[str], str] = str
    rule_title: Callable[[str], str] = str
    hs_descriptions: Mapping[str, str] = field(default_factory=dict)
    ports: Mapping[str, str] = field(default_factory=dict)  # locode -> name
    sectors: Mapping[str, str] = field(default_factory=dict)
    grievance_categories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One headline number and the records behind it."""

    label: str
    value: float | int | None
    unit: str = ""
    link: str | None = None
    note: str = ""
    places: int = 0


@dataclass(frozen=True)
class Finding:
    """Something stuck: what, how much, which places or items, and where to look."""

    title: str
    value: float | int | None
    unit: str = ""
    detail: str = ""
    link: str | None = None


@dataclass(frozen=True)
class Section:
    """One pillar of the page: its figures and charts."""

    id: str
    title: str
    figures: Sequence[Figure]
    charts: Sequence[Chart]
    note: str = ""


@dataclass(frozen=True)
class Dashboard:
    """Everything the executive page shows."""

    sections: Sequence[Section]
    stuck: Sequence[Finding]
    ready_by_regency: Mapping[str, int]  # for the map: export-ready MSMEs per regency

    @property
    def charts(self) -> list[Chart]:
        """Every chart on the page (each table is downloadable by its chart id)."""
        return [chart for section in self.sections for chart in section.charts]


def hs_codes(cube: Cube) -> list[str]:
    """The HS codes the top-products chart names (so the view loads only their names)."""
    return [code for code, _ in top(cube.by(m.DEAL, "key"), "amount", TOP)]


def lanes(cube: Cube) -> list[str]:
    """The destination ports the transport charts name."""
    return sorted(code for code in cube.by(m.SHIPMENT, "key") if code)


def build(cube: Cube, words: Vocabulary) -> Dashboard:
    """The executive dashboard for the cube's period and regency."""
    return Dashboard(
        sections=[
            trade_section(cube, words),
            transport_section(cube, words),
            labour_section(cube, words),
        ],
        stuck=stuck(cube, words),
        ready_by_regency={
            code: sums.records
            for code, sums in cube.by(m.MSME_READY, "regency").items()
        },
    )


# --- helpers ---------------------------------------------------------------------------------


def _regency_codes(cube: Cube, words: Vocabulary) -> list[str]:
    if cube.regency:
        return [cube.regency]
    return list(words.regencies)


def _regency_filter(cube: Cube) -> dict[str, str]:
    return {"regency": cube.regency} if cube.regency else {}


def _tonnes(kg: float) -> float:
    return round(kg / KG_PER_TONNE, 1)


def _mean(total: float, count: float) -> float | None:
    ratio = share(total, count)
    return None if ratio is None else round(ratio, 1)


def _percent(part: float, whole: float) -> float | None:
    ratio = share(part, whole)
    return None if ratio is None else round(ratio * PERCENT, 1)


def _months(cube: Cube, words: Vocabulary) -> list[str]:
    return [words.month_label(month) for month in cube.month_list()]


def _counts(series: list[tuple[date, Sums]]) -> list[float | int | None]:
    return [sums.records for _, sums in series]


def _lane_teu(sums: Sums, box: Box20) -> float:
    return teu_equivalent(sums.extra, sums.amount, box)


def _regional_note(words: Vocabulary, cube: Cube) -> str:
    _ = words.gettext
    if not cube.regency:
        return ""
    return _(
        "Job orders, their rejections, buyer requests and pooling plans belong to no "
        "regency: they are shown for the whole province."
    )


# --- trade -----------------------------------------------------------------------------------


def trade_section(cube: Cube, words: Vocabulary) -> Section:
    """MSMEs by regency, the most common gaps, the deal funnel by month, top products."""
    _ = words.gettext
    link = words.link
    where = _regency_filter(cube)
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
        note=_regional_note(words, cube),
    )


def _msmes_by_regency(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    codes = _regency_codes(cube, words)
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
        labels=_months(cube, words),
        series=[
            Series(_("buyer requests"), _counts(cube.series(m.REQUEST_POSTED))),
            Series(_("introductions"), _counts(cube.series(m.INTRODUCTION))),
            Series(_("deals"), _counts(cube.series(m.DEAL))),
        ],
    )


def _deal_value_by_month(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    return Chart(
        id="trade-deal-value",
        title=_("Export value of deals by month"),
        kind=BAR,
        labels=_months(cube, words),
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
            words.link("pipeline", hs=code, **_regency_filter(cube))
            for code, _s in products
        ],
    )


# --- transport -------------------------------------------------------------------------------


def transport_section(cube: Cube, words: Vocabulary) -> Section:
    """Shipments, tonnes and TEU by lane; pooling savings; the CO2e estimate."""
    _ = words.gettext
    link = words.link
    shipments = cube.total(m.SHIPMENT)
    by_lane = cube.by(m.SHIPMENT, "key")
    teu = sum(_lane_teu(sums, words.box) for sums in by_lane.values())
    pools = cube.total(m.POOL_PLAN)
    co2e = cube.total(m.SHIPMENT_CO2E)
    figures = [
        Figure(_("Shipments"), shipments.records, link=link("shipments")),
        Figure(
            _("Cargo"),
            _tonnes(shipments.amount),
            unit=_("tonnes"),
            link=link("lane_demand"),
            places=1,
        ),
        Figure(
            _("Containers (TEU-equivalent)"),
            round(teu, 1),
            unit="TEU",
            link=link("lane_demand"),
            places=1,
            note=_("per lane: volume ÷ a 20' box's usable volume or weight ÷ payload"),
        ),
        Figure(
            _("Pooling savings"),
            round(pools.amount),
            unit="USD",
            link=link("pooling"),
            note=_("published pooling plans against shipping each load alone"),
        ),
        Figure(
            _("Emissions (estimate)"),
            _tonnes(co2e.amount),
            unit=_("t CO2e"),
            link=link("lane_demand"),
            places=1,
            note=_("covers %(covered)s of %(total)s tonnes shipped")
            % {
                "covered": words.number(_tonnes(co2e.extra), 1),
                "total": words.number(_tonnes(shipments.amount), 1),
            },
        ),
    ]
    return Section(
        id="transport",
        title=_("Transport"),
        figures=figures,
        charts=[
            _lanes(cube, words),
            _tonnes_by_month(cube, words),
            _co2e_by_lane(cube, words),
        ],
    )


def _port(words: Vocabulary, locode: str) -> str:
    name = words.ports.get(locode)
    return f"{name} ({locode})" if name else locode


def _lanes(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    codes = lanes(cube)
    by_lane = cube.by(m.SHIPMENT, "key")
    return Chart(
        id="transport-lanes",
        title=_("Shipments, tonnes and TEU by destination port"),
        kind=BAR,
        labels=[_port(words, code) for code in codes],
        series=[
            Series(_("shipments"), [by_lane[code].records for code in codes]),
            Series(_("tonnes"), [_tonnes(by_lane[code].amount) for code in codes]),
            Series(
                _("TEU-equivalent"),
                [round(_lane_teu(by_lane[code], words.box), 1) for code in codes],
            ),
        ],
        note=_(
            "Cancelled shipments are left out; a shipment counts in its ready month."
        ),
        links=[words.link("lane_demand", to=code) for code in codes],
    )


def _tonnes_by_month(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    per_lane = [cube.series(m.SHIPMENT, key=code) for code in lanes(cube)]
    teu: list[float | int | None] = [
        round(sum(_lane_teu(series[i][1], words.box) for series in per_lane), 1)
        for i in range(len(cube.month_list()))
    ]
    return Chart(
        id="transport-by-month",
        title=_("Tonnes and TEU shipped by month"),
        kind=LINE,
        labels=_months(cube, words),
        series=[
            Series(
                _("tonnes"), [_tonnes(s.amount) for _m, s in cube.series(m.SHIPMENT)]
            ),
            Series(_("TEU-equivalent"), teu),
        ],
    )


def _co2e_by_lane(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    by_lane = cube.by(m.SHIPMENT_CO2E, "key")
    codes = sorted(code for code in by_lane if code)
    return Chart(
        id="transport-co2e",
        title=_("Estimated emissions by destination port"),
        kind=BAR,
        labels=[_port(words, code) for code in codes],
        series=[
            Series(_("t CO2e"), [_tonnes(by_lane[code].amount) for code in codes]),
            Series(
                _("tonnes covered"), [_tonnes(by_lane[code].extra) for code in codes]
            ),
        ],
        note=_(
            "An estimate: each lane's sea route quoted for one tonne with the route "
            "engine's emission factors, times the tonnes shipped; lanes the engine "
            "cannot route are left out."
        ),
        links=[words.link("lane_demand", to=code) for code in codes],
    )


# --- labour ----------------------------------------------------------------------------------


def labour_section(cube: Cube, words: Vocabulary) -> Section:
    """Job orders endorsed and rejected, reasons, seekers, placements, grievances."""
    _ = words.gettext
    link = words.link
    where = _regency_filter(cube)
    placements = cube.total(m.PLACEMENT).records
    domestic = cube.total(m.PLACEMENT, key=DOMESTIC).records
    grievances = cube.total(m.GRIEVANCE)
    figures = [
        Figure(
            _("Job orders endorsed"),
            cube.total(m.JOB_ORDER_REVIEWED, sub="endorsed").records,
            link=link("job_orders", status="endorsed"),
        ),
        Figure(
            _("Job orders rejected"),
            cube.total(m.JOB_ORDER_REVIEWED, sub="rejected").records,
            link=link("job_orders", status="rejected"),
        ),
        Figure(
            _("Job seekers registered"),
            cube.total(m.SEEKER_REGISTERED).records,
            link=link("seekers", **where),
        ),
        Figure(
            _("Placements (departures)"), placements, link=link("placements", **where)
        ),
        Figure(
            _("Formal-sector share of placements"),
            _percent(placements - domestic, placements),
            unit="%",
            link=link("placements", **where),
            places=1,
        ),
        Figure(_("Grievances"), grievances.records, link=link("grievances")),
        Figure(
            _("Mean time to first response"),
            _mean(grievances.amount, grievances.extra),
            unit=_("hours"),
            link=link("grievances"),
            places=1,
            note=_("over the grievances answered"),
        ),
    ]
    return Section(
        id="labour",
        title=_("Labour"),
        figures=figures,
        charts=[
            _job_orders_by_sector(cube, words),
            _rejection_reasons(cube, words),
            _placements_by_sector(cube, words),
            _formal_share(cube, words),
            _placements_by_regency(cube, words),
            _grievances(cube, words),
        ],
        note=_regional_note(words, cube),
    )


def _sector_codes(words: Vocabulary, *sums: Mapping[str, Sums]) -> list[str]:
    known = list(words.sectors)
    seen = {code for mapping in sums for code in mapping if code}
    return [code for code in known if code in seen] + sorted(seen - set(known))


def _job_orders_by_sector(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    endorsed = cube.by(m.JOB_ORDER_REVIEWED, "key", sub="endorsed")
    rejected = cube.by(m.JOB_ORDER_REVIEWED, "key", sub="rejected")
    codes = _sector_codes(words, endorsed, rejected)
    return Chart(
        id="labour-job-orders",
        title=_("Job orders endorsed and rejected by sector"),
        kind=STACKED_BAR,
        labels=[words.sectors.get(code, code) for code in codes],
        series=[
            Series(
                _("endorsed"),
                [endorsed[c].records if c in endorsed else 0 for c in codes],
            ),
            Series(
                _("rejected"),
                [rejected[c].records if c in rejected else 0 for c in codes],
            ),
        ],
        unit=_("job orders"),
        note=_("Counted in the month the labour attaché decided."),
        links=[words.link("job_orders", sector=code) for code in codes],
    )


def _rejection_reasons(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    reasons = top(cube.by(m.REJECTION_REASON, "key"), "records", TOP)

    def title(rule_id: str) -> str:
        if rule_id == m.NO_RULE_BROKEN:
            return _("The attaché's judgement (no coded rule)")
        return f"{words.rule_title(rule_id)} ({rule_id})"

    return Chart(
        id="labour-rejections",
        title=_("Why job orders were rejected"),
        kind=HORIZONTAL_BAR,
        labels=[title(rule_id) for rule_id, _s in reasons],
        series=[Series(_("rejected orders"), [s.records for _r, s in reasons])],
        unit=_("job orders"),
        note=_("An order that broke several rules counts under each."),
        links=[words.link("job_orders", status="rejected") for _reason in reasons],
    )


def _placements_by_sector(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    placed = cube.by(m.PLACEMENT, "key")
    codes = _sector_codes(words, placed)
    return Chart(
        id="labour-placements-sector",
        title=_("Placements by sector"),
        kind=BAR,
        labels=[words.sectors.get(code, code) for code in codes],
        series=[Series(_("placements"), [placed[code].records for code in codes])],
        unit=_("workers"),
        note=_("A placement counts in the month its worker departed."),
        links=[
            words.link("placements", sector=code, **_regency_filter(cube))
            for code in codes
        ],
    )


def _formal_share(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    placements = cube.total(m.PLACEMENT).records
    domestic = cube.total(m.PLACEMENT, key=DOMESTIC).records
    return Chart(
        id="labour-formal-share",
        title=_("Formal sectors and domestic work"),
        kind=DOUGHNUT,
        labels=[_("formal sectors"), _("domestic work")],
        series=[Series(_("placements"), [placements - domestic, domestic])],
        unit=_("workers"),
    )


def _placements_by_regency(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    codes = _regency_codes(cube, words)
    placed = cube.by(m.PLACEMENT, "regency")
    return Chart(
        id="labour-placements-regency",
        title=_("Placements by regency of origin"),
        kind=BAR,
        labels=[words.regencies.get(code, code) for code in codes],
        series=[
            Series(
                _("placements"),
                [placed[code].records if code in placed else 0 for code in codes],
            )
        ],
        unit=_("workers"),
        links=[words.link("placements", regency=code) for code in codes],
    )


def _grievances(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    by_category = cube.by(m.GRIEVANCE, "key")
    known = list(words.grievance_categories)
    codes = [c for c in known if c in by_category] + sorted(
        set(by_category) - set(known)
    )
    return Chart(
        id="labour-grievances",
        title=_("Grievances by category and time to first response"),
        kind=BAR,
        labels=[words.grievance_categories.get(code, code) for code in codes],
        series=[
            Series(_("grievances"), [by_category[c].records for c in codes]),
            Series(_("answered"), [round(by_category[c].extra) for c in codes]),
            Series(
                _("mean hours to first response"),
                [_mean(by_category[c].amount, by_category[c].extra) for c in codes],
            ),
        ],
        note=_("Grievances filed in the period; the mean is over those answered."),
        links=[words.link("grievances") for _code in codes],
    )


# --- where it is stuck -----------------------------------------------------------------------


def stuck(cube: Cube, words: Vocabulary) -> list[Finding]:
    """The few places the figures show trouble, most pressing first; none when all is well."""
    _ = words.gettext
    link = words.link
    findings: list[Finding] = []

    assessed = cube.by(m.MSME_ASSESSED, "regency")
    ready = cube.by(m.MSME_READY, "regency")
    none_ready = [
        code
        for code in _regency_codes(cube, words)
        if code in assessed
        and assessed[code].records
        and not (code in ready and ready[code].records)
    ]
    if none_ready:
        findings.append(
            Finding(
                _("Regencies with assessed MSMEs but none export-ready"),
                len(none_ready),
                unit=_("regencies"),
                detail=", ".join(words.regencies.get(c, c) for c in none_ready),
                link=link("readiness"),
            )
        )

    gaps = top(cube.by(m.GAP_OPEN, "key"), "contributors", 1)
    if gaps:
        key, sums = gaps[0]
        findings.append(
            Finding(
                _("Most common readiness gap"),
                sums.contributors,
                unit=_("MSMEs"),
                detail=words.gap_title(key),
                link=link("readiness"),
            )
        )

    registered = cube.total(m.MSME_REGISTERED).records
    verified = cube.total(m.MSME_VERIFIED).records
    if registered > verified:
        findings.append(
            Finding(
                _("Registered in the period, not verified yet"),
                registered - verified,
                unit=_("MSMEs"),
                detail=_("registrations minus verifications in the period"),
                link=link("registry", state="submitted", **_regency_filter(cube)),
            )
        )

    introductions = cube.total(m.INTRODUCTION).records
    deals = cube.total(m.DEAL).records
    if introductions and deals < introductions:
        findings.append(
            Finding(
                _("Introductions that have not led to an order"),
                introductions - deals,
                unit=_("introductions"),
                detail=_("%(deals)s deals from %(introductions)s introductions")
                % {
                    "deals": words.number(deals, 0),
                    "introductions": words.number(introductions, 0),
                },
                link=link("leads"),
            )
        )

    reviewed = cube.total(m.JOB_ORDER_REVIEWED).records
    rejected = cube.total(m.JOB_ORDER_REVIEWED, sub="rejected").records
    if rejected:
        reasons = top(cube.by(m.REJECTION_REASON, "key"), "records", 1)
        detail = ""
        if reasons and reasons[0][0] != m.NO_RULE_BROKEN:
            detail = _("most often: %(rule)s") % {
                "rule": words.rule_title(reasons[0][0])
            }
        findings.append(
            Finding(
                _("Share of reviewed job orders rejected"),
                _percent(rejected, reviewed),
                unit="%",
                detail=detail,
                link=link("job_orders", status="rejected"),
            )
        )

    grievances = cube.total(m.GRIEVANCE)
    waiting = grievances.records - round(grievances.extra)
    if waiting > 0:
        findings.append(
            Finding(
                _("Grievances without a first response"),
                waiting,
                unit=_("grievances"),
                detail=_("of %(total)s filed in the period")
                % {"total": words.number(grievances.records, 0)},
                link=link("grievances", status="open"),
            )
        )
    return findings
