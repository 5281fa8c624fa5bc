"""Catalogue filters inside the full-text index (issue 3 "Performance").

Adds Product.catalogue_tokens ("zzlisted zzcerthalal zzreg1801 zzhs0901 …", see
rules/catalogue_tokens.py) and re-creates the index of migration 0002 over
`<search text> || ' ' || catalogue_tokens`, so one index lookup answers a buyer's words and
filters together instead of checking every word match against products, MSMEs and
certificates afterwards.

SQLite: a contentless FTS5 table (`content=''`: we never read text back from it) kept in step
by triggers that insert the concatenated text and delete it with the 'delete' command and the
old row's text. `detail=none` keeps only which rows hold a term - the queries are single
words and prefixes, never phrases or NEAR - so the lists the count walks are small.
PostgreSQL: the GIN index of 0002 re-created over the new expression.

The SQL is copied here from serumpun.exporters.search (a migration must not change when the
code does later); search.ensure_search_index re-creates the triggers after migrations that
rebuild exporters_product on SQLite.
"""

from django.db import migrations, models

SQLITE_TEXT = (
    "(CASE WHEN {row}.search_text <> '' THEN {row}.search_text "
    "ELSE {row}.name_id || ' ' || {row}.name_en || ' ' || {row}.name_ms "
    "|| ' ' || {row}.hs_code_id END) || ' ' || {row}.catalogue_tokens"
)
NEW = SQLITE_TEXT.format(row="new")
OLD = SQLITE_TEXT.format(row="old")

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS exporters_product_fts_ai",
    "DROP TRIGGER IF EXISTS exporters_product_fts_ad",
    "DROP TRIGGER IF EXISTS exporters_product_fts_au",
    "DROP TABLE IF EXISTS exporters_product_fts",
]
# 'prefix' keeps indexes of every word's first 2 to 8 characters, so an unfinished last word
# ("kop*", "robus*") reads one list like a whole word does; without them FTS5 merges the lists
# of every word with that prefix first (5x slower at 500k products). Longer prefixes still
# work, by that slower merge.
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS exporters_product_fts USING fts5(
        text,
        content='',
        columnsize=0,
        detail=none,
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4 5 6 7 8'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_ai AFTER INSERT ON exporters_product
    BEGIN
        INSERT INTO exporters_product_fts(rowid, text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_ad AFTER DELETE ON exporters_product
    BEGIN
        INSERT INTO exporters_product_fts(exporters_product_fts, rowid, text)
        VALUES ('delete', old.id, {OLD});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_au AFTER UPDATE ON exporters_product
    WHEN ({OLD}) IS NOT ({NEW}) OR old.id <> new.id
    BEGIN
        INSERT INTO exporters_product_fts(exporters_product_fts, rowid, text)
        VALUES ('delete', old.id, {OLD});
        INSERT INTO exporters_product_fts(rowid, text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    # Rows that existed before this migration.
    f"""
    INSERT INTO exporters_product_fts(rowid, text)
    SELECT id, {SQLITE_TEXT.format(row="exporters_product")} FROM exporters_product
    """,  # noqa: S608 (constant SQL, no user input)
]

POSTGRES_TEXT = (
    "COALESCE(NULLIF(search_text, ''), "
    "name_id || ' ' || name_en || ' ' || name_ms || ' ' || hs_code_id) "
    "|| ' ' || catalogue_tokens"
)
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS exporters_product_search_gin",
    "CREATE INDEX IF NOT EXISTS exporters_product_search_gin ON exporters_product "
    f"USING gin (to_tsvector('simple', {POSTGRES_TEXT}))",
]

CHUNK = 2_000
HS_LEVELS = (2, 4, 6)


def _tokens(product, certificates, links, as_of):
    """rules/catalogue_tokens.tokens_for as it stood when this migration was written."""
    verified = product["msme__verification"] == "verified"
    if not (product["is_active"] and verified):
        return ""
    tokens = ["zzlisted"]
    kinds = set()
    for cert_id, kind, valid_until, rejected in certificates.get(
        product["msme_id"], ()
    ):
        covered = links.get(cert_id)
        in_scope = not covered or product["id"] in covered
        if in_scope and not rejected and valid_until >= as_of:
            kinds.add(kind)
    tokens += ["zzcert" + "".join(c for c in k if c.isalnum()) for k in sorted(kinds)]
    tokens.append(f"zzreg{product['msme__regency_id']}")
    code = product["hs_code_id"] or ""
    tokens += [f"zzhs{code[:n]}" for n in HS_LEVELS if len(code) >= n]
    return " ".join(tokens)


def fill_tokens(apps, schema_editor):
    """Compute every existing product's tokens (the index triggers pick them up)."""
    from django.utils import timezone

    product_model = apps.get_model("exporters", "Product")
    certificate_model = apps.get_model("exporters", "Certificate")
    db = schema_editor.connection.alias
    as_of = timezone.localdate()
    ids = list(
        product_model.objects.using(db).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        rows = list(
            product_model.objects.using(db)
            .filter(pk__in=ids[start : start + CHUNK])
            .values(
                "id",
                "msme_id",
                "is_active",
                "hs_code_id",
                "msme__verification",
                "msme__regency_id",
            )
        )
        msme_ids = {row["msme_id"] for row in rows}
        certificates: dict[int, list] = {}
        for cert in (
            certificate_model.objects.using(db)
            .filter(msme_id__in=msme_ids, valid_until__gte=as_of)
            .values_list("id", "msme_id", "kind", "valid_until", "verification")
        ):
            cert_id, msme_id, kind, valid_until, verification = cert
            certificates.setdefault(msme_id, []).append(
                (cert_id, kind, valid_until, verification == "rejected")
            )
        through = certificate_model.products.through
        links: dict[int, set[int]] = {}
        for cert_id, product_id in (
            through.objects.using(db)
            .filter(certificate__msme_id__in=msme_ids)
            .values_list("certificate_id", "product_id")
        ):
            links.setdefault(cert_id, set()).add(product_id)
        by_value: dict[str, list[int]] = {}
        for row in rows:
            by_value.setdefault(_tokens(row, certificates, links, as_of), []).append(
                row["id"]
            )
        for value, pks in by_value.items():
            product_model.objects.using(db).filter(pk__in=pks).update(
                catalogue_tokens=value
            )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in (*SQLITE_DROP, *SQLITE_FORWARD):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    fill_tokens(apps, schema_editor)


def backward(apps, schema_editor):
    from importlib import import_module

    previous = import_module("serumpun.exporters.migrations.0002_catalogue_search")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*SQLITE_DROP, *previous.SQLITE_FORWARD]
    elif vendor == "postgresql":
        statements = [
            "DROP INDEX IF EXISTS exporters_product_search_gin",
            *previous.POSTGRES_FORWARD,
        ]
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("exporters", "0002_catalogue_search")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="catalogue_tokens",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
