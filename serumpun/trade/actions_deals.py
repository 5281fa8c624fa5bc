"""State changes of introductions and deals (issue 5 §5–6): opening a lead, moving it along the
pipeline, messages between buyer and supplier, idle reminders, and buyer reports.

Each action takes keyword arguments including `by`, checks permission, runs in one transaction,
writes the audit log and notifies the other side. The legal moves, who makes them, the idle
period and the first-deal guidance come from data/trade/deals.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.notifications import Message, notify, notify_each
from serumpun.core.uploads import check_document
from serumpun.exporters.models import MSME, Product
from serumpun.logistics import network
from serumpun.trade import facts
from serumpun.trade.models import (
    BuyerReport,
    Introduction,
    LeadMessage,
    LeadStage,
    LostReason,
    ReportReason,
    ReportStatus,
    RequestStatus,
    SourcingRequest,
    StageChange,
)
from serumpun.trade.models_deals import is_deal_tracker
from serumpun.trade.recipients import organisation_members, trade_attaches
from serumpun.trade.rules import deals as rules

MAX_TEXT = 5000
MAX_DEAL_VALUE = Decimal("1000000000000")  # fits the 16-digit column with 2 decimals
CENTS = Decimal("0.01")


# --- Configuration (data/trade/deals.yaml) -------------------------------------------------


@dataclass(frozen=True)
class GuidanceItem:
    """One piece of first-deal guidance, in id/en/ms, with its source."""

    key: str
    title: Mapping[str, str]
    text: Mapping[str, str]
    source: str


@dataclass(frozen=True)
class DealsConfig:
    """The pipeline's moves, movers, idle period and guidance, read from data."""

    moves: Mapping[str, tuple[str, ...]]
    movers: Mapping[str, str]
    idle_days: int
    currencies: tuple[str, ...]
    guidance: tuple[GuidanceItem, ...]
    sources: Mapping[str, Mapping[str, str]]


class DealsConfigError(ValueError):
    """data/trade/deals.yaml is malformed; the message names the entry."""


def config_path() -> Path:
    """Where the deals configuration lives."""
    return Path(settings.DATA_DIR) / "trade" / "deals.yaml"


def _check_moves(moves: Mapping[str, tuple[str, ...]]) -> None:
    """Every stage has an entry; moves only go forward or to lost; nothing leaves a final stage."""
    for stage in rules.STAGES:
        if stage not in moves:
            raise DealsConfigError(f"deals.yaml moves: stage {stage!r} has no entry")
    for stage, targets in moves.items():
        if stage not in rules.STAGES:
            raise DealsConfigError(f"deals.yaml moves: unknown stage {stage!r}")
        for target in targets:
            if target not in rules.STAGES:
                raise DealsConfigError(
                    f"deals.yaml moves.{stage}: unknown stage {target!r}"
                )
            if target != rules.LOST and rules.CHAIN.index(target) <= rules.CHAIN.index(
                stage
            ):
                raise DealsConfigError(
                    f"deals.yaml moves.{stage}: {target!r} is not forward"
                )
        if stage in rules.FINAL and targets:
            raise DealsConfigError(f"deals.yaml moves.{stage}: a final stage")


