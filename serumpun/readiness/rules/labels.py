"""The label checker: does a pre-packed food label meet Malaysia's rules?

The owner says what is on the label (items, languages, a halal logo) and what the food
contains; the checker answers with the mandatory items missing, the language verdict, the
date-marking verdict and whether a halal logo may be used. The rules are data
(`data/readiness/labels.yaml`, parsed by `parse_label_rules`). Pure: no Django, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from serumpun.core.rulebook import CONFIDENCES, FALLBACK_LANGUAGE, LANGUAGES, Source

__all__ = [
    "CONTENTS",
    "HalalVerdict",
    "LabelFacts",
    "LabelFileError",
    "LabelItem",
    "LabelRules",
    "LabelVerdict",
    "check_label",
    "halal_certificate_status",
    "parse_label_rules",
]

ALWAYS = "always"
WHERE_REQUIRED = "where_required"
#: content facts that make an item mandatory
CONTENTS = frozenset(
    {"contains_allergens", "contains_gmo", "contains_beef_or_pork", "contains_alcohol"}
)
WHEN = frozenset({ALWAYS, WHERE_REQUIRED, *CONTENTS})
DATE_MARKING = "date_marking"
LABEL_LANGUAGES = ("id", "en", "ms", "zh", "ar")  # what a label may be written in

# what the owner holds (LabelFacts.halal_certificate)
VALID = "valid"
SELF_DECLARED = "self_declared"
NO_CERTIFICATE = "none"
HALAL_CERTIFICATES = (VALID, SELF_DECLARED, NO_CERTIFICATE)

# halal-logo statuses
MAY_USE = "may_use"
MAY_NOT_USE = "may_not_use"
TO_CONFIRM = "to_confirm"


class LabelFileError(ValueError):
    """A malformed label-rules file; names the file and, when known, the item."""

    def __init__(self, problem: str, *, file: str, item: str | None = None) -> None:
        self.file = file
        self.item = item
        where = f"{file}: item {item}" if item else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class LabelItem:
    """One thing a label must show, always or when the food contains something."""

    key: str
    when: str
    title: Mapping[str, str]
    confidence: str
    source: Source

    def title_in(self, language: str) -> str:
        """The item's name in `language` (English fallback)."""
        return self.title.get(language) or self.title[FALLBACK_LANGUAGE]


