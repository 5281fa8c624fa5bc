"""Export-readiness scoring: facts and answers in, score, level, gates, gaps and plan out.

Pure: no Django, no database, no clock (`as_of` is passed in). One implementation serves one
product and a hundred thousand: `score_many` works on numpy matrices (products × questions),
and `assess` is `score_many` of one. The method is research/trade.md §3a:

- each question scores 0–4; an answer of 3 or more counts only with evidence *and* an
  officer's confirmation, otherwise it counts as `unconfirmed_cap`;
- registry facts answer questions by themselves (a valid certificate, monthly capacity
  against the commodity's typical order, label languages, the NIB);
- dimension score = mean ÷ answer_max × 100 over the questions that apply to the product;
  overall = weighted mean over the dimensions that have a question;
- gates (NIB, food registration, halal certificate, importer able to hold the permit) cap the
  level whatever the score; `ready` needs every gate passed;
- one gap per failed gate and per question below `gap_below`; the plan takes gates first, then
  the weakest dimensions, and puts every step after the steps it depends on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "ready")
SEVERITIES: tuple[str, ...] = ("gate", "high", "medium", "low")

#: what a question or gate may be limited to (`applies:` in the config)
APPLIES: tuple[str, ...] = (
    "processed",
    "halal_claim",
    "fish",
    "food",
    "permit_controlled",
)
#: registry evidence a question may take (`registry:` in the config)
REGISTRY_KINDS: tuple[str, ...] = (
    "certificate",
    "capacity",
    "label_languages",
    "msme_languages",
    "nib",
)
#: HS chapters 01–24 are food, drink and farm produce (HS 2022 sections I–IV)
FOOD_CHAPTER_MAX = 24
NIB_DIGITS = 13

Translations = Mapping[str, str]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def title_in(title: Translations, language: str) -> str:
    """A config title in `language`, falling back to Indonesian, then English."""
    return title.get(language) or title.get("id") or title.get("en") or ""


# --- Configuration (data/readiness/assessment.yaml) ------------------------------------------


@dataclass(frozen=True)
class Question:
    """One self-assessment question of a dimension."""

    key: str  # "<dimension>.<question>"
    dimension: str
    title: Translations
    applies: str | None = None
    registry: Mapping[str, Any] = field(default_factory=dict)
    gate: str | None = None  # a failed gate of this key stands for this question's gap
    requirement_id: str | None = None  # the requirement rule this question checks


@dataclass(frozen=True)
class Dimension:
    """One of the seven dimensions of research/trade.md §3b."""

    key: str
    weight: float
    title: Translations
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Gate:
    """A pass/fail condition that caps the level whatever the score."""

    key: str
    check: str
    title: Translations
    source: str
    applies: str | None = None
    requirement_id: str | None = None


@dataclass(frozen=True)
class StepTemplate:
    """How to close one gap: who helps, what to bring, how long, how much, after what."""

    agency: str
    documents: tuple[str, ...] = ()
    est_days: int | None = None
    est_cost_idr: int | None = None
    depends_on: tuple[str, ...] = ()
    confidence: str = "low"
    source: str = ""
    keep_agency: bool = False  # show this agency even where a requirement names another


@dataclass(frozen=True)
class Config:
    """The whole assessment method, read from data (see config.py)."""

    version: str
    answer_max: int
    evidence_min_answer: int
    unconfirmed_cap: int
    gap_below: int
    intermediate_from: float
    ready_from: float
    gate_cap: str
    default_order_kg: float
    typical_orders: tuple[
        tuple[str, float], ...
    ]  # (hs prefix, kg/month), longest first
    capacity_scores: tuple[
        tuple[float, int], ...
    ]  # (ratio, score), highest ratio first
    fish_hs_prefixes: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    gates: tuple[Gate, ...]
    steps: Mapping[str, StepTemplate]
    default_step: StepTemplate

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, dimension by dimension."""
        return tuple(q for d in self.dimensions for q in d.questions)

    def typical_order_kg(self, hs_code: str) -> float:
        """The typical first order for this HS code (longest matching prefix)."""
        for prefix, kg in self.typical_orders:
            if hs_code.startswith(prefix):
                return kg
        return self.default_order_kg

    def step_for(self, gap_key: str) -> StepTemplate:
        """The plan-step template of a gap (the default when none is listed)."""
        return self.steps.get(gap_key, self.default_step)


