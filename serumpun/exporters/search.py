"""The buyer catalogue's queries: one full-text lookup answers the words and the filters.

Words match Product.search_text (names and descriptions in Indonesian, English and Malay, the
HS code and HS description; rules/search_text.py). Every word must match; the last one also
matches as a prefix ("kop" finds "kopi") because people type it unfinished. A product whose
search_text is still empty is indexed by its three names and HS code instead, so it is not lost.

The catalogue filters are words of the same index: Product.catalogue_tokens holds "zzlisted"
(active product of a verified MSME), "zzcerthalal"… (a valid certificate of that kind covers
it), "zzreg1801" and "zzhs0901"… (rules/catalogue_tokens.py; only listed products carry any).
A catalogue search is ONE match expression - the words AND the filter tokens, or the words AND
zzlisted when no filter is set - answered by the index of migration
0003 (SQLite FTS5 over `search text || ' ' || catalogue_tokens`, or a PostgreSQL GIN index on
the same tsvector): the count and the page's ids come straight from the index, and only the
page's products are loaded. `min_capacity_kg` is the exception: a number range is no word, so
it stays a SQL condition on the count and the page (a slower path that reads the rows).

Keeping the tokens true: refresh_catalogue_tokens() recomputes them for given products or
MSMEs, and every action that changes what they depend on calls it in its own transaction
(products, certificates and their products, MSME verification and regency, registry imports,
demo seeding). Certificates also lapse with the calendar: the daily task
(reminders.refresh_lapsed_certificates, enqueued by `manage.py run_daily_tasks`, which cron
runs at 00:05 Asia/Jakarta) refreshes the products of certificates that expired recently. The certificate filter is
therefore exact to the day of the last daily run: a certificate whose last valid day was
yesterday still counts until that morning's run (minutes after midnight; a day if a run is
missed). The certificates a result *shows* are always judged on today's date.

Query words are normalised exactly like search_text, words in the tokens' reserved namespace
are dropped, and the rest quoted, so no input can reach the FTS query syntax or pose as a
filter: quotes, `*`, `NEAR`, `-`, NUL and the like are punctuation and dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import (
    BooleanField,
    F,
    Func,
    Prefetch,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone, translation

from serumpun.exporters.models import MSME, Certificate, Product, Verification
from serumpun.exporters.rules.catalogue_tokens import (
    LISTED,
    CertificateFacts,
    ProductFacts,
    certificate_token,
    hs_token,
    regency_token,
    tokens_for,
    without_reserved,
)
from serumpun.exporters.rules.search_text import normalise

#: words of a query beyond this many are ignored (bounds the work one request can ask for)
MAX_QUERY_WORDS = 8
#: a last word shorter than this is matched whole, not as a prefix ("k*" would touch
#: nearly every term of the index)
MIN_PREFIX_LENGTH = 2

FTS_TABLE = "exporters_product_fts"
MSME_FTS_TABLE = "exporters_msme_fts"

# HS codes are written "0901.11" or "0901 11"; joined they are the one token search_text holds.
_DOTTED_CODE = re.compile(r"(?<=\d)[.\s](?=\d)")


def query_words(q: str) -> list[str]:
    """The words of a search query, normalised as search_text is (at most MAX_QUERY_WORDS)."""
    words = normalise(_DOTTED_CODE.sub("", q or ""))[:500].split()
    return without_reserved(words)[:MAX_QUERY_WORDS]


def _terms(words: list[str], tokens: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """Each term with whether it matches as a prefix (the last word, if long enough)."""
    last = len(words) - 1
    prefixed = [
        (word, index == last and len(word) >= MIN_PREFIX_LENGTH)
        for index, word in enumerate(words)
    ]
    return prefixed + [(token, False) for token in tokens]


def fts5_match(words: list[str], tokens: Sequence[str] = ()) -> str:
    """An FTS5 MATCH expression requiring every word and token: `"kopi" "robus"* "zzlisted"`.

    Words are already [0-9a-z]+ (see query_words); quoting them anyway keeps FTS keywords
    (AND, OR, NOT, NEAR) and column filters out of reach.
    """
    return " ".join(
        f'"{term}"*' if prefix else f'"{term}"'
        for term, prefix in _terms(words, tokens)
    )


def pg_tsquery(words: list[str], tokens: Sequence[str] = ()) -> str:
    """A PostgreSQL tsquery requiring every word and token: `'kopi' & 'robus':* & 'zzlisted'`."""
    return " & ".join(
        f"'{term}':*" if prefix else f"'{term}'"
        for term, prefix in _terms(words, tokens)
    )


class _TsMatch(Func):
    """`to_tsvector('simple', <indexed text>) @@ to_tsquery('simple', %s)` on PostgreSQL.

    The text expression must be the one migration 0003 indexes, or PostgreSQL cannot use the
    GIN index; columns are compiled by Django so table aliases in subqueries stay right.
    """

    output_field = BooleanField()
    template = (
        "to_tsvector('simple', COALESCE(NULLIF(%(search_text)s, ''), "
        "%(name_id)s || ' ' || %(name_en)s || ' ' || %(name_ms)s || ' ' || %(hs)s) "
        "|| ' ' || %(tokens)s) "
        "@@ to_tsquery('simple', %(query)s)"
    )
    names = ("search_text", "name_id", "name_en", "name_ms", "hs", "tokens", "query")

    def __init__(self, tsquery: str) -> None:
        super().__init__(
            F("search_text"),
            F("name_id"),
            F("name_en"),
            F("name_ms"),
            F("hs_code_id"),
            F("catalogue_tokens"),
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


def _vendor(using: Any) -> str:
    vendor = str((using or default_connection).vendor)
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"no catalogue full-text search on {vendor}")
    return vendor


def _fts5_ids(match: str) -> RawSQL:
    return RawSQL(  # noqa: S611 (the match expression is a parameter)
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [match],
    )


def _matching(
    qs: QuerySet[Product], words: list[str], tokens: Sequence[str], vendor: str
) -> QuerySet[Product]:
    if vendor == "postgresql":
        return qs.filter(_TsMatch(pg_tsquery(words, tokens)))
    return qs.filter(pk__in=_fts5_ids(fts5_match(words, tokens)))


def search_products(
    qs: QuerySet[Product], q: str, *, using: Any = None
) -> QuerySet[Product]:
    """Restrict a Product queryset to rows containing every word of `q` (no words: unchanged).

    Words only, no catalogue filter; for the catalogue use search_catalogue.
    """
    words = query_words(q)
    if not words:
        return qs
    return _matching(qs, words, (), _vendor(using))


class _MsmeTsMatch(Func):
    """The PostgreSQL match over the registry text migration 0004 indexes."""

    output_field = BooleanField()
    template = "to_tsvector('simple', %(expressions)s) @@ to_tsquery('simple', %%s)"

    def __init__(self, tsquery: str) -> None:
        self.tsquery = tsquery
        super().__init__(
            F("name"),
            Value(" "),
            F("brand_name"),
            Value(" "),
            F("owner_name"),
            Value(" "),
            F("nib"),
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
        sql, params = super().as_sql(
            compiler, connection, arg_joiner=" || ", **extra_context
        )
        return sql, [*params, self.tsquery]


def search_msmes(qs: QuerySet[MSME], q: str, *, using: Any = None) -> QuerySet[MSME]:
    """Restrict an MSME queryset to rows whose name, brand, owner or NIB hold every word of
    `q` (the last word as a prefix); no words: unchanged. Uses migration 0004's index."""
    words = query_words(q)
    if not words:
        return qs
    if _vendor(using) == "postgresql":
        return qs.filter(_MsmeTsMatch(pg_tsquery(words)))
    return qs.filter(
        pk__in=RawSQL(  # noqa: S611 (the match expression is a parameter)
            f"SELECT rowid FROM {MSME_FTS_TABLE} WHERE {MSME_FTS_TABLE} MATCH %s",  # noqa: S608
            [fts5_match(words)],
        )
    )


