"""The role dashboards' figures: charts built from a Cube and from a person's own records.

Pure: the views read the Cube (`queries.load_cube`) and the few own-record sums
(`queries_roles`), look up the names (regencies, ports, stage labels) and pass them in with
the list pages' addresses and the translation function `_`, so every title stays
translatable while this module imports nothing from Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

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
from serumpun.insights.rules.cube import Cube, Sums, add_months, share, top

Translate = Callable[[str], str]
MonthLabel = Callable[[date], str]

KG_PER_TONNE = 1000.0
#: how many entries a "top" chart lists
TOP_N = 10

#: the lead chain of trade/rules/deals.py and the stage a lead leaves it by
LEAD_CHAIN = ("introduced", "sample_sent", "negotiating", "ordered", "shipped", "paid")
LEAD_LOST = "lost"
SHIPMENT_STATUSES = ("pledged", "booked", "shipped")
DECISIONS = ("endorsed", "rejected")
COMPLIANCE = ("pass", "warn", "fail", "")
GRIEVANCE_STATUSES = ("open", "in_progress", "resolved", "closed")
STEP_STATUSES = ("done", "in_progress", "todo")
DOMESTIC = "domestic"


def with_query(base: str, **params: str) -> str:
    """`base` with the non-empty parameters as its query string."""
    kept = {k: v for k, v in params.items() if v}
    return f"{base}?{urlencode(kept)}" if kept else base


@dataclass(frozen=True)
class Names:
    """Display names the view looked up (code → name); an unknown code shows as itself."""

    regencies: Mapping[str, str] = field(default_factory=dict)
    ports: Mapping[str, str] = field(default_factory=dict)
    hs: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    rules: Mapping[str, str] = field(default_factory=dict)

    def choice(self, kind: str, code: str) -> str:
        return self.choices.get(kind, {}).get(code, code)


#: the longest name a chart label keeps (a phone shows about this much beside a bar)
SHORT_NAME = 28
#: a product's name beside its readiness level
PRODUCT_NAME = 14
#: a port's name beside its code
PORT_NAME = 18
#: a grievance's category beside its date
GRIEVANCE_NAME = 16


def clip(text: str, limit: int = SHORT_NAME) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_name(name: str, limit: int = SHORT_NAME) -> str:
    """A long official name cut to its first clause, and to `limit` characters."""
    return clip(name.replace(";", ",").split(",")[0].strip(), limit)


def port_label(names: Names, locode: str) -> str:
    """A Malaysian port as "<name> (<UN/LOCODE>)", the name shortened for a phone."""
    name = names.ports.get(locode)
    return f"{short_name(name, PORT_NAME)} ({locode})" if name else locode


def rule_label(names: Names, rule_id: str) -> str:
    """A rejection reason: the rule's id and the start of its title."""
    title = names.rules.get(rule_id)
    if not title or title == rule_id:
        return rule_id
    if rule_id == m.NO_RULE_BROKEN:
        return clip(title)
    return f"{rule_id} {clip(title, SHORT_NAME - len(rule_id) - 1)}"


def _label(names: Mapping[str, str], code: str) -> str:
    name = names.get(code)
    return f"{code} {short_name(name)}" if name and name != code else code


def _month_bounds(month: date) -> tuple[str, str]:
    """First and last day of `month`, ISO."""
    last = add_months(month, 1).toordinal() - 1
    return month.isoformat(), date.fromordinal(last).isoformat()


def tonnes(kg: float) -> float:
    return round(kg / KG_PER_TONNE, 2)


# --- trade attaché --------------------------------------------------------------------------


@dataclass(frozen=True)
class TradeUrls:
    requests: str
    leads: str
    pipeline: str


