"""Feature arrays for the matching engine, built from the database in a constant number of
queries (values_list over whole tables, no per-row queries).

`seeker_features(as_of=...)` answers the matching `Vocabulary` and `SeekerMatrix` of every active
seeker; `job_requirements(orders, vocab)` describes job orders in vocabulary codes. At national
scale a task would build the matrix once and keep it in memory; the code is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import yaml
from django.conf import settings
from django.db.models import Q

from serumpun.core.models import Regency
from serumpun.labour.models import (
    JobOrder,
    JobOrderSkill,
    Sector,
    Seeker,
    SeekerCertificate,
    SeekerDocument,
    SeekerExperience,
    SeekerSkill,
    Skill,
)
from serumpun.labour.reference import document_checklist
from serumpun.labour.rules.matching import (
    JobRequirements,
    MatchingWeights,
    SeekerMatrix,
    Vocabulary,
    load_weights,
)

#: languages the matrix has a column for (ISO 639-1); levels 0..3
LANGUAGES = ("id", "en", "ms")
MAX_LANGUAGE_LEVEL = 3
NO_DOCUMENTS = "none"


def doc_stage_codes() -> tuple[str, ...]:
    """Vocabulary of document stages: "none", then one code per checklist stage."""
    stages = sorted({int(doc["stage"]) for doc in document_checklist()})
    return (NO_DOCUMENTS, *(f"documents_stage_{stage}" for stage in stages))


def documents_of_stage(code: str) -> list[dict[str, Any]]:
    """The checklist documents belonging to a stage code."""
    if not code.startswith("documents_stage_"):
        return []
    stage = int(code.rsplit("_", 1)[1])
    return [doc for doc in document_checklist() if int(doc["stage"]) == stage]


@cache
def _weights(path: str, mtime: float) -> MatchingWeights:
    return load_weights(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def matching_weights() -> MatchingWeights:
    """Weights and thresholds of data/labour/matching.yaml (re-read when the file changes)."""
    path = Path(settings.DATA_DIR) / "labour" / "matching.yaml"
    return _weights(str(path), path.stat().st_mtime)


def matching_settings() -> dict[str, Any]:
    """The raw matching.yaml (allocation defaults and the like)."""
    path = Path(settings.DATA_DIR) / "labour" / "matching.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class SeekerFeatures:
    """The vocabulary and the seeker matrix, plus the database id of each row."""

    vocab: Vocabulary
    matrix: SeekerMatrix
    row_of: dict[int, int]  # seeker id → row


def _ages(birth_dates: Sequence[date], as_of: date) -> np.ndarray:
    if not birth_dates:
        return np.zeros(0, dtype=np.int16)
    parts = np.array([(d.year, d.month, d.day) for d in birth_dates], dtype=np.int32)
    before_birthday = (parts[:, 1] > as_of.month) | (
        (parts[:, 1] == as_of.month) & (parts[:, 2] > as_of.day)
    )
    return (as_of.year - parts[:, 0] - before_birthday).astype(np.int16)


def _sparse(
    rows: list[int], cols: list[int], values: list[float], shape: tuple[int, int]
) -> Any:
    matrix = sp.csr_matrix(
        (np.asarray(values, dtype=np.float32), (rows, cols)), shape=shape
    )
    matrix.sum_duplicates()
    return matrix


def seeker_features(
    *,
    as_of: date,
    seekers: Iterable[int] | None = None,
    extra_cert_schemes: Iterable[str] = (),
    extra_occupations: Iterable[str] = (),
) -> SeekerFeatures:
    """Vocabulary and matrix of active seekers (or only the ids given), evaluated on `as_of`."""
    base = Seeker.objects.active()
    if seekers is not None:
        base = base.filter(pk__in=list(seekers))
    people = list(
        base.order_by("pk").values_list(
            "pk",
            "birth_date",
            "gender",
            "regency_id",
            "placed",
            "preferred_sectors",
            "languages",
        )
    )
    ids = [p[0] for p in people]
    row_of = {pk: i for i, pk in enumerate(ids)}
    n = len(ids)
    related = (
        Q(seeker_id__in=ids)
        if seekers is not None
        else Q(
            seeker__consent_withdrawn_at__isnull=True,
            seeker__anonymised_at__isnull=True,
        )
    )
    skill_codes = tuple(Skill.objects.order_by("code").values_list("code", flat=True))
    skill_index = {code: i for i, code in enumerate(skill_codes)}
    skills = list(
        SeekerSkill.objects.filter(related).values_list(
            "seeker_id", "skill__code", "level"
        )
    )
    certs = list(
        SeekerCertificate.objects.filter(related).values_list(
            "seeker_id", "scheme", "level", "valid_until"
        )
    )
    experience = list(
        SeekerExperience.objects.filter(related).values_list(
            "seeker_id", "isco_code", "years"
        )
    )
    verified = list(
        SeekerDocument.objects.filter(
            related, status=SeekerDocument.Status.VERIFIED
        ).values_list("seeker_id", "kind")
    )
    regencies = tuple(Regency.objects.order_by("code").values_list("code", flat=True))
    regency_index = {code: i for i, code in enumerate(regencies)}
    schemes = tuple(sorted({c[1] for c in certs} | set(extra_cert_schemes)))
    scheme_index = {code: i for i, code in enumerate(schemes)}
    groups = tuple(sorted({e[1] for e in experience} | set(extra_occupations)))
    group_index = {code: i for i, code in enumerate(groups)}
    sectors = tuple(Sector.values)
    sector_index = {code: i for i, code in enumerate(sectors)}
    stage_codes = doc_stage_codes()
    vocab = Vocabulary(
        skills=skill_codes,
        cert_schemes=schemes,
        occupation_groups=groups,
        languages=LANGUAGES,
        sectors=sectors,
        regencies=regencies,
        doc_stages=stage_codes,
    )

    languages = np.zeros((n, len(LANGUAGES)), dtype=np.int8)
    sector_mask = np.zeros(n, dtype=np.int16)
    for i, person in enumerate(people):
        for code in person[5] or ():
            if code in sector_index:
                sector_mask[i] |= 1 << sector_index[code]
        for entry in person[6] or ():
            if isinstance(entry, dict) and entry.get("code") in LANGUAGES:
                level = min(int(entry.get("level") or 0), MAX_LANGUAGE_LEVEL)
                languages[i, LANGUAGES.index(entry["code"])] = level

    valid = [c for c in certs if c[3] is None or c[3] >= as_of]
    cert_level = np.zeros(n, dtype=np.int8)
    for seeker_id, _scheme, level, _until in valid:
        row = row_of.get(seeker_id)
        if row is not None:
            cert_level[row] = max(cert_level[row], level)

    kinds_by_row: dict[int, set[str]] = {}
    for seeker_id, kind in verified:
        if seeker_id in row_of:
            kinds_by_row.setdefault(row_of[seeker_id], set()).add(kind)
    stage_of_kind = {doc["kind"]: int(doc["stage"]) for doc in document_checklist()}
    doc_stage = np.zeros(n, dtype=np.int8)
    for row, kinds in kinds_by_row.items():
        doc_stage[row] = _stage_reached(kinds, stage_of_kind)

    def coo(
        entries: Iterable[tuple[int, str, Any]], index: dict[str, int]
    ) -> tuple[list[int], list[int], list[float]]:
        rows, cols, values = [], [], []
        for seeker_id, code, value in entries:
            if seeker_id in row_of and code in index:
                rows.append(row_of[seeker_id])
                cols.append(index[code])
                values.append(float(value))
        return rows, cols, values

    matrix = SeekerMatrix(
        ids=np.asarray(ids, dtype=np.int64),
        age=_ages([p[1] for p in people], as_of),
        female=np.asarray([p[2] == "female" for p in people], dtype=bool),
        regency=np.asarray(
            [regency_index.get(p[3], -1) for p in people], dtype=np.int16
        ),
        placed=np.asarray([p[4] for p in people], dtype=bool),
        doc_stage=doc_stage,
        sector_mask=sector_mask,
        cert_level=cert_level,
        certs=_sparse(
            *coo(((c[0], c[1], 1.0) for c in valid), scheme_index), (n, len(schemes))
        ),
        skills=_sparse(*coo(skills, skill_index), (n, len(skill_codes))),
        experience=_sparse(*coo(experience, group_index), (n, len(groups))),
        languages=languages,
    )
    return SeekerFeatures(vocab=vocab, matrix=matrix, row_of=row_of)


def _stage_reached(kinds: set[str], stage_of_kind: dict[str, int]) -> int:
    """Index into doc_stage_codes(): 0 none, i = checklist stages up to the i-th complete."""
    stages = sorted(set(stage_of_kind.values()))
    reached = 0
    for i, stage in enumerate(stages, start=1):
        needed = {kind for kind, s in stage_of_kind.items() if s == stage}
        if not needed <= kinds:
            break
        reached = i
    return reached


def _distance_table(vocab: Vocabulary) -> np.ndarray | None:
    """Road km from each regency to Bandar Lampung/Panjang (the BP3MI departure point)."""
    km = dict(Regency.objects.values_list("code", "road_km_to_panjang"))
    table = np.array(
        [np.nan if km.get(code) is None else km[code] for code in vocab.regencies],
        dtype=np.float32,
    )
    return None if np.isnan(table).all() else table


def job_requirements(
    orders: Sequence[JobOrder], vocab: Vocabulary
) -> list[JobRequirements]:
    """The orders as matching requirements (one query for all their skills).

    An order's gender restriction is honoured only because an order reaches matching after
    the compliance rules accepted it; `doc_stage` counts checklist stages, as in the matrix.
    """
    weights: dict[int, dict[str, float]] = {}
    for order_id, code, weight in JobOrderSkill.objects.filter(
        job_order__in=[o.pk for o in orders]
    ).values_list("job_order_id", "skill__code", "weight"):
        weights.setdefault(order_id, {})[code] = float(weight)
    distance = _distance_table(vocab)
    return [
        JobRequirements(
            job_order_id=order.pk,
            sector=order.sector,
            isco_code=order.isco_code,
            age_min=order.age_min,
            age_max=order.age_max,
            gender=order.gender,
            required_skills=weights.get(order.pk, {}),
            required_certs=tuple(order.required_certificates or ()),
            min_doc_stage=min(order.min_document_stage, len(vocab.doc_stages) - 1),
            regency_distance_km=distance,
        )
        for order in orders
    ]


def features_for_orders(
    orders: Sequence[JobOrder], *, as_of: date, seekers: Iterable[int] | None = None
) -> tuple[SeekerFeatures, list[JobRequirements]]:
    """Seeker features whose vocabulary covers the orders' certificates and occupations."""
    features = seeker_features(
        as_of=as_of,
        seekers=seekers,
        extra_cert_schemes={c for o in orders for c in (o.required_certificates or ())},
        extra_occupations={o.isco_code for o in orders},
    )
    return features, job_requirements(orders, features.vocab)