# --- Inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    """A certificate as scoring sees it: kind, expiry, officer-verified, covers this product."""

    kind: str
    valid_until: dt.date
    verified: bool
    covers_product: bool = True
    number: str = ""


@dataclass(frozen=True)
class ProductFacts:
    """What the registry knows about one product and its MSME."""

    hs_code: str
    processed: bool
    halal_claim: bool
    monthly_capacity_kg: float
    label_languages: frozenset[str]
    nib: str
    msme_languages: frozenset[str] = frozenset()
    permit_requirement_ids: tuple[str, ...] = ()
    certificates: tuple[CertificateFacts, ...] = ()


@dataclass(frozen=True)
class AnswerFacts:
    """One self-assessment answer: 0–4, with or without evidence and officer confirmation."""

    value: int
    evidenced: bool = False
    confirmed: bool = False


# --- Outputs ---------------------------------------------------------------------------------


class QuestionResult(NamedTuple):
    """How one question counted, and why (the evidence shown next to the score)."""

    key: str
    answer: int | None
    counted: int
    basis: str  # registry | confirmed | unconfirmed | self | none
    detail: str = ""


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's score 0–100 and weight, with the questions behind it."""

    key: str
    weight: float
    score: float
    questions: tuple[QuestionResult, ...]


class GateResult(NamedTuple):
    """Whether one applicable gate passed."""

    key: str
    passed: bool
    requirement_id: str | None = None


class Gap(NamedTuple):
    """Something between the product and export: a failed gate or a weak question."""

    key: str  # "gate.<gate>" or "<dimension>.<question>"
    dimension: str
    severity: str
    requirement_id: str | None = None


class PlanStep(NamedTuple):
    """One step of the action plan, closing one gap."""

    order: int
    gap_key: str
    template: StepTemplate
    depends_on: tuple[int, ...]  # orders of earlier steps


@dataclass(frozen=True)
class Result:
    """The assessment of one product for one market."""

    score: float
    level: str
    gates: tuple[GateResult, ...]
    dimensions: tuple[DimensionResult, ...]
    gaps: tuple[Gap, ...]
    plan: tuple[PlanStep, ...]

    @property
    def gates_passed(self) -> bool:
        """True when every applicable gate passed."""
        return all(gate.passed for gate in self.gates)


class Outcome(NamedTuple):
    """What re-assessment compares and plans by: score, level, gates, gaps and plan.

    The per-question evidence of `Result.dimensions` is left out; `Batch.result` adds it
    for the products whose assessment is written.
    """

    score: float
    level: str
    gates: tuple[GateResult, ...]
    gaps: tuple[Gap, ...]
    plan: tuple[PlanStep, ...]


# --- The batch engine ------------------------------------------------------------------------


def _applies(
    rows: Sequence[ProductFacts], config: Config
) -> dict[str | None, BoolArray]:
    n = len(rows)
    processed = np.fromiter((p.processed for p in rows), bool, n)
    halal = np.fromiter((p.halal_claim for p in rows), bool, n)
    fish = np.fromiter(
        (p.hs_code.startswith(config.fish_hs_prefixes) for p in rows), bool, n
    )
    food = np.fromiter(
        (
            p.hs_code[:2].isdigit() and int(p.hs_code[:2]) <= FOOD_CHAPTER_MAX
            for p in rows
        ),
        bool,
        n,
    )
    permit = np.fromiter((bool(p.permit_requirement_ids) for p in rows), bool, n)
    return {
        None: np.ones(n, bool),
        "processed": processed,
        "halal_claim": halal,
        "fish": fish,
        "food": food,
        "permit_controlled": permit,
    }


