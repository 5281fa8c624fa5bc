"""Allocation edges: the scores of eligible (seeker, order) pairs as a sparse matrix.

The gates come first and the score is computed only for the seekers that pass them, one
order at a time. Gates that read only a seeker's own columns (placed, age, gender,
sector, document stage, certificate level) are evaluated once per distinct combination
of the orders' thresholds — a few dozen combinations for thousands of orders — and the
sparse ones (certificates, experience) per order from the few matrix columns it needs.
Every arithmetic step matches the dense evaluation (`vectorised._evaluate`) element by
element, so both give the same float32 scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from serumpun.labour.rules.matching.data import (
    _ANY,
    _FEMALE,
    _MALE,
    COMPONENTS,
    BoolArray,
    F32Array,
    IntArray,
    JobRequirements,
    MatchingWeights,
    SeekerMatrix,
    Vocabulary,
)
from serumpun.labour.rules.matching.ranking import _tie_free_key
from serumpun.labour.rules.matching.vectorised import _Batch, _compile

# Orders compiled together (their dense vocabulary tables stay small); the scoring
# itself is per order, so this only bounds memory.
_COMPILE_BATCH = 256

# Orders of one occupation group count experience alike; their years are kept, up to
# this many float32 cells (64 MB) in all.
_KEPT_YEARS_CELLS = 1 << 24

# The thresholds of the gates that read only the seeker's own columns.
_ThresholdKey = tuple[int, int, int, int, int, int]


def score_matrix(
    reqs: Sequence[JobRequirements],
    seekers: SeekerMatrix,
    vocab: Vocabulary,
    weights: MatchingWeights,
    *,
    top_n: int | None = 200,
    seeker_top: int | None = None,
) -> Any:
    """Scores of eligible pairs as a CSR matrix, seekers (rows) × ``reqs`` (columns).

    Keeps each order's ``top_n`` best eligible seekers (None: all), then each seeker's
    ``seeker_top`` best orders (None: all) — the candidate edges for allocation. An eligible
    pair scoring exactly 0 is stored as an explicit zero: do not call ``eliminate_zeros``.
    """
    seekers.check_against(vocab)
    scorer = _GatedScorer(seekers, weights)
    found_by_order: list[tuple[IntArray, F32Array]] = []
    for start in range(0, len(reqs), _COMPILE_BATCH):
        batch = _compile(
            reqs[start : start + _COMPILE_BATCH],
            vocab,
            weights,
            seeker_distance_known=seekers.distance_km is not None,
        )
        found_in_batch: dict[int, tuple[IntArray, F32Array]] = {}
        for j in _by_thresholds(batch):
            found, found_scores = scorer.eligible_scores(batch, j)
            if top_n is not None and len(found) > top_n:
                cut = len(found) - top_n
                best = np.argpartition(_tie_free_key(found_scores), cut)[cut:]
                found, found_scores = found[best], found_scores[best]
            found_in_batch[j] = (found, found_scores)
        # Back in order: a seeker's ties between orders resolve by order position.
        found_by_order += (found_in_batch[j] for j in range(batch.size))
    row = _concatenate([found for found, _ in found_by_order], np.int64)
    col = _concatenate(
        [np.full(len(found), j) for j, (found, _) in enumerate(found_by_order)],
        np.int64,
    )
    val = _concatenate([scores for _, scores in found_by_order], np.float32)
    if seeker_top is not None:
        keep = _best_per_group(row, val, seeker_top)
        row, col, val = row[keep], col[keep], val[keep]
    return sp.csr_matrix(
        (val, (row, col)), shape=(seekers.size, len(reqs)), dtype=np.float32
    )


def _concatenate(parts: list[Any], dtype: type[np.generic]) -> Any:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _thresholds(batch: _Batch, j: int) -> _ThresholdKey:
    return (
        int(batch.age_min[j]),
        int(batch.age_max[j]),
        int(batch.gender[j]),
        int(batch.sector_bit[j]),
        int(batch.min_doc_stage[j]),
        int(batch.min_cert_level[j]),
    )


def _by_thresholds(batch: _Batch) -> list[int]:
    """The batch's orders, those sharing thresholds next to each other."""
    return sorted(range(batch.size), key=lambda j: _thresholds(batch, j))


