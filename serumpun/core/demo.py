"""Demo data: one login per role, and bulk organisations at province and national scale.

`manage.py seed_demo` runs every registered seeder in order. Each app adds its own records
(products, job seekers, job orders…) by registering a seeder in its `demo.py` module, which
the command imports for every installed app (core's first, as it comes first in
INSTALLED_APPS)::

    # serumpun/exporters/demo.py
    from serumpun.core.demo import SeedContext, register_seeder

    def seed_products(ctx: SeedContext) -> None:
        ...  # get_or_create by natural key; bulk_create(ignore_conflicts=True) at scale

    register_seeder("exporters.products", seed_products)

Seeders must be deterministic (draw from `ctx.rng` or `ctx.rng_for(...)`, never the global
`random`) and idempotent (running twice creates nothing new).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.core.models import Regency, Subdivision

DEMO_PASSWORD = "serumpun-demo-2026"  # noqa: S105  (published in the README on purpose)
DEMO_DOMAIN = "demo.serumpun.id"
BULK_DOMAIN = "bulk.demo.serumpun.id"
LAMPUNG_PROVINCE = "18"
BATCH_SIZE = 5000


@dataclass(frozen=True)
class Scale:
    """How many bulk records a scale creates (on top of the demo logins)."""

    name: str
    msmes: int
    buyers: int
    seekers: int = 0


# Sizes from issue 2, item 10: `national` is the benchmark size (bench/README.md).
SCALES: dict[str, Scale] = {
    # Seekers: "demo" is the few hundred of issue 7 §11; Lampung places ~25k a year.
    "demo": Scale("demo", msmes=0, buyers=0, seekers=300),
    "province": Scale("province", msmes=2_000, buyers=100, seekers=3_000),
    "national": Scale("national", msmes=200_000, buyers=5_000, seekers=50_000),
}


@dataclass(frozen=True)
class DemoLogin:
    """One row of the login table printed at the end."""

    email: str
    role: str
    organisation: str


@dataclass
class SeedContext:
    """What every seeder gets: scale, seeded randomness, output and the shared password hash."""

    scale: Scale
    seed: int
    out: Callable[[str], None] = print
    batch_size: int = BATCH_SIZE
    rng: random.Random = field(init=False)
    logins: list[DemoLogin] = field(default_factory=list)
    _password_hash: str = ""

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311  (demo data, not secrets)

    def rng_for(self, *key: object) -> random.Random:
        """A generator for one record, independent of batch sizes and of what exists."""
        return random.Random(":".join(str(k) for k in (self.seed, *key)))  # noqa: S311

    @property
    def password_hash(self) -> str:
        """One hash of the demo password, shared by every demo user (hashing is slow)."""
        if not self._password_hash:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash


Seeder = Callable[[SeedContext], None]
_SEEDERS: dict[str, Seeder] = {}


def register_seeder(name: str, func: Seeder) -> None:
    """Add a seeder (run in registration order); registering a name again replaces it."""
    _SEEDERS[name] = func


def registered_seeders() -> list[tuple[str, Seeder]]:
    """The seeders in the order they run."""
    return list(_SEEDERS.items())


def run_seeders(ctx: SeedContext) -> None:
    """Run every registered seeder with one context."""
    for name, func in registered_seeders():
        ctx.out(f"· {name}")
        func(ctx)


# --- The demo logins -------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    """A demo organisation, identified by name and kind."""

    name: str
    kind: str
    country: str = "ID"
    regency: str | None = None
    state: str | None = None


PLATFORM = DemoOrganisation(
    "Tim Platform Serumpun", OrganisationKind.PLATFORM, regency="1871"
)
DISPERINDAG = DemoOrganisation(
    "Dinas Perindustrian dan Perdagangan Provinsi Lampung",
    OrganisationKind.GOVERNMENT_OFFICE,
    regency="1871",
)
KBRI_KL = DemoOrganisation(
    "KBRI Kuala Lumpur", OrganisationKind.EMBASSY, country="MY", state="MY-14"
)

#: (e-mail local part, role, full name, organisation or None for a seeker)
DEMO_ACCOUNTS: list[tuple[str, str, str, DemoOrganisation | None]] = [
    ("admin", Role.ADMIN, "Rahmat Hidayat", PLATFORM),
    ("officer", Role.OFFICER, "Dewi Kartika Sari", DISPERINDAG),
    ("trade.attache", Role.TRADE_ATTACHE, "Budi Santoso", KBRI_KL),
    ("transport.attache", Role.TRANSPORT_ATTACHE, "Arief Wicaksono", KBRI_KL),
    ("labour.attache", Role.LABOUR_ATTACHE, "Siti Rahmawati", KBRI_KL),
    (
        "msme",
        Role.MSME_OWNER,
        "Suryadi Pratama",
        DemoOrganisation(
            "Kopi Robusta Liwa Sejahtera", OrganisationKind.MSME, regency="1801"
        ),
    ),
    (
        "msme2",
        Role.MSME_OWNER,
        "Ani Lestari",
        DemoOrganisation(
            "Keripik Pisang Rajabasa Jaya", OrganisationKind.MSME, regency="1871"
        ),
    ),
    (
        "buyer",
        Role.BUYER,
        "Ahmad Faizal bin Hassan",
        DemoOrganisation(
            "Rempah Mutiara Trading Sdn Bhd",
            OrganisationKind.BUYER,
            country="MY",
            state="MY-10",
        ),
    ),
    (
        "buyer2",
        Role.BUYER,
        "Lim Chee Keong",
        DemoOrganisation(
            "Harmoni Johor Foods Sdn Bhd",
            OrganisationKind.BUYER,
            country="MY",
            state="MY-01",
        ),
    ),
    (
        "employer",
        Role.EMPLOYER,
        "Nurul Aina binti Zakaria",
        DemoOrganisation(
            "Ladang Sawit Seri Pahang Sdn Bhd",
            OrganisationKind.EMPLOYER,
            country="MY",
            state="MY-06",
        ),
    ),
    (
        "agency",
        Role.AGENCY,
        "Hendra Gunawan",
        DemoOrganisation(
            "PT Lampung Karya Mandiri", OrganisationKind.AGENCY, regency="1871"
        ),
    ),
    (
        "forwarder",
        Role.FORWARDER,
        "Yusuf Maulana",
        DemoOrganisation(
            "PT Panjang Samudra Logistik", OrganisationKind.FORWARDER, regency="1871"
        ),
    ),
    ("seeker", Role.SEEKER, "Rizky Ramadhan", None),
]


def _existing_codes(model: Any, codes: Sequence[str | None]) -> set[str]:
    # Reference data may not be loaded (a bare database); organisations then get no place.
    wanted = {c for c in codes if c}
    return set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))


def _get_or_create_organisation(
    spec: DemoOrganisation, regencies: set[str], states: set[str]
) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=spec.name,
        kind=spec.kind,
        defaults={
            "country": spec.country,
            "regency_id": spec.regency if spec.regency in regencies else None,
            "state_id": spec.state if spec.state in states else None,
            "is_demo": True,
        },
    )
    return organisation


def seed_demo_logins(ctx: SeedContext) -> None:
    """One login per role, all with the demo password (get-or-create by e-mail and name)."""
    specs = [org for *_, org in DEMO_ACCOUNTS if org is not None]
    regencies = _existing_codes(Regency, [s.regency for s in specs])
    states = _existing_codes(Subdivision, [s.state for s in specs])
    with transaction.atomic():
        for local, role, full_name, spec in DEMO_ACCOUNTS:
            email = f"{local}@{DEMO_DOMAIN}"
            organisation = (
                _get_or_create_organisation(spec, regencies, states) if spec else None
            )
            is_admin = role == Role.ADMIN
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={
                    "full_name": full_name,
                    "password": ctx.password_hash,
                    "is_demo": True,
                    # Malaysian companies' staff read Malay; everyone else Indonesian.
                    "preferred_language": "ms"
                    if role in {Role.BUYER, Role.EMPLOYER}
                    else "id",
                    "is_staff": is_admin,
                    "is_superuser": is_admin,
                },
            )
            Membership.objects.get_or_create(
                user=user, organisation=organisation, role=role
            )
            ctx.logins.append(
                DemoLogin(email, role, organisation.name if organisation else "—")
            )


# --- Bulk organisations (province and national scale) ----------------------------------------

FIRST_NAMES = (
    "Agus", "Ahmad", "Andi", "Ani", "Ayu", "Bambang", "Dedi", "Dewi", "Eko", "Endang",
    "Fitri", "Hadi", "Hendra", "Indah", "Joko", "Kartini", "Lestari", "Made", "Nur",
    "Putri", "Rahmat", "Ratna", "Rini", "Rudi", "Sari", "Siti", "Slamet", "Sri", "Tri",
    "Wahyu", "Wayan", "Yanti", "Yusuf", "Zainal", "Radin", "Minak", "Hasan", "Suharti",
)  # fmt: skip
LAST_NAMES = (
    "Saputra", "Pratama", "Wijaya", "Hidayat", "Lestari", "Susanto", "Kurniawan",
    "Handayani", "Setiawan", "Rahmawati", "Nugroho", "Permana", "Syahputra", "Utami",
    "Firmansyah", "Maulana", "Purnomo", "Wibowo", "Yuliani", "Gunawan", "Pangestu",
)  # fmt: skip
MSME_PRODUCTS = (
    "Kopi Robusta", "Keripik Pisang", "Lada Hitam", "Tapioka", "Gula Aren", "Madu Hutan",
    "Kain Tapis", "Kakao", "Kemplang", "Lempok Durian", "Emping Melinjo", "Rajungan",
    "Udang Vaname", "Gula Kelapa", "Sambal Lingkung", "Kopi Luwak", "Singkong",
)  # fmt: skip
MSME_WORDS = (
    "Jaya", "Makmur", "Sejahtera", "Berkah", "Mandiri", "Sentosa", "Lestari", "Abadi",
    "Mekar", "Sumber Rezeki", "Barokah", "Sakai Sambayan", "Tani", "Bersama", "Nusantara",
)  # fmt: skip
BUYER_FIRST = (
    "Mutiara", "Seri", "Cahaya", "Bintang", "Gemilang", "Harmoni", "Bayu", "Teratai",
    "Delima", "Permata", "Sinar", "Warisan", "Kenanga", "Selasih",
)  # fmt: skip
BUYER_SECOND = ("Timur", "Utama", "Jaya", "Emas", "Murni", "Sentosa", "Makmur", "Asia")
BUYER_TRADES = (
    "Trading", "Food Industries", "Distributors", "Supplies", "Marketing", "Enterprise",
    "Foods", "Import & Export", "Hypermarket", "Restaurants",
)  # fmt: skip
MALAYSIAN_NAMES = (
    "Ahmad Faizal", "Nurul Huda", "Lim Wei Jie", "Tan Mei Ling", "Kavitha Rajan",
    "Muhammad Hafiz", "Siti Aisyah", "Wong Kah Hoe", "Arjun Pillai", "Farah Nadia",
)  # fmt: skip


@dataclass(frozen=True)
class BulkRow:
    """One bulk organisation with its owner."""

    organisation: Organisation
    full_name: str


def msme_row(ctx: SeedContext, index: int, regencies: Sequence[str]) -> BulkRow:
    """A plausible Lampung (or, at national scale, Indonesian) MSME and its owner."""
    rng = ctx.rng_for("msme", index)
    product = rng.choice(MSME_PRODUCTS)
    first, second = rng.sample(MSME_WORDS, 2)
    name = f"{product} {first} {second}"
    return BulkRow(
        Organisation(
            name=name,
            kind=OrganisationKind.MSME,
            country="ID",
            regency_id=rng.choice(regencies) if regencies else None,
            is_demo=True,
        ),
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    )


def buyer_row(ctx: SeedContext, index: int, states: Sequence[str]) -> BulkRow:
    """A plausible Malaysian buyer company and its contact person."""
    rng = ctx.rng_for("buyer", index)
    name = (
        f"{rng.choice(BUYER_FIRST)} {rng.choice(BUYER_SECOND)} "
        f"{rng.choice(BUYER_TRADES)} Sdn Bhd"
    )
    return BulkRow(
        Organisation(
            name=name,
            kind=OrganisationKind.BUYER,
            country="MY",
            state_id=rng.choice(states) if states else None,
            is_demo=True,
        ),
        rng.choice(MALAYSIAN_NAMES),
    )


def bulk_organisations(
    ctx: SeedContext,
    *,
    label: str,
    count: int,
    role: str,
    email_prefix: str,
    make_row: Callable[[int], BulkRow],
) -> int:
    """Create `count` organisations with one owner each, in batches; returns rows created.

    The owner's e-mail (`<prefix><index>@bulk.demo.serumpun.id`) is the natural key: a batch
    creates only the indices whose owner does not exist yet, so a rerun — or a run resumed
    after a crash, each batch being atomic — creates nothing twice.
    """
    created = 0
    for start in range(0, count, ctx.batch_size):
        indices = range(start, min(count, start + ctx.batch_size))
        emails = {i: f"{email_prefix}{i:06d}@{BULK_DOMAIN}" for i in indices}
        existing = set(
            User.objects.filter(email__in=emails.values()).values_list(
                "email", flat=True
            )
        )
        todo = [i for i in indices if emails[i] not in existing]
        if todo:
            rows = [make_row(i) for i in todo]
            with transaction.atomic():
                organisations = Organisation.objects.bulk_create(
                    [row.organisation for row in rows]
                )
                users = User.objects.bulk_create(
                    User(
                        email=emails[i],
                        full_name=row.full_name,
                        password=ctx.password_hash,
                        is_demo=True,
                    )
                    for i, row in zip(todo, rows, strict=True)
                )
                Membership.objects.bulk_create(
                    (
                        Membership(user=user, organisation=organisation, role=role)
                        for user, organisation in zip(users, organisations, strict=True)
                    ),
                    ignore_conflicts=True,
                )
            created += len(todo)
        done = indices.stop
        ctx.out(f"{label} {done:,}/{count:,} ({done * 100 // count}%)")
    return created


def seed_bulk_organisations(ctx: SeedContext) -> None:
    """MSMEs (over Lampung's regencies, or all of Indonesia's nationally) and buyers."""
    if ctx.scale.msmes:
        regency_qs = Regency.objects.order_by("code")
        if ctx.scale.name != "national":
            regency_qs = regency_qs.filter(province_id=LAMPUNG_PROVINCE)
        regencies = list(regency_qs.values_list("code", flat=True))
        bulk_organisations(
            ctx,
            label="msmes",
            count=ctx.scale.msmes,
            role=Role.MSME_OWNER,
            email_prefix="umkm",
            make_row=lambda i: msme_row(ctx, i, regencies),
        )
    if ctx.scale.buyers:
        states = list(
            Subdivision.objects.filter(country_id="MY")
            .order_by("code")
            .values_list("code", flat=True)
        )
        bulk_organisations(
            ctx,
            label="buyers",
            count=ctx.scale.buyers,
            role=Role.BUYER,
            email_prefix="buyer",
            make_row=lambda i: buyer_row(ctx, i, states),
        )


register_seeder("core.demo_logins", seed_demo_logins)
register_seeder("core.bulk_organisations", seed_bulk_organisations)
