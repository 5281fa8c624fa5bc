"""Factories and builders for labour tests.

    order = JobOrderFactory()                        # a checked, passing plantation order
    order = JobOrderFactory(endorsed=True)           # endorsed by an attaché
    seeker = SeekerFactory(regency_code="1804")      # a valid NIK for its birth date and sex
    nik = make_nik("1804", date(1998, 5, 17), "female")

Reference rows (Lampung regencies, ISCO occupations, Malaysian states) are created on demand,
so a test need not load whole datasets; `load_skills_and_courses()` loads data/labour/.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from serumpun.accounts.tests.factories import OrganisationFactory
from serumpun.core.crypto import blind_index
from serumpun.core.models import Occupation, Province, Regency
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    JobOrder,
    Seeker,
    SeekerDocument,
)

LAMPUNG_REGENCIES = {
    "1801": "Lampung Barat",
    "1802": "Tanggamus",
    "1804": "Lampung Timur",
    "1805": "Lampung Tengah",
    "1871": "Kota Bandar Lampung",
}
OCCUPATIONS = {
    "9211": ("Crop farm labourers", "plantation"),
    "8160": ("Food and related products machine operators", "manufacturing"),
    "7112": ("Bricklayers and related workers", "construction"),
    "5120": ("Cooks", "services"),
    "9111": ("Domestic cleaners and helpers", "domestic"),
}

_serials = itertools.count(1)


def regency(code: str = "1804") -> Regency:
    """A Lampung regency (created with its province when absent)."""
    found = Regency.objects.filter(code=code).first()
    if found is not None:
        return found
    province, _ = Province.objects.get_or_create(
        code=code[:2], defaults={"name": "Lampung"}
    )
    kind = Regency.Kind.CITY if code[2] == "7" else Regency.Kind.REGENCY
    return Regency.objects.create(
        code=code,
        province=province,
        name=LAMPUNG_REGENCIES.get(code, f"Regency {code}"),
        kind=kind,
        road_km_to_panjang=50.0,
    )


def occupation(isco_code: str = "9211") -> Occupation:
    """An ISCO-08 unit group (created when absent)."""
    title, sector = OCCUPATIONS.get(isco_code, (f"Occupation {isco_code}", "services"))
    found, _ = Occupation.objects.get_or_create(
        isco_code=isco_code,
        defaults={
            "title_en": title,
            "title_id": title,
            "title_ms": title,
            "sector": sector,
            "confidence": "medium",
        },
    )
    return found


def make_nik(
    regency_code: str, birth_date: dt.date, gender: str, serial: int | None = None
) -> str:
    """A NIK consistent with a regency, birth date and sex."""
    day = birth_date.day + (40 if gender == "female" else 0)
    serial = next(_serials) if serial is None else serial
    return (
        f"{regency_code}01{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
        f"{serial % 10000 or 1:04d}"
    )


def load_skills_and_courses() -> None:
    """Load data/labour/ skills and courses (with the regencies the courses name)."""
    from serumpun.labour.reference import load_labour_reference

    for code in ("1801", "1802", "1804", "1805", "1807", "1810", "1871", "1872"):
        regency(code)
    load_labour_reference()


class EmployerProfileFactory(DjangoModelFactory[EmployerProfile]):
    class Meta:
        model = EmployerProfile

    organisation = SubFactory(OrganisationFactory, kind="employer", country="MY")  # type: ignore[no-untyped-call]
    ssm_number = Sequence(lambda n: f"2019010{n:05d}")  # type: ignore[no-untyped-call]
    sector = "plantation"
    approval_reference = Sequence(lambda n: f"JTKSM-60K-{n:05d}")  # type: ignore[no-untyped-call]
    approval_date = dt.date(2025, 1, 15)
    verification = "verified"


class AgencyProfileFactory(DjangoModelFactory[AgencyProfile]):
    class Meta:
        model = AgencyProfile

    organisation = SubFactory(OrganisationFactory, kind="agency", country="ID")  # type: ignore[no-untyped-call]
    licence_number = Sequence(lambda n: f"SIP3MI-{n:05d}")  # type: ignore[no-untyped-call]
    valid_until = LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))  # type: ignore[no-untyped-call]
    verification = "verified"


def fair_terms(**overrides: Any) -> dict[str, Any]:
    """API.md job-order fields of a fair plantation order (passes every rule)."""
    terms: dict[str, Any] = {
        "title": "Pemanen sawit",
        "employer_name": "Ladang Sawit Sdn Bhd",
        "employer_state": "Johor",
        "sector": "plantation",
        "isco_code": "9211",
        "workers_needed": 20,
        "basic_wage_myr": Decimal("1800.00"),
        "weekly_hours": Decimal("45"),
        "worker_paid_costs_myr": Decimal("0"),
        "age_min": 21,
        "age_max": 40,
        "gender": "any",
        "contract_months": 24,
        "accommodation_provided": True,
        "passport_held_by": "worker",
        "levy_paid_by": "employer",
        "channel": "p3mi",
        "contract_languages": ["id", "ms"],
        "quota_reference": "SIP2MI-2026-001",
    }
    terms.update(overrides)
    return terms


class JobOrderFactory(DjangoModelFactory[JobOrder]):
    """A checked job order straight in the database (use the action to test checking)."""

    class Meta:
        model = JobOrder

    class Params:
        endorsed = False

    organisation = SubFactory(OrganisationFactory, kind="agency", country="ID")  # type: ignore[no-untyped-call]
    title = "Pemanen sawit"
    employer_name = "Ladang Sawit Sdn Bhd"
    employer_state = "Johor"
    sector = "plantation"
    occupation = LazyFunction(lambda: occupation("9211"))  # type: ignore[no-untyped-call]
    workers_needed = 10
    basic_wage_myr = Decimal("1800")
    weekly_hours = Decimal("45")
    contract_months = 24
    accommodation_provided = True
    passport_held_by = "worker"
    levy_paid_by = "employer"
    age_min = 21
    age_max = 40
    order_date = LazyFunction(timezone.localdate)  # type: ignore[no-untyped-call]
    status = LazyAttribute(  # type: ignore[no-untyped-call]
        lambda o: JobOrder.Status.ENDORSED if o.endorsed else JobOrder.Status.CHECKED
    )
    compliance_status = "pass"
    compliance = LazyFunction(  # type: ignore[no-untyped-call]
        lambda: {"status": "pass", "violations": [], "warnings": []}
    )


class SeekerFactory(DjangoModelFactory[Seeker]):
    """A seeker with a NIK that agrees with their birth date, sex and regency."""

    class Meta:
        model = Seeker
        skip_postgeneration_save = True

    class Params:
        regency_code = "1804"

    full_name = Sequence(lambda n: f"Pencari Kerja {n}")  # type: ignore[no-untyped-call]
    birth_date = dt.date(1998, 5, 17)
    gender = "male"
    regency = LazyAttribute(lambda o: regency(o.regency_code))  # type: ignore[no-untyped-call]
    nik = LazyAttribute(lambda o: make_nik(o.regency_code, o.birth_date, o.gender))  # type: ignore[no-untyped-call]
    nik_hash = LazyAttribute(lambda o: blind_index(o.nik))  # type: ignore[no-untyped-call]
    nik_last4 = LazyAttribute(lambda o: o.nik[-4:])  # type: ignore[no-untyped-call]
    phone = "+6281234567890"
    address = "Jl. Merdeka 1, Sukadana"
    education = "sma"
    consent_given_at = LazyFunction(timezone.now)  # type: ignore[no-untyped-call]

    @post_generation
    def documents(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Checklist rows (all missing) unless `documents=False`."""
        if not create or extracted is False:
            return
        from serumpun.labour.reference import document_kinds

        SeekerDocument.objects.bulk_create(
            SeekerDocument(seeker=self, kind=kind) for kind in document_kinds()
        )
