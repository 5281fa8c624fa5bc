"""The requirements knowledge base: what exporting a product to a market takes, both sides.

Requirements are rules as data in `data/rules/readiness/requirements*.yaml` (format:
`data/rules/README.md`); `rules/requirements.py` holds the pure engine. This module loads and
caches the book (reloaded when a file changes), words the reason each requirement applies,
and registers the system check `serumpun.E040` that names a malformed file and rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.cache import cache
from django.core.checks import CheckMessage, Error, register
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from serumpun.core.models import HSCode
from serumpun.core.rulebook import (
    LANGUAGES,
    RuleFileError,
    parse_rules,
)
from serumpun.exporters.models import Certificate, Product
from serumpun.readiness.rules import labels as label_rules_module
from serumpun.readiness.rules.labels import LabelFacts, LabelRules, LabelVerdict
from serumpun.readiness.rules.requirements import (
    APPLIES_TO_KEYS,
    CLAIMS,
    DESTINATION,
    PREDICATE_PARAMS,
    PREDICATES,
    ApplicableRequirement,
    Match,
    Requirement,
    build_requirements,
    match_requirements,
)

__all__ = [
    "ApplicableRequirement",
    "Requirement",
    "RequirementBook",
    "check_label",
    "permit_requirements",
    "requirement_book",
    "requirements_for",
]

DOMAIN = "readiness"
FILE_PATTERN = "requirements*.yaml"
VERSION_LENGTH = 12
CHECK_ID = "serumpun.E040"
HS_SUBHEADING_DIGITS = 6

LABEL_FILE = Path("readiness") / "labels.yaml"
LABEL_CHECK_ID = "serumpun.E041"


@dataclass(frozen=True)
class RequirementBook:
    """Every requirement of the knowledge base; `version` changes whenever a file does."""

    rules: tuple[Requirement, ...]
    version: str

    @property
    def markets(self) -> frozenset[str]:
        """Markets the book has destination requirements for (others are unknown)."""
        return frozenset(
            market
            for requirement in self.rules
            if requirement.side == DESTINATION
            for market in requirement.markets
        )

    def get(self, requirement_id: str) -> Requirement | None:
        """The latest version of a requirement by id."""
        versions = [rule for rule in self.rules if rule.id == requirement_id]
        return max(versions, key=lambda rule: rule.effective_from, default=None)


def requirement_files(directory: Path | None = None) -> list[Path]:
    """The requirement files, in name order."""
    folder = directory or Path(settings.DATA_DIR) / "rules" / DOMAIN
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob(FILE_PATTERN) if path.is_file())


_Signature = tuple[tuple[str, int, int], ...]
_CACHE: dict[Path, tuple[_Signature, RequirementBook]] = {}


def requirement_book() -> RequirementBook:
    """The validated book, cached until a requirement file changes (raises RuleFileError)."""
    paths = requirement_files()
    folder = Path(settings.DATA_DIR).resolve()
    signature = tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in paths
    )
    cached = _CACHE.get(folder)
    if cached is not None and cached[0] == signature:
        return cached[1]
    book, errors = load_book(paths)
    if errors:
        raise errors[0]
    _CACHE[folder] = (signature, book)
    return book


def clear_cache() -> None:
    """Forget the loaded book (tests that rewrite files within one mtime tick)."""
    _CACHE.clear()


def load_book(paths: Iterable[Path]) -> tuple[RequirementBook, list[RuleFileError]]:
    """Parse and check requirement files; every problem found, each naming file and rule."""
    digest = hashlib.sha256()
    requirements: list[Requirement] = []
    errors: list[RuleFileError] = []
    for path in paths:
        raw = path.read_bytes()
        digest.update(f"{path.name}\0{len(raw)}\0".encode())
        digest.update(raw)
        label = _label(path)
        try:
            rules = parse_rules(
                raw.decode("utf-8"),
                file=label,
                known_checks=frozenset(PREDICATES),
                check_params=PREDICATE_PARAMS,
                known_filters=APPLIES_TO_KEYS,
            )
            requirements.extend(build_requirements(rules))
        except UnicodeDecodeError:
            errors.append(RuleFileError("is not UTF-8 text", file=label))
        except RuleFileError as exc:
            errors.append(exc)
    errors.extend(_repeated_ids(requirements))
    book = RequirementBook(
        rules=tuple(requirements), version=digest.hexdigest()[:VERSION_LENGTH]
    )
    return book, errors


def _repeated_ids(requirements: Sequence[Requirement]) -> list[RuleFileError]:
    """An id may repeat only inside one file (as dated versions, checked by the parser)."""
    first_file: dict[str, str] = {}
    errors = []
    for requirement in requirements:
        seen = first_file.setdefault(requirement.id, requirement.file)
        if seen != requirement.file:
            errors.append(
                RuleFileError(
                    f"duplicate id: also defined in {seen}",
                    file=requirement.file,
                    rule_id=requirement.id,
                )
            )
    return errors


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- Questions the rest of the platform asks ------------------------------------------------


def requirements_for(
    *,
    hs_code: str,
    market: str,
    claims: Collection[str] = (),
    processed: bool | None = None,
    as_of: date,
) -> list[ApplicableRequirement]:
    """What exporting this six-digit HS code to `market` takes on `as_of`, both sides.

    Sorted origin first, then by step; `applies_because` is worded in the active language.
    """
    matches = match_requirements(
        requirement_book().rules,
        hs_code=hs_code,
        market=market,
        claims=claims,
        processed=processed,
        as_of=as_of,
    )
    language = current_language()
    return [
        ApplicableRequirement(
            match.requirement, applies_because(match, hs_code, language)
        )
        for match in matches
    ]


def permit_requirements(*, hs_code: str, market: str, as_of: date) -> list[Requirement]:
    """Destination permits the importer must hold for this HS code; [] = not controlled."""
    matches = match_requirements(
        requirement_book().rules,
        hs_code=hs_code,
        market=market,
        as_of=as_of,
        permits_only=True,
    )
    return [match.requirement for match in matches]


def normalise_hs_code(raw: str) -> str | None:
    """Six digits from "0901.11", "0901 11" or "090111"; None when it is not that shape."""
    code = re.sub(r"[\s.]", "", raw or "")
    if len(code) == HS_SUBHEADING_DIGITS and code.isascii() and code.isdigit():
        return code
    return None


def hs_subheading(code: str) -> HSCode | None:
    """The HS 2022 subheading `code` from the loaded nomenclature (one query)."""
    return HSCode.objects.filter(code=code, level=HS_SUBHEADING_DIGITS).first()


#: The nomenclature only changes when `load_reference` loads a new HS edition (every five
#: years, at a deploy), so a web process may trust what it read for an hour.
HS_DESCRIPTION_CACHE_SECONDS = 60 * 60
_HS_CACHE_PREFIX = "readiness:hs6:"


def hs_subheading_description(code: str) -> str | None:
    """The description of HS 2022 subheading `code`, or None if there is no such code.

    Cached (hits and misses) in Django's cache: the requirements API asks this on every call
    and would otherwise spend a query on a table that changes once per HS edition.
    """
    key = _HS_CACHE_PREFIX + code
    description = cache.get(key)
    if description is None:
        found = (
            HSCode.objects.filter(code=code, level=HS_SUBHEADING_DIGITS)
            .values_list("description", flat=True)
            .first()
        )
        description = "" if found is None else found
        cache.set(key, description, HS_DESCRIPTION_CACHE_SECONDS)
    return description or None


def halal_certificate_status(product: Product, *, user: Any, as_of: date) -> str:
    """What halal certificate the product has on `as_of`, for the label checker.

    "valid" (a valid, not rejected BPJPH certificate covering the product or its whole
    MSME), "self_declared" or "none". One query.
    """
    rules = label_rules()
    certificates = (
        Certificate.objects.visible_to(user)
        .valid_on(as_of)
        .filter(msme_id=product.msme_id, kind__in=rules.halal_kinds)
        .filter(Q(products=product) | Q(products__isnull=True))
        .values_list("kind", "issuer", "number")
        .distinct()
    )
    return label_rules_module.halal_certificate_status(
        ((kind, f"{issuer} {number}") for kind, issuer, number in certificates), rules
    )


def known_markets() -> frozenset[str]:
    """Markets the knowledge base covers."""
    return requirement_book().markets


def current_language() -> str:
    """The active UI language among the rule files' languages (Indonesian by default)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def claim_label(claim: str) -> str:
    """A claim as people say it."""
    labels = {
        "halal": _("halal"),
        "contains_beef_or_pork": _("contains beef or pork"),
        "contains_alcohol": _("contains alcohol"),
    }
    return labels.get(claim, claim)


