"""Dense, vectorised evaluation of a batch of job orders over every seeker.

Used where every pair's score is wanted: ranking one order (eligible and ineligible
seekers alike) and one seeker's orders. `score_matrix` scores only pairs that pass the
gates instead (`edges`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from serumpun.labour.rules.matching.data import (
    _ANY,
    _BLOCK_CELLS,
    _COLUMN_OVERHEAD,
    _FEMALE,
    _MALE,
    _SUB_MAJOR_DIGITS,
    COMPONENTS,
    GENDERS,
    BoolArray,
    F32Array,
    IntArray,
    JobRequirements,
    MatchingWeights,
    SeekerMatrix,
    Vocabulary,
)

# --- compiled requirements ------------------------------------------------------------


@dataclass(frozen=True)
class _Batch:
    """A batch of job orders as arrays aligned to the vocabulary (b = orders)."""

    reqs: tuple[JobRequirements, ...]
    age_min: IntArray
    age_max: IntArray
    gender: IntArray  # index into GENDERS
    sector_bit: IntArray
    min_doc_stage: IntArray
    min_cert_level: IntArray
    cert_level_target: F32Array
    min_years: F32Array
    cert_needed: F32Array
    cert_columns: (
        F32Array | None
    )  # cert schemes × b indicator, None if no order needs one
    skill_weights: F32Array  # skills × b, each used column sums to 1
    experience_weights: F32Array  # occupation groups × b
    language_needs: F32Array  # languages × b
    language_count: F32Array  # needs per order, incl. languages outside the vocabulary
    distance_table: F32Array  # (regencies + 1) × b, last row NaN for regency -1
    seeker_distance: BoolArray  # order uses SeekerMatrix.distance_km
    component_weights: F32Array  # components × b, renormalised per order
    occupations: tuple[
        str, ...
    ]  # the occupation group each order's experience counts in

    @property
    def size(self) -> int:
        return len(self.reqs)


def _code_column(
    codes: Mapping[str, float], index: Mapping[str, int], size: int
) -> Any:
    """A dense column with each known code's value at its vocabulary index."""
    column = np.zeros(size, dtype=np.float32)
    for code, value in codes.items():
        if code in index:
            column[index[code]] = value
    return column


def _occupation_column(
    isco_code: str, vocab: Vocabulary, related_factor: float
) -> tuple[Any, str]:
    """Experience weights per occupation group (1 exact, ``related_factor`` same
    sub-major group) and the code of the group the order's experience counts in."""
    group = vocab.occupation_group_for(isco_code)
    prefix = isco_code[:_SUB_MAJOR_DIGITS]
    column = np.array(
        [related_factor * code.startswith(prefix) for code in vocab.occupation_groups],
        dtype=np.float32,
    )
    if group is None:
        return column, isco_code
    column[group] = 1.0
    return column, vocab.occupation_groups[group]


