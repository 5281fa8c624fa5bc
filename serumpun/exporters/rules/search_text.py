"""The text the catalogue's full-text index covers for one product.

Lower-cased and accent-free words of the product's names and descriptions in Indonesian,
English and Malay, its HS code (6 digits, plus heading and chapter so "0901" finds it) and the
HS description and Indonesian trade names. Same normalisation as the HS search
(serumpun.core.reference.normalise) so a query normalised there matches. Words in the
catalogue tokens' reserved namespace ("zz…", rules/catalogue_tokens.py) are dropped, so a
product text can never pose as a catalogue filter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from serumpun.exporters.rules.catalogue_tokens import without_reserved

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def build(
    *,
    names: Iterable[str],
    descriptions: Iterable[str] = (),
    hs_code: str = "",
    hs_description: str = "",
    extra: Iterable[str] = (),
) -> str:
    """One normalised string: names, descriptions, HS code (+ heading, chapter), HS words."""
    code = hs_code.strip()
    codes = [code, code[:4], code[:2]] if len(code) == 6 else [code]  # noqa: PLR2004
    parts = [*names, *descriptions, *dict.fromkeys(codes), hs_description, *extra]
    words = normalise(" ".join(part for part in parts if part)).split()
    return " ".join(without_reserved(words))
