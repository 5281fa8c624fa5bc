"""Labour demo data: employers and agencies, job orders with real verdicts, job seekers,
placements at every stage and a few grievances (issue 7 §11).

Job orders go through `actions.submit_job_order`, so each verdict is what the rule files say
today; some fail for the reasons Lampung's complaints name (research/labour.md §5). The
attaché endorses the compliant ones, returns one and rejects one. Seekers are bulk-created
(their NIKs agree with birth date, sex and regency, `rules/nik.py`), the demo seeker login
is linked to one of them, and placements move through the pipeline with its actions.

Deterministic (`ctx.rng_for`) and idempotent: every record has a natural key (organisation
name, job-order title, NIK hash) or its section is skipped once seeded. Everything is
`is_demo` where the model has the flag. Names, numbers and references are invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.core import audit
from serumpun.core.crypto import blind_index
from serumpun.core.demo import DEMO_DOMAIN, SeedContext, register_seeder
from serumpun.core.models import Occupation, Regency, Subdivision
from serumpun.labour import actions, actions_profiles
from serumpun.labour.models import (
    AgencyProfile,
    EmployerProfile,
    Grievance,
    JobOrder,
    Offer,
    Placement,
    PlacementEvent,
    Seeker,
    SeekerCertificate,
    SeekerDocument,
    SeekerExperience,
    SeekerSkill,
    Skill,
    Stage,
    Verification,
)
from serumpun.labour.reference import document_checklist, load_labour_reference

LAMPUNG = "18"
#: extra employers' logins: outside DEMO_DOMAIN, so the one-login-per-role table stays as is
EMPLOYER_DOMAIN = "majikan.demo.serumpun.my"

# --- Employers and agencies ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoEmployer:
    """A Malaysian employer: SSM number (12-digit form), sector, state and s.60K approval."""

    name: str
    sector: str
    state: str
    state_name: str
    ssm: str
    approval: str
    approved_days_ago: int
    contact: str
    verified: bool = True


#: the first is the demo login's organisation (serumpun.core.demo)
EMPLOYERS: tuple[DemoEmployer, ...] = (
    DemoEmployer("Ladang Sawit Seri Pahang Sdn Bhd", "plantation", "MY-06", "Pahang",
                 "201201018734", "JTKSM.PHG/60K/2025/00417", 210, "Nurul Aina binti Zakaria"),
    DemoEmployer("Seri Mutiara Food Industries Sdn Bhd", "manufacturing", "MY-10", "Selangor",
                 "201601031552", "JTKSM.SGR/60K/2025/01982", 160, "Tan Mei Ling"),
    DemoEmployer("Johor Elektronik Presisi Sdn Bhd", "manufacturing", "MY-01", "Johor",
                 "200801027461", "JTKSM.JHR/60K/2026/00233", 90, "Lim Wei Jie"),
    DemoEmployer("Bina Jaya Konstruksi Sdn Bhd", "construction", "MY-14", "Kuala Lumpur",
                 "201001009127", "JTKSM.WPKL/60K/2025/00876", 120, "Muhammad Hafiz bin Osman"),
    DemoEmployer("Hotel Seri Pinang Sdn Bhd", "services", "MY-07", "Pulau Pinang",
                 "199701015588", "JTKSM.PNG/60K/2026/00119", 75, "Kavitha Rajan"),
    DemoEmployer("Dobi Kilat Pinang Sdn Bhd", "services", "MY-07", "Pulau Pinang",
                 "202301044310", "", 0, "Wong Kah Hoe", verified=False),
    DemoEmployer("Kuari Kinta Perak Sdn Bhd", "mining", "MY-08", "Perak",
                 "200501012096", "JTKSM.PRK/60K/2025/00651", 180, "Arjun Pillai"),
    DemoEmployer("Spa Teratai Kuala Lumpur Sdn Bhd", "services", "MY-14", "Kuala Lumpur",
                 "201901036227", "JTKSM.WPKL/60K/2026/00042", 40, "Farah Nadia", verified=False),
    DemoEmployer("Kebun Sayur Tanah Tinggi Cameron Sdn Bhd", "agriculture", "MY-06", "Pahang",
                 "201401022719", "JTKSM.PHG/60K/2026/00188", 60, "Siti Aisyah binti Yusof"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAgency:
    """An Indonesian P3MI with its SIP3MI licence (validity relative to today)."""

    name: str
    licence: str
    valid_days: int  # < 0: expired that many days ago
    regency: str
    verified: bool


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("PT Lampung Karya Mandiri", "SIP3MI-DEMO/0417/2026", 240, "1871", True),
    DemoAgency(
        "PT Sai Bumi Tenaga Mandiri", "SIP3MI-DEMO/0188/2024", -75, "1804", False
    ),
)
MAIN_AGENCY = AGENCIES[0]
EXPIRED_AGENCY = AGENCIES[1]

# --- Job orders ------------------------------------------------------------------------------

FAIR_COSTS: tuple[tuple[str, str, str], ...] = (
    ("levy", "640", "employer"),
    ("calling visa and work pass", "400", "employer"),
    ("air ticket Lampung–Kuala Lumpur", "650", "employer"),
    ("FOMEMA medical", "207", "employer"),
    ("pre-departure medical and psychological test", "120", "employer"),
    ("agency fee", "1500", "employer"),
)


@dataclass(frozen=True)
class DemoOrder:
    """A demand letter; `review` is what the attaché does after the automatic check."""

    title: str
    employer: str  # an EMPLOYERS name, or "" when the main agency submits
    sector: str
    isco: str
    workers: int
    wage: str
    hours: str = "45"
    age: tuple[int, int] = (21, 40)
    gender: str = "any"
    passport: str = "worker"
    costs: tuple[tuple[str, str, str], ...] = FAIR_COSTS
    channel: str = "p3mi"
    agency: DemoAgency = MAIN_AGENCY
    skills: tuple[tuple[str, float], ...] = ()
    certificates: tuple[str, ...] = ()
    days_ago: int = 20
    review: str = ""  # "endorse" | "return" | "reject" | "" (left for the attaché)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SAWIT, MUTIARA, ELEKTRONIK, BINA, HOTEL, DOBI, KUARI, SPA, KEBUN = (
    e.name for e in EMPLOYERS
)
WORKER_PAID = (
    ("levy", "640", "employer"),
    ("agency fee", "3500", "worker"),
    ("pre-departure medical and psychological test", "450", "worker"),
    ("air ticket Lampung–Kuala Lumpur", "650", "employer"),
)

ORDERS: tuple[DemoOrder, ...] = (
    # Compliant, endorsed: the plantation order of the end-to-end story.
    DemoOrder("Pemanen tandan buah segar sawit", SAWIT, "plantation", "9211", 40, "1850",
              skills=(("palm_harvesting", 1.0), ("palm_maintenance", 0.5),
                      ("malay_language", 0.3)),
              days_ago=30, review="endorse",
              note="Verified with the employer's s.60K approval and the SIP2MI quota."),
    DemoOrder("Operator traktor ladang", KEBUN, "agriculture", "8341", 6, "1900",
              skills=(("farm_machinery", 1.0), ("horticulture", 0.4)),
              days_ago=26, review="endorse"),
    DemoOrder("Operator mesin pengolahan makanan (wanita)", MUTIARA, "manufacturing", "8160",
              25, "1800", gender="female", age=(20, 35),
              skills=(("food_processing_machine", 1.0), ("food_hygiene", 0.8),
                      ("hand_packing", 0.4)),
              days_ago=24, review="endorse",
              note="MY-2: employer confirmed a MIDA-approved new line."),
    DemoOrder("Tukang batu proyek sekolah pemerintah", BINA, "construction", "7112", 15,
              "2100", gender="male", age=(21, 45),
              skills=(("bricklaying", 1.0), ("concreting", 0.7),
                      ("construction_safety", 0.5)),
              certificates=("tukang-batu",), days_ago=22, review="endorse",
              note="MY-2: a government project, per the JKR letter attached."),
    DemoOrder("Petugas tata graha hotel", HOTEL, "services", "9112", 12, "1750",
              skills=(("housekeeping", 1.0), ("laundry", 0.5), ("english_basic", 0.5)),
              days_ago=18, review="endorse"),
    DemoOrder("Operator dobi (laundry) industri", DOBI, "services", "9121", 8, "1700",
              skills=(("laundry", 1.0),), days_ago=16, review="endorse",
              note="MY-7: approval reference to follow; wage at the RM1,700 floor."),
    DemoOrder("Operator kuari dan pemecah batu", KUARI, "mining", "8112", 10, "2200",
              gender="male", age=(23, 45),
              skills=(("quarry_plant", 1.0), ("mining_safety", 0.8), ("mining_drilling", 0.4)),
              days_ago=14, review="endorse"),
    # Failing for realistic reasons.
    DemoOrder("Perakit elektronik lini SMT", ELEKTRONIK, "manufacturing", "8212", 30, "1500",
              gender="female", skills=(("electronics_assembly", 1.0), ("smd_soldering", 0.6)),
              days_ago=12),
    DemoOrder("Operator mesin cetak plastik", ELEKTRONIK, "manufacturing", "8142", 20, "1800",
              gender="female", passport="employer",
              skills=(("rubber_plastic_machine", 1.0),), days_ago=11),
    DemoOrder("Perawat kebun sawit (pemupukan dan penyemprotan)", SAWIT, "plantation", "9211",
              30, "1750", costs=WORKER_PAID,
              skills=(("palm_maintenance", 1.0), ("pesticide_handling", 0.8)),
              days_ago=9, review="reject",
              note="ID-7: workers may not pay the agency fee or medical tests; resubmit "
                   "with every cost borne by the employer."),
    DemoOrder("Tukang kayu bekisting", BINA, "construction", "7115", 12, "2000", hours="48",
              gender="male", skills=(("carpentry", 1.0), ("construction_safety", 0.5)),
              days_ago=8, review="return",
              note="MY-8: 48 normal hours a week; reduce to 45 and state overtime pay."),
    DemoOrder("Pekerja rumah tangga (penata laksana rumah)", "", "domestic", "9111", 3,
              "1600", gender="female", age=(25, 45), skills=(("housekeeping", 1.0),),
              days_ago=7),
    DemoOrder("Terapis spa dan refleksi", SPA, "services", "3255", 6, "2000",
              gender="female", skills=(("spa_therapy", 1.0), ("beauty_care", 0.5)),
              certificates=("terapis-spa",), days_ago=5),
    DemoOrder("Penambang bawah tanah (agensi izin kedaluwarsa)", KUARI, "mining", "8111", 8,
              "2300", gender="male", agency=EXPIRED_AGENCY,
              skills=(("mining_drilling", 1.0), ("mining_safety", 1.0)), days_ago=4),
)  # fmt: skip

# --- Seekers ---------------------------------------------------------------------------------

#: where seekers live. Lampung Timur's share is its share of Lampung's 2025 placements
#: (9,343 of 24,175; research/labour.md §5, kupastuntas 2026, medium); the other weights are
#: ours (low): roughly each regency's population.
REGENCY_WEIGHTS: dict[str, float] = {
    "1804": 38.6, "1805": 11.0, "1803": 8.0, "1871": 6.5, "1806": 5.0, "1802": 5.0,
    "1809": 3.8, "1807": 3.7, "1808": 3.4, "1810": 3.3, "1801": 2.4, "1812": 2.3,
    "1811": 1.9, "1872": 1.4, "1813": 1.3,
}  # fmt: skip
#: Lampung's 2025 placements were 72% women (research §5), mostly caregivers to Taiwan;
#: Malaysia's formal sectors hire mostly men, so this pool is 45% women (ours, low)
FEMALE_SHARE = 0.45
MEN = (
    "Agus", "Ahmad", "Bayu", "Budi", "Dedi", "Dimas", "Eko", "Fajar", "Fikri", "Gilang",
    "Hendra", "Ilham", "Irfan", "Joko", "Ketut", "Lukman", "Made", "Muhammad", "Nanda",
    "Radin", "Rizki", "Rudi", "Sigit", "Surya", "Teguh", "Wahyu", "Yoga", "Zainal",
)  # fmt: skip
WOMEN = (
    "Anisa", "Ayu", "Desi", "Dewi", "Eka", "Fitri", "Indah", "Kadek", "Lestari", "Mega",
    "Novita", "Nur", "Putri", "Ratna", "Rina", "Sari", "Septi", "Siti", "Tri", "Umi",
    "Wulan", "Yuni",
)  # fmt: skip
MEN_SECOND = (
    "Saputra", "Pratama", "Wijaya", "Hidayat", "Setiawan", "Nugroho", "Purnomo",
    "Syahputra", "Maulana", "Firmansyah", "Kurniawan", "Santoso", "Hakim", "Ramadhan",
)  # fmt: skip
WOMEN_SECOND = (
    "Saputri", "Lestari", "Rahmawati", "Handayani", "Wulandari", "Anggraini", "Kurniasih",
    "Utami", "Yuliani", "Permatasari", "Safitri", "Maharani", "Puspita", "Hidayah",
)  # fmt: skip
VILLAGES = (
    "Labuhan Ratu", "Sukadana", "Way Jepara", "Pekalongan", "Batanghari", "Sekampung",
    "Seputih Banyak", "Gunung Sugih", "Natar", "Jati Agung", "Kalianda", "Kotabumi",
    "Gisting", "Pringsewu", "Gedong Tataan", "Blambangan Umpu", "Menggala", "Liwa",
)  # fmt: skip
#: (education, weight): ours (low), shaped like BP3MI's mostly SMP–SMA applicants
EDUCATION = (("sd", 10), ("smp", 25), ("sma", 30), ("smk", 25), ("d3", 6), ("s1", 4))
SECTOR_WEIGHTS = (
    ("plantation", 30), ("manufacturing", 25), ("construction", 20), ("services", 15),
    ("agriculture", 8), ("mining", 2),
)  # fmt: skip
#: share of seekers with each document stage reached (0 none .. 4 all of Art. 13); ours
DOC_STAGE_WEIGHTS = ((0, 30), (1, 30), (2, 22), (3, 12), (4, 6))
SECTOR_OCCUPATIONS = {
    "plantation": ("9211", "6112"),
    "agriculture": ("8341", "9214", "9211"),
    "manufacturing": ("8160", "8212", "8142", "9321"),
    "construction": ("7112", "7115", "7114", "9313"),
    "services": ("9112", "9121", "5120", "5414", "3255"),
    "mining": ("8111", "8112"),
}
#: shares of the seeker pool (ours, low: plausible for Lampung's applicants, not measured)
SHARE = {
    "outside_age_window": 0.04,  # under 18 or over 45: the age gates must turn them away
    "second_sector": 0.3,
    "states_sectors": 0.85,
    "some_malay": 0.35,  # lists Malay as a skill
    "experienced": 0.7,
    "certified": 0.25,  # holds a BNSP certificate (some expired)
    "speaks_malay": 0.5,
    "speaks_english": 0.25,
    "next_documents_submitted": 0.5,
}
BNSP = "BNSP (LSP P1 BLK)"


@dataclass(frozen=True)
class SeekerRow:
    """One generated seeker with the related rows it gets."""

    seeker: Seeker
    skills: tuple[tuple[str, float], ...]
    experience: tuple[tuple[str, Decimal], ...]
    certificate: tuple[str, int, dt.date] | None
    doc_stage: int
    submitted_next: bool


# --- helpers ---------------------------------------------------------------------------------


def _weighted(rng: Any, pairs: Sequence[tuple[Any, float]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _attache() -> User | None:
    return _user(f"labour.attache@{DEMO_DOMAIN}")


def _officer() -> User | None:
    return _user(f"officer@{DEMO_DOMAIN}")


def _slug(name: str) -> str:
    words = name.lower().replace("sdn bhd", "").split()
    return ".".join(w for w in words if w.isalnum())[:40]


def _reference_ready() -> bool:
    return (
        Regency.objects.filter(province_id=LAMPUNG).exists()
        and Occupation.objects.filter(isco_code="9211").exists()
    )


# --- employers and agencies ------------------------------------------------------------------


def _employer_organisation(ctx: SeedContext, spec: DemoEmployer) -> Organisation:
    states = set(Subdivision.objects.values_list("code", flat=True))
    organisation, _ = Organisation.objects.get_or_create(
        name=spec.name,
        kind=OrganisationKind.EMPLOYER,
        defaults={
            "country": "MY",
            "state_id": spec.state if spec.state in states else None,
            "is_demo": True,
        },
    )
    if not Membership.objects.filter(organisation=organisation).exists():
        user, _ = User.objects.get_or_create(
            email=f"{_slug(spec.name)}@{EMPLOYER_DOMAIN}",
            defaults={
                "full_name": spec.contact,
                "password": ctx.password_hash,
                "is_demo": True,
                "preferred_language": "ms",
            },
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Role.EMPLOYER
        )
    return organisation


def seed_profiles(ctx: SeedContext) -> None:
    """Employers and agencies, verified through `actions_profiles` by the attaché."""
    attache = _attache()
    if attache is None or not _reference_ready():
        return
    today = timezone.localdate()
    states = set(Subdivision.objects.values_list("code", flat=True))
    with transaction.atomic():
        for spec in EMPLOYERS:
            organisation = _employer_organisation(ctx, spec)
            profile, created = EmployerProfile.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "ssm_number": spec.ssm,
                    "sector": spec.sector,
                    "state_id": spec.state if spec.state in states else None,
                    "approval_reference": spec.approval,
                    "approval_date": today - dt.timedelta(days=spec.approved_days_ago)
                    if spec.approval
                    else None,
                    "is_demo": True,
                },
            )
            if created and spec.verified:
                actions_profiles.verify_employer(
                    by=attache, profile=profile, decision=Verification.VERIFIED
                )
        for agency in AGENCIES:
            organisation, _ = Organisation.objects.get_or_create(
                name=agency.name,
                kind=OrganisationKind.AGENCY,
                defaults={"country": "ID", "is_demo": True},
            )
            agency_profile, created = AgencyProfile.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "licence_number": agency.licence,
                    "valid_until": today + dt.timedelta(days=agency.valid_days),
                    "is_demo": True,
                },
            )
            if not created:
                continue
            if agency.verified:
                actions_profiles.verify_agency(
                    by=attache, profile=agency_profile, decision=Verification.VERIFIED
                )
            else:
                actions_profiles.verify_agency(
                    by=attache,
                    profile=agency_profile,
                    decision=Verification.REJECTED,
                    reason="SIP3MI licence expired; not on the ministry's list of "
                    "licensed P3MI.",
                )


# --- job orders ------------------------------------------------------------------------------


def _submitter(spec: DemoOrder) -> User | None:
    if spec.employer:
        name, role = spec.employer, Role.EMPLOYER
    else:
        name, role = MAIN_AGENCY.name, Role.AGENCY
    membership = (
        Membership.objects.filter(organisation__name=name, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _order_fields(index: int, spec: DemoOrder, today: dt.date) -> dict[str, Any]:
    employer = next((e for e in EMPLOYERS if e.name == spec.employer), None)
    return {
        "title": spec.title,
        "employer_name": spec.employer or "Keluarga Encik Razak (isi rumah), Shah Alam",
        "employer_state": employer.state_name if employer else "Selangor",
        "sector": spec.sector,
        "workers_needed": spec.workers,
        "basic_wage_myr": Decimal(spec.wage),
        "weekly_hours": Decimal(spec.hours),
        "overtime_terms": "1.5× on working days, 2× on rest days, 3× on public holidays",
        "overtime_rate": Decimal("1.5"),
        "rest_day": "Sunday",
        "age_min": spec.age[0],
        "age_max": spec.age[1],
        "gender": spec.gender,
        "contract_months": 24,
        "accommodation_provided": True,
        "passport_held_by": spec.passport,
        "levy_paid_by": "employer",
        "agency_licence": spec.agency.licence,
        "start_date": today + dt.timedelta(days=90 - spec.days_ago),
        "channel": spec.channel,
        "contract_languages": ["id", "ms"],
        "quota_reference": f"SIP2MI-DEMO/{today.year}/{index:04d}",
        "required_certificates": list(spec.certificates),
        "min_document_stage": 1 if spec.certificates else 0,
        "order_date": today - dt.timedelta(days=spec.days_ago),
        **spec.extra,
    }


def seed_job_orders(ctx: SeedContext) -> None:
    """The demand letters, checked by the rules in force, then reviewed by the attaché."""
    attache = _attache()
    if attache is None or not _reference_ready():
        return
    if not Skill.objects.exists():
        load_labour_reference()
    today = timezone.localdate()
    existing = set(
        JobOrder.objects.filter(is_demo=True).values_list("title", flat=True)
    )
    known_skills = set(Skill.objects.values_list("code", flat=True))
    for index, spec in enumerate(ORDERS, start=1):
        by = _submitter(spec)
        if spec.title in existing or by is None:
            continue
        with transaction.atomic():
            order = actions.submit_job_order(
                by=by,
                fields=_order_fields(index, spec, today),
                isco_code=spec.isco,
                costs=[
                    {"item": item, "amount_myr": Decimal(amount), "paid_by": payer}
                    for item, amount, payer in spec.costs
                ],
                skills=[
                    {"code": code, "weight": weight}
                    for code, weight in spec.skills
                    if code in known_skills
                ],
            )
            JobOrder.objects.filter(pk=order.pk).update(is_demo=True)
            _review(attache, order, spec)


def _review(attache: User, order: JobOrder, spec: DemoOrder) -> None:
    if spec.review == "endorse" and not order.blocks_endorsement:
        actions.endorse_job_order(by=attache, job_order=order, note=spec.note)
    elif spec.review == "return":
        actions.return_job_order(by=attache, job_order=order, reason=spec.note)
    elif spec.review == "reject":
        actions.reject_job_order(by=attache, job_order=order, reason=spec.note)


# --- seekers ---------------------------------------------------------------------------------


def seeker_count(ctx: SeedContext) -> int:
    """How many seekers this scale gets (`Scale.seekers`, `seed_demo --seekers`)."""
    return ctx.scale.seekers


def make_nik(
    regency: str, district: int, birth: dt.date, gender: str, serial: int
) -> str:
    """A NIK that agrees with the regency, birth date and sex (layout in rules/nik.py)."""
    day = birth.day + (40 if gender == "female" else 0)
    return (
        f"{regency}{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        f"{serial:04d}"
    )


def seeker_row(
    ctx: SeedContext,
    index: int,
    *,
    today: dt.date,
    skills_by_sector: dict[str, list[str]],
    schemes_by_sector: dict[str, list[str]],
    office: Organisation | None,
    officer: User | None,
) -> SeekerRow:
    """One plausible Lampung job seeker (deterministic in `index` and the seed)."""
    rng = ctx.rng_for("labour.seeker", index)
    female = rng.random() < FEMALE_SHARE
    gender = "female" if female else "male"
    regency = _weighted(rng, tuple(REGENCY_WEIGHTS.items()))
    # Mostly 19–40; a few under 18 or over 45 whom the age gates must turn away.
    age = (
        rng.choice((17, 46, 48))
        if rng.random() < SHARE["outside_age_window"]
        else rng.randint(19, 40)
    )
    birth = today - dt.timedelta(days=age * 365 + rng.randint(20, 340))
    first = rng.choice(WOMEN if female else MEN)
    second = rng.choice(WOMEN_SECOND if female else MEN_SECOND)
    nik = make_nik(regency, rng.randint(1, 24), birth, gender, index % 9999 + 1)
    sectors = [_weighted(rng, SECTOR_WEIGHTS)]
    if rng.random() < SHARE["second_sector"]:
        sectors.append(_weighted(rng, SECTOR_WEIGHTS))
    preferred = sorted(set(sectors)) if rng.random() < SHARE["states_sectors"] else []
    main = sectors[0]
    pool = skills_by_sector.get(main, [])
    skills = tuple(
        (code, rng.choice((0.5, 0.75, 1.0)))
        for code in rng.sample(pool, min(len(pool), rng.randint(1, 3)))
    )
    if rng.random() < SHARE["some_malay"]:
        skills += (("malay_language", rng.choice((0.5, 0.75))),)
    occupations = SECTOR_OCCUPATIONS[main]
    experience = (
        ((rng.choice(occupations), Decimal(rng.randint(1, 16)) / 2),)
        if rng.random() < SHARE["experienced"]
        else ()
    )
    schemes = schemes_by_sector.get(main, [])
    certificate = (
        (
            rng.choice(schemes),
            rng.choice((2, 2, 3)),
            today + dt.timedelta(days=rng.randint(-200, 1400)),
        )
        if schemes and rng.random() < SHARE["certified"]
        else None
    )
    languages = [{"code": "id", "level": 3}]
    if rng.random() < SHARE["speaks_malay"]:
        languages.append({"code": "ms", "level": rng.randint(1, 2)})
    if rng.random() < SHARE["speaks_english"]:
        languages.append({"code": "en", "level": rng.randint(1, 2)})
    village = rng.choice(VILLAGES)
    seeker = Seeker(
        full_name=f"{first} {second}",
        nik=nik,
        nik_hash=blind_index(nik),
        nik_last4=nik[-4:],
        birth_date=birth,
        gender=gender,
        regency_id=regency,
        phone=f"+628{rng.choice('1235')}{rng.randrange(10**8, 10**9)}",
        address=f"Dusun {rng.randint(1, 9)}, RT {rng.randint(1, 12):03d}, {village}",
        education=_weighted(rng, EDUCATION),
        preferred_sectors=preferred,
        languages=languages,
        consent_given_at=timezone.now() - dt.timedelta(days=rng.randint(1, 300)),
        registered_by=officer,
        office=office,
        case_officer=officer,
        is_demo=True,
    )
    return SeekerRow(
        seeker=seeker,
        skills=skills,
        experience=experience,
        certificate=certificate,
        doc_stage=_weighted(rng, DOC_STAGE_WEIGHTS),
        submitted_next=rng.random() < SHARE["next_documents_submitted"],
    )


def _related_rows(
    rows: Sequence[SeekerRow],
    skill_ids: dict[str, int],
    stage_of_kind: dict[str, int],
) -> tuple[
    list[SeekerSkill], list[SeekerExperience], list[SeekerCertificate], list[Any]
]:
    skills, experience, certificates, documents = [], [], [], []
    for row in rows:
        seeker = row.seeker
        skills += [
            SeekerSkill(seeker=seeker, skill_id=skill_ids[code], level=level)
            for code, level in dict(row.skills).items()
            if code in skill_ids
        ]
        experience += [
            SeekerExperience(seeker=seeker, isco_code=isco, years=years)
            for isco, years in row.experience
        ]
        if row.certificate:
            scheme, level, until = row.certificate
            certificates.append(
                SeekerCertificate(
                    seeker=seeker,
                    scheme=scheme,
                    issuer=BNSP,
                    level=level,
                    valid_until=until,
                )
            )
        for kind, stage in stage_of_kind.items():
            if stage <= row.doc_stage:
                status = SeekerDocument.Status.VERIFIED
            elif stage == row.doc_stage + 1 and row.submitted_next:
                status = SeekerDocument.Status.SUBMITTED
            else:
                status = SeekerDocument.Status.MISSING
            documents.append(SeekerDocument(seeker=seeker, kind=kind, status=status))
    return skills, experience, certificates, documents


def seed_seekers(ctx: SeedContext) -> None:
    """Job seekers across Lampung's regencies, in batches (bulk inserts at every scale)."""
    officer = _officer()
    if officer is None or not _reference_ready():
        return
    if not Skill.objects.exists():
        load_labour_reference()
    count = seeker_count(ctx)
    today = timezone.localdate()
    lampung = set(
        Regency.objects.filter(province_id=LAMPUNG).values_list("code", flat=True)
    )
    skills_by_sector: dict[str, list[str]] = {}
    for code, sector in Skill.objects.order_by("code").values_list("code", "sector"):
        skills_by_sector.setdefault(sector, []).append(code)
    schemes_by_sector: dict[str, list[str]] = {}
    for sector, scheme in (
        Skill.objects.filter(courses__certificate_scheme__gt="")
        .order_by("sector", "courses__certificate_scheme")
        .values_list("sector", "courses__certificate_scheme")
        .distinct()
    ):
        schemes_by_sector.setdefault(sector, []).append(scheme)
    skill_ids = dict(Skill.objects.values_list("code", "id"))
    stage_of_kind = {doc["kind"]: int(doc["stage"]) for doc in document_checklist()}
    created = 0
    for start in range(0, count, ctx.batch_size):
        rows = [
            seeker_row(
                ctx,
                index,
                today=today,
                skills_by_sector=skills_by_sector,
                schemes_by_sector=schemes_by_sector,
                office=officer.organisation,
                officer=officer,
            )
            for index in range(start, min(count, start + ctx.batch_size))
        ]
        rows = [r for r in rows if r.seeker.regency_id in lampung]
        existing = set(
            Seeker.objects.filter(
                nik_hash__in=[r.seeker.nik_hash for r in rows]
            ).values_list("nik_hash", flat=True)
        )
        todo: dict[str, SeekerRow] = {}
        for row in rows:  # first one wins when two generated NIKs collide
            if row.seeker.nik_hash not in existing:
                todo.setdefault(row.seeker.nik_hash, row)
        with transaction.atomic():
            Seeker.objects.bulk_create([r.seeker for r in todo.values()])
            skills, experience, certificates, documents = _related_rows(
                list(todo.values()), skill_ids, stage_of_kind
            )
            SeekerSkill.objects.bulk_create(skills)
            SeekerExperience.objects.bulk_create(experience)
            SeekerCertificate.objects.bulk_create(certificates)
            SeekerDocument.objects.bulk_create(documents)
        created += len(todo)
        done = min(count, start + ctx.batch_size)
        ctx.out(f"seekers {done:,}/{count:,} ({done * 100 // max(count, 1)}%)")
    if created:
        audit.record(
            actor=officer,
            action="labour.seekers.imported",
            fields=["nik", "birth_date", "gender", "regency", "consent"],
            purpose=f"demo data: {created} seekers",
        )
    _link_demo_seeker(officer)