def _compile(
    reqs: Sequence[JobRequirements],
    vocab: Vocabulary,
    weights: MatchingWeights,
    *,
    seeker_distance_known: bool,
) -> _Batch:
    b = len(reqs)
    skill_w = np.zeros((len(vocab.skills), b), dtype=np.float32)
    exp_w = np.zeros((len(vocab.occupation_groups), b), dtype=np.float32)
    lang_need = np.zeros((len(vocab.languages), b), dtype=np.float32)
    cert_cols = np.zeros((len(vocab.cert_schemes), b), dtype=np.float32)
    dist = np.full((len(vocab.regencies) + 1, b), np.nan, dtype=np.float32)
    has = np.zeros((len(COMPONENTS), b), dtype=bool)
    seeker_distance = np.zeros(b, dtype=bool)
    occupations = []
    for j, req in enumerate(reqs):
        total = float(sum(req.required_skills.values()))
        if total > 0:
            skill_w[:, j] = (
                _code_column(req.required_skills, vocab.skill_index, len(vocab.skills))
                / total
            )
        exp_w[:, j], occupation = _occupation_column(
            req.isco_code, vocab, weights.related_experience_factor
        )
        occupations.append(occupation)
        lang_need[:, j] = _code_column(
            req.language_needs, vocab.language_index, len(vocab.languages)
        )
        cert_cols[:, j] = _code_column(
            dict.fromkeys(req.required_certs, 1.0),
            vocab.cert_index,
            len(vocab.cert_schemes),
        )
        if req.regency_distance_km is not None:
            dist[:-1, j] = req.regency_distance_km
        else:
            seeker_distance[j] = seeker_distance_known
        has[:, j] = (
            total > 0,
            True,
            True,
            bool(req.language_needs),
            req.regency_distance_km is not None or seeker_distance[j],
        )
    sector_bit = np.array(
        [
            1 << vocab.sector_index[r.sector] if r.sector in vocab.sector_index else 0
            for r in reqs
        ],
        dtype=np.int64,
    )
    lang_count = np.array([len(r.language_needs) for r in reqs], dtype=np.float32)
    base = np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float32)
    component_weights = base[:, None] * has
    totals = component_weights.sum(axis=0)
    component_weights /= np.where(totals > 0, totals, 1)
    min_cert_level = np.array([r.min_cert_level for r in reqs], dtype=np.int16)

    def column(name: str, dtype: type[np.generic]) -> Any:
        return np.array([getattr(r, name) for r in reqs], dtype=dtype)

    return _Batch(
        reqs=tuple(reqs),
        age_min=column("age_min", np.int16),
        age_max=column("age_max", np.int16),
        gender=np.array([GENDERS.index(r.gender) for r in reqs], dtype=np.int8),
        sector_bit=sector_bit,
        min_doc_stage=column("min_doc_stage", np.int16),
        min_cert_level=min_cert_level,
        cert_level_target=np.maximum(
            min_cert_level, weights.cert_level_saturation
        ).astype(np.float32),
        min_years=column("min_experience_years", np.float32),
        cert_needed=np.array([len(r.required_certs) for r in reqs], dtype=np.float32),
        cert_columns=cert_cols if any(r.required_certs for r in reqs) else None,
        skill_weights=skill_w,
        experience_weights=exp_w,
        language_needs=lang_need,
        language_count=lang_count,
        distance_table=dist,
        seeker_distance=seeker_distance,
        component_weights=component_weights.astype(np.float32),
        occupations=tuple(occupations),
    )


# --- vectorised evaluation ------------------------------------------------------------


def _weighted_columns(matrix: Any, column_major: Any, weights: F32Array) -> F32Array:
    """``matrix @ weights`` (n × b float32), touching only the columns an order uses.

    One order needs a handful of columns (its skills, certificates, occupation groups), so
    summing those columns of the column-major copy beats a full sparse product over all
    rows; a product wins only for very few rows (one seeker against many orders).
    """
    n, b = matrix.shape[0], weights.shape[1]
    cols, orders = np.nonzero(weights)
    average_column = matrix.nnz / max(matrix.shape[1], 1)
    product_cost = (matrix.nnz + n) * b
    column_cost = len(cols) * (average_column + _COLUMN_OVERHEAD)
    if product_cost <= column_cost:
        if b == 1:
            return np.asarray(matrix @ weights[:, 0], dtype=np.float32).reshape(-1, 1)
        return np.asarray(matrix @ weights, dtype=np.float32)
    csc = column_major()
    out = np.zeros((n, b), dtype=np.float32)
    for col, j in zip(cols.tolist(), orders.tolist(), strict=True):
        start, end = csc.indptr[col], csc.indptr[col + 1]
        out[csc.indices[start:end], j] += weights[col, j] * csc.data[start:end]
    return out


def _experience_years(batch: _Batch, seekers: SeekerMatrix) -> F32Array:
    return _weighted_columns(
        seekers.experience, lambda: seekers.experience_csc, batch.experience_weights
    )