# --- The catalogue ---------------------------------------------------------------------------


def catalogue_tokens_wanted(
    *, hs: str = "", regency_code: str = "", certificate: str = ""
) -> list[str]:
    """The tokens a catalogue search requires: one per filter set, or else `zzlisted`.

    Only listed products carry filter tokens (rules/catalogue_tokens.py), so with a filter
    `zzlisted` is implied and left out: it is the densest list of the index.
    """
    tokens = []
    if certificate:
        tokens.append(certificate_token(certificate))
    if regency_code:
        tokens.append(regency_token(regency_code))
    if hs:
        tokens.append(hs_token(hs))
    return tokens or [LISTED]


Loader = Callable[[QuerySet[Product]], list[Any]]


class CatalogueResults:
    """Catalogue products matching a search, newest first; sliced and counted like a queryset.

    Paginators (Django's, django-ninja's) call count() once and slice one page: on SQLite
    both are single FTS5 statements that never read a product row (`load` then turns the
    page's products, a queryset filtered by id and ordered, into items); on PostgreSQL both
    are GIN index scans. With `min_capacity_kg` the match becomes a subquery of a SQL
    filter on the products.
    """

    def __init__(
        self,
        *,
        words: list[str],
        tokens: Sequence[str],
        min_capacity_kg: Decimal | None = None,
        load: Loader = list,
        using: Any = None,
    ) -> None:
        self.words = words
        self.tokens = list(tokens)
        self.min_capacity_kg = min_capacity_kg
        self.load = load
        self.connection = using or default_connection
        self.vendor = _vendor(self.connection)
        self._count: int | None = None

    @property
    def _index_only(self) -> bool:
        return self.vendor == "sqlite" and self.min_capacity_kg is None

    def queryset(self) -> QuerySet[Product]:
        """Every match as a queryset (the SQL path: PostgreSQL, or a capacity filter)."""
        products = _matching(
            Product.objects.all(), self.words, self.tokens, self.vendor
        )
        if self.min_capacity_kg is not None:
            products = products.filter(monthly_capacity_kg__gte=self.min_capacity_kg)
        return products

    def all(self) -> CatalogueResults:
        return self

    def count(self) -> int:
        """How many products match (one query, remembered)."""
        if self._count is None:
            if self._index_only:
                with self.connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT count(*) FROM {FTS_TABLE} "  # noqa: S608
                        f"WHERE {FTS_TABLE} MATCH %s",
                        [fts5_match(self.words, self.tokens)],
                    )
                    self._count = int(cursor.fetchone()[0])
            else:
                self._count = self.queryset().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        """One page of products, newest first, as `load` makes them (its queries only)."""
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("catalogue results are read a page (a slice) at a time")
        start = max(index.start or 0, 0)
        stop = index.stop
        if stop is not None and stop <= start:
            return []
        if self._index_only:
            limit = -1 if stop is None else stop - start  # -1: no limit in SQLite
            page_ids = RawSQL(  # noqa: S611 (every value is a parameter)
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                "ORDER BY rowid DESC LIMIT %s OFFSET %s",
                [fts5_match(self.words, self.tokens), limit, start],
            )
            return self.load(Product.objects.filter(pk__in=page_ids).order_by("-id"))
        return self.load(self.queryset().order_by("-id")[start:stop])


