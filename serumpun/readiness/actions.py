"""Every change to readiness records: answers, assessments, plan steps, cohorts.

Views, the API, tasks and demo seeding call these. Each checks the actor's permission, runs
in one transaction and writes the audit row. Callers look records up with `visible_to(by)`
first, so another organisation's product is a 404 before an action runs.

Assessing: the product's registry facts and current answers go through the pure scorer
(rules/scoring.py) in one batch; the new assessment becomes the product's latest, its gaps and
plan steps are rows, and progress on a step (status, owner, due date, note) carries over to the
same gap's step in the next plan. A step reported done re-assesses the product; if its gap is
still open (the evidence is not in yet) the carried step shows "in progress".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from serumpun.accounts.models import User
from serumpun.accounts.roles import has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.exporters import images
from serumpun.exporters.models import MSME, Certificate, Product
from serumpun.exporters.signals import products_changed
from serumpun.readiness import book
from serumpun.readiness.config import MARKETS, assessment_config
from serumpun.readiness.facts import facts_from_rows, load_answers, load_rows
from serumpun.readiness.models import (
    ANSWER_MAX,
    ActionStep,
    Answer,
    Assessment,
    Cohort,
    CohortSession,
    Gap,
    StepStatus,
    Trigger,
)
from serumpun.readiness.rules.scoring import Batch, Outcome, Result, score_many

BULK_BATCH = 2000


# --- Permissions ------------------------------------------------------------------------------


def _require(by: User, permission: str) -> None:
    if not has_permission(by, permission):
        raise PermissionDenied(_("Your role may not do this."))


def _require_product(by: User, product: Product) -> None:
    """The actor may assess this product: its MSME's people, or staff who see every MSME."""
    _require(by, "readiness.assess")
    if by.is_platform_admin or has_permission(by, "msme.view_all"):
        return
    if product.msme.organisation_id not in by.organisation_ids:
        raise PermissionDenied(_("This product belongs to another business."))


def _clean_market(market: str) -> str:
    if market not in MARKETS:
        raise ValidationError({"market": _("Choose a market with requirement rules.")})
    return market


def _clean_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    keys = {question.key for question in assessment_config().questions}
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for key, value in answers.items():
        if key not in keys:
            errors[f"answers.{key}"] = _("Unknown question.")
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= ANSWER_MAX
        ):
            errors[f"answers.{key}"] = _("Answer with a whole number from 0 to 4.")
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Answers ----------------------------------------------------------------------------------


def _save_answers(product: Product, market: str, answers: Mapping[str, int]) -> None:
    """Store the new values (three queries at most); a changed value loses its confirmation."""
    existing = {
        a.question: a for a in Answer.objects.filter(product=product, market=market)
    }
    now = timezone.now()
    new: list[Answer] = []
    updated: list[Answer] = []
    for key, value in answers.items():
        answer = existing.get(key)
        if answer is None:
            new.append(
                Answer(product=product, market=market, question=key, value=value)
            )
        elif answer.value != value:
            answer.value = value
            answer.confirmed_at = None
            answer.confirmed_by = None
            answer.updated_at = now  # bulk_update skips auto_now
            updated.append(answer)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(
        updated, ["value", "confirmed_at", "confirmed_by", "updated_at"]
    )