def _certificates(
    rows: Sequence[ProductFacts], kinds: Sequence[str], as_of: dt.date
) -> tuple[BoolArray, BoolArray]:
    """(valid, valid and verified) per product × kind; an expired certificate is absent."""
    index = {kind: i for i, kind in enumerate(kinds)}
    valid = np.zeros((len(rows), len(kinds)), bool)
    verified = np.zeros((len(rows), len(kinds)), bool)
    for row, facts in enumerate(rows):
        for cert in facts.certificates:
            column = index.get(cert.kind)
            if column is None or not cert.covers_product or cert.valid_until < as_of:
                continue
            valid[row, column] = True
            if cert.verified:
                verified[row, column] = True
    return valid, verified


def _nib_valid(rows: Sequence[ProductFacts]) -> BoolArray:
    return np.fromiter(
        (len(p.nib) == NIB_DIGITS and p.nib.isdigit() for p in rows), bool, len(rows)
    )


def _capacity_scores(rows: Sequence[ProductFacts], config: Config) -> FloatArray:
    n = len(rows)
    capacity = np.fromiter((p.monthly_capacity_kg for p in rows), float, n)
    typical = np.fromiter((config.typical_order_kg(p.hs_code) for p in rows), float, n)
    ratio = np.divide(capacity, typical, out=np.zeros(n), where=typical > 0)
    scores = np.zeros(n)
    for bound, score in reversed(config.capacity_scores):
        scores = np.where(ratio >= bound, float(score), scores)
    return scores


def _languages(
    rows: Sequence[ProductFacts], wanted: Sequence[str], attr: str
) -> BoolArray:
    wanted_set = frozenset(wanted)
    return np.fromiter(
        (bool(getattr(p, attr) & wanted_set) for p in rows), bool, len(rows)
    )


