"""What exporting a product to a market takes: requirements as data, chosen by HS code.

The requirements are rules of the generic rulebook (`serumpun.core.rulebook`) kept in
`data/rules/readiness/requirements*.yaml`. Each names the predicate `requirement` and carries
its side of the border, kind, step, agency and whether it is mandatory in `params`; its
`applies_to` filters say which goods it concerns. This module turns those rules into
`Requirement` records (checking the values the generic loader cannot know) and picks the
ones that apply to a product on a date. Pure: no Django, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from serumpun.core.rulebook import (
    FALLBACK_LANGUAGE,
    LANGUAGES,
    Rule,
    RuleFileError,
    Source,
)

__all__ = [
    "APPLIES_TO_KEYS",
    "CLAIMS",
    "KINDS",
    "PREDICATES",
    "PREDICATE_PARAMS",
    "SIDES",
    "STEPS",
    "ApplicableRequirement",
    "Match",
    "Requirement",
    "build_requirements",
    "match_requirements",
]

ORIGIN = "origin"
DESTINATION = "destination"
SIDES = (ORIGIN, DESTINATION)
#: API.md's `kind` enum
KINDS = frozenset(
    {
        "permit",
        "certificate",
        "registration",
        "labelling",
        "document",
        "tariff",
        "standard",
        "notification",
    }
)
#: the steps of each side, in the order an exporter meets them
STEPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        ORIGIN: ("business", "product", "shipment"),
        DESTINATION: ("importer", "label", "border"),
    }
)
#: what a user may say about the product ("claims" in the API): label claims and contents
CLAIMS = frozenset({"halal", "contains_beef_or_pork", "contains_alcohol"})

REQUIREMENT = "requirement"


def _always(_: Any, __: Mapping[str, Any]) -> bool:
    """A requirement has no condition beyond its `applies_to` filters."""
    return True


#: the predicate names a requirement rule may use (the rulebook's `check`)
PREDICATES = {REQUIREMENT: _always}
PREDICATE_PARAMS: Mapping[str, frozenset[str]] = MappingProxyType(
    {REQUIREMENT: frozenset({"side", "kind", "step", "agency", "mandatory"})}
)
OPTIONAL_PARAMS = frozenset({"permit", "because"})
#: `applies_to` filters; a requirement without a filter applies to every product
APPLIES_TO_KEYS = frozenset(
    {"markets", "hs_prefixes", "not_hs_prefixes", "claims", "processed"}
)
HS_DIGITS = 6
HS_CHAPTER_DIGITS = 2
MARKET_CODE_LENGTH = 2  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Requirement:
    """One thing an exporter or importer must hold, file or do, with its source."""

    id: str
    side: str  # "origin" (Indonesia) | "destination" (the market)
    kind: str  # one of KINDS
    step: str  # one of STEPS[side]
    title: Mapping[str, str]
    detail: Mapping[str, str]
    agency: str
    mandatory: bool
    permit: bool  # a destination permit the importer must hold
    applies_to: Mapping[str, tuple[Any, ...]]
    because: Mapping[
        str, str
    ]  # why it applies, per language; empty: say it generically
    source: Source
    effective_from: date
    effective_to: date | None
    confidence: str
    # Where it was read from, relative to the working directory: not part of what the
    # requirement says, so left out of its repr and equality (fingerprints stay stable).
    file: str = field(default="", repr=False, compare=False)
    notes: str = ""

    def title_in(self, language: str) -> str:
        """The title in `language`, falling back to English."""
        return self.title.get(language) or self.title[FALLBACK_LANGUAGE]

    def detail_in(self, language: str) -> str:
        """What the requirement means in practice, in `language` (English fallback)."""
        return self.detail.get(language) or self.detail[FALLBACK_LANGUAGE]

    def because_in(self, language: str) -> str:
        """The rule's own reason for applying, or "" when it has none."""
        return self.because.get(language) or self.because.get(FALLBACK_LANGUAGE, "")

    def in_force(self, as_of: date) -> bool:
        """Whether the requirement is in force on `as_of` (both ends inclusive)."""
        if as_of < self.effective_from:
            return False
        return self.effective_to is None or as_of <= self.effective_to

    @property
    def markets(self) -> tuple[str, ...]:
        """The markets it is limited to; empty: every market."""
        return tuple(self.applies_to.get("markets", ()))

    @property
    def step_order(self) -> int:
        """Position of its step on its side (for grouping in order)."""
        return STEPS[self.side].index(self.step)