@dataclass(frozen=True)
class AllocationInputs:
    """Scores of eligible pairs (seekers × orders) and each order's quota."""

    scores: Any  # scipy.sparse.csr_matrix
    quotas: np.ndarray
    seeker_ids: np.ndarray
    job_order_ids: np.ndarray


def allocation_inputs(orders: Sequence[JobOrder], *, as_of: date) -> AllocationInputs:
    """Everything `rules.allocation.allocate` needs, for these orders and all active seekers."""
    from serumpun.labour.rules.allocation import load_allocation_settings
    from serumpun.labour.rules.matching import score_matrix

    features, reqs = features_for_orders(orders, as_of=as_of)
    limits = load_allocation_settings(matching_settings())
    if not reqs or features.matrix.size == 0:
        scores = sp.csr_matrix((features.matrix.size, len(reqs)), dtype=np.float32)
    else:
        scores = score_matrix(
            reqs,
            features.matrix,
            features.vocab,
            matching_weights(),
            top_n=limits.candidates_per_order,
            seeker_top=limits.orders_per_seeker,
        )
    return AllocationInputs(
        scores=scores,
        quotas=np.asarray([o.workers_needed for o in orders], dtype=np.int64),
        seeker_ids=features.matrix.ids,
        job_order_ids=np.asarray([o.pk for o in orders], dtype=np.int64),
    )