def search_catalogue(
    *,
    q: str = "",
    hs: str = "",
    regency_code: str = "",
    certificate: str = "",
    min_capacity_kg: Decimal | None = None,
    load: Loader = list,
    using: Any = None,
) -> CatalogueResults:
    """Active products of verified MSMEs matching every word and filter, newest first.

    `certificate`: a certificate of that kind, valid (as of the last token refresh, see the
    module docstring) and not rejected, covers the product or its whole MSME. `hs`: a
    chapter, heading or subheading. `load` turns one page's queryset into items.
    """
    return CatalogueResults(
        words=query_words(q),
        tokens=catalogue_tokens_wanted(
            hs=hs, regency_code=regency_code, certificate=certificate
        ),
        min_capacity_kg=min_capacity_kg,
        load=load,
        using=using,
    )


def certificates_covering_rows(
    products: Iterable[tuple[int, int]], as_of: dt.date
) -> dict[int, list[tuple[str, dt.date]]]:
    """(kind, valid_until) of the certificates valid on `as_of` covering each product.

    `products` are (product id, MSME id) pairs; a certificate listing no products covers its
    whole MSME. One query (each certificate with its product links, as plain values): the
    API's hot path, where model instances and a prefetch would cost more than the data.
    """
    pairs = list(products)
    rows = (
        Certificate.objects.valid_on(as_of)
        .filter(msme_id__in={msme_id for _product_id, msme_id in pairs})
        .order_by("kind", "valid_until", "pk")
        .values_list("pk", "msme_id", "kind", "valid_until", "products")
    )
    by_msme: dict[int, dict[int, tuple[str, dt.date, set[int]]]] = {}
    for pk, msme_id, kind, valid_until, product_id in rows:
        _kind, _until, covered = by_msme.setdefault(msme_id, {}).setdefault(
            pk, (kind, valid_until, set())
        )
        if product_id is not None:
            covered.add(product_id)
    return {
        product_id: [
            (kind, valid_until)
            for kind, valid_until, covered in by_msme.get(msme_id, {}).values()
            if not covered or product_id in covered
        ]
        for product_id, msme_id in pairs
    }


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


