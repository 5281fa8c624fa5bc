"""Job-seeker matching: hard gates first, then a weighted score (research/labour.md §4).

Pure and vectorised: numpy/scipy over a struct-of-arrays seeker matrix, no Django, no
database, no clock. Scores for every seeker are computed with array operations; Python
loops run only over the few rows that are explained (the top ``limit``) and over the
orders of a batch.

How a caller uses it (labour tasks build the inputs from the database):

1. Build a `Vocabulary`: the code tables that give every matrix column and index its
   meaning (skills, certificate schemes, occupation groups, languages, sectors, regencies,
   document stages). Codes are stable strings (skill codes, scheme codes, ISCO-08 group
   codes such as ``"81"`` or ``"816"``, ISO 639-1 language codes, API sector names, BPS
   regency codes).
2. Build a `SeekerMatrix`, one row per job seeker, evaluated by the caller on ``as_of``:
   ``age`` in whole years on ``as_of``; a ``certs`` column is 1 only for a certificate
   valid on ``as_of``; ``doc_stage`` indexes ``Vocabulary.doc_stages`` (the caller maps the
   document checklist to the last stage completed in order); ``regency`` indexes
   ``Vocabulary.regencies`` with -1 for unknown. Keep it in memory and rebuild it in a task.
3. Describe each job order as `JobRequirements` (codes, not database ids). Pass
   ``gender="any"`` unless a rule in force allows a gender restriction for the sector.
4. ``weights = load_weights(yaml.safe_load(Path("data/labour/matching.yaml").read_text()))``.
5. Call `rank_candidates` (one order → best seekers), `matches_for_seeker` (one seeker →
   orders) or `score_matrix` (many orders → sparse seekers × orders matrix of eligible
   pairs, the input of `serumpun.labour.rules.allocation.allocate`).

Hard gates (all must pass; a failure makes ``eligible`` false): not already placed, age in
the order's window, gender (only when the order is not ``"any"``), the seeker's preferred
sectors include the order's sector (no stated preference = any), document stage, every
required certificate held, competence certificate level (KKNI), and years of experience in
the order's occupation group.

Score in 0..1 = weighted mean of the components that apply to the order (weights in
``data/labour/matching.yaml``; a component an order does not use — no required skills, no
language needs, no distance table — drops out and the others are renormalised):

- ``skill``: Σ requirement weight × seeker skill level (0..1) / Σ requirement weights.
- ``experience``: min(years / saturation, 1); years = years in the order's occupation group
  + ``related_experience_factor`` × years in other groups of the same ISCO sub-major group.
- ``cert_level``: min(KKNI level / max(saturation, order's minimum), 1).
- ``language``: mean over the order's language needs of min(level / needed level, 1).
- ``distance``: 1 - min(km / cap, 1); unknown distance scores ``unknown_distance_score``.

Reasons are stable codes with parameters for the caller to translate. Gate failures come
first, then one reason per score component that applies:

=========================  ==========================================  ==============
code                       params                                      kind
=========================  ==========================================  ==============
``already_placed``         –                                           gate
``age_outside_window``     ``age``, ``min``, ``max``                   gate
``gender_restricted``      ``required`` ("female" or "male")           gate
``sector_not_preferred``   ``sector``                                  gate
``documents_incomplete``   ``stage``, ``required`` (stage codes)       gate
``certificate_missing``    ``missing``, ``required`` (counts)          gate
``cert_level_below``       ``level``, ``required``                     gate
``experience_below``       ``years``, ``required``                     gate
``skill_overlap``          ``matched``, ``required`` (counts)          score
``experience``             ``years``, ``occupation`` (group code)      score
``cert_level``             ``level``                                   score
``language``               ``code``, ``level``, ``required``           score
``distance``               ``km`` (rounded)                            score
``distance_unknown``       –                                           score
=========================  ==========================================  ==============

``missing`` lists what the seeker lacks for this order, as codes only (the caller attaches
titles and training courses): required skills below ``skill_present_level`` (kind
``"skill"``), required certificates not held (``"certificate"``) and the document stages
still to complete (``"document"``, codes from ``Vocabulary.doc_stages``).

Scores are computed in float32 and reported rounded to 4 decimals. Ties rank by seeker id
(ascending), then by job order id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating[Any]]
F32Array = npt.NDArray[np.float32]
ReasonParam = int | float | str

GENDERS = ("any", "female", "male")
_ANY, _FEMALE, _MALE = range(len(GENDERS))
COMPONENTS = ("skill", "experience", "cert_level", "language", "distance")
THRESHOLDS = (
    "experience_saturation_years",
    "related_experience_factor",
    "cert_level_saturation",
    "distance_cap_km",
    "unknown_distance_score",
    "skill_present_level",
)
SCORE_DECIMALS = 4
# Sub-major ISCO-08 groups are the first two digits; experience there counts as related.
_SUB_MAJOR_DIGITS = 2
# Working arrays of a batch hold about this many (seeker, order) cells, so a batch of
# orders over 1M seekers stays near 16 MB per float32 array.
_BLOCK_CELLS = 1 << 22
# Python cost of visiting one sparse column, in array elements of the same time.
_COLUMN_OVERHEAD = 5000
# Tie-free selection keys: score quantised to 2^-20 in the high bits, row in the low 32.
_KEY_SCALE = 1 << 20
_ROW_BITS = 32


@dataclass(frozen=True)
class Vocabulary:
    """Code tables giving the columns and indexes of a `SeekerMatrix` their meaning."""

    skills: tuple[str, ...]
    cert_schemes: tuple[str, ...]
    occupation_groups: tuple[str, ...]
    languages: tuple[str, ...]
    sectors: tuple[str, ...]
    regencies: tuple[str, ...]
    doc_stages: tuple[str, ...] = ()

    @cached_property
    def skill_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.skills)}

    @cached_property
    def cert_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.cert_schemes)}

    @cached_property
    def language_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.languages)}

    @cached_property
    def sector_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.sectors)}

    def occupation_group_for(self, isco_code: str) -> int | None:
        """Index of the longest occupation group code that prefixes ``isco_code``."""
        best: int | None = None
        for i, code in enumerate(self.occupation_groups):
            if isco_code.startswith(code) and (
                best is None or len(code) > len(self.occupation_groups[best])
            ):
                best = i
        return best

    def doc_stage_code(self, stage: int) -> str:
        if 0 <= stage < len(self.doc_stages):
            return self.doc_stages[stage]
        return f"stage_{stage}"


@dataclass(frozen=True)
class SeekerMatrix:
    """Job seekers as parallel arrays, one row per seeker, evaluated on the caller's as_of.

    Recommended dtypes (others work, slower): ids int64, age int16, female/placed bool,
    regency int16 (-1 unknown), doc_stage int8, sector_mask int16 (bit i = sector i of the
    vocabulary; 0 = no preference), cert_level int8, languages int8 (n × languages, levels
    0..3), sparse matrices CSR float32 (skills: level 0..1; certs: 1 = valid on as_of;
    experience: years per occupation group), distance_km float32 (NaN unknown) or None.
    Any scipy sparse format works: ranking reads only the columns an order needs from
    column-major copies built on first use and cached on the instance (about 1 s for 1M
    seekers), so build the matrix once, keep it, and rank many orders against it.
    """

    ids: IntArray
    age: IntArray
    female: BoolArray
    regency: IntArray
    placed: BoolArray
    doc_stage: IntArray
    sector_mask: IntArray
    cert_level: IntArray
    certs: Any  # scipy.sparse.csr_matrix, n × len(vocabulary.cert_schemes)
    skills: Any  # scipy.sparse.csr_matrix, n × len(vocabulary.skills)
    experience: Any  # scipy.sparse.csr_matrix, n × len(vocabulary.occupation_groups)
    languages: IntArray
    distance_km: FloatArray | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        columns = (
            self.age,
            self.female,
            self.regency,
            self.placed,
            self.doc_stage,
            self.sector_mask,
            self.cert_level,
        )
        if any(len(column) != n for column in columns):
            raise ValueError("seeker arrays differ in length")
        matrices = (self.certs, self.skills, self.experience, self.languages)
        if any(matrix.shape[0] != n for matrix in matrices):
            raise ValueError("seeker matrices differ in row count")
        if self.distance_km is not None and len(self.distance_km) != n:
            raise ValueError("distance_km differs in length")

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def skills_csc(self) -> Any:
        """Column-major copy of ``skills``, built on first use and kept."""
        return _column_major(self.skills)

    @cached_property
    def certs_csc(self) -> Any:
        return _column_major(self.certs)

    @cached_property
    def experience_csc(self) -> Any:
        return _column_major(self.experience)

    def take(self, rows: IntArray) -> SeekerMatrix:
        """The seekers at ``rows``, in that order."""
        return SeekerMatrix(
            ids=self.ids[rows],
            age=self.age[rows],
            female=self.female[rows],
            regency=self.regency[rows],
            placed=self.placed[rows],
            doc_stage=self.doc_stage[rows],
            sector_mask=self.sector_mask[rows],
            cert_level=self.cert_level[rows],
            certs=self.certs[rows],
            skills=self.skills[rows],
            experience=self.experience[rows],
            languages=self.languages[rows],
            distance_km=None if self.distance_km is None else self.distance_km[rows],
        )

    def check_against(self, vocab: Vocabulary) -> None:
        expected = (
            (self.skills, vocab.skills, "skills"),
            (self.certs, vocab.cert_schemes, "certs"),
            (self.experience, vocab.occupation_groups, "experience"),
            (self.languages, vocab.languages, "languages"),
        )
        for matrix, codes, name in expected:
            if matrix.shape[1] != len(codes):
                raise ValueError(
                    f"{name} has {matrix.shape[1]} columns, vocabulary {len(codes)}"
                )


def _column_major(matrix: Any) -> Any:
    csc = sp.csc_matrix(matrix)
    csc.sum_duplicates()
    return csc


@dataclass(frozen=True)
class JobRequirements:
    """What a job order asks of a seeker, in vocabulary codes."""

    job_order_id: int
    sector: str
    isco_code: str
    age_min: int
    age_max: int
    gender: str = "any"
    required_skills: Mapping[str, float] = field(default_factory=dict)
    required_certs: tuple[str, ...] = ()
    min_doc_stage: int = 0
    min_cert_level: int = 0
    min_experience_years: float = 0.0
    language_needs: Mapping[str, int] = field(default_factory=dict)
    # Per regency index: km to the departure point or training centre; NaN unknown.
    regency_distance_km: FloatArray | None = None

    def __post_init__(self) -> None:
        if self.gender not in GENDERS:
            raise ValueError(f"gender must be one of {GENDERS}")
        if self.age_min > self.age_max:
            raise ValueError("age_min is above age_max")
        if any(weight < 0 for weight in self.required_skills.values()):
            raise ValueError("skill weights must not be negative")
        if any(level <= 0 for level in self.language_needs.values()):
            raise ValueError("language levels must be positive")


@dataclass(frozen=True)
class MatchingWeights:
    """Component weights and thresholds, from ``data/labour/matching.yaml``."""

    skill: float
    experience: float
    cert_level: float
    language: float
    distance: float
    experience_saturation_years: float
    related_experience_factor: float
    cert_level_saturation: float
    distance_cap_km: float
    unknown_distance_score: float
    skill_present_level: float


@dataclass(frozen=True)
class Reason:
    """A stable reason code with parameters; the caller translates it."""

    code: str
    params: Mapping[str, ReasonParam] = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    """Something a seeker lacks for an order: kind is skill, certificate or document."""

    kind: str
    code: str


@dataclass(frozen=True)
class Candidate:
    """One seeker ranked for one job order."""

    seeker_id: int
    score: float
    eligible: bool
    reasons: tuple[Reason, ...]
    missing: tuple[Missing, ...]


@dataclass(frozen=True)
class Match:
    """One job order ranked for one seeker."""

    job_order_id: int
    score: float
    eligible: bool
    reasons: tuple[Reason, ...]
    missing: tuple[Missing, ...]


def load_weights(data: Mapping[str, Any]) -> MatchingWeights:
    """Weights and thresholds from the parsed ``matching.yaml`` (``{value, reason}`` items)."""

    def value(section: str, name: str) -> float:
        try:
            number = float(data[section][name]["value"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"matching data lacks a number at {section}.{name}"
            ) from error
        if not np.isfinite(number) or number < 0:
            raise ValueError(f"{section}.{name} must be a finite number ≥ 0")
        return number

    weights = MatchingWeights(
        **{name: value("weights", name) for name in COMPONENTS},
        **{name: value("thresholds", name) for name in THRESHOLDS},
    )
    if sum(getattr(weights, name) for name in COMPONENTS) <= 0:
        raise ValueError("at least one component weight must be positive")
    if weights.experience_saturation_years <= 0 or weights.distance_cap_km <= 0:
        raise ValueError("saturation years and distance cap must be positive")
    if weights.cert_level_saturation <= 0:
        raise ValueError("cert_level_saturation must be positive")
    return weights


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


# --- ranking --------------------------------------------------------------------------


def _tie_free_key(
    score: F32Array, ids: IntArray | None = None
) -> npt.NDArray[np.int64]:
    """Scores as distinct integers, ties broken by smaller id (or earlier row): selection
    among many equal floats is pathologically slow in numpy's introselect."""
    quantised = np.rint(score * np.float32(_KEY_SCALE)).astype(np.int64)
    if ids is None or len(ids) == 0 or ids.min() < 0 or ids.max() >= 1 << _ROW_BITS:
        ids = np.arange(len(score), dtype=np.int64)
    key: npt.NDArray[np.int64] = (quantised << _ROW_BITS) - ids.astype(np.int64)
    return key


