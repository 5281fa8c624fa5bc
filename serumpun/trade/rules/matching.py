"""Explainable supplier matching for a sourcing request: hard constraints, then a soft score.

Pure and vectorised: every candidate product is one row of `Candidates` (numpy arrays), and
`match` evaluates all rows with array operations — the same code path for one product or
500k. Python loops only run over the few rows that are explained (the returned matches).

Hard constraints (each failing one is a `Blocker`; any blocker makes a row ineligible):

==========================  ===============================================================
code                        when
==========================  ===============================================================
``hs_mismatch``             not the same HS subheading (nor the same heading when allowed)
``product_inactive``        the MSME no longer offers the product
``msme_not_verified``       the MSME profile is not verified
``certificate_missing``     a required kind is not held, valid on the date, covering it
``capacity_short``          monthly capacity below the requested kg per month
``not_assessed``            no readiness assessment for Malaysia
``gate_failed``             a readiness gate (except the importer's permit) not passed
``buyer_permit_missing``    the HS code needs a Malaysian import permit the buyer lacks
==========================  ===============================================================

Soft score in 0..1: the weighted mean (weights in data/trade/matching.yaml) of text
similarity, readiness score / 100, price fit (FOB at or under target = 1, falling to 0 at
target × (1 + price_tolerance); unknown = 0.5), capacity headroom ((capacity / quantity - 1)
/ headroom_full, clipped), responsiveness and past outcome (0.5 without history), and
distance to Panjang port (1 - km / distance_cap_km; unknown = 0.5).

Reasons and blockers carry a stable code and parameters; the Django layer words them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NEUTRAL = 0.5
COMPONENTS = (
    "text",
    "readiness",
    "price",
    "headroom",
    "responsiveness",
    "outcome",
    "distance",
)


@dataclass(frozen=True)
class Reason:
    """Something that fits: a stable code and the figures behind it."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocker:
    """A hard constraint that fails: a stable code and what is missing."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """One candidate product judged against one request."""

    msme_id: int
    product_id: int
    score: float
    eligible: bool
    reasons: tuple[Reason, ...]
    blockers: tuple[Blocker, ...]


@dataclass(frozen=True)
class Settings:
    """Weights and thresholds (data/trade/matching.yaml)."""

    weights: Mapping[str, float]
    price_tolerance: float = 0.3
    headroom_full: float = 1.0
    distance_cap_km: float = 300.0
    text_reason_min: float = 0.2
    near_miss_limit: int = 5
    pool_max_members: int = 4
    pool_max_candidates: int = 12
    pool_limit: int = 3


@dataclass(frozen=True)
class PermitNeed:
    """A Malaysian import permit the buyer must hold for an HS code."""

    requirement_id: str
    agency: str


@dataclass(frozen=True)
class RequestFacts:
    """What the request asks for, with the permits the buyer lacks per HS code."""

    hs_code: int  # six digits as an integer
    accept_same_heading: bool
    quantity_kg_per_month: float
    required_kinds: tuple[str, ...]
    target_price_usd_per_kg: float | None
    #: HS code → permits the buyer lacks for it (codes absent: nothing missing)
    missing_permits: Mapping[int, tuple[PermitNeed, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidates:
    """Candidate products as aligned arrays (one row per product).

    ``certificates[:, k]`` is true when the MSME holds a certificate of kind ``kinds[k]``
    valid on the request date and covering the product. ``readiness`` is nan when not
    assessed; ``failed_gates[i]`` names the gates (except the importer permit) row i fails.
    ``fob_usd_per_kg`` and ``distance_km`` are nan when unknown.
    """

    msme_id: IntArray
    product_id: IntArray
    hs_code: IntArray
    monthly_capacity_kg: FloatArray
    fob_usd_per_kg: FloatArray
    readiness: FloatArray
    gates_passed: BoolArray
    msme_verified: BoolArray
    active: BoolArray
    kinds: tuple[str, ...]
    certificates: BoolArray
    responsiveness: FloatArray
    outcome: FloatArray
    distance_km: FloatArray
    failed_gates: Sequence[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.product_id)

    def take(self, rows: IntArray) -> Candidates:
        """A subset of the rows (in the given order)."""
        return Candidates(
            msme_id=self.msme_id[rows],
            product_id=self.product_id[rows],
            hs_code=self.hs_code[rows],
            monthly_capacity_kg=self.monthly_capacity_kg[rows],
            fob_usd_per_kg=self.fob_usd_per_kg[rows],
            readiness=self.readiness[rows],
            gates_passed=self.gates_passed[rows],
            msme_verified=self.msme_verified[rows],
            active=self.active[rows],
            kinds=self.kinds,
            certificates=self.certificates[rows],
            responsiveness=self.responsiveness[rows],
            outcome=self.outcome[rows],
            distance_km=self.distance_km[rows],
            failed_gates=[self.failed_gates[int(row)] for row in rows],
        )


@dataclass(frozen=True)
class Evaluation:
    """Every row's constraint masks and score (arrays aligned with the candidates)."""

    hs_ok: BoolArray
    certificates_ok: BoolArray
    capacity_ok: BoolArray
    permits_ok: BoolArray
    eligible: BoolArray
    blocker_count: npt.NDArray[np.int8]
    score: FloatArray
    components: Mapping[str, FloatArray]

    @property
    def poolable(self) -> BoolArray:
        """Rows that pass every constraint except monthly capacity."""
        return np.asarray(
            self.hs_ok & ~self.capacity_ok & (self.blocker_count == 1), dtype=bool
        )


