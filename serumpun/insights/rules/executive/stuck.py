"""Where it is stuck: the few places the executive dashboard's figures show trouble."""

from __future__ import annotations

from serumpun.insights import metrics as m
from serumpun.insights.rules.cube import Cube, top
from serumpun.insights.rules.executive.common import (
    Finding,
    Vocabulary,
    percent,
    regency_codes,
    regency_filter,
)


def stuck(cube: Cube, words: Vocabulary) -> list[Finding]:
    """The few places the figures show trouble, most pressing first; none when all is well."""
    _ = words.gettext
    link = words.link
    findings: list[Finding] = []

    assessed = cube.by(m.MSME_ASSESSED, "regency")
    ready = cube.by(m.MSME_READY, "regency")
    none_ready = [
        code
        for code in regency_codes(cube, words)
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
                link=link("registry", state="submitted", **regency_filter(cube)),
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
                percent(rejected, reviewed),
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
