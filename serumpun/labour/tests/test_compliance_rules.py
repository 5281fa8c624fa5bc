"""Job-order compliance against the real rule files: one row per rule, boundaries, as-of dates."""

from __future__ import annotations

import dataclasses
import json
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from serumpun.core.rulebook import load_rulebook, parse_rules
from serumpun.labour.rules.compliance import (
    APPLIES_TO_KEYS,
    PREDICATE_PARAMS,
    PREDICATES,
    CostItem,
    JobOrderTerms,
    check_job_order,
    check_job_orders,
)

RULES_DIR = Path(__file__).resolve().parents[3] / "data" / "rules"
TODAY = date(2025, 9, 1)  # after the RM1,700 wage and the 19 Aug 2025 quota reopening


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook(
        RULES_DIR,
        "labour",
        known_checks=frozenset(PREDICATES),
        check_params=PREDICATE_PARAMS,
        known_filters=APPLIES_TO_KEYS,
    )


FAIR_PLANTATION_ORDER = JobOrderTerms(
    sector="plantation",
    isco_code="9211",
    workers_needed=20,
    basic_wage_myr=Decimal("1700"),
    weekly_hours=Decimal("45"),
    worker_paid_costs_myr=Decimal("0"),
    age_min=21,
    age_max=40,
    gender="any",
    contract_months=24,
    accommodation_provided=True,
    passport_held_by="worker",
    levy_paid_by="employer",
    employer_state="Johor",
    agency_licence="SIP3MI-123/2025",
    agency_licence_valid_until=date(2026, 12, 31),
    agency_verified=True,
    quota_reference="SIP2MI-LPG-0042",
    channel="p3mi",
    contract_languages=("id", "ms"),
    cost_items=(CostItem("air ticket", Decimal("450"), "employer"),),
    employer_approval_ref="JTKSM-60K-7781",
)
FAIR_DOMESTIC_ORDER = dataclasses.replace(
    FAIR_PLANTATION_ORDER,
    sector="domestic",
    isco_code="9111",
    basic_wage_myr=Decimal("1500"),
    gender="female",
    channel="ocs",
)
KITCHEN_ORDER = dataclasses.replace(
    FAIR_PLANTATION_ORDER, sector="services", isco_code="9412"
)  # kitchen helper: not one of Perban 9/2020's exempt occupations
FEMALE_FACTORY_ORDER = dataclasses.replace(
    FAIR_PLANTATION_ORDER, sector="manufacturing", isco_code="8160", gender="female"
)


def judge(rulebook, terms, as_of=TODAY):
    return check_job_order(
        terms, rulebook.rules, as_of=as_of, rules_version=rulebook.version
    )


def worker_pays(item, amount):
    return (CostItem(item, Decimal(amount), "worker"),)


def test_a_fair_order_passes_every_rule(rulebook):
    verdict = judge(rulebook, FAIR_PLANTATION_ORDER)

    assert verdict.status == "pass"
    assert verdict.violations == ()
    assert verdict.warnings == ()
    assert {"ID-1", "ID-5", "ID-7", "FR-1", "FR-2", "MY-1", "MY-4", "MY-5"} <= set(
        verdict.checked
    )
    assert {"MY-3", "OCS-1", "OCS-2"}.isdisjoint(verdict.checked)


def test_a_fair_domestic_order_passes_through_ocs(rulebook):
    verdict = judge(rulebook, FAIR_DOMESTIC_ORDER)

    assert verdict.status == "pass"
    assert {"OCS-1", "OCS-2"} <= set(verdict.checked)
    assert {"MY-1", "MY-5"}.isdisjoint(
        verdict.checked
    )  # domestic work: OCS rules instead


