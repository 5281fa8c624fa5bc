"""The contract-substitution check (issue 7 §8; research/labour.md §6 gap 4, FR-2).

Compares what a worker was offered, the contract they signed and their first payslip on basic
wage, weekly hours and itemised deductions, and says what differs, how serious it is and why.
"Job not as contracted" and "unpaid wages" are Lampung's top complaints (research §5).

Pure: the terms, the legal limits in force and the finding policy (from
data/labour/pipeline.yaml) come in as arguments.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["offer", "signed", "payslip"]
KINDS: tuple[Kind, ...] = ("offer", "signed", "payslip")
SEVERITIES = ("blocking", "warning", "info")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Deduction:
    """One itemised deduction from the wage (MYR a month)."""

    kind: str
    amount_myr: Decimal
    note: str = ""


@dataclass(frozen=True)
class ContractTerms:
    """The numbers of one document: an offer, a signed contract or a payslip."""

    kind: Kind
    basic_wage_myr: Decimal
    weekly_hours: Decimal | None = None
    deductions: tuple[Deduction, ...] = ()

    def deductions_by_kind(self) -> dict[str, Decimal]:
        """Total deducted per kind."""
        totals: dict[str, Decimal] = {}
        for item in self.deductions:
            totals[item.kind] = totals.get(item.kind, ZERO) + item.amount_myr
        return totals

    @property
    def total_deductions_myr(self) -> Decimal:
        """Everything deducted."""
        return sum((d.amount_myr for d in self.deductions), ZERO)


@dataclass(frozen=True)
class FindingPolicy:
    """How serious each finding is, and why (data/labour/pipeline.yaml `contract_findings`)."""

    severity: str
    reason: str = ""
    source: str = ""
    confidence: str = "medium"


@dataclass(frozen=True)
class ContractLimits:
    """The legal limits in force for this placement (from the rulebook and pipeline.yaml)."""

    findings: Mapping[str, FindingPolicy]
    prohibited_deductions: frozenset[str]
    max_deduction_share: Decimal
    #: lawful deductions the offer need not list (statutory contributions, tax)
    uncompared_deductions: frozenset[str] = frozenset()
    min_monthly_wage_myr: Decimal | None = None
    min_wage_rule_id: str = ""
    max_weekly_hours: Decimal | None = None
    max_hours_rule_id: str = ""


@dataclass(frozen=True)
class Finding:
    """One difference or breach, with the documents compared and the figures involved."""

    code: str
    severity: str
    compared: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""
    source: str = ""
    confidence: str = "medium"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (figures as strings so no precision is lost)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "compared": list(self.compared),
            "params": {k: _plain(v) for k, v in self.params.items()},
            "reason": self.reason,
            "source": self.source,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class SubstitutionVerdict:
    """`fail` when a blocking finding exists, `warn` for warnings only, `pass` when nothing
    differs, `incomplete` when there is nothing yet to compare the offer with."""

    status: str
    findings: tuple[Finding, ...]
    compared: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "status": self.status,
            "compared": list(self.compared),
            "findings": [f.to_dict() for f in self.findings],
        }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


class _Findings:
    """Collects findings, reading each one's severity from the policy."""

    def __init__(self, limits: ContractLimits) -> None:
        self.limits = limits
        self.items: list[Finding] = []

    def add(self, code: str, compared: Iterable[str], **params: Any) -> None:
        policy = self.limits.findings.get(code, FindingPolicy(severity="warning"))
        self.items.append(
            Finding(
                code=code,
                severity=policy.severity,
                compared=tuple(compared),
                params=params,
                reason=policy.reason,
                source=policy.source,
                confidence=policy.confidence,
            )
        )


def _compare_pair(earlier: ContractTerms, later: ContractTerms, out: _Findings) -> None:
    """What got worse for the worker between two documents."""
    pair = (earlier.kind, later.kind)
    if later.basic_wage_myr < earlier.basic_wage_myr:
        code = "paid_below_contract" if later.kind == "payslip" else "wage_below_offer"
        out.add(
            code,
            pair,
            expected_myr=earlier.basic_wage_myr,
            actual_myr=later.basic_wage_myr,
            shortfall_myr=earlier.basic_wage_myr - later.basic_wage_myr,
        )
    if (
        earlier.weekly_hours is not None
        and later.weekly_hours is not None
        and later.weekly_hours > earlier.weekly_hours
    ):
        code = (
            "hours_above_contract" if later.kind == "payslip" else "hours_above_offer"
        )
        out.add(
            code,
            pair,
            expected_hours=earlier.weekly_hours,
            actual_hours=later.weekly_hours,
        )
    before = earlier.deductions_by_kind()
    for kind, amount in sorted(later.deductions_by_kind().items()):
        if kind in out.limits.prohibited_deductions:
            continue  # reported once per document by _check_document
        if kind in out.limits.uncompared_deductions:
            continue
        if amount > before.get(kind, ZERO):
            out.add(
                "deduction_not_offered",
                pair,
                kind=kind,
                expected_myr=before.get(kind, ZERO),
                actual_myr=amount,
            )


def _check_document(terms: ContractTerms, out: _Findings) -> None:
    """Breaches a document shows on its own, whatever was offered."""
    limits = out.limits
    own = (terms.kind,)
    if (
        limits.min_monthly_wage_myr is not None
        and terms.basic_wage_myr < limits.min_monthly_wage_myr
    ):
        out.add(
            "wage_below_minimum",
            own,
            actual_myr=terms.basic_wage_myr,
            minimum_myr=limits.min_monthly_wage_myr,
            rule_id=limits.min_wage_rule_id,
        )
    if (
        limits.max_weekly_hours is not None
        and terms.weekly_hours is not None
        and terms.weekly_hours > limits.max_weekly_hours
    ):
        out.add(
            "hours_above_limit",
            own,
            actual_hours=terms.weekly_hours,
            limit_hours=limits.max_weekly_hours,
            rule_id=limits.max_hours_rule_id,
        )
    for kind, amount in sorted(terms.deductions_by_kind().items()):
        if kind in limits.prohibited_deductions and amount > ZERO:
            out.add("prohibited_deduction", own, kind=kind, actual_myr=amount)
    if terms.basic_wage_myr > ZERO:
        cap = terms.basic_wage_myr * limits.max_deduction_share
        if terms.total_deductions_myr > cap:
            out.add(
                "deductions_above_half",
                own,
                total_myr=terms.total_deductions_myr,
                cap_myr=cap.quantize(Decimal("0.01")),
            )


def check_substitution(
    offer: ContractTerms,
    signed: ContractTerms | None,
    payslip: ContractTerms | None,
    *,
    limits: ContractLimits,
) -> SubstitutionVerdict:
    """Compare offer → signed contract → first payslip; every document is also checked alone.

    The payslip is compared with the signed contract, or with the offer when no signed
    contract was recorded. Blocking findings come first.
    """
    out = _Findings(limits)
    documents = [d for d in (offer, signed, payslip) if d is not None]
    for document in documents:
        _check_document(document, out)
    for earlier, later in itertools.pairwise(documents):
        _compare_pair(earlier, later, out)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = tuple(sorted(out.items, key=lambda f: order.get(f.severity, len(order))))
    if any(f.severity == "blocking" for f in findings):
        status = "fail"
    elif any(f.severity == "warning" for f in findings):
        status = "warn"
    elif len(documents) == 1:  # an offer alone has nothing to compare with
        status = "incomplete"
    else:
        status = "pass"
    return SubstitutionVerdict(
        status=status,
        findings=findings,
        compared=tuple(d.kind for d in documents),
    )