#: the demo seeker login's own profile: a Lampung Timur palm harvester ready to apply
DEMO_SEEKER_BIRTH = dt.date(1999, 3, 14)


def _link_demo_seeker(officer: User) -> None:
    user = _user(f"seeker@{DEMO_DOMAIN}")
    if user is None or Seeker.objects.filter(user=user).exists():
        return
    nik = make_nik("1804", 7, DEMO_SEEKER_BIRTH, "male", 4127)
    if Seeker.objects.filter(nik_hash=blind_index(nik)).exists():
        return
    seeker = actions.register_seeker(
        by=user,
        fields={
            "full_name": user.full_name,
            "nik": nik,
            "birth_date": DEMO_SEEKER_BIRTH,
            "gender": "male",
            "regency_code": "1804",
            "phone": "+6281279004127",
            "address": "Dusun 3, RT 005, Labuhan Ratu, Lampung Timur",
            "education": "smk",
            "skills": ["palm_harvesting", "palm_maintenance", "farm_machinery"],
            "certificates": [
                {
                    "scheme": "pemanen-sawit",
                    "issuer": BNSP,
                    "level": 2,
                    "valid_until": dt.date(2029, 3, 31),
                }
            ],
            "languages": [{"code": "id", "level": 3}, {"code": "ms", "level": 1}],
            "experience": [{"isco_code": "9211", "years": Decimal("4")}],
            "preferred_sectors": ["plantation", "agriculture"],
            "consent": True,
        },
    )
    SeekerDocument.objects.filter(
        seeker=seeker, kind__in=["marital_status", "family_permission"]
    ).update(status=SeekerDocument.Status.VERIFIED, verified_by=officer)
    SeekerDocument.objects.filter(seeker=seeker, kind="health_certificate").update(
        status=SeekerDocument.Status.SUBMITTED
    )
    Seeker.objects.filter(pk=seeker.pk).update(is_demo=True)


