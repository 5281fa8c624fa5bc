"""Factories for users, organisations and memberships, shared by every app's tests."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory, Password
from factory.faker import Faker

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.accounts.roles import ROLE_ORGANISATION_KIND, Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    email = Sequence(lambda n: f"user{n}@example.test")  # type: ignore[no-untyped-call]
    full_name = Faker("name", locale="id_ID")  # type: ignore[no-untyped-call]
    password = Password(TEST_PASSWORD)  # type: ignore[no-untyped-call]


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = Sequence(lambda n: f"Organisation {n}")  # type: ignore[no-untyped-call]
    kind = "msme"
    country = "ID"


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = SubFactory(UserFactory)  # type: ignore[no-untyped-call]
    organisation = SubFactory(OrganisationFactory)  # type: ignore[no-untyped-call]
    role = Role.MSME_OWNER


def make_user(
    role: str, organisation: Organisation | None = None, **user_fields: Any
) -> User:
    """A user holding `role`, in `organisation` or in a fresh organisation of the right kind."""
    kind = ROLE_ORGANISATION_KIND[role]
    if kind is None:
        organisation = None
    elif organisation is None:
        country = "MY" if kind in {"buyer", "employer", "embassy"} else "ID"
        organisation = OrganisationFactory.create(kind=kind, country=country)
    user = UserFactory.create(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator (TOTP device) for `user`, confirmed unless told otherwise."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app would show now (or `steps_ahead` steps later).

    A code is accepted once per time step; a second sign-in in the same test passes
    steps_ahead=1, which the device's one-step tolerance accepts.
    """
    device.refresh_from_db()
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{code:0{device.digits}d}"
