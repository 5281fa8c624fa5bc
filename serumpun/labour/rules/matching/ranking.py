"""Ranking: the best seekers for one order, the best orders for one seeker, with reasons
and missing items for the few rows reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from serumpun.labour.rules.matching.data import (
    _KEY_SCALE,
    _ROW_BITS,
    SCORE_DECIMALS,
    BoolArray,
    Candidate,
    F32Array,
    IntArray,
    JobRequirements,
    Match,
    MatchingWeights,
    Missing,
    Reason,
    ReasonParam,
    SeekerMatrix,
    Vocabulary,
)
from serumpun.labour.rules.matching.vectorised import (
    _Batch,
    _batches,
    _compile,
    _components,
    _evaluate,
    _experience_years,
    _gates,
)

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
