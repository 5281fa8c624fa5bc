"""The label checker's pure rules: mandatory items, language, date marking, halal logo."""

from __future__ import annotations

import pytest

from serumpun.readiness import knowledge
from serumpun.readiness.rules.labels import (
    MAY_NOT_USE,
    MAY_USE,
    TO_CONFIRM,
    LabelFacts,
    check_label,
    halal_certificate_status,
)


@pytest.fixture(scope="module")
def rules():
    return knowledge.load_label_rules(knowledge.label_rules_path())


ALWAYS = frozenset(
    {"product_name", "ingredients", "net_content", "origin", "importer", "date_marking"}
)
COMPLETE = LabelFacts(items=ALWAYS | {"nutrition"}, languages=frozenset({"en"}))


def facts(**changes) -> LabelFacts:
    values = {**COMPLETE.__dict__, **changes}
    return LabelFacts(**values)


def missing_keys(verdict) -> set[str]:
    return {item.key for item in verdict.missing}


def test_a_complete_english_label_passes(rules):
    verdict = check_label(COMPLETE, rules)

    assert verdict.ok
    assert verdict.missing == ()
    assert verdict.to_check == ()
    assert verdict.languages_ok
    assert verdict.date_marking_ok
    assert verdict.halal.status == MAY_NOT_USE
    assert not verdict.halal.breaks_rule


def test_the_file_lists_the_research_items(rules):
    assert set(rules.item_keys) == ALWAYS | {
        "nutrition",
        "allergens",
        "gmo_statement",
        "contains_beef_or_pork",
        "contains_alcohol",
    }
    assert rules.accepted_languages == ("ms", "en")


@pytest.mark.parametrize("key", sorted(ALWAYS))
def test_each_always_mandatory_item_missing_fails(rules, key):
    verdict = check_label(facts(items=COMPLETE.items - {key}), rules)

    assert missing_keys(verdict) == {key}
    assert not verdict.ok


@pytest.mark.parametrize(
    ("content", "item"),
    [
        ("contains_allergens", "allergens"),
        ("contains_gmo", "gmo_statement"),
        ("contains_beef_or_pork", "contains_beef_or_pork"),
        ("contains_alcohol", "contains_alcohol"),
    ],
)
def test_a_content_makes_its_statement_mandatory(rules, content, item):
    without = check_label(facts(contains=frozenset({content})), rules)
    with_it = check_label(
        facts(contains=frozenset({content}), items=COMPLETE.items | {item}), rules
    )
    not_contained = check_label(COMPLETE, rules)

    assert missing_keys(without) == {item}
    assert with_it.ok
    assert item not in missing_keys(not_contained)


def test_nutrition_is_only_a_check_where_required(rules):
    verdict = check_label(facts(items=ALWAYS), rules)

    assert [item.key for item in verdict.to_check] == ["nutrition"]
    assert verdict.ok  # "where required" never fails on its own


@pytest.mark.parametrize(
    ("languages", "ok"),
    [
        ({"id"}, False),  # Indonesian alone is not accepted
        (set(), False),
        ({"zh"}, False),
        ({"en"}, True),
        ({"ms"}, True),
        ({"id", "en"}, True),
        ({"id", "ms", "en"}, True),
    ],
)
def test_the_label_must_be_in_malay_or_english(rules, languages, ok):
    verdict = check_label(facts(languages=frozenset(languages)), rules)

    assert verdict.languages_ok is ok
    assert verdict.ok is ok


def test_without_date_marking_the_date_verdict_fails(rules):
    verdict = check_label(facts(items=COMPLETE.items - {"date_marking"}), rules)

    assert not verdict.date_marking_ok
    assert not verdict.ok


@pytest.mark.parametrize(
    ("certificate", "logo", "expected"),
    [
        ("valid", True, (MAY_USE, True, "high")),
        ("valid", False, (MAY_USE, True, "high")),
        ("none", True, (MAY_NOT_USE, False, "high")),  # logo without certificate
        ("none", False, (MAY_NOT_USE, True, "high")),
        ("self_declared", True, (TO_CONFIRM, True, "low")),
        ("self_declared", False, (TO_CONFIRM, True, "low")),
    ],
)
def test_the_halal_logo_needs_a_recognised_certificate(
    rules, certificate, logo, expected
):
    status, ok, confidence = expected
    verdict = check_label(facts(halal_certificate=certificate, halal_logo=logo), rules)

    assert verdict.halal.status == status
    assert verdict.halal.on_label is logo
    assert verdict.ok is ok
    assert verdict.halal.confidence == confidence


@pytest.mark.parametrize(
    ("certificates", "status"),
    [
        ([], "none"),
        ([("pirt", "Dinas Kesehatan 123")], "none"),  # not a halal certificate
        ([("halal", "BPJPH ID1234")], "valid"),
        ([("halal", "BPJPH Self Declare SH2023")], "self_declared"),
        ([("halal", "BPJPH (SEHATI) 99")], "self_declared"),
        ([("halal", "BPJPH self-declare"), ("halal", "BPJPH reguler")], "valid"),
    ],
)
def test_the_certificate_status_comes_from_kind_and_issuer(rules, certificates, status):
    assert halal_certificate_status(certificates, rules) == status


def test_items_have_titles_and_sources(rules):
    for item in rules.items:
        assert item.title_in("id") and item.title_in("ms") and item.title_in("en")
        assert item.source.url.startswith("https://")
