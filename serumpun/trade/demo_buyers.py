"""Demo buyers and sourcing requests (seeder "trade.buyers").

Both demo buyers get verified profiles; a third demo buyer (Sinar Pinang Spices) waits for
verification with a pending pepper permit, so the attaché's queue has work. Rempah Mutiara (buyer@) asks for green robusta but
holds NO coffee import permit, so its matches show the "buyer needs MY-COFFEE-PERMIT"
blocker; Harmoni Johor Foods (buyer2@) asks for halal banana chips. The trade attaché relays
one request, one is invited-only (to msme2@'s keripik business), one is fulfilled. At the
province scale and above every bulk buyer gets a profile and one request (bulk inserts).
Idempotent: records are found by their natural keys before anything is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.core.demo import BULK_DOMAIN, SeedContext, register_seeder
from serumpun.core.models import HSCode, Subdivision
from serumpun.exporters.models import MSME
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    BuyerType,
    RequestStatus,
    RequestVisibility,
    SourcingRequest,
    Verification,
)

#: clearly demo SSM numbers: registered 2019, type 01, serial 0990xx
DEMO_BUYERS = {
    "buyer@demo.serumpun.id": (
        "201901099001",
        BuyerType.IMPORTER,
        "MY-10",
        ["090111", "090411"],
    ),
    "buyer2@demo.serumpun.id": (
        "201901099002",
        BuyerType.DISTRIBUTOR,
        "MY-01",
        ["200899", "081190"],
    ),
}
#: a demo buyer still waiting for the trade attaché: (name, SSM number, state)
PENDING_BUYER = ("Sinar Pinang Spices Sdn Bhd (demo)", "201901099003", "MY-07")
BULK_HS = ("090111", "090411", "200899", "071410", "180100")


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _profile(
    org: Organisation, ssm: str, kind: str, state: str, hs: list[str]
) -> BuyerProfile:
    profile, _ = BuyerProfile.objects.get_or_create(
        organisation=org,
        defaults={
            "ssm_number": ssm,
            "buyer_type": kind,
            "state_id": state,
            "address": "Demo address, Malaysia",
            "hs_interests": hs,
            "verification": Verification.VERIFIED,
            "verified_at": timezone.now(),
            "is_demo": True,
        },
    )
    return profile


def _request(org: Organisation, title: str, **fields: Any) -> SourcingRequest:
    invited = fields.pop("invited", [])
    found = SourcingRequest.objects.filter(buyer=org, title=title, is_demo=True).first()
    if found is not None:
        return found
    created = SourcingRequest.objects.create(
        buyer=org, title=title, is_demo=True, **fields
    )
    if invited:
        created.invited.set(invited)
    return created


def seed_buyers(ctx: SeedContext) -> None:
    """Profiles and requests of the demo buyers; bulk buyers at larger scales."""
    today = timezone.localdate()
    attache = _user("trade.attache@demo.serumpun.id")
    orgs: dict[str, Organisation] = {}
    for email, (ssm, kind, state, hs) in DEMO_BUYERS.items():
        user = _user(email)
        if user is None or user.organisation is None:
            continue
        orgs[email] = user.organisation
        _profile(user.organisation, ssm, kind, state, hs)
    rempah = orgs.get("buyer@demo.serumpun.id")
    harmoni = orgs.get("buyer2@demo.serumpun.id")
    later = today + dt.timedelta(days=90)
    if harmoni is not None:
        _request(
            harmoni,
            "Keripik pisang halal 2 t/bulan",
            hs_code_id="200899",
            description="Halal banana chips for Johor supermarkets, 200 g packs.",
            quantity_kg_per_month=Decimal(2000),
            required_certificates=["halal"],
            destination_locode="MYPGU",
            target_price_usd_per_kg=Decimal("3.20"),
            incoterm="CIF",
            valid_until=later,
        )
        msme2 = MSME.objects.filter(
            organisation__memberships__user__email="msme2@demo.serumpun.id"
        ).first()
        if msme2 is not None:
            _request(
                harmoni,
                "Keripik singkong balado (undangan)",
                hs_code_id="200899",
                quantity_kg_per_month=Decimal(500),
                required_certificates=["halal"],
                destination_locode="MYTPP",
                valid_until=later,
                visibility=RequestVisibility.INVITED,
                invited=[msme2],
            )
    if rempah is not None:
        _request(
            rempah,
            "Kopi robusta hijau (green beans)",
            hs_code_id="090111",
            description="Green robusta, grade 4, moisture below 13%, for roasting in Selangor.",
            quantity_kg_per_month=Decimal(5000),
            destination_locode="MYPKG",
            target_price_usd_per_kg=Decimal("4.60"),
            incoterm="FOB",
            valid_until=later,
        )
        _request(
            rempah,
            "Lada hitam Lampung 1 t/bulan",
            hs_code_id="090411",
            quantity_kg_per_month=Decimal(1000),
            destination_locode="MYPKG",
            target_price_usd_per_kg=Decimal("6.50"),
            incoterm="FOB",
            valid_until=later,
            relayed_by=attache,
        )
        _request(
            rempah,
            "Kopi bubuk robusta (selesai)",
            hs_code_id="090121",
            quantity_kg_per_month=Decimal(300),
            destination_locode="MYKUL",
            valid_until=later,
            status=RequestStatus.FULFILLED,
            status_reason="Supplier found through the platform.",
        )
    _seed_pending(today)
    if ctx.scale.buyers:
        _seed_bulk(ctx, later)
    ctx.out(
        f"trade.buyers: {BuyerProfile.objects.filter(is_demo=True).count()} buyer profiles"
    )


def _seed_pending(today: dt.date) -> None:
    """A buyer waiting for the attaché (with a pending pepper permit), so the verification
    queue has work in it. Neither demo login's buyer gets a permit: buyer@'s robusta request
    must show the permit blocker, and buyer2@ buys nothing permit-controlled."""
    name, ssm, state = PENDING_BUYER
    if not Subdivision.objects.filter(code=state).exists():
        return
    org, _ = Organisation.objects.get_or_create(
        name=name,
        kind="buyer",
        is_demo=True,
        defaults={"country": "MY", "state_id": state},
    )
    profile, _ = BuyerProfile.objects.get_or_create(
        organisation=org,
        defaults={
            "ssm_number": ssm,
            "buyer_type": BuyerType.MANUFACTURER,
            "state_id": state,
            "address": "Demo address, Pulau Pinang",
            "contact_name": "Lim Wei Ling",
            "hs_interests": ["090411", "180100"],
            "is_demo": True,
        },
    )
    BuyerPermit.objects.get_or_create(
        buyer=profile,
        requirement_id="MY-PEPPER-PERMIT",
        defaults={
            "agency": "MAQIS",
            "number": "MAQIS/DEMO/000123",
            "valid_until": today + dt.timedelta(days=300),
            "is_demo": True,
        },
    )


def _bulk_buyers() -> list[tuple[int, Organisation]]:
    """(index, organisation) of the bulk demo buyers without a profile yet.

    The index is the one core.demo gave the buyer (its owner's e-mail, "buyer000042@…"), so
    what is drawn for a buyer does not depend on database ids, which differ between
    SQLite and PostgreSQL and between runs.
    """
    owners = dict(
        Membership.objects.filter(
            organisation__kind="buyer",
            organisation__is_demo=True,
            organisation__buyer_profile__isnull=True,
            organisation__state__isnull=False,
            user__email__startswith="buyer",
            user__email__endswith=f"@{BULK_DOMAIN}",
        ).values_list("organisation_id", "user__email")
    )
    organisations = Organisation.objects.in_bulk(list(owners))
    rows = [
        (int(email.split("@")[0].removeprefix("buyer")), organisations[pk])
        for pk, email in owners.items()
    ]
    return sorted(rows, key=lambda row: row[0])


def _seed_bulk(ctx: SeedContext, valid_until: dt.date) -> None:
    """A profile and one open request for every bulk demo buyer that has none yet."""
    known = set(HSCode.objects.filter(code__in=BULK_HS).values_list("code", flat=True))
    codes = [c for c in BULK_HS if c in known]
    profiles, requests = [], []
    for index, org in _bulk_buyers():
        rng = ctx.rng_for("trade.buyer", index)
        hs = rng.choice(codes) if codes else None
        profiles.append(
            BuyerProfile(
                organisation=org,
                ssm_number=f"2018{rng.randint(1, 6):02d}{index:06d}",
                buyer_type=rng.choice(BuyerType.values),
                state_id=str(org.state_id),
                hs_interests=[hs] if hs else [],
                verification=Verification.VERIFIED,
                verified_at=timezone.now(),
                is_demo=True,
            )
        )
        if hs:
            requests.append(
                SourcingRequest(
                    buyer=org,
                    title=f"HS {hs} — {org.name}",
                    hs_code_id=hs,
                    quantity_kg_per_month=Decimal(rng.randrange(200, 20_000, 100)),
                    destination_locode=rng.choice(("MYPKG", "MYPGU", "MYPEN", "MYTPP")),
                    valid_until=valid_until,
                    is_demo=True,
                )
            )
    BuyerProfile.objects.bulk_create(
        profiles, batch_size=ctx.batch_size, ignore_conflicts=True
    )
    SourcingRequest.objects.bulk_create(requests, batch_size=ctx.batch_size)


register_seeder("trade.buyers", seed_buyers)