@dataclass(frozen=True)
class Batch:
    """Scores of many products at once; `result(i)` gives one product's full Result."""

    config: Config
    questions: tuple[Question, ...]
    applicable: BoolArray  # n × Q
    answers: npt.NDArray[np.int16]  # n × Q, -1 = no answer
    answer_counted: FloatArray  # n × Q
    answer_basis: npt.NDArray[
        np.int8
    ]  # n × Q: 0 none, 1 self, 2 unconfirmed, 3 confirmed
    registry: FloatArray  # n × Q, -1 = no registry evidence
    counted: FloatArray  # n × Q
    dimension_scores: FloatArray  # n × D
    dimension_present: BoolArray  # n × D
    scores: FloatArray  # n
    gate_applies: BoolArray  # n × G
    gate_passed: BoolArray  # n × G
    levels: npt.NDArray[np.int8]  # n, index into LEVELS
    permit_requirement: tuple[str | None, ...]
    registry_detail: tuple[dict[int, str], ...]
    signature: npt.NDArray[
        np.int16
    ]  # n × k: everything a Result depends on but details
    gap_signature: npt.NDArray[np.int8]  # n × k: gates, gap severities, dimension order
    _memo: dict[tuple[bytes, str | None], Result] = field(default_factory=dict)
    _outcomes: dict[tuple[bytes, str | None], tuple[Any, ...]] = field(
        default_factory=dict
    )
    _gaps: dict[Any, Any] = field(default_factory=dict)  # interned Gap rows

    def result(self, i: int) -> Result:
        """The full result of product `i`, registry evidence (certificate numbers…) included."""
        summary = self.summary(i)
        details = self.registry_detail[i]
        if not details:
            return summary
        index = {q.key: n for n, q in enumerate(self.questions)}
        dimensions = tuple(
            DimensionResult(
                d.key,
                d.weight,
                d.score,
                tuple(
                    r._replace(detail=details.get(index[r.key], ""))
                    if r.basis == "registry"
                    else r
                    for r in d.questions
                ),
            )
            for d in summary.dimensions
        )
        return Result(
            summary.score,
            summary.level,
            summary.gates,
            dimensions,
            summary.gaps,
            summary.plan,
        )

    def outcome(self, i: int) -> Outcome:
        """Product `i`'s score, level, gates, gaps and plan (memoised per gap pattern)."""
        key = (self.gap_signature[i].tobytes(), self.permit_requirement[i])
        cached = self._outcomes.get(key)
        if cached is None:
            cached = self._gates_gaps_plan(i)
            self._outcomes[key] = cached
        return Outcome(
            round(float(self.scores[i]), 1), LEVELS[int(self.levels[i])], *cached
        )

    def _gates_gaps_plan(self, i: int) -> tuple[Any, ...]:
        """Gates, gaps and plan read straight off the gap signature (no evidence)."""
        config = self.config
        n_gates = len(config.gates)
        n_questions = len(self.questions)
        row = self.gap_signature[i].tolist()
        applies = row[:n_gates]
        passed = row[n_gates : 2 * n_gates]
        severity = row[2 * n_gates : 2 * n_gates + n_questions]
        order = row[2 * n_gates + n_questions :]
        gates = tuple(
            GateResult(
                gate.key,
                bool(passed[g]),
                self.permit_requirement[i]
                if gate.check == "importer_permit"
                else gate.requirement_id,
            )
            for g, gate in enumerate(config.gates)
            if applies[g]
        )
        interned = self._gaps
        if not interned:
            interned["columns"] = _dimension_columns(config)
            for q, question in enumerate(self.questions):
                for code in (1, 2, 3):
                    interned[(q, code)] = Gap(
                        question.key,
                        question.dimension,
                        _SEVERITY[code],
                        question.requirement_id,
                    )
        gaps = [
            Gap(
                f"gate.{gate.key}",
                _gate_dimension(gate.key, config),
                "gate",
                gate.requirement_id,
            )
            for gate in gates
            if not gate.passed
        ]
        columns = interned["columns"]
        for d in order:
            if d < 0:
                break
            gaps.extend(interned[(q, severity[q])] for q in columns[d] if severity[q])
        found = tuple(gaps)
        return gates, found, plan_steps(tuple(gap.key for gap in found), config)

    def summary(self, i: int) -> Result:
        """Product `i`'s result without registry details, memoised per pattern of facts.

        Products with the same applicable questions, counted scores, answers and gates share
        one Result object: at province scale most products fall into a few thousand patterns.
        """
        key = (self.signature[i].tobytes(), self.permit_requirement[i])
        cached = self._memo.get(key)
        if cached is None:
            cached = self._build(i)
            self._memo[key] = cached
        return cached

    def _build(self, i: int) -> Result:
        config = self.config
        applicable = self.applicable[i].tolist()
        counted = self.counted[i].tolist()
        answers = self.answers[i].tolist()
        answer_counted = self.answer_counted[i].tolist()
        basis = self.answer_basis[i].tolist()
        registry = self.registry[i].tolist()
        dimension_scores = self.dimension_scores[i].tolist()
        present = self.dimension_present[i].tolist()
        gate_applies = self.gate_applies[i].tolist()
        gate_passed = self.gate_passed[i].tolist()
        gates = tuple(
            GateResult(
                gate.key,
                gate_passed[g],
                self.permit_requirement[i]
                if gate.check == "importer_permit"
                else gate.requirement_id,
            )
            for g, gate in enumerate(config.gates)
            if gate_applies[g]
        )
        failed_gates = {gate.key for gate in gates if not gate.passed}
        dimensions = []
        q = 0
        weak: list[tuple[float, int, int, Gap]] = []
        for d, dimension in enumerate(config.dimensions):
            results = []
            for qi, question in enumerate(dimension.questions):
                if applicable[q]:
                    answer = answers[q]
                    if registry[q] >= 0 and registry[q] >= answer_counted[q]:
                        why = "registry"
                    else:
                        why = _BASIS[basis[q]]
                    results.append(
                        QuestionResult(
                            question.key,
                            answer if answer >= 0 else None,
                            int(counted[q]),
                            why,
                        )
                    )
                    if (
                        counted[q] < config.gap_below
                        and question.gate not in failed_gates
                    ):
                        severity = _severity(int(counted[q]), answer, config)
                        weak.append(
                            (
                                dimension_scores[d],
                                d,
                                qi,
                                Gap(
                                    question.key,
                                    dimension.key,
                                    severity,
                                    question.requirement_id,
                                ),
                            )
                        )
                q += 1
            if present[d]:
                dimensions.append(
                    DimensionResult(
                        dimension.key,
                        dimension.weight,
                        round(dimension_scores[d], 1),
                        tuple(results),
                    )
                )
        gate_gaps = [
            Gap(
                f"gate.{gate.key}",
                _gate_dimension(gate.key, config),
                "gate",
                gate.requirement_id,
            )
            for gate in gates
            if not gate.passed
        ]
        weak.sort(key=lambda item: item[:3])
        gaps = (*gate_gaps, *(item[3] for item in weak))
        return Result(
            score=round(float(self.scores[i]), 1),
            level=LEVELS[int(self.levels[i])],
            gates=gates,
            dimensions=tuple(dimensions),
            gaps=gaps,
            plan=plan_steps(tuple(gap.key for gap in gaps), config),
        )


