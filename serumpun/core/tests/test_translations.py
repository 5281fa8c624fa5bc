"""Every user-facing message is translated into Indonesian, English and Malay.

The catalogues under locale/ are committed (`make messages` refreshes them). These tests fail
when a source string has no entry in a catalogue, when an entry is empty or fuzzy, or when a
compiled .mo file is older than its .po.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("id", "en", "ms")
SOURCES = ("config", "serumpun", "templates", "manage.py")


def _catalog_path(root: Path, lang: str) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / "django.po"


def _read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_entry_is_translated(lang):
    catalog = _read(_catalog_path(ROOT, lang))
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if m.pluralizable else m.string))
    ]
    assert untranslated == [], (
        f"{lang}: {len(untranslated)} untranslated: {untranslated[:20]}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang):
    po_path = _catalog_path(ROOT, lang)
    with po_path.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        m.id
        for m in _read(po_path)
        if m.id
        and not m.pluralizable
        and not m.context
        and compiled.gettext(m.id) != m.string
    ]
    assert stale == [], f"{lang}: .mo is stale, run `make messages`: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_no_source_string_is_missing_from_the_catalogues(tmp_path):
    for name in (*SOURCES, "locale"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(
                src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(src, tmp_path / name)
    env = {**os.environ, "SERUMPUN_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--ignore=tests"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    committed = {m.id for m in _read(_catalog_path(ROOT, "id")) if m.id}
    extracted = {m.id for m in _read(_catalog_path(tmp_path, "id")) if m.id}
    missing = sorted(str(i) for i in extracted - committed)
    assert missing == [], f"run `make messages` and translate: {missing[:20]}"
