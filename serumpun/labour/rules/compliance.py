"""Job-order compliance: judge a job order's terms by the labour rules in force on a date.

The rules themselves (limits, dates, sources, messages) are data in `data/rules/labour/`;
this module holds the predicates they name. A predicate takes the terms and the rule's
`params` (plus `as_of`, added by the engine) and answers True when the terms comply.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from serumpun.core.rulebook import LANGUAGES, Rule, Source
from serumpun.labour.rules.terms import CostItem, JobOrderTerms

__all__ = [
    "APPLIES_TO_KEYS",
    "PREDICATES",
    "PREDICATE_PARAMS",
    "CostItem",
    "Finding",
    "JobOrderTerms",
    "Verdict",
    "check_job_order",
    "check_job_orders",
]

Predicate = Callable[[JobOrderTerms, Mapping[str, Any]], bool]

PREDICATES: dict[str, Predicate] = {}
PREDICATE_PARAMS: dict[str, frozenset[str]] = {}  # params each predicate requires
# `applies_to` filters: the rule is skipped for terms outside them.
APPLIES_TO_KEYS = frozenset({"sectors", "not_sectors", "channels", "isco_codes"})

FAIL = "fail"
WARN = "warn"
COMPLIES = "pass"
_FINDING_SEVERITY = {"blocking": FAIL, "warning": WARN}
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule the terms break, with its text in every language and its source."""

    rule_id: str
    severity: str  # "fail" | "warn"
    title: Mapping[str, str]
    message: Mapping[str, str]
    source: Source
    confidence: str

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """One line of the API's `violations` or `warnings`."""
        return {
            "rule_id": self.rule_id,
            "title": self.title.get(language) or self.title["en"],
            "message": self.message.get(language) or self.message["en"],
            "messages": dict(self.message),
            "titles": dict(self.title),
            "source": {
                "title": self.source.title,
                "url": self.source.url,
                "published": _iso(self.source.published),
            },
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one job order; `fail` blocks endorsement."""

    status: str  # "pass" | "warn" | "fail"
    as_of: date
    rules_version: str
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    checked: tuple[str, ...]  # ids of the rules evaluated

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The API's `compliance` object (JSON-ready: dates as ISO text)."""
        return {
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "violations": [finding.to_dict(language) for finding in self.violations],
            "warnings": [finding.to_dict(language) for finding in self.warnings],
            "checked": list(self.checked),
        }


def check_job_order(
    terms: JobOrderTerms, rules: Sequence[Rule], *, as_of: date, rules_version: str
) -> Verdict:
    """Judge one job order by the `rules` in force on `as_of`."""
    return check_job_orders([terms], rules, as_of=as_of, rules_version=rules_version)[0]


def check_job_orders(
    terms_list: Sequence[JobOrderTerms],
    rules: Sequence[Rule],
    *,
    as_of: date | Sequence[date],
    rules_version: str,
) -> list[Verdict]:
    """Judge many job orders; `as_of` is one date for all or one per order.

    Rules are prepared once per set of rules in force (dates with the same rules share
    it), and each kind of order (sector, channel, occupation) is matched to its rules
    once. Messages are filled in when read, not while judging.
    """
    dates = [as_of] * len(terms_list) if isinstance(as_of, date) else list(as_of)
    if len(dates) != len(terms_list):
        raise ValueError("as_of needs one date per job order")
    book = _Book(rules)
    by_date: dict[date, _Dated] = {}
    verdicts = []
    for terms, day in zip(terms_list, dates, strict=True):
        dated = by_date.get(day)
        if dated is None:
            dated = by_date[day] = book.on(day)
        verdicts.append(_evaluate(terms, dated, rules_version))
    return verdicts


# --- the engine ---------------------------------------------------------------------


@dataclass(frozen=True)
class _PreparedRule:
    """A rule's date-independent parts: predicate resolved, filters turned into sets."""

    rule: Rule
    predicate: Predicate
    severity: str | None  # FAIL or WARN; None for info rules, which never count
    sectors: frozenset[str] | None
    not_sectors: frozenset[str]
    channels: frozenset[str] | None
    isco_codes: frozenset[str] | None
    titles: Mapping[str, str]
    templates: Mapping[str, str]  # language → message template

    @classmethod
    def build(cls, rule: Rule) -> _PreparedRule:
        predicate = PREDICATES.get(rule.check)
        if predicate is None:
            raise ValueError(f"rule {rule.id}: unknown check {rule.check!r}")
        filters = rule.applies_to
        return cls(
            rule=rule,
            predicate=predicate,
            severity=_FINDING_SEVERITY.get(rule.severity),
            sectors=_codes(filters.get("sectors")),
            not_sectors=_codes(filters.get("not_sectors")) or frozenset(),
            channels=_codes(filters.get("channels")),
            isco_codes=_codes(filters.get("isco_codes")),
            titles=MappingProxyType(
                {lang: rule.text("title", lang) for lang in LANGUAGES}
            ),
            templates=MappingProxyType(
                {lang: rule.text("message", lang) for lang in LANGUAGES}
            ),
        )

    def applies_to(self, kind: _Kind) -> bool:
        sector, channel, isco_code = kind
        return (
            (self.sectors is None or sector in self.sectors)
            and sector not in self.not_sectors
            and (self.channels is None or channel in self.channels)
            and (self.isco_codes is None or isco_code in self.isco_codes)
        )


_Kind = tuple[str, str, str]  # (sector, channel, isco_code): what the filters read


class _Book:
    """The rules of one call, prepared once; each set of rules in force is built once."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._prepared: dict[int, _PreparedRule] = {}
        # Keyed by the positions of the rules in force: versions of one rule share an id.
        self._sets: dict[tuple[int, ...], _RuleSet] = {}

    def on(self, as_of: date) -> _Dated:
        """The rules in force on `as_of`, sharing their preparation with other dates."""
        key = tuple(i for i, rule in enumerate(self.rules) if rule.in_force(as_of))
        rule_set = self._sets.get(key)
        if rule_set is None:
            rule_set = self._sets[key] = _RuleSet(tuple(self._prepare(i) for i in key))
        return _Dated(rule_set, as_of)

    def _prepare(self, position: int) -> _PreparedRule:
        prepared = self._prepared.get(position)
        if prepared is None:
            prepared = self._prepared[position] = _PreparedRule.build(
                self.rules[position]
            )
        return prepared


class _RuleSet:
    """Rules in force together, and which of them each kind of order meets."""

    def __init__(self, prepared: tuple[_PreparedRule, ...]) -> None:
        self.prepared = prepared
        self._kinds: dict[_Kind, tuple[tuple[int, ...], tuple[str, ...]]] = {}

    def meets(self, terms: JobOrderTerms) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """Positions of the rules these terms meet, and their ids (`checked`)."""
        kind = (terms.sector, terms.channel, terms.isco_code)
        found = self._kinds.get(kind)
        if found is None:
            met = [i for i, rule in enumerate(self.prepared) if rule.applies_to(kind)]
            found = self._kinds[kind] = (
                tuple(met),
                tuple(self.prepared[i].rule.id for i in met),
            )
        return found


class _Dated:
    """A rule set on one date: each rule's params with `as_of` added."""

    def __init__(self, rule_set: _RuleSet, as_of: date) -> None:
        self.rule_set = rule_set
        self.as_of = as_of
        self.params = tuple(
            MappingProxyType({**prepared.rule.params, "as_of": as_of})
            for prepared in rule_set.prepared
        )


def _evaluate(terms: JobOrderTerms, dated: _Dated, rules_version: str) -> Verdict:
    positions, checked = dated.rule_set.meets(terms)
    prepared_rules, all_params = dated.rule_set.prepared, dated.params
    violations: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    for i in positions:
        prepared = prepared_rules[i]
        if prepared.severity is None:  # info rules explain; they never count
            continue
        params = all_params[i]
        try:
            complies = prepared.predicate(terms, params)
        except (
            ArithmeticError
        ):  # NaN or infinite amounts: not judgeable, so not compliant
            complies = False
        if complies:
            continue
        rule = prepared.rule
        finding = Finding(
            rule_id=rule.id,
            severity=prepared.severity,
            title=prepared.titles,
            message=_Messages(prepared.templates, terms, params),
            source=rule.source,
            confidence=rule.confidence,
        )
        if prepared.severity == FAIL:
            violations += (finding,)
        else:
            warnings += (finding,)
    return Verdict(
        status=FAIL if violations else WARN if warnings else COMPLIES,
        as_of=dated.as_of,
        rules_version=rules_version,
        violations=violations,
        warnings=warnings,
        checked=checked,
    )


class _Messages(Mapping[str, str]):
    """A finding's message per language, filled in on first read.

    Judging thousands of orders rarely reads a message; filling three templates per
    finding up front cost more than the checks themselves.
    """

    __slots__ = ("_filled", "_params", "_templates", "_terms")

    def __init__(
        self,
        templates: Mapping[str, str],
        terms: JobOrderTerms,
        params: Mapping[str, Any],
    ) -> None:
        self._templates = templates
        self._terms = terms
        self._params = params
        self._filled: dict[str, str] | None = None

    def __getitem__(self, language: str) -> str:
        if self._filled is None:
            values = _TemplateValues(self._terms, self._params)
            self._filled = {
                lang: _fill(template, values)
                for lang, template in self._templates.items()
            }
        return self._filled[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    def __repr__(self) -> str:
        return repr(dict(self))


_TERMS_FIELDS = frozenset(
    field.name
    for field in dataclasses.fields(JobOrderTerms)
    if field.name != "cost_items"
)


class _TemplateValues(dict[str, str]):
    """Message values, computed only when a template asks for them.

    Params win over terms of the same name; an unknown placeholder is left as written
    rather than failing the whole check.
    """

    def __init__(self, terms: JobOrderTerms, params: Mapping[str, Any]) -> None:
        super().__init__()
        self.terms = terms
        self.params = params

    def __missing__(self, key: str) -> str:
        if key in self.params:
            value: object = self.params[key]
        elif key in _TERMS_FIELDS:
            value = getattr(self.terms, key)
        elif key == "worker_paid_items_myr":
            value = _worker_paid_items(self.terms)
        else:
            return "{" + key + "}"
        text = self[key] = _text(value)
        return text


def _fill(template: str, values: _TemplateValues) -> str:
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


def _text(value: object) -> str:
    """A value as it reads inside a message (numbers without trailing zeros)."""
    if value is None:
        text = "-"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, Decimal | float | int):
        text = _number_text(Decimal(str(value)))
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, list | tuple | frozenset | set):
        text = ", ".join(_text(item) for item in value)
    else:
        text = str(value)
    return text