class _GatedScorer:
    """Scores one order at a time, only over the seekers that pass its gates."""

    def __init__(self, seekers: SeekerMatrix, weights: MatchingWeights) -> None:
        self.seekers = seekers
        self.weights = weights
        self.sector_mask = seekers.sector_mask.astype(np.int64)
        self.cert_level = seekers.cert_level.astype(np.float32)
        self._key: _ThresholdKey | None = None
        self._passing: IntArray = np.zeros(0, dtype=np.int64)
        self._years_by_weights: dict[bytes, F32Array] = {}

    def eligible_scores(self, batch: _Batch, j: int) -> tuple[IntArray, F32Array]:
        """Rows (ascending) of the seekers eligible for order ``j`` and their scores."""
        rows = self._passing_own_gates(batch, j)
        seekers = self.seekers
        if batch.cert_columns is not None and batch.cert_needed[j] > 0:
            held = _column_sum(
                seekers.certs_csc, batch.cert_columns[:, j], seekers.size
            )
            rows = rows[held[rows] >= batch.cert_needed[j]]
        years = self._years(batch.experience_weights[:, j])[rows]
        if batch.min_years[j] > 0:
            enough = years >= batch.min_years[j]
            rows, years = rows[enough], years[enough]
        return rows, self._score(batch, j, rows, years)

    def _years(self, weights: F32Array) -> F32Array:
        """Experience years counted by one order's occupation weights (kept per group)."""
        key = weights.tobytes()
        years = self._years_by_weights.get(key)
        if years is None:
            if len(self._years_by_weights) * self.seekers.size > _KEPT_YEARS_CELLS:
                self._years_by_weights.clear()
            years = _column_sum(self.seekers.experience_csc, weights, self.seekers.size)
            self._years_by_weights[key] = years
        return years

    def _passing_own_gates(self, batch: _Batch, j: int) -> IntArray:
        """Rows passing the gates on the seeker's own columns (kept while they repeat)."""
        key = _thresholds(batch, j)
        if key != self._key:
            self._key = key
            self._passing = np.flatnonzero(self._own_gates(key))
        return self._passing

    def _own_gates(self, key: _ThresholdKey) -> BoolArray:
        age_min, age_max, gender, sector_bit, min_doc_stage, min_cert_level = key
        seekers = self.seekers
        passes: BoolArray = (seekers.age >= age_min) & (seekers.age <= age_max)
        passes &= ~seekers.placed
        if gender == _FEMALE:
            passes &= seekers.female
        elif gender == _MALE:
            passes &= ~seekers.female
        elif gender != _ANY:
            passes[:] = False
        passes &= (self.sector_mask == 0) | ((self.sector_mask & sector_bit) != 0)
        if min_doc_stage:
            passes &= seekers.doc_stage >= min_doc_stage
        if min_cert_level:
            passes &= seekers.cert_level >= min_cert_level
        return passes

    def _score(
        self, batch: _Batch, j: int, rows: IntArray, years: F32Array
    ) -> F32Array:
        """The weighted score of ``rows`` for order ``j``, as `vectorised._evaluate` does."""
        parts = {
            "skill": lambda: self._skill(batch, j, rows),
            "experience": lambda: self._experience(years),
            "cert_level": lambda: self._cert_level(batch, j, rows),
            "language": lambda: self._language(batch, j, rows),
            "distance": lambda: self._distance(batch, j, rows),
        }
        component_weights = batch.component_weights[:, j]
        score = np.zeros(len(rows), dtype=np.float32)
        for k, name in enumerate(COMPONENTS):
            weight = component_weights[k]
            if weight:
                score += parts[name]() * weight
        return score

    def _skill(self, batch: _Batch, j: int, rows: IntArray) -> F32Array:
        seekers = self.seekers
        skill = _column_sum(seekers.skills_csc, batch.skill_weights[:, j], seekers.size)
        part: F32Array = np.minimum(skill[rows], 1)
        return part

    def _experience(self, years: F32Array) -> F32Array:
        saturation = np.float32(self.weights.experience_saturation_years)
        part: F32Array = np.minimum(years / saturation, 1)
        return part

    def _cert_level(self, batch: _Batch, j: int, rows: IntArray) -> F32Array:
        part: F32Array = np.minimum(
            self.cert_level[rows] / batch.cert_level_target[j], 1
        )
        return part

    def _language(self, batch: _Batch, j: int, rows: IntArray) -> F32Array:
        language = np.zeros(len(rows), dtype=np.float32)
        for lang in np.flatnonzero(batch.language_needs[:, j]).tolist():
            level = self.seekers.languages[rows, lang].astype(np.float32)
            language += np.minimum(level / batch.language_needs[lang, j], 1)
        count = batch.language_count[j]
        part: F32Array = language / (count if count > 0 else np.float32(1))
        return part

    def _distance(self, batch: _Batch, j: int, rows: IntArray) -> F32Array:
        seekers = self.seekers
        if seekers.distance_km is not None and batch.seeker_distance[j]:
            return self._distance_score(seekers.distance_km[rows].astype(np.float32))
        # Scored once per regency, then looked up: the same arithmetic, fewer elements.
        by_regency = self._distance_score(batch.distance_table[:, j])
        part: F32Array = by_regency[seekers.regency[rows]]
        return part

    def _distance_score(self, km: F32Array) -> F32Array:
        cap = np.float32(self.weights.distance_cap_km)
        distance: F32Array = 1 - np.minimum(km / cap, 1)
        distance[np.isnan(distance)] = self.weights.unknown_distance_score
        return distance


def _column_sum(column_major: Any, weights: F32Array, n: int) -> F32Array:
    """``matrix @ weights`` for one order, summing only the columns it weighs."""
    out = np.zeros(n, dtype=np.float32)
    for col in np.flatnonzero(weights).tolist():
        start, end = column_major.indptr[col], column_major.indptr[col + 1]
        out[column_major.indices[start:end]] += (
            weights[col] * column_major.data[start:end]
        )
    return out


def _best_per_group(group: IntArray, value: F32Array, count: int) -> IntArray:
    """Indexes of each group's ``count`` largest values."""
    order = np.lexsort((-value, group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.arange(len(order)) - first
    return np.sort(order[rank < count])
