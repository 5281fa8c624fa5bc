"""Factories for users, organisations and memberships, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.accounts.roles import ROLE_ORGANISATION_KIND, Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "msme"
    country = "ID"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
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
        organisation = OrganisationFactory(kind=kind, country=country)
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user
