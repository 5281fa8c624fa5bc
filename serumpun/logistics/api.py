"""The Logistics section of API.md: POST /logistics/quotes.

The route resolves nothing itself: `quoting.quote_with_reasons` validates the origin and
destination (422 naming the field) and runs the pure engine. Inputs are bounded so random
input is a 422, never a 500. POST /consolidations and GET /lanes/demand are in
api_consolidation.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from pydantic import model_validator

from serumpun.core.api_actions import call_action
from serumpun.logistics import actions, presenters, quoting

router = Router(tags=["logistics"])

MAX_WEIGHT_KG = 1_000_000.0
MAX_VOLUME_M3 = 10_000.0
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class OriginIn(Schema):
    """Either a Lampung regency code or an Indonesian LOCODE."""

    regency_code: str | None = Field(None, min_length=1, max_length=10)
    locode: str | None = Field(None, min_length=1, max_length=10)

    @model_validator(mode="after")
    def one_of(self) -> OriginIn:
        if (self.regency_code is None) == (self.locode is None):
            raise ValueError("give exactly one of regency_code or locode")
        return self


class DestinationIn(Schema):
    locode: str = Field(..., min_length=1, max_length=10)


class CargoIn(Schema):
    weight_kg: float = Field(..., gt=0, le=MAX_WEIGHT_KG)
    volume_m3: float = Field(..., gt=0, le=MAX_VOLUME_M3)
    kind: Literal["general", "reefer"] = "general"


class QuoteIn(Schema):
    origin: OriginIn
    destination: DestinationIn
    cargo: CargoIn
    ready_date: dt.date | None = Field(None, ge=EARLIEST, le=LATEST)


class LegOut(Schema):
    from_: str = Field(..., alias="from")
    to: str
    mode: Literal["road", "sea", "air", "ferry"]
    distance_km: float


class DaysOut(Schema):
    min: int
    max: int


class CostLineOut(Schema):
    item: str
    amount: float


class RateSourceOut(Schema):
    title: str
    date: dt.date
    age_days: int
    confidence: str


class CostOut(Schema):
    currency: Literal["USD"]
    total: float
    breakdown: list[CostLineOut]
    rate_sources: list[RateSourceOut]


class OptionOut(Schema):
    mode: Literal["sea_lcl", "sea_fcl_20", "sea_fcl_40", "air"]
    route: list[str]
    legs: list[LegOut]
    distance_km: float
    transit_days: DaysOut
    cost: CostOut
    co2e_kg: float
    containers: int


class OmittedOut(Schema):
    mode: str
    route: list[str]
    reason: str


class QuoteOut(Schema):
    options: list[OptionOut]
    omitted: list[OmittedOut]


@router.post("/quotes", response=QuoteOut, by_alias=True)
def create_quote(request: HttpRequest, payload: QuoteIn) -> HttpResponse:
    """Route options door to port: cost (USD) with rate sources, transit days and CO2e."""
    if not actions.may_quote(request.user):
        raise PermissionDenied
    origin = payload.origin.regency_code or payload.origin.locode or ""
    if payload.origin.regency_code is not None and not origin.isdigit():
        raise ValidationError(
            [{"loc": ["body", "origin", "regency_code"], "msg": "unknown regency code"}]
        )
    result = call_action(
        quoting.quote_with_reasons,
        {
            "origin": "origin.regency_code"
            if payload.origin.regency_code
            else "origin.locode",
            "destination": "destination.locode",
            "weight_kg": "cargo.weight_kg",
            "volume_m3": "cargo.volume_m3",
            "kind": "cargo.kind",
        },
        origin=origin,
        destination_locode=payload.destination.locode,
        weight_kg=payload.cargo.weight_kg,
        volume_m3=payload.cargo.volume_m3,
        kind=payload.cargo.kind,
        ready_date=payload.ready_date,
        as_of=timezone.localdate(),
    )
    # The answer is built to QuoteOut's shape by the presenters; it is sent as is, without
    # a second validation pass (a third of the endpoint's time; the API tests pin the shape).
    return JsonResponse(
        {
            "options": [presenters.option_dict(o) for o in result.options],
            "omitted": [presenters.omitted_dict(o) for o in result.omitted],
        }
    )
