"""The contract-substitution check: offer vs signed contract vs first payslip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from serumpun.labour.rules.contracts import (
    ContractLimits,
    ContractTerms,
    Deduction,
    FindingPolicy,
    check_substitution,
)

POLICY = {
    "wage_below_offer": FindingPolicy("blocking"),
    "paid_below_contract": FindingPolicy("blocking"),
    "wage_below_minimum": FindingPolicy("blocking"),
    "hours_above_offer": FindingPolicy("blocking"),
    "hours_above_contract": FindingPolicy("warning"),
    "hours_above_limit": FindingPolicy("blocking"),
    "deduction_not_offered": FindingPolicy("warning"),
    "deductions_above_half": FindingPolicy("blocking"),
    "prohibited_deduction": FindingPolicy("blocking"),
}
LIMITS = ContractLimits(
    findings=POLICY,
    prohibited_deductions=frozenset({"recruitment_cost", "levy", "passport"}),
    uncompared_deductions=frozenset({"statutory"}),
    max_deduction_share=Decimal("0.5"),
    min_monthly_wage_myr=Decimal(1700),
    min_wage_rule_id="MY-5",
    max_weekly_hours=Decimal(45),
    max_hours_rule_id="MY-8",
)


def terms(kind, wage="1800", hours="45", **deductions):
    return ContractTerms(
        kind=kind,
        basic_wage_myr=Decimal(wage),
        weekly_hours=None if hours is None else Decimal(hours),
        deductions=tuple(Deduction(k, Decimal(v)) for k, v in deductions.items()),
    )


def codes(verdict):
    return [(f.code, f.compared) for f in verdict.findings]


def test_an_offer_alone_is_incomplete():
    verdict = check_substitution(terms("offer"), None, None, limits=LIMITS)
    assert verdict.status == "incomplete"
    assert verdict.findings == ()


def test_documents_that_match_pass():
    verdict = check_substitution(
        terms("offer", accommodation="100"),
        terms("signed", accommodation="100"),
        terms("payslip", statutory="40", accommodation="100"),
        limits=LIMITS,
    )
    assert verdict.status == "pass", codes(verdict)
    assert verdict.compared == ("offer", "signed", "payslip")


@pytest.mark.parametrize(
    ("offer", "signed", "payslip", "expected"),
    [
        # wage lower than offered in the signed contract
        (
            terms("offer"),
            terms("signed", wage="1750"),
            None,
            ("wage_below_offer", ("offer", "signed")),
        ),
        # paid less than the contract (unpaid wages)
        (
            terms("offer"),
            terms("signed"),
            terms("payslip", wage="1799.99"),
            ("paid_below_contract", ("signed", "payslip")),
        ),
        # no signed contract: the payslip is compared with the offer
        (
            terms("offer"),
            None,
            terms("payslip", wage="1500"),
            ("paid_below_contract", ("offer", "payslip")),
        ),
        # below the minimum wage in force (MY-5) even when the offer said the same
        (
            terms("offer", wage="1600"),
            terms("signed", wage="1600"),
            None,
            ("wage_below_minimum", ("offer",)),
        ),
        # more hours than offered
        (
            terms("offer", hours="40"),
            terms("signed", hours="44"),
            None,
            ("hours_above_offer", ("offer", "signed")),
        ),
        # more hours than the legal limit (MY-8)
        (
            terms("offer", hours="45"),
            terms("signed", hours="48"),
            None,
            ("hours_above_limit", ("signed",)),
        ),
        # deductions for recruitment costs
        (
            terms("offer"),
            terms("signed"),
            terms("payslip", recruitment_cost="300"),
            ("prohibited_deduction", ("payslip",)),
        ),
        # passport-related deductions
        (
            terms("offer"),
            None,
            terms("payslip", passport="50"),
            ("prohibited_deduction", ("payslip",)),
        ),
        # levy deducted from the worker (MY-6)
        (
            terms("offer"),
            terms("signed", levy="640"),
            None,
            ("prohibited_deduction", ("signed",)),
        ),
        # all deductions above half the wage
        (
            terms("offer", accommodation="500", meals="450"),
            None,
            terms("payslip", accommodation="500", meals="450"),
            ("deductions_above_half", ("payslip",)),
        ),
    ],
)
def test_it_fails_on_substitution_and_prohibited_terms(
    offer, signed, payslip, expected
):
    verdict = check_substitution(offer, signed, payslip, limits=LIMITS)
    assert verdict.status == "fail"
    assert expected in codes(verdict)
    assert verdict.findings[0].severity == "blocking"


def test_wage_at_the_minimum_and_hours_at_the_limit_pass():
    verdict = check_substitution(
        terms("offer", wage="1700", hours="45"),
        terms("signed", wage="1700", hours="45"),
        None,
        limits=LIMITS,
    )
    assert verdict.status == "pass", codes(verdict)


def test_deductions_at_exactly_half_pass():
    verdict = check_substitution(
        terms("offer", accommodation="900"),
        None,
        terms("payslip", accommodation="900"),
        limits=LIMITS,
    )
    assert verdict.status == "pass", codes(verdict)


@pytest.mark.parametrize(
    ("offer", "later", "expected"),
    [
        (
            terms("offer"),
            terms("payslip", accommodation="150"),
            "deduction_not_offered",
        ),
        (
            terms("offer", meals="100"),
            terms("payslip", meals="180"),
            "deduction_not_offered",
        ),
        (
            terms("offer", hours="40"),
            terms("payslip", hours="44"),
            "hours_above_contract",
        ),
    ],
)
def test_new_or_larger_deductions_and_extra_hours_warn(offer, later, expected):
    verdict = check_substitution(offer, None, later, limits=LIMITS)
    assert verdict.status == "warn"
    assert [f.code for f in verdict.findings] == [expected]


def test_a_prohibited_deduction_is_reported_once_per_document():
    verdict = check_substitution(
        terms("offer"), terms("signed", recruitment_cost="100"), None, limits=LIMITS
    )
    assert codes(verdict) == [("prohibited_deduction", ("signed",))]


def test_blocking_findings_come_first_and_carry_their_figures():
    verdict = check_substitution(
        terms("offer"),
        None,
        terms("payslip", wage="1650", accommodation="100"),
        limits=LIMITS,
    )
    assert [f.severity for f in verdict.findings] == ["blocking", "blocking", "warning"]
    paid = next(f for f in verdict.findings if f.code == "paid_below_contract")
    assert paid.params["shortfall_myr"] == Decimal(150)
    minimum = next(f for f in verdict.findings if f.code == "wage_below_minimum")
    assert minimum.params["rule_id"] == "MY-5"
    as_json = verdict.to_dict()["findings"]
    assert {"code": "paid_below_contract", "expected_myr": "1800"}.items() <= (
        {"code": as_json[1]["code"], **as_json[1]["params"]}.items()
    )


def test_without_limits_in_force_only_differences_count():
    limits = ContractLimits(
        findings=POLICY,
        prohibited_deductions=frozenset(),
        max_deduction_share=Decimal("0.5"),
    )
    verdict = check_substitution(
        terms("offer", wage="1000", hours="60"),
        terms("signed", wage="1000", hours="60"),
        None,
        limits=limits,
    )
    assert verdict.status == "pass"