_BASIS = ("none", "self", "unconfirmed", "confirmed")
_SEVERITY = ("", "high", "medium", "low")


def _dimension_columns(config: Config) -> tuple[tuple[int, ...], ...]:
    """Question columns of each dimension, in the order of the config."""
    columns = []
    start = 0
    for dimension in config.dimensions:
        columns.append(tuple(range(start, start + len(dimension.questions))))
        start += len(dimension.questions)
    return tuple(columns)


def _gate_dimension(gate_key: str, config: Config) -> str:
    for question in config.questions:
        if question.gate == gate_key:
            return question.dimension
    return "mechanics" if gate_key == "nib" else "standards"


def _severity(counted: int, answer: int, config: Config) -> str:
    if answer >= config.evidence_min_answer:
        return (
            "low"  # done, by the owner's word: only evidence or confirmation is missing
        )
    if counted <= 1:
        return "high"
    return "medium"


def score_many(  # noqa: PLR0912, PLR0915  (one vectorised pass over shared matrices)
    rows: Sequence[ProductFacts],
    answers: Sequence[Mapping[str, AnswerFacts]],
    config: Config,
    *,
    as_of: dt.date,
) -> Batch:
    """Score every product at once (matrices products × questions)."""
    n = len(rows)
    questions = config.questions
    qindex = {question.key: i for i, question in enumerate(questions)}
    applies = _applies(rows, config)
    applicable = (
        np.column_stack([applies[question.applies] for question in questions])
        if n
        else np.zeros((0, len(questions)), bool)
    )

    cert_kinds = sorted(
        {k for q in questions for k in q.registry.get("certificate", ())}
        | {"pirt", "bpom_md", "halal"}
    )
    kind_index = {kind: i for i, kind in enumerate(cert_kinds)}
    valid, verified = _certificates(rows, cert_kinds, as_of)
    nib_valid = _nib_valid(rows)

    registry = np.full((n, len(questions)), -1.0)
    details: list[dict[int, str]] = [{} for _ in range(n)]
    for q, question in enumerate(questions):
        reg = question.registry
        if "certificate" in reg:
            columns = [kind_index[k] for k in reg["certificate"]]
            any_valid = valid[:, columns].any(axis=1)
            any_verified = verified[:, columns].any(axis=1)
            registry[:, q] = np.where(
                any_verified,
                float(config.answer_max),
                np.where(any_valid, float(config.unconfirmed_cap), -1.0),
            )
            wanted = set(reg["certificate"])
            for row in np.flatnonzero(any_valid).tolist():
                details[row][q] = ", ".join(
                    f"{c.kind} {c.number}".strip()
                    for c in rows[row].certificates
                    if c.kind in wanted and c.covers_product and c.valid_until >= as_of
                )
        elif reg.get("capacity"):
            registry[:, q] = _capacity_scores(rows, config)
            for row in range(n):
                details[row][q] = (
                    f"{rows[row].monthly_capacity_kg:g} kg / "
                    f"{config.typical_order_kg(rows[row].hs_code):g} kg"
                )
        elif "label_languages" in reg or "msme_languages" in reg:
            attr = "label_languages" if "label_languages" in reg else "msme_languages"
            has = _languages(rows, reg[attr], attr)
            registry[:, q] = np.where(has, float(config.evidence_min_answer), -1.0)
            for row in np.flatnonzero(has).tolist():
                details[row][q] = ", ".join(sorted(getattr(rows[row], attr)))
        elif reg.get("nib"):
            registry[:, q] = np.where(
                nib_valid, float(config.evidence_min_answer), -1.0
            )
            for row in np.flatnonzero(nib_valid).tolist():
                details[row][q] = f"NIB {rows[row].nib}"

    answer_values = np.full((n, len(questions)), -1, np.int16)
    answer_counted = np.zeros((n, len(questions)))
    answer_basis = np.zeros((n, len(questions)), np.int8)
    for row, given in enumerate(answers):
        for key, answer in given.items():
            column = qindex.get(key)
            if column is None:
                continue  # a question the config no longer asks
            q = column
            value = int(answer.value)
            answer_values[row, q] = value
            if value < config.evidence_min_answer:
                answer_counted[row, q], answer_basis[row, q] = value, 1
            elif answer.evidenced and answer.confirmed:
                answer_counted[row, q], answer_basis[row, q] = value, 3
            else:
                answer_counted[row, q] = min(value, config.unconfirmed_cap)
                answer_basis[row, q] = 2

    counted = np.where(applicable, np.maximum(answer_counted, registry), 0.0)
    counted = np.maximum(counted, 0.0)

    dims = config.dimensions
    dimension_scores = np.zeros((n, len(dims)))
    dimension_present = np.zeros((n, len(dims)), bool)
    start = 0
    for d, dimension in enumerate(dims):
        stop = start + len(dimension.questions)
        mask = applicable[:, start:stop]
        count = mask.sum(axis=1)
        total = (counted[:, start:stop] * mask).sum(axis=1)
        dimension_present[:, d] = count > 0
        dimension_scores[:, d] = (
            np.divide(
                total, count * config.answer_max, out=np.zeros(n), where=count > 0
            )
            * 100.0
        )
        start = stop
    weights = np.array([dimension.weight for dimension in dims])
    weight_used = dimension_present * weights
    weight_sum = weight_used.sum(axis=1)
    scores = np.divide(
        (dimension_scores * weight_used).sum(axis=1),
        weight_sum,
        out=np.zeros(n),
        where=weight_sum > 0,
    )
    scores = np.round(scores, 1)

    gate_checks: dict[str, Callable[[], Any]] = {
        "nib": lambda: nib_valid,
        "food_registration": lambda: valid[
            :, [kind_index["pirt"], kind_index["bpom_md"]]
        ].any(axis=1),
        "halal_certificate": lambda: valid[:, kind_index["halal"]],
        "importer_permit": lambda: (
            (
                counted[:, qindex["partner.importer_permit"]]
                >= config.evidence_min_answer
            )
            if "partner.importer_permit" in qindex
            else np.zeros(n, bool)
        ),
    }
    gates = config.gates
    gate_applies = np.zeros((n, len(gates)), bool)
    gate_passed = np.ones((n, len(gates)), bool)
    for g, gate in enumerate(gates):
        gate_applies[:, g] = applies[gate.applies]
        gate_passed[:, g] = gate_checks[gate.check]() | ~gate_applies[:, g]
    all_passed: BoolArray = np.asarray(gate_passed.all(axis=1), dtype=bool)

    levels = levels_for(scores, all_passed, config)

    permit_requirement = tuple(
        p.permit_requirement_ids[0] if p.permit_requirement_ids else None for p in rows
    )
    from_registry = (registry >= 0) & (registry >= answer_counted)
    signature = np.concatenate(
        [
            applicable,
            counted,
            answer_values,
            answer_basis,
            from_registry,
            gate_applies,
            gate_passed,
            levels[:, None],
            np.round(scores * 10)[:, None],
        ],
        axis=1,
        dtype=np.int16,
        casting="unsafe",
    )
    # What gaps and plan depend on: applicable gates and their verdicts, each question's gap
    # severity (0 none, 1 high, 2 medium, 3 low) and the order of the dimensions that have gaps.
    failed = gate_applies & ~gate_passed
    gate_of = {gate.key: g for g, gate in enumerate(gates)}
    covered = np.zeros((n, len(questions)), bool)
    for q, question in enumerate(questions):
        if question.gate in gate_of:
            covered[:, q] = failed[:, gate_of[question.gate]]
    is_gap = applicable & (counted < config.gap_below) & ~covered
    severity = np.where(
        answer_values >= config.evidence_min_answer,
        3,
        np.where(counted <= 1, 1, 2),
    )
    severity = np.where(is_gap, severity, 0).astype(np.int8)
    dim_of = np.array([d for d, dim in enumerate(dims) for _ in dim.questions])
    has_gap = np.zeros((n, len(dims)), bool)
    for d in range(len(dims)):
        has_gap[:, d] = is_gap[:, dim_of == d].any(axis=1)
    order = np.argsort(
        np.where(has_gap, dimension_scores, np.inf), axis=1, kind="stable"
    )
    order = np.where(np.take_along_axis(has_gap, order, axis=1), order, -1)
    gap_signature = np.concatenate(
        [gate_applies, gate_passed, severity, order],
        axis=1,
        dtype=np.int8,
        casting="unsafe",
    )
    return Batch(
        config=config,
        questions=questions,
        applicable=applicable,
        answers=answer_values,
        answer_counted=answer_counted,
        answer_basis=answer_basis,
        registry=registry,
        counted=counted,
        dimension_scores=dimension_scores,
        dimension_present=dimension_present,
        scores=scores,
        gate_applies=gate_applies,
        gate_passed=gate_passed,
        levels=levels,
        permit_requirement=permit_requirement,
        registry_detail=tuple(details),
        signature=signature,
        gap_signature=gap_signature,
    )


