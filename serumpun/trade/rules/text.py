"""Product-text similarity across Indonesian, English and Malay: character n-gram TF-IDF.

No downloaded models: texts are lower-cased, stripped of accents and punctuation, and cut
into character 3- and 4-grams inside each word (padded with a space at both ends, so word
starts and ends count). Weights are sublinear term frequency × smoothed inverse document
frequency over the indexed texts, rows L2-normalised; similarity is the cosine.

What n-grams really give: spelling variants and cognates share grams ("keripik pisang" ~
Malay "kerepek pisang", "kopi robusta" ~ "robusta coffee"); translations that share no
letters ("keripik pisang" vs "banana chips") score 0. That is why a product's text joins its
Indonesian, English and Malay names and descriptions: a request in any of the three
languages then meets the product's own words in that language.

Speed (the matches endpoint builds an index over its HS-compatible candidates per call):

- a gram is an integer code, not a string: after `normalise` only 37 symbols remain
  (space, 0-9, a-z), so a 3-gram is its base-37 number and a 4-gram 37³ plus its number;
- a text's gram codes and term weights are cached by the text itself (`text_terms`, a
  bounded LRU). The key is the content, so an edited product brings a new text and a new
  entry — nothing to invalidate; an unchanged catalogue costs no n-gram work at all;
- `cached_index` keeps the last few whole indexes, keyed by the candidates' texts;
- building the index is then array work only (`np.unique` for the vocabulary and document
  frequencies, `np.bincount` for row norms and for the query's dot products).

Many products share one text (a registry of 500k products has far fewer distinct texts), so
the index stores each distinct text once and maps rows to it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

GRAM_SIZES = (3, 4)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SYMBOLS = " 0123456789abcdefghijklmnopqrstuvwxyz"
_BASE = len(_SYMBOLS)
_DIGIT = {symbol: value for value, symbol in enumerate(_SYMBOLS)}
_OFFSET = {3: 0, 4: _BASE**3}  # 4-gram codes follow every 3-gram code
TEXT_CACHE_SIZE = 65_536  # distinct texts kept (a few kB each at most)
INDEX_CACHE_SIZE = 16  # whole indexes kept (one per recently matched candidate set)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def normalise(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", plain).strip()


def grams(text: str) -> Counter[str]:
    """Character n-grams of every word of `text` (words padded with one space each side)."""
    counts: Counter[str] = Counter()
    for word in normalise(text).split():
        padded = f" {word} "
        for size in GRAM_SIZES:
            counts.update(
                padded[start : start + size]
                for start in range(max(len(padded) - size + 1, 1))
            )
    return counts


def gram_code(gram: str) -> int:
    """The integer code of a normalised gram (3 or 4 of the 37 symbols)."""
    value = 0
    for symbol in gram:
        value = value * _BASE + _DIGIT[symbol]
    return _OFFSET[len(gram)] + value


@functools.lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_terms(text: str) -> tuple[IntArray, FloatArray]:
    """Sorted gram codes of `text` and their sublinear term frequencies (1 + log count).

    Cached by the text itself: an edited text is a new key (see the module docstring).
    """
    counted = grams(text)
    codes = np.fromiter(
        (gram_code(gram) for gram in counted), dtype=np.int64, count=len(counted)
    )
    tf = 1.0 + np.log(
        np.fromiter(counted.values(), dtype=np.float64, count=len(counted))
    )
    order = np.argsort(codes)
    codes, tf = codes[order], tf[order]
    codes.flags.writeable = tf.flags.writeable = False  # shared by every caller
    return codes, tf


@dataclass(frozen=True)
class TextIndex:
    """TF-IDF rows of the distinct texts, and which distinct text each candidate row has."""

    codes: IntArray  # the vocabulary: sorted gram codes
    idf: FloatArray  # per vocabulary entry
    matrix: sp.csr_matrix  # distinct texts × vocabulary, rows L2-normalised
    text_of_row: IntArray

    def vector(self, text: str) -> FloatArray:
        """The query `text` as a dense, normalised TF-IDF vector over this vocabulary."""
        query = np.zeros(len(self.codes))
        terms, tf = text_terms(text)
        if not len(self.codes) or not len(terms):
            return query
        at = np.minimum(np.searchsorted(self.codes, terms), len(self.codes) - 1)
        known = self.codes[at] == terms
        query[at[known]] = tf[known] * self.idf[at[known]]
        norm = float(np.sqrt(query @ query))
        return query / norm if norm else query

    def similarity(self, text: str) -> FloatArray:
        """Cosine similarity of `text` to every candidate row, in 0..1."""
        if not len(self.text_of_row):
            return np.zeros(0)
        per_text = np.asarray(self.matrix @ self.vector(text), dtype=np.float64)
        return np.asarray(np.clip(per_text[self.text_of_row], 0.0, 1.0))


def build_index(texts: Sequence[str]) -> TextIndex:
    """Index the candidate rows' texts (each distinct text is counted once)."""
    distinct: dict[str, int] = {}
    text_of_row = np.fromiter(
        (distinct.setdefault(text, len(distinct)) for text in texts),
        dtype=np.int64,
        count=len(texts),
    )
    terms = [text_terms(text) for text in distinct]
    lengths = np.fromiter((len(t[0]) for t in terms), dtype=np.int64, count=len(terms))
    all_codes = np.concatenate([t[0] for t in terms] or [np.zeros(0, np.int64)])
    tf = np.concatenate([t[1] for t in terms] or [np.zeros(0)])
    rows = np.repeat(np.arange(len(terms)), lengths)
    # Each text lists a gram once, so a code's count over texts is its document frequency.
    codes, columns, document_frequency = np.unique(
        all_codes, return_inverse=True, return_counts=True
    )
    idf = np.log((1.0 + len(distinct)) / (1.0 + document_frequency)) + 1.0
    data = tf * idf[columns]
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(terms)))
    norms[norms == 0] = 1.0
    data /= norms[rows]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sp.csr_matrix(
        (data, columns.ravel(), indptr), shape=(len(terms), len(codes))
    )
    return TextIndex(codes, idf, matrix, text_of_row)


@functools.lru_cache(maxsize=INDEX_CACHE_SIZE)
def cached_index(texts: tuple[str, ...]) -> TextIndex:
    """`build_index`, remembered for the same texts in the same order.

    Keyed by the texts themselves, so any edit to a candidate's text (or a candidate more
    or less) is a different key: a buyer reloading a request's matches reuses the index,
    a changed catalogue rebuilds it (from cached per-text terms).
    """
    return build_index(texts)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts indexed on their own (for tests and explanations)."""
    index = build_index([b])
    return float(index.similarity(a)[0])
