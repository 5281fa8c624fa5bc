"""Landed cost: the chain per tariff line, MFN vs ATIGA, the reverse calculation, the data file."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from serumpun.logistics.rules.landed_cost import (
    BASIS_ATIGA,
    BASIS_MFN,
    LandedCostInput,
    TariffBookError,
    UnknownTariffLineError,
    fob_for_shelf_price,
    landed_cost,
    load_tariff_book,
    parse_tariff_book,
    split_quote,
)
from serumpun.logistics.rules.quote import CostItem, QuoteOption, Range

DATA = Path(__file__).resolve().parents[3] / "data" / "logistics" / "tariffs.yaml"
BOOK = load_tariff_book(DATA)
D = Decimal


def consignment(hs_code: str = "090121", **changes) -> LandedCostInput:
    base = LandedCostInput(
        hs_code=hs_code,
        quantity_kg=D(1000),
        exw_idr_per_kg=D(83250),  # US$5.00/kg at 16,650
        origin_charges_usd=D(150),
        freight_usd=D(300),
        destination_charges_myr=D(400),
        form_d=True,
    )
    return replace(base, **changes)


def expected_landed(line, *, form_d: bool) -> Decimal:
    """The chain written out once more, independently, for the table test."""
    fob = D(5000) + D(150)
    insurance = D("0.003") * D("1.10") * (fob + D(300))
    cif_myr = (fob + D(300) + insurance) * D("4.13")
    duty_rate = line.atiga_percent if form_d else line.mfn_percent
    duty = cif_myr * duty_rate / 100
    tax = (cif_myr + duty) * line.sales_tax_percent / 100
    return (cif_myr + duty + tax + D(400)).quantize(D("0.01"))


def test_the_book_loads_with_every_research_commodity():
    assert {
        "090111",
        "090121",
        "210111",
        "090411",
        "200899",
        "110814",
        "030617",
        "160510",
        "180100",
        "040900",
        "170290",
    } <= set(BOOK.lines)
    assert BOOK.usd_myr.rate == D("4.13")
    assert BOOK.usd_idr.confidence == "low"
    for line in BOOK.lines.values():
        assert line.confidence["atiga"] == "medium"
        assert set(line.name) == {"id", "en", "ms"}


@pytest.mark.parametrize("hs_code", sorted(BOOK.lines))
@pytest.mark.parametrize("form_d", [True, False])
def test_landed_cost_per_tariff_line(hs_code, form_d):
    line = BOOK.line(hs_code)
    result = landed_cost(consignment(hs_code, form_d=form_d), BOOK)
    assert result.duty_basis == (BASIS_ATIGA if form_d else BASIS_MFN)
    assert result.duty_percent == (line.atiga_percent if form_d else line.mfn_percent)
    assert result.landed_myr == expected_landed(line, form_d=form_d)
    assert result.landed_myr_per_kg == (result.landed_myr / 1000).quantize(D("0.01"))
    assert result.exw_usd == D("5000.00")
    assert result.fob_usd == D("5150.00")
    assert result.cif_usd == D("5467.99")  # 5450 + 0.33% of 5450
    assert result.form_d_saving_myr >= 0


def test_form_d_saves_the_mfn_duty_on_roasted_coffee():
    with_form_d = landed_cost(consignment("090121"), BOOK)
    without = landed_cost(consignment("090121", form_d=False), BOOK)
    assert with_form_d.duty_myr == 0
    assert without.duty_myr == (without.cif_myr * D("0.10")).quantize(D("0.01"))
    assert with_form_d.form_d_saving_myr == without.landed_myr - with_form_d.landed_myr
    assert with_form_d.mfn_landed_myr == without.landed_myr


def test_sales_tax_is_charged_on_cif_plus_duty():
    result = landed_cost(consignment("210111", form_d=False), BOOK)  # 10% duty, 5% tax
    base = result.cif_myr + result.duty_myr
    assert result.sales_tax_myr == (base * D("0.05")).quantize(D("0.01"))


def test_overrides_replace_the_book_rates():
    result = landed_cost(
        consignment("090111", duty_percent=D(15), sales_tax_percent=D(10)), BOOK
    )
    assert result.duty_percent == 15
    assert result.sales_tax_percent == 10
    assert result.duty_myr == (result.cif_myr * D("0.15")).quantize(D("0.01"))


def test_an_unknown_tariff_line_is_refused():
    with pytest.raises(UnknownTariffLineError):
        landed_cost(consignment("999999"), BOOK)


@pytest.mark.parametrize("hs_code", sorted(BOOK.lines))
@pytest.mark.parametrize("form_d", [True, False])
def test_reverse_round_trip_reaches_the_shelf_price(hs_code, form_d):
    data = consignment(hs_code, form_d=form_d)
    reverse = fob_for_shelf_price(
        shelf_myr_per_kg=D(60), margin_percent=D(40), data=data, book=BOOK
    )
    assert reverse.reachable
    forward = landed_cost(replace(data, exw_idr_per_kg=reverse.exw_idr_per_kg), BOOK)
    # EXW is rounded to whole rupiah: the round trip lands within a sen per kg
    assert abs(forward.landed_myr_per_kg - reverse.landed_myr_per_kg) <= D("0.01")
    assert reverse.landed_myr_per_kg == (D(60) / D("1.4")).quantize(D("0.01"))


def test_a_shelf_price_below_freight_and_charges_is_not_reachable():
    reverse = fob_for_shelf_price(
        shelf_myr_per_kg=D("0.50"), margin_percent=D(30), data=consignment(), book=BOOK
    )
    assert not reverse.reachable
    assert reverse.exw_idr_per_kg < 0


def raw_book() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b["lines"][0].update(hs_code="0901"), "six digits"),
        (lambda b: b["lines"][0].update(mfn_percent=-1), "non-negative"),
        (lambda b: b["lines"][0].update(mfn_percent="ten"), "not a number"),
        (lambda b: b["lines"][0]["confidence"].pop("mfn"), "confidence"),
        (lambda b: b["lines"].append(dict(b["lines"][0])), "duplicate"),
        (lambda b: b["exchange_rates"][0].update(rate=0), "zero"),
        (lambda b: b["exchange_rates"].pop(), "missing"),
        (lambda b: b["insurance"].update(confidence="sure"), "insurance"),
    ],
)
def test_malformed_books_are_refused(mutate, message):
    book = raw_book()
    mutate(book)
    with pytest.raises(TariffBookError, match=message):
        parse_tariff_book(book)


def test_a_quote_splits_at_the_ships_rail_and_at_arrival():
    items = (
        CostItem("road", 40.0, "1871", "IDPJG"),
        CostItem("local", 25.0, "IDPJG", "", "THC"),
        CostItem("sea_freight", 300.0, "IDPJG", "MYPKG", "SGSIN"),
        CostItem("local", 35.5, "MYPKG", "", "THC"),
    )
    option = QuoteOption(
        mode="sea_lcl",
        route=("1871", "IDPJG", "MYPKG"),
        legs=(),
        distance_km=0.0,
        transit_days=Range(1, 2),
        total_usd=400.5,
        breakdown=items,
        rate_sources=(),
        co2e_kg=0.0,
    )
    split = split_quote(option)
    assert (split.origin_usd, split.freight_usd, split.destination_usd) == (
        D(65),
        D(300),
        D("35.5"),
    )
