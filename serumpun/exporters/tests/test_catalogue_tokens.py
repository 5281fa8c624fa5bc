"""Catalogue filter tokens: the pure rule, the actions keeping them true, and the search they
power giving exactly what a plain ORM filter gives."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.exporters import actions
from serumpun.exporters.models import Certificate, Product, Verification
from serumpun.exporters.rules.catalogue_tokens import (
    CertificateFacts,
    ProductFacts,
    tokens_for,
)
from serumpun.exporters.rules.search_text import build
from serumpun.exporters.search import (
    query_words,
    refresh_catalogue_tokens,
    refresh_lapsed_certificate_tokens,
    search_catalogue,
)
from serumpun.exporters.tests.factories import (
    CertificateFactory,
    MSMEFactory,
    ProductFactory,
    hs_code,
    regency,
)

TODAY = dt.date(2026, 3, 1)


def facts(**overrides):
    values = {
        "product_id": 7,
        "active": True,
        "msme_verified": True,
        "regency_code": "1801",
        "hs_code": "090111",
    }
    values.update(overrides)
    return ProductFacts(**values)


def cert(kind="halal", days=30, rejected=False, products=()):
    return CertificateFacts(
        kind=kind,
        valid_until=TODAY + dt.timedelta(days=days),
        rejected=rejected,
        product_ids=frozenset(products),
    )


# --- The pure rule -----------------------------------------------------------------------------


def test_a_listed_product_carries_its_facts_as_tokens():
    assert tokens_for(facts(), [cert()], as_of=TODAY) == (
        "zzlisted zzcerthalal zzreg1801 zzhs09 zzhs0901 zzhs090111"
    )


@pytest.mark.parametrize(
    ("product", "listed"),
    [
        (facts(), True),
        (facts(active=False), False),
        (facts(msme_verified=False), False),
    ],
)
def test_listed_means_active_and_verified(product, listed):
    tokens = tokens_for(product, [cert()], as_of=TODAY)
    assert ("zzlisted" in tokens.split()) is listed
    if not listed:  # filter tokens imply zzlisted, so an unlisted product carries none
        assert tokens == ""


@pytest.mark.parametrize(
    ("certificate", "counts"),
    [
        (cert(days=0), True),  # its last valid day
        (cert(days=-1), False),  # expired yesterday
        (cert(rejected=True), False),
        (cert(products={7}), True),
        (cert(products={8}), False),  # covers another product only
        (cert(products=()), True),  # MSME-wide
    ],
)
def test_a_certificate_counts_when_valid_and_covering(certificate, counts):
    tokens = tokens_for(facts(), [certificate], as_of=TODAY).split()
    assert ("zzcerthalal" in tokens) is counts


def test_kinds_with_punctuation_become_one_word():
    tokens = tokens_for(facts(), [cert("bpom_md"), cert("iso22000")], as_of=TODAY)
    assert "zzcertbpommd" in tokens.split()
    assert "zzcertiso22000" in tokens.split()


def test_owners_cannot_type_a_token_into_their_product_text():
    text = build(
        names=["Kopi ZZcertHalal", "zzlisted coffee"], descriptions=["zzreg1801"]
    )
    assert text == "kopi coffee"
    assert query_words("kopi zzcerthalal zz") == ["kopi"]


# --- Actions keep the tokens true ------------------------------------------------------------


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER)


@pytest.fixture
def owned(db):
    """A submitted MSME in Lampung Barat, its owner, and one coffee product (via actions)."""
    msme = MSMEFactory(submitted=True, regency=regency("1801"))
    owner = make_user(Role.MSME_OWNER, organisation=msme.organisation)
    product = actions.add_product(
        by=owner,
        msme=msme,
        fields={
            "name_id": "Kopi robusta",
            "name_en": "Robusta coffee",
            "hs_code": hs_code("090111"),
            "monthly_capacity_kg": Decimal(1000),
        },
    )
    return msme, owner, product


def found(**filters) -> set[int]:
    results = search_catalogue(**filters)
    items = results[0:100]
    assert results.count() == len(items)
    return {product.pk for product in items}


@pytest.mark.django_db
def test_verification_lists_and_rejection_unlists_the_products(owned, officer):
    msme, _owner, product = owned
    assert found(q="kopi") == set()
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    assert found(q="kopi") == {product.pk}
    actions.verify_msme(by=officer, msme=msme, decision="rejected", reason="NIB salah")
    assert found(q="kopi") == set()
    assert found() == set()


@pytest.mark.django_db
def test_products_follow_their_own_actions(owned, officer):
    msme, owner, product = owned
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    hs_code("090411")
    actions.update_product(by=owner, product=product, fields={"hs_code": "090411"})
    assert found(hs="0904") == {product.pk}
    assert found(hs="0901") == set()
    actions.set_product_active(by=owner, product=product, active=False)
    assert found() == set()
    actions.set_product_active(by=owner, product=product, active=True)
    assert found() == {product.pk}


@pytest.mark.django_db
def test_certificates_follow_recording_verification_and_scope(owned, officer):
    msme, owner, product = owned
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    other = actions.add_product(
        by=owner,
        msme=msme,
        fields={"name_id": "Kopi bubuk", "hs_code": "090111", "monthly_capacity_kg": 5},
    )
    until = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    halal = actions.record_certificate(
        by=owner,
        msme=msme,
        fields={
            "kind": "halal",
            "number": "H-1",
            "issuer": "BPJPH",
            "valid_until": until,
        },
        product_ids=[product.pk],
    )
    assert found(certificate="halal") == {product.pk}
    actions.record_certificate(
        by=owner,
        msme=msme,
        fields={
            "kind": "pirt",
            "number": "P-1",
            "issuer": "Dinkes",
            "valid_until": until,
        },
    )
    assert found(certificate="pirt") == {product.pk, other.pk}  # MSME-wide
    actions.verify_certificate(
        by=officer, certificate=halal, decision="rejected", reason="Palsu"
    )
    assert found(certificate="halal") == set()


@pytest.mark.django_db
def test_a_regency_change_moves_the_products(owned, officer):
    msme, _owner, product = owned
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    actions.update_msme(
        by=officer, msme=msme, fields={"regency_id": regency("1871").pk}
    )
    assert found(regency_code="1871") == {product.pk}
    assert found(regency_code="1801") == set()


@pytest.mark.django_db
def test_an_identity_edit_by_the_owner_unlists_until_verified_again(owned, officer):
    msme, owner, _product = owned
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    actions.update_msme(by=owner, msme=msme, fields={"name": "CV Kopi Baru"})
    assert found() == set()  # back to "submitted"


@pytest.mark.django_db
def test_an_import_moving_an_msme_moves_its_products(officer):
    from serumpun.exporters.importing import commit_import, preview_import, start_import
    from serumpun.exporters.tests.test_import_samples import csv_upload

    for code in ("1801", "1871"):
        regency(code)
    msme = MSMEFactory(nib="9120000000003", verified=True, regency=regency("1801"))
    product = ProductFactory(msme=msme)
    refresh_catalogue_tokens()
    assert found(regency_code="1801") == {product.pk}
    batch = preview_import(
        by=officer, batch=start_import(by=officer, upload=csv_upload())
    )
    commit_import(by=officer, batch=batch)
    msme.refresh_from_db()
    assert msme.regency_id == "1871"  # the sample file puts it in Bandar Lampung
    assert found(regency_code="1871") == {product.pk}
    assert found(regency_code="1801") == set()


@pytest.mark.django_db
def test_the_daily_run_drops_certificates_that_lapsed(owned, officer):
    msme, _owner, product = owned
    actions.verify_msme(by=officer, msme=msme, decision="verified")
    today = timezone.localdate()
    CertificateFactory(msme=msme, kind="halal", valid_until=today)
    refresh_catalogue_tokens(msme_ids=[msme.pk], as_of=today)
    assert found(certificate="halal") == {product.pk}  # valid through today

    tomorrow = today + dt.timedelta(days=1)
    call_command("run_daily_tasks", as_of=tomorrow.isoformat())
    assert found(certificate="halal") == set()
    assert found() == {product.pk}  # still listed, without the certificate
    # a second run finds nothing left to change
    assert refresh_lapsed_certificate_tokens(tomorrow) == 0


@pytest.mark.django_db
def test_refreshing_costs_the_same_few_queries_for_one_or_many_products(
    django_assert_num_queries,
):
    products = []
    for _ in range(3):
        msme = MSMEFactory(verified=True)
        mine = [ProductFactory(msme=msme) for _ in range(4)]
        CertificateFactory(msme=msme, kind="halal", products=mine[:1])
        products += mine
    ids = [p.pk for p in products]
    Product.objects.update(catalogue_tokens="")  # the factories already refreshed them
    # savepoint, products, certificates, their products, one UPDATE per distinct token
    # string (with and without zzcerthalal), release
    with django_assert_num_queries(7):
        assert refresh_catalogue_tokens(ids) == len(ids)
    with django_assert_num_queries(5):  # nothing changed: nothing written
        assert refresh_catalogue_tokens(ids) == 0


# --- The search equals a plain ORM filter ------------------------------------------------------

KINDS = ("halal", "pirt", "bpom_md")
REGENCIES = ("1801", "1802", "1871")
GOODS = (
    ("090111", "Kopi robusta", "Robusta coffee"),
    ("090121", "Kopi bubuk", "Ground coffee"),
    ("090411", "Lada hitam", "Black pepper"),
    ("200899", "Keripik pisang", "Banana chips"),
)


def orm_catalogue(
    *, q="", hs="", regency_code="", certificate="", min_capacity_kg=None
):
    """The catalogue's meaning, written the slow, obvious way."""
    today = timezone.localdate()
    products = Product.objects.filter(
        is_active=True, msme__verification=Verification.VERIFIED
    )
    words = q.split()
    for index, word in enumerate(words):
        end = "" if index == len(words) - 1 else "( |$)"  # the last word is a prefix
        products = products.filter(search_text__regex=rf"(^| ){word}{end}")
    if hs:
        products = products.filter(hs_code__code__startswith=hs)
    if regency_code:
        products = products.filter(msme__regency_id=regency_code)
    if min_capacity_kg is not None:
        products = products.filter(monthly_capacity_kg__gte=min_capacity_kg)
    if certificate:
        covering = (
            Certificate.objects.valid_on(today)
            .filter(msme=OuterRef("msme"), kind=certificate)
            .filter(Q(products__isnull=True) | Q(products=OuterRef("pk")))
        )
        products = products.filter(Exists(covering))
    return list(products.order_by("-id").values_list("pk", flat=True))