# (rule id, base order, changes, as_of, expected: "fail" | "warn" | "pass" | "skip")
CASES = [
    # ID-1 / MY-4: age bounds
    ("ID-1", FAIR_PLANTATION_ORDER, {"age_min": 17}, TODAY, "fail"),
    ("ID-1", FAIR_PLANTATION_ORDER, {"age_min": 18}, TODAY, "pass"),
    ("MY-4", FAIR_PLANTATION_ORDER, {"age_min": 17}, TODAY, "fail"),
    ("MY-4", FAIR_PLANTATION_ORDER, {"age_min": 18}, TODAY, "pass"),
    ("MY-4", FAIR_PLANTATION_ORDER, {"age_max": 45}, TODAY, "pass"),
    ("MY-4", FAIR_PLANTATION_ORDER, {"age_max": 46}, TODAY, "fail"),
    # ID-5: licensed P3MI, valid on the date, verified, with a SIP2MI quota
    ("ID-5", FAIR_PLANTATION_ORDER, {"agency_licence": None}, TODAY, "fail"),
    ("ID-5", FAIR_PLANTATION_ORDER, {"agency_licence": "  "}, TODAY, "fail"),
    (
        "ID-5",
        FAIR_PLANTATION_ORDER,
        {"agency_licence_valid_until": date(2025, 8, 31)},
        TODAY,
        "fail",
    ),
    (
        "ID-5",
        FAIR_PLANTATION_ORDER,
        {"agency_licence_valid_until": TODAY},
        TODAY,
        "pass",
    ),
    (
        "ID-5",
        FAIR_PLANTATION_ORDER,
        {"agency_licence_valid_until": None},
        TODAY,
        "fail",
    ),
    ("ID-5", FAIR_PLANTATION_ORDER, {"agency_verified": False}, TODAY, "fail"),
    ("ID-5", FAIR_PLANTATION_ORDER, {"quota_reference": None}, TODAY, "fail"),
    (
        "ID-5",
        FAIR_PLANTATION_ORDER,
        {"channel": "g2g", "agency_licence": None},
        TODAY,
        "skip",
    ),
    ("ID-5", FAIR_DOMESTIC_ORDER, {"agency_licence": None}, TODAY, "fail"),
    # ID-7: zero placement cost; exempt occupations may not carry any worker-paid item
    (
        "ID-7",
        FAIR_PLANTATION_ORDER,
        {"worker_paid_costs_myr": Decimal("0.01")},
        TODAY,
        "fail",
    ),
    ("ID-7", KITCHEN_ORDER, {"worker_paid_costs_myr": Decimal("300")}, TODAY, "fail"),
    (
        "ID-7",
        FAIR_PLANTATION_ORDER,
        {"cost_items": worker_pays("passport", "50")},
        TODAY,
        "fail",
    ),
    (
        "ID-7",
        FAIR_DOMESTIC_ORDER,
        {"cost_items": worker_pays("medical", "120")},
        TODAY,
        "fail",
    ),
    (
        "ID-7",
        KITCHEN_ORDER,
        {"cost_items": worker_pays("passport", "50")},
        TODAY,
        "pass",
    ),
    # FR-1: the ILO counts every worker-paid item, in every occupation
    (
        "FR-1",
        KITCHEN_ORDER,
        {"cost_items": worker_pays("passport", "50")},
        TODAY,
        "warn",
    ),
    ("FR-1", KITCHEN_ORDER, {"worker_paid_costs_myr": Decimal("1")}, TODAY, "warn"),
    (
        "FR-1",
        KITCHEN_ORDER,
        {"cost_items": (CostItem("passport", Decimal("50"), "agency"),)},
        TODAY,
        "pass",
    ),
    # FR-2: a contract in Indonesian
    (
        "FR-2",
        FAIR_PLANTATION_ORDER,
        {"contract_languages": ("en", "ms")},
        TODAY,
        "warn",
    ),
    ("FR-2", FAIR_PLANTATION_ORDER, {"contract_languages": ()}, TODAY, "warn"),
    ("FR-2", FAIR_PLANTATION_ORDER, {"contract_languages": ("id",)}, TODAY, "pass"),
    # MY-1: formal sectors only; domestic work goes to OCS-1
    ("MY-1", FAIR_PLANTATION_ORDER, {"sector": "fishing"}, TODAY, "fail"),
    (
        "MY-1",
        FAIR_PLANTATION_ORDER,
        {"sector": "mining", "isco_code": "8111"},
        TODAY,
        "pass",
    ),
    ("MY-1", FAIR_DOMESTIC_ORDER, {}, TODAY, "skip"),
    # MY-2: quota window since 19 Aug 2025
    ("MY-2", FEMALE_FACTORY_ORDER, {}, TODAY, "warn"),
    (
        "MY-2",
        FAIR_PLANTATION_ORDER,
        {"sector": "construction", "isco_code": "7112"},
        TODAY,
        "warn",
    ),
    ("MY-2", FEMALE_FACTORY_ORDER, {}, date(2025, 8, 18), "skip"),
    ("MY-2", FEMALE_FACTORY_ORDER, {}, date(2025, 8, 19), "warn"),
    ("MY-2", FAIR_PLANTATION_ORDER, {}, TODAY, "pass"),
    # MY-3: Indonesian men not approved for manufacturing
    ("MY-3", FEMALE_FACTORY_ORDER, {}, TODAY, "pass"),
    ("MY-3", FEMALE_FACTORY_ORDER, {"gender": "male"}, TODAY, "warn"),
    ("MY-3", FEMALE_FACTORY_ORDER, {"gender": "any"}, TODAY, "warn"),
    ("MY-3", FAIR_PLANTATION_ORDER, {"gender": "male"}, TODAY, "skip"),
    # MY-5: minimum wage RM1,700 (non-domestic), boundary
    ("MY-5", FAIR_PLANTATION_ORDER, {"basic_wage_myr": Decimal("1699")}, TODAY, "fail"),
    (
        "MY-5",
        FAIR_PLANTATION_ORDER,
        {"basic_wage_myr": Decimal("1699.99")},
        TODAY,
        "fail",
    ),
    ("MY-5", FAIR_PLANTATION_ORDER, {"basic_wage_myr": Decimal("1700")}, TODAY, "pass"),
    (
        "MY-5",
        FAIR_PLANTATION_ORDER,
        {"basic_wage_myr": Decimal("1500")},
        date(2025, 1, 31),
        "pass",
    ),
    (
        "MY-5",
        FAIR_PLANTATION_ORDER,
        {"basic_wage_myr": Decimal("1500")},
        date(2025, 2, 1),
        "fail",
    ),
    (
        "MY-5",
        FAIR_PLANTATION_ORDER,
        {"basic_wage_myr": Decimal("1499")},
        date(2024, 6, 1),
        "fail",
    ),
    (
        "MY-5",
        FAIR_PLANTATION_ORDER,
        {"basic_wage_myr": Decimal("1000")},
        date(2022, 4, 30),
        "skip",
    ),
    ("MY-5", FAIR_DOMESTIC_ORDER, {"basic_wage_myr": Decimal("1500")}, TODAY, "skip"),
    # OCS-2: domestic workers' minimum RM1,500
    ("OCS-2", FAIR_DOMESTIC_ORDER, {"basic_wage_myr": Decimal("1499")}, TODAY, "fail"),
    ("OCS-2", FAIR_DOMESTIC_ORDER, {"basic_wage_myr": Decimal("1500")}, TODAY, "pass"),
    ("OCS-2", FAIR_DOMESTIC_ORDER, {}, date(2022, 3, 31), "skip"),
    # OCS-1: domestic work only through OCS
    ("OCS-1", FAIR_DOMESTIC_ORDER, {"channel": "p3mi"}, TODAY, "fail"),
    ("OCS-1", FAIR_DOMESTIC_ORDER, {"channel": "ocs"}, TODAY, "pass"),
    # MY-6: the employer pays the levy
    ("MY-6", FAIR_PLANTATION_ORDER, {"levy_paid_by": "worker"}, TODAY, "fail"),
    (
        "MY-6",
        FAIR_PLANTATION_ORDER,
        {"cost_items": worker_pays("Foreign worker LEVY", "640")},
        TODAY,
        "fail",
    ),
    (
        "MY-6",
        FAIR_PLANTATION_ORDER,
        {"cost_items": worker_pays("potongan levi", "640")},
        TODAY,
        "fail",
    ),
    (
        "MY-6",
        FAIR_PLANTATION_ORDER,
        {"cost_items": (CostItem("levy", Decimal("640"), "employer"),)},
        TODAY,
        "pass",
    ),
    # MY-7: JTKSM s.60K approval
    ("MY-7", FAIR_PLANTATION_ORDER, {"employer_approval_ref": None}, TODAY, "warn"),
    ("MY-7", FAIR_PLANTATION_ORDER, {"employer_approval_ref": "  "}, TODAY, "warn"),
    ("MY-7", FAIR_PLANTATION_ORDER, {}, TODAY, "pass"),
    (
        "MY-7",
        FAIR_PLANTATION_ORDER,
        {"employer_approval_ref": None},
        date(2022, 12, 31),
        "skip",
    ),
    # MY-8: at most 45 hours a week
    ("MY-8", FAIR_PLANTATION_ORDER, {"weekly_hours": Decimal("45")}, TODAY, "pass"),
    ("MY-8", FAIR_PLANTATION_ORDER, {"weekly_hours": Decimal("45.5")}, TODAY, "fail"),
    ("MY-8", FAIR_PLANTATION_ORDER, {"weekly_hours": Decimal("46")}, TODAY, "fail"),
    # MY-10: the worker keeps the passport
    ("MY-10", FAIR_PLANTATION_ORDER, {"passport_held_by": "employer"}, TODAY, "fail"),
    ("MY-10", FAIR_PLANTATION_ORDER, {"passport_held_by": "worker"}, TODAY, "pass"),
    # MY-15: therapist vacancies are high-risk
    ("MY-15", KITCHEN_ORDER, {"isco_code": "3255"}, TODAY, "warn"),
    ("MY-15", KITCHEN_ORDER, {"isco_code": "5142"}, TODAY, "warn"),
    ("MY-15", KITCHEN_ORDER, {}, TODAY, "pass"),
]