@transaction.atomic
def record_answer(
    *,
    by: User,
    product: Product,
    question: str,
    value: int,
    market: str = "MY",
    note: str = "",
    evidence: UploadedFile | None = None,
    certificate: Certificate | None = None,
) -> Answer:
    """Answer one question for a product, with an evidence document or a linked certificate."""
    _require_product(by, product)
    market = _clean_market(market)
    _clean_answers({question: value})
    if certificate is not None and certificate.msme_id != product.msme_id:
        raise ValidationError(
            {"certificate": _("Choose a certificate of this business.")}
        )
    _save_answers(product, market, {question: value})
    answer = Answer.objects.get(product=product, market=market, question=question)
    answer.note = note[:300]
    fields = ["note", "certificate", "updated_at"]
    answer.certificate = certificate
    if evidence is not None:
        checked = images.check_document(evidence)
        answer.evidence.save(
            f"{product.pk}-{question}{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
        fields.append("evidence")
        answer.confirmed_at = None  # new evidence needs a new look
        answer.confirmed_by = None
        fields += ["confirmed_at", "confirmed_by"]
    answer.save(update_fields=fields)
    audit.record(
        actor=by,
        action="readiness.answer.recorded",
        obj=answer,
        fields=["value", *fields],
        organisation=product.msme.organisation,
    )
    return answer


@transaction.atomic
def confirm_answer(*, by: User, answer: Answer) -> Answer:
    """An officer confirms an answer of 3 or more after looking at its evidence.

    The product is re-assessed in the same transaction, so the confirmation counts at once
    and never stands without the assessment it changes.
    """
    _require(by, "msme.verify")
    if not answer.has_evidence:
        raise ConflictError(
            _("This answer has no evidence to confirm."), field="evidence"
        )
    answer.confirmed_by = by
    answer.confirmed_at = timezone.now()
    answer.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    product = answer.product
    audit.record(
        actor=by,
        action="readiness.answer.confirmed",
        obj=answer,
        fields=["confirmed_at"],
        organisation=product.msme.organisation,
    )
    assess_product(by=by, product=product, market=answer.market, trigger=Trigger.ANSWER)
    return answer


# --- Assessing --------------------------------------------------------------------------------


def _gates_json(result: Result | Outcome) -> list[dict[str, Any]]:
    return [
        {"key": g.key, "passed": g.passed, "requirement_id": g.requirement_id}
        for g in result.gates
    ]


def _result_json(result: Result) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    gates = _gates_json(result)
    dimensions = [
        {
            "key": d.key,
            "weight": d.weight,
            "score": d.score,
            "questions": [q._asdict() for q in d.questions],
        }
        for d in result.dimensions
    ]
    return gates, dimensions


def _same_result(previous: Assessment, result: Outcome) -> bool:
    return (
        float(previous.score) == result.score
        and previous.level == result.level
        and previous.gates == _gates_json(result)
        and sorted(g.key for g in previous.gap_rows.all())
        == sorted(g.key for g in result.gaps)
    )


def _fingerprints(
    rows: Sequence[tuple[Any, ...]], market: str, as_of: dt.date
) -> list[dict[str, str]]:
    cache: dict[tuple[str, bool, bool], dict[str, str]] = {}
    found = []
    for row in rows:
        key = (row[2], row[3], row[4])  # hs, processed, halal
        if key not in cache:
            cache[key] = book.applicable_fingerprints(
                hs_code=row[2],
                market=market,
                processed=row[3],
                halal_claim=row[4],
                as_of=as_of,
            )
        found.append(cache[key])
    return found


def _persist(
    rows: Sequence[tuple[Any, ...]],
    batch: Batch,
    answers: Mapping[int, Mapping[str, Any]],
    *,
    market: str,
    as_of: dt.date,
    trigger: str,
    by: User | None,
    indexes: Sequence[int] | None = None,
    rule_changes: Mapping[int, list[dict[str, str]]] | None = None,
    fingerprints: Sequence[dict[str, str]] | None = None,
) -> list[Assessment]:
    """Save the results of `batch` rows `indexes` as each product's latest assessment."""
    config = batch.config
    version = book.book_version()
    chosen = list(range(len(rows))) if indexes is None else list(indexes)
    product_ids = [rows[i][0] for i in chosen]
    previous = {
        a.product_id: a
        for a in Assessment.objects.filter(
            product_id__in=product_ids, market=market, is_latest=True
        ).only("pk", "product_id")
    }
    progress = {
        (step.assessment.product_id, step.gap_key): step
        for step in ActionStep.objects.filter(
            assessment_id__in=[a.pk for a in previous.values()], is_current=True
        ).select_related("assessment")
    }
    old_ids = [a.pk for a in previous.values()]
    Assessment.objects.filter(pk__in=old_ids).update(is_latest=False)
    Gap.objects.filter(assessment_id__in=old_ids).update(is_latest=False)
    ActionStep.objects.filter(assessment_id__in=old_ids).update(is_current=False)

    created: list[Assessment] = []
    results: list[Result] = []
    for i in chosen:
        result = batch.result(i)
        pk, msme_id = rows[i][0], rows[i][1]
        gates, dimensions = _result_json(result)
        given = answers.get(pk, {})
        created.append(
            Assessment(
                product_id=pk,
                msme_id=msme_id,
                market=market,
                score=Decimal(str(result.score)),
                level=result.level,
                gates=gates,
                dimensions=dimensions,
                answers={
                    key: {
                        "value": a.value,
                        "evidenced": a.evidenced,
                        "confirmed": a.confirmed,
                    }
                    for key, a in given.items()
                },
                as_of=as_of,
                config_version=config.version,
                book_version=version,
                requirement_fingerprints=fingerprints[i] if fingerprints else {},
                trigger=trigger,
                rule_changes=(rule_changes or {}).get(pk, []),
                previous=previous.get(pk),
                created_by=by,
            )
        )
        results.append(result)
    Assessment.objects.bulk_create(created, batch_size=BULK_BATCH)
    products_changed.send(sender=Assessment, product_ids=product_ids)

    agencies: dict[str, str | None] = {}
    gaps: list[Gap] = []
    steps: list[ActionStep] = []
    for assessment, result in zip(created, results, strict=True):
        requirement_of = {gap.key: gap.requirement_id for gap in result.gaps}
        gaps.extend(
            Gap(
                assessment=assessment,
                key=gap.key,
                dimension=gap.dimension,
                severity=gap.severity,
                requirement_id=gap.requirement_id or "",
            )
            for gap in result.gaps
        )
        for step in result.plan:
            template = step.template
            agency = template.agency
            requirement = requirement_of.get(step.gap_key)
            if requirement and not template.keep_agency:
                if requirement not in agencies:
                    agencies[requirement] = book.requirement_agency(requirement)
                agency = agencies[requirement] or agency
            carried = progress.get((assessment.product_id, step.gap_key))
            status = StepStatus.TODO
            if carried is not None:
                status = (
                    StepStatus.IN_PROGRESS
                    if carried.status == StepStatus.DONE
                    else carried.status
                )
            steps.append(
                ActionStep(
                    assessment=assessment,
                    order=step.order,
                    gap_key=step.gap_key,
                    agency=agency[:120],
                    documents=list(template.documents),
                    est_days=template.est_days,
                    est_cost_idr=template.est_cost_idr,
                    confidence=template.confidence,
                    depends_on=list(step.depends_on),
                    status=status,
                    owner=carried.owner if carried else "",
                    due_date=carried.due_date if carried else None,
                    note=carried.note if carried else "",
                )
            )
    Gap.objects.bulk_create(gaps, batch_size=BULK_BATCH)
    ActionStep.objects.bulk_create(steps, batch_size=BULK_BATCH)
    return created


def score_products(
    product_ids: Sequence[int], *, market: str, as_of: dt.date
) -> tuple[list[tuple[Any, ...]], Batch, dict[int, dict[str, Any]]]:
    """Load and score these products in one batch (rows in primary-key order)."""
    rows, certificates, covered = load_rows(product_ids)
    facts = facts_from_rows(rows, certificates, covered, market=market, as_of=as_of)
    answers = load_answers([row[0] for row in rows], market, as_of=as_of)
    batch = score_many(
        facts,
        [answers.get(row[0], {}) for row in rows],
        assessment_config(),
        as_of=as_of,
    )
    return rows, batch, answers


@transaction.atomic
def assess_product(
    *,
    by: User,
    product: Product,
    market: str = "MY",
    answers: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    trigger: str = Trigger.MANUAL,
) -> Assessment:
    """Assess one product for one market, saving any answers given first."""
    _require_product(by, product)
    market = _clean_market(market)
    cleaned = _clean_answers(answers or {})
    _save_answers(product, market, cleaned)
    day = as_of or timezone.localdate()
    rows, batch, given = score_products([product.pk], market=market, as_of=day)
    assessment = _persist(
        rows,
        batch,
        given,
        market=market,
        as_of=day,
        trigger=trigger,
        by=by,
        fingerprints=_fingerprints(rows, market, day),
    )[0]
    audit.record(
        actor=by,
        action="readiness.assessment.created",
        obj=assessment,
        fields=[
            "score",
            "level",
            "gates",
            "dimensions",
            *(f"answers.{k}" for k in cleaned),
        ],
        organisation=product.msme.organisation,
    )
    return assessment


def reassess_products(
    product_ids: Iterable[int],
    *,
    market: str = "MY",
    as_of: dt.date,
    trigger: str = Trigger.RULE_CHANGE,
    chunk: int = 5000,
) -> dict[str, int]:
    """Re-assess many products (rule change): a new assessment only where the result changed.

    Products whose result did not change keep their latest assessment, which records the new
    rules version. Changed ones get a new assessment naming the requirement rules that were
    added, removed or changed since their last one.
    """
    ids = sorted(set(product_ids))
    counts = {"checked": 0, "changed": 0}
    version = book.book_version()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            rows, batch, answers = score_products(part, market=market, as_of=as_of)
            previous = {
                a.product_id: a
                for a in Assessment.objects.filter(
                    product_id__in=part, market=market, is_latest=True
                ).prefetch_related("gap_rows")
            }
            fingerprints = _fingerprints(rows, market, as_of)
            changed: list[int] = []
            changes: dict[int, list[dict[str, str]]] = {}
            unchanged: set[int] = set()
            for i, row in enumerate(rows):
                old = previous.get(row[0])
                if old is not None and _same_result(old, batch.outcome(i)):
                    unchanged.add(old.pk)
                    continue
                changed.append(i)
                changes[row[0]] = book.rule_changes(
                    old.requirement_fingerprints if old else {}, fingerprints[i]
                )
            row_index = {row[0]: i for i, row in enumerate(rows)}
            kept = [a for a in previous.values() if a.pk in unchanged]
            for old in kept:
                old.book_version = version
                old.config_version = batch.config.version
                old.requirement_fingerprints = fingerprints[row_index[old.product_id]]
            Assessment.objects.bulk_update(
                kept,
                ["book_version", "config_version", "requirement_fingerprints"],
                batch_size=BULK_BATCH,
            )
            if changed:
                _persist(
                    rows,
                    batch,
                    answers,
                    market=market,
                    as_of=as_of,
                    trigger=trigger,
                    by=None,
                    indexes=changed,
                    rule_changes=changes,
                    fingerprints=fingerprints,
                )
            counts["checked"] += len(rows)
            counts["changed"] += len(changed)
    if counts["checked"]:
        audit.record(
            actor=None,
            action="readiness.assessments.reassessed",
            fields=["book_version"],
            purpose=f"rules {version}: {counts['changed']} of {counts['checked']} changed",
        )
    return counts


def stale_product_ids(market: str = "MY") -> list[int]:
    """Products last assessed under other requirement rules or another assessment method."""
    current = Q(
        book_version=book.book_version(), config_version=assessment_config().version
    )
    return list(
        Assessment.objects.filter(is_latest=True, market=market)
        .exclude(current)
        .values_list("product_id", flat=True)
    )


# --- Plan steps -------------------------------------------------------------------------------


STEP_FIELDS = ("status", "owner", "due_date", "note")


@transaction.atomic
def update_step(
    *, by: User, step: ActionStep, changes: Mapping[str, Any]
) -> ActionStep:
    """Record progress on a plan step; a step marked done re-assesses the product."""
    product = step.assessment.product
    if not (
        has_permission(by, "cohort.coach") or has_permission(by, "msme.manage_own")
    ):
        raise PermissionDenied(_("Your role may not do this."))
    _require_product(by, product)
    if not step.is_current:
        raise ConflictError(_("This plan has been replaced by a newer assessment."))
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed.") for name in unknown}
        )
    status = changes.get("status", step.status)
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    for name, value in changes.items():
        setattr(step, name, value)
    step.note = (step.note or "")[:300]
    step.owner = (step.owner or "")[:150]
    done_now = status == StepStatus.DONE and step.completed_at is None
    if done_now:
        step.completed_at = timezone.now()
    step.full_clean(exclude=["assessment", "documents", "depends_on"])
    step.save()
    audit.record(
        actor=by,
        action="readiness.step.updated",
        obj=step,
        fields=sorted(changes),
        organisation=product.msme.organisation,
    )
    if done_now:
        assess_product(
            by=by,
            product=product,
            market=step.assessment.market,
            trigger=Trigger.STEP_DONE,
        )
    return step


