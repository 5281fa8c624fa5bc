"""Rules as data: load and validate the YAML rule files under `data/rules/<domain>/`.

A rule file holds `rules:` (a list) and optionally `version:`. Each rule names a predicate
(`check`) that a domain registers in its pure `rules/` package, the predicate's `params`, the
filters it `applies_to`, its severity, the source it cites and the dates it is in force. See
`data/rules/README.md` for the format. This module is generic and imports nothing from Django:
a domain passes its vocabulary (predicate names, required parameters, filter keys) in.
"""

from __future__ import annotations

import hashlib
import itertools
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

SEVERITIES = frozenset({"blocking", "warning", "info"})
CONFIDENCES = frozenset({"high", "medium", "low"})
LANGUAGES = ("id", "en", "ms")
FALLBACK_LANGUAGE = "en"
REQUIRED_KEYS = (
    "id",
    "title",
    "message",
    "check",
    "severity",
    "source",
    "effective_from",
    "confidence",
)
OPTIONAL_KEYS = ("applies_to", "params", "effective_to", "notes")
FILE_KEYS = frozenset({"rules", "version"})
RULE_FILE_SUFFIXES = (".yaml", ".yml")
VERSION_LENGTH = 12  # hex digits of sha256: plenty to tell rule sets apart


class RuleFileError(ValueError):
    """A malformed rule file; names the file and, when known, the rule."""

    def __init__(self, problem: str, *, file: str, rule_id: str | None = None) -> None:
        self.file = file
        self.rule_id = rule_id
        self.problem = problem
        where = f"{file}: rule {rule_id}" if rule_id else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: a law, regulation or report."""

    title: str
    url: str
    published: date | None


@dataclass(frozen=True)
class Rule:
    """One rule, as written in a rule file."""

    id: str
    title: Mapping[str, str]
    message: Mapping[str, str]
    applies_to: Mapping[str, Any]
    check: str
    params: Mapping[str, Any]
    severity: str
    source: Source
    effective_from: date
    effective_to: date | None  # inclusive: the last day the rule is in force
    confidence: str
    file: str
    notes: str = ""

    def in_force(self, as_of: date) -> bool:
        """Whether the rule applies on `as_of` (both ends inclusive)."""
        if as_of < self.effective_from:
            return False
        return self.effective_to is None or as_of <= self.effective_to

    def text(self, field: str, language: str) -> str:
        """The rule's `title` or `message` in `language`, falling back to English."""
        if field not in ("title", "message"):
            raise ValueError(f"Rule has no translated field {field!r}")
        texts = self.title if field == "title" else self.message
        return texts.get(language) or texts[FALLBACK_LANGUAGE]


@dataclass(frozen=True)
class Rulebook:
    """Every rule of one domain; `version` changes whenever a rule file changes."""

    domain: str
    rules: tuple[Rule, ...]
    version: str

    def in_force(self, as_of: date) -> tuple[Rule, ...]:
        """The rules in force on `as_of`, in file order."""
        return tuple(rule for rule in self.rules if rule.in_force(as_of))

    def get(self, rule_id: str, as_of: date | None = None) -> Rule | None:
        """The rule with this id: the version in force on `as_of`, or else the latest."""
        versions = [rule for rule in self.rules if rule.id == rule_id]
        if as_of is not None:
            return next((rule for rule in versions if rule.in_force(as_of)), None)
        return max(versions, key=lambda rule: rule.effective_from, default=None)


@dataclass(frozen=True)
class Vocabulary:
    """What a domain's engine understands; `None` means "do not check"."""

    checks: frozenset[str] | None = None
    check_params: Mapping[str, Collection[str]] | None = None
    filters: frozenset[str] | None = None


def parse_rules(
    text: str,
    *,
    file: str,
    known_checks: frozenset[str] | None = None,
    check_params: Mapping[str, Collection[str]] | None = None,
    known_filters: frozenset[str] | None = None,
) -> list[Rule]:
    """Parse one rule file's text; raise `RuleFileError` on the first problem."""
    vocabulary = Vocabulary(known_checks, check_params, known_filters)
    rules, errors = _parse_file(text, file=file, vocabulary=vocabulary)
    errors.extend(_overlapping_versions(rules))
    if errors:
        raise errors[0]
    return rules


def load_rulebook(
    directory: Path,
    domain: str,
    *,
    known_checks: frozenset[str] | None = None,
    check_params: Mapping[str, Collection[str]] | None = None,
    known_filters: frozenset[str] | None = None,
) -> Rulebook:
    """Load `directory/<domain>/*.yaml`; raise `RuleFileError` on the first problem.

    Cached by the files' names, sizes and modification times, so calling it per request
    is cheap and an edited file is picked up without a restart.
    """
    vocabulary = Vocabulary(known_checks, check_params, known_filters)
    paths = _rule_files(directory / domain)
    key = (directory.resolve(), domain, _vocabulary_key(vocabulary))
    signature = tuple(_stat_signature(path) for path in paths)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    rulebook, errors = _load(paths, domain, vocabulary)
    if errors:
        raise errors[0]
    _CACHE[key] = (signature, rulebook)
    return rulebook


