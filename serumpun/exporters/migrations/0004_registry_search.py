"""A full-text index over the registry's names (issue 3 §5): legal name, brand, owner, NIB.

The officer's registry search finds every word (the last as a prefix) through an index instead
of scanning `name LIKE '%…%'` across a province's 156,000 MSMEs.

SQLite: a contentless FTS5 table kept in step by triggers (as 0003 does for products).
PostgreSQL: a GIN index over `to_tsvector('simple', <the same text>)`; search.search_msmes
uses the same expression. The SQL is copied from serumpun.exporters.search on purpose.
"""

from django.db import migrations

TEXT = (
    "{row}.name || ' ' || {row}.brand_name || ' ' || {row}.owner_name "
    "|| ' ' || {row}.nib"
)
NEW = TEXT.format(row="new")
OLD = TEXT.format(row="old")

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS exporters_msme_fts USING fts5(
        text,
        content='',
        columnsize=0,
        detail=none,
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4 5 6'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_msme_fts_ai AFTER INSERT ON exporters_msme
    BEGIN
        INSERT INTO exporters_msme_fts(rowid, text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_msme_fts_ad AFTER DELETE ON exporters_msme
    BEGIN
        INSERT INTO exporters_msme_fts(exporters_msme_fts, rowid, text)
        VALUES ('delete', old.id, {OLD});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    CREATE TRIGGER IF NOT EXISTS exporters_msme_fts_au AFTER UPDATE ON exporters_msme
    WHEN ({OLD}) IS NOT ({NEW}) OR old.id <> new.id
    BEGIN
        INSERT INTO exporters_msme_fts(exporters_msme_fts, rowid, text)
        VALUES ('delete', old.id, {OLD});
        INSERT INTO exporters_msme_fts(rowid, text) VALUES (new.id, {NEW});
    END
    """,  # noqa: S608 (constant SQL, no user input)
    f"""
    INSERT INTO exporters_msme_fts(rowid, text)
    SELECT id, {TEXT.format(row="exporters_msme")} FROM exporters_msme
    """,  # noqa: S608 (constant SQL, no user input)
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS exporters_msme_fts_ai",
    "DROP TRIGGER IF EXISTS exporters_msme_fts_ad",
    "DROP TRIGGER IF EXISTS exporters_msme_fts_au",
    "DROP TABLE IF EXISTS exporters_msme_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS exporters_msme_search_gin ON exporters_msme USING gin "
    "(to_tsvector('simple', name || ' ' || brand_name || ' ' || owner_name "
    "|| ' ' || nib))"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS exporters_msme_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("exporters", "0003_catalogue_tokens")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
