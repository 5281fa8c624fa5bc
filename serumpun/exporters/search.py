"""The buyer catalogue's queries: full-text product search and the catalogue filters.

Words match Product.search_text (names and descriptions in Indonesian, English and Malay, the
HS code and HS description; rules/search_text.py) through the full-text index of migration
0002: SQLite FTS5 (`exporters_product_fts`, kept in step by triggers) or a PostgreSQL GIN
index on `to_tsvector('simple', …)`. Every word must match; the last one also matches as a
prefix ("kop" finds "kopi") because people type it unfinished. A product whose search_text is
still empty is indexed by its three names and HS code instead, so it is not lost.

Query words are normalised exactly like search_text and then quoted, so no input can reach
the FTS query syntax: quotes, `*`, `NEAR`, `-`, NUL and the like are punctuation and dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import translation

from serumpun.exporters.models import Certificate, Product
from serumpun.exporters.rules.search_text import normalise

#: words of a query beyond this many are ignored (bounds the work one request can ask for)
MAX_QUERY_WORDS = 8
#: a last word shorter than this is matched whole, not as a prefix ("k*" would touch
#: nearly every term of the index)
MIN_PREFIX_LENGTH = 2

FTS_TABLE = "exporters_product_fts"

# HS codes are written "0901.11" or "0901 11"; joined they are the one token search_text holds.
_DOTTED_CODE = re.compile(r"(?<=\d)[.\s](?=\d)")


def query_words(q: str) -> list[str]:
    """The words of a search query, normalised as search_text is (at most MAX_QUERY_WORDS)."""
    return normalise(_DOTTED_CODE.sub("", q or ""))[:500].split()[:MAX_QUERY_WORDS]


def _prefixed(words: list[str]) -> list[tuple[str, bool]]:
    """Each word with whether it matches as a prefix (the last one, if long enough)."""
    last = len(words) - 1
    return [
        (word, index == last and len(word) >= MIN_PREFIX_LENGTH)
        for index, word in enumerate(words)
    ]


def fts5_match(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word: `"kopi" "robus"*`.

    Words are already [0-9a-z]+ (see query_words); quoting them anyway keeps FTS keywords
    (AND, OR, NOT, NEAR) and column filters out of reach.
    """
    return " ".join(
        f'"{word}"*' if prefix else f'"{word}"' for word, prefix in _prefixed(words)
    )


def pg_tsquery(words: list[str]) -> str:
    """A PostgreSQL tsquery requiring every word: `'kopi' & 'robus':*`."""
    return " & ".join(
        f"'{word}':*" if prefix else f"'{word}'" for word, prefix in _prefixed(words)
    )


class _TsMatch(Func):
    """`to_tsvector('simple', <indexed text>) @@ to_tsquery('simple', %s)` on PostgreSQL.

    The text expression must be the one migration 0002 indexes, or PostgreSQL cannot use the
    GIN index; columns are compiled by Django so table aliases in subqueries stay right.
    """

    output_field = BooleanField()
    template = (
        "to_tsvector('simple', COALESCE(NULLIF(%(search_text)s, ''), "
        "%(name_id)s || ' ' || %(name_en)s || ' ' || %(name_ms)s || ' ' || %(hs)s)) "
        "@@ to_tsquery('simple', %(query)s)"
    )
    names = ("search_text", "name_id", "name_en", "name_ms", "hs", "query")

    def __init__(self, tsquery: str) -> None:
        super().__init__(
            F("search_text"),
            F("name_id"),
            F("name_en"),
            F("name_ms"),
            F("hs_code_id"),
            Value(tsquery),
        )

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        parts: dict[str, str] = {}
        params: list[Any] = []
        for name, expression in zip(
            self.names, self.get_source_expressions(), strict=True
        ):
            sql, expression_params = compiler.compile(expression)
            parts[name] = sql
            params.extend(expression_params)
        return self.template % parts, params


def search_products(
    qs: QuerySet[Product], q: str, *, using: Any = None
) -> QuerySet[Product]:
    """Restrict a Product queryset to rows containing every word of `q` (no words: unchanged)."""
    words = query_words(q)
    if not words:
        return qs
    vendor = (using or default_connection).vendor
    if vendor == "postgresql":
        return qs.filter(_TsMatch(pg_tsquery(words)))
    if vendor == "sqlite":
        matching_ids = RawSQL(  # noqa: S611 (the words are a parameter)
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [fts5_match(words)],
        )
        return qs.filter(pk__in=matching_ids)
    raise NotImplementedError(f"no catalogue full-text search on {vendor}")


