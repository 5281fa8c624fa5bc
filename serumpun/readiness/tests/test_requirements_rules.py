"""The requirement rules in data/rules/readiness/: each applies, and stops at its boundary.

Table-driven over every rule in the files: one row says a product the rule applies to and
one a product just outside it (a neighbouring HS code, another market, a missing claim, the
other "processed" answer). Every rule also stops the day before it comes into force. A rule
added to the files without a row here fails `test_every_rule_has_a_row`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serumpun.readiness import knowledge
from serumpun.readiness.rules.requirements import (
    CLAIMS,
    ApplicableRequirement,
    Requirement,
    match_requirements,
)

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def book() -> knowledge.RequirementBook:
    loaded, errors = knowledge.load_book(knowledge.requirement_files())
    assert errors == []
    return loaded


def case(hs: str, market: str = "MY", claims=(), processed=None) -> dict[str, Any]:
    return {"hs_code": hs, "market": market, "claims": claims, "processed": processed}


# id -> (a product it applies to, a product just outside it; None: no filter to cross)
ROWS: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    # common to food, Malaysia
    "MY-FOOD-FOSIM": (case("220300"), case("230990")),  # ch. 22 food, ch. 23 feed
    "MY-CUSTOMS-K1": (case("581092"), case("581092", market="SG")),
    "MY-FOOD-LABEL-LANGUAGE": (case("200899"), case("140490")),
    "MY-FOOD-LABEL-ITEMS": (case("020110"), case("050400")),
    "MY-FOOD-LABEL-STATEMENTS": (
        case("190590", claims=["contains_alcohol"]),
        case("190590", claims=["halal"]),
    ),
    "MY-HALAL-RECOGNISED": (case("581092", claims=["halal"]), case("581092")),
    "MY-HALAL-EXPECTED": (
        case("200899", processed=True),
        case("200899", processed=False),
    ),
    "MY-ATIGA-FORM-D": (case("090111"), case("090111", market="SG")),
    "MY-ATIGA-RATE": (case("090111"), case("090111", market="BN")),
    # every export from Indonesia
    "ID-NIB": (case("581092", market="SG"), None),
    "ID-NPWP": (case("090111"), None),
    "ID-CUSTOMS-REGISTRATION": (case("090111"), None),
    "ID-PEB": (case("090111"), None),
    "ID-SHIPPING-DOCUMENTS": (case("090111"), None),
    "ID-E-SKA-FORM-D": (case("090111"), case("090111", market="SG")),
    "ID-FOOD-REGISTRATION": (
        case("200899", processed=True),
        case("200899", processed=False),
    ),
    "ID-HALAL-BPJPH": (case("200899", claims=["halal"]), case("200899")),
    "ID-HALAL-SELF-DECLARED": (
        case("200899", claims=["halal"]),
        case("200899", claims=["contains_alcohol"]),
    ),
    # coffee
    "MY-COFFEE-PERMIT": (case("090111"), case("090121")),
    "MY-COFFEE-IMPORTER-REGISTERED": (case("090112"), case("090121")),
    "ID-COFFEE-ETK": (case("210111"), case("210120")),
    "ID-COFFEE-ICO": (case("090121"), case("210120")),
    # plant produce
    "ID-PHYTOSANITARY": (case("090411"), case("090412")),
    "ID-BPOM-SKE": (case("170290"), case("170230")),
    # pepper
    "MY-PEPPER-PERMIT": (case("090411"), case("090412")),
    "MY-PEPPER-NO-FUMIGATION": (case("090412"), case("090510")),
    "MY-PEPPER-BOARD": (case("090411"), case("090510")),
    # chips, cassava
    "ID-CHIPS-PHYTO-ON-REQUEST": (case("200599"), case("200520")),
    "MY-CASSAVA-PERMIT": (case("071410"), case("110814")),
    # fish and crustaceans
    "MY-FISH-PERMIT": (case("030617"), case("160510")),
    "ID-FISH-HEALTH-KI1": (case("160510"), case("160250")),
    "ID-FISH-SKP": (case("030614"), case("160250")),
    "ID-FISH-HACCP": (case("030617"), case("020110")),
    # cocoa
    "MY-COCOA-PERMIT": (case("180100"), case("180500")),
    "MY-COCOA-QUARANTINE-RESTRICTION": (case("180100"), case("180631")),
    "MY-COCOA-BOARD": (case("180100"), case("180200")),
    # honey
    "MY-HONEY-PERMIT": (case("040900"), case("041000")),
    "ID-HONEY-QUARANTINE": (case("040900"), case("040811")),
    # tapis and handicrafts
    "MY-CRAFT-STANDARDS": (case("581092"), case("610910")),
}


def applies(book, rule_id: str, query: dict[str, Any], as_of=TODAY) -> bool:
    matches = match_requirements(book.rules, **query, as_of=as_of)
    return rule_id in {match.requirement.id for match in matches}


def test_every_rule_has_a_row(book):
    assert {rule.id for rule in book.rules} == set(ROWS)


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_it_applies_to_the_product_it_names(book, rule_id):
    inside, _ = ROWS[rule_id]
    assert applies(book, rule_id, inside)


@pytest.mark.parametrize("rule_id", sorted(r for r, (_, out) in ROWS.items() if out))
def test_it_does_not_apply_just_outside(book, rule_id):
    _, outside = ROWS[rule_id]
    assert not applies(book, rule_id, outside)


@pytest.mark.parametrize("rule_id", sorted(ROWS))
def test_it_applies_from_its_effective_date_and_not_the_day_before(book, rule_id):
    inside, _ = ROWS[rule_id]
    (rule,) = [r for r in book.rules if r.id == rule_id]
    assert applies(book, rule_id, inside, as_of=rule.effective_from)
    assert not applies(
        book, rule_id, inside, as_of=rule.effective_from - dt.timedelta(days=1)
    )


def test_a_rule_stops_after_its_last_day(book):
    (rule,) = [r for r in book.rules if r.id == "MY-COFFEE-PERMIT"]
    ended = Requirement(**{**rule.__dict__, "effective_to": dt.date(2026, 12, 31)})
    query = case("090111")
    assert match_requirements([ended], **query, as_of=dt.date(2026, 12, 31))
    assert not match_requirements([ended], **query, as_of=dt.date(2027, 1, 1))


def test_every_rule_cites_a_source_and_a_confidence(book):
    for rule in book.rules:
        assert rule.source.url.startswith("https://"), rule.id
        assert rule.source.title, rule.id
        assert rule.confidence in {"high", "medium", "low"}, rule.id
        assert set(rule.title) >= {"id", "en", "ms"}, rule.id


def test_the_research_confidence_is_kept(book):
    confidence = {rule.id: rule.confidence for rule in book.rules}
    assert confidence["MY-COFFEE-PERMIT"] == "high"  # official WTO notification
    assert confidence["ID-PHYTOSANITARY"] == "medium"
    assert confidence["MY-HONEY-PERMIT"] == "low"  # honey on the list not verified
    assert confidence["ID-HALAL-SELF-DECLARED"] == "low"


def test_green_coffee_needs_a_permit_phyto_and_both_sides(book):
    matches = match_requirements(book.rules, **case("090111"), as_of=TODAY)
    ids = [match.requirement.id for match in matches]
    assert {
        "MY-COFFEE-PERMIT",
        "MY-COFFEE-IMPORTER-REGISTERED",
        "ID-PHYTOSANITARY",
    } <= set(ids)
    sides = [match.requirement.side for match in matches]
    # origin first, then destination, each in step order
    assert sides == sorted(sides, key=("origin", "destination").index)
    steps = [(m.requirement.side, m.requirement.step_order) for m in matches]
    assert steps == sorted(
        steps, key=lambda s: (("origin", "destination").index(s[0]), s[1])
    )


def test_roasted_coffee_needs_no_maqis_permit(book):
    matches = match_requirements(book.rules, **case("090121"), as_of=TODAY)
    assert not [m for m in matches if m.requirement.permit]


def test_processed_unsaid_keeps_conditional_rules_with_the_reason(book):
    matches = match_requirements(book.rules, **case("200899"), as_of=TODAY)
    (registration,) = [m for m in matches if m.requirement.id == "ID-FOOD-REGISTRATION"]
    assert ("processed_unknown", "processed") in registration.reasons


def test_reasons_name_the_rule_claim_or_market(book):
    matches = {
        m.requirement.id: m.reasons
        for m in match_requirements(
            book.rules, **case("190590", claims=["halal"]), as_of=TODAY
        )
    }
    assert matches["MY-HALAL-RECOGNISED"] == (("claim", "halal"),)
    assert matches["MY-CUSTOMS-K1"] == (("market", "MY"),)
    assert matches["ID-NIB"] == (("every",),)
    assert matches["MY-FOOD-FOSIM"] == (("rule",),)


def test_permits_only_lists_destination_permits(book):
    def permits(hs):
        return [
            m.requirement.id
            for m in match_requirements(
                book.rules, **case(hs), as_of=TODAY, permits_only=True
            )
        ]

    assert permits("090111") == ["MY-COFFEE-PERMIT"]
    assert permits("030617") == ["MY-FISH-PERMIT"]
    assert permits("090121") == []
    assert permits("581092") == []


def test_applicable_requirement_carries_a_sentence(book):
    requirement = book.rules[0]
    item = ApplicableRequirement(requirement, "because")
    assert item.applies_because == "because"
    assert requirement.title_in("xx") == requirement.title["en"]


@given(
    hs=st.from_regex(r"\A[0-9]{6}\Z"),
    market=st.sampled_from(["MY", "SG", "ID"]),
    claims=st.sets(st.sampled_from(sorted(CLAIMS))),
    processed=st.sampled_from([None, True, False]),
)
@settings(max_examples=200, deadline=None)
def test_any_product_gets_ordered_requirements_with_reasons(
    book, hs, market, claims, processed
):
    matches = match_requirements(
        book.rules,
        hs_code=hs,
        market=market,
        claims=claims,
        processed=processed,
        as_of=TODAY,
    )

    keys = [
        (("origin", "destination").index(m.requirement.side), m.requirement.step_order)
        for m in matches
    ]
    assert keys == sorted(keys)
    assert all(m.reasons for m in matches)
    # every export from Indonesia needs the NIB; a market without data gets no
    # destination requirement
    assert "ID-NIB" in {m.requirement.id for m in matches}
    if market != "MY":
        assert all(m.requirement.side == "origin" for m in matches)
    # a halal requirement appears only with the halal claim
    if "halal" not in claims:
        assert "MY-HALAL-RECOGNISED" not in {m.requirement.id for m in matches}
