"""Landed cost in Malaysia: EXW → FOB → CIF → import duty (MFN or ATIGA) → sales tax → per kg.

Pure: no Django, no database, no clock. The tariff book (duty and sales-tax rates per tariff
line, exchange rates, the insurance convention) is data in data/logistics/tariffs.yaml, read by
`load_tariff_book` and passed in. Money is Decimal throughout.

The chain (research/trade.md §2a; Customs Act 1967 valuation on CIF):

    EXW (the MSME's price)          = EXW IDR/kg × kg ÷ USD/IDR
    FOB                             = EXW + origin charges (truck, export clearance, THC, docs)
    insurance                       = rate × cover (110%) × (FOB + freight)
    CIF                             = FOB + freight + insurance, in MYR at USD/MYR
    import duty                     = CIF × (ATIGA rate with Form D, else MFN rate)
    sales tax                       = (CIF + duty) × sales-tax rate
    landed                          = CIF + duty + sales tax + destination charges

The reverse (`fob_for_shelf_price`) solves the same chain for the FOB price that reaches a
target shelf price after the importer's and retailer's margins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from serumpun.logistics.rules.quote import QuoteOption

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
BASIS_ATIGA = "ATIGA"
BASIS_MFN = "MFN"
CONFIDENCES = frozenset({"high", "medium", "low"})
#: the origin country's LOCODE prefix: local charges there are paid before FOB
ORIGIN_COUNTRY = "ID"
ORIGIN_COST_KINDS = frozenset({"road", "ferry"})
FREIGHT_COST_KINDS = frozenset({"sea_freight", "air_freight"})


class TariffBookError(ValueError):
    """A malformed tariff file."""


class UnknownTariffLineError(KeyError):
    """No tariff line for this HS code in the book."""


@dataclass(frozen=True)
class Source:
    """Where a figure comes from."""

    title: str
    url: str
    published: date | None


@dataclass(frozen=True)
class ExchangeRate:
    """Units of the quote currency per one unit of the base currency, on a date."""

    pair: str
    rate: Decimal
    as_of: date
    source: Source
    confidence: str


@dataclass(frozen=True)
class TariffLine:
    """Malaysian import duty and sales tax for one six-digit HS line."""

    hs_code: str
    name: Mapping[str, str]
    mfn_percent: Decimal
    atiga_percent: Decimal
    sales_tax_percent: Decimal
    confidence: Mapping[str, str]  # mfn, atiga, sales_tax → high|medium|low
    notes: str = ""


@dataclass(frozen=True)
class TariffBook:
    """Everything the calculator needs besides the user's figures."""

    lines: Mapping[str, TariffLine]
    usd_myr: ExchangeRate
    usd_idr: ExchangeRate
    insurance_rate_percent: Decimal
    insurance_cover_percent: Decimal
    insurance_confidence: str
    insurance_source: Source
    valuation_source: Source

    def line(self, hs_code: str) -> TariffLine:
        """The tariff line of an HS code; UnknownTariffLineError if the book has none."""
        try:
            return self.lines[hs_code]
        except KeyError as exc:
            raise UnknownTariffLineError(hs_code) from exc


@dataclass(frozen=True)
class LandedCostInput:
    """The user's figures for one consignment."""

    hs_code: str
    quantity_kg: Decimal
    exw_idr_per_kg: Decimal
    origin_charges_usd: Decimal
    freight_usd: Decimal
    destination_charges_myr: Decimal = Decimal(0)
    form_d: bool = True
    duty_percent: Decimal | None = None  # overrides the book's rate (a ruling, MyNTR)
    sales_tax_percent: Decimal | None = None


@dataclass(frozen=True)
class LandedCost:
    """Every step of the chain, rounded to cents, and the rates used."""

    quantity_kg: Decimal
    exw_usd: Decimal
    fob_usd: Decimal
    freight_usd: Decimal
    insurance_usd: Decimal
    cif_usd: Decimal
    cif_myr: Decimal
    duty_basis: str
    duty_percent: Decimal
    duty_myr: Decimal
    sales_tax_percent: Decimal
    sales_tax_myr: Decimal
    destination_charges_myr: Decimal
    landed_myr: Decimal
    landed_myr_per_kg: Decimal
    fob_usd_per_kg: Decimal
    mfn_landed_myr: Decimal  # the same consignment without Form D, for comparison
    form_d_saving_myr: Decimal
    line: TariffLine


@dataclass(frozen=True)
class ReverseResult:
    """The price at origin that reaches a target shelf price."""

    shelf_myr_per_kg: Decimal
    margin_percent: Decimal
    landed_myr_per_kg: Decimal  # the most the consignment may cost landed
    fob_usd_per_kg: Decimal
    exw_idr_per_kg: Decimal
    reachable: bool  # False when freight and charges alone exceed the target


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(value: Decimal) -> Decimal:
    return value / HUNDRED