def case_id(case):
    rule_id, _, changes, as_of, expected = case
    changed = "-".join(f"{k}={v}" for k, v in changes.items()) or "base"
    return f"{rule_id}-{expected}-{changed}-{as_of}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_each_rule(rulebook, case):
    rule_id, base, changes, as_of, expected = case
    verdict = judge(rulebook, dataclasses.replace(base, **changes), as_of)
    failed = {finding.rule_id for finding in verdict.violations}
    warned = {finding.rule_id for finding in verdict.warnings}

    if expected == "skip":
        assert rule_id not in verdict.checked
    else:
        assert rule_id in verdict.checked
    assert (rule_id in failed) == (expected == "fail")
    assert (rule_id in warned) == (expected == "warn")
    if expected == "fail":
        assert verdict.status == "fail"


def test_every_rule_has_a_passing_and_a_failing_row(rulebook):
    ids = {rule.id for rule in rulebook.rules}
    outcomes = {(case[0], case[4]) for case in CASES}

    for rule_id in ids:
        assert (rule_id, "pass") in outcomes, rule_id
        assert (rule_id, "fail") in outcomes or (rule_id, "warn") in outcomes, rule_id


def test_a_rm1600_factory_order_passed_in_2024_and_fails_in_2025(rulebook):
    order = dataclasses.replace(FEMALE_FACTORY_ORDER, basic_wage_myr=Decimal("1600"))

    then = judge(rulebook, order, date(2024, 6, 1))
    now = judge(rulebook, order, date(2025, 9, 1))

    assert then.status == "pass"
    assert "MY-5" in then.checked
    assert now.status == "fail"
    (violation,) = now.violations
    assert violation.rule_id == "MY-5"
    assert "RM1600" in violation.message["en"]
    assert "RM1700" in violation.message["en"]
    assert violation.source.published == date(2025, 7, 22)
    older = next(
        f
        for f in judge(
            rulebook,
            dataclasses.replace(order, basic_wage_myr=Decimal("1400")),
            date(2024, 6, 1),
        ).violations
    )
    assert "RM1500" in older.message["ms"]
    assert older.confidence == "medium"


