"""The terms of a Malaysian job order, as the compliance rules read them (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SECTORS = (
    "manufacturing",
    "construction",
    "plantation",
    "agriculture",
    "services",
    "mining",
    "domestic",
)
GENDERS = ("any", "female", "male")
PASSPORT_HOLDERS = ("worker", "employer")
LEVY_PAYERS = ("employer", "worker")
COST_PAYERS = ("worker", "employer", "agency")
# p3mi: private placement through a licensed Indonesian agency (P3MI); ocs: the One Channel
# System for domestic workers; g2g: government to government; individual: the worker alone.
CHANNELS = ("p3mi", "ocs", "g2g", "individual")


@dataclass(frozen=True)
class CostItem:
    """One line of the recruitment cost ledger and who pays it."""

    item: str
    amount_myr: Decimal
    paid_by: str  # one of COST_PAYERS


@dataclass(frozen=True)
class JobOrderTerms:
    """What an employer or agency offers; everything the rules need and nothing else."""

    sector: str  # one of SECTORS
    isco_code: str  # ISCO-08 unit group, 4 digits
    workers_needed: int
    basic_wage_myr: Decimal  # per month
    weekly_hours: Decimal
    worker_paid_costs_myr: Decimal  # placement costs charged to the worker in total
    age_min: int
    age_max: int
    gender: str  # one of GENDERS
    contract_months: int
    accommodation_provided: bool
    passport_held_by: str  # one of PASSPORT_HOLDERS
    levy_paid_by: str  # one of LEVY_PAYERS
    employer_state: str = ""  # Malaysian state code or name
    agency_licence: str | None = None  # the P3MI's SIP3MI licence number
    agency_licence_valid_until: date | None = None
    agency_verified: bool = False  # the licence was checked against the KP2MI list
    quota_reference: str | None = None  # the SIP2MI recruitment quota reference
    channel: str = "p3mi"  # one of CHANNELS
    contract_languages: tuple[str, ...] = ()  # ISO 639-1 codes, e.g. ("id", "en")
    cost_items: tuple[CostItem, ...] = ()
    employer_approval_ref: str | None = None  # JTKSM approval under EA s.60K
