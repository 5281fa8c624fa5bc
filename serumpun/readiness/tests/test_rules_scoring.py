"""Pure scoring rules: every gate, level boundary, evidence rule, registry fact and plan order.

No database: the config is parsed from data/readiness/assessment.yaml with plain file reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from serumpun.readiness.config import ConfigError, parse_config
from serumpun.readiness.rules.scoring import (
    LEVELS,
    AnswerFacts,
    CertificateFacts,
    ProductFacts,
    assess,
    levels_for,
    score_many,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "readiness" / "assessment.yaml"
CONFIG = parse_config(DATA.read_text(encoding="utf-8"))
AS_OF = dt.date(2026, 12, 1)
LATER = dt.date(2027, 12, 1)
EXPIRED = dt.date(2026, 11, 30)

GREEN_COFFEE = ProductFacts(
    hs_code="090111",
    processed=False,
    halal_claim=False,
    monthly_capacity_kg=0,
    label_languages=frozenset({"id"}),
    nib="9120000000001",
)
CHIPS = ProductFacts(
    hs_code="200899",
    processed=True,
    halal_claim=True,
    monthly_capacity_kg=0,
    label_languages=frozenset({"id"}),
    nib="9120000000001",
)
TAPIS = replace(GREEN_COFFEE, hs_code="581092")
PERMIT = ("MY-COFFEE-PERMIT",)


def cert(kind, *, until=LATER, verified=True, covers=True):
    return CertificateFacts(kind, until, verified, covers, number=f"{kind}-1")


def confirmed(value=4):
    return AnswerFacts(value, evidenced=True, confirmed=True)


def everything_done(facts):
    """Answers of 4, evidenced and confirmed, for every question."""
    return {q.key: confirmed() for q in CONFIG.questions}


def gate(result, key):
    return next((g for g in result.gates if g.key == key), None)


# --- Gates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nib", "passed"),
    [
        ("9120000000001", True),
        ("912000000000", False),
        ("91200000000a1", False),
        ("", False),
    ],
)
def test_nib_gate_needs_thirteen_digits(nib, passed):
    result = assess(replace(GREEN_COFFEE, nib=nib), {}, CONFIG, as_of=AS_OF)
    assert gate(result, "nib").passed is passed


@pytest.mark.parametrize(
    ("certificates", "passed"),
    [
        ((), False),
        ((cert("pirt"),), True),
        ((cert("bpom_md", verified=False),), True),  # submitted counts for the gate
        ((cert("pirt", until=EXPIRED),), False),  # expired counts as absent
        ((cert("pirt", until=AS_OF),), True),  # valid through its last day
        ((cert("pirt", covers=False),), False),  # another product's registration
        ((cert("halal"),), False),
    ],
)
def test_food_registration_gate_for_processed_food(certificates, passed):
    facts = replace(CHIPS, halal_claim=False, certificates=certificates)
    assert (
        gate(assess(facts, {}, CONFIG, as_of=AS_OF), "food_registration").passed
        is passed
    )


def test_unprocessed_products_have_no_food_registration_gate():
    assert (
        gate(assess(GREEN_COFFEE, {}, CONFIG, as_of=AS_OF), "food_registration") is None
    )


@pytest.mark.parametrize(
    ("halal_claim", "certificates", "expected"),
    [
        (True, (), False),
        (True, (cert("halal"),), True),
        (True, (cert("halal", until=EXPIRED),), False),
        (False, (), None),  # no claim, no gate
    ],
)
def test_halal_gate_only_when_the_label_claims_halal(
    halal_claim, certificates, expected
):
    facts = replace(
        CHIPS, halal_claim=halal_claim, certificates=(cert("pirt"), *certificates)
    )
    found = gate(assess(facts, {}, CONFIG, as_of=AS_OF), "halal")
    assert (found.passed if found else None) is expected


@pytest.mark.parametrize(
    ("answer", "passed"),
    [
        (None, False),
        (AnswerFacts(4), False),  # the owner's word alone
        (AnswerFacts(4, evidenced=True), False),  # evidence not yet confirmed
        (AnswerFacts(2, evidenced=True, confirmed=True), False),
        (confirmed(3), True),
        (confirmed(4), True),
    ],
)
def test_importer_gate_for_permit_controlled_products(answer, passed):
    facts = replace(GREEN_COFFEE, permit_requirement_ids=PERMIT)
    answers = {} if answer is None else {"partner.importer_permit": answer}
    found = gate(assess(facts, answers, CONFIG, as_of=AS_OF), "importer_permit")
    assert found.passed is passed
    assert found.requirement_id == "MY-COFFEE-PERMIT"


def test_products_without_a_permit_have_no_importer_gate():
    result = assess(GREEN_COFFEE, {}, CONFIG, as_of=AS_OF)
    assert gate(result, "importer_permit") is None
    assert all(
        q.key != "partner.importer_permit"
        for d in result.dimensions
        for q in d.questions
    )


# --- Levels and score -------------------------------------------------------------------------


def test_everything_done_and_evidenced_is_ready_with_score_100():
    facts = replace(
        CHIPS,
        monthly_capacity_kg=10_000,
        certificates=(cert("pirt"), cert("halal")),
        label_languages=frozenset({"id", "en"}),
    )
    result = assess(facts, everything_done(facts), CONFIG, as_of=AS_OF)
    assert result.score == 100.0
    assert result.level == "ready"
    assert result.gates_passed
    assert result.gaps == ()
    assert result.plan == ()


def test_a_failed_gate_caps_the_level_whatever_the_score():
    facts = replace(CHIPS, monthly_capacity_kg=10_000, certificates=(cert("pirt"),))
    result = assess(facts, everything_done(facts), CONFIG, as_of=AS_OF)
    assert result.score >= CONFIG.ready_from
    assert result.level == "intermediate"
    assert result.gaps[0].key == "gate.halal"
    assert result.gaps[0].severity == "gate"
    assert result.gaps[0].requirement_id == "MY-HALAL-RECOGNISED"


@pytest.mark.parametrize(
    ("score", "gates_passed", "level"),
    [
        (0.0, True, "beginner"),
        (39.9, True, "beginner"),
        (40.0, True, "intermediate"),
        (69.9, True, "intermediate"),
        (70.0, True, "ready"),
        (100.0, True, "ready"),
        (100.0, False, "intermediate"),  # a failed gate caps the level
        (39.9, False, "beginner"),
        (40.0, False, "intermediate"),
    ],
)
def test_level_boundaries(score, gates_passed, level):
    """beginner < 40 ≤ intermediate < 70 ≤ ready, and ready only with every gate passed."""
    found = levels_for(np.array([score]), np.array([gates_passed]), CONFIG)
    assert LEVELS[int(found[0])] == level


def test_score_is_the_weighted_mean_of_dimension_scores():
    facts = replace(TAPIS, monthly_capacity_kg=0)
    answers = {
        "quality.specification": AnswerFacts(2),
        "commitment.owner_time": AnswerFacts(1),
    }
    result = assess(facts, answers, CONFIG, as_of=AS_OF)
    by_key = {d.key: d for d in result.dimensions}
    # quality has three questions for an unprocessed product: (2+0+0)/3/4*100
    assert by_key["quality"].score == pytest.approx(16.7, abs=0.05)
    weights = sum(d.weight for d in result.dimensions)
    expected = sum(d.weight * d.score for d in result.dimensions) / weights
    assert result.score == pytest.approx(expected, abs=0.1)


def test_non_food_products_skip_food_questions():
    keys = {
        q.key
        for d in assess(TAPIS, {}, CONFIG, as_of=AS_OF).dimensions
        for q in d.questions
    }
    assert "packaging.label_language" not in keys
    assert "packaging.transport_packaging" in keys


# --- Evidence rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "counted", "basis"),
    [
        (AnswerFacts(0), 0, "self"),
        (AnswerFacts(2), 2, "self"),
        (AnswerFacts(3), 2, "unconfirmed"),  # 3+ without evidence counts as 2
        (AnswerFacts(4, evidenced=True), 2, "unconfirmed"),  # evidence, no officer yet
        (
            AnswerFacts(4, confirmed=True),
            2,
            "unconfirmed",
        ),  # confirmed without evidence
        (confirmed(3), 3, "confirmed"),
        (confirmed(4), 4, "confirmed"),
    ],
)
def test_answers_of_three_or_more_need_evidence_and_confirmation(
    answer, counted, basis
):
    result = assess(TAPIS, {"quality.specification": answer}, CONFIG, as_of=AS_OF)
    question = next(
        q
        for d in result.dimensions
        for q in d.questions
        if q.key == "quality.specification"
    )
    assert (question.counted, question.basis) == (counted, basis)


def test_an_unconfirmed_high_answer_is_a_low_severity_gap():
    result = assess(
        TAPIS, {"quality.specification": AnswerFacts(4)}, CONFIG, as_of=AS_OF
    )
    gap = next(g for g in result.gaps if g.key == "quality.specification")
    assert gap.severity == "low"


@pytest.mark.parametrize(
    ("value", "severity"), [(0, "high"), (1, "high"), (2, "medium")]
)
def test_gap_severity_follows_the_counted_score(value, severity):
    result = assess(
        TAPIS, {"quality.specification": AnswerFacts(value)}, CONFIG, as_of=AS_OF
    )
    assert (
        next(g for g in result.gaps if g.key == "quality.specification").severity
        == severity
    )


def test_unknown_answer_keys_are_ignored_by_the_scorer():
    result = assess(TAPIS, {"retired.question": confirmed()}, CONFIG, as_of=AS_OF)
    assert result.score == assess(TAPIS, {}, CONFIG, as_of=AS_OF).score


# --- Registry evidence ------------------------------------------------------------------------


def _question(result, key):
    return next(q for d in result.dimensions for q in d.questions if q.key == key)


@pytest.mark.parametrize(
    ("capacity_kg", "counted"),
    [
        (0, 0),
        (899, 0),
        (900, 1),
        (4499, 1),
        (4500, 2),
        (8999, 2),
        (9000, 3),
        (17999, 3),
        (18000, 4),
    ],
)
def test_capacity_is_scored_against_the_typical_order(capacity_kg, counted):
    # green coffee: typical order 18 t a month (one container); bounds 0.05 / 0.25 / 0.5 / 1
    result = assess(
        replace(GREEN_COFFEE, monthly_capacity_kg=capacity_kg), {}, CONFIG, as_of=AS_OF
    )
    question = _question(result, "capacity.monthly_capacity")
    assert question.counted == counted
    assert question.basis == "registry"


def test_typical_order_uses_the_longest_hs_prefix():
    assert CONFIG.typical_order_kg("090121") == 5000
    assert CONFIG.typical_order_kg("090111") == 18000
    assert CONFIG.typical_order_kg("999999") == CONFIG.default_order_kg


@pytest.mark.parametrize(
    ("certificates", "counted"),
    [
        ((), 0),
        ((cert("halal", verified=False),), 2),
        ((cert("halal"),), 4),
        ((cert("halal", until=EXPIRED),), 0),
    ],
)
def test_a_halal_certificate_answers_the_halal_question(certificates, counted):
    facts = replace(CHIPS, certificates=(cert("pirt"), *certificates))
    question = _question(
        assess(facts, {}, CONFIG, as_of=AS_OF), "standards.halal_certificate"
    )
    assert question.counted == counted


@pytest.mark.parametrize(
    ("languages", "counted"), [({"id"}, 0), ({"id", "en"}, 3), ({"ms"}, 3)]
)
def test_label_in_malay_or_english_is_evidence(languages, counted):
    facts = replace(CHIPS, label_languages=frozenset(languages))
    question = _question(
        assess(facts, {}, CONFIG, as_of=AS_OF), "packaging.label_language"
    )
    assert question.counted == counted


def test_the_nib_answers_the_registration_question():
    question = _question(
        assess(GREEN_COFFEE, {}, CONFIG, as_of=AS_OF), "mechanics.nib_customs"
    )
    assert (question.counted, question.detail) == (3, "NIB 9120000000001")


def test_fish_needs_skp_and_haccp():
    shrimp = replace(GREEN_COFFEE, hs_code="030617")
    keys = {
        q.key
        for d in assess(shrimp, {}, CONFIG, as_of=AS_OF).dimensions
        for q in d.questions
    }
    assert "standards.haccp_skp" in keys
    with_cert = replace(shrimp, certificates=(cert("haccp"),))
    assert (
        _question(
            assess(with_cert, {}, CONFIG, as_of=AS_OF), "standards.haccp_skp"
        ).counted
        == 4
    )


# --- Gaps and plan ----------------------------------------------------------------------------


def test_plan_puts_gates_first_then_the_weakest_dimension():
    facts = replace(
        GREEN_COFFEE, permit_requirement_ids=PERMIT, monthly_capacity_kg=18000
    )
    answers = {
        q.key: confirmed() for q in CONFIG.questions if not q.key.startswith("quality.")
    }
    answers.pop("partner.importer_permit")
    answers["commitment.financing"] = AnswerFacts(2)
    result = assess(facts, answers, CONFIG, as_of=AS_OF)
    keys = [step.gap_key for step in result.plan]
    assert keys[0] == "gate.importer_permit"
    # quality (0) is weaker than commitment (two of three done), so it comes first
    assert keys.index("quality.specification") < keys.index("commitment.financing")


def test_a_question_covered_by_a_failed_gate_has_no_second_step():
    result = assess(
        replace(CHIPS, certificates=(cert("pirt"),)), {}, CONFIG, as_of=AS_OF
    )
    keys = [gap.key for gap in result.gaps]
    assert "gate.halal" in keys
    assert "standards.halal_certificate" not in keys


def test_label_printing_waits_for_the_halal_certificate():
    result = assess(
        replace(CHIPS, certificates=(cert("pirt"),)), {}, CONFIG, as_of=AS_OF
    )
    order = {step.gap_key: step.order for step in result.plan}
    label = next(
        step for step in result.plan if step.gap_key == "packaging.label_items"
    )
    assert order["gate.halal"] in label.depends_on
    assert all(dep < label.order for dep in label.depends_on)


def test_every_step_comes_after_its_dependencies():
    result = assess(CHIPS, {}, CONFIG, as_of=AS_OF)
    for step in result.plan:
        assert all(dep < step.order for dep in step.depends_on)
    assert [step.order for step in result.plan] == list(range(1, len(result.plan) + 1))


def test_one_step_per_gap_with_agency_and_estimates():
    result = assess(CHIPS, {}, CONFIG, as_of=AS_OF)
    assert [s.gap_key for s in result.plan] != []
    assert sorted(s.gap_key for s in result.plan) == sorted(g.key for g in result.gaps)
    halal = next(s for s in result.plan if s.gap_key == "gate.halal")
    assert halal.template.agency == "BPJPH"
    assert halal.template.est_days is not None


def test_batch_and_single_assessment_agree():
    rows = [
        GREEN_COFFEE,
        CHIPS,
        TAPIS,
        replace(CHIPS, certificates=(cert("pirt"), cert("halal"))),
    ]
    answers = [
        {},
        {"quality.specification": confirmed()},
        {"partner.loi_mou": AnswerFacts(3)},
        {},
    ]
    batch = score_many(rows, answers, CONFIG, as_of=AS_OF)
    for i, (facts, given) in enumerate(zip(rows, answers, strict=True)):
        assert batch.result(i) == assess(facts, given, CONFIG, as_of=AS_OF)


# --- The config file --------------------------------------------------------------------------


def test_the_shipped_config_has_the_seven_dimensions_and_weights_of_trade_md():
    weights = {d.key: d.weight for d in CONFIG.dimensions}
    assert weights == {
        "standards": 20,
        "partner": 15,
        "capacity": 15,
        "quality": 15,
        "packaging": 15,
        "mechanics": 15,
        "commitment": 5,
    }
    assert (CONFIG.intermediate_from, CONFIG.ready_from) == (40, 70)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("check: nib\n", "check: nob\n", "gate.nib: unknown check"),
        ("weight: 20\n", "weight: 0\n", "standards: weight must be positive"),
        ("applies: fish\n", "applies: fishy\n", "standards.haccp_skp: unknown applies"),
        (
            "    depends_on: [quality.shelf_life_test]\n",
            "    depends_on: [quality.nothing]\n",
            "steps.packaging.date_marking: depends on unknown",
        ),
        ("  intermediate_from: 40\n", "  intermediate_from: 80\n", "levels: need"),
        ("answer_max: 4\n", "", "missing or malformed"),
        ("version: 3\n", "version: [3\n", "not valid YAML"),
    ],
)
def test_a_malformed_config_names_the_file_and_the_entry(old, new, message):
    text = DATA.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ConfigError, match=r"data/readiness/assessment\.yaml") as error:
        parse_config(text.replace(old, new, 1))
    assert message in str(error.value)


def test_a_dependency_cycle_is_refused():
    text = DATA.read_text(encoding="utf-8").replace(
        '  gate.halal:\n    agency: "BPJPH"',
        '  gate.halal:\n    depends_on: [packaging.label_items]\n    agency: "BPJPH"',
    )
    text = text.replace("    depends_on: []\n", "", 1)
    with pytest.raises(ConfigError, match="cycle"):
        parse_config(text)


def test_outcome_matches_the_full_result_for_many_products():
    """The memoised outcome (what re-assessment compares) equals the full result's parts."""
    import random

    rng = random.Random(7)  # noqa: S311 (test data)
    keys = [q.key for q in CONFIG.questions]
    rows, answers = [], []
    for _ in range(300):
        base = rng.choice((GREEN_COFFEE, CHIPS, TAPIS))
        rows.append(
            replace(
                base,
                monthly_capacity_kg=rng.choice((0, 1000, 9000, 20000)),
                permit_requirement_ids=PERMIT if rng.random() < 0.3 else (),
                certificates=tuple(
                    cert(kind, verified=rng.random() < 0.5)
                    for kind in rng.sample(
                        ["halal", "pirt", "haccp"], rng.randint(0, 2)
                    )
                ),
            )
        )
        answers.append(
            {
                key: AnswerFacts(
                    rng.randint(0, 4), rng.random() < 0.5, rng.random() < 0.5
                )
                for key in rng.sample(keys, rng.randint(0, 12))
            }
        )
    batch = score_many(rows, answers, CONFIG, as_of=AS_OF)
    for i in range(len(rows)):
        full = batch.result(i)
        assert tuple(batch.outcome(i)) == (
            full.score,
            full.level,
            full.gates,
            full.gaps,
            full.plan,
        )


def test_every_step_document_has_indonesian_and_malay_names():
    import yaml

    names = yaml.safe_load(DATA.read_text(encoding="utf-8"))["document_names"]
    used = {doc for step in CONFIG.steps.values() for doc in step.documents}
    missing = sorted(
        doc
        for doc in used
        if not (names.get(doc, {}).get("id") and names.get(doc, {}).get("ms"))
    )
    assert missing == []
