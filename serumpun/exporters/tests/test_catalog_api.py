"""GET /api/v1/catalog/products: filters, who may browse, certificates, query count."""

from __future__ import annotations

import datetime as dt
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from serumpun.accounts.api_auth import hash_token
from serumpun.accounts.models import ApiToken
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters.models import Verification
from serumpun.exporters.search import refresh_catalogue_tokens
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
    regency,
)
from serumpun.exporters.tests.test_search import make_product

URL = "/api/v1/catalog/products"


def token_for(user) -> dict[str, str]:
    raw = secrets.token_urlsafe(16)
    ApiToken.objects.create(
        user=user,
        prefix=raw[:8],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def buyer(db):
    return make_user(Role.BUYER)


@pytest.fixture
def get(client, buyer):
    headers = token_for(buyer)

    def fetch(query: str = "", **extra):
        return client.get(f"{URL}?{query}", **headers, **extra)

    return fetch


@pytest.fixture
def catalogue(db):
    """Two verified MSMEs (Lampung Barat, Lampung Timur) and one in draft."""
    today = timezone.localdate()
    west = MSMEFactory(verified=True, regency=regency("1801"), name="CV Kopi Liwa")
    east = MSMEFactory(verified=True, regency=regency("1807"), name="UD Lada Timur")
    draft = MSMEFactory(regency=regency("1801"))
    coffee = make_product(
        msme=west,
        name_id="Kopi robusta",
        name_en="Robusta coffee",
        name_ms="Kopi robusta Malaysia",
        monthly_capacity_kg=Decimal("5000"),
    )
    make_product(
        msme=west,
        name_id="Kopi luwak",
        name_en="Civet coffee",
        monthly_capacity_kg=Decimal("50"),
        is_active=False,
    )
    pepper = make_product(
        msme=east,
        name_id="Lada hitam",
        name_en="Black pepper",
        hs_code=hs_code("090411"),
        monthly_capacity_kg=Decimal("800"),
    )
    make_product(msme=draft, name_id="Kopi draf", name_en="Draft coffee")
    CertificateFactory(msme=west, kind="halal", products=[coffee])
    CertificateFactory(  # expired: counts as absent
        msme=east, kind="halal", valid_until=today - dt.timedelta(days=1)
    )
    CertificateFactory(msme=east, kind="haccp")  # MSME-wide, no products ticked
    refresh_catalogue_tokens()  # factories write rows directly, not through the actions
    return {"coffee": coffee, "pepper": pepper, "west": west, "east": east}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name_id"] for item in response.json()["items"]}


@pytest.mark.django_db
def test_only_active_products_of_verified_msmes_are_listed(get, catalogue):
    response = get()
    assert names(response) == {"Kopi robusta", "Lada hitam"}
    assert response.json()["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=coffee", {"Kopi robusta"}),
        ("q=kopi", {"Kopi robusta"}),
        ("q=pepp", {"Lada hitam"}),
        ("hs=09", {"Kopi robusta", "Lada hitam"}),
        ("hs=0904", {"Lada hitam"}),
        ("hs=090111", {"Kopi robusta"}),
        ("regency_code=1807", {"Lada hitam"}),
        ("regency_code=1871", set()),
        ("min_capacity_kg=1000", {"Kopi robusta"}),
        ("min_capacity_kg=800", {"Kopi robusta", "Lada hitam"}),
        ("certificate=halal", {"Kopi robusta"}),  # the pepper one has expired
        ("certificate=haccp", {"Lada hitam"}),  # MSME-wide certificate
        ("certificate=sni", set()),
        ("q=kopi&certificate=halal&regency_code=1801&hs=0901", {"Kopi robusta"}),
    ],
)
def test_filters(get, catalogue, query, expected):
    assert names(get(query)) == expected


@pytest.mark.django_db
def test_certificate_must_cover_the_product_or_the_whole_msme(get, catalogue):
    other = make_product(msme=catalogue["west"], name_id="Kopi arabika", name_en="")
    refresh_catalogue_tokens([other.pk])
    assert names(get("certificate=halal")) == {"Kopi robusta"}
    CertificateFactory(msme=catalogue["west"], kind="halal")  # MSME-wide
    refresh_catalogue_tokens(msme_ids=[catalogue["west"].pk])
    assert names(get("certificate=halal")) == {"Kopi robusta", other.name_id}


