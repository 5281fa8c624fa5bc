"""Reference data: idempotent loaders for the files in data/ and pycountry, and HS search.

Each dataset is loaded with one bulk upsert inside a transaction. The SHA-256 of its source
files is stored in ReferenceDataset, so an unchanged dataset is skipped; `force` reloads it.
Rows that disappear from a file are not deleted (other records may point at them).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import importlib.metadata
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Case, ProtectedError, Q, QuerySet, Value, When
from django.utils.module_loading import autodiscover_modules
from rapidfuzz import fuzz, process

from serumpun.core.models import (
    Country,
    Currency,
    District,
    HSCode,
    Occupation,
    Port,
    Province,
    ReferenceDataset,
    Regency,
    Subdivision,
)

DATA_DIR = Path(settings.DATA_DIR)
PYCOUNTRY_DIR = Path(pycountry.DATABASE_DIR)

#: BPS/Kemendagri code of Lampung province; its regencies open with these digits
LAMPUNG_PROVINCE_CODE = "18"

#: HS levels are the code lengths: chapter, heading, subheading
HS_LEVELS = (2, 4, 6)
#: statistical codes in the HS file that are not goods a product can be classified under
NOT_HS_CODES = frozenset({"999999"})
SUBHEADING = 6

# Bump when a loader's transformation changes, so unchanged files are reloaded anyway.
LOADER_VERSION = "3"

# rapidfuzz ratio (0–100) a typo must reach to be corrected: "kopii"→"kopi" scores 89,
# "lda"→"lada" 86, while unrelated short words stay below 75.
FUZZY_MIN_SCORE = 80
FUZZY_MIN_WORD_LENGTH = 3

#: Malaysia's ISO 3166-1 code; its subdivision types are stored lower-cased
#: ("state", "federal territory")
MALAYSIA = "MY"

# Words kept as written when title-casing BPS names (acronyms, conjunctions).
UPPER_WORDS = frozenset({"DKI", "DI"})
LOWER_WORDS = frozenset({"DAN"})


# --- Text helpers -----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces, for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def title_name(raw: str) -> str:
    """A BPS upper-case name in title case ("PANGKAJENE DAN KEPULAUAN", "B A T A M")."""
    words = raw.split()
    if len(words) > 1 and all(len(word) == 1 for word in words):
        words = ["".join(words)]  # letter-spaced names in the BPS file
    out: list[str] = []
    for index, word in enumerate(words):
        if word in UPPER_WORDS:
            out.append(word)
        elif word in LOWER_WORDS and index > 0:
            out.append(word.lower())
        else:
            out.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(out)


def regency_name_and_kind(raw: str) -> tuple[str, str]:
    """Name and kind of a BPS regency: "Lampung Barat" (kabupaten), "Kota Metro" (kota)."""
    prefix, _, rest = raw.strip().partition(" ")
    if prefix == "KABUPATEN":
        return title_name(rest), Regency.Kind.REGENCY
    if prefix == "KOTA":
        return f"Kota {title_name(rest)}", Regency.Kind.CITY
    raise ValueError(f"regency name without KABUPATEN/KOTA prefix: {raw!r}")


def _split_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(";") if name.strip()]


def _read_csv(
    path: Path, fieldnames: list[str] | None = None
) -> Iterator[dict[str, str]]:
    # utf-8-sig: sections.csv and spreadsheet exports open with a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle, fieldnames=fieldnames)


# --- Datasets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """One reference dataset: its source files, a loader and a human source note."""

    name: str
    files: tuple[Path, ...]
    load: Callable[[str], int]
    source: str

    def checksum(self) -> str:
        """SHA-256 over the loader version and every source file's name and bytes."""
        digest = hashlib.sha256(f"{self.name}:{LOADER_VERSION}".encode())
        for path in self.files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def _upsert(
    model: type[models.Model],
    rows: list[Any],
    *,
    using: str,
    unique_fields: list[str],
    update_fields: list[str],
) -> int:
    model._default_manager.using(using).bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    return len(rows)