def _gates(
    batch: _Batch, seekers: SeekerMatrix, years: F32Array
) -> dict[str, BoolArray]:
    """Each hard gate as an n × b mask (True = passes); gates no order uses are left out."""
    gates: dict[str, BoolArray] = {}
    if seekers.placed.any():
        gates["already_placed"] = ~seekers.placed[:, None]
    age = seekers.age[:, None]
    gates["age_outside_window"] = (age >= batch.age_min) & (age <= batch.age_max)
    if batch.gender.any():
        female = seekers.female[:, None]
        gates["gender_restricted"] = (
            (batch.gender == _ANY)
            | ((batch.gender == _FEMALE) & female)
            | ((batch.gender == _MALE) & ~female)
        )
    mask = seekers.sector_mask.astype(np.int64)[:, None]
    gates["sector_not_preferred"] = (mask == 0) | ((mask & batch.sector_bit) != 0)
    if batch.min_doc_stage.any():
        gates["documents_incomplete"] = (
            seekers.doc_stage[:, None] >= batch.min_doc_stage
        )
    if batch.cert_columns is not None:
        held = _weighted_columns(
            seekers.certs, lambda: seekers.certs_csc, batch.cert_columns
        )
        gates["certificate_missing"] = held >= batch.cert_needed
    if batch.min_cert_level.any():
        gates["cert_level_below"] = seekers.cert_level[:, None] >= batch.min_cert_level
    if batch.min_years.any():
        gates["experience_below"] = years >= batch.min_years
    return gates


def _eligible(gates: Mapping[str, BoolArray], shape: tuple[int, int]) -> BoolArray:
    eligible = np.ones(shape, dtype=bool)
    for passes in gates.values():
        eligible &= passes
    return eligible


def _components(
    batch: _Batch, seekers: SeekerMatrix, weights: MatchingWeights, years: F32Array
) -> dict[str, F32Array]:
    """Each score component as an n × b array in 0..1 (orders that skip one hold 0)."""
    n, b = seekers.size, batch.size
    skill = _weighted_columns(
        seekers.skills, lambda: seekers.skills_csc, batch.skill_weights
    )
    np.minimum(skill, 1, out=skill)
    experience = np.minimum(years / np.float32(weights.experience_saturation_years), 1)
    cert_level = np.minimum(
        seekers.cert_level.astype(np.float32)[:, None] / batch.cert_level_target, 1
    )
    language = np.zeros((n, b), dtype=np.float32)
    for lang in np.flatnonzero(batch.language_needs.any(axis=1)):
        need = batch.language_needs[lang]
        level = seekers.languages[:, lang].astype(np.float32)[:, None]
        language += np.minimum(level / np.where(need > 0, need, np.inf), 1)
    language /= np.where(batch.language_count > 0, batch.language_count, 1)
    km = batch.distance_table[seekers.regency]
    if seekers.distance_km is not None and batch.seeker_distance.any():
        km[:, batch.seeker_distance] = seekers.distance_km[:, None]
    distance = 1 - np.minimum(km / np.float32(weights.distance_cap_km), 1)
    distance[np.isnan(distance)] = weights.unknown_distance_score
    return {
        "skill": skill,
        "experience": experience,
        "cert_level": cert_level,
        "language": language,
        "distance": distance,
        "_km": km,
    }


def _evaluate(
    batch: _Batch, seekers: SeekerMatrix, weights: MatchingWeights
) -> tuple[F32Array, BoolArray]:
    """Scores (n × b, 0..1) and eligibility (n × b) of every seeker for every order."""
    years = _experience_years(batch, seekers)
    gates = _gates(batch, seekers, years)
    parts = _components(batch, seekers, weights, years)
    score = np.zeros((seekers.size, batch.size), dtype=np.float32)
    for k, name in enumerate(COMPONENTS):
        w = batch.component_weights[k]
        if w.any():
            score += parts[name] * w
    return score, _eligible(gates, score.shape)


def _batches(
    reqs: Sequence[JobRequirements], seekers: SeekerMatrix, vocab: Vocabulary
) -> list[Sequence[JobRequirements]]:
    widest = max(
        seekers.size,
        len(vocab.skills),
        len(vocab.occupation_groups),
        len(vocab.regencies),
        1,
    )
    size = max(1, _BLOCK_CELLS // widest)
    return [reqs[i : i + size] for i in range(0, len(reqs), size)]
