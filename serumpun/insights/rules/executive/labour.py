"""The executive dashboard's labour section: job orders, rejections, placements, grievances."""

from __future__ import annotations

from collections.abc import Mapping

from serumpun.insights import metrics as m
from serumpun.insights.rules.charts import (
    BAR,
    DOUGHNUT,
    HORIZONTAL_BAR,
    STACKED_BAR,
    Chart,
    Series,
)
from serumpun.insights.rules.cube import Cube, Sums, top
from serumpun.insights.rules.executive.common import (
    DOMESTIC,
    TOP,
    Figure,
    Section,
    Vocabulary,
    mean,
    percent,
    province_wide,
    regency_codes,
    regency_filter,
)


def labour_section(cube: Cube, words: Vocabulary) -> Section:
    """Job orders endorsed and rejected, reasons, seekers, placements, grievances."""
    _ = words.gettext
    link = words.link
    where = regency_filter(cube)
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
            percent(placements - domestic, placements),
            unit="%",
            link=link("placements", **where),
            places=1,
        ),
        Figure(_("Grievances"), grievances.records, link=link("grievances")),
        Figure(
            _("Mean time to first response"),
            mean(grievances.amount, grievances.extra),
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
            _response_times(cube, words),
        ],
        note=province_wide(
            cube,
            _(
                "Job orders and their rejections belong to no regency: they are shown "
                "for the whole province."
            ),
        ),
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
            words.link("placements", sector=code, **regency_filter(cube))
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
    codes = regency_codes(cube, words)
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


def _categories(cube: Cube, words: Vocabulary) -> list[str]:
    found = cube.by(m.GRIEVANCE, "key")
    known = [code for code in words.grievance_categories if code in found]
    return known + sorted(set(found) - set(known))


def _grievances(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    by_category = cube.by(m.GRIEVANCE, "key")
    codes = _categories(cube, words)
    return Chart(
        id="labour-grievances",
        title=_("Grievances by category"),
        kind=BAR,
        labels=[words.grievance_categories.get(code, code) for code in codes],
        series=[
            Series(_("grievances"), [by_category[c].records for c in codes]),
            Series(_("answered"), [round(by_category[c].extra) for c in codes]),
        ],
        unit=_("grievances"),
        note=_("Grievances filed in the period."),
        links=[words.link("grievances") for _code in codes],
    )


def _response_times(cube: Cube, words: Vocabulary) -> Chart:
    _ = words.gettext
    by_category = cube.by(m.GRIEVANCE, "key")
    codes = _categories(cube, words)
    return Chart(
        id="labour-grievance-response",
        title=_("Mean time to first response by category"),
        kind=HORIZONTAL_BAR,
        labels=[words.grievance_categories.get(code, code) for code in codes],
        series=[
            Series(
                _("mean hours to first response"),
                [mean(by_category[c].amount, by_category[c].extra) for c in codes],
            ),
        ],
        unit=_("hours"),
        note=_("Over the grievances answered; none where none was answered yet."),
        links=[words.link("grievances") for _code in codes],
    )