def duty_percent(line: TariffLine, *, form_d: bool) -> tuple[str, Decimal]:
    """The duty basis and rate: ATIGA needs Form D (and direct consignment), else MFN."""
    if form_d:
        return BASIS_ATIGA, line.atiga_percent
    return BASIS_MFN, line.mfn_percent


def landed_cost(data: LandedCostInput, book: TariffBook) -> LandedCost:
    """The landed cost of a consignment in Malaysia, step by step (see the module doc)."""
    line = book.line(data.hs_code)
    basis, rate = duty_percent(line, form_d=data.form_d)
    if data.duty_percent is not None:
        rate = data.duty_percent
    tax_rate = (
        line.sales_tax_percent
        if data.sales_tax_percent is None
        else data.sales_tax_percent
    )
    exw_usd = data.exw_idr_per_kg * data.quantity_kg / book.usd_idr.rate
    fob_usd = exw_usd + data.origin_charges_usd
    insurance_usd = (
        _percent(book.insurance_rate_percent)
        * _percent(book.insurance_cover_percent)
        * (fob_usd + data.freight_usd)
    )
    cif_usd = fob_usd + data.freight_usd + insurance_usd
    cif_myr = cif_usd * book.usd_myr.rate

    def landed_with(duty_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        duty = cif_myr * _percent(duty_rate)
        tax = (cif_myr + duty) * _percent(tax_rate)
        return duty, tax, cif_myr + duty + tax + data.destination_charges_myr

    duty_myr, tax_myr, landed_myr = landed_with(rate)
    _, _, mfn_landed = landed_with(
        line.mfn_percent if data.duty_percent is None else rate
    )
    per_kg = landed_myr / data.quantity_kg if data.quantity_kg else Decimal(0)
    return LandedCost(
        quantity_kg=data.quantity_kg,
        exw_usd=_money(exw_usd),
        fob_usd=_money(fob_usd),
        freight_usd=_money(data.freight_usd),
        insurance_usd=_money(insurance_usd),
        cif_usd=_money(cif_usd),
        cif_myr=_money(cif_myr),
        duty_basis=basis,
        duty_percent=rate,
        duty_myr=_money(duty_myr),
        sales_tax_percent=tax_rate,
        sales_tax_myr=_money(tax_myr),
        destination_charges_myr=_money(data.destination_charges_myr),
        landed_myr=_money(landed_myr),
        landed_myr_per_kg=_money(per_kg),
        fob_usd_per_kg=(fob_usd / data.quantity_kg).quantize(RATE_PLACES)
        if data.quantity_kg
        else Decimal(0),
        mfn_landed_myr=_money(mfn_landed),
        form_d_saving_myr=_money(mfn_landed - landed_myr),
        line=line,
    )


def fob_for_shelf_price(
    *,
    shelf_myr_per_kg: Decimal,
    margin_percent: Decimal,
    data: LandedCostInput,
    book: TariffBook,
) -> ReverseResult:
    """The FOB (and EXW) price per kg at which the consignment reaches a shelf price.

    `margin_percent` is the importer's and retailer's combined mark-up on landed cost, so the
    landed cost may be at most shelf ÷ (1 + margin). `data`'s EXW price is ignored.
    """
    line = book.line(data.hs_code)
    _, rate = duty_percent(line, form_d=data.form_d)
    if data.duty_percent is not None:
        rate = data.duty_percent
    tax_rate = (
        line.sales_tax_percent
        if data.sales_tax_percent is None
        else data.sales_tax_percent
    )
    landed_per_kg = shelf_myr_per_kg / (1 + _percent(margin_percent))
    landed_total = landed_per_kg * data.quantity_kg
    insurance_factor = 1 + _percent(book.insurance_rate_percent) * _percent(
        book.insurance_cover_percent
    )
    growth = (
        insurance_factor
        * book.usd_myr.rate
        * (1 + _percent(rate))
        * (1 + _percent(tax_rate))
    )
    fob_total = (
        landed_total - data.destination_charges_myr
    ) / growth - data.freight_usd
    exw_usd_total = fob_total - data.origin_charges_usd
    fob_per_kg = fob_total / data.quantity_kg
    exw_idr_per_kg = exw_usd_total * book.usd_idr.rate / data.quantity_kg
    return ReverseResult(
        shelf_myr_per_kg=shelf_myr_per_kg,
        margin_percent=margin_percent,
        landed_myr_per_kg=_money(landed_per_kg),
        fob_usd_per_kg=fob_per_kg.quantize(RATE_PLACES),
        exw_idr_per_kg=exw_idr_per_kg.quantize(Decimal(1)),
        reachable=exw_usd_total > 0,
    )


# --- Loading the book --------------------------------------------------------------------------


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise TariffBookError(f"{where}: not a number: {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise TariffBookError(f"{where}: must be a non-negative number")
    return number


def _source(raw: Mapping[str, Any]) -> Source:
    published = raw.get("published")
    return Source(
        title=str(raw.get("title", "")),
        url=str(raw.get("url", "")),
        published=published if isinstance(published, date) else None,
    )


def _rate(raw: Mapping[str, Any]) -> ExchangeRate:
    if raw.get("confidence") not in CONFIDENCES:
        raise TariffBookError(f"exchange rate {raw.get('pair')}: bad confidence")
    if not isinstance(raw.get("as_of"), date):
        raise TariffBookError(f"exchange rate {raw.get('pair')}: as_of must be a date")
    rate = _decimal(raw.get("rate"), f"exchange rate {raw.get('pair')}")
    if rate == 0:
        raise TariffBookError(f"exchange rate {raw.get('pair')}: zero")
    return ExchangeRate(
        pair=str(raw["pair"]),
        rate=rate,
        as_of=raw["as_of"],
        source=_source(raw.get("source", {})),
        confidence=str(raw["confidence"]),
    )


def _line(raw: Mapping[str, Any]) -> TariffLine:
    code = str(raw.get("hs_code", ""))
    if len(code) != 6 or not code.isdigit():  # noqa: PLR2004 (six-digit HS)
        raise TariffBookError(f"tariff line {code!r}: hs_code must be six digits")
    confidence = dict(raw.get("confidence", {}))
    if set(confidence) != {"mfn", "atiga", "sales_tax"} or not set(
        confidence.values()
    ) <= set(CONFIDENCES):
        raise TariffBookError(
            f"tariff line {code}: confidence needs mfn, atiga, sales_tax"
        )
    return TariffLine(
        hs_code=code,
        name=MappingProxyType(dict(raw.get("name", {}))),
        mfn_percent=_decimal(raw.get("mfn_percent"), f"{code} mfn_percent"),
        atiga_percent=_decimal(raw.get("atiga_percent"), f"{code} atiga_percent"),
        sales_tax_percent=_decimal(
            raw.get("sales_tax_percent"), f"{code} sales_tax_percent"
        ),
        confidence=MappingProxyType(confidence),
        notes=str(raw.get("notes", "")),
    )


def parse_tariff_book(data: Mapping[str, Any]) -> TariffBook:
    """A tariff book from the parsed YAML; TariffBookError names what is wrong."""
    try:
        rates = {r["pair"]: _rate(r) for r in data["exchange_rates"]}
        insurance = data["insurance"]
        lines = [_line(raw) for raw in data["lines"]]
        usd_myr, usd_idr = rates["USD/MYR"], rates["USD/IDR"]
        valuation = data["valuation"]
    except (KeyError, TypeError) as exc:
        raise TariffBookError(f"missing or malformed entry: {exc}") from exc
    codes = [line.hs_code for line in lines]
    if len(set(codes)) != len(codes):
        raise TariffBookError("duplicate hs_code")
    if insurance.get("confidence") not in CONFIDENCES:
        raise TariffBookError("insurance: bad confidence")
    return TariffBook(
        lines=MappingProxyType({line.hs_code: line for line in lines}),
        usd_myr=usd_myr,
        usd_idr=usd_idr,
        insurance_rate_percent=_decimal(insurance.get("rate_percent"), "insurance"),
        insurance_cover_percent=_decimal(insurance.get("cover_percent"), "insurance"),
        insurance_confidence=str(insurance["confidence"]),
        insurance_source=_source(insurance.get("source", {})),
        valuation_source=_source(valuation.get("source", {})),
    )


def load_tariff_book(path: Path) -> TariffBook:
    """Read and validate a tariff file (data/logistics/tariffs.yaml)."""
    with path.open(encoding="utf-8") as handle:
        return parse_tariff_book(yaml.safe_load(handle))


@dataclass(frozen=True)
class QuotedFreight:
    """The quote a calculation used, split at the ship's rail (FOB) and at arrival."""

    option: QuoteOption
    origin_usd: Decimal
    freight_usd: Decimal
    destination_usd: Decimal


def split_quote(option: QuoteOption) -> QuotedFreight:
    """Origin charges (before FOB), main freight, destination charges of a quote."""
    origin = freight = destination = Decimal(0)
    for item in option.breakdown:
        amount = Decimal(str(item.amount))
        if item.kind in FREIGHT_COST_KINDS:
            freight += amount
        elif item.kind in ORIGIN_COST_KINDS or item.origin.startswith(ORIGIN_COUNTRY):
            origin += amount
        else:
            destination += amount
    return QuotedFreight(option, origin, freight, destination)
