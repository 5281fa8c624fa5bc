"""Catalogue full-text search: words in three languages, prefixes, odd input, index upkeep."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serumpun.exporters.models import Product
from serumpun.exporters.rules.search_text import build
from serumpun.exporters.search import (
    ensure_search_index,
    fts5_match,
    pg_tsquery,
    query_words,
    search_products,
)
from serumpun.exporters.tests.factories import MSMEFactory, ProductFactory, hs_code


def make_product(**fields):
    """A product whose search_text is built as the actions build it."""
    fields.setdefault("name_ms", "")
    fields.setdefault("description_id", "")
    product = ProductFactory.build(**fields)
    hs = product.hs_code
    fields["search_text"] = build(
        names=[product.name_id, product.name_en, product.name_ms],
        descriptions=[product.description_id],
        hs_code=hs.code,
        hs_description=hs.description,
    )
    return ProductFactory(**fields)


def found(q: str) -> set[str]:
    return set(
        search_products(Product.objects.all(), q).values_list("name_id", flat=True)
    )


@pytest.fixture
def products(db):
    msme = MSMEFactory(verified=True)
    make_product(
        msme=msme,
        name_id="Kopi robusta bubuk",
        name_en="Ground robusta coffee",
        name_ms="Serbuk kopi robusta",
    )
    make_product(
        msme=msme,
        name_id="Lada hitam",
        name_en="Black pepper",
        name_ms="Lada hitam Lampung",
        hs_code=hs_code("090411"),
    )
    make_product(
        msme=msme,
        name_id="Keripik pisang",
        name_en="Banana chips",
        name_ms="Kerepek pisang",
        hs_code=hs_code("200899"),
    )
    return msme


# --- Pure query building ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("Kopi  Robusta", ["kopi", "robusta"]),
        ('"kopi" OR NEAR(lada*)', ["kopi", "or", "near", "lada"]),
        ("café", ["cafe"]),
        ("0901.11", ["090111"]),
        ("\x00kopi\x00", ["kopi"]),
        ("*** ''' ---", []),
        ("", []),
    ],
)
def test_query_words_are_normalised_like_search_text(q, words):
    assert query_words(q) == words


def test_match_expressions_quote_every_word_and_prefix_the_last():
    assert fts5_match(["kopi", "rob"]) == '"kopi" "rob"*'
    assert pg_tsquery(["kopi", "rob"]) == "'kopi' & 'rob':*"
    # a one-letter last word is matched whole, not as a prefix of everything
    assert fts5_match(["kopi", "r"]) == '"kopi" "r"'


# --- Against the database (SQLite FTS5 or PostgreSQL GIN) ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kopi", {"Kopi robusta bubuk"}),  # Indonesian
        ("coffee", {"Kopi robusta bubuk"}),  # English
        ("serbuk", {"Kopi robusta bubuk"}),  # Malay
        ("kerepek", {"Keripik pisang"}),  # Malay only
        ("pepper", {"Lada hitam"}),
        ("KOPI Robusta", {"Kopi robusta bubuk"}),
        ("kopi pepper", set()),  # every word must match
        ("090411", {"Lada hitam"}),  # HS code
        ("0904", {"Lada hitam"}),  # HS heading
        ("ker", {"Keripik pisang"}),  # prefix of the last word
        ("robusta cof", {"Kopi robusta bubuk"}),
        ("cof robusta", set()),  # only the last word is a prefix
        ("", {"Kopi robusta bubuk", "Lada hitam", "Keripik pisang"}),
    ],
)
def test_search_finds_products_by_words_in_three_languages(products, q, expected):
    assert found(q) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        '"kopi',
        "kopi*",
        "*",
        "NEAR(kopi lada)",
        "kopi AND",
        "OR",
        "NOT kopi",
        "-kopi",
        "^kopi",
        "kopi:",
        "search_text:kopi",
        "(",
        ")",
        "{kopi}",
        "\\",
        "%",
        "_",
        "kopi\x00",
        "ü" * 90,
        "a " * 60,
    ],
)
def test_odd_input_never_breaks_the_query(products, q):
    result = found(q)  # evaluating the query must not raise
    assert result <= {"Kopi robusta bubuk", "Lada hitam", "Keripik pisang"}


@pytest.mark.django_db
def test_operators_are_searched_as_words(products):
    # "NEAR(kopi lada)" is three quoted words, none of them an operator
    assert found("NEAR(kopi lada)") == set()
    assert found('"kopi') == {"Kopi robusta bubuk"}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(max_size=40))
@pytest.mark.django_db
def test_any_text_is_a_valid_query(products, q):
    list(search_products(Product.objects.all(), q).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_index_follows_updates_deletes_and_bulk_writes(products):
    product = Product.objects.get(name_id="Lada hitam")
    Product.objects.filter(pk=product.pk).update(search_text="cengkeh clove")
    assert found("pepper") == set()
    assert found("clove") == {"Lada hitam"}

    product.delete()
    assert found("clove") == set()

    Product.objects.bulk_create(
        [
            Product(
                msme=products,
                name_id=f"Kelapa {n}",
                hs_code=hs_code(),
                monthly_capacity_kg=10,
                search_text=f"kelapa coconut nomor{n}",
            )
            for n in range(3)
        ]
    )
    assert found("coconut") == {"Kelapa 0", "Kelapa 1", "Kelapa 2"}
    assert found("nomor1") == {"Kelapa 1"}


@pytest.mark.django_db
def test_a_product_without_search_text_is_found_by_its_names(products):
    ProductFactory(
        msme=products,
        name_id="Gula aren",
        name_en="Palm sugar",
        name_ms="Gula kabung",
        search_text="",
    )
    Product.objects.filter(name_id="Gula aren").update(search_text="")
    assert found("kabung") == {"Gula aren"}
    assert found("palm sugar") == {"Gula aren"}


@pytest.mark.django_db
def test_search_composes_with_other_filters(products):
    coffee_only = Product.objects.filter(hs_code_id="090111")
    assert (
        set(search_products(coffee_only, "lada").values_list("pk", flat=True)) == set()
    )
    # and as a subquery (table aliases are relabelled there)
    inner = search_products(Product.objects.all(), "pepper").values("pk")
    assert Product.objects.filter(pk__in=inner).get().name_id == "Lada hitam"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 triggers")
def test_dropped_triggers_are_repaired_and_the_index_rebuilt(products):
    with connection.cursor() as cursor:
        for name in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER exporters_product_fts_{name}")
    ProductFactory(msme=products, name_id="Madu hutan", search_text="madu honey")
    assert found("honey") == set()  # missed while the triggers were gone

    assert ensure_search_index() is True
    assert found("honey") == {"Madu hutan"}
    assert ensure_search_index() is False  # nothing left to repair


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL GIN index")
def test_postgres_uses_the_gin_index_expression(products):
    query = search_products(Product.objects.all(), "kopi")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = query.explain()
        cursor.execute("RESET enable_seqscan")
    assert "exporters_product_search_gin" in plan