def trade_charts(
    cube: Cube, names: Names, urls: TradeUrls, _: Translate, month_label: MonthLabel
) -> list[Chart]:
    """Requests, introductions, the stage funnel, deals and value, products, regencies."""
    months = cube.month_list()
    month_labels = [month_label(mo) for mo in months]
    month_links = [
        with_query(urls.pipeline, since=a, until=b)
        for a, b in map(_month_bounds, months)
    ]
    by_status = cube.by(m.REQUEST_POSTED, "sub")
    statuses = sorted(by_status, key=lambda s: (-by_status[s].records, s))
    by_heading = top(cube.by(m.REQUEST_POSTED, "key"), "records", TOP_N)
    stages = cube.by(m.INTRODUCTION, "sub")
    reached = [
        sum(stages.get(s, Sums()).records for s in LEAD_CHAIN[i:])
        for i in range(len(LEAD_CHAIN))
    ]
    funnel_stages = [*LEAD_CHAIN, LEAD_LOST]
    deals_series = cube.series(m.DEAL)
    products = top(cube.by(m.DEAL, "key"), "amount", TOP_N)
    intro_regency = cube.by(m.INTRODUCTION, "regency")
    deal_regency = cube.by(m.DEAL, "regency")
    regencies = sorted(
        set(intro_regency) | set(deal_regency),
        key=lambda r: (-intro_regency.get(r, Sums()).records, r),
    )
    return [
        Chart(
            "requests-status",
            _("Buyer requests by status"),
            BAR,
            [names.choice("request_status", s) for s in statuses],
            [Series(_("Requests"), [by_status[s].records for s in statuses])],
            links=[with_query(urls.requests, status=s) for s in statuses],
        ),
        Chart(
            "requests-heading",
            _("Buyer requests by HS heading"),
            HORIZONTAL_BAR,
            [_label(names.hs, k) for k, _sums in by_heading],
            [
                Series(_("Requests"), [s.records for _k, s in by_heading]),
                Series(_("Buyers"), [s.contributors for _k, s in by_heading]),
            ],
            links=[with_query(urls.requests, hs_code=k) for k, _s in by_heading],
        ),
        Chart(
            "introductions-month",
            _("Introductions by month"),
            LINE,
            month_labels,
            [
                Series(
                    _("Introductions"),
                    [s.records for _mo, s in cube.series(m.INTRODUCTION)],
                )
            ],
            links=month_links,
        ),
        Chart(
            "leads-funnel",
            _("Introductions of the period by stage"),
            BAR,
            [names.choice("lead_stage", s) for s in funnel_stages],
            [
                Series(
                    _("Now at this stage"),
                    [stages.get(s, Sums()).records for s in funnel_stages],
                ),
                Series(_("Reached this stage"), [*reached, None]),
            ],
            note=_(
                "A lead counts as having reached a stage when it is now at that stage or a "
                "later one; lost leads count only as lost."
            ),
            links=[with_query(urls.leads, stage=s) for s in funnel_stages],
        ),
        Chart(
            "deals-month",
            _("Deals by month of the first order"),
            BAR,
            month_labels,
            [Series(_("Deals"), [s.records for _mo, s in deals_series])],
            links=month_links,
        ),
        Chart(
            "deal-value-month",
            _("Deal value by month"),
            LINE,
            month_labels,
            [Series(_("Value"), [round(s.amount, 2) for _mo, s in deals_series])],
            unit="USD",
            links=month_links,
        ),
        Chart(
            "top-products",
            _("Top products by deal value (HS code)"),
            HORIZONTAL_BAR,
            [_label(names.hs, k) for k, _s in products],
            [
                Series(_("Value"), [round(s.amount, 2) for _k, s in products]),
            ],
            unit="USD",
            links=[with_query(urls.pipeline, hs=k) for k, _s in products],
        ),
        Chart(
            "supplier-regencies",
            _("Supplier regencies"),
            HORIZONTAL_BAR,
            [names.regencies.get(r, r) for r in regencies],
            [
                Series(
                    _("Introductions"),
                    [intro_regency.get(r, Sums()).records for r in regencies],
                ),
                Series(
                    _("Deals"), [deal_regency.get(r, Sums()).records for r in regencies]
                ),
            ],
            links=[with_query(urls.pipeline, regency=r) for r in regencies],
        ),
    ]


# --- transport attaché ----------------------------------------------------------------------


@dataclass(frozen=True)
class TransportUrls:
    lane_demand: str
    shipments: str
    pooling: str


@dataclass(frozen=True)
class TransportTotals:
    """The headline figures of the transport dashboard."""

    shipments: int
    tonnes: float
    teu: float
    pool_plans: int
    containers: int
    saving_usd: float
    co2e_tonnes: float
    co2e_covers_tonnes: float
    co2e_share: float | None