# --- Keeping the catalogue tokens true -------------------------------------------------------

#: products (or MSMEs) handled per round of queries: below every database's parameter limit
REFRESH_CHUNK = 2_000


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def refresh_catalogue_tokens(
    product_ids: Iterable[int] | None = None,
    *,
    msme_ids: Iterable[int] | None = None,
    as_of: dt.date | None = None,
) -> int:
    """Recompute Product.catalogue_tokens; returns how many products changed.

    For `product_ids`, the products of `msme_ids`, both, or (neither given) every product.
    Each round of up to REFRESH_CHUNK products costs three reads (products with their MSME,
    the MSMEs' valid certificates, those certificates' products) and one UPDATE per distinct
    new token string, whatever the number of products; unchanged rows are not written.
    Product rows are locked first (PostgreSQL) so two transactions refreshing the same
    products cannot both write what they read before the other committed.
    """
    day = as_of or timezone.localdate()
    changed = 0
    with transaction.atomic():
        if product_ids is None and msme_ids is None:
            everything = Product.objects.order_by("pk").values_list("pk", flat=True)
            for chunk in _chunks(list(everything), REFRESH_CHUNK):
                changed += _refresh(Product.objects.filter(pk__in=chunk), day)
            return changed
        if product_ids is not None:
            for chunk in _chunks(sorted(set(product_ids)), REFRESH_CHUNK):
                changed += _refresh(Product.objects.filter(pk__in=chunk), day)
        if msme_ids is not None:
            for chunk in _chunks(sorted(set(msme_ids)), REFRESH_CHUNK // 4):
                changed += _refresh(Product.objects.filter(msme_id__in=chunk), day)
    return changed


def _refresh(products: QuerySet[Product], as_of: dt.date) -> int:
    rows = list(
        products.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "msme_id",
            "is_active",
            "msme__verification",
            "msme__regency_id",
            "hs_code_id",
            "catalogue_tokens",
        )
    )
    if not rows:
        return 0
    msme_ids = sorted({row[1] for row in rows})
    valid = Certificate.objects.valid_on(as_of).filter(msme_id__in=msme_ids)
    certificates = list(
        valid.values_list("pk", "msme_id", "kind", "valid_until", "verification")
    )
    covered: dict[int, set[int]] = {}
    if certificates:
        through = Certificate.products.through
        for certificate_id, product_id in through.objects.filter(
            certificate__in=valid.values("pk")
        ).values_list("certificate_id", "product_id"):
            covered.setdefault(certificate_id, set()).add(product_id)
    by_msme: dict[int, list[CertificateFacts]] = {}
    for pk, msme_id, kind, valid_until, verification in certificates:
        by_msme.setdefault(msme_id, []).append(
            CertificateFacts(
                kind=kind,
                valid_until=valid_until,
                rejected=verification == Verification.REJECTED,
                product_ids=frozenset(covered.get(pk, ())),
            )
        )
    updates: dict[str, list[int]] = {}
    for pk, msme_id, active, verification, regency, hs, current in rows:
        facts = ProductFacts(
            product_id=pk,
            active=active,
            msme_verified=verification == Verification.VERIFIED,
            regency_code=regency,
            hs_code=hs,
        )
        tokens = tokens_for(facts, by_msme.get(msme_id, ()), as_of=as_of)
        if tokens != current:
            updates.setdefault(tokens, []).append(pk)
    for tokens, pks in updates.items():
        Product.objects.filter(pk__in=pks).update(catalogue_tokens=tokens)
    return sum(len(pks) for pks in updates.values())