# --- Cohorts ----------------------------------------------------------------------------------


def _office(by: User) -> Any:
    organisation = by.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no office."))
    return organisation


@transaction.atomic
def create_cohort(
    *,
    by: User,
    name: str,
    tier: str,
    starts_on: dt.date,
    msme_ids: Iterable[int] = (),
) -> Cohort:
    """Open a coaching cohort of the officer's office, with its first members."""
    _require(by, "cohort.coach")
    if tier not in Cohort.Tier.values:
        raise ValidationError({"tier": _("Choose a class.")})
    if not name.strip():
        raise ValidationError({"name": _("This field is required.")})
    cohort = Cohort.objects.create(
        organisation=_office(by),
        name=name.strip()[:150],
        tier=tier,
        starts_on=starts_on,
        created_by=by,
    )
    set_members(by=by, cohort=cohort, msme_ids=msme_ids)
    audit.record(
        actor=by, action="readiness.cohort.created", obj=cohort, fields=["name", "tier"]
    )
    return cohort


@transaction.atomic
def set_members(*, by: User, cohort: Cohort, msme_ids: Iterable[int]) -> Cohort:
    """Make these MSMEs (any the officer may see) the cohort's members."""
    _require(by, "cohort.coach")
    wanted = set(msme_ids)
    found = list(MSME.objects.visible_to(by).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"members": _("Choose MSMEs of the registry.")})
    cohort.members.set(found)
    audit.record(
        actor=by, action="readiness.cohort.members", obj=cohort, fields=["members"]
    )
    return cohort


@transaction.atomic
def record_session(
    *,
    by: User,
    cohort: Cohort,
    held_on: dt.date,
    topic: str,
    attendee_ids: Iterable[int] = (),
) -> CohortSession:
    """Record a coaching session and who of the cohort attended."""
    _require(by, "cohort.coach")
    if not topic.strip():
        raise ValidationError({"topic": _("This field is required.")})
    wanted = set(attendee_ids)
    members = list(cohort.members.filter(pk__in=wanted))
    if len(members) != len(wanted):
        raise ValidationError(
            {"attendees": _("Only members of the cohort can attend.")}
        )
    session = CohortSession.objects.create(
        cohort=cohort, held_on=held_on, topic=topic.strip()[:200]
    )
    session.attendees.set(members)
    audit.record(
        actor=by,
        action="readiness.cohort.session",
        obj=session,
        fields=["held_on", "topic", "attendees"],
    )
    return session