# --- placements and grievances ---------------------------------------------------------------

#: the stage each demo placement reaches, in pipeline order; two of each so every stage shows
PLACEMENT_STAGES: tuple[str, ...] = (
    Stage.MATCHED, Stage.MATCHED, Stage.INTERVIEWED, Stage.INTERVIEWED, Stage.SELECTED,
    Stage.SELECTED, Stage.TRAINING, Stage.TRAINING, Stage.DOCUMENTS_COMPLETE,
    Stage.DOCUMENTS_COMPLETE, Stage.ORIENTATION, Stage.ORIENTATION, Stage.DEPARTED,
    Stage.DEPARTED, Stage.WORKING, Stage.WORKING, Stage.WORKING, Stage.COMPLETED,
    Stage.RETURNED, Stage.RETURNED, Stage.WITHDRAWN,
)  # fmt: skip
#: the normal way to each stage (training is skipped by certified workers; `returned`
#: comes home early from `working`)
PATH: tuple[str, ...] = (
    Stage.INTERVIEWED, Stage.SELECTED, Stage.TRAINING, Stage.DOCUMENTS_COMPLETE,
    Stage.ORIENTATION, Stage.DEPARTED, Stage.WORKING,
)  # fmt: skip
#: at most this many demo placements per job order, so several orders show some
PLACEMENTS_PER_ORDER = 4
#: days since the last stage change for a few placements, so "stuck" alerts have work
STUCK_DAYS: dict[str, int] = {Stage.DOCUMENTS_COMPLETE: 45, Stage.TRAINING: 40}


