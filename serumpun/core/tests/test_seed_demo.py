"""`manage.py seed_demo`: demo logins per role, idempotence, determinism, the DEBUG guard."""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from serumpun.accounts.models import Membership, Organisation, User
from serumpun.accounts.roles import ROLE_ORGANISATION_KIND, Role
from serumpun.core.demo import (
    BULK_DOMAIN,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    SeedContext,
    register_seeder,
    registered_seeders,
)

EXPECTED_LOGINS = {
    "admin": Role.ADMIN,
    "officer": Role.OFFICER,
    "trade.attache": Role.TRADE_ATTACHE,
    "transport.attache": Role.TRANSPORT_ATTACHE,
    "labour.attache": Role.LABOUR_ATTACHE,
    "msme": Role.MSME_OWNER,
    "msme2": Role.MSME_OWNER,
    "buyer": Role.BUYER,
    "buyer2": Role.BUYER,
    "employer": Role.EMPLOYER,
    "agency": Role.AGENCY,
    "forwarder": Role.FORWARDER,
    "seeker": Role.SEEKER,
}


def seed(*args: str, debug: bool = True, settings: Any = None) -> str:
    if settings is not None:
        settings.DEBUG = debug
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> tuple[int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


@pytest.mark.django_db
def test_demo_scale_creates_one_login_per_role_with_the_demo_password(settings):
    output = seed(settings=settings)
    users = {u.email: u for u in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    assert len(users) == 13
    for local, role in EXPECTED_LOGINS.items():
        email = f"{local}@{DEMO_DOMAIN}"
        user = users[email]
        assert user.role == role
        assert user.is_demo
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=email, password=DEMO_PASSWORD) == user
        assert email in output
        kind = ROLE_ORGANISATION_KIND[role]
        assert (user.organisation.kind if user.organisation else None) == kind
        if user.organisation:
            assert user.organisation.is_demo
    assert output.count(DEMO_PASSWORD) == 13


@pytest.mark.django_db
def test_demo_organisations_are_where_the_brief_puts_them(settings):
    seed(settings=settings)
    by_email: dict[str, Any] = {
        local: User.objects.get(email=f"{local}@{DEMO_DOMAIN}").organisation
        for local in EXPECTED_LOGINS
    }
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    assert admin.is_staff
    assert admin.is_superuser
    assert by_email["seeker"] is None
    attaches = {
        by_email[k] for k in ("trade.attache", "transport.attache", "labour.attache")
    }
    assert len(attaches) == 1
    (embassy,) = attaches
    assert (embassy.name, embassy.kind, embassy.country) == (
        "KBRI Kuala Lumpur",
        "embassy",
        "MY",
    )
    assert by_email["msme"] != by_email["msme2"]
    assert by_email["buyer"] != by_email["buyer2"]
    for key in ("buyer", "buyer2", "employer"):
        assert by_email[key].name.endswith("Sdn Bhd")
        assert by_email[key].country == "MY"
    assert by_email["agency"].name.startswith("PT ")
    assert by_email["forwarder"].name.startswith("PT ")
    officer_office = by_email["officer"]
    assert officer_office.kind == "government_office"


@pytest.mark.django_db
def test_running_twice_creates_nothing_new(settings):
    seed("--scale", "province", "--msmes", "40", "--buyers", "6", settings=settings)
    first = row_counts()
    seed("--scale", "province", "--msmes", "40", "--buyers", "6", settings=settings)
    assert row_counts() == first


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(email__endswith=DEMO_DOMAIN).exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email__endswith=DEMO_DOMAIN).count() == 13


def bulk_snapshot() -> list[tuple[Any, ...]]:
    return list(
        User.objects.filter(email__endswith=BULK_DOMAIN)
        .order_by("email")
        .values_list(
            "email",
            "full_name",
            "memberships__organisation__name",
            "memberships__organisation__regency_id",
            "memberships__organisation__state_id",
        )
    )


def delete_bulk() -> None:
    bulk = User.objects.filter(email__endswith=BULK_DOMAIN)
    Organisation.objects.filter(memberships__user__in=bulk).delete()
    bulk.delete()


@pytest.mark.django_db
def test_province_scale_is_deterministic_for_a_seed(settings):
    args = ("--scale", "province", "--msmes", "30", "--buyers", "5", "--seed", "7")
    output = seed(*args, settings=settings)
    first = bulk_snapshot()
    assert len(first) == 35
    assert "msmes 30/30 (100%)" in output
    delete_bulk()
    seed(*args, settings=settings)
    assert bulk_snapshot() == first
    delete_bulk()
    seed(
        "--scale",
        "province",
        "--msmes",
        "30",
        "--buyers",
        "5",
        "--seed",
        "8",
        settings=settings,
    )
    assert bulk_snapshot() != first


@pytest.mark.django_db
def test_province_msmes_are_in_lampung_and_buyers_are_malaysian(settings):
    seed("--scale", "province", "--msmes", "25", "--buyers", "5", settings=settings)
    msmes = Organisation.objects.filter(
        kind="msme", memberships__user__email__endswith=BULK_DOMAIN
    )
    buyers = Organisation.objects.filter(
        kind="buyer", memberships__user__email__endswith=BULK_DOMAIN
    )
    assert msmes.count() == 25
    assert buyers.count() == 5
    assert all(o.is_demo for o in msmes)
    regencies = set(msmes.values_list("regency_id", flat=True))
    if regencies != {None}:  # reference data loaded: only Lampung's regencies (18xx)
        assert all(code.startswith("18") for code in regencies)
    assert all(b.name.endswith("Sdn Bhd") and b.country == "MY" for b in buyers)
    assert set(
        Membership.objects.filter(organisation__in=msmes).values_list("role", flat=True)
    ) == {Role.MSME_OWNER}


@pytest.mark.django_db
def test_an_app_can_register_its_own_seeder(settings):
    calls = []

    def seed_products(ctx: SeedContext) -> None:
        calls.append((ctx.scale.name, ctx.seed))

    before = registered_seeders()
    register_seeder("test.products", seed_products)
    try:
        seed("--seed", "5", settings=settings)
    finally:
        from serumpun.core import demo

        demo._SEEDERS.pop("test.products")
    assert calls == [("demo", 5)]
    assert registered_seeders() == before