def levels_for(
    scores: FloatArray, all_passed: BoolArray, config: Config
) -> npt.NDArray[np.int8]:
    """Level index per product: by score, capped at `gate_cap` where a gate failed."""
    levels = np.where(
        scores >= config.ready_from,
        2,
        np.where(scores >= config.intermediate_from, 1, 0),
    ).astype(np.int8)
    cap = np.int8(LEVELS.index(config.gate_cap))
    return np.where(all_passed, levels, np.minimum(levels, cap)).astype(np.int8)


def assess(
    facts: ProductFacts,
    answers: Mapping[str, AnswerFacts],
    config: Config,
    *,
    as_of: dt.date,
) -> Result:
    """Assess one product (a batch of one)."""
    return score_many([facts], [answers], config, as_of=as_of).result(0)


_PLAN_CACHE: dict[tuple[str, tuple[str, ...]], tuple[PlanStep, ...]] = {}
_PLAN_CACHE_MAX = 50_000


def plan_steps(gap_keys: tuple[str, ...], config: Config) -> tuple[PlanStep, ...]:
    """The ordered plan for these gaps: their order, with each step after its dependencies.

    Memoised per (config version, gaps): many products share one pattern of gaps.
    """
    cache_key = (config.version, gap_keys)
    cached = _PLAN_CACHE.get(cache_key)
    if cached is not None:
        return cached
    present = set(gap_keys)
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(key: str, path: frozenset[str]) -> None:
        if key in seen or key in path:
            return  # done already, or a dependency cycle in the data (the check refuses those)
        for dependency in config.step_for(key).depends_on:
            if dependency in present:
                visit(dependency, path | {key})
        seen.add(key)
        ordered.append(key)

    for key in gap_keys:
        visit(key, frozenset())
    order_of = {key: i + 1 for i, key in enumerate(ordered)}
    steps = tuple(
        PlanStep(
            order=order_of[key],
            gap_key=key,
            template=config.step_for(key),
            depends_on=tuple(
                order_of[dep]
                for dep in config.step_for(key).depends_on
                if dep in present
            ),
        )
        for key in ordered
    )
    if len(_PLAN_CACHE) >= _PLAN_CACHE_MAX:
        _PLAN_CACHE.clear()
    _PLAN_CACHE[cache_key] = steps
    return steps