@pytest.mark.django_db
def test_rejected_certificate_counts_as_absent(get, catalogue):
    catalogue["east"].certificates.filter(kind="haccp").update(
        verification=Verification.REJECTED
    )
    refresh_catalogue_tokens(msme_ids=[catalogue["east"].pk])
    assert names(get("certificate=haccp")) == set()


@pytest.mark.django_db
def test_item_shape(get, catalogue):
    today = timezone.localdate()
    CertificateFactory(
        msme=catalogue["west"],
        kind="pirt",
        valid_until=today + dt.timedelta(days=10),
        products=[catalogue["coffee"]],
    )
    (item,) = get("q=robusta", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    coffee = catalogue["coffee"]
    assert item["id"] == coffee.pk
    assert item["name"] == "Robusta coffee"
    assert (item["name_id"], item["name_en"]) == ("Kopi robusta", "Robusta coffee")
    assert item["hs_code"] == "090111"
    assert item["msme"] == {
        "id": catalogue["west"].pk,
        "name": "CV Kopi Liwa",
        "brand_name": catalogue["west"].brand_name,
        "regency_code": "1801",
        "verified": True,
    }
    assert item["monthly_capacity_kg"] == 5000
    assert item["fob_price_usd_per_kg"] == pytest.approx(4.2)
    assert item["halal_claim"] is False
    kinds = {cert["kind"]: cert["status"] for cert in item["certificates"]}
    assert kinds == {"halal": "valid", "pirt": "expiring"}


@pytest.mark.django_db
def test_name_follows_accept_language_then_preferred_language(client, catalogue):
    user = make_user(Role.BUYER, preferred_language="ms")
    headers = token_for(user)
    item = client.get(f"{URL}?q=robusta", **headers).json()["items"][0]
    assert item["name"] == "Kopi robusta Malaysia"
    item = client.get(f"{URL}?q=robusta", HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    assert item["items"][0]["name"] == "Robusta coffee"
    # no Malay name: Indonesian
    item = client.get(f"{URL}?q=pepper", **headers).json()["items"][0]
    assert item["name"] == "Lada hitam"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.BUYER, Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN]
)
def test_roles_with_catalog_view_may_browse(client, catalogue, role):
    response = client.get(URL, **token_for(make_user(role)))
    assert names(response) == {"Kopi robusta", "Lada hitam"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.MSME_OWNER, Role.SEEKER, Role.EMPLOYER, Role.LABOUR_ATTACHE]
)
def test_other_roles_are_refused(client, catalogue, role):
    response = client.get(URL, **token_for(make_user(role)))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_anonymous_is_unauthenticated(client, catalogue):
    assert client.get(URL).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("hs=9", "hs"),
        ("hs=090", "hs"),
        ("hs=09011", "hs"),
        ("hs=0901111", "hs"),
        ("hs=ab", "hs"),
        ("regency_code=18", "regency_code"),
        ("certificate=platinum", "certificate"),
        ("min_capacity_kg=-1", "min_capacity_kg"),
        ("min_capacity_kg=NaN", "min_capacity_kg"),
        ("min_capacity_kg=1e30", "min_capacity_kg"),
        ("q=" + "k" * 101, "q"),
        ("q=kopi%00", "q"),
        ("limit=0", "limit"),
    ],
)
def test_malformed_filters_are_422(get, catalogue, query, field):
    response = get(query)
    assert response.status_code == 422, response.content
    assert field in {
        str(part) for err in response.json()["errors"] for part in err["loc"]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q", ['"', "*", "NEAR(", "kopi OR", "'; DROP TABLE x; --", "é"]
)
def test_odd_search_text_is_never_a_500(get, catalogue, q):
    assert get("", data=None).status_code == 200
    response = get(f"q={q}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_page(
    get, catalogue, django_assert_num_queries
):
    def run(limit: int) -> int:
        response = get(f"limit={limit}&certificate=halal")
        assert response.status_code == 200
        return len(response.json()["items"])

    for n in range(8):
        msme = MSMEFactory(verified=True)
        product = ProductFactory(
            msme=msme, name_id=f"Kopi {n}", search_text=f"kopi {n}"
        )
        CertificateFactory(msme=msme, kind="halal", products=[product])
        CertificateFactory(msme=msme, kind="sni")
    refresh_catalogue_tokens()
    run(1)  # the token's first use also records last_used_at
    # token lookup, memberships, count, page, certificates with their products
    with django_assert_num_queries(5):
        assert run(2) == 2
    with django_assert_num_queries(5):
        assert run(50) == 9