def transport_totals(
    cube: Cube, teu: Callable[[float, float], float]
) -> TransportTotals:
    """Totals of the period; `teu(volume_m3, weight_kg)` is the logistics rule."""
    shipped = cube.total(m.SHIPMENT)
    pools = cube.total(m.POOL_PLAN)
    co2e = cube.total(m.SHIPMENT_CO2E)
    cargo_t = tonnes(shipped.amount)
    return TransportTotals(
        shipments=shipped.records,
        tonnes=cargo_t,
        teu=round(teu(shipped.extra, shipped.amount), 2),
        pool_plans=pools.records,
        containers=round(pools.extra),
        saving_usd=round(pools.amount, 2),
        co2e_tonnes=tonnes(co2e.amount),
        co2e_covers_tonnes=round(co2e.extra, 2),
        co2e_share=share(co2e.extra, cargo_t),
    )


def transport_charts(
    cube: Cube,
    names: Names,
    urls: TransportUrls,
    _: Translate,
    month_label: MonthLabel,
    teu: Callable[[float, float], float],
) -> list[Chart]:
    """Lanes (Lampung → Malaysian port), months by status, pooling savings, CO2e."""
    months = cube.month_list()
    first, last = months[0].strftime("%Y-%m"), months[-1].strftime("%Y-%m")
    lanes = cube.by(m.SHIPMENT, "key")
    ports = sorted(lanes, key=lambda p: (-lanes[p].amount, p))
    lane_links = [
        with_query(urls.lane_demand, to=p, first=first, last=last) for p in ports
    ]
    lane_labels = [port_label(names, p) for p in ports]
    by_status = cube.by(m.SHIPMENT, "sub")
    co2e = cube.by(m.SHIPMENT_CO2E, "key")
    co2e_ports = sorted(co2e, key=lambda p: (-co2e[p].amount, p))
    pools = cube.series(m.POOL_PLAN)
    month_labels = [month_label(mo) for mo in months]
    return [
        Chart(
            "lanes",
            _("Shipments by lane (destination port)"),
            HORIZONTAL_BAR,
            lane_labels,
            [
                Series(_("Shipments"), [lanes[p].records for p in ports]),
                Series(_("Shippers"), [lanes[p].contributors for p in ports]),
            ],
            links=lane_links,
        ),
        Chart(
            "lanes-tonnes",
            _("Tonnes by lane"),
            HORIZONTAL_BAR,
            lane_labels,
            [Series(_("Tonnes"), [tonnes(lanes[p].amount) for p in ports])],
            unit=_("tonnes"),
            links=lane_links,
        ),
        Chart(
            "lanes-teu",
            _("TEU-equivalent by lane"),
            HORIZONTAL_BAR,
            lane_labels,
            [
                Series(
                    _("TEU-equivalent"),
                    [round(teu(lanes[p].extra, lanes[p].amount), 2) for p in ports],
                )
            ],
            note=_(
                "TEU-equivalent: the 20-foot boxes the cargo fills, by volume or "
                "weight, whichever binds."
            ),
            links=lane_links,
        ),
        Chart(
            "tonnes-month",
            _("Tonnes by month and status"),
            STACKED_BAR,
            month_labels,
            [
                Series(
                    names.choice("shipment_status", s),
                    [tonnes(v.amount) for _mo, v in cube.series(m.SHIPMENT, sub=s)],
                )
                for s in SHIPMENT_STATUSES
            ],
            unit=_("tonnes"),
        ),
        Chart(
            "teu-month",
            _("TEU-equivalent by month"),
            LINE,
            month_labels,
            [
                Series(
                    _("TEU-equivalent"),
                    [
                        round(teu(v.extra, v.amount), 2)
                        for _mo, v in cube.series(m.SHIPMENT)
                    ],
                )
            ],
        ),
        Chart(
            "shipments-status",
            _("Shipments by status"),
            BAR,
            [names.choice("shipment_status", s) for s in SHIPMENT_STATUSES],
            [
                Series(
                    _("Shipments"),
                    [by_status.get(s, Sums()).records for s in SHIPMENT_STATUSES],
                ),
            ],
            links=[urls.shipments] * len(SHIPMENT_STATUSES),
        ),
        Chart(
            "pooling-savings",
            _("Pooling savings by month"),
            BAR,
            month_labels,
            [Series(_("Saving"), [round(v.amount, 2) for _mo, v in pools])],
            unit="USD",
            note=_("Against shipping each consignment when it is ready."),
            links=[urls.pooling] * len(months),
        ),
        Chart(
            "co2e-lanes",
            _("CO2e by lane (estimate)"),
            HORIZONTAL_BAR,
            [port_label(names, p) for p in co2e_ports],
            [
                Series(_("CO2e"), [round(co2e[p].amount) for p in co2e_ports]),
            ],
            unit=_("kg CO2e"),
            note=_(
                "Estimated with the route quote's emission factors for a sea route; "
                "lanes without a route are left out."
            ),
            links=[
                with_query(urls.lane_demand, to=p, first=first, last=last)
                for p in co2e_ports
            ],
        ),
    ]


