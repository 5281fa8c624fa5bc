"""Product-text similarity across Indonesian, English and Malay: character n-gram TF-IDF.

No downloaded models: texts are lower-cased, stripped of accents and punctuation, and cut
into character 3- and 4-grams inside each word (padded with a space at both ends, so word
starts and ends count). Weights are sublinear term frequency × smoothed inverse document
frequency, rows L2-normalised; similarity is the cosine (a sparse dot product).

What n-grams really give: spelling variants and cognates share grams ("keripik pisang" ~
Malay "kerepek pisang", "kopi robusta" ~ "robusta coffee"); translations that share no
letters ("keripik pisang" vs "banana chips") score 0. That is why a product's text joins its
Indonesian, English and Malay names and descriptions: a request in any of the three
languages then meets the product's own words in that language.

Many products share one text (a registry of 500k products has far fewer distinct texts), so
the index stores each distinct text once and maps rows to it.
"""

from __future__ import annotations

import math
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


@dataclass(frozen=True)
class TextIndex:
    """TF-IDF rows of the distinct texts, and which distinct text each candidate row has."""

    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float64]
    matrix: sp.csr_matrix  # distinct texts × grams, rows L2-normalised
    text_of_row: npt.NDArray[np.int64]

    def vector(self, text: str) -> sp.csr_matrix:
        """The query `text` as a normalised TF-IDF column over this vocabulary."""
        columns, values = [], []
        for gram, count in grams(text).items():
            column = self.vocabulary.get(gram)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * self.idf[column])
        data = np.asarray(values, dtype=np.float64)
        norm = float(np.sqrt((data**2).sum())) if len(data) else 0.0
        if norm:
            data /= norm
        return sp.csr_matrix(
            (data, (np.asarray(columns, dtype=np.int64), np.zeros(len(columns)))),
            shape=(len(self.vocabulary), 1),
        )

    def similarity(self, text: str) -> npt.NDArray[np.float64]:
        """Cosine similarity of `text` to every candidate row, in 0..1."""
        if not len(self.text_of_row):
            return np.zeros(0)
        per_text = np.asarray((self.matrix @ self.vector(text)).todense()).ravel()
        return np.asarray(
            np.clip(per_text[self.text_of_row], 0.0, 1.0), dtype=np.float64
        )


def build_index(texts: Sequence[str]) -> TextIndex:
    """Index the candidate rows' texts (each distinct text is counted once)."""
    distinct: dict[str, int] = {}
    text_of_row = np.fromiter(
        (distinct.setdefault(text, len(distinct)) for text in texts),
        dtype=np.int64,
        count=len(texts),
    )
    vocabulary: dict[str, int] = {}
    rows, columns, counts = [], [], []
    for row, text in enumerate(distinct):
        for gram, count in grams(text).items():
            rows.append(row)
            columns.append(vocabulary.setdefault(gram, len(vocabulary)))
            counts.append(count)
    shape = (len(distinct), len(vocabulary))
    column_array = np.asarray(columns, dtype=np.int64)
    document_frequency = np.bincount(column_array, minlength=len(vocabulary))
    idf = np.log((1.0 + len(distinct)) / (1.0 + document_frequency)) + 1.0
    data = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * idf[column_array]
    matrix = sp.csr_matrix((data, (np.asarray(rows), column_array)), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
    return TextIndex(vocabulary, idf, matrix, text_of_row)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts indexed on their own (for tests and explanations)."""
    index = build_index([b])
    return float(index.similarity(a)[0])