@dataclass(frozen=True)
class Match:
    """A requirement that applies, and which of its filters made it apply.

    `reasons` holds codes a caller turns into a sentence: ("rule",) for the rule's own
    `because` text, ("hs", prefix), ("claim", claim), ("processed",),
    ("processed_unknown",), ("market", market) and ("every",).
    """

    requirement: Requirement
    reasons: tuple[tuple[str, ...], ...] = field(default=())


@dataclass(frozen=True)
class ApplicableRequirement:
    """A requirement that applies to a product, with a human sentence saying why."""

    requirement: Requirement
    applies_because: str


# --- Building requirements from rules ------------------------------------------------------


def build_requirements(rules: Iterable[Rule]) -> list[Requirement]:
    """Requirement records for the requirement rules; `RuleFileError` names a bad value."""
    return [_requirement(rule) for rule in rules if rule.check == REQUIREMENT]


def _requirement(rule: Rule) -> Requirement:
    def problem(message: str) -> RuleFileError:
        return RuleFileError(message, file=rule.file, rule_id=rule.id)

    params = rule.params
    unknown = sorted(set(params) - PREDICATE_PARAMS[REQUIREMENT] - OPTIONAL_PARAMS)
    if unknown:
        raise problem(f"params has unknown keys {unknown}")
    side = params["side"]
    if side not in SIDES:
        raise problem(f"params.side must be one of {list(SIDES)}, not {side!r}")
    kind = params["kind"]
    if kind not in KINDS:
        raise problem(f"params.kind must be one of {sorted(KINDS)}, not {kind!r}")
    step = params["step"]
    if step not in STEPS[side]:
        raise problem(
            f"params.step must be one of {list(STEPS[side])} on the {side} side, "
            f"not {step!r}"
        )
    agency = params["agency"]
    if not isinstance(agency, str) or not agency.strip():
        raise problem("params.agency must be text")
    mandatory = params["mandatory"]
    permit = params.get("permit", False)
    if not isinstance(mandatory, bool) or not isinstance(permit, bool):
        raise problem("params.mandatory and params.permit must be true or false")
    if permit and (side != DESTINATION or kind != "permit"):
        raise problem(
            "params.permit is only for destination requirements of kind permit"
        )
    return Requirement(
        id=rule.id,
        side=side,
        kind=kind,
        step=step,
        title=rule.title,
        detail=rule.message,
        agency=agency.strip(),
        mandatory=mandatory,
        permit=permit,
        applies_to=_filters(rule.applies_to, side, problem),
        because=_because(params.get("because"), problem),
        source=rule.source,
        effective_from=rule.effective_from,
        effective_to=rule.effective_to,
        confidence=rule.confidence,
        file=rule.file,
        notes=rule.notes,
    )


def _filters(
    applies_to: Mapping[str, Any], side: str, problem: Any
) -> Mapping[str, tuple[Any, ...]]:
    filters: dict[str, tuple[Any, ...]] = {}
    for key, values in applies_to.items():
        if key not in APPLIES_TO_KEYS:
            raise problem(
                f"applies_to has unknown filter {key!r} "
                f"(known: {sorted(APPLIES_TO_KEYS)})"
            )
        filters[key] = tuple(values)
    for key in ("hs_prefixes", "not_hs_prefixes"):
        for prefix in filters.get(key, ()):
            if not (
                isinstance(prefix, str)
                and prefix.isdigit()
                and HS_CHAPTER_DIGITS <= len(prefix) <= HS_DIGITS
            ):
                raise problem(
                    f"applies_to.{key} holds {prefix!r}: write HS prefixes as quoted "
                    "strings of 2 to 6 digits"
                )
    for market in filters.get("markets", ()):
        if not (
            isinstance(market, str)
            and len(market) == MARKET_CODE_LENGTH
            and market.isupper()
        ):
            raise problem(f"applies_to.markets holds {market!r}: use ISO codes like MY")
    unknown_claims = sorted(
        str(c) for c in filters.get("claims", ()) if c not in CLAIMS
    )
    if unknown_claims:
        raise problem(
            f"applies_to.claims holds unknown claims {unknown_claims} "
            f"(known: {sorted(CLAIMS)})"
        )
    if any(not isinstance(flag, bool) for flag in filters.get("processed", ())):
        raise problem("applies_to.processed must list true and/or false")
    if side == DESTINATION and not filters.get("markets"):
        raise problem("a destination requirement needs applies_to.markets")
    return MappingProxyType(filters)