@dataclass(frozen=True)
class LabelRules:
    """The label rules of one market."""

    items: tuple[LabelItem, ...]
    accepted_languages: tuple[str, ...]
    language_confidence: str
    language_source: Source
    halal_kinds: frozenset[str]  # certificate kinds recognised for the halal logo
    self_declared_markers: tuple[
        str, ...
    ]  # lower-case words marking a self-declaration
    halal_confidence: str
    self_declared_confidence: str
    halal_source: Source
    version: str = ""

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Every item key, in file order."""
        return tuple(item.key for item in self.items)


@dataclass(frozen=True)
class LabelFacts:
    """What the owner says is on the label, and what the food contains.

    `halal_certificate` is what the owner holds: "valid" (a valid certificate of a
    recognised issuer), "self_declared" (a valid BPJPH self-declared certificate), or
    "none" (none, expired, rejected or from an unrecognised body).
    """

    items: frozenset[str]
    languages: frozenset[str]
    contains: frozenset[str] = frozenset()
    halal_logo: bool = False
    halal_certificate: str = NO_CERTIFICATE


@dataclass(frozen=True)
class HalalVerdict:
    """Whether a halal logo may be used, and whether the label uses one."""

    status: str  # may_use | may_not_use | to_confirm
    on_label: bool
    confidence: str
    source: Source

    @property
    def breaks_rule(self) -> bool:
        """A halal logo on the label without the right to use it."""
        return self.on_label and self.status == MAY_NOT_USE


@dataclass(frozen=True)
class LabelVerdict:
    """The outcome of checking one label."""

    missing: tuple[LabelItem, ...]  # mandatory items not on the label
    to_check: tuple[LabelItem, ...]  # "where required" items not on the label
    languages_ok: bool
    languages_found: tuple[str, ...]
    accepted_languages: tuple[str, ...]
    language_confidence: str
    language_source: Source
    date_marking_ok: bool
    halal: HalalVerdict

    @property
    def ok(self) -> bool:
        """Nothing mandatory missing, an accepted language, and no unearned halal logo."""
        return (
            not self.missing
            and self.languages_ok
            and self.date_marking_ok
            and not self.halal.breaks_rule
        )


def check_label(label: LabelFacts, rules: LabelRules) -> LabelVerdict:
    """Judge a label by the rules: missing items, language, date marking, halal logo."""
    missing = []
    to_check = []
    for item in rules.items:
        if item.key in label.items:
            continue
        if item.when == ALWAYS or item.when in label.contains:
            missing.append(item)
        elif item.when == WHERE_REQUIRED:
            to_check.append(item)
    found = tuple(lang for lang in LABEL_LANGUAGES if lang in label.languages)
    return LabelVerdict(
        missing=tuple(missing),
        to_check=tuple(to_check),
        languages_ok=any(lang in label.languages for lang in rules.accepted_languages),
        languages_found=found,
        accepted_languages=rules.accepted_languages,
        language_confidence=rules.language_confidence,
        language_source=rules.language_source,
        date_marking_ok=DATE_MARKING in label.items,
        halal=_halal(label, rules),
    )


def halal_certificate_status(
    certificates: Iterable[tuple[str, str]], rules: LabelRules
) -> str:
    """ "valid", "self_declared" or "none" from (kind, issuer and number) of the valid
    certificates covering the product; a recognised full certificate wins."""
    status = NO_CERTIFICATE
    for kind, text in certificates:
        if kind not in rules.halal_kinds:
            continue
        lowered = text.lower()
        if any(marker in lowered for marker in rules.self_declared_markers):
            status = SELF_DECLARED
        else:
            return VALID
    return status


def _halal(label: LabelFacts, rules: LabelRules) -> HalalVerdict:
    if label.halal_certificate == VALID:
        status, confidence = MAY_USE, rules.halal_confidence
    elif label.halal_certificate == SELF_DECLARED:
        status, confidence = TO_CONFIRM, rules.self_declared_confidence
    else:
        status, confidence = MAY_NOT_USE, rules.halal_confidence
    return HalalVerdict(
        status=status,
        on_label=label.halal_logo,
        confidence=confidence,
        source=rules.halal_source,
    )


# --- Reading the rules file ----------------------------------------------------------------


def parse_label_rules(document: object, *, file: str, version: str = "") -> LabelRules:
    """Label rules from the parsed YAML document; `LabelFileError` names the problem."""

    def problem(message: str, item: str | None = None) -> LabelFileError:
        return LabelFileError(message, file=file, item=item)

    if not isinstance(document, dict):
        raise problem("must be a mapping with sources, languages, items and halal_logo")
    unknown = sorted(
        str(k)
        for k in document
        if k not in {"version", "sources", "languages", "items", "halal_logo"}
    )
    if unknown:
        raise problem(f"unknown top-level keys {unknown}")
    sources = _sources(document.get("sources"), problem)
    languages = _mapping(document.get("languages"), "languages", problem)
    accepted = languages.get("accepted")
    if (
        not isinstance(accepted, list)
        or not accepted
        or any(lang not in LABEL_LANGUAGES for lang in accepted)
    ):
        raise problem(
            f"languages.accepted must list codes among {list(LABEL_LANGUAGES)}"
        )
    items_raw = document.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        raise problem("items must be a non-empty list")
    items = [_item(entry, n, sources, problem) for n, entry in enumerate(items_raw, 1)]
    keys = [item.key for item in items]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise problem("duplicate item key", repeated[0])
    if DATE_MARKING not in keys:
        raise problem(f"items must include {DATE_MARKING!r}")
    halal = _mapping(document.get("halal_logo"), "halal_logo", problem)
    kinds = _texts(halal, "recognised_certificate_kinds", problem)
    markers = _texts(halal, "self_declared_markers", problem)
    return LabelRules(
        items=tuple(items),
        accepted_languages=tuple(accepted),
        language_confidence=_confidence(languages, "languages", problem),
        language_source=_source_ref(languages, "languages", sources, problem),
        halal_kinds=frozenset(kinds),
        self_declared_markers=tuple(marker.lower() for marker in markers),
        halal_confidence=_confidence(halal, "halal_logo", problem),
        self_declared_confidence=_confidence(
            halal, "halal_logo", problem, key="self_declared_confidence"
        ),
        halal_source=_source_ref(halal, "halal_logo", sources, problem),
        version=version,
    )


def _mapping(value: object, name: str, problem: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise problem(f"{name} must be a mapping")
    return value


def _texts(value: Mapping[str, Any], key: str, problem: Any) -> list[str]:
    texts = value.get(key)
    if (
        not isinstance(texts, list)
        or not texts
        or not all(isinstance(text, str) and text.strip() for text in texts)
    ):
        raise problem(f"halal_logo.{key} must be a non-empty list of text")
    return texts


def _confidence(
    value: Mapping[str, Any], name: str, problem: Any, key: str = "confidence"
) -> str:
    confidence = value.get(key)
    if confidence not in CONFIDENCES:
        raise problem(f"{name}.{key} must be one of {sorted(CONFIDENCES)}")
    return str(confidence)


def _source_ref(
    value: Mapping[str, Any], name: str, sources: Mapping[str, Source], problem: Any
) -> Source:
    ref = value.get("source")
    if not isinstance(ref, str) or ref not in sources:
        raise problem(f"{name}.source must name one of the sources {sorted(sources)}")
    return sources[ref]


def _sources(value: object, problem: Any) -> Mapping[str, Source]:
    raw = _mapping(value, "sources", problem)
    sources = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise problem(f"sources.{name} must be a mapping")
        title, url = entry.get("title"), entry.get("url")
        if not isinstance(title, str) or not title.strip():
            raise problem(f"sources.{name}.title is missing")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise problem(f"sources.{name}.url must be an http(s) address")
        published = entry.get("published")
        if published is not None and (
            not isinstance(published, date) or isinstance(published, datetime)
        ):
            raise problem(f"sources.{name}.published must be a date or null")
        sources[str(name)] = Source(title=title.strip(), url=url, published=published)
    return MappingProxyType(sources)


def _item(
    entry: object, position: int, sources: Mapping[str, Source], problem: Any
) -> LabelItem:
    if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
        raise problem(f"item #{position} must be a mapping with a text `key`")
    key = entry["key"]
    unknown = sorted(
        str(k)
        for k in entry
        if k not in {"key", "when", "title", "confidence", "source"}
    )
    if unknown:
        raise problem(f"unknown keys {unknown}", key)
    when = entry.get("when")
    if when not in WHEN:
        raise problem(f"when must be one of {sorted(WHEN)}, not {when!r}", key)
    title = entry.get("title")
    if not isinstance(title, dict) or any(
        not isinstance(title.get(lang), str) or not title[lang].strip()
        for lang in LANGUAGES
    ):
        raise problem(f"title needs non-empty text for {list(LANGUAGES)}", key)
    confidence = entry.get("confidence")
    if confidence not in CONFIDENCES:
        raise problem(f"confidence must be one of {sorted(CONFIDENCES)}", key)
    ref = entry.get("source")
    if not isinstance(ref, str) or ref not in sources:
        raise problem(f"source must name one of the sources {sorted(sources)}", key)
    return LabelItem(
        key=key,
        when=str(when),
        title=MappingProxyType({str(k): str(v) for k, v in title.items()}),
        confidence=str(confidence),
        source=sources[ref],
    )