def _top_rows(score: F32Array, ids: IntArray, limit: int) -> IntArray:
    """Rows of the ``limit`` best scores, best first, ties by smaller id.

    Scores closer than 2^-20 count as tied at the cut-off; ids of 2^32 and more fall back
    to row order there.
    """
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    if limit < len(score):
        cut = len(score) - limit
        rows = np.argpartition(_tie_free_key(score, ids), cut)[cut:]
    else:
        rows = np.arange(len(score))
    order = np.lexsort((ids[rows], -score[rows]))
    return rows[order]


def _pick(
    score: F32Array,
    eligible: BoolArray,
    ids: IntArray,
    limit: int,
    include_ineligible: bool,
) -> IntArray:
    """Rows to report: the best eligible ones, then (if asked) the best ineligible ones."""
    passing = np.flatnonzero(eligible)
    rows = passing[_top_rows(score[passing], ids[passing], limit)]
    if include_ineligible and len(rows) < limit:
        failing = np.flatnonzero(~eligible)
        more = failing[_top_rows(score[failing], ids[failing], limit - len(rows))]
        rows = np.concatenate([rows, more])
    return rows


def _explain(
    batch: _Batch, seekers: SeekerMatrix, vocab: Vocabulary, weights: MatchingWeights
) -> list[list[tuple[tuple[Reason, ...], tuple[Missing, ...]]]]:
    """Reasons and missing items for every (seeker, order) of a small batch: [row][order]."""
    explainer = _Explainer(batch, seekers, vocab, weights)
    return [
        [explainer.explain(row, j) for j in range(batch.size)]
        for row in range(seekers.size)
    ]