def _path_to(stage: str) -> list[str]:
    if stage == Stage.MATCHED:
        return []
    if stage in (Stage.COMPLETED, Stage.RETURNED):
        return [*PATH, stage]
    if stage == Stage.WITHDRAWN:  # the worker withdrew after the interview
        return [Stage.INTERVIEWED, stage]
    return list(PATH[: PATH.index(stage) + 1])


def seed_placements(ctx: SeedContext) -> None:
    """Offers by the allocation, then placements moved through the pipeline's actions."""
    attache = _attache()
    if attache is None:
        return
    orders = JobOrder.objects.filter(is_demo=True).open_for_seekers()
    if not orders.exists():
        return
    if not Offer.objects.filter(job_order__in=orders).exists():
        actions.allocate_offers(
            by=attache, job_order_ids=orders.values_list("pk", flat=True)
        )
    if Placement.objects.filter(job_order__is_demo=True).exists():
        return
    offers = list(
        Offer.objects.filter(job_order__in=orders, status=Offer.Status.OFFERED)
        .select_related("seeker")
        .order_by("job_order_id", "-score", "seeker_id")
    )
    chosen: list[Offer] = []
    taken: set[int] = set()
    by_order: dict[int, int] = {}
    for offer in offers:  # best offers first, spread over the orders, one per seeker
        if (
            offer.seeker_id in taken
            or by_order.get(offer.job_order_id, 0) >= PLACEMENTS_PER_ORDER
        ):
            continue
        chosen.append(offer)
        taken.add(offer.seeker_id)
        by_order[offer.job_order_id] = by_order.get(offer.job_order_id, 0) + 1
        if len(chosen) == len(PLACEMENT_STAGES):
            break
    from serumpun.labour.actions_pipeline import advance_placement

    now = timezone.now()
    for offer, stage in zip(chosen, PLACEMENT_STAGES, strict=False):
        with transaction.atomic():
            Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACCEPTED)
            placement = Placement.objects.create(
                seeker=offer.seeker,
                job_order_id=offer.job_order_id,
                stage=Stage.MATCHED,
            )
            PlacementEvent.objects.create(
                placement=placement, stage=Stage.MATCHED, by=attache, note="demo"
            )
            Seeker.objects.filter(pk=offer.seeker_id).update(stage=Stage.MATCHED)
            audit.record(
                actor=attache,
                action="labour.placement.created",
                obj=placement,
                fields=["seeker", "job_order", "stage"],
            )
            for step in _path_to(stage):
                placement = advance_placement(
                    by=attache, placement=placement, to_stage=step
                )
            if stage in STUCK_DAYS:
                Placement.objects.filter(pk=placement.pk).update(
                    stage_changed_at=now - dt.timedelta(days=STUCK_DAYS[stage])
                )
    _seed_grievances(attache)