def load_countries(using: str = DEFAULT_DB_ALIAS) -> int:
    """ISO 3166-1 countries from pycountry (common name where ISO's is awkward)."""
    rows = [
        Country(
            alpha2=country.alpha_2,
            alpha3=country.alpha_3,
            numeric=country.numeric,
            name=getattr(country, "common_name", None) or country.name,
        )
        for country in pycountry.countries
    ]
    return _upsert(
        Country,
        rows,
        using=using,
        unique_fields=["alpha2"],
        update_fields=["alpha3", "numeric", "name"],
    )


def load_currencies(using: str = DEFAULT_DB_ALIAS) -> int:
    """ISO 4217 currencies from pycountry."""
    rows = [
        Currency(code=cur.alpha_3, numeric=getattr(cur, "numeric", ""), name=cur.name)
        for cur in pycountry.currencies
    ]
    return _upsert(
        Currency,
        rows,
        using=using,
        unique_fields=["code"],
        update_fields=["numeric", "name"],
    )


def load_malaysian_subdivisions(using: str = DEFAULT_DB_ALIAS) -> int:
    """Malaysia's 13 states and 3 federal territories (ISO 3166-2:MY)."""
    subdivisions = pycountry.subdivisions.get(country_code=MALAYSIA)  # type: ignore[no-untyped-call]
    rows = [
        Subdivision(
            code=sub.code, country_id=MALAYSIA, name=sub.name, kind=sub.type.lower()
        )
        for sub in subdivisions or []
    ]
    return _upsert(
        Subdivision,
        rows,
        using=using,
        unique_fields=["code"],
        update_fields=["country", "name", "kind"],
    )


def load_provinces(using: str = DEFAULT_DB_ALIAS) -> int:
    """Indonesia's 34 provinces (BPS 2018)."""
    rows = [
        Province(code=row["code"], name=title_name(row["name"]))
        for row in _read_csv(DATA_DIR / "wilayah/provinces.csv", ["code", "name"])
    ]
    return _upsert(
        Province, rows, using=using, unique_fields=["code"], update_fields=["name"]
    )


def load_regencies(using: str = DEFAULT_DB_ALIAS) -> int:
    """Indonesia's 514 regencies and cities, with capitals and distances for Lampung's 15."""
    capitals = {
        row["regency_code"]: row
        for row in _read_csv(DATA_DIR / "wilayah/lampung-capitals.csv")
    }
    rows = []
    for row in _read_csv(
        DATA_DIR / "wilayah/regencies.csv", ["code", "province", "name"]
    ):
        name, kind = regency_name_and_kind(row["name"])
        capital = capitals.get(row["code"])
        rows.append(
            Regency(
                code=row["code"],
                province_id=row["province"],
                name=name,
                kind=kind,
                capital=capital["capital"] if capital else "",
                lat=float(capital["lat"]) if capital else None,
                lon=float(capital["lon"]) if capital else None,
                road_km_to_panjang=(
                    float(capital["road_km_to_panjang"]) if capital else None
                ),
            )
        )
    return _upsert(
        Regency,
        rows,
        using=using,
        unique_fields=["code"],
        update_fields=[
            "province",
            "name",
            "kind",
            "capital",
            "lat",
            "lon",
            "road_km_to_panjang",
        ],
    )


def load_districts(using: str = DEFAULT_DB_ALIAS) -> int:
    """Lampung's 228 districts (kecamatan), BPS seven-digit codes."""
    rows = [
        District(
            code=row["code"], regency_id=row["regency"], name=title_name(row["name"])
        )
        for row in _read_csv(
            DATA_DIR / "wilayah/districts-lampung.csv", ["code", "regency", "name"]
        )
    ]
    return _upsert(
        District,
        rows,
        using=using,
        unique_fields=["code"],
        update_fields=["regency", "name"],
    )


