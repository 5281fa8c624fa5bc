"""State changes after matching (issue 7 §8–9): moving placements through the pipeline,
recording contracts and payslips, grievances and welfare check-ins. Data-subject rights
(§10) are in `actions_data_rights`.

Each action takes keyword arguments including `by`, checks permission, runs in one
transaction, writes the audit log and notifies the people concerned. Grievance texts and
check-in notes are confidential: notifications never carry them, only a link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import notify
from serumpun.labour.actions import labour_rulebook
from serumpun.labour.models import (
    Grievance,
    Placement,
    PlacementEvent,
    Seeker,
    Stage,
)
from serumpun.labour.models_pipeline import (
    ContractRecord,
    GrievanceResponse,
    WelfareCheckin,
)
from serumpun.labour.rules import pipeline
from serumpun.labour.rules.contracts import (
    ContractLimits,
    ContractTerms,
    Deduction,
    FindingPolicy,
    SubstitutionVerdict,
    check_substitution,
)

#: a seeker in these stages is taken off the market for other orders
PLACED_STAGES = frozenset(
    {
        Stage.SELECTED,
        Stage.TRAINING,
        Stage.DOCUMENTS_COMPLETE,
        Stage.ORIENTATION,
        Stage.DEPARTED,
        Stage.WORKING,
    }
)
MAX_TEXT = 5000
MAX_WAGE_MYR = Decimal("1000000")


# --- Configuration (data/labour/pipeline.yaml) ---------------------------------------------------


@dataclass(frozen=True)
class PipelineConfig:
    """The pipeline's thresholds and the contract check's policy, read from data."""

    stuck: Mapping[str, pipeline.StuckThreshold]
    checkin_offsets_days: tuple[int, ...]
    grievance_first_response_days: int
    findings: Mapping[str, FindingPolicy]
    deduction_kinds: Mapping[str, str]  # kind → reason
    prohibited_deductions: frozenset[str]
    uncompared_deductions: frozenset[str]
    max_deduction_share: Decimal


def _config_path() -> Path:
    return Path(settings.DATA_DIR) / "labour" / "pipeline.yaml"


@cache
def _load_config(path: Path) -> PipelineConfig:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = raw["deduction_kinds"]
    return PipelineConfig(
        stuck={
            stage: pipeline.StuckThreshold(
                stage=stage, days=int(item["value"]), reason=item["reason"]
            )
            for stage, item in raw["stuck_after_days"].items()
        },
        checkin_offsets_days=tuple(
            int(d) for d in raw["welfare_checkins_after_departure_days"]["value"]
        ),
        grievance_first_response_days=int(
            raw["grievance_first_response_days"]["value"]
        ),
        findings={
            code: FindingPolicy(
                severity=item["severity"],
                reason=item.get("reason", ""),
                source=item.get("source", ""),
                confidence=item.get("confidence", "medium"),
            )
            for code, item in raw["contract_findings"].items()
        },
        deduction_kinds={kind: item["reason"] for kind, item in kinds.items()},
        prohibited_deductions=frozenset(
            kind for kind, item in kinds.items() if item["prohibited"]
        ),
        uncompared_deductions=frozenset(
            kind
            for kind, item in kinds.items()
            if not item.get("compared_with_offer", True)
        ),
        max_deduction_share=Decimal(str(raw["max_deduction_share"]["value"])),
    )


def pipeline_config() -> PipelineConfig:
    """The configuration in data/labour/pipeline.yaml (read once per process)."""
    return _load_config(_config_path())


# --- Who may do what ---------------------------------------------------------------------------


def may_monitor_placements(user: Any) -> bool:
    """The labour attaché or a provincial officer working seekers' cases."""
    return has_permission(user, "placement.monitor")


def may_handle_grievances(user: Any) -> bool:
    """The labour attaché or a provincial officer (issue 7 §9 routes grievances to both)."""
    return has_permission(user, "grievance.handle")


def is_data_subject(user: Any, seeker: Seeker) -> bool:
    return seeker.user_id is not None and seeker.user_id == user.pk


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role may not do this."))