def test_warnings_alone_make_warn(rulebook):
    verdict = judge(rulebook, FEMALE_FACTORY_ORDER)

    assert verdict.status == "warn"
    assert verdict.violations == ()
    assert [f.rule_id for f in verdict.warnings] == ["MY-2"]
    assert verdict.warnings[0].severity == "warn"


def test_one_violation_outweighs_warnings(rulebook):
    order = dataclasses.replace(
        FEMALE_FACTORY_ORDER, gender="male", weekly_hours=Decimal(48)
    )

    verdict = judge(rulebook, order)

    assert verdict.status == "fail"
    assert [f.rule_id for f in verdict.violations] == ["MY-8"]
    assert verdict.violations[0].severity == "fail"
    assert {f.rule_id for f in verdict.warnings} == {"MY-2", "MY-3"}


def test_messages_are_filled_in_every_language(rulebook):
    order = dataclasses.replace(FAIR_PLANTATION_ORDER, weekly_hours=Decimal("48.50"))

    (finding,) = judge(rulebook, order).violations

    assert finding.rule_id == "MY-8"
    assert set(finding.message) == {"id", "en", "ms"}
    assert "48.5 jam per minggu" in finding.message["id"]
    assert "48.5 a week" in finding.message["en"]
    assert all("{" not in text for text in finding.message.values())
    assert finding.title["ms"] == "Waktu bekerja tidak melebihi 45 jam seminggu"