def hs_search_text(code: str, description: str, name_id: str) -> str:
    """The text HS search matches against: code, description and trade names, normalised.

    A function of the stored fields only, so serumpun.core.tasks.rebuild_hs_search_text
    writes exactly what the loader writes.
    """
    return normalise(f"{code} {description} {name_id}")


def load_hs(using: str = DEFAULT_DB_ALIAS) -> int:
    """HS 2022 chapters, headings and subheadings, with Indonesian/Malay trade names."""
    # Malay names follow the Indonesian ones in name_id, so buyers' words ("kerepek",
    # "ketam") find the same codes; dict.fromkeys drops repeats and keeps the order.
    names: dict[str, str] = {
        row["hs_code"]: ", ".join(
            dict.fromkeys(
                [*_split_names(row["names_id"]), *_split_names(row["names_ms"])]
            )
        )
        for row in _read_csv(DATA_DIR / "hs/names-id.csv")
    }
    rows = []
    for row in _read_csv(DATA_DIR / "hs/harmonized-system.csv"):
        code = row["hscode"]
        # The file also has a TOTAL row, a 999999 "not specified according to kind"
        # statistical code (not a real subheading) and may carry 8-digit extensions.
        if not code.isdigit() or len(code) not in HS_LEVELS or code in NOT_HS_CODES:
            continue
        name_id = names.get(code, "")
        rows.append(
            HSCode(
                code=code,
                level=len(code),
                parent_id=code[:-2] or None,
                section=row["section"],
                description=row["description"],
                name_id=name_id,
                search_text=hs_search_text(code, row["description"], name_id),
            )
        )
    # Parents sort before their children, so each batch's foreign keys already exist.
    rows.sort(key=lambda hs: hs.code)
    with contextlib.suppress(
        ProtectedError
    ):  # loaded by an older loader and already used
        HSCode.objects.using(using).filter(code__in=NOT_HS_CODES).delete()
    return _upsert(
        HSCode,
        rows,
        using=using,
        unique_fields=["code"],
        update_fields=[
            "level",
            "parent",
            "section",
            "description",
            "name_id",
            "search_text",
        ],
    )


