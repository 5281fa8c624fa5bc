"""The Readiness section of API.md: assessments and their history (paths spelled out).

Mounted at the API root. `POST /readiness/assessments` assesses one product of one MSME for
one market through `actions.assess_product`; the product is looked up with visible_to, so
another organisation's product answers 404. Answers outside 0–4 or unknown questions → 422
naming `answers.<question>`. Titles come in the request's language.
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from serumpun.core.access import get_visible_or_404
from serumpun.core.api_actions import call_action
from serumpun.core.pagination import LimitOffset
from serumpun.exporters.models import MSME, Product
from serumpun.readiness import actions
from serumpun.readiness.config import document_title, question_title
from serumpun.readiness.models import Assessment

router = Router(tags=["readiness"])

MAX_ID = 2**63 - 1
MAX_ANSWERS = 60
IdPath = Path(..., ge=1, le=MAX_ID)

Level = Literal["beginner", "intermediate", "ready"]
Severity = Literal["gate", "high", "medium", "low"]
DimensionKey = Literal[
    "standards",
    "partner",
    "capacity",
    "quality",
    "packaging",
    "mechanics",
    "commitment",
]


class AssessmentIn(Schema):
    """Body of POST /readiness/assessments."""

    product_id: int = Field(..., ge=1, le=MAX_ID)
    market: Literal["MY"] = "MY"
    answers: dict[str, int] = Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description=(
            "Self-assessment: question key (e.g. 'quality.specification') → 0–4 "
            "(none, planned, in progress, done, done and maintained)."
        ),
    )


class GateOut(Schema):
    id: str
    title: str
    passed: bool
    requirement_id: str | None = None


class EvidenceOut(Schema):
    question: str
    title: str
    answer: int | None
    counted: int
    basis: str = Field(description="registry | confirmed | unconfirmed | self | none")
    detail: str


class DimensionOut(Schema):
    key: DimensionKey
    title: str
    score: float
    weight: float
    evidence: list[EvidenceOut]


class GapOut(Schema):
    id: str
    dimension: str
    title: str
    severity: Severity
    requirement_id: str | None = None


class StepOut(Schema):
    order: int
    step_id: int
    gap_id: str
    title: str
    agency: str
    documents: list[str]
    est_days: int | None = None
    est_cost_idr: int | None = None
    confidence: str
    depends_on: list[int]
    status: Literal["todo", "in_progress", "done"]
    owner: str
    due_date: dt.date | None = None


class RuleChangeOut(Schema):
    rule_id: str
    change: Literal["added", "removed", "changed"]


class AssessmentOut(Schema):
    """One assessment of one product for one market."""

    id: int
    product_id: int
    msme_id: int
    market: str
    score: float = Field(ge=0, le=100)
    level: Level
    gates: list[GateOut]
    dimensions: list[DimensionOut]
    gaps: list[GapOut]
    action_plan: list[StepOut]
    as_of: dt.date
    created_at: dt.datetime
    trigger: str
    rules_version: str
    rule_changes: list[RuleChangeOut]


def assessment_payload(assessment: Assessment, language: str) -> dict[str, Any]:
    """The API's (and the report's) view of an assessment, titles in `language`."""
    return {
        "id": assessment.pk,
        "product_id": assessment.product_id,
        "msme_id": assessment.msme_id,
        "market": assessment.market,
        "score": float(assessment.score),
        "level": assessment.level,
        "gates": [
            {
                "id": gate["key"],
                "title": question_title(f"gate.{gate['key']}", language),
                "passed": gate["passed"],
                "requirement_id": gate.get("requirement_id"),
            }
            for gate in assessment.gates
        ],
        "dimensions": [
            {
                "key": d["key"],
                "title": question_title(d["key"], language),
                "score": d["score"],
                "weight": d["weight"],
                "evidence": [
                    {
                        "question": q["key"],
                        "title": question_title(q["key"], language),
                        "answer": q["answer"],
                        "counted": q["counted"],
                        "basis": q["basis"],
                        "detail": q.get("detail", ""),
                    }
                    for q in d["questions"]
                ],
            }
            for d in assessment.dimensions
        ],
        "gaps": [
            {
                "id": gap.key,
                "dimension": gap.dimension,
                "title": question_title(gap.key, language),
                "severity": gap.severity,
                "requirement_id": gap.requirement_id or None,
            }
            for gap in assessment.gap_rows.all()
        ],
        "action_plan": [
            {
                "order": step.order,
                "step_id": step.pk,
                "gap_id": step.gap_key,
                "title": question_title(step.gap_key, language),
                "agency": step.agency,
                "documents": [document_title(d, language) for d in step.documents],
                "est_days": step.est_days,
                "est_cost_idr": step.est_cost_idr,
                "confidence": step.confidence,
                "depends_on": step.depends_on,
                "status": step.status,
                "owner": step.owner,
                "due_date": step.due_date,
            }
            for step in assessment.steps.all()
        ],
        "as_of": assessment.as_of,
        "created_at": assessment.created_at,
        "trigger": assessment.trigger,
        "rules_version": assessment.book_version,
        "rule_changes": assessment.rule_changes,
    }


def _with_rows(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.prefetch_related("gap_rows", "steps")


@router.post("/readiness/assessments", response={201: AssessmentOut})
def create_assessment(
    request: HttpRequest, payload: AssessmentIn
) -> tuple[int, dict[str, Any]]:
    """Assess one product of one MSME for one market (answers are saved first)."""
    product = get_visible_or_404(
        Product.objects.select_related("msme"), request.user, pk=payload.product_id
    )
    created = call_action(
        actions.assess_product,
        by=request.user,
        product=product,
        market=payload.market,
        answers=payload.answers,
    )
    assessment = _with_rows(Assessment.objects.filter(pk=created.pk)).get()
    return 201, assessment_payload(assessment, get_language() or "id")


@router.get("/readiness/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: HttpRequest, assessment_id: int = IdPath) -> dict[str, Any]:
    """One assessment (another organisation's → 404)."""
    assessment = get_visible_or_404(
        _with_rows(Assessment.objects.all()), request.user, pk=assessment_id
    )
    return assessment_payload(assessment, get_language() or "id")


class HistoryFilters(Schema):
    product_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/msmes/{msme_id}/assessments", response=list[AssessmentOut])
@paginate(LimitOffset)
def list_assessments(
    request: HttpRequest, filters: Query[HistoryFilters], msme_id: int = IdPath
) -> Any:
    """An MSME's assessments, newest first (the history)."""
    msme = get_visible_or_404(MSME.objects.all(), request.user, pk=msme_id)
    # Assessments are private even where an MSME's profile is shown more widely.
    rows = _with_rows(Assessment.objects.visible_to(request.user).filter(msme=msme))
    if filters.product_id:
        rows = rows.filter(product_id=filters.product_id)
    return _Page(rows.order_by("-created_at", "-id"), get_language() or "id")


class _Page:
    """A lazily sliced list of payloads: pagination slices, then payloads are built."""

    def __init__(self, queryset: QuerySet[Assessment], language: str) -> None:
        self.queryset = queryset
        self.language = language

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [assessment_payload(a, self.language) for a in self.queryset[item]]