def overseers() -> list[User]:
    """Labour attachés and provincial officers, who follow placements and grievances."""
    return list(
        User.objects.filter(
            memberships__role__in=[Role.LABOUR_ATTACHE, Role.OFFICER], is_active=True
        ).distinct()
    )


def case_handlers(seeker: Seeker | None) -> list[User]:
    """The labour attachés plus the seeker's case officer and their office's officers."""
    people = Q(memberships__role=Role.LABOUR_ATTACHE)
    if seeker is not None:
        if seeker.case_officer_id:
            people |= Q(pk=seeker.case_officer_id)
        if seeker.office_id:
            people |= Q(
                memberships__organisation_id=seeker.office_id,
                memberships__role=Role.OFFICER,
            )
    return list(User.objects.filter(people, is_active=True).distinct())


def seeker_url(seeker: Seeker) -> str:
    """The officer's page of a seeker (the labour pages may not be wired yet)."""
    try:
        return reverse("labour:seeker_detail", args=[seeker.pk])
    except NoReverseMatch:
        return ""


def _seeker_user(seeker: Seeker | None) -> list[User]:
    if seeker is None or seeker.user is None:
        return []
    return [seeker.user]


# --- Placements ---------------------------------------------------------------------------------


def advance_placement(
    *, by: User, placement: Placement, to_stage: str, note: str = ""
) -> Placement:
    """Move a placement to its next stage (officer or labour attaché); 409 if not allowed."""
    require(may_monitor_placements(by))
    with transaction.atomic():
        locked = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("seeker", "seeker__user")
            .get(pk=placement.pk)
        )
        try:
            pipeline.check_transition(locked.stage, to_stage)
        except pipeline.TransitionError as exc:
            raise ConflictError(
                _("A placement in stage %(from)s cannot move to %(to)s.")
                % {"from": exc.from_stage, "to": exc.to_stage}
            ) from exc
        now = timezone.now()
        locked.stage = to_stage
        locked.stage_changed_at = now
        locked.save(update_fields=["stage", "stage_changed_at"])
        PlacementEvent.objects.create(
            placement=locked, stage=to_stage, by=by, note=note[:MAX_TEXT]
        )
        seeker = locked.seeker
        seeker.stage = to_stage
        seeker.placed = to_stage in PLACED_STAGES
        seeker.save(update_fields=["stage", "placed", "updated_at"])
        if to_stage == Stage.DEPARTED:
            schedule_welfare_checkins(locked, departed_on=timezone.localdate(now))
        audit.record(
            actor=by,
            action="labour.placement.advanced",
            obj=locked,
            fields=["stage", *(["note"] if note else [])],
        )
        notify(
            _seeker_user(seeker),
            subject=gettext_lazy("Your placement has moved to the next stage"),
            url=reverse("labour:placement_detail", args=[locked.pk]),
            kind="labour.placement",
        )
    placement.refresh_from_db()
    return placement


def schedule_welfare_checkins(
    placement: Placement, *, departed_on: dt.date
) -> list[WelfareCheckin]:
    """Create the welfare check-ins after departure (idempotent: existing days are kept)."""
    days = pipeline.checkin_dates(departed_on, pipeline_config().checkin_offsets_days)
    WelfareCheckin.objects.bulk_create(
        [WelfareCheckin(placement=placement, due_on=day) for day in days],
        ignore_conflicts=True,
    )
    return list(WelfareCheckin.objects.filter(placement=placement))


def record_checkin(
    *, by: User, checkin: WelfareCheckin, outcome: str, note: str = ""
) -> WelfareCheckin:
    """Record how a worker abroad is doing (the worker, an officer or the attaché)."""
    seeker = checkin.placement.seeker
    require(may_monitor_placements(by) or is_data_subject(by, seeker))
    if outcome not in WelfareCheckin.Outcome.values:
        raise ValidationError({"outcome": _("Choose how the worker is doing.")})
    with transaction.atomic():
        checkin.outcome = outcome
        checkin.note = note[:MAX_TEXT] or None
        checkin.done_at = timezone.now()
        checkin.done_by = by
        checkin.save(update_fields=["outcome", "note", "done_at", "done_by"])
        audit.record(
            actor=by,
            action="labour.checkin.recorded",
            obj=checkin,
            fields=["outcome", *(["note"] if note else [])],
        )
        if outcome != WelfareCheckin.Outcome.WELL:
            notify(
                case_handlers(seeker),
                subject=gettext_lazy("A welfare check-in needs attention"),
                url=reverse("labour:placement_detail", args=[checkin.placement_id]),
                kind="labour.checkin",
            )
    return checkin


