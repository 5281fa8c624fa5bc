"""The catalogue's full-text index over Product.search_text (issue 3 §7, "Performance").

SQLite: an FTS5 external-content table kept in step by triggers, so bulk_create, queryset
update() and imports need nothing special. PostgreSQL: a GIN index on the same tsvector
expression serumpun.exporters.search queries with. The 'simple' configuration (no stemming)
because the text mixes Indonesian, English and Malay; search_text is already lower-cased and
accent-free (rules/search_text.py).

The indexed text is search_text, or - while it is still empty (a row written before the
search text was built) - the three names and the HS code, so such a product is still found
by its name. The SQL for both lives in serumpun.exporters.search and the migration copies it
here (a migration must not change when the code does later).
"""

from django.db import migrations

SQLITE_TEXT = (
    "CASE WHEN {row}.search_text <> '' THEN {row}.search_text "
    "ELSE {row}.name_id || ' ' || {row}.name_en || ' ' || {row}.name_ms "
    "|| ' ' || {row}.hs_code_id END"
)
NEW = SQLITE_TEXT.format(row="new")
OLD = SQLITE_TEXT.format(row="old")

# 'prefix' keeps 2- and 3-character prefix indexes so "ko*" / "kop*" stay cheap.
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS exporters_product_fts USING fts5(
        search_text,
        content='exporters_product',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_ai AFTER INSERT ON exporters_product
    BEGIN
        INSERT INTO exporters_product_fts(rowid, search_text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_ad AFTER DELETE ON exporters_product
    BEGIN
        INSERT INTO exporters_product_fts(exporters_product_fts, rowid, search_text)
        VALUES ('delete', old.id, {OLD});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_product_fts_au AFTER UPDATE ON exporters_product
    WHEN ({OLD}) IS NOT ({NEW}) OR old.id <> new.id
    BEGIN
        INSERT INTO exporters_product_fts(exporters_product_fts, rowid, search_text)
        VALUES ('delete', old.id, {OLD});
        INSERT INTO exporters_product_fts(rowid, search_text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    # Rows that existed before this migration.
    f"""
    INSERT INTO exporters_product_fts(rowid, search_text)
    SELECT id, {SQLITE_TEXT.format(row="exporters_product")} FROM exporters_product
    """,  # noqa: S608 (constant SQL, no user input)
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS exporters_product_fts_ai",
    "DROP TRIGGER IF EXISTS exporters_product_fts_ad",
    "DROP TRIGGER IF EXISTS exporters_product_fts_au",
    "DROP TABLE IF EXISTS exporters_product_fts",
]

POSTGRES_TEXT = (
    "COALESCE(NULLIF(search_text, ''), "
    "name_id || ' ' || name_en || ' ' || name_ms || ' ' || hs_code_id)"
)
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS exporters_product_search_gin ON exporters_product "
    f"USING gin (to_tsvector('simple', {POSTGRES_TEXT}))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS exporters_product_search_gin"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("exporters", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