def refresh_lapsed_certificate_tokens(
    as_of: dt.date, *, lookback_days: int | None = None
) -> int:
    """Drop certificate tokens that lapsed with the calendar; returns how many products changed.

    Refreshes the products of every MSME holding a certificate whose last valid day lies in
    the `lookback_days` before `as_of` (settings.SERUMPUN_CATALOGUE_LAPSE_LOOKBACK_DAYS,
    default 7): once a day is enough, and a week's look back covers missed runs. Products
    already right are not written, so running it twice changes nothing.
    """
    days = lookback_days or int(
        getattr(settings, "SERUMPUN_CATALOGUE_LAPSE_LOOKBACK_DAYS", 7)
    )
    lapsed = Certificate.objects.filter(
        valid_until__lt=as_of, valid_until__gte=as_of - dt.timedelta(days=days)
    )
    msme_ids = set(lapsed.values_list("msme_id", flat=True))
    return refresh_catalogue_tokens(msme_ids=msme_ids, as_of=as_of) if msme_ids else 0


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

#: each SQLite full-text table, its triggers and the migration whose SQL creates them
_SQLITE_INDEXES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        FTS_TABLE,
        (
            "exporters_product_fts_ai",
            "exporters_product_fts_ad",
            "exporters_product_fts_au",
        ),
        "serumpun.exporters.migrations.0003_catalogue_tokens",
    ),
    (
        MSME_FTS_TABLE,
        ("exporters_msme_fts_ai", "exporters_msme_fts_ad", "exporters_msme_fts_au"),
        "serumpun.exporters.migrations.0004_registry_search",
    ),
)


def ensure_search_index(*, using: Any = None, **_signal: Any) -> bool:
    """Re-create the SQLite triggers and rebuild an index if a migration dropped them.

    SQLite migrations that alter exporters_product or exporters_msme copy the table into a
    new one and drop the old one, and its triggers go with it. Connected to post_migrate
    (apps.py); returns whether anything had to be repaired.
    """
    from importlib import import_module

    from django.db import connections

    conn = connections[using] if isinstance(using, str) else using or default_connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name LIKE 'exporters_%_fts%'"
        )
        present = dict(cursor.fetchall())
    repaired = False
    for table, triggers, migration_path in _SQLITE_INDEXES:
        if "content=''" not in (
            present.get(table) or ""
        ):  # migration not applied (yet)
            continue
        if all(name in present for name in triggers):
            continue
        migration = import_module(migration_path)
        with conn.cursor() as cursor:
            for statement in migration.SQLITE_FORWARD[1:4]:
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {table}({table}) VALUES ('delete-all')"  # noqa: S608
            )
            cursor.execute(migration.SQLITE_FORWARD[4])
        repaired = True
    return repaired
