"""Matching engine: gates, scores, reasons, missing items, and the vectorised maths
checked against a plain-Python reading of the documented formulas."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serumpun.labour.rules.matching import (
    JobRequirements,
    Missing,
    Reason,
    SeekerMatrix,
    Vocabulary,
    load_weights,
    matches_for_seeker,
    rank_candidates,
    score_matrix,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "labour" / "matching.yaml"
WEIGHTS = load_weights(yaml.safe_load(DATA.read_text()))

VOCAB = Vocabulary(
    skills=("weld", "forklift", "pack", "haccp"),
    cert_schemes=("BNSP-WELD", "BNSP-FOOD"),
    occupation_groups=("721", "816", "812", "932"),
    languages=("id", "en", "ms"),
    sectors=("manufacturing", "construction", "plantation"),
    regencies=("1801", "1802", "1803"),
    doc_stages=("none", "ktp", "passport", "medical"),
)


def seeker(**fields: Any) -> dict[str, Any]:
    """A seeker row that passes every gate of `REQ`, with overrides."""
    row: dict[str, Any] = {
        "id": 1,
        "age": 30,
        "female": False,
        "regency": 0,
        "placed": False,
        "doc_stage": 3,
        "sectors": (),
        "cert_level": 3,
        "certs": ("BNSP-FOOD",),
        "skills": {"pack": 1.0, "haccp": 1.0},
        "experience": {"816": 3.0},
        "languages": {"id": 3, "ms": 2},
        "distance_km": None,
    }
    row.update(fields)
    return row


def build(rows: list[dict[str, Any]], vocab: Vocabulary = VOCAB) -> SeekerMatrix:
    def sparse(key: str, codes: tuple[str, ...]) -> Any:
        matrix = np.zeros((len(rows), len(codes)), dtype=np.float32)
        for i, row in enumerate(rows):
            values = row[key]
            items = (
                values.items()
                if isinstance(values, dict)
                else ((c, 1.0) for c in values)
            )
            for code, value in items:
                matrix[i, codes.index(code)] = value
        return sp.csr_matrix(matrix)

    languages = np.zeros((len(rows), len(vocab.languages)), dtype=np.int8)
    for i, row in enumerate(rows):
        for code, level in row["languages"].items():
            languages[i, vocab.languages.index(code)] = level
    distances = [row["distance_km"] for row in rows]
    return SeekerMatrix(
        ids=np.array([row["id"] for row in rows], dtype=np.int64),
        age=np.array([row["age"] for row in rows], dtype=np.int16),
        female=np.array([row["female"] for row in rows], dtype=bool),
        regency=np.array([row["regency"] for row in rows], dtype=np.int16),
        placed=np.array([row["placed"] for row in rows], dtype=bool),
        doc_stage=np.array([row["doc_stage"] for row in rows], dtype=np.int8),
        sector_mask=np.array(
            [sum(1 << vocab.sectors.index(s) for s in row["sectors"]) for row in rows],
            dtype=np.int16,
        ),
        cert_level=np.array([row["cert_level"] for row in rows], dtype=np.int8),
        certs=sparse("certs", vocab.cert_schemes),
        skills=sparse("skills", vocab.skills),
        experience=sparse("experience", vocab.occupation_groups),
        languages=languages,
        distance_km=None
        if all(d is None for d in distances)
        else np.array(
            [np.nan if d is None else d for d in distances], dtype=np.float32
        ),
    )


REQ = JobRequirements(
    job_order_id=7,
    sector="manufacturing",
    isco_code="8160",
    age_min=18,
    age_max=45,
    required_skills={"pack": 1.0, "haccp": 1.0},
    required_certs=("BNSP-FOOD",),
    min_doc_stage=2,
    min_cert_level=1,
    min_experience_years=1.0,
    language_needs={"ms": 1},
)


def only(req: JobRequirements, row: dict[str, Any], **options: Any) -> Any:
    candidates = rank_candidates(
        req, build([row]), VOCAB, WEIGHTS, include_ineligible=True, **options
    )
    assert len(candidates) == 1
    return candidates[0]


def codes(candidate: Any) -> list[str]:
    return [reason.code for reason in candidate.reasons]


def test_a_seeker_meeting_every_requirement_is_eligible_with_a_full_score() -> None:
    candidate = only(REQ, seeker())
    assert candidate.eligible
    assert candidate.score == 1.0
    assert candidate.missing == ()
    assert codes(candidate) == ["skill_overlap", "experience", "cert_level", "language"]
    assert candidate.reasons[0] == Reason(
        "skill_overlap", {"matched": 2, "required": 2}
    )


@pytest.mark.parametrize(
    ("override", "req_change", "gate"),
    [
        ({"placed": True}, {}, "already_placed"),
        ({"age": 17}, {}, "age_outside_window"),
        ({"age": 46}, {}, "age_outside_window"),
        ({"female": False}, {"gender": "female"}, "gender_restricted"),
        ({"female": True}, {"gender": "male"}, "gender_restricted"),
        ({"sectors": ("plantation",)}, {}, "sector_not_preferred"),
        ({"doc_stage": 1}, {}, "documents_incomplete"),
        ({"certs": ()}, {}, "certificate_missing"),
        ({"cert_level": 0}, {}, "cert_level_below"),
        ({"experience": {"816": 0.5}}, {}, "experience_below"),
    ],
)
def test_each_hard_gate_makes_a_seeker_ineligible_and_says_why(
    override: dict[str, Any], req_change: dict[str, Any], gate: str
) -> None:
    candidate = only(replace(REQ, **req_change), seeker(**override))
    assert not candidate.eligible
    assert codes(candidate)[0] == gate


@pytest.mark.parametrize(
    ("override", "req_change"),
    [
        ({"age": 18}, {}),
        ({"age": 45}, {}),
        ({"female": True}, {"gender": "female"}),
        ({"female": True}, {"gender": "any"}),
        ({"sectors": ("plantation", "manufacturing")}, {}),
        ({"sectors": ()}, {}),
        ({"doc_stage": 2}, {}),
        ({"cert_level": 1}, {}),
        ({"experience": {"816": 1.0}}, {}),
        # Two years in a sibling group (812) count half: exactly the one year required.
        ({"experience": {"812": 2.0}}, {}),
    ],
)
def test_boundaries_of_the_gates_pass(
    override: dict[str, Any], req_change: dict[str, Any]
) -> None:
    assert only(replace(REQ, **req_change), seeker(**override)).eligible


def test_gate_reasons_carry_parameters_for_translation() -> None:
    candidate = only(REQ, seeker(age=50, doc_stage=1, certs=()))
    reasons = {reason.code: reason.params for reason in candidate.reasons}
    assert reasons["age_outside_window"] == {"age": 50, "min": 18, "max": 45}
    assert reasons["documents_incomplete"] == {"stage": "ktp", "required": "passport"}
    assert reasons["certificate_missing"] == {"missing": 1, "required": 1}


def test_missing_lists_skills_certificates_and_document_stages() -> None:
    candidate = only(
        replace(REQ, min_doc_stage=3),
        seeker(skills={"pack": 0.4}, certs=(), doc_stage=1),
    )
    assert candidate.missing == (
        Missing("skill", "pack"),
        Missing("skill", "haccp"),
        Missing("certificate", "BNSP-FOOD"),
        Missing("document", "passport"),
        Missing("document", "medical"),
    )


def test_a_requirement_outside_the_vocabulary_is_missing_for_everyone() -> None:
    req = replace(REQ, required_certs=("BNSP-UNKNOWN",), required_skills={"sew": 1.0})
    candidate = only(req, seeker())
    assert not candidate.eligible
    assert Missing("certificate", "BNSP-UNKNOWN") in candidate.missing
    assert Missing("skill", "sew") in candidate.missing


def test_more_required_skills_rank_higher() -> None:
    rows = [
        seeker(id=1, skills={"pack": 1.0}),
        seeker(id=2, skills={"pack": 1.0, "haccp": 1.0}),
        seeker(id=3, skills={}),
    ]
    ranked = rank_candidates(REQ, build(rows), VOCAB, WEIGHTS)
    assert [c.seeker_id for c in ranked] == [2, 1, 3]


def test_experience_saturates() -> None:
    three = only(REQ, seeker(experience={"816": 3.0})).score
    ten = only(REQ, seeker(experience={"816": 10.0})).score
    two = only(REQ, seeker(experience={"816": 2.0})).score
    assert three == ten
    assert two < three


def test_closer_seekers_score_higher_and_unknown_distance_is_neutral() -> None:
    req = replace(
        REQ, regency_distance_km=np.array([10.0, 250.0, np.nan], dtype=np.float32)
    )
    near = only(req, seeker(regency=0))
    far = only(req, seeker(regency=1))
    unknown = only(req, seeker(regency=-1))
    assert near.score > far.score
    assert {"km": 10} in [r.params for r in near.reasons if r.code == "distance"]
    assert "distance_unknown" in codes(unknown)
    assert "distance_unknown" in codes(only(req, seeker(regency=2)))


def test_language_below_the_need_lowers_the_score() -> None:
    fluent = only(REQ, seeker(languages={"ms": 2}))
    none = only(REQ, seeker(languages={"id": 3}))
    assert fluent.score > none.score
    assert Reason("language", {"code": "ms", "level": 0, "required": 1}) in none.reasons


def test_unused_components_drop_out_and_the_rest_renormalise() -> None:
    plain = JobRequirements(
        job_order_id=1, sector="manufacturing", isco_code="8160", age_min=18, age_max=45
    )
    candidate = only(plain, seeker(skills={}, languages={}))
    assert candidate.score == 1.0
    assert codes(candidate) == ["experience", "cert_level"]


def test_ineligible_seekers_are_left_out_unless_asked_and_then_come_last() -> None:
    rows = [seeker(id=1, skills={}), seeker(id=2, placed=True), seeker(id=3)]
    seekers = build(rows)
    assert [c.seeker_id for c in rank_candidates(REQ, seekers, VOCAB, WEIGHTS)] == [
        3,
        1,
    ]
    everyone = rank_candidates(REQ, seekers, VOCAB, WEIGHTS, include_ineligible=True)
    assert [(c.seeker_id, c.eligible) for c in everyone] == [
        (3, True),
        (1, True),
        (2, False),
    ]


def test_limit_and_ties_break_by_seeker_id() -> None:
    rows = [seeker(id=i) for i in (9, 4, 7, 5)]
    ranked = rank_candidates(REQ, build(rows), VOCAB, WEIGHTS, limit=3)
    assert [c.seeker_id for c in ranked] == [4, 5, 7]


def test_matches_for_seeker_lists_orders_best_first_with_what_is_missing() -> None:
    reqs = [
        replace(REQ, job_order_id=1, required_skills={"weld": 1.0}),
        replace(REQ, job_order_id=2),
        replace(REQ, job_order_id=3, required_certs=("BNSP-WELD",)),
    ]
    matches = matches_for_seeker(0, reqs, build([seeker()]), VOCAB, WEIGHTS)
    assert [(m.job_order_id, m.eligible) for m in matches] == [
        (2, True),
        (1, True),
        (3, False),
    ]
    assert matches[1].missing == (Missing("skill", "weld"),)
    assert Missing("certificate", "BNSP-WELD") in matches[2].missing
    only_eligible = matches_for_seeker(
        0, reqs, build([seeker()]), VOCAB, WEIGHTS, include_ineligible=False
    )
    assert [m.job_order_id for m in only_eligible] == [2, 1]


def test_score_matrix_keeps_eligible_pairs_best_per_order_and_per_seeker() -> None:
    rows = [
        seeker(id=1),
        seeker(id=2, skills={"pack": 1.0}),
        seeker(id=3, placed=True),
        seeker(id=4, skills={}),
    ]
    reqs = [
        replace(REQ, job_order_id=10),
        replace(REQ, job_order_id=11, required_skills={"pack": 1.0}),
    ]
    full = score_matrix(reqs, build(rows), VOCAB, WEIGHTS, top_n=None).toarray()
    assert full[2].tolist() == [0, 0]  # placed: no eligible pair
    assert full[0, 0] == pytest.approx(1.0)
    top = score_matrix(reqs, build(rows), VOCAB, WEIGHTS, top_n=2)
    assert top.getnnz(axis=0).tolist() == [2, 2]
    assert sorted(top[:, 0].nonzero()[0].tolist()) == [0, 1]
    per_seeker = score_matrix(
        reqs, build(rows), VOCAB, WEIGHTS, top_n=None, seeker_top=1
    )
    assert per_seeker.getnnz(axis=1).tolist() == [1, 1, 0, 1]
    # Seeker 2 (row 1) fits order 11 perfectly and order 10 only half on skills.
    assert per_seeker[1].nonzero()[1].tolist() == [1]


def test_an_eligible_pair_with_zero_score_stays_in_the_matrix() -> None:
    req = JobRequirements(
        job_order_id=1,
        sector="manufacturing",
        isco_code="8160",
        age_min=18,
        age_max=45,
        required_skills={"weld": 1.0},
    )
    zero = seeker(skills={}, experience={}, cert_level=0)
    matrix = score_matrix([req], build([zero]), VOCAB, WEIGHTS, top_n=None)
    assert matrix.nnz == 1
    assert matrix.data.tolist() == [0.0]


def test_requirements_and_weights_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="gender"):
        replace(REQ, gender="other")
    with pytest.raises(ValueError, match="age_min"):
        replace(REQ, age_min=50)
    data = yaml.safe_load(DATA.read_text())
    data["weights"]["skill"]["value"] = -1
    with pytest.raises(ValueError, match="skill"):
        load_weights(data)
    with pytest.raises(ValueError, match="lacks a number"):
        load_weights({"weights": {}})
    with pytest.raises(ValueError, match="columns"):
        rank_candidates(
            REQ, build([seeker()]), replace(VOCAB, skills=("weld",)), WEIGHTS
        )


# --- the vectorised engine against a plain reading of the documented formulas ----------


def reference(req: JobRequirements, row: dict[str, Any]) -> tuple[bool, float]:
    """Eligibility and score of one seeker for one order, one Python line per rule."""
    w = WEIGHTS
    related = sum(
        years
        for group, years in row["experience"].items()
        if group != "816" and group.startswith("81")
    )
    years = row["experience"].get("816", 0.0) + w.related_experience_factor * related
    eligible = (
        not row["placed"]
        and req.age_min <= row["age"] <= req.age_max
        and (req.gender == "any" or (req.gender == "female") == row["female"])
        and (not row["sectors"] or req.sector in row["sectors"])
        and row["doc_stage"] >= req.min_doc_stage
        and all(cert in row["certs"] for cert in req.required_certs)
        and row["cert_level"] >= req.min_cert_level
        and years >= req.min_experience_years - 1e-6
    )
    parts: dict[str, float] = {
        "experience": min(years / w.experience_saturation_years, 1),
        "cert_level": min(
            row["cert_level"] / max(w.cert_level_saturation, req.min_cert_level), 1
        ),
    }
    total = sum(req.required_skills.values())
    if total:
        parts["skill"] = min(
            sum(v * row["skills"].get(c, 0) for c, v in req.required_skills.items())
            / total,
            1,
        )
    if req.language_needs:
        parts["language"] = sum(
            min(row["languages"].get(c, 0) / need, 1)
            for c, need in req.language_needs.items()
        ) / len(req.language_needs)
    if req.regency_distance_km is not None:
        km = (
            req.regency_distance_km[row["regency"]] if row["regency"] >= 0 else math.nan
        )
        parts["distance"] = (
            w.unknown_distance_score
            if math.isnan(km)
            else 1 - min(km / w.distance_cap_km, 1)
        )
    weight_sum = sum(getattr(w, name) for name in parts)
    return eligible, sum(
        getattr(w, name) * value for name, value in parts.items()
    ) / weight_sum


seeker_rows = st.builds(
    seeker,
    age=st.integers(16, 60),
    female=st.booleans(),
    regency=st.integers(-1, 2),
    placed=st.booleans(),
    doc_stage=st.integers(0, 3),
    sectors=st.lists(st.sampled_from(VOCAB.sectors), unique=True, max_size=2).map(
        tuple
    ),
    cert_level=st.integers(0, 5),
    certs=st.lists(st.sampled_from(VOCAB.cert_schemes), unique=True).map(tuple),
    skills=st.dictionaries(
        st.sampled_from(VOCAB.skills), st.sampled_from([0.25, 0.5, 1.0])
    ),
    experience=st.dictionaries(
        st.sampled_from(VOCAB.occupation_groups), st.sampled_from([0.5, 1.0, 2.0, 6.0])
    ),
    languages=st.dictionaries(st.sampled_from(VOCAB.languages), st.integers(0, 3)),
)
requirements = st.builds(
    JobRequirements,
    job_order_id=st.integers(1, 10**6),
    sector=st.sampled_from((*VOCAB.sectors, "mining")),
    isco_code=st.sampled_from(("8160", "8121", "7212", "9321")),
    age_min=st.integers(18, 30),
    age_max=st.integers(30, 50),
    gender=st.sampled_from(("any", "female", "male")),
    required_skills=st.dictionaries(
        st.sampled_from(VOCAB.skills), st.sampled_from([0.5, 1.0, 2.0])
    ),
    required_certs=st.lists(
        st.sampled_from(VOCAB.cert_schemes), unique=True, max_size=1
    ).map(tuple),
    min_doc_stage=st.integers(0, 3),
    min_cert_level=st.integers(0, 4),
    min_experience_years=st.sampled_from([0.0, 1.0, 2.0]),
    language_needs=st.dictionaries(st.sampled_from(("ms", "en")), st.integers(1, 3)),
    regency_distance_km=st.sampled_from(
        [
            None,
            np.array([5.0, 120.0, np.nan], dtype=np.float32),
            np.array([400.0, 0.0, 60.0], dtype=np.float32),
        ]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(seeker_rows, min_size=1, max_size=6), req=requirements)
def test_vectorised_scores_equal_the_documented_formulas(
    rows: list[dict[str, Any]], req: JobRequirements
) -> None:
    rows = [{**row, "id": i + 1} for i, row in enumerate(rows)]
    # The reference treats experience in group 816 as exact, so fix the order's group.
    req = replace(req, isco_code="8160")
    seekers = build(rows)
    ranked = {
        c.seeker_id: c
        for c in rank_candidates(req, seekers, VOCAB, WEIGHTS, include_ineligible=True)
    }
    matrix = score_matrix([req], seekers, VOCAB, WEIGHTS, top_n=None).toarray()
    for i, row in enumerate(rows):
        eligible, score = reference(req, row)
        candidate = ranked[row["id"]]
        assert candidate.eligible == eligible
        assert candidate.score == pytest.approx(score, abs=1e-4)
        assert 0 <= candidate.score <= 1
        gate_failed = any(r.code in GATES for r in candidate.reasons)
        assert gate_failed == (not eligible)
        if eligible:
            assert matrix[i, 0] == pytest.approx(score, abs=1e-4)
        else:
            assert matrix[i, 0] == 0
        match = matches_for_seeker(i, [req], seekers, VOCAB, WEIGHTS)[0]
        assert (match.eligible, match.score) == (candidate.eligible, candidate.score)


GATES = {
    "already_placed",
    "age_outside_window",
    "gender_restricted",
    "sector_not_preferred",
    "documents_incomplete",
    "certificate_missing",
    "cert_level_below",
    "experience_below",
}


def test_large_random_matrix_ranks_like_a_full_sort() -> None:
    """Top-k selection (tie-free keys, column sums) agrees with sorting every score."""
    rng = np.random.default_rng(7)
    n = 20_000
    rows_per = rng.integers(0, 4, n)
    indptr = np.concatenate([[0], np.cumsum(rows_per)])
    skills = sp.csr_matrix(
        (
            rng.choice([0.5, 1.0], indptr[-1]).astype(np.float32),
            rng.integers(0, len(VOCAB.skills), indptr[-1]),
            indptr,
        ),
        shape=(n, len(VOCAB.skills)),
    )
    skills.sum_duplicates()
    skills.data = np.minimum(skills.data, 1)
    empty = sp.csr_matrix((n, 2), dtype=np.float32)
    seekers = SeekerMatrix(
        ids=np.arange(n, dtype=np.int64) * 3,
        age=rng.integers(16, 50, n).astype(np.int16),
        female=rng.random(n) < 0.5,
        regency=rng.integers(-1, 3, n).astype(np.int16),
        placed=rng.random(n) < 0.1,
        doc_stage=rng.integers(0, 4, n).astype(np.int8),
        sector_mask=rng.integers(0, 8, n).astype(np.int16),
        cert_level=rng.integers(0, 4, n).astype(np.int8),
        certs=empty,
        skills=skills,
        experience=sp.csr_matrix((n, 4), dtype=np.float32),
        languages=rng.integers(0, 4, (n, 3)).astype(np.int8),
    )
    req = replace(REQ, required_certs=(), min_experience_years=0.0)
    ranked = rank_candidates(req, seekers, VOCAB, WEIGHTS, limit=100)
    everyone = rank_candidates(req, seekers, VOCAB, WEIGHTS, limit=n)
    assert [c.seeker_id for c in ranked] == [c.seeker_id for c in everyone[:100]]
    scores = [c.score for c in everyone]
    assert scores == sorted(scores, reverse=True)
    assert all(c.eligible for c in everyone)
    matrix = score_matrix([req], seekers, VOCAB, WEIGHTS, top_n=100)
    assert sorted(matrix.nonzero()[0].tolist()) == sorted(
        int(c.seeker_id) // 3 for c in ranked
    )


def dense_evaluation(
    reqs: list[JobRequirements], seekers: SeekerMatrix
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's score and eligibility, the way ranking computes them."""
    from serumpun.labour.rules.matching.vectorised import _compile, _evaluate

    batch = _compile(
        reqs, VOCAB, WEIGHTS, seeker_distance_known=seekers.distance_km is not None
    )
    return _evaluate(batch, seekers, WEIGHTS)


