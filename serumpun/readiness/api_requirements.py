"""POST /readiness/requirements: what exporting a product to a market takes, both sides.

Mounted at `/api/v1/readiness`. The answer's field names are fixed by API.md ("Readiness");
fields beyond them (`step`, `detail`, `effective_to`, `permit`, `to_confirm`, `as_of`,
`rules_version`, `hs_description`) are additions. A malformed or unknown HS code and an
unknown market are 422s naming the field. The book is cached in memory and so is each
answer's JSON (keyed by the question, the day, the language and the rules version), so a call
costs the token lookup and one HS query.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from serumpun.readiness import knowledge

router = Router(tags=["readiness"])

Claim = Literal["halal", "contains_beef_or_pork", "contains_alcohol"]
Side = Literal["origin", "destination"]
Kind = Literal[
    "permit",
    "certificate",
    "registration",
    "labelling",
    "document",
    "tariff",
    "standard",
    "notification",
]
Confidence = Literal["high", "medium", "low"]
#: distinct questions whose answers are kept (a few hundred HS codes × claims × languages)
ANSWER_CACHE_SIZE = 4096
#: confidences shown as "to be confirmed"
TO_CONFIRM = frozenset({"medium", "low"})


class RequirementsIn(Schema):
    """Body of POST /readiness/requirements."""

    hs_code: str = Field(
        ...,
        max_length=12,
        description="Six-digit HS 2022 subheading, e.g. 090111 (dots and spaces allowed).",
    )
    market: str = Field(
        ..., max_length=8, description="ISO 3166-1 code of the market, e.g. MY."
    )
    claims: list[Claim] = Field(
        default_factory=list,
        max_length=10,
        description="What the label claims or the food contains.",
    )
    processed: bool | None = Field(
        None, description="Processed food? Unsaid: conditional requirements are listed."
    )


class SourceOut(Schema):
    """Where a requirement comes from."""

    title: str
    url: str
    published: dt.date | None


class RequirementOut(Schema):
    """One requirement that applies."""

    id: str
    side: Side
    kind: Kind
    step: str
    title: str
    detail: str
    agency: str
    mandatory: bool
    permit: bool
    applies_because: str
    source: SourceOut
    effective_from: dt.date
    effective_to: dt.date | None
    confidence: Confidence
    to_confirm: bool


class RequirementsOut(Schema):
    """What exporting `hs_code` to `market` takes."""

    hs_code: str
    hs_description: str
    market: str
    as_of: dt.date
    rules_version: str
    requirements: list[RequirementOut]


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["body", field], "msg": message}])


@router.post(
    "/requirements",
    response=RequirementsOut,
    summary="What exporting a product to a market takes",
)
def requirements(request: HttpRequest, payload: RequirementsIn) -> HttpResponse:
    """Requirements on both sides of the border for one HS code, market and claims."""
    code = knowledge.normalise_hs_code(payload.hs_code)
    if code is None:
        raise _invalid("hs_code", "Enter a six-digit HS 2022 code, e.g. 090111.")
    market = payload.market.strip().upper()
    if market not in knowledge.known_markets():
        raise _invalid("market", f"No requirements are known for market {market!r}.")
    description = knowledge.hs_subheading_description(code)
    if description is None:
        raise _invalid("hs_code", f"{code} is not an HS 2022 subheading.")
    as_of = timezone.localdate()
    body = _answer(
        code,
        description,
        market,
        tuple(sorted(set(payload.claims))),
        payload.processed,
        as_of,
        knowledge.current_language(),
        knowledge.requirement_book().version,
    )
    return HttpResponse(body, content_type="application/json")


@functools.lru_cache(maxsize=ANSWER_CACHE_SIZE)
def _answer(  # noqa: PLR0917  (the cache key: every input of the answer)
    code: str,
    description: str,
    market: str,
    claims: tuple[str, ...],
    processed: bool | None,
    as_of: dt.date,
    language: str,
    version: str,
) -> bytes:
    """The answer's JSON, cached: the same question on the same day and rules version
    always has the same answer (the book's version is part of the key)."""
    with translation.override(language):
        applicable = knowledge.requirements_for(
            hs_code=code, market=market, claims=claims, processed=processed, as_of=as_of
        )
    answer = RequirementsOut(
        hs_code=code,
        hs_description=description,
        market=market,
        as_of=as_of,
        rules_version=version,
        requirements=[_out(item, language) for item in applicable],
    )
    return answer.model_dump_json().encode()


def _out(item: knowledge.ApplicableRequirement, language: str) -> RequirementOut:
    requirement = item.requirement
    return RequirementOut(
        id=requirement.id,
        side=requirement.side,  # type: ignore[arg-type]
        kind=requirement.kind,  # type: ignore[arg-type]
        step=requirement.step,
        title=requirement.title_in(language),
        detail=requirement.detail_in(language),
        agency=requirement.agency,
        mandatory=requirement.mandatory,
        permit=requirement.permit,
        applies_because=item.applies_because,
        source=SourceOut(
            title=requirement.source.title,
            url=requirement.source.url,
            published=requirement.source.published,
        ),
        effective_from=requirement.effective_from,
        effective_to=requirement.effective_to,
        confidence=requirement.confidence,  # type: ignore[arg-type]
        to_confirm=requirement.confidence in TO_CONFIRM,
    )
