"""Factories for Malaysian buyers, their permits and sourcing requests, shared by trade tests.

Reference rows (states MY-10/MY-01, ports, HS codes) are loaded after migrate, tests
included; `hs_code()` from the exporters factories creates a code on demand if absent.

    profile = BuyerProfileFactory()                        # verified, Selangor, own organisation
    profile = BuyerProfileFactory(pending=True)            # waiting for the trade attaché
    user = buyer_user(profile)                             # role buyer in that organisation
    permit = BuyerPermitFactory(buyer=profile)             # verified MY-COFFEE-PERMIT (MAQIS)
    req = SourcingRequestFactory(buyer=profile.organisation)
    req = SourcingRequestFactory(invited_msmes=[msme])     # visibility "invited"
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone
from factory.declarations import (
    LazyAttribute,
    LazyFunction,
    Sequence,
    SubFactory,
    Trait,
)
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import Subdivision
from serumpun.exporters.tests.factories import country, hs_code
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    BuyerType,
    RequestVisibility,
    SourcingRequest,
    Verification,
)

_MY_STATES = {"MY-01": "Johor", "MY-10": "Selangor", "MY-14": "W.P. Kuala Lumpur"}
_serials = itertools.count(1)


def state(code: str = "MY-10") -> Subdivision:
    """The Malaysian state `code` (Selangor by default), created if the reference is absent."""
    found = Subdivision.objects.filter(code=code).first()
    if found is not None:
        return found
    return Subdivision.objects.create(
        code=code,
        country=country("MY"),
        name=_MY_STATES.get(code, code),
        kind="state",
    )


def ssm_number() -> str:
    """A fresh, well-formed 12-digit SSM number (YYYYTTNNNNNN, type 01 = company)."""
    return f"201901{next(_serials):06d}"


class BuyerOrganisationFactory(DjangoModelFactory[Organisation]):
    """A Malaysian buyer organisation (kind buyer, country MY)."""

    class Meta:
        model = Organisation

    name = Sequence(lambda n: f"Syarikat Dagang {n} Sdn Bhd")  # type: ignore[no-untyped-call]
    kind = "buyer"
    country = "MY"


class BuyerProfileFactory(DjangoModelFactory[BuyerProfile]):
    """A verified importer in Selangor with a valid 12-digit SSM number."""

    class Meta:
        model = BuyerProfile

    class Params:
        pending = Trait(  # type: ignore[no-untyped-call]
            verification=Verification.PENDING, verified_at=None
        )

    organisation = SubFactory(BuyerOrganisationFactory)  # type: ignore[no-untyped-call]
    ssm_number = LazyFunction(ssm_number)  # type: ignore[no-untyped-call]
    buyer_type = BuyerType.IMPORTER
    state = LazyFunction(state)  # type: ignore[no-untyped-call]
    address = "Lot 12, Jalan Perusahaan, Shah Alam"
    contact_name = "Aminah binti Yusof"
    contact_phone = "+60312345678"
    hs_interests = LazyFunction(lambda: ["090111"])  # type: ignore[no-untyped-call]
    verification = Verification.VERIFIED
    verified_at = LazyFunction(timezone.now)  # type: ignore[no-untyped-call]


class BuyerPermitFactory(DjangoModelFactory[BuyerPermit]):
    """A verified MAQIS green-coffee import permit valid for a year."""

    class Meta:
        model = BuyerPermit

    class Params:
        pending = Trait(  # type: ignore[no-untyped-call]
            verification=Verification.PENDING, verified_at=None
        )

    buyer = SubFactory(BuyerProfileFactory)  # type: ignore[no-untyped-call]
    requirement_id = "MY-COFFEE-PERMIT"
    agency = "MAQIS"
    number = Sequence(lambda n: f"MAQIS/IP/{n:06d}")  # type: ignore[no-untyped-call]
    valid_until = LazyFunction(  # type: ignore[no-untyped-call]
        lambda: timezone.localdate() + dt.timedelta(days=365)
    )
    verification = Verification.VERIFIED
    verified_at = LazyFunction(timezone.now)  # type: ignore[no-untyped-call]


class SourcingRequestFactory(DjangoModelFactory[SourcingRequest]):
    """An open request for 5 t/month of green robusta (HS 090111) into Port Klang.

    Pass `invited_msmes=[msme, …]` for an invited-only request.
    """

    class Meta:
        model = SourcingRequest
        skip_postgeneration_save = True

    buyer = LazyAttribute(  # type: ignore[no-untyped-call]
        lambda _: BuyerProfileFactory.create().organisation
    )
    title = Sequence(lambda n: f"Kopi robusta hijau {n}")  # type: ignore[no-untyped-call]
    hs_code = LazyFunction(hs_code)  # type: ignore[no-untyped-call]
    description = "Green robusta beans, grade 4, moisture below 13%."
    quantity_kg_per_month = Decimal("5000")
    required_certificates = LazyFunction(list)  # type: ignore[no-untyped-call]
    destination_locode = "MYPKG"
    target_price_usd_per_kg = Decimal("4.50")
    incoterm = "FOB"
    valid_until = LazyFunction(  # type: ignore[no-untyped-call]
        lambda: timezone.localdate() + dt.timedelta(days=60)
    )
    visibility = RequestVisibility.VERIFIED_MSMES

    @post_generation
    def invited_msmes(
        obj: SourcingRequest,  # noqa: N805 (factory-boy passes the object first)
        create: bool,
        extracted: Any,
        **kwargs: Any,
    ) -> None:
        if not create or not extracted:
            return
        obj.invited.set(extracted)
        if obj.visibility != RequestVisibility.INVITED:
            obj.visibility = RequestVisibility.INVITED
            obj.save(update_fields=["visibility"])


def buyer_user(profile: BuyerProfile | None = None, **user_fields: Any) -> User:
    """A user with role buyer in `profile`'s organisation (a fresh verified buyer if None)."""
    if profile is None:
        profile = BuyerProfileFactory.create()
    return make_user(Role.BUYER, organisation=profile.organisation, **user_fields)


def attache_user(**user_fields: Any) -> User:
    """A trade attaché (buyer.verify, request.relay) in a fresh embassy organisation."""
    return make_user(Role.TRADE_ATTACHE, **user_fields)