# --- labour attaché -------------------------------------------------------------------------


@dataclass(frozen=True)
class LabourUrls:
    job_orders: str
    review_queue: str
    placements: str
    grievances: str


@dataclass(frozen=True)
class LabourTotals:
    submitted: int
    endorsed: int
    rejected: int
    placements: int
    domestic_share: float | None
    grievances: int
    answered: int
    mean_hours_to_response: float | None


def labour_totals(cube: Cube) -> LabourTotals:
    placements = cube.total(m.PLACEMENT)
    domestic = cube.total(m.PLACEMENT, key=DOMESTIC)
    grievances = cube.total(m.GRIEVANCE)
    answered = round(grievances.extra)
    return LabourTotals(
        submitted=cube.total(m.JOB_ORDER_SUBMITTED).records,
        endorsed=cube.total(m.JOB_ORDER_REVIEWED, sub="endorsed").records,
        rejected=cube.total(m.JOB_ORDER_REVIEWED, sub="rejected").records,
        placements=placements.records,
        domestic_share=share(domestic.records, placements.records),
        grievances=grievances.records,
        answered=answered,
        mean_hours_to_response=(
            round(grievances.amount / answered, 1) if answered else None
        ),
    )


def labour_charts(
    cube: Cube, names: Names, urls: LabourUrls, _: Translate
) -> list[Chart]:
    """Job orders, decisions, rejection rules, placements, formal vs domestic, grievances."""
    compliance = cube.by(m.JOB_ORDER_SUBMITTED, "sub")
    reviewed = cube.by(m.JOB_ORDER_REVIEWED, "key")
    sectors = sorted(reviewed, key=lambda s: (-reviewed[s].records, s))
    rejections = cube.by(m.REJECTION_REASON, "key")
    reasons = sorted(rejections.items(), key=lambda item: (-item[1].records, item[0]))
    placed = cube.by(m.PLACEMENT, "key")
    placed_sectors = sorted(placed, key=lambda s: (-placed[s].records, s))
    placed_stages = sorted(set(cube.by(m.PLACEMENT, "sub")))
    domestic = placed.get(DOMESTIC, Sums()).records
    formal = sum(s.records for k, s in placed.items() if k != DOMESTIC)
    categories = cube.by(m.GRIEVANCE, "key")
    grievance_categories = sorted(categories, key=lambda c: (-categories[c].records, c))
    by_grievance_status = cube.by(m.GRIEVANCE, "sub")
    rejected_list = with_query(urls.job_orders, status="rejected")
    return [
        Chart(
            "orders-compliance",
            _("Job orders submitted by compliance"),
            BAR,
            [names.choice("compliance", c) for c in COMPLIANCE],
            [
                Series(
                    _("Job orders"),
                    [compliance.get(c, Sums()).records for c in COMPLIANCE],
                ),
            ],
            links=[urls.job_orders] * len(COMPLIANCE),
        ),
        Chart(
            "orders-decisions",
            _("Job orders endorsed and rejected by sector"),
            STACKED_BAR,
            [names.choice("sector", s) for s in sectors],
            [
                Series(
                    names.choice("job_order_status", d),
                    [
                        cube.total(m.JOB_ORDER_REVIEWED, key=s, sub=d).records
                        for s in sectors
                    ],
                )
                for d in DECISIONS
            ],
            links=[with_query(urls.job_orders, sector=s) for s in sectors],
        ),
        Chart(
            "rejection-rules",
            _("Rejections by rule"),
            HORIZONTAL_BAR,
            [rule_label(names, k) for k, _s in reasons],
            [Series(_("Rejected job orders"), [s.records for _k, s in reasons])],
            note=_("An order that broke several rules counts under each of them."),
            links=[rejected_list] * len(reasons),
        ),
        Chart(
            "placements-sector",
            _("Placements by sector and stage now"),
            STACKED_BAR,
            [names.choice("sector", s) for s in placed_sectors],
            [
                Series(
                    names.choice("stage", st),
                    [
                        cube.total(m.PLACEMENT, key=s, sub=st).records
                        for s in placed_sectors
                    ],
                )
                for st in placed_stages
            ],
            links=[with_query(urls.placements, sector=s) for s in placed_sectors],
        ),
        Chart(
            "formal-domestic",
            _("Formal and domestic placements"),
            DOUGHNUT,
            [_("Formal sectors"), names.choice("sector", DOMESTIC)],
            [Series(_("Placements"), [formal, domestic])],
            links=[urls.placements, with_query(urls.placements, sector=DOMESTIC)],
        ),
        Chart(
            "grievances-category",
            _("Grievances by category and status"),
            STACKED_BAR,
            [names.choice("grievance_category", c) for c in grievance_categories],
            [
                Series(
                    names.choice("grievance_status", st),
                    [
                        cube.total(m.GRIEVANCE, key=c, sub=st).records
                        for c in grievance_categories
                    ],
                )
                for st in GRIEVANCE_STATUSES
            ],
            links=[urls.grievances] * len(grievance_categories),
        ),
        Chart(
            "grievances-status",
            _("Grievances by status"),
            BAR,
            [names.choice("grievance_status", st) for st in GRIEVANCE_STATUSES],
            [
                Series(
                    _("Grievances"),
                    [
                        by_grievance_status.get(st, Sums()).records
                        for st in GRIEVANCE_STATUSES
                    ],
                )
            ],
            links=[with_query(urls.grievances, status=st) for st in GRIEVANCE_STATUSES],
        ),
    ]