def load_ports(using: str = DEFAULT_DB_ALIAS) -> int:
    """Our seaports and airports of the corridor (data/ports.csv)."""
    rows = [
        Port(
            locode=row["locode"],
            name=row["name"],
            country_id=row["country"],
            kind=row["kind"],
            iata=row["iata"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            aliases=_split_names(row["aliases"]),
            international=row["international"].strip().lower() == "true",
            confidence=row["confidence"],
            notes=row["notes"],
        )
        for row in _read_csv(DATA_DIR / "ports.csv")
    ]
    return _upsert(
        Port,
        rows,
        using=using,
        unique_fields=["locode", "kind"],
        update_fields=[
            "name",
            "country",
            "iata",
            "lat",
            "lon",
            "aliases",
            "international",
            "confidence",
            "notes",
        ],
    )


def load_occupations(using: str = DEFAULT_DB_ALIAS) -> int:
    """ISCO-08 unit groups used by the labour module, in three languages."""
    fields = ["title_en", "title_id", "title_ms", "sector", "confidence"]
    rows = [
        Occupation(
            isco_code=row["isco_code"], **{field: row[field] for field in fields}
        )
        for row in _read_csv(DATA_DIR / "occupations.csv")
    ]
    return _upsert(
        Occupation,
        rows,
        using=using,
        unique_fields=["isco_code"],
        update_fields=fields,
    )


PYCOUNTRY = f"pycountry {importlib.metadata.version('pycountry')}"

#: in dependency order (countries before ports and states, provinces before regencies)
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "countries",
        (PYCOUNTRY_DIR / "iso3166-1.json",),
        load_countries,
        f"ISO 3166-1 via {PYCOUNTRY}",
    ),
    Dataset(
        "currencies",
        (PYCOUNTRY_DIR / "iso4217.json",),
        load_currencies,
        f"ISO 4217 via {PYCOUNTRY}",
    ),
    Dataset(
        "my_subdivisions",
        (PYCOUNTRY_DIR / "iso3166-2.json",),
        load_malaysian_subdivisions,
        f"ISO 3166-2:MY via {PYCOUNTRY}",
    ),
    Dataset(
        "provinces",
        (DATA_DIR / "wilayah/provinces.csv",),
        load_provinces,
        "data/wilayah/provinces.csv (BPS 2018, ODbL 1.0)",
    ),
    Dataset(
        "regencies",
        (
            DATA_DIR / "wilayah/regencies.csv",
            DATA_DIR / "wilayah/lampung-capitals.csv",
        ),
        load_regencies,
        "data/wilayah/regencies.csv (BPS 2018, ODbL 1.0) + lampung-capitals.csv",
    ),
    Dataset(
        "districts",
        (DATA_DIR / "wilayah/districts-lampung.csv",),
        load_districts,
        "data/wilayah/districts-lampung.csv (BPS 2018, ODbL 1.0)",
    ),
    Dataset(
        "hs",
        (DATA_DIR / "hs/harmonized-system.csv", DATA_DIR / "hs/names-id.csv"),
        load_hs,
        "data/hs/harmonized-system.csv (HS 2022, UN Comtrade, PDDL) + names-id.csv",
    ),
    Dataset(
        "ports",
        (DATA_DIR / "ports.csv",),
        load_ports,
        "data/ports.csv (research/logistics.md §2.1–2.2)",
    ),
    Dataset(
        "occupations",
        (DATA_DIR / "occupations.csv",),
        load_occupations,
        "data/occupations.csv (ISCO-08 + research/labour.md §3)",
    ),
)


#: datasets other apps add with `register_dataset` from their own reference.py
_APP_DATASETS: list[Dataset] = []


def register_dataset(dataset: Dataset) -> None:
    """Add an app's dataset (labour skills and courses…), loaded after core's. Idempotent."""
    if all(existing.name != dataset.name for existing in _APP_DATASETS):
        _APP_DATASETS.append(dataset)


def all_datasets() -> tuple[Dataset, ...]:
    """Core's datasets, then every app's (each app's reference.py registers its own)."""
    autodiscover_modules("reference")
    return DATASETS + tuple(_APP_DATASETS)


