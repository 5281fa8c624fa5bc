"""The rulebook: rule files parse, malformed ones are refused by name, the system check reports them."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from serumpun.core.rulebook import (
    RuleFileError,
    Source,
    clear_cache,
    load_rulebook,
    parse_rules,
)
from serumpun.core.rulebook_checks import rule_files_are_valid, rulebook_for

GOOD_RULE = """\
  - id: T-1
    title: {id: "Judul", en: "Title", ms: "Tajuk"}
    message: {id: "Upah {wage} kurang dari {min_monthly_wage_myr}", en: "Wage {wage} below {min_monthly_wage_myr}", ms: "Gaji {wage} di bawah {min_monthly_wage_myr}"}
    applies_to: {sectors: [manufacturing]}
    check: min_basic_wage
    params: {min_monthly_wage_myr: 1700}
    severity: blocking
    source: {title: "A source", url: "https://example.test/a", published: 2025-07-22}
    effective_from: 2025-02-01
    effective_to: null
    confidence: high
"""


def rules_text(*rules: str, header: str = 'version: "1"\n') -> str:
    return header + "rules:\n" + "".join(rules)


def variant(replace: str, by: str, rule: str = GOOD_RULE) -> str:
    assert replace in rule, replace
    return rule.replace(replace, by)


def test_it_parses_a_well_formed_rule():
    (rule,) = parse_rules(rules_text(GOOD_RULE), file="data/rules/x/a.yaml")

    assert rule.id == "T-1"
    assert rule.check == "min_basic_wage"
    assert rule.params == {"min_monthly_wage_myr": 1700}
    assert rule.applies_to == {"sectors": ["manufacturing"]}
    assert rule.severity == "blocking"
    assert rule.confidence == "high"
    assert rule.source == Source(
        "A source", "https://example.test/a", date(2025, 7, 22)
    )
    assert rule.effective_from == date(2025, 2, 1)
    assert rule.effective_to is None
    assert rule.file == "data/rules/x/a.yaml"


def test_in_force_is_inclusive_at_both_ends():
    ending = variant("effective_to: null", "effective_to: 2025-03-31")
    (rule,) = parse_rules(rules_text(ending), file="a.yaml")

    assert not rule.in_force(date(2025, 1, 31))
    assert rule.in_force(date(2025, 2, 1))
    assert rule.in_force(date(2025, 3, 31))
    assert not rule.in_force(date(2025, 4, 1))


def test_text_falls_back_to_english_for_an_unknown_language():
    (rule,) = parse_rules(rules_text(GOOD_RULE), file="a.yaml")

    assert rule.text("title", "ms") == "Tajuk"
    assert rule.text("title", "fr") == "Title"
    assert rule.text("message", "id").startswith("Upah")
    with pytest.raises(ValueError, match="no translated field"):
        rule.text("source", "en")


MALFORMED = [
    # (what is wrong, rule text, words the error must contain)
    (
        "effective_from not a date",
        variant("effective_from: 2025-02-01", "effective_from: soon"),
        "effective_from is not a date",
    ),
    (
        "effective_from a datetime",
        variant("effective_from: 2025-02-01", "effective_from: 2025-02-01 10:00:00"),
        "effective_from is not a date",
    ),
    (
        "effective_to before from",
        variant("effective_to: null", "effective_to: 2025-01-01"),
        "effective_to is before effective_from",
    ),
    (
        "unknown severity",
        variant("severity: blocking", "severity: fatal"),
        "severity must be one of",
    ),
    (
        "unknown confidence",
        variant("confidence: high", "confidence: sure"),
        "confidence must be one of",
    ),
    (
        "missing key",
        variant("    check: min_basic_wage\n", ""),
        "missing keys ['check']",
    ),
    (
        "unknown key",
        variant(
            "    confidence: high\n", "    confidence: high\n    efective_to: null\n"
        ),
        "unknown keys ['efective_to']",
    ),
    (
        "title without ms",
        variant(
            'title: {id: "Judul", en: "Title", ms: "Tajuk"}',
            'title: {id: "Judul", en: "Title"}',
        ),
        "title needs non-empty text",
    ),
    (
        "empty message",
        variant('en: "Wage {wage} below {min_monthly_wage_myr}"', 'en: ""'),
        "message needs non-empty text",
    ),
    (
        "broken template",
        variant(
            'en: "Wage {wage} below {min_monthly_wage_myr}"', 'en: "Wage {wage below"'
        ),
        "message.en is not a valid template",
    ),
    (
        "attribute in template",
        variant(
            'en: "Wage {wage} below {min_monthly_wage_myr}"',
            'en: "Wage {wage.__class__}"',
        ),
        "use {name} placeholders",
    ),
    (
        "source without url",
        variant('url: "https://example.test/a", ', ""),
        "source.url must be an http(s) address",
    ),
    (
        "source without published",
        variant(", published: 2025-07-22", ""),
        "source.published is missing",
    ),
    (
        "applies_to not a list",
        variant(
            "applies_to: {sectors: [manufacturing]}",
            "applies_to: {sectors: manufacturing}",
        ),
        "applies_to.sectors must be a non-empty list",
    ),
    (
        "params not a mapping",
        variant("params: {min_monthly_wage_myr: 1700}", "params: [1700]"),
        "params must be a mapping",
    ),
    (
        "duplicate key",
        variant(
            "    severity: blocking\n",
            "    severity: blocking\n    severity: warning\n",
        ),
        "not valid YAML",
    ),
]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [(rule, expected) for _, rule, expected in MALFORMED],
    ids=[name for name, _, _ in MALFORMED],
)
def test_it_refuses_a_malformed_rule_naming_file_and_rule(rule, expected):
    with pytest.raises(RuleFileError) as caught:
        parse_rules(rules_text(rule), file="data/rules/labour/malaysia.yaml")

    error = caught.value
    assert expected in str(error)
    assert error.file == "data/rules/labour/malaysia.yaml"
    assert str(error).startswith("data/rules/labour/malaysia.yaml")
    if "YAML" not in expected:
        assert error.rule_id == "T-1"
        assert str(error).startswith("data/rules/labour/malaysia.yaml: rule T-1: ")


def test_the_error_message_reads_file_rule_problem():
    bad = variant("effective_from: 2025-02-01", "effective_from: someday")
    bad = bad.replace("id: T-1", "id: MY-5")

    with pytest.raises(RuleFileError) as caught:
        parse_rules(rules_text(bad), file="data/rules/labour/malaysia.yaml")

    assert str(caught.value) == (
        "data/rules/labour/malaysia.yaml: rule MY-5: effective_from is not a date"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: [1, 2", "not valid YAML"),
        ("- just a list", "must be a mapping with a `rules:` list"),
        ("rules: {}", "must be a mapping with a `rules:` list"),
        ('rules: []\nauthor: "me"', "unknown top-level keys ['author']"),
        ("rules:\n  - title: {en: x}", "rule #1 has no `id`"),
        ("rules:\n  - 42", "rule #1 is not a mapping"),
    ],
)
def test_it_refuses_a_malformed_file(text, expected):
    with pytest.raises(RuleFileError, match=r"rules/x\.yaml") as caught:
        parse_rules(text, file="rules/x.yaml")

    assert expected in str(caught.value)
    assert caught.value.rule_id is None


def test_it_checks_names_against_the_domains_vocabulary():
    text = rules_text(GOOD_RULE)
    vocab = {
        "known_checks": frozenset({"min_basic_wage"}),
        "check_params": {"min_basic_wage": {"min_monthly_wage_myr"}},
        "known_filters": frozenset({"sectors"}),
    }
    assert parse_rules(text, file="a.yaml", **vocab)

    with pytest.raises(
        RuleFileError, match="check 'min_basic_wage' is not a registered"
    ):
        parse_rules(text, file="a.yaml", known_checks=frozenset({"other"}))
    with pytest.raises(RuleFileError, match=r"params missing \['floor'\]"):
        parse_rules(text, file="a.yaml", check_params={"min_basic_wage": {"floor"}})
    with pytest.raises(RuleFileError, match=r"unknown filters \['sectors'\]"):
        parse_rules(text, file="a.yaml", known_filters=frozenset({"channels"}))


def test_one_id_may_repeat_only_as_successive_versions():
    old = variant("effective_to: null", "effective_to: 2025-01-31").replace(
        "effective_from: 2025-02-01", "effective_from: 2022-05-01"
    )
    assert len(parse_rules(rules_text(old, GOOD_RULE), file="a.yaml")) == 2

    overlapping = old.replace("effective_to: 2025-01-31", "effective_to: 2025-02-01")
    with pytest.raises(RuleFileError, match="rule T-1: duplicate id"):
        parse_rules(rules_text(overlapping, GOOD_RULE), file="a.yaml")
    with pytest.raises(RuleFileError, match="rule T-1: duplicate id"):
        parse_rules(rules_text(GOOD_RULE, GOOD_RULE), file="a.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_are_unique_across_the_files_of_a_domain(tmp_path):
    write(tmp_path / "labour", "a.yaml", rules_text(GOOD_RULE))
    write(tmp_path / "labour", "b.yaml", rules_text(GOOD_RULE))

    with pytest.raises(RuleFileError, match=r"b\.yaml: rule T-1: duplicate id"):
        load_rulebook(tmp_path, "labour")


def test_the_version_follows_the_files_content(tmp_path):
    clear_cache()
    path = write(tmp_path / "labour", "a.yaml", rules_text(GOOD_RULE))
    first = load_rulebook(tmp_path, "labour")
    assert len(first.version) == 12
    assert load_rulebook(tmp_path, "labour") is first  # cached

    path.write_text(rules_text(GOOD_RULE, header='version: "2"\n'), encoding="utf-8")
    os.utime(
        path, ns=(1, path.stat().st_mtime_ns + 10**9)
    )  # a new mtime, whatever the clock
    second = load_rulebook(tmp_path, "labour")

    assert second is not first
    assert second.version != first.version
    assert [rule.id for rule in second.rules] == ["T-1"]


def test_get_returns_the_version_in_force(tmp_path):
    old = variant("effective_to: null", "effective_to: 2025-01-31").replace(
        "effective_from: 2025-02-01", "effective_from: 2022-05-01"
    )
    write(tmp_path / "labour", "a.yaml", rules_text(old, GOOD_RULE))
    book = load_rulebook(tmp_path, "labour")

    assert book.get("T-1", date(2024, 6, 1)).effective_from == date(2022, 5, 1)
    assert book.get("T-1").effective_from == date(2025, 2, 1)
    assert book.get("T-1", date(2020, 1, 1)) is None
    assert book.get("nope") is None
    assert [r.effective_from for r in book.in_force(date(2024, 6, 1))] == [
        date(2022, 5, 1)
    ]


def test_an_empty_domain_is_an_empty_rulebook(tmp_path):
    book = load_rulebook(tmp_path, "nothing")

    assert book.rules == ()
    assert book.in_force(date(2025, 1, 1)) == ()


# --- the system check ---------------------------------------------------------------


def test_the_check_is_registered():
    assert rule_files_are_valid in checks.registry.registry.get_checks()


def test_the_real_rule_files_pass_the_check():
    assert rule_files_are_valid(None) == []


def test_the_real_labour_rules_load_with_their_predicates():
    book = rulebook_for("labour")

    assert {"ID-1", "MY-5", "OCS-2", "FR-1"} <= {rule.id for rule in book.rules}


def test_the_check_reports_a_malformed_rule_by_file_and_rule(tmp_path):
    bad = variant("effective_from: 2025-02-01", "effective_from: someday")
    write(tmp_path / "rules" / "labour", "malaysia.yaml", rules_text(bad))
    write(tmp_path / "rules" / "readiness", "ok.yaml", rules_text(GOOD_RULE))

    with override_settings(DATA_DIR=tmp_path):
        errors = rule_files_are_valid(None)

    assert len(errors) == 1
    (error,) = errors
    assert error.id == "serumpun.E010"
    assert error.level == checks.ERROR
    assert "malaysia.yaml: rule T-1: effective_from is not a date" in error.msg


def test_the_check_knows_the_labour_predicates(tmp_path):
    unknown = variant("check: min_basic_wage", "check: no_such_predicate")
    write(tmp_path / "rules" / "labour", "a.yaml", rules_text(unknown))
    write(tmp_path / "rules" / "other", "a.yaml", rules_text(unknown))  # no registry

    with override_settings(DATA_DIR=tmp_path):
        errors = rule_files_are_valid(None)

    assert [e.msg.split(": rule")[0].rsplit("/", 2)[-2] for e in errors] == ["labour"]
    assert "'no_such_predicate' is not a registered predicate" in errors[0].msg


def test_the_check_lists_every_problem_not_only_the_first(tmp_path):
    first = variant("severity: blocking", "severity: fatal")
    second = variant("confidence: high", "confidence: sure").replace("T-1", "T-2")
    write(tmp_path / "rules" / "x", "a.yaml", rules_text(first, second))
    write(tmp_path / "rules" / "x", "b.yaml", "rules: [")

    with override_settings(DATA_DIR=tmp_path):
        errors = rule_files_are_valid(None)

    assert len(errors) == 3
    assert "rule T-1: severity" in errors[0].msg
    assert "rule T-2: confidence" in errors[1].msg
    assert "b.yaml: is not valid YAML" in errors[2].msg


def test_the_check_is_quiet_without_a_rules_directory(tmp_path):
    with override_settings(DATA_DIR=tmp_path):
        assert rule_files_are_valid(None) == []


def test_rule_file_error_is_a_value_error():
    error = RuleFileError("broken", file="f.yaml", rule_id="R")

    assert isinstance(error, ValueError)
    assert (error.file, error.rule_id, error.problem) == ("f.yaml", "R", "broken")
    assert str(error) == "f.yaml: rule R: broken"
