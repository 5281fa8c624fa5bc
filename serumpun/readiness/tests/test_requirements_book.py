"""Loading the knowledge base: the system checks name a malformed file and rule, the cache
reloads an edited file, and the version follows the data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from serumpun.core.rulebook import RuleFileError
from serumpun.readiness import knowledge
from serumpun.readiness.rules.labels import LabelFileError

REAL_DATA = Path(settings.DATA_DIR)

RULE = """\
  - id: T-REQ
    title: {id: "Judul", en: "Title", ms: "Tajuk"}
    message: {id: "Isi", en: "Detail", ms: "Butiran"}
    applies_to: {markets: [MY], hs_prefixes: ["0901"]}
    check: requirement
    params: {side: destination, kind: permit, step: importer, agency: "MAQIS", mandatory: true, permit: true}
    severity: blocking
    source: {title: "A source", url: "https://example.test/a", published: 2024-11-19}
    effective_from: 2023-01-01
    effective_to: null
    confidence: high
"""


def rules_text(*rules: str) -> str:
    return 'version: "t"\nrules:\n' + "".join(rules)


@pytest.fixture
def data_dir(tmp_path):
    """A DATA_DIR with a copy of the real label rules and one requirement file."""
    (tmp_path / "rules" / "readiness").mkdir(parents=True)
    (tmp_path / "readiness").mkdir()
    shutil.copy(REAL_DATA / "readiness" / "labels.yaml", tmp_path / "readiness")
    write(tmp_path, "requirements-t.yaml", rules_text(RULE))
    knowledge.clear_cache()
    with override_settings(DATA_DIR=tmp_path):
        yield tmp_path
    knowledge.clear_cache()


def write(root: Path, name: str, text: str) -> Path:
    path = root / "rules" / "readiness" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_checks_are_registered():
    registered = checks.registry.registry.get_checks()
    assert knowledge.requirement_files_are_valid in registered
    assert knowledge.label_rules_are_valid in registered


def test_the_real_files_pass_the_checks():
    assert knowledge.requirement_files_are_valid(None) == []
    assert knowledge.label_rules_are_valid(None) == []


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        ("side: destination", "side: abroad", "params.side must be one of"),
        ("kind: permit", "kind: visa", "params.kind must be one of"),
        ("step: importer", "step: business", "params.step must be one of"),
        ('hs_prefixes: ["0901"]', "hs_prefixes: [901]", "write HS prefixes as quoted"),
        ("markets: [MY]", "markets: [malaysia]", "use ISO codes like MY"),
        ("mandatory: true,", "mandatory: yes please,", "must be true or false"),
        ('agency: "MAQIS", ', "", "params missing ['agency']"),
        ("check: requirement", "check: anything", "not a registered predicate"),
        (
            "applies_to: {markets",
            "applies_to: {sectors: [x], markets",
            "unknown filters",
        ),
        ("effective_from: 2023-01-01", "effective_from: soon", "effective_from"),
        ("kind: permit,", "kind: document,", "params.permit is only for"),
    ],
)
def test_a_malformed_rule_is_a_check_error_naming_file_and_rule(
    data_dir, replace, by, problem
):
    assert replace in RULE
    write(data_dir, "requirements-t.yaml", rules_text(RULE.replace(replace, by)))

    errors = knowledge.requirement_files_are_valid(None)

    assert len(errors) == 1
    (error,) = errors
    assert error.id == "serumpun.E040"
    assert error.level == checks.ERROR
    assert "requirements-t.yaml: rule T-REQ:" in error.msg
    assert problem in error.msg
    with pytest.raises(RuleFileError, match="T-REQ"):
        knowledge.requirement_book()


def test_manage_py_check_fails_on_a_malformed_rule(data_dir):
    write(
        data_dir,
        "requirements-t.yaml",
        rules_text(RULE.replace("kind: permit", "kind: x")),
    )

    with pytest.raises(SystemCheckError, match=r"requirements-t\.yaml: rule T-REQ"):
        call_command("check")


def test_an_id_in_two_files_is_refused(data_dir):
    write(data_dir, "requirements-u.yaml", rules_text(RULE))

    (error,) = knowledge.requirement_files_are_valid(None)

    assert "requirements-u.yaml: rule T-REQ: duplicate id" in error.msg


def test_other_readiness_rule_files_are_not_mine(data_dir):
    write(data_dir, "gates.yaml", "rules: []\n")  # another engine's file

    assert knowledge.requirement_files_are_valid(None) == []
    assert [r.id for r in knowledge.requirement_book().rules] == ["T-REQ"]


def test_the_book_reloads_an_edited_file_and_its_version_changes(data_dir):
    first = knowledge.requirement_book()
    assert knowledge.requirement_book() is first  # cached

    second_rule = RULE.replace("T-REQ", "T-OTHER").replace('"0901"', '"0904"')
    write(data_dir, "requirements-t.yaml", rules_text(RULE, second_rule))
    knowledge.clear_cache()
    second = knowledge.requirement_book()

    assert second.version != first.version
    assert {r.id for r in second.rules} == {"T-REQ", "T-OTHER"}
    assert second.markets == frozenset({"MY"})


def test_permit_requirements_reads_the_book(data_dir):
    as_of = dt.date(2026, 12, 6)
    assert [
        r.id
        for r in knowledge.permit_requirements(
            hs_code="090111", market="MY", as_of=as_of
        )
    ] == ["T-REQ"]
    assert (
        knowledge.permit_requirements(hs_code="090411", market="MY", as_of=as_of) == []
    )
    assert (
        knowledge.permit_requirements(
            hs_code="090111", market="MY", as_of=dt.date(2022, 12, 31)
        )
        == []
    )


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        (
            'when: always\n    title: {id: "Nama produk"',
            'when: sometimes\n    title: {id: "Nama produk"',
            "item product_name: when must be one of",
        ),
        ("accepted: [ms, en]", "accepted: [ms, klingon]", "languages.accepted"),
        (
            "self_declared_confidence: low",
            "self_declared_confidence: maybe",
            "self_declared_confidence",
        ),
        (
            "  - key: ingredients\n    when: always",
            "  - key: product_name\n    when: always",
            "item product_name: duplicate item key",
        ),
    ],
)
def test_a_malformed_label_file_is_a_check_error(data_dir, replace, by, problem):
    path = data_dir / "readiness" / "labels.yaml"
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")

    (error,) = knowledge.label_rules_are_valid(None)

    assert error.id == "serumpun.E041"
    assert "labels.yaml" in error.msg
    assert problem in error.msg
    with pytest.raises(LabelFileError):
        knowledge.load_label_rules(path)


def test_a_missing_label_file_is_a_check_error(data_dir):
    (data_dir / "readiness" / "labels.yaml").unlink()

    (error,) = knowledge.label_rules_are_valid(None)

    assert error.id == "serumpun.E041"
    assert "missing" in error.msg


def test_a_requirements_repr_does_not_depend_on_where_it_was_read(
    data_dir, monkeypatch
):
    first = repr(knowledge.requirement_book().rules[0])
    monkeypatch.chdir(data_dir)
    knowledge.clear_cache()
    again = knowledge.requirement_book().rules[0]

    assert repr(again) == first
    assert "requirements-t.yaml" in again.file