def parse_config(text: str) -> DealsConfig:
    """Read and check the deals configuration; DealsConfigError names the bad entry."""
    raw = yaml.safe_load(text) or {}
    try:
        moves = {
            str(k): tuple(str(s) for s in v or ()) for k, v in raw["moves"].items()
        }
        movers = {str(k): str(v) for k, v in raw["movers"].items()}
        idle_days = int(raw["idle_after_days"]["value"])
        currencies = tuple(str(c) for c in raw["deal_currencies"])
        sources = {str(k): dict(v) for k, v in raw["guidance_sources"].items()}
        guidance = tuple(
            GuidanceItem(
                key=str(item["key"]),
                title=dict(item["title"]),
                text=dict(item["text"]),
                source=str(item["source"]),
            )
            for item in raw["guidance"]
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DealsConfigError(f"deals.yaml: missing or malformed entry {exc}") from exc
    _check_moves(moves)
    for stage, side in movers.items():
        if stage not in rules.STAGES or side not in (
            rules.BUYER,
            rules.MSME,
            rules.EITHER,
        ):
            raise DealsConfigError(f"deals.yaml movers.{stage}: {side!r}")
    if idle_days < 1:
        raise DealsConfigError("deals.yaml idle_after_days: must be at least 1")
    for item in guidance:
        if item.source not in sources:
            raise DealsConfigError(
                f"deals.yaml guidance {item.key}: unknown source {item.source}"
            )
        for language in ("id", "en", "ms"):
            if not item.title.get(language) or not item.text.get(language):
                raise DealsConfigError(
                    f"deals.yaml guidance {item.key}: no {language} text"
                )
    return DealsConfig(moves, movers, idle_days, currencies, guidance, sources)


@cache
def _load(path: Path) -> DealsConfig:
    return parse_config(path.read_text(encoding="utf-8"))


def deals_config() -> DealsConfig:
    """The deals configuration (read once per process)."""
    return _load(config_path())


# --- Who is who on a lead ------------------------------------------------------------------


def side_of(user: Any, introduction: Introduction) -> str | None:
    """Which side `user` is on for this lead: buyer, msme, attache, or None."""
    orgs = set(user.organisation_ids) if user.is_authenticated else set()
    if introduction.buyer_id in orgs and has_permission(user, "introduction.request"):
        return rules.BUYER
    if introduction.msme.organisation_id in orgs and has_permission(
        user, "introduction.respond"
    ):
        return rules.MSME
    if is_deal_tracker(user):
        return rules.ATTACHE
    return None


def _lead_url(introduction: Introduction) -> str:
    return reverse("trade:lead_detail", args=[introduction.pk])


def _notify_side(
    introduction: Introduction, side: str, *, subject: Any, body: Any = ""
) -> None:
    """Notify the members of one side of a lead (buyer or msme)."""
    organisation_id = (
        introduction.buyer_id
        if side == rules.BUYER
        else introduction.msme.organisation_id
    )
    notify(
        organisation_members(organisation_id),
        subject=subject,
        body=body,
        url=_lead_url(introduction),
        kind="trade.lead",
    )


def _other_sides(side: str) -> tuple[str, ...]:
    if side == rules.BUYER:
        return (rules.MSME,)
    if side == rules.MSME:
        return (rules.BUYER,)
    return (rules.BUYER, rules.MSME)


# --- Opening a lead ------------------------------------------------------------------------


def _evaluate(request: SourcingRequest, product: Product, as_of: dt.date) -> Any:
    """Matching's verdict on one product for one request (helper B's engine)."""
    from serumpun.trade import matching

    return matching.evaluate_product(request, product, as_of=as_of)


def blockers_payload(blockers: Sequence[Any]) -> list[dict[str, Any]]:
    """Blockers as the matches endpoint shows them: code, text and parameters."""
    from serumpun.trade import matching

    return [matching.item_dict(blocker) for blocker in blockers]


def request_introduction(
    *, request: SourcingRequest, product: Product, by: User
) -> Introduction:
    """Open a lead between `request`'s buyer and `product`'s supplier.

    `by` is a buyer of the request's organisation, or the trade attaché for a relayed request
    (else PermissionDenied). The request must be open and in date, the product eligible for
    it (ConflictError with the blockers otherwise) and not introduced already (ConflictError).
    """
    in_buyer_org = request.buyer_id in by.organisation_ids and has_permission(
        by, "introduction.request"
    )
    relaying = request.is_relayed and has_permission(by, "request.relay")
    if not (in_buyer_org or relaying):
        raise PermissionDenied(_("Only the request's buyer may ask for introductions."))
    today = timezone.localdate()
    if request.status != RequestStatus.OPEN or (
        request.valid_until is not None and request.valid_until < today
    ):
        raise ConflictError(_("This request is no longer open."), field="request_id")
    if Introduction.objects.filter(request=request, product=product).exists():
        raise ConflictError(
            _("This product has already been introduced for this request."),
            field="product_id",
        )
    verdict = _evaluate(request, product, today)
    if not verdict.eligible:
        raise ConflictError(
            _("This product cannot supply this request."),
            field="product_id",
            extra={"blockers": blockers_payload(verdict.blockers)},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            introduction = Introduction.objects.create(
                request=request,
                product=product,
                msme_id=product.msme_id,
                buyer_id=request.buyer_id,
                stage=LeadStage.INTRODUCED,
                stage_changed_at=now,
                last_activity_at=now,
                score=float(verdict.score),
                created_by=by,
            )
            StageChange.objects.create(
                introduction=introduction, to_stage=LeadStage.INTRODUCED, at=now, by=by
            )
            audit.record(
                actor=by,
                action="trade.introduction.request",
                obj=introduction,
                fields=["request", "product", "stage"],
            )
            introduction.msme = MSME.objects.get(pk=product.msme_id)
            _notify_side(
                introduction,
                rules.MSME,
                subject=gettext_lazy("A Malaysian buyer asks for an introduction"),
                body=gettext_lazy("Open the lead to answer the buyer."),
            )
    except IntegrityError as exc:  # a concurrent duplicate
        raise ConflictError(
            _("This product has already been introduced for this request."),
            field="product_id",
        ) from exc
    return introduction


# --- Moving a lead -------------------------------------------------------------------------


@dataclass(frozen=True)
class DealValue:
    """An order's value as agreed, in one of the deal currencies."""

    amount: Decimal
    currency: str


def _checked_value(value: DealValue | None, config: DealsConfig) -> DealValue:
    if value is None:
        raise ValidationError(
            {"deal_value": _("Record the order's value (amount and currency).")}
        )
    try:
        amount = Decimal(value.amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError(
            {"deal_value": _("Enter the amount as a number.")}
        ) from exc
    if not amount.is_finite() or amount <= 0 or amount >= MAX_DEAL_VALUE:
        raise ValidationError({"deal_value": _("Enter a positive amount.")})
    if value.currency not in config.currencies:
        raise ValidationError(
            {"deal_value": _("Choose MYR, USD or IDR as the currency.")}
        )
    return DealValue(amount.quantize(CENTS, ROUND_HALF_UP), value.currency)


def to_usd(value: DealValue) -> Decimal:
    """The value in USD at the platform's reference rates (data/logistics/quoting.yaml)."""
    rate = Decimal(str(network.fx_usd_per_unit()[value.currency]))
    return (value.amount * rate).quantize(CENTS, ROUND_HALF_UP)


MOVE_MESSAGES = {
    "unknown_stage": gettext_lazy("Unknown stage."),
    "finished": gettext_lazy("This lead is closed; it cannot move any more."),
    "same_stage": gettext_lazy("The lead is already at this stage."),
    "not_allowed": gettext_lazy("A lead cannot move from this stage to that one."),
    "wrong_side": gettext_lazy("The other party records this stage."),
}


def move_lead(
    *,
    introduction: Introduction,
    to_stage: str,
    by: User,
    note: str = "",
    lost_reason: str = "",
    lost_note: str = "",
    deal_value: DealValue | None = None,
    quantity_kg: Decimal | None = None,
) -> Introduction:
    """Move a lead to `to_stage` as the table of data/trade/deals.yaml allows.

    The buyer records negotiating, ordered and paid; the supplier sample_sent and shipped;
    either may record lost (with a `LostReason` code and an optional note); the attaché may
    record any legal move on their behalf. `ordered` needs the deal value. Illegal moves
    raise ConflictError (409).
    """
    config = deals_config()
    side = side_of(by, introduction)
    if side is None:
        raise PermissionDenied(_("You are not a party to this lead."))
    note, lost_note = note.strip()[:MAX_TEXT], lost_note.strip()[:MAX_TEXT]
    with transaction.atomic():
        lead = Introduction.objects.select_for_update().get(pk=introduction.pk)
        lead.msme = introduction.msme
        try:
            rules.check_move(
                config.moves,
                config.movers,
                from_stage=lead.stage,
                to_stage=to_stage,
                side=side,
            )
        except rules.MoveError as exc:
            raise ConflictError(str(MOVE_MESSAGES[exc.code]), field="stage") from exc
        fields = ["stage", "stage_changed_at", "last_activity_at", "idle_reminded_at"]
        if to_stage == LeadStage.LOST:
            if lost_reason not in LostReason.values:
                raise ValidationError({"lost_reason": _("Say why the lead was lost.")})
            lead.lost_reason, lead.lost_note = lost_reason, lost_note
            lead.lost_at_stage = lead.stage
            fields += ["lost_reason", "lost_note", "lost_at_stage"]
        if to_stage == LeadStage.ORDERED:
            value = _checked_value(deal_value, config)
            lead.deal_value_amount, lead.deal_value_currency = (
                value.amount,
                value.currency,
            )
            lead.deal_value_usd = to_usd(value)
            fields += ["deal_value_amount", "deal_value_currency", "deal_value_usd"]
            if quantity_kg is not None:
                if quantity_kg <= 0:
                    raise ValidationError(
                        {"quantity_kg": _("Enter a positive quantity.")}
                    )
                lead.ordered_quantity_kg = quantity_kg
                fields.append("ordered_quantity_kg")
        now = timezone.now()
        from_stage = lead.stage
        lead.stage, lead.stage_changed_at, lead.last_activity_at = to_stage, now, now
        lead.idle_reminded_at = None
        if side == rules.MSME and lead.msme_responded_at is None:
            lead.msme_responded_at = now
            fields.append("msme_responded_at")
        lead.save(update_fields=[*fields, "updated_at"])
        StageChange.objects.create(
            introduction=lead,
            from_stage=from_stage,
            to_stage=to_stage,
            at=now,
            by=by,
            note=note,
        )
        audit.record(
            actor=by,
            action="trade.introduction.move",
            obj=lead,
            fields=fields,
            purpose=f"{from_stage}→{to_stage}"
            + (" (attaché)" if side == rules.ATTACHE else ""),
        )
        for other in _other_sides(side):
            _notify_side(
                lead,
                other,
                subject=gettext_lazy("A lead moved to a new stage"),
                body=LeadStage(to_stage).label,
            )
    return lead


# --- Messages ------------------------------------------------------------------------------


def post_message(
    *, introduction: Introduction, by: User, body: str, attachment: Any = None
) -> LeadMessage:
    """Post a message on a lead for the other party (an optional PDF/JPEG/PNG attached).

    Only the two parties write; the attaché reads. The other side is notified with a link,
    never the text, so no contact details travel by e-mail.
    """
    side = side_of(by, introduction)
    if side not in (rules.BUYER, rules.MSME):
        raise PermissionDenied(_("Only the buyer and the supplier write on a lead."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_TEXT:
        raise ValidationError({"body": _("Keep the message under 5,000 characters.")})
    checked = (
        check_document(attachment, field="attachment")
        if attachment is not None
        else None
    )
    organisation_id = (
        introduction.buyer_id
        if side == rules.BUYER
        else introduction.msme.organisation_id
    )
    now = timezone.now()
    with transaction.atomic():
        message = LeadMessage(
            introduction=introduction,
            sender=by,
            sender_organisation_id=organisation_id or 0,
            body=body,
            created_at=now,
        )
        if checked is not None:
            message.attachment.save(
                f"lead-{introduction.pk}{checked.extension}",
                ContentFile(checked.content),
                save=False,
            )
            message.attachment_type = checked.content_type
        message.save()
        changes: dict[str, Any] = {"last_activity_at": now, "idle_reminded_at": None}
        if side == rules.MSME and introduction.msme_responded_at is None:
            changes["msme_responded_at"] = now
        Introduction.objects.filter(pk=introduction.pk).update(**changes)
        if "msme_responded_at" in changes:  # update() sends no signal: matching facts
            facts.refresh(msme_ids=[introduction.msme_id])
        for name, value in changes.items():
            setattr(introduction, name, value)
        audit.record(
            actor=by,
            action="trade.introduction.message",
            obj=introduction,
            fields=["body", *(["attachment"] if checked else [])],
        )
        _notify_side(
            introduction,
            _other_sides(side)[0],
            subject=gettext_lazy("New message on a lead"),
            body=gettext_lazy("Open the lead to read it."),
        )
    return message


def mark_messages_read(*, introduction: Introduction, by: User) -> int:
    """Mark the other party's messages on this lead as read by `by`'s side."""
    side = side_of(by, introduction)
    if side not in (rules.BUYER, rules.MSME):
        return 0
    own = (
        introduction.buyer_id
        if side == rules.BUYER
        else introduction.msme.organisation_id
    )
    return (
        introduction.messages.filter(read_at__isnull=True)
        .exclude(sender_organisation_id=own)
        .update(read_at=timezone.now())
    )


# --- Idle reminders ------------------------------------------------------------------------


def _members_by_organisation(organisation_ids: set[int]) -> dict[int, list[User]]:
    """Active members of each organisation, read in one query."""
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True, memberships__organisation_id__in=organisation_ids
    ).annotate(organisation_id=F("memberships__organisation_id")):
        members.setdefault(user.organisation_id, []).append(user)  # type: ignore[attr-defined]
    return members


def remind_idle_leads(*, as_of: dt.date) -> int:
    """Remind both sides of open leads idle for the configured days, once; tell the attaché.

    A lead is idle when its last stage change or message fell on or before `as_of` minus the
    idle period (local days); `idle_reminded_at` is cleared by any new activity, so a second
    run the same day sends nothing. The parties' members are read in one query; the attaché
    gets one summary pointing at the pipeline board, which lists the idle leads.
    """
    cutoff = rules.idle_cutoff(as_of, deals_config().idle_days)
    end_of_cutoff = timezone.make_aware(
        dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min)
    )
    idle = list(
        Introduction.objects.open()
        .filter(last_activity_at__lt=end_of_cutoff, idle_reminded_at__isnull=True)
        .select_related("msme", "request")
    )
    if not idle:
        return 0
    members = _members_by_organisation(
        {lead.buyer_id for lead in idle}
        | {lead.msme.organisation_id for lead in idle if lead.msme.organisation_id}
    )
    subject = gettext_lazy("A lead has had no activity for two weeks")
    with transaction.atomic():
        notify_each(
            Message(
                [
                    *members.get(lead.buyer_id, []),
                    *members.get(lead.msme.organisation_id or 0, []),
                ],
                subject,
                body=lead.request.title,
                url=_lead_url(lead),
                kind="trade.lead",
            )
            for lead in idle
        )
        notify(
            trade_attaches(),
            subject=ngettext_lazy(
                "%(count)d lead has had no activity for two weeks",
                "%(count)d leads have had no activity for two weeks",
                "count",
            )
            % {"count": len(idle)},
            url=reverse("trade:pipeline"),
            kind="trade.lead",
        )
        Introduction.objects.filter(pk__in=[lead.pk for lead in idle]).update(
            idle_reminded_at=timezone.now()
        )
        audit.record(
            actor=None,
            action="trade.introduction.idle_reminder",
            fields=["idle_reminded_at"],
            purpose=f"{len(idle)} leads idle on {as_of.isoformat()}",
        )
    return len(idle)


# --- Buyer reports -------------------------------------------------------------------------


def report_buyer(
    *,
    buyer: Organisation,
    by: User,
    reason: str,
    details: str,
    introduction: Introduction | None = None,
) -> BuyerReport:
    """An MSME reports a buyer it dealt with; the trade attaché is told.

    `by` must own an MSME with a lead with this buyer (PermissionDenied otherwise), so a
    report always rests on a real contact.
    """
    if not has_permission(by, "introduction.respond"):
        raise PermissionDenied(_("Only suppliers report buyers."))
    leads = Introduction.objects.filter(
        buyer=buyer, msme__organisation__in=by.organisation_ids
    )
    if introduction is not None:
        leads = leads.filter(pk=introduction.pk)
    lead = leads.select_related("msme").first()
    if lead is None:
        raise PermissionDenied(_("You can report a buyer you have a lead with."))
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    details = (details or "").strip()
    if not details:
        raise ValidationError({"details": _("Say what happened.")})
    with transaction.atomic():
        report = BuyerReport.objects.create(
            buyer=buyer,
            msme=lead.msme,
            reporter=by,
            introduction=introduction,
            reason=reason,
            details=details[:MAX_TEXT],
        )
        audit.record(
            actor=by,
            action="trade.buyer_report.file",
            obj=report,
            fields=["buyer", "reason", "details"],
        )
        notify(
            trade_attaches(),
            subject=gettext_lazy("A supplier reported a buyer"),
            url=reverse("trade:report_queue"),
            kind="trade.report",
        )
    return report


def close_report(*, report: BuyerReport, by: User, resolution: str) -> BuyerReport:
    """The trade attaché closes a report with a resolution; the reporter is told."""
    if not has_permission(by, "buyer.verify"):
        raise PermissionDenied(_("Only the trade attaché handles reports."))
    if report.status == ReportStatus.CLOSED:
        raise ConflictError(_("This report is already closed."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Write the resolution.")})
    with transaction.atomic():
        report.status = ReportStatus.CLOSED
        report.resolution = resolution[:MAX_TEXT]
        report.handled_by = by
        report.closed_at = timezone.now()
        report.save(update_fields=["status", "resolution", "handled_by", "closed_at"])
        audit.record(
            actor=by,
            action="trade.buyer_report.close",
            obj=report,
            fields=["status", "resolution"],
        )
        notify(
            [report.reporter] if report.reporter else [],
            subject=gettext_lazy("The trade attaché closed your report about a buyer"),
            body=report.resolution,
            url=reverse("trade:leads"),
            kind="trade.report",
        )
    return report


def buyers_reportable_by(user: User) -> Q:
    """Buyer organisations `user` has a lead with (the report form's choices)."""
    return Q(introductions__msme__organisation__in=user.organisation_ids)