def load_dataset(
    dataset: Dataset, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> int | None:
    """Load one dataset; the number of rows written, or None when it was unchanged."""
    checksum = dataset.checksum()
    loaded = ReferenceDataset.objects.using(using).filter(name=dataset.name).first()
    if loaded is not None and loaded.checksum == checksum and not force:
        return None
    with transaction.atomic(using=using):
        rows = dataset.load(using)
        ReferenceDataset.objects.using(using).update_or_create(
            name=dataset.name,
            defaults={"checksum": checksum, "rows": rows, "source": dataset.source},
        )
    return rows


def load_all(*, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Load every dataset; rows written per dataset name (0 for an unchanged dataset)."""
    with transaction.atomic(using=using):
        return {
            dataset.name: load_dataset(dataset, force=force, using=using) or 0
            for dataset in all_datasets()
        }


# --- HS search --------------------------------------------------------------------------------


def _name_hit(phrase: str) -> Q:
    # name_id is "kopi, kopi bubuk, ..."; an exact hit is the phrase as one whole name.
    return (
        Q(name_id__iexact=phrase)
        | Q(name_id__istartswith=f"{phrase},")
        | Q(name_id__iendswith=f", {phrase}")
        | Q(name_id__icontains=f", {phrase},")
    )


def _filter_words(
    queryset: QuerySet[HSCode], codes: list[str], words: list[str]
) -> QuerySet[HSCode]:
    for code in codes:
        queryset = queryset.filter(code__startswith=code)
    for word in words:
        # Word-prefix match: "lada" finds "lada hitam" but not "salad"; "shrimp" finds shrimps.
        queryset = queryset.filter(
            Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
        )
    if not words:
        return queryset.order_by("-level", "code")
    phrase = " ".join(words)
    rank = Case(
        When(_name_hit(phrase), then=Value(0)),
        When(name_id__icontains=phrase, then=Value(1)),
        default=Value(2),
        output_field=models.IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", "-level", "code")


def _split_query(q: str) -> tuple[list[str], list[str]]:
    # "0901.11" is one code; cut codes longer than a subheading (national 8-digit lines).
    text = normalise(re.sub(r"(?<=\d)\.(?=\d)", "", q))
    codes = [token[:SUBHEADING] for token in text.split() if token.isdigit()]
    words = [token for token in text.split() if not token.isdigit()]
    return codes, words


@functools.lru_cache(maxsize=2)
def _vocabulary(checksum: str, using: str) -> tuple[str, ...]:
    # Keyed on the loaded dataset's checksum so a reload rebuilds it.
    words: set[str] = set()
    for text in HSCode.objects.using(using).values_list("search_text", flat=True):
        words.update(
            w for w in text.split() if len(w) >= FUZZY_MIN_WORD_LENGTH and w.isalpha()
        )
    return tuple(sorted(words))


def _corrected(words: list[str], using: str) -> list[str] | None:
    checksum = (
        ReferenceDataset.objects.using(using)
        .filter(name="hs")
        .values_list("checksum", flat=True)
        .first()
    )
    vocabulary = _vocabulary(checksum or "", using)
    corrected = []
    for word in words:
        match = process.extractOne(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE
        )
        if match is None:
            return None
        corrected.append(match[0])
    return corrected if corrected != words else None


def hs_queryset(
    q: str = "",
    *,
    levels: tuple[int, ...] | None = None,
    fuzzy: bool = True,
    using: str = DEFAULT_DB_ALIAS,
) -> QuerySet[HSCode]:
    """HS codes matching `q`: digits are a code prefix, every word must appear.

    Ordered with exact Indonesian-name hits first, then subheadings before headings and
    chapters, then by code. When nothing matches, words are corrected to the nearest word
    of the nomenclature ("kopii" → "kopi") and the search is repeated once.
    """
    base = HSCode.objects.using(using).all()
    if levels:
        base = base.filter(level__in=levels)
    codes, words = _split_query(q)
    queryset = _filter_words(base, codes, words)
    if fuzzy and words and not queryset.exists():
        corrected = _corrected(words, using)
        if corrected is not None:
            queryset = _filter_words(base, codes, corrected)
    return queryset


def search_hs(
    q: str, limit: int = 20, *, levels: tuple[int, ...] | None = None
) -> list[HSCode]:
    """The best `limit` HS codes for a search box (see hs_queryset for the ranking)."""
    return list(hs_queryset(q, levels=levels)[:limit])


# --- Occupation search ------------------------------------------------------------------------


def _word_start(field: str, word: str) -> Q:
    return Q(**{f"{field}__istartswith": word}) | Q(
        **{f"{field}__icontains": f" {word}"}
    )


def occupation_queryset(
    q: str = "", *, sector: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> QuerySet[Occupation]:
    """Occupations matching every word of `q`, ordered by ISCO code.

    A word matches an ISCO code prefix ("816") or the start of a word in the English,
    Indonesian or Malay title ("las" finds "Tukang Las", not "Plastik").
    """
    occupations = Occupation.objects.using(using).order_by("isco_code")
    if sector:
        occupations = occupations.filter(sector=sector)
    for word in q.split():
        occupations = occupations.filter(
            Q(isco_code__startswith=word)
            | _word_start("title_en", word)
            | _word_start("title_id", word)
            | _word_start("title_ms", word)
        )
    return occupations