class _Explainer:
    """Turns the gate masks and components of a small batch into reasons and missing items."""

    def __init__(
        self,
        batch: _Batch,
        seekers: SeekerMatrix,
        vocab: Vocabulary,
        weights: MatchingWeights,
    ) -> None:
        self.batch, self.seekers, self.vocab, self.weights = (
            batch,
            seekers,
            vocab,
            weights,
        )
        self.years = _experience_years(batch, seekers)
        self.gates = _gates(batch, seekers, self.years)
        self.km = _components(batch, seekers, weights, self.years)["_km"]
        self.skills = seekers.skills.tocsr()
        self.certs = seekers.certs.tocsr()

    def explain(
        self, row: int, j: int
    ) -> tuple[tuple[Reason, ...], tuple[Missing, ...]]:
        req = self.batch.reqs[j]
        span = slice(self.skills.indptr[row], self.skills.indptr[row + 1])
        levels = dict(
            zip(
                self.skills.indices[span].tolist(),
                self.skills.data[span].tolist(),
                strict=True,
            )
        )
        span = slice(self.certs.indptr[row], self.certs.indptr[row + 1])
        held = set(self.certs.indices[span][self.certs.data[span] > 0].tolist())
        present = self.weights.skill_present_level
        lacking = [
            code
            for code in req.required_skills
            if levels.get(self.vocab.skill_index.get(code, -1), 0.0) < present
        ]
        missing = [Missing("skill", code) for code in lacking]
        missing += [
            Missing("certificate", code)
            for code in req.required_certs
            if self.vocab.cert_index.get(code, -1) not in held
        ]
        certs_missing = len(missing) - len(lacking)
        stage = int(self.seekers.doc_stage[row])
        missing += [
            Missing("document", self.vocab.doc_stage_code(s))
            for s in range(stage + 1, req.min_doc_stage + 1)
        ]
        reasons = self._gate_reasons(row, j, certs_missing)
        if req.required_skills:
            matched = len(req.required_skills) - len(lacking)
            required = len(req.required_skills)
            reasons.append(
                Reason("skill_overlap", {"matched": matched, "required": required})
            )
        reasons += self._score_reasons(row, j)
        return tuple(reasons), tuple(missing)

    def _gate_reasons(self, row: int, j: int, certs_missing: int) -> list[Reason]:
        req, seekers, vocab = self.batch.reqs[j], self.seekers, self.vocab
        params: dict[str, Mapping[str, ReasonParam]] = {
            "already_placed": {},
            "age_outside_window": {
                "age": int(seekers.age[row]),
                "min": req.age_min,
                "max": req.age_max,
            },
            "gender_restricted": {"required": req.gender},
            "sector_not_preferred": {"sector": req.sector},
            "documents_incomplete": {
                "stage": vocab.doc_stage_code(int(seekers.doc_stage[row])),
                "required": vocab.doc_stage_code(req.min_doc_stage),
            },
            "certificate_missing": {
                "missing": certs_missing,
                "required": len(req.required_certs),
            },
            "cert_level_below": {
                "level": int(seekers.cert_level[row]),
                "required": req.min_cert_level,
            },
            "experience_below": {
                "years": round(float(self.years[row, j]), 1),
                "required": req.min_experience_years,
            },
        }
        return [
            Reason(code, params[code])
            for code, passes in self.gates.items()
            if not passes[row, j]
        ]

    def _score_reasons(self, row: int, j: int) -> list[Reason]:
        req = self.batch.reqs[j]
        years = round(float(self.years[row, j]), 1)
        occupation = self.batch.occupations[j]
        reasons = [
            Reason("experience", {"years": years, "occupation": occupation}),
            Reason("cert_level", {"level": int(self.seekers.cert_level[row])}),
        ]
        for code, needed in req.language_needs.items():
            col = self.vocab.language_index.get(code)
            level = 0 if col is None else int(self.seekers.languages[row, col])
            reasons.append(
                Reason("language", {"code": code, "level": level, "required": needed})
            )
        if req.regency_distance_km is not None or self.batch.seeker_distance[j]:
            km = float(self.km[row, j])
            if np.isnan(km):
                reasons.append(Reason("distance_unknown"))
            else:
                reasons.append(Reason("distance", {"km": round(km)}))
        return reasons