def validate_rulebook(
    directory: Path, domain: str, *, vocabulary: Vocabulary | None = None
) -> list[RuleFileError]:
    """Every problem in `directory/<domain>/` (for the system check); [] when all is well."""
    _, errors = _load(
        _rule_files(directory / domain), domain, vocabulary or Vocabulary()
    )
    return errors


def clear_cache() -> None:
    """Forget loaded rulebooks (tests that rewrite files within one mtime tick)."""
    _CACHE.clear()


_Problem = Callable[[str], RuleFileError]
_Signature = tuple[tuple[str, int, int], ...]
_VocabularyKey = tuple[object, ...]
_CACHE: dict[tuple[Path, str, _VocabularyKey], tuple[_Signature, Rulebook]] = {}


def _vocabulary_key(vocabulary: Vocabulary) -> _VocabularyKey:
    params = vocabulary.check_params
    return (
        vocabulary.checks,
        None
        if params is None
        else frozenset((k, frozenset(v)) for k, v in params.items()),
        vocabulary.filters,
    )


def _rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in RULE_FILE_SUFFIXES and path.is_file()
    )


def _stat_signature(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (path.name, stat.st_mtime_ns, stat.st_size)


def _label(path: Path) -> str:
    """The path as people read it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load(
    paths: Iterable[Path], domain: str, vocabulary: Vocabulary
) -> tuple[Rulebook, list[RuleFileError]]:
    digest = hashlib.sha256()
    rules: list[Rule] = []
    errors: list[RuleFileError] = []
    for path in paths:
        raw = path.read_bytes()
        digest.update(f"{path.name}\0{len(raw)}\0".encode())
        digest.update(raw)
        label = _label(path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(RuleFileError("is not UTF-8 text", file=label))
            continue
        file_rules, file_errors = _parse_file(text, file=label, vocabulary=vocabulary)
        rules.extend(file_rules)
        errors.extend(file_errors)
    errors.extend(_overlapping_versions(rules))
    rulebook = Rulebook(
        domain=domain, rules=tuple(rules), version=digest.hexdigest()[:VERSION_LENGTH]
    )
    return rulebook, errors


def _overlapping_versions(rules: Iterable[Rule]) -> list[RuleFileError]:
    """An id may repeat only as successive versions whose dates do not overlap."""
    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        by_id.setdefault(rule.id, []).append(rule)
    errors = []
    for rule_id, versions in by_id.items():
        ordered = sorted(versions, key=lambda rule: rule.effective_from)
        for earlier, later in itertools.pairwise(ordered):
            if (
                earlier.effective_to is None
                or earlier.effective_to >= later.effective_from
            ):
                errors.append(
                    RuleFileError(
                        "duplicate id: its dates overlap the version effective from "
                        f"{earlier.effective_from.isoformat()} in {earlier.file} "
                        "(a new version needs the old one to end first)",
                        file=later.file,
                        rule_id=rule_id,
                    )
                )
    return errors


def _parse_file(
    text: str, *, file: str, vocabulary: Vocabulary
) -> tuple[list[Rule], list[RuleFileError]]:
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return [], [RuleFileError(f"is not valid YAML{where}", file=file)]
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        return [], [RuleFileError("must be a mapping with a `rules:` list", file=file)]
    unknown = sorted(str(key) for key in document if key not in FILE_KEYS)
    if unknown:
        return [], [RuleFileError(f"unknown top-level keys {unknown}", file=file)]
    rules: list[Rule] = []
    errors: list[RuleFileError] = []
    for position, entry in enumerate(document["rules"], start=1):
        try:
            rule = _parse_rule(
                entry, position=position, file=file, vocabulary=vocabulary
            )
        except RuleFileError as exc:
            errors.append(exc)
            continue
        rules.append(rule)
    return rules, errors


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (YAML silently keeps the last one)."""

    def construct_mapping(
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Any, Any]:
        keys = [
            self.construct_object(key_node, deep=True) for key_node, _ in node.value
        ]
        duplicates = sorted({str(key) for key in keys if keys.count(key) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate keys {duplicates}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def _parse_rule(
    entry: object, *, position: int, file: str, vocabulary: Vocabulary
) -> Rule:
    if not isinstance(entry, dict):
        raise RuleFileError(f"rule #{position} is not a mapping", file=file)
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleFileError(
            f"rule #{position} has no `id` (a non-empty string)", file=file
        )

    def problem(message: str) -> RuleFileError:
        return RuleFileError(message, file=file, rule_id=rule_id)

    missing = [key for key in REQUIRED_KEYS if key not in entry]
    if missing:
        raise problem(f"missing keys {missing}")
    unknown = sorted(
        str(key) for key in entry if key not in (*REQUIRED_KEYS, *OPTIONAL_KEYS)
    )
    if unknown:
        raise problem(f"unknown keys {unknown}")
    message = _translations(entry["message"], "message", problem)
    for language in LANGUAGES:
        _check_template(message[language], f"message.{language}", problem)
    applies_to = _mapping(entry.get("applies_to"), "applies_to", problem)
    params = _mapping(entry.get("params"), "params", problem)
    _check_vocabulary(entry["check"], params, applies_to, vocabulary, problem)
    effective_from = _date(entry["effective_from"], "effective_from", problem)
    if effective_from is None:
        raise problem("effective_from is not a date")
    effective_to = _date(entry.get("effective_to"), "effective_to", problem)
    if effective_to is not None and effective_to < effective_from:
        raise problem("effective_to is before effective_from")
    notes = entry.get("notes", "")
    if not isinstance(notes, str):
        raise problem("notes must be text")
    return Rule(
        id=rule_id,
        title=_translations(entry["title"], "title", problem),
        message=message,
        applies_to=MappingProxyType(applies_to),
        check=entry["check"],
        params=MappingProxyType(params),
        severity=_choice(entry["severity"], "severity", SEVERITIES, problem),
        source=_source(entry["source"], problem),
        effective_from=effective_from,
        effective_to=effective_to,
        confidence=_choice(entry["confidence"], "confidence", CONFIDENCES, problem),
        file=file,
        notes=notes.strip(),
    )


def _check_vocabulary(
    check: object,
    params: Mapping[str, Any],
    applies_to: Mapping[str, Any],
    vocabulary: Vocabulary,
    problem: _Problem,
) -> None:
    if not isinstance(check, str) or not check:
        raise problem("check must be a predicate name")
    if vocabulary.checks is not None and check not in vocabulary.checks:
        raise problem(f"check {check!r} is not a registered predicate")
    if vocabulary.check_params is not None:
        absent = sorted(set(vocabulary.check_params.get(check, ())) - set(params))
        if absent:
            raise problem(f"params missing {absent} required by check {check!r}")
    if vocabulary.filters is not None:
        unknown_filters = sorted(set(applies_to) - vocabulary.filters)
        if unknown_filters:
            raise problem(f"applies_to has unknown filters {unknown_filters}")
    for key, value in applies_to.items():
        if not isinstance(value, list) or not value:
            raise problem(f"applies_to.{key} must be a non-empty list")


def _choice(
    value: object, name: str, choices: frozenset[str], problem: _Problem
) -> str:
    if not isinstance(value, str) or value not in choices:
        raise problem(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


def _translations(value: object, name: str, problem: _Problem) -> Mapping[str, str]:
    if not isinstance(value, dict):
        raise problem(f"{name} must map languages {list(LANGUAGES)} to text")
    missing = [lang for lang in LANGUAGES if not isinstance(value.get(lang), str)]
    if missing or any(not str(value[lang]).strip() for lang in LANGUAGES):
        raise problem(f"{name} needs non-empty text for {list(LANGUAGES)}")
    return MappingProxyType(
        {str(lang): str(text).strip() for lang, text in value.items()}
    )


def _mapping(value: object, name: str, problem: _Problem) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise problem(f"{name} must be a mapping with text keys")
    return dict(value)


def _date(value: object, name: str, problem: _Problem) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise problem(f"{name} is not a date")


def _source(value: object, problem: _Problem) -> Source:
    if not isinstance(value, dict):
        raise problem("source must be a mapping with title, url and published")
    title, url = value.get("title"), value.get("url")
    if not isinstance(title, str) or not title.strip():
        raise problem("source.title is missing")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise problem("source.url must be an http(s) address")
    if "published" not in value:
        raise problem("source.published is missing (write null when unknown)")
    unknown = sorted(
        str(key) for key in value if key not in ("title", "url", "published")
    )
    if unknown:
        raise problem(f"source has unknown keys {unknown}")
    published = _date(value["published"], "source.published", problem)
    return Source(title=title.strip(), url=url.strip(), published=published)


def _check_template(text: str, name: str, problem: _Problem) -> None:
    """Messages are `str.format` templates: reject unbalanced braces and positional fields."""
    try:
        fields = [
            field
            for _, field, _, _ in string.Formatter().parse(text)
            if field is not None
        ]
    except ValueError as exc:
        raise problem(f"{name} is not a valid template ({exc})") from None
    for field in fields:
        if not field.isidentifier():
            raise problem(
                f"{name} has placeholder {{{field}}}; use {{name}} placeholders"
            )