def claim_choices() -> list[tuple[str, str]]:
    """The claims a user may make, for forms: (value, label)."""
    return [(claim, claim_label(claim)) for claim in sorted(CLAIMS)]


def format_hs(code: str) -> str:
    """An HS code as written in rules and tariffs: 0901.11, 09.01, 09."""
    if len(code) > 4:  # noqa: PLR2004  (heading digits)
        return f"{code[:4]}.{code[4:]}"
    return code


def applies_because(match: Match, hs_code: str, language: str) -> str:
    """A sentence saying why the requirement applies ("HS 0901.11 is green coffee")."""
    parts = [
        _reason(reason, match.requirement, hs_code, language)
        for reason in match.reasons
    ]
    return "; ".join(part for part in parts if part)


def _reason(
    reason: tuple[str, ...], requirement: Requirement, hs_code: str, language: str
) -> str:
    code, *args = reason
    if code == "rule":
        return requirement.because_in(language)
    if code == "hs":
        return _("HS %(code)s falls under %(prefix)s") % {
            "code": format_hs(hs_code),
            "prefix": format_hs(args[0]),
        }
    if code == "claim":
        return _("you claim “%(claim)s”") % {"claim": claim_label(args[0])}
    if code == "market":
        return _("every shipment to %(market)s") % {"market": args[0]}
    if code == "processed_unknown":
        code = f"unknown_{args[0]}"
    fixed = {
        "processed": _("the product is processed"),
        "raw": _("the product is not processed"),
        "unknown_processed": _("if the product is processed (you did not say)"),
        "unknown_raw": _("if the product is not processed (you did not say)"),
        "every": _("every export from Indonesia"),
    }
    return fixed.get(code, "")