def rank_candidates(
    req: JobRequirements,
    seekers: SeekerMatrix,
    vocab: Vocabulary,
    weights: MatchingWeights,
    *,
    limit: int = 50,
    include_ineligible: bool = False,
) -> list[Candidate]:
    """The best ``limit`` seekers for one job order, eligible ones first, best score first.

    With ``include_ineligible`` the list is filled up with the best ineligible seekers
    (their reasons say which gate failed and ``missing`` what to train or file).
    """
    if limit < 1 or seekers.size == 0:
        return []
    seekers.check_against(vocab)
    batch = _compile(
        [req], vocab, weights, seeker_distance_known=seekers.distance_km is not None
    )
    score, eligible = _evaluate(batch, seekers, weights)
    score, eligible = score[:, 0], eligible[:, 0]
    rows = _pick(score, eligible, seekers.ids, limit, include_ineligible)
    top = seekers.take(rows)
    explained = _explain(batch, top, vocab, weights)
    return [
        Candidate(
            seeker_id=int(top.ids[i]),
            score=round(float(score[row]), SCORE_DECIMALS),
            eligible=bool(eligible[row]),
            reasons=explained[i][0][0],
            missing=explained[i][0][1],
        )
        for i, row in enumerate(rows.tolist())
    ]


def matches_for_seeker(
    seeker_index: int,
    reqs: Sequence[JobRequirements],
    seekers: SeekerMatrix,
    vocab: Vocabulary,
    weights: MatchingWeights,
    *,
    limit: int = 50,
    include_ineligible: bool = True,
) -> list[Match]:
    """The best ``limit`` job orders for the seeker at row ``seeker_index``.

    Eligible orders come first, best score first; ineligible ones follow (when included)
    with the gates they fail and what is missing, which drives training recommendations.
    Pass only orders the seeker may see (endorsed, legal, open).
    """
    if limit < 1 or not reqs:
        return []
    seekers.check_against(vocab)
    one = seekers.take(np.array([seeker_index]))
    scores: list[F32Array] = []
    eligibles: list[BoolArray] = []
    for chunk in _batches(reqs, one, vocab):
        batch = _compile(
            chunk, vocab, weights, seeker_distance_known=one.distance_km is not None
        )
        score, eligible = _evaluate(batch, one, weights)
        scores.append(score[0])
        eligibles.append(eligible[0])
    score = np.concatenate(scores)
    eligible = np.concatenate(eligibles)
    key = (
        score + eligible
        if include_ineligible
        else np.where(eligible, score, np.float32(-1))
    )
    order_ids = np.array([r.job_order_id for r in reqs], dtype=np.int64)
    picks = _top_rows(key, order_ids, limit)
    if not include_ineligible:
        picks = picks[key[picks] >= 0]
    chosen = [reqs[j] for j in picks.tolist()]
    if not chosen:
        return []
    batch = _compile(
        chosen, vocab, weights, seeker_distance_known=one.distance_km is not None
    )
    explained = _explain(batch, one, vocab, weights)[0]
    return [
        Match(
            job_order_id=req.job_order_id,
            score=round(float(score[j]), SCORE_DECIMALS),
            eligible=bool(eligible[j]),
            reasons=explained[i][0],
            missing=explained[i][1],
        )
        for i, (j, req) in enumerate(zip(picks.tolist(), chosen, strict=True))
    ]


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
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[F32Array] = []
    start = 0
    for chunk in _batches(reqs, seekers, vocab):
        batch = _compile(
            chunk, vocab, weights, seeker_distance_known=seekers.distance_km is not None
        )
        score, eligible = _evaluate(batch, seekers, weights)
        # Orders along rows so each order's seekers are contiguous.
        passing = np.ascontiguousarray(eligible.T)
        by_order = np.ascontiguousarray(score.T)
        for j in range(batch.size):
            found = np.flatnonzero(passing[j])
            found_scores = by_order[j, found]
            if top_n is not None and len(found) > top_n:
                cut = len(found) - top_n
                best = np.argpartition(_tie_free_key(found_scores), cut)[cut:]
                found, found_scores = found[best], found_scores[best]
            rows.append(found)
            cols.append(np.full(len(found), start + j))
            vals.append(found_scores)
        start += batch.size
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    val = np.concatenate(vals) if vals else np.zeros(0, dtype=np.float32)
    if seeker_top is not None:
        keep = _best_per_group(row, val, seeker_top)
        row, col, val = row[keep], col[keep], val[keep]
    return sp.csr_matrix(
        (val, (row, col)), shape=(seekers.size, len(reqs)), dtype=np.float32
    )


def _best_per_group(group: IntArray, value: F32Array, count: int) -> IntArray:
    """Indexes of each group's ``count`` largest values."""
    order = np.lexsort((-value, group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.arange(len(order)) - first
    return np.sort(order[rank < count])