@dataclass(frozen=True)
class Ranking:
    """Eligible matches best first, then a few near misses; counts over all candidates."""

    matches: tuple[Match, ...]
    eligible_count: int
    pool_rows: IntArray  # candidate rows a supply pool may draw on (see rules/pools.py)
    evaluation: Evaluation


def _hs_ok(request: RequestFacts, hs_code: IntArray) -> BoolArray:
    if not request.accept_same_heading:
        return np.asarray(hs_code == request.hs_code, dtype=bool)
    # Same four-digit heading: a range of codes (two comparisons beat an integer division).
    first = request.hs_code // 100 * 100
    same = hs_code >= first
    same &= hs_code < first + 100
    return np.asarray(same, dtype=bool)


def evaluate(
    request: RequestFacts,
    candidates: Candidates,
    text_similarity: FloatArray,
    settings: Settings,
) -> Evaluation:
    """Constraint masks and soft score of every candidate row, vectorised.

    At 500k rows every temporary array shows, so counts and sums are made in place:
    passes are counted in int8 straight from the masks, certificate kinds are read as
    column views (no fancy-index copy), score components are computed in place, and
    HS headings and permit codes are compared, never divided or sorted.
    """
    n = len(candidates)
    hs_ok = _hs_ok(request, candidates.hs_code)
    required = [candidates.kinds.index(kind) for kind in request.required_kinds]
    certificates_ok = np.ones(n, dtype=bool)
    missing = np.zeros(
        n, dtype=np.int8
    )  # required kinds lacking, for the near-miss order
    for column in required:
        held = candidates.certificates[:, column]
        certificates_ok &= held
        np.add(missing, ~held, out=missing, casting="unsafe")
    capacity_ok = candidates.monthly_capacity_kg >= request.quantity_kg_per_month
    assessed = ~np.isnan(candidates.readiness)
    lacking = [code for code, needs in request.missing_permits.items() if needs]
    permits_ok = None
    for code in lacking:  # a few codes: comparisons beat np.isin's sort
        lacks = candidates.hs_code != code
        permits_ok = lacks if permits_ok is None else permits_ok & lacks
    checks = [
        hs_ok,
        candidates.active,
        candidates.msme_verified,
        capacity_ok,
        assessed,
        ~assessed | candidates.gates_passed,
    ]
    if permits_ok is not None:
        checks.append(permits_ok)
    passes = np.zeros(n, dtype=np.int8)
    for passed in checks:
        np.add(passes, passed, out=passes, casting="unsafe")
    # Blockers: failed checks, plus one per missing certificate kind (at least one when
    # any is missing, so the near-miss order prefers fewer gaps).
    blocker_count = np.subtract(len(checks), passes, dtype=np.int8)
    np.add(blocker_count, missing, out=blocker_count)
    score, components = _score(request, candidates, text_similarity, settings)
    return Evaluation(
        hs_ok=hs_ok,
        certificates_ok=certificates_ok,
        capacity_ok=capacity_ok,
        permits_ok=np.ones(n, dtype=bool) if permits_ok is None else permits_ok,
        eligible=blocker_count == 0,
        blocker_count=blocker_count,
        score=score,
        components=components,
    )