# --- officers per office --------------------------------------------------------------------

TRADE, TRANSPORT, LABOUR = "trade", "transport", "labour"
PILLARS = (TRADE, TRANSPORT, LABOUR)


@dataclass(frozen=True)
class OfficeWork:
    """What the people of one office did, as the view's grouped queries return it."""

    verified_by_month: Mapping[date, int]
    seekers_by_month: Mapping[date, int]
    grievances_by_status: Mapping[str, int]
    cohorts: int
    cohort_members: int
    cohort_sessions: int


def office_pillar(work: OfficeWork, asked: str = "") -> str:
    """The pillar whose province figures the page shows: the one asked, else the office's.

    An office is a trade office when it verified or coached more than it registered seekers
    and handled grievances, else a labour office.
    """
    if asked in PILLARS:
        return asked
    trade = sum(work.verified_by_month.values()) + work.cohorts
    labour = sum(work.seekers_by_month.values()) + sum(
        work.grievances_by_status.values()
    )
    return LABOUR if labour > trade else TRADE


@dataclass(frozen=True)
class OfficeUrls:
    registry: str
    seekers: str
    grievances: str
    cohorts: str
    placements: str
    lane_demand: str


def office_charts(
    work: OfficeWork,
    months: Sequence[date],
    _: Translate,
    month_label: MonthLabel,
    names: Names,
    urls: OfficeUrls,
) -> list[Chart]:
    """The office's own work by month, and its grievances by status."""
    statuses = list(GRIEVANCE_STATUSES)
    return [
        Chart(
            "office-work-month",
            _("Our office's work by month"),
            BAR,
            [month_label(mo) for mo in months],
            [
                Series(
                    _("MSMEs verified"),
                    [work.verified_by_month.get(mo, 0) for mo in months],
                ),
                Series(
                    _("Job seekers registered"),
                    [work.seekers_by_month.get(mo, 0) for mo in months],
                ),
            ],
        ),
        Chart(
            "office-grievances",
            _("Grievances our office handled, by status now"),
            BAR,
            [names.choice("grievance_status", s) for s in statuses],
            [
                Series(
                    _("Grievances"),
                    [work.grievances_by_status.get(s, 0) for s in statuses],
                )
            ],
            links=[with_query(urls.grievances, status=s) for s in statuses],
        ),
    ]


def _by_regency(
    cube: Cube,
    chart_id: str,
    *,
    title: str,
    metrics: Sequence[tuple[str, str]],
    names: Names,
    link: str,
) -> Chart:
    """Records of a few regional metrics per regency, largest first by the first metric."""
    sums = {metric: cube.by(metric, "regency") for metric, _label in metrics}
    first = sums[metrics[0][0]]
    regencies = sorted(
        set().union(*sums.values()), key=lambda r: (-first.get(r, Sums()).records, r)
    )
    return Chart(
        chart_id,
        title,
        HORIZONTAL_BAR,
        [names.regencies.get(r, r) for r in regencies],
        [
            Series(label, [sums[metric].get(r, Sums()).records for r in regencies])
            for metric, label in metrics
        ],
        links=[with_query(link, regency=r) for r in regencies],
    )