def _because(value: object, problem: Any) -> Mapping[str, str]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip()
        for lang in LANGUAGES
    ):
        raise problem(f"params.because needs non-empty text for {list(LANGUAGES)}")
    return MappingProxyType({str(k): str(v).strip() for k, v in value.items()})


# --- Choosing the requirements that apply --------------------------------------------------


def match_requirements(
    requirements: Sequence[Requirement],
    *,
    hs_code: str,
    market: str,
    claims: Collection[str] = (),
    processed: bool | None = None,
    as_of: date,
    permits_only: bool = False,
) -> list[Match]:
    """The requirements in force on `as_of` for this product, sorted by side and step.

    `processed=None` (not said) keeps requirements limited to processed or unprocessed
    goods, with the reason "if the product is processed/unprocessed"; a market filter must
    name the market; an HS filter must match a prefix of the six-digit code.
    """
    claimed = frozenset(claims)
    matches = []
    for requirement in requirements:
        if permits_only and not requirement.permit:
            continue
        if not requirement.in_force(as_of):
            continue
        reasons = _reasons(requirement, hs_code, market, claimed, processed)
        if reasons is not None:
            matches.append(Match(requirement, reasons))
    return sorted(matches, key=_order)


def _order(match: Match) -> tuple[int, int, bool, str]:
    requirement = match.requirement
    return (
        SIDES.index(requirement.side),
        requirement.step_order,
        not requirement.mandatory,
        requirement.id,
    )


def _reasons(
    requirement: Requirement,
    hs_code: str,
    market: str,
    claimed: frozenset[str],
    processed: bool | None,
) -> tuple[tuple[str, ...], ...] | None:
    """Why the requirement applies (reason codes), or None when it does not."""
    filters = requirement.applies_to
    markets = filters.get("markets")
    if markets is not None and market not in markets:
        return None
    found = [
        _hs_reason(filters, hs_code),
        _claim_reasons(filters, claimed),
        _processed_reason(filters, processed),
    ]
    if any(part is None for part in found):
        return None
    reasons = [reason for part in found if part for reason in part]
    if requirement.because:
        # The rule's own sentence says why better than the HS prefix does.
        reasons = [("rule",), *(r for r in reasons if r[0] != "hs")]
    if not reasons:
        reasons.append(("market", market) if markets is not None else ("every",))
    return tuple(reasons)


_Reasons = list[tuple[str, ...]] | None


def _hs_reason(filters: Mapping[str, tuple[Any, ...]], hs_code: str) -> _Reasons:
    if any(hs_code.startswith(prefix) for prefix in filters.get("not_hs_prefixes", ())):
        return None
    prefixes = filters.get("hs_prefixes")
    if prefixes is None:
        return []
    hit = max(
        (prefix for prefix in prefixes if hs_code.startswith(prefix)),
        key=len,
        default=None,
    )
    return None if hit is None else [("hs", hit)]


def _claim_reasons(
    filters: Mapping[str, tuple[Any, ...]], claimed: frozenset[str]
) -> _Reasons:
    wanted = filters.get("claims")
    if wanted is None:
        return []
    made = sorted(claimed.intersection(wanted))
    return [("claim", claim) for claim in made] or None


def _processed_reason(
    filters: Mapping[str, tuple[Any, ...]], processed: bool | None
) -> _Reasons:
    wanted = filters.get("processed")
    if wanted is None:
        return []
    if processed is None:
        if len(set(wanted)) == 1:
            return [("processed_unknown", "processed" if wanted[0] else "raw")]
        return []
    if processed not in wanted:
        return None
    return [("processed" if processed else "raw",)]