def _score(
    request: RequestFacts,
    candidates: Candidates,
    text_similarity: FloatArray,
    settings: Settings,
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """The weighted score and its components (each computed in place in one array)."""
    n = len(candidates)
    components = _components(request, candidates, text_similarity, settings)
    weights = settings.weights
    total = sum(weights[name] for name in COMPONENTS)
    score = np.zeros(n)
    for name in COMPONENTS:
        if weights[name]:
            score += components[name] * (weights[name] / total)
    return score, components


def _components(
    request: RequestFacts,
    candidates: Candidates,
    text_similarity: FloatArray,
    settings: Settings,
) -> dict[str, FloatArray]:
    n = len(candidates)
    # fmax/fmin drop NaN for the other operand (not assessed → 0); nan_to_num is slow.
    readiness = np.multiply(candidates.readiness, 1 / 100.0)
    np.fmax(readiness, 0.0, out=readiness)
    np.fmin(readiness, 1.0, out=readiness)
    target = request.target_price_usd_per_kg
    if target:
        # 1 at or under target, falling to 0 at target × (1 + tolerance); unknown: neutral.
        price = np.multiply(
            candidates.fob_usd_per_kg, -1.0 / (target * settings.price_tolerance)
        )
        price += 1.0 + 1.0 / settings.price_tolerance
        np.clip(price, 0.0, 1.0, out=price)
        np.copyto(price, NEUTRAL, where=np.isnan(price))
    else:
        price = np.full(n, NEUTRAL)
    headroom = np.multiply(
        candidates.monthly_capacity_kg,
        1.0 / (request.quantity_kg_per_month * settings.headroom_full),
    )
    headroom -= 1.0 / settings.headroom_full
    np.clip(headroom, 0.0, 1.0, out=headroom)
    distance = np.multiply(candidates.distance_km, -1.0 / settings.distance_cap_km)
    distance += 1.0
    np.clip(distance, 0.0, 1.0, out=distance)
    np.copyto(distance, NEUTRAL, where=np.isnan(distance))
    return {
        "text": np.clip(text_similarity, 0.0, 1.0),
        "readiness": readiness,
        "price": price,
        "headroom": headroom,
        "responsiveness": candidates.responsiveness,
        "outcome": candidates.outcome,
        "distance": distance,
    }


def _top(key: FloatArray, rows: IntArray, limit: int) -> IntArray:
    """The `limit` rows of `rows` with the largest `key`, largest first (ties by row)."""
    if limit <= 0 or not len(rows):
        return np.zeros(0, dtype=np.int64)
    values = key[rows]
    if len(rows) > limit:
        part = np.argpartition(-values, limit - 1)[:limit]
        rows, values = rows[part], values[part]
    order = np.lexsort((rows, -values))
    return rows[order]


def _near_misses(evaluation: Evaluation, limit: int) -> IntArray:
    """HS-compatible ineligible rows, fewest blockers first, then by score.

    Most of 500k rows may be near rows, so the ranking only looks at rows with the fewest
    blockers that still give `limit` rows (a row with more blockers ranks below them all).
    """
    near_rows = np.flatnonzero(evaluation.hs_ok & ~evaluation.eligible)
    if limit <= 0 or not len(near_rows):
        return np.zeros(0, dtype=np.int64)
    counts = evaluation.blocker_count[near_rows]
    fewest = int(counts.min())
    while True:
        rows = near_rows[counts <= fewest]
        if len(rows) >= limit or len(rows) == len(near_rows):
            break
        fewest += 1
    key = np.zeros(len(evaluation.score))  # only the chosen rows' keys are read
    key[rows] = evaluation.score[rows] - evaluation.blocker_count[rows]
    return _top(key, rows, limit)


def match(
    request: RequestFacts,
    candidates: Candidates,
    text_similarity: FloatArray,
    settings: Settings,
    *,
    limit: int,
) -> Ranking:
    """The best eligible candidates for `request`, then near misses (fewest blockers first)."""
    evaluation = evaluate(request, candidates, text_similarity, settings)
    eligible_rows = np.flatnonzero(evaluation.eligible)
    chosen = _top(evaluation.score, eligible_rows, limit)
    near = _near_misses(evaluation, min(settings.near_miss_limit, limit))
    matches = tuple(
        explain(request, candidates, evaluation, int(row), settings)
        for row in np.concatenate([chosen, near])
    )
    pool_rows = np.zeros(0, dtype=np.int64)
    if not len(eligible_rows):
        pool_rows = _top(
            np.fmax(candidates.readiness, 0.0) + evaluation.score,
            np.flatnonzero(evaluation.poolable),
            settings.pool_max_candidates * 4,
        )
    return Ranking(matches, len(eligible_rows), pool_rows, evaluation)


def explain(
    request: RequestFacts,
    candidates: Candidates,
    evaluation: Evaluation,
    row: int,
    settings: Settings,
) -> Match:
    """Reasons and blockers of one evaluated row."""
    return Match(
        msme_id=int(candidates.msme_id[row]),
        product_id=int(candidates.product_id[row]),
        score=round(float(evaluation.score[row]), 4),
        eligible=bool(evaluation.eligible[row]),
        reasons=_reasons(request, candidates, evaluation, row, settings),
        blockers=_blockers(request, candidates, evaluation, row),
    )


def _blockers(
    request: RequestFacts, candidates: Candidates, evaluation: Evaluation, row: int
) -> tuple[Blocker, ...]:
    blockers: list[Blocker] = []
    hs_code = int(candidates.hs_code[row])
    if not evaluation.hs_ok[row]:
        blockers.append(
            Blocker(
                "hs_mismatch",
                {"hs_code": f"{hs_code:06d}", "requested": f"{request.hs_code:06d}"},
            )
        )
    if not candidates.active[row]:
        blockers.append(Blocker("product_inactive"))
    if not candidates.msme_verified[row]:
        blockers.append(Blocker("msme_not_verified"))
    blockers.extend(
        Blocker("certificate_missing", {"kind": kind})
        for kind in request.required_kinds
        if not candidates.certificates[row, candidates.kinds.index(kind)]
    )
    capacity = float(candidates.monthly_capacity_kg[row])
    if not evaluation.capacity_ok[row]:
        quantity = request.quantity_kg_per_month
        blockers.append(
            Blocker(
                "capacity_short",
                {
                    "capacity_kg": capacity,
                    "quantity_kg": quantity,
                    "short_kg": quantity - capacity,
                },
            )
        )
    if np.isnan(candidates.readiness[row]):
        blockers.append(Blocker("not_assessed"))
    elif not candidates.gates_passed[row]:
        blockers.append(
            Blocker("gate_failed", {"gates": list(candidates.failed_gates[row])})
        )
    blockers.extend(
        Blocker(
            "buyer_permit_missing",
            {"requirement_id": need.requirement_id, "agency": need.agency},
        )
        for need in request.missing_permits.get(hs_code, ())
    )
    return tuple(blockers)


def _reasons(
    request: RequestFacts,
    candidates: Candidates,
    evaluation: Evaluation,
    row: int,
    settings: Settings,
) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    hs_code = int(candidates.hs_code[row])
    if hs_code == request.hs_code:
        reasons.append(Reason("hs_same_subheading", {"hs_code": f"{hs_code:06d}"}))
    elif evaluation.hs_ok[row]:
        reasons.append(Reason("hs_same_heading", {"hs_code": f"{hs_code:06d}"}))
    if request.required_kinds and evaluation.certificates_ok[row]:
        reasons.append(
            Reason("certificates_held", {"kinds": list(request.required_kinds)})
        )
    if evaluation.capacity_ok[row]:
        reasons.append(
            Reason(
                "capacity_enough",
                {
                    "capacity_kg": float(candidates.monthly_capacity_kg[row]),
                    "quantity_kg": request.quantity_kg_per_month,
                },
            )
        )
    components = evaluation.components
    readiness = candidates.readiness[row]
    if not np.isnan(readiness) and candidates.gates_passed[row]:
        reasons.append(Reason("gates_passed", {"score": round(float(readiness), 1)}))
    text = float(components["text"][row])
    if text >= settings.text_reason_min:
        reasons.append(Reason("text_similar", {"similarity": round(text, 2)}))
    fob = float(candidates.fob_usd_per_kg[row])
    target = request.target_price_usd_per_kg
    if target and not np.isnan(fob) and fob <= target:
        reasons.append(
            Reason("price_within_target", {"fob_usd": fob, "target_usd": target})
        )
    if components["responsiveness"][row] > NEUTRAL:
        reasons.append(
            Reason(
                "responsive",
                {"share": round(float(components["responsiveness"][row]), 2)},
            )
        )
    if components["outcome"][row] > NEUTRAL:
        reasons.append(
            Reason("deals_won", {"share": round(float(components["outcome"][row]), 2)})
        )
    distance = float(candidates.distance_km[row])
    if not np.isnan(distance):
        reasons.append(Reason("port_distance", {"km": round(distance)}))
    return tuple(reasons)


EARTH_RADIUS_KM = 6371.0


def haversine_km(
    lat: FloatArray, lon: FloatArray, to_lat: float, to_lon: float
) -> FloatArray:
    """Great-circle distance in km from each (lat, lon) to one point (nan stays nan)."""
    phi1, phi2 = np.radians(lat), np.radians(to_lat)
    dphi = phi2 - phi1
    dlambda = np.radians(to_lon) - np.radians(lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)), dtype=np.float64)


def load_settings(raw: Mapping[str, Any]) -> Settings:
    """Settings from the parsed data/trade/matching.yaml; ValueError names a bad entry."""
    weights_raw = raw.get("weights") or {}
    weights: dict[str, float] = {}
    for name in COMPONENTS:
        entry = weights_raw.get(name)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if not isinstance(value, int | float) or value < 0:
            raise ValueError(f"weights.{name}: needs a non-negative number value")
        weights[name] = float(value)
    unknown = set(weights_raw) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"weights.{sorted(unknown)[0]}: unknown component")
    if sum(weights.values()) <= 0:
        raise ValueError("weights: at least one weight must be positive")
    thresholds = raw.get("thresholds") or {}
    values: dict[str, Any] = {}
    for name, kind in (
        ("price_tolerance", float),
        ("headroom_full", float),
        ("distance_cap_km", float),
        ("text_reason_min", float),
        ("near_miss_limit", int),
        ("pool_max_members", int),
        ("pool_max_candidates", int),
        ("pool_limit", int),
    ):
        entry = thresholds.get(name)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"thresholds.{name}: needs a positive number value")
        values[name] = kind(value)
    return Settings(weights=weights, **values)