#: (category, stage of the placement concerned, what happened, answered?, closed?)
GRIEVANCES: tuple[tuple[str, str, str, bool, bool], ...] = (
    (Grievance.Category.UNPAID_WAGES, Stage.WORKING,
     "Gaji bulan Oktober belum dibayar sampai tanggal 20; mandor bilang menunggu hasil panen.",
     True, False),
    (Grievance.Category.PASSPORT_HELD, Stage.WORKING,
     "Paspor saya disimpan kantor ladang sejak tiba dan tidak dikembalikan saat saya minta.",
     True, True),
    (Grievance.Category.EXCESS_COSTS, Stage.DEPARTED,
     "Sponsor di desa meminta Rp 8 juta untuk 'biaya proses' sebelum berangkat.",
     False, False),
    (Grievance.Category.LOST_CONTACT, Stage.RETURNED,
     "Keluarga: sudah tiga minggu tidak bisa menghubungi anak kami yang bekerja di Pahang.",
     True, False),
    (Grievance.Category.NOT_AS_CONTRACTED, Stage.WORKING,
     "Di kontrak tertulis operator mesin, tetapi saya disuruh mengangkat karung di gudang.",
     False, False),
)  # fmt: skip


def _seed_grievances(attache: User) -> None:
    from serumpun.labour.actions_pipeline import (
        close_grievance,
        file_grievance,
        respond_grievance,
    )

    officer = _officer()
    if officer is None or Grievance.objects.filter(seeker__is_demo=True).exists():
        return
    used: set[int] = set()
    for category, stage, text, answered, closed in GRIEVANCES:
        placement = (
            Placement.objects.filter(job_order__is_demo=True, stage=stage)
            .exclude(pk__in=used)
            .select_related("seeker")
            .order_by("pk")
            .first()
        )
        if placement is None:
            continue
        used.add(placement.pk)
        grievance = file_grievance(
            by=officer,
            fields={
                "category": category,
                "description": text,
                "seeker": placement.seeker,
                "placement": placement,
            },
        )
        if answered:
            respond_grievance(
                by=attache,
                grievance=grievance,
                text="KBRI sudah menghubungi pemberi kerja; kami kabari dalam 3 hari kerja.",
            )
        if closed:
            close_grievance(
                by=attache,
                grievance=grievance,
                resolved=True,
                note="Paspor sudah dikembalikan kepada pekerja; pemberi kerja diberi teguran.",
            )


def demo_seekers(**filters: Any) -> Iterable[Seeker]:
    """The demo seekers (for tests and the shell)."""
    return Seeker.objects.filter(is_demo=True, **filters)


register_seeder("labour.profiles", seed_profiles)
register_seeder("labour.job_orders", seed_job_orders)
register_seeder("labour.seekers", seed_seekers)
register_seeder("labour.placements", seed_placements)