def province_charts(
    cube: Cube,
    pillar: str,
    names: Names,
    urls: OfficeUrls,
    _: Translate,
) -> list[Chart]:
    """The province picture of one pillar, by regency."""
    if pillar == TRADE:
        msmes = (
            (m.MSME_REGISTERED, _("MSMEs registered")),
            (m.MSME_VERIFIED, _("MSMEs verified")),
            (m.MSME_READY, _("MSMEs export-ready")),
        )
        return [
            _by_regency(
                cube,
                "province-trade",
                title=_("MSMEs by regency"),
                metrics=msmes,
                names=names,
                link=urls.registry,
            )
        ]
    if pillar == LABOUR:
        seekers = ((m.SEEKER_REGISTERED, _("Job seekers registered")),)
        placements = (
            (m.PLACEMENT, _("Placements")),
            (m.GRIEVANCE, _("Grievances")),
        )
        return [
            _by_regency(
                cube,
                "province-labour",
                title=_("Job seekers registered by regency"),
                metrics=seekers,
                names=names,
                link=urls.seekers,
            ),
            _by_regency(
                cube,
                "province-placements",
                title=_("Placements and grievances by the worker's regency"),
                metrics=placements,
                names=names,
                link=urls.placements,
            ),
        ]
    lanes = cube.by(m.SHIPMENT, "regency")
    regencies = sorted(lanes, key=lambda r: (-lanes[r].amount, r))
    return [
        Chart(
            "province-shipments",
            _("Tonnes shipped by origin regency"),
            HORIZONTAL_BAR,
            [names.regencies.get(r, r) for r in regencies],
            [Series(_("Tonnes"), [tonnes(lanes[r].amount) for r in regencies])],
            unit=_("tonnes"),
            links=[urls.lane_demand] * len(regencies),
        )
    ]


# --- an MSME's own progress -----------------------------------------------------------------


@dataclass(frozen=True)
class ProductReadiness:
    product_id: int
    product: str
    score: float | None
    level: str


@dataclass(frozen=True)
class MsmeProgress:
    """One MSME's own records, summed by the view's queries."""

    products: Sequence[ProductReadiness]
    gaps: Mapping[str, int]  # gap key → products with that gap
    steps: Mapping[str, int]  # step status → steps of the current plans
    leads: Mapping[str, int]  # stage → leads
    shipments: Mapping[str, tuple[int, float]]  # status → (shipments, kg)

    @property
    def steps_done(self) -> int:
        return self.steps.get("done", 0)

    @property
    def steps_total(self) -> int:
        return sum(self.steps.values())


@dataclass(frozen=True)
class MsmeUrls:
    product: Callable[[int], str]
    readiness: str
    leads: str
    shipments: str


def msme_charts(
    progress: MsmeProgress,
    names: Names,
    urls: MsmeUrls,
    _: Translate,
    gap_title: Callable[[str], str],
) -> list[Chart]:
    """Readiness per product, open gaps, plan steps, leads by stage, shipments by status."""
    gaps = sorted(progress.gaps.items(), key=lambda item: (-item[1], item[0]))
    stages = [*LEAD_CHAIN, LEAD_LOST]
    statuses = [*SHIPMENT_STATUSES, "cancelled"]
    return [
        Chart(
            "my-readiness",
            _("Readiness score per product (Malaysia)"),
            HORIZONTAL_BAR,
            [
                f"{short_name(p.product, PRODUCT_NAME)} · {names.choice('level', p.level)}"
                if p.level
                else short_name(p.product)
                for p in progress.products
            ],
            [Series(_("Score"), [p.score for p in progress.products])],
            unit=_("out of 100"),
            links=[urls.product(p.product_id) for p in progress.products],
        ),
        Chart(
            "my-gaps",
            _("Open gaps"),
            HORIZONTAL_BAR,
            [gap_title(k) for k, _n in gaps],
            [Series(_("Products with this gap"), [n for _k, n in gaps])],
            links=[urls.readiness] * len(gaps),
        ),
        Chart(
            "my-plan",
            _("Action plan steps"),
            DOUGHNUT,
            [names.choice("step_status", s) for s in STEP_STATUSES],
            [Series(_("Steps"), [progress.steps.get(s, 0) for s in STEP_STATUSES])],
            links=[urls.readiness] * len(STEP_STATUSES),
        ),
        Chart(
            "my-leads",
            _("Leads by stage"),
            BAR,
            [names.choice("lead_stage", s) for s in stages],
            [Series(_("Leads"), [progress.leads.get(s, 0) for s in stages])],
            links=[with_query(urls.leads, stage=s) for s in stages],
        ),
        Chart(
            "my-shipments",
            _("Shipments by status"),
            BAR,
            [names.choice("shipment_status", s) for s in statuses],
            [
                Series(
                    _("Shipments"),
                    [progress.shipments.get(s, (0, 0.0))[0] for s in statuses],
                ),
            ],
            links=[urls.shipments] * len(statuses),
        ),
    ]