def test_to_dict_has_the_api_shape_and_is_json(rulebook):
    order = dataclasses.replace(
        FEMALE_FACTORY_ORDER, basic_wage_myr=Decimal("1650"), gender="any"
    )
    verdict = judge(rulebook, order)

    data = verdict.to_dict("id")
    json.dumps(data)  # storable in a JSONField as is

    assert data["status"] == "fail"
    assert data["as_of"] == "2025-09-01"
    assert data["rules_version"] == rulebook.version
    (line,) = data["violations"]
    assert line["rule_id"] == "MY-5"
    assert line["title"] == "Upah pokok minimum"
    assert line["message"].startswith("Upah pokok RM1650")
    assert set(line["messages"]) == {"id", "en", "ms"}
    assert line["source"] == {
        "title": "RM1,700 minimum wage to come into force from Aug 1 (The Star)",
        "url": "https://www.thestar.com.my/news/nation/2025/07/22/rm1700-minimum-wage-to-come-into-force-from-aug-1",
        "published": "2025-07-22",
    }
    assert line["confidence"] == "high"
    assert {w["rule_id"] for w in data["warnings"]} == {"MY-2", "MY-3"}
    assert "MY-5" in data["checked"]
    assert data["warnings"][0]["source"]["published"] is None or isinstance(
        data["warnings"][0]["source"]["published"], str
    )


def test_to_dict_falls_back_to_english(rulebook):
    order = dataclasses.replace(FAIR_PLANTATION_ORDER, passport_held_by="employer")

    line = judge(rulebook, order).to_dict("fr")["violations"][0]

    assert line["title"] == "The worker keeps their passport"


def test_batch_equals_one_by_one_with_dates_per_order(rulebook):
    orders = [
        FAIR_PLANTATION_ORDER,
        dataclasses.replace(FEMALE_FACTORY_ORDER, basic_wage_myr=Decimal("1600")),
        dataclasses.replace(FEMALE_FACTORY_ORDER, basic_wage_myr=Decimal("1600")),
        dataclasses.replace(FAIR_DOMESTIC_ORDER, channel="p3mi"),
        FAIR_PLANTATION_ORDER,
    ]
    dates = [TODAY, date(2024, 6, 1), TODAY, TODAY, date(2024, 6, 1)]

    batch = check_job_orders(orders, rulebook.rules, as_of=dates, rules_version="v")
    single = [
        check_job_order(o, rulebook.rules, as_of=d, rules_version="v")
        for o, d in zip(orders, dates, strict=True)
    ]

    assert batch == single
    assert [v.status for v in batch] == ["pass", "pass", "fail", "fail", "pass"]
    same_day = check_job_orders(orders, rulebook.rules, as_of=TODAY, rules_version="v")
    assert [v.as_of for v in same_day] == [TODAY] * 5
    with pytest.raises(ValueError, match="one date per job order"):
        check_job_orders(orders, rulebook.rules, as_of=dates[:2], rules_version="v")


INFO_AND_UNKNOWN = """
rules:
  - id: X-INFO
    title: {id: "i", en: "e", ms: "m"}
    message: {id: "i", en: "e", ms: "m {no_such_value}"}
    check: passport_held_by_worker
    severity: info
    source: {title: "t", url: "https://example.test", published: null}
    effective_from: 2020-01-01
    confidence: low
  - id: X-WARN
    title: {id: "i", en: "e", ms: "m"}
    message: {id: "i", en: "e {basic_wage_myr}", ms: "m {no_such_value}"}
    check: passport_held_by_worker
    severity: warning
    source: {title: "t", url: "https://example.test", published: null}
    effective_from: 2020-01-01
    confidence: low
"""