def assert_matrix_holds_the_eligible_pairs(
    matrix: Any, score: np.ndarray, eligible: np.ndarray
) -> None:
    coo = matrix.tocoo()
    assert set(zip(coo.row.tolist(), coo.col.tolist(), strict=True)) == set(
        zip(*np.nonzero(eligible), strict=True)
    )
    np.testing.assert_allclose(coo.data, score[coo.row, coo.col], rtol=0, atol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(seeker_rows, min_size=1, max_size=10),
    reqs=st.lists(requirements, min_size=1, max_size=6),
)
def test_gated_score_matrix_equals_the_dense_evaluation(
    rows: list[dict[str, Any]], reqs: list[JobRequirements]
) -> None:
    """Scoring only the pairs that pass the gates loses and changes nothing."""
    seekers = build([{**row, "id": i + 1} for i, row in enumerate(rows)])
    score, eligible = dense_evaluation(reqs, seekers)
    matrix = score_matrix(reqs, seekers, VOCAB, WEIGHTS, top_n=None)
    assert_matrix_holds_the_eligible_pairs(matrix, score, eligible)


def test_gated_score_matrix_keeps_the_same_best_pairs_as_the_dense_scores() -> None:
    rng = np.random.default_rng(11)
    n = 3_000

    def sparse(cols: int, per_row: int, values: list[float]) -> Any:
        matrix = sp.random(
            n, cols, density=per_row / cols, format="csr", dtype=np.float32, rng=rng
        )
        matrix.data = rng.choice(values, matrix.nnz).astype(np.float32)
        return matrix

    seekers = SeekerMatrix(
        ids=np.arange(1, n + 1, dtype=np.int64),
        age=rng.integers(16, 52, n).astype(np.int16),
        female=rng.random(n) < 0.5,
        regency=rng.integers(-1, 3, n).astype(np.int16),
        placed=rng.random(n) < 0.05,
        doc_stage=rng.integers(0, 4, n).astype(np.int8),
        sector_mask=rng.integers(0, 8, n).astype(np.int16),
        cert_level=rng.integers(0, 5, n).astype(np.int8),
        certs=sparse(2, 1, [1.0]),
        skills=sparse(4, 2, [0.5, 1.0]),
        experience=sparse(4, 1, [1.0, 2.0, 6.0]),
        languages=rng.integers(0, 4, (n, 3)).astype(np.int8),
        distance_km=np.where(rng.random(n) < 0.2, np.nan, rng.random(n) * 900).astype(
            np.float32
        ),
    )
    reqs = [
        replace(
            REQ,
            job_order_id=j,
            sector=VOCAB.sectors[j % 3],
            gender=("any", "female", "male")[j % 3],
            age_max=(35, 40, 45, 50)[j % 4],
            required_certs=() if j % 2 else ("BNSP-FOOD",),
            min_doc_stage=j % 3,
            min_cert_level=j % 2,
            min_experience_years=float(j % 3 == 0),
            language_needs={"ms": 1 + j % 2} if j % 4 else {},
            # Some orders know the distance per regency, the others use the seeker's.
            regency_distance_km=np.array([5.0, 120.0, np.nan], dtype=np.float32)
            if j % 5 == 0
            else None,
        )
        for j in range(40)
    ]
    score, eligible = dense_evaluation(reqs, seekers)
    full = score_matrix(reqs, seekers, VOCAB, WEIGHTS, top_n=None)
    assert_matrix_holds_the_eligible_pairs(full, score, eligible)
    assert full.nnz > 1_000  # the instance exercises the gates without emptying them

    top = score_matrix(reqs, seekers, VOCAB, WEIGHTS, top_n=25, seeker_top=3)
    assert top.getnnz(axis=0).max() <= 25
    assert top.getnnz(axis=1).max() <= 3
    for j in range(len(reqs)):
        kept = top[:, j].tocoo()
        passing = np.flatnonzero(eligible[:, j])
        # Every kept seeker is eligible and scores at least the 25th best eligible one.
        assert set(kept.row.tolist()) <= set(passing.tolist())
        if len(passing) > 25 and kept.nnz:
            cut = np.sort(score[passing, j])[-25]
            assert kept.data.min() >= cut - 1e-6