# --- a seeker's own status ------------------------------------------------------------------

#: the placement pipeline in order; the last three end it another way
SEEKER_PATH = (
    "registered",
    "matched",
    "interviewed",
    "selected",
    "training",
    "documents_complete",
    "orientation",
    "departed",
    "working",
    "completed",
)
SEEKER_ENDINGS = ("returned", "withdrawn")


@dataclass(frozen=True)
class PathStep:
    code: str
    label: str
    state: str  # "done", "current" or "todo"


def seeker_path(stage: str, names: Names) -> list[PathStep]:
    """The pipeline with the seeker's place in it; an ending stage closes the path."""
    if stage in SEEKER_ENDINGS:
        return [PathStep(stage, names.choice("stage", stage), "current")]
    here = SEEKER_PATH.index(stage) if stage in SEEKER_PATH else 0
    return [
        PathStep(
            code,
            names.choice("stage", code),
            "done" if i < here else "current" if i == here else "todo",
        )
        for i, code in enumerate(SEEKER_PATH)
    ]


@dataclass(frozen=True)
class OwnGrievance:
    pk: int
    category: str
    status: str
    filed: date
    hours_to_response: float | None


@dataclass(frozen=True)
class SeekerStatus:
    stage: str
    documents: Mapping[str, int]  # status → documents
    missing: Sequence[str]  # kinds still missing
    offers: Mapping[str, int]  # status → offers
    open_vacancies: int
    grievances: Sequence[OwnGrievance]


@dataclass(frozen=True)
class SeekerUrls:
    profile: str
    offers: str
    grievance: Callable[[int], str]


DOCUMENT_STATUSES = ("verified", "submitted", "missing")
OFFER_STATUSES = ("offered", "accepted", "declined", "withdrawn")


def seeker_charts(
    status: SeekerStatus,
    names: Names,
    urls: SeekerUrls,
    _: Translate,
    day_label: Callable[[date], str],
) -> list[Chart]:
    """Documents by status, offers by status, own grievances with the wait for an answer."""
    charts = [
        Chart(
            "my-documents",
            _("My documents"),
            DOUGHNUT,
            [names.choice("document_status", s) for s in DOCUMENT_STATUSES],
            [
                Series(
                    _("Documents"),
                    [status.documents.get(s, 0) for s in DOCUMENT_STATUSES],
                )
            ],
            links=[urls.profile] * len(DOCUMENT_STATUSES),
        ),
        Chart(
            "my-offers",
            _("My offers"),
            BAR,
            [names.choice("offer_status", s) for s in OFFER_STATUSES],
            [Series(_("Offers"), [status.offers.get(s, 0) for s in OFFER_STATUSES])],
            links=[urls.offers] * len(OFFER_STATUSES),
        ),
    ]
    if status.grievances:
        charts.append(
            Chart(
                "my-grievances",
                _("My grievances"),
                HORIZONTAL_BAR,
                [
                    f"{day_label(g.filed)} · "
                    f"{clip(names.choice('grievance_category', g.category), GRIEVANCE_NAME)}"
                    for g in status.grievances
                ],
                [
                    Series(
                        _("Hours to the first answer"),
                        [g.hours_to_response for g in status.grievances],
                    )
                ],
                note=_("– : not answered yet."),
                links=[urls.grievance(g.pk) for g in status.grievances],
            )
        )
    return charts


def grouped(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(value, count) rows as a mapping, repeated values added."""
    out: dict[str, int] = {}
    for value, count in rows:
        out[value] = out.get(value, 0) + int(count)
    return out
