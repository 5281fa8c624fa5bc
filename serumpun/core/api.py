"""API: /api/v1/reference/* (any authenticated user).

Every list answers {"items": [...], "count": N} with ?limit= (default 20, max 100) and
?offset=, through serumpun.core.pagination.LimitOffset.
"""

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from serumpun.core.models import HSCode, Occupation, Port, Regency
from serumpun.core.pagination import LimitOffset
from serumpun.core.reference import (
    HS_LEVELS,
    LAMPUNG_PROVINCE_CODE,
    SUBHEADING,
    hs_queryset,
    occupation_queryset,
)

router = Router(tags=["reference"])

#: longest search text accepted; longer queries are a client error (422)
MAX_QUERY_LENGTH = 100

Sector = Literal[
    "plantation",
    "agriculture",
    "manufacturing",
    "construction",
    "services",
    "mining",
    "domestic",
]


class RegencyFilters(Schema):
    """Filters of GET /regencies."""

    province: str = Field(
        LAMPUNG_PROVINCE_CODE,
        pattern=r"^\d{2}$",
        description="Two-digit BPS province code; Lampung (18) by default.",
    )


class RegencyOut(Schema):
    """A regency (kabupaten) or city (kota) with its capital."""

    code: str = Field(description="BPS/Kemendagri four-digit code, e.g. 1801.")
    name: str
    kind: Literal["kabupaten", "kota"]
    province_code: str
    capital: str
    lat: float | None = Field(description="Capital's latitude, WGS84.")
    lon: float | None = Field(description="Capital's longitude, WGS84.")
    road_km_to_panjang: float | None = Field(
        description="Estimated road km to Panjang port (confidence low)."
    )

    @staticmethod
    def resolve_province_code(obj: Regency) -> str:
        return obj.province_id


class HSFilters(Schema):
    """Filters of GET /hs."""

    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Code prefix (0901, 0901.11) or words in Indonesian/English.",
    )
    # The HS levels are exactly 2, 4 and 6: the code lengths.
    level: int = Field(
        SUBHEADING,
        ge=min(HS_LEVELS),
        le=max(HS_LEVELS),
        multiple_of=2,
        description="2 chapters, 4 headings, 6 subheadings (default).",
    )


class HSCodeOut(Schema):
    """An HS 2022 code with its description and Indonesian trade names."""

    code: str
    level: int
    parent: str | None
    section: str
    description: str
    names_id: list[str] = Field(
        description="Indonesian (and Malay) trade names: kopi, lada, kerepek…"
    )

    @staticmethod
    def resolve_parent(obj: HSCode) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_names_id(obj: HSCode) -> list[str]:
        return [name for name in obj.name_id.split(", ") if name]


class PortFilters(Schema):
    """Filters of GET /ports."""

    kind: Literal["seaport", "airport"] | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")


class PortOut(Schema):
    """A seaport or airport from our own table."""

    locode: str
    name: str
    country: str
    kind: Literal["seaport", "airport"]
    iata: str
    lat: float
    lon: float
    aliases: list[str]
    international: bool
    confidence: Literal["high", "medium", "low"]

    @staticmethod
    def resolve_country(obj: Port) -> str:
        return obj.country_id


class OccupationFilters(Schema):
    """Filters of GET /occupations."""

    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="ISCO code prefix or words of a title in any of the three languages.",
    )
    sector: Sector | None = None


class OccupationOut(Schema):
    """An ISCO-08 unit group with English, Indonesian and Malay titles."""

    isco_code: str
    title_en: str
    title_id: str
    title_ms: str
    sector: Sector
    confidence: Literal["high", "medium", "low"]


@router.get("/regencies", response=list[RegencyOut], summary="Regencies and cities")
@paginate(LimitOffset)
def list_regencies(
    request: HttpRequest, filters: Query[RegencyFilters]
) -> QuerySet[Regency]:
    """Lampung's 15 regencies and cities (or another province's) with capitals."""
    return Regency.objects.filter(province_id=filters.province).order_by("code")


@router.get("/hs", response=list[HSCodeOut], summary="HS 2022 codes")
@paginate(LimitOffset)
def list_hs(request: HttpRequest, filters: Query[HSFilters]) -> QuerySet[HSCode]:
    """HS codes by code prefix or words; Indonesian-name hits first, then by code."""
    return hs_queryset(filters.q, levels=(filters.level,))


@router.get("/ports", response=list[PortOut], summary="Ports and airports")
@paginate(LimitOffset)
def list_ports(request: HttpRequest, filters: Query[PortFilters]) -> QuerySet[Port]:
    """Seaports and airports of the corridor (research/logistics.md §2)."""
    ports = Port.objects.order_by("country_id", "kind", "locode")
    if filters.kind:
        ports = ports.filter(kind=filters.kind)
    if filters.country:
        ports = ports.filter(country_id=filters.country)
    return ports


@router.get("/occupations", response=list[OccupationOut], summary="Occupations")
@paginate(LimitOffset)
def list_occupations(
    request: HttpRequest, filters: Query[OccupationFilters]
) -> QuerySet[Occupation]:
    """ISCO-08 unit groups used by the labour module."""
    return occupation_queryset(filters.q, sector=filters.sector)