def _number_text(number: Decimal) -> str:
    if not number.is_finite():
        return str(number)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _codes(values: object) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, list | tuple | set | frozenset):
        return frozenset(str(value) for value in values)
    return frozenset({str(values)})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- predicates (registered by name; the rule files refer to these names) -----------


def predicate(*required_params: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate under its function name with the params it requires."""

    def register(function: Predicate) -> Predicate:
        name = getattr(function, "__name__", "")
        PREDICATES[name] = function
        PREDICATE_PARAMS[name] = frozenset(required_params)
        return function

    return register


# A rule's params are the same few values for every order checked, so what predicates
# derive from them (decimals, code sets) is remembered by value rather than rebuilt.
_PARAM_CACHE_SIZE = 256


def _decimal(value: object) -> Decimal:
    try:
        return _cached_decimal(value)
    except TypeError:  # unhashable: not a number either, and Decimal says so
        return Decimal(str(value))


@functools.lru_cache(maxsize=_PARAM_CACHE_SIZE, typed=True)
def _cached_decimal(value: object) -> Decimal:
    return Decimal(str(value))


def _code_set(values: Iterable[object]) -> frozenset[str]:
    """A params list of codes as a set of text codes."""
    return _cached_code_set(tuple(values))


@functools.lru_cache(maxsize=_PARAM_CACHE_SIZE)
def _cached_code_set(values: tuple[object, ...]) -> frozenset[str]:
    return frozenset(str(value) for value in values)


@functools.lru_cache(maxsize=_PARAM_CACHE_SIZE)
def _casefolded(words: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(word).casefold() for word in words)


def _worker_paid_items(terms: JobOrderTerms) -> Decimal:
    total = ZERO
    for item in terms.cost_items:
        if item.paid_by == "worker":
            total += item.amount_myr
    return total


@predicate("min_age")
def min_age(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The youngest worker sought is at least `min_age`."""
    return terms.age_min >= int(params["min_age"])


@predicate("min_age", "max_age")
def age_range(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The order's age band lies within [`min_age`, `max_age`]."""
    return terms.age_min >= int(params["min_age"]) and terms.age_max <= int(
        params["max_age"]
    )


@predicate()
def licensed_agency(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """A verified agency licence valid on `as_of` and (unless turned off) a quota reference."""
    as_of: date = params["as_of"]
    licence_ok = (
        bool((terms.agency_licence or "").strip())
        and terms.agency_licence_valid_until is not None
        and terms.agency_licence_valid_until >= as_of
        and (terms.agency_verified or not params.get("require_verified", True))
    )
    quota_ok = bool((terms.quota_reference or "").strip()) or not params.get(
        "require_quota_reference", True
    )
    return licence_ok and quota_ok


@predicate("exempt_isco_codes")
def zero_placement_cost(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """No placement cost charged to the worker; in exempt occupations no cost at all."""
    if terms.worker_paid_costs_myr > ZERO:
        return False
    exempt = _code_set(params["exempt_isco_codes"])
    return terms.isco_code not in exempt or _worker_paid_items(terms) <= ZERO


@predicate()
def no_worker_paid_costs(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The worker pays nothing: neither in total nor in any itemised cost."""
    return terms.worker_paid_costs_myr <= ZERO and _worker_paid_items(terms) <= ZERO


@predicate("sectors")
def sector_in(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The order's sector is one of `sectors`."""
    return terms.sector in params["sectors"]


@predicate("sectors")
def sector_not_in(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The order's sector is none of `sectors` (a rule flags those sectors)."""
    return terms.sector not in params["sectors"]


@predicate("genders")
def gender_not_in(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The gender sought is none of `genders`."""
    return terms.gender not in params["genders"]


@predicate("min_monthly_wage_myr")
def min_basic_wage(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The monthly basic wage is at least `min_monthly_wage_myr`."""
    return terms.basic_wage_myr >= _decimal(params["min_monthly_wage_myr"])


@predicate("levy_item_keywords")
def employer_pays_levy(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The employer pays the levy, and no cost item charges a levy to the worker."""
    if terms.levy_paid_by != "employer":
        return False
    keywords = _casefolded(tuple(params["levy_item_keywords"]))
    for item in terms.cost_items:
        if item.paid_by == "worker" and item.amount_myr > ZERO:
            name = item.item.casefold()
            if any(word in name for word in keywords):
                return False
    return True


@predicate("max_weekly_hours")
def max_weekly_hours(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """Normal weekly hours are at most `max_weekly_hours`."""
    return terms.weekly_hours <= _decimal(params["max_weekly_hours"])


@predicate()
def passport_held_by_worker(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The worker keeps their own passport."""
    return terms.passport_held_by == "worker"


@predicate("isco_codes")
def isco_not_in(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The occupation is none of `isco_codes` (a rule flags those occupations)."""
    return terms.isco_code not in _code_set(params["isco_codes"])


@predicate("channels")
def channel_in(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The placement goes through one of `channels`."""
    return terms.channel in params["channels"]


@predicate("languages")
def contract_languages_include(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The contract is written in every one of `languages`."""
    written = terms.contract_languages
    return all(language in written for language in params["languages"])


@predicate()
def employer_approval_present(terms: JobOrderTerms, params: Mapping[str, Any]) -> bool:
    """The employer quotes its prior approval reference."""
    return bool((terms.employer_approval_ref or "").strip())
