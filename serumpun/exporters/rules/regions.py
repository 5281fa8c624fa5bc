"""Recognising a regency (kabupaten) or city (kota) from how people write it in spreadsheets.

Provincial lists write the same place many ways: "Kab. Lampung Barat", "KABUPATEN LAMPUNG
BARAT", "Lampung Barat", "LAMBAR"; "Kota Bandar Lampung", "Bandar Lampung", "BALAM";
"Tulangbawang" and "Tulang Bawang". A name is reduced to a key — accents, case, punctuation,
spaces and the leading "Kab."/"Kabupaten"/"Kota" dropped — and looked up among the official
names and the abbreviations of `data/exporters/regency-aliases.csv`. Within one province no
regency and city share a name, so dropping "Kota" is safe there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

#: words that open a regency or city name and say only which kind it is
KIND_WORDS = frozenset({"kab", "kabupaten", "kota", "kotamadya", "kodya", "kotamadia"})

# rapidfuzz ratio (0–100) from which an unknown name is offered as "did you mean";
# "lampung timor"→"lampung timur" scores 92, unrelated names stay well below.
SUGGESTION_MIN_SCORE = 80


def region_key(text: str) -> str:
    """The comparison key of a regency name: "Kab. Tulang Bawang" → "tulangbawang"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = re.findall(r"[0-9a-z]+", plain)
    while words and words[0] in KIND_WORDS:
        words = words[1:]
    return "".join(words)


@dataclass(frozen=True)
class RegencyName:
    """One official regency or city: its code and its name as the registry writes it."""

    code: str
    name: str


@dataclass(frozen=True)
class RegencyAlias:
    """Another name for a regency (an abbreviation such as LAMBAR), with its source."""

    alias: str
    regency_code: str


@dataclass
class RegencyResolver:
    """Finds the regency code a written name means, or suggests the nearest name."""

    regencies: tuple[RegencyName, ...]
    aliases: tuple[RegencyAlias, ...] = ()
    _codes: dict[str, str] = field(init=False, repr=False)
    _keys: dict[str, str] = field(init=False, repr=False)
    _seen: dict[str, str | None] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        names = {regency.code: regency.name for regency in self.regencies}
        self._codes = dict(names)
        keys = {region_key(regency.name): regency.code for regency in self.regencies}
        for alias in self.aliases:
            if alias.regency_code not in names:
                raise ValueError(
                    f"alias {alias.alias!r} names unknown regency {alias.regency_code}"
                )
            key = region_key(alias.alias)
            if keys.get(key, alias.regency_code) != alias.regency_code:
                raise ValueError(f"alias {alias.alias!r} names two regencies")
            keys[key] = alias.regency_code
        self._keys = keys

    def resolve(self, text: str) -> str | None:
        """The code of the regency `text` names ("1801" is accepted as it is), or None."""
        # A list spells its regencies a few ways over many rows: remember each spelling.
        if text in self._seen:
            return self._seen[text]
        cleaned = text.strip()
        code = (
            cleaned if cleaned in self._codes else self._keys.get(region_key(cleaned))
        )
        self._seen[text] = code
        return code

    def suggest(self, text: str) -> str | None:
        """The code of the regency nearest to an unrecognised `text`, if near enough."""
        key = region_key(text)
        if not key:
            return None
        best = process.extractOne(
            key, list(self._keys), scorer=fuzz.ratio, score_cutoff=SUGGESTION_MIN_SCORE
        )
        if best is None:
            return None
        return self._keys[best[0]]

    def name_of(self, code: str) -> str:
        """The official name of a regency code."""
        return self._codes[code]


def parse_aliases(rows: Iterable[dict[str, str]]) -> tuple[RegencyAlias, ...]:
    """Aliases from the rows of regency-aliases.csv (columns alias, regency_code, ...)."""
    return tuple(
        RegencyAlias(
            alias=row["alias"].strip(), regency_code=row["regency_code"].strip()
        )
        for row in rows
        if row.get("alias", "").strip()
    )