def test_info_rules_are_checked_but_never_count_against_an_order():
    rules = parse_rules(INFO_AND_UNKNOWN, file="t.yaml")
    order = dataclasses.replace(FAIR_PLANTATION_ORDER, passport_held_by="employer")

    verdict = check_job_order(order, rules[:1], as_of=TODAY, rules_version="v")

    assert verdict.status == "pass"
    assert verdict.checked == ("X-INFO",)


def test_an_unknown_placeholder_is_left_as_written():
    rules = parse_rules(INFO_AND_UNKNOWN, file="t.yaml")
    order = dataclasses.replace(FAIR_PLANTATION_ORDER, passport_held_by="employer")

    (finding,) = check_job_order(order, rules, as_of=TODAY, rules_version="v").warnings

    assert finding.message["ms"] == "m {no_such_value}"
    assert finding.message["en"] == "e 1700"


def test_a_rule_naming_an_unregistered_check_is_refused():
    (rule,) = parse_rules(INFO_AND_UNKNOWN, file="t.yaml")[:1]
    broken = dataclasses.replace(rule, check="nope")

    with pytest.raises(ValueError, match="X-INFO: unknown check 'nope'"):
        check_job_order(FAIR_PLANTATION_ORDER, [broken], as_of=TODAY, rules_version="v")


def test_rules_not_yet_in_force_are_not_checked(rulebook):
    verdict = judge(rulebook, FAIR_PLANTATION_ORDER, date(2016, 1, 1))

    assert verdict.status == "pass"
    assert {"ID-1", "MY-5", "FR-1", "MY-8"}.isdisjoint(verdict.checked)
    assert "MY-10" in verdict.checked


# --- the rule files themselves ------------------------------------------------------

REQUIRED_IDS = {
    "ID-1", "ID-5", "ID-7", "FR-1", "FR-2", "MY-1", "MY-2", "MY-3", "MY-4", "MY-5",
    "MY-6", "MY-8", "MY-10", "MY-15", "OCS-1", "OCS-2",
}  # fmt: skip


def test_the_rule_files_hold_every_required_rule(rulebook):
    assert {rule.id for rule in rulebook.rules} >= REQUIRED_IDS


def test_every_rule_cites_a_source_and_a_confidence(rulebook):
    for rule in rulebook.rules:
        assert rule.source.url.startswith(("http://", "https://")), rule.id
        assert rule.source.title, rule.id
        assert rule.confidence in {"high", "medium", "low"}, rule.id


def test_every_placeholder_names_a_value_the_engine_provides(rulebook):
    provided = {f.name for f in dataclasses.fields(JobOrderTerms)}
    provided |= {"as_of", "worker_paid_items_myr"}
    for rule in rulebook.rules:
        names = provided | set(rule.params)
        for language, text in rule.message.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert fields <= names, (rule.id, language, fields - names)


def test_the_old_and_new_minimum_wage_meet_without_a_gap(rulebook):
    old = rulebook.get("MY-5", date(2025, 1, 31))
    new = rulebook.get("MY-5", date(2025, 2, 1))

    assert old.params["min_monthly_wage_myr"] == 1500
    assert old.effective_from == date(2022, 5, 1)
    assert old.confidence == "medium"
    assert new.params["min_monthly_wage_myr"] == 1700


def test_exempt_occupations_carry_a_medium_mapping_confidence(rulebook):
    rule = rulebook.get("ID-7")

    assert rule.params["exempt_isco_confidence"] == "medium"
    assert {
        "9111",
        "5152",
        "5311",
        "5322",
        "5120",
        "8322",
        "9214",
        "9112",
        "9211",
        "6112",
    } == set(rule.params["exempt_isco_codes"])


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e40"])
def test_odd_amounts_never_crash_and_never_pass(rulebook, amount):
    order = dataclasses.replace(
        FAIR_PLANTATION_ORDER,
        basic_wage_myr=Decimal(amount),
        worker_paid_costs_myr=Decimal(amount),
    )

    verdict = judge(rulebook, order)
    failed = {f.rule_id for f in verdict.violations}

    assert verdict.status == "fail"
    assert "ID-7" in failed  # a worker-paid cost that is not a number is not zero
    if amount == "NaN":
        assert "MY-5" in failed
    json.dumps(verdict.to_dict())