# --- Contracts and payslips ----------------------------------------------------------------------


def _decimal(value: Any, field: str, *, maximum: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValidationError(
            {field: _("Enter a number between 0 and %(max)s.") % {"max": maximum}}
        )
    return number.quantize(Decimal("0.01"))


def _clean_deductions(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    known = pipeline_config().deduction_kinds
    cleaned = []
    for item in items:
        kind = str(item.get("kind", ""))
        if kind not in known:
            raise ValidationError(
                {"deductions": _("Unknown deduction kind %(kind)s.") % {"kind": kind}}
            )
        amount = _decimal(item.get("amount_myr", 0), "deductions", maximum=MAX_WAGE_MYR)
        cleaned.append(
            {
                "kind": kind,
                "amount_myr": str(amount),
                "note": str(item.get("note", ""))[:200],
            }
        )
    return cleaned


def may_record_contract(user: Any, placement: Placement, kind: str) -> bool:
    """Officers and the attaché record anything; the order's organisations the offer and
    contract; the worker their own contract and payslips."""
    if may_monitor_placements(user):
        return True
    if is_data_subject(user, placement.seeker):
        return kind in (ContractRecord.Kind.SIGNED, ContractRecord.Kind.PAYSLIP)
    order = placement.job_order
    own = set(user.organisation_ids)
    order_orgs = {order.organisation_id}
    for profile in (order.employer_profile, order.agency_profile):
        if profile is not None:
            order_orgs.add(profile.organisation_id)
    return bool(own & order_orgs) and kind != ContractRecord.Kind.PAYSLIP


def record_contract(
    *,
    by: User,
    placement: Placement,
    kind: str,
    basic_wage_myr: Any,
    weekly_hours: Any = None,
    deductions: Iterable[Mapping[str, Any]] = (),
    period: dt.date | None = None,
) -> ContractRecord:
    """Store an offer's, a signed contract's or a payslip's figures and re-run the check.

    When the check newly fails, the case handlers are told (contract substitution suspected).
    """
    if kind not in ContractRecord.Kind.values:
        raise ValidationError({"kind": _("Choose offer, signed contract or payslip.")})
    require(may_record_contract(by, placement, kind))
    wage = _decimal(basic_wage_myr, "basic_wage_myr", maximum=MAX_WAGE_MYR)
    hours = (
        None
        if weekly_hours in (None, "")
        else _decimal(weekly_hours, "weekly_hours", maximum=Decimal(168))
    )
    items = _clean_deductions(deductions)
    with transaction.atomic():
        before = substitution_verdict(placement).status
        record = ContractRecord.objects.create(
            placement=placement,
            kind=kind,
            basic_wage_myr=wage,
            weekly_hours=hours,
            deductions=items,
            period=period,
            recorded_by=by,
        )
        after = substitution_verdict(placement).status
        audit.record(
            actor=by,
            action=f"labour.contract.{kind}_recorded",
            obj=record,
            fields=["basic_wage_myr", "weekly_hours", "deductions"],
        )
        if after == "fail" and before != "fail":
            notify(
                case_handlers(placement.seeker),
                subject=gettext_lazy("Contract substitution suspected"),
                url=reverse("labour:placement_detail", args=[placement.pk]),
                kind="labour.contract",
            )
    return record


def record_payslip(
    *,
    by: User,
    placement: Placement,
    basic_wage_myr: Any,
    weekly_hours: Any = None,
    deductions: Iterable[Mapping[str, Any]] = (),
    period: dt.date | None = None,
) -> ContractRecord:
    """Store a payslip's figures (the worker or their case handlers)."""
    return record_contract(
        by=by,
        placement=placement,
        kind=ContractRecord.Kind.PAYSLIP,
        basic_wage_myr=basic_wage_myr,
        weekly_hours=weekly_hours,
        deductions=deductions,
        period=period,
    )


def _terms(record: ContractRecord) -> ContractTerms:
    return ContractTerms(
        kind=record.kind,  # type: ignore[arg-type]
        basic_wage_myr=Decimal(record.basic_wage_myr),
        weekly_hours=None
        if record.weekly_hours is None
        else Decimal(record.weekly_hours),
        deductions=tuple(
            Deduction(
                kind=d["kind"],
                amount_myr=Decimal(d["amount_myr"]),
                note=d.get("note", ""),
            )
            for d in record.deductions
        ),
    )


def _applies(applies_to: Mapping[str, Any], sector: str) -> bool:
    if "sectors" in applies_to and sector not in applies_to["sectors"]:
        return False
    return sector not in applies_to.get("not_sectors", ())


def contract_limits(sector: str, as_of: dt.date) -> ContractLimits:
    """The wage floor and hours cap in force for `sector` on `as_of`, plus the data policy."""
    config = pipeline_config()
    wage_rules = []
    hours_rules = []
    for rule in labour_rulebook().in_force(as_of):
        if not _applies(rule.applies_to, sector):
            continue
        if rule.check == "min_basic_wage":
            wage_rules.append(
                (Decimal(str(rule.params["min_monthly_wage_myr"])), rule.id)
            )
        elif rule.check == "max_weekly_hours":
            hours_rules.append((Decimal(str(rule.params["max_weekly_hours"])), rule.id))
    wage = max(wage_rules, default=None)
    hours = min(hours_rules, default=None)
    return ContractLimits(
        findings=config.findings,
        prohibited_deductions=config.prohibited_deductions,
        uncompared_deductions=config.uncompared_deductions,
        max_deduction_share=config.max_deduction_share,
        min_monthly_wage_myr=wage[0] if wage else None,
        min_wage_rule_id=wage[1] if wage else "",
        max_weekly_hours=hours[0] if hours else None,
        max_hours_rule_id=hours[1] if hours else "",
    )


def _pick(
    records: Sequence[ContractRecord], kind: str, *, first: bool
) -> ContractRecord | None:
    chosen = [r for r in records if r.kind == kind]
    if not chosen:
        return None
    if kind == ContractRecord.Kind.PAYSLIP:
        chosen.sort(key=lambda r: (r.period or r.at.date(), r.at))
    return chosen[0] if first else chosen[-1]


def substitution_verdict(
    placement: Placement, records: Sequence[ContractRecord] | None = None
) -> SubstitutionVerdict:
    """Offer (recorded, else the job order's terms) vs latest signed contract vs first payslip."""
    if records is None:
        records = list(placement.contract_records.order_by("at", "id"))
    order = placement.job_order
    offer_record = _pick(records, ContractRecord.Kind.OFFER, first=False)
    offer = (
        _terms(offer_record)
        if offer_record
        else ContractTerms(
            kind="offer",
            basic_wage_myr=Decimal(order.basic_wage_myr),
            weekly_hours=Decimal(order.weekly_hours),
        )
    )
    signed_record = _pick(records, ContractRecord.Kind.SIGNED, first=False)
    payslip_record = _pick(records, ContractRecord.Kind.PAYSLIP, first=True)
    if payslip_record is not None:
        as_of = payslip_record.period or timezone.localdate(payslip_record.at)
    elif signed_record is not None:
        as_of = timezone.localdate(signed_record.at)
    else:
        as_of = order.order_date
    return check_substitution(
        offer,
        _terms(signed_record) if signed_record else None,
        _terms(payslip_record) if payslip_record else None,
        limits=contract_limits(order.sector, as_of),
    )


# --- Grievances ----------------------------------------------------------------------------------


def file_grievance(*, by: User, fields: Mapping[str, Any]) -> Grievance:
    """A worker files a confidential complaint, or an officer files it on their behalf.

    `fields`: category, description, optional placement (the worker's own), and for an
    officer the `seeker` concerned.
    """
    category = fields.get("category")
    description = str(fields.get("description") or "").strip()
    if category not in Grievance.Category.values:
        raise ValidationError({"category": _("Choose what the complaint is about.")})
    if not description:
        raise ValidationError({"description": _("Describe what happened.")})
    on_behalf = not has_permission(by, "grievance.file")
    if on_behalf:
        require(has_permission(by, "seeker.manage_any"))
        seeker = fields.get("seeker")
    else:
        seeker = Seeker.objects.filter(user=by).first()
    placement = fields.get("placement")
    if placement is not None and (seeker is None or placement.seeker_id != seeker.pk):
        raise ValidationError(
            {"placement": _("Choose one of the worker's placements.")}
        )
    with transaction.atomic():
        grievance = Grievance.objects.create(
            filed_by=by,
            organisation=by.organisation if on_behalf else None,
            seeker=seeker,
            placement=placement,
            category=category,
            description=description[:MAX_TEXT],
        )
        audit.record(
            actor=by,
            action="labour.grievance.filed",
            obj=grievance,
            fields=["category", "description"],
        )
        notify(
            case_handlers(seeker),
            subject=gettext_lazy("A new grievance was filed"),
            url=reverse("labour:grievance_detail", args=[grievance.pk]),
            kind="labour.grievance",
        )
    return grievance


def _grievance_filers(grievance: Grievance) -> list[User]:
    people = [grievance.filed_by, *_seeker_user(grievance.seeker)]
    return [p for p in people if p is not None]


def respond_grievance(
    *, by: User, grievance: Grievance, text: str
) -> GrievanceResponse:
    """The attaché or an officer answers; the first answer starts the response-time clock."""
    require(may_handle_grievances(by))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a response.")})
    if grievance.status in (Grievance.Status.RESOLVED, Grievance.Status.CLOSED):
        raise ConflictError(_("This grievance is closed."))
    with transaction.atomic():
        response = GrievanceResponse.objects.create(
            grievance=grievance, by=by, text=text[:MAX_TEXT]
        )
        changed = []
        if grievance.first_response_at is None:
            grievance.first_response_at = response.at
            changed.append("first_response_at")
        if grievance.status == Grievance.Status.OPEN:
            grievance.status = Grievance.Status.IN_PROGRESS
            changed.append("status")
        if changed:
            grievance.save(update_fields=changed)
        audit.record(
            actor=by,
            action="labour.grievance.responded",
            obj=grievance,
            fields=["responses", *changed],
        )
        notify(
            _grievance_filers(grievance),
            subject=gettext_lazy("Your grievance has an answer"),
            url=reverse("labour:grievance_detail", args=[grievance.pk]),
            kind="labour.grievance",
        )
    return response


def close_grievance(
    *, by: User, grievance: Grievance, resolved: bool, note: str = ""
) -> Grievance:
    """Close a grievance as resolved or not (with an optional closing note to the worker)."""
    require(may_handle_grievances(by))
    if grievance.status in (Grievance.Status.RESOLVED, Grievance.Status.CLOSED):
        raise ConflictError(_("This grievance is already closed."))
    with transaction.atomic():
        now = timezone.now()
        if note.strip():
            GrievanceResponse.objects.create(
                grievance=grievance, by=by, text=note.strip()[:MAX_TEXT]
            )
        grievance.status = (
            Grievance.Status.RESOLVED if resolved else Grievance.Status.CLOSED
        )
        grievance.resolved_at = now
        grievance.first_response_at = grievance.first_response_at or now
        grievance.save(update_fields=["status", "resolved_at", "first_response_at"])
        audit.record(
            actor=by,
            action="labour.grievance.closed",
            obj=grievance,
            fields=["status", "resolved_at"],
        )
        notify(
            _grievance_filers(grievance),
            subject=gettext_lazy("Your grievance was closed"),
            url=reverse("labour:grievance_detail", args=[grievance.pk]),
            kind="labour.grievance",
        )
    return grievance