# --- Label rules ---------------------------------------------------------------------------


_LABEL_CACHE: dict[Path, tuple[tuple[int, int], LabelRules]] = {}


def label_rules_path() -> Path:
    """Where the label rules live: `DATA_DIR/readiness/labels.yaml`."""
    return Path(settings.DATA_DIR) / LABEL_FILE


def label_rules() -> LabelRules:
    """The validated label rules, cached until the file changes (raises LabelFileError)."""
    path = label_rules_path()
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _LABEL_CACHE.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    rules = load_label_rules(path)
    _LABEL_CACHE[path] = (signature, rules)
    return rules


def load_label_rules(path: Path) -> LabelRules:
    """Parse the label rules file; `LabelFileError` names the file and the item."""
    raw = path.read_bytes()
    label = _label(path)
    try:
        document = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise label_rules_module.LabelFileError(
            f"is not valid UTF-8 YAML ({type(exc).__name__})", file=label
        ) from exc
    version = hashlib.sha256(raw).hexdigest()[:VERSION_LENGTH]
    return label_rules_module.parse_label_rules(document, file=label, version=version)


def check_label(label: LabelFacts) -> LabelVerdict:
    """Judge a label by the label rules in `data/readiness/labels.yaml`."""
    return label_rules_module.check_label(label, label_rules())


# --- System checks --------------------------------------------------------------------------


@register()
def requirement_files_are_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """serumpun.E040: a requirement file is malformed (names the file and the rule)."""
    _, problems = load_book(requirement_files())
    return [
        Error(
            str(problem),
            hint="Fix the requirement file; its format is in data/rules/README.md.",
            obj=problem.file,
            id=CHECK_ID,
        )
        for problem in problems
    ]


@register()
def label_rules_are_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """serumpun.E041: the label rules file is missing or malformed (names file and item)."""
    path = label_rules_path()
    if not path.is_file():
        return [Error(f"{path} is missing", obj=str(path), id=LABEL_CHECK_ID)]
    try:
        load_label_rules(path)
    except label_rules_module.LabelFileError as exc:
        return [
            Error(
                str(exc),
                hint="Fix the label rules; the file explains its format.",
                obj=exc.file,
                id=LABEL_CHECK_ID,
            )
        ]
    return []