@pytest.fixture
def random_catalogue(db):
    rng = random.Random(20260301)  # noqa: S311 (test data, not secrets)
    today = timezone.localdate()
    for code in REGENCIES:
        regency(code)
    for code, *_names in GOODS:
        hs_code(code)
    for _ in range(25):
        msme = MSMEFactory(
            regency=regency(rng.choice(REGENCIES)),
            verification=rng.choice(
                [Verification.VERIFIED] * 3 + [Verification.SUBMITTED]
            ),
        )
        products = []
        for _ in range(rng.randrange(1, 5)):
            code, name_id, name_en = rng.choice(GOODS)
            products.append(
                ProductFactory(
                    msme=msme,
                    name_id=name_id,
                    name_en=name_en,
                    hs_code=hs_code(code),
                    is_active=rng.random() < 0.85,
                    monthly_capacity_kg=Decimal(rng.randrange(10, 5000)),
                )
            )
        for _ in range(rng.randrange(0, 3)):
            scope = rng.sample(products, rng.randrange(0, len(products) + 1))
            CertificateFactory(
                msme=msme,
                kind=rng.choice(KINDS),
                valid_until=today + dt.timedelta(days=rng.randrange(-30, 60)),
                verification=rng.choice(
                    [
                        Verification.VERIFIED,
                        Verification.SUBMITTED,
                        Verification.REJECTED,
                    ]
                ),
                products=scope,
            )
    refresh_catalogue_tokens()
    return rng


@pytest.mark.django_db
def test_the_api_gives_what_a_plain_orm_filter_gives(random_catalogue, client):
    from serumpun.exporters.tests.test_catalog_api import token_for

    rng = random_catalogue
    headers = token_for(make_user(Role.BUYER))
    choices = {
        "q": ["", "kopi", "coffee", "lada", "robusta", "black pepper", "chips", "ko"],
        "hs": ["", "09", "0901", "090411", "2008"],
        "regency_code": ["", *REGENCIES],
        "certificate": ["", *KINDS],
        "min_capacity_kg": [None, Decimal(100), Decimal(2500)],
    }
    found_some = 0
    for _ in range(60):
        filters = {name: rng.choice(values) for name, values in choices.items()}
        expected = orm_catalogue(**filters)
        found_some += bool(expected)
        query = {k: v for k, v in filters.items() if v not in ("", None)}
        body = client.get(
            "/api/v1/catalog/products", {**query, "limit": 100}, **headers
        ).json()
        assert body["count"] == len(expected), filters
        assert [item["id"] for item in body["items"]] == expected, filters
        results = search_catalogue(**filters)  # a page further down, too
        assert [p.pk for p in results[2:4]] == expected[2:4], filters
    assert found_some >= 15  # the data make the comparison bite