# --- The catalogue ---------------------------------------------------------------------------


def valid_certificates(kind: str, as_of: dt.date) -> QuerySet[Certificate]:
    """Certificates of `kind` valid on `as_of` that cover the outer product.

    A certificate with no products listed covers the whole MSME (decided here: a halal or
    PIRT certificate is often issued to the business, and owners do not always tick
    products). Validity is Certificate.valid_on: not expired, not rejected.
    """
    return (
        Certificate.objects.valid_on(as_of)
        .filter(msme=OuterRef("msme"), kind=kind)
        .filter(Q(products__isnull=True) | Q(products=OuterRef("pk")))
    )


def filter_catalogue(
    qs: QuerySet[Product],
    *,
    q: str = "",
    hs: str = "",
    regency_code: str = "",
    certificate: str = "",
    min_capacity_kg: Decimal | None = None,
    as_of: dt.date,
) -> QuerySet[Product]:
    """The catalogue filters on top of a queryset of catalogue products."""
    if hs:
        qs = qs.filter(hs_code__code__startswith=hs)
    if regency_code:
        qs = qs.filter(msme__regency_id=regency_code)
    if min_capacity_kg is not None:
        qs = qs.filter(monthly_capacity_kg__gte=min_capacity_kg)
    if certificate:
        qs = qs.filter(Exists(valid_certificates(certificate, as_of)))
    return search_products(qs, q)


def valid_certificates_prefetch(as_of: dt.date) -> Prefetch:
    """The MSME's certificates valid on `as_of` (to `msme.valid_certs`), with product ids."""
    certificates = (
        Certificate.objects.valid_on(as_of)
        .order_by("kind", "valid_until")
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.only("id").order_by())
        )
    )
    return Prefetch("msme__certificates", queryset=certificates, to_attr="valid_certs")


def with_catalogue_details(
    qs: QuerySet[Product], *, as_of: dt.date
) -> QuerySet[Product]:
    """Load what a catalogue card or page shows in a constant number of queries."""
    return qs.select_related("msme", "msme__regency", "hs_code").prefetch_related(
        valid_certificates_prefetch(as_of), "photos"
    )


def certificates_covering(product: Product) -> list[Certificate]:
    """The valid certificates (prefetched) that cover `product`: its own and MSME-wide ones."""
    found = []
    for certificate in getattr(product.msme, "valid_certs", ()):
        covered = {p.pk for p in certificate.products.all()}
        if not covered or product.pk in covered:
            found.append(certificate)
    return found


def first_photo(product: Product) -> Any:
    """The product's first photo (prefetched), or None."""
    photos: Iterable[Any] = product.photos.all()
    return next(iter(photos), None)


# --- Language --------------------------------------------------------------------------------

_SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def request_language(request: HttpRequest) -> str:
    """The language to show product texts in for this request.

    A choice made for this request wins (the language switcher's cookie, then an explicit
    Accept-Language header, which LocaleMiddleware has already activated); otherwise the
    signed-in user's preferred language; otherwise the site default.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in _SUPPORTED:
        return chosen
    if "HTTP_ACCEPT_LANGUAGE" in request.META:
        active = (translation.get_language() or "")[:2]
        if active in _SUPPORTED:
            return active
    preferred = getattr(getattr(request, "user", None), "preferred_language", "")
    if preferred in _SUPPORTED:
        return str(preferred)
    return str(settings.LANGUAGE_CODE)


# --- Keeping the SQLite index in step ------------------------------------------------------

_SQLITE_TRIGGERS = ("exporters_product_fts_ai", "exporters_product_fts_ad")


def ensure_search_index(*, using: Any = None) -> bool:
    """Re-create the SQLite triggers and rebuild the index if a migration dropped them.

    SQLite migrations that alter exporters_product copy it into a new table and drop the
    old one, and its triggers go with it. Call this after migrate (post_migrate). Returns
    whether anything had to be repaired.
    """
    conn = using or default_connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name LIKE 'exporters_product_fts%'"
        )
        present = {row[0] for row in cursor.fetchall()}
    if FTS_TABLE not in present:  # migration 0002 not applied (yet)
        return False
    if all(name in present for name in (*_SQLITE_TRIGGERS, "exporters_product_fts_au")):
        return False
    from importlib import import_module

    migration = import_module("serumpun.exporters.migrations.0002_catalogue_search")
    with conn.cursor() as cursor:
        for statement in migration.SQLITE_FORWARD[1:4]:
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"  # noqa: S608
        )
        cursor.execute(migration.SQLITE_FORWARD[4])
    return True
