"""The matching engine's inputs and outputs: vocabulary, seeker matrix, requirements,
weights, and the ranked candidates and matches with their reasons."""

from __future__ import annotations

from collections.abc import Mapping
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
