"""Why two event participants should meet: the best request/product pair and its reasons.

The "whom to meet" page shows, besides the match score, which of the buyer's open requests
the MSME's product fits best and the top reasons (or, for a near miss, what blocks it).
Built on the matching module's public loaders and the pure engine, in a constant number of
queries whatever the number of participants: the buyers' open requests, their profiles, the
MSMEs' candidate arrays (load_candidates), the buyers' permits and the product names.

The score agrees with `matching.pair_scores`: the best eligible product's score, 0 when no
product is eligible. A buyer without an open request is judged on its HS interests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from serumpun.exporters.models import Product
from serumpun.trade import matching
from serumpun.trade.models import BuyerProfile, SourcingRequest
from serumpun.trade.rules import matching as engine

HS_DIGITS = 6
#: reasons shown per pair, the most telling first (the engine lists them in a fixed order)
TOP_REASONS = 3
REASON_ORDER = (
    "text_similar",
    "certificates_held",
    "capacity_enough",
    "price_within_target",
    "gates_passed",
    "hs_same_subheading",
    "hs_same_heading",
    "deals_won",
    "responsive",
    "port_distance",
)


@dataclass(frozen=True)
class PairFit:
    """How an MSME fits a buyer: score, the request and product behind it, and why."""

    score: float
    eligible: bool
    request: SourcingRequest | None
    hs_interest: str
    product_name: str
    reasons: tuple[str, ...]
    blockers: tuple[str, ...]


@dataclass(frozen=True)
class _Want:
    facts: engine.RequestFacts
    text: str
    request: SourcingRequest | None
    hs_interest: str


def _wants(requests: list[SourcingRequest], interests: Iterable[object]) -> list[_Want]:
    if requests:
        return [
            _Want(
                matching.request_facts(r, [], held_permits=(), as_of=dt.date.min),
                matching.request_text(r),
                r,
                "",
            )
            for r in requests
        ]
    wants = []
    for code in interests:
        digits = str(code).replace(".", "").strip()
        if len(digits) == HS_DIGITS and digits.isdigit():
            loose = engine.RequestFacts(
                hs_code=int(digits),
                accept_same_heading=False,
                quantity_kg_per_month=1e-9,
                required_kinds=(),
                target_price_usd_per_kg=None,
            )
            wants.append(_Want(loose, "", None, digits))
    return wants


def pair_fits(
    buyer_org_ids: Iterable[int],
    msme_ids: Iterable[int],
    *,
    as_of: dt.date,
    viewer: Any = None,
) -> dict[tuple[int, int], PairFit | None]:
    """Per (buyer organisation, MSME): the best fit, or None when no product's HS fits.

    With `viewer`, only the requests that user may read are weighed (an MSME never sees
    the title or figures of a private request addressed to someone else).
    """
    buyers = list(dict.fromkeys(buyer_org_ids))
    msmes = list(dict.fromkeys(msme_ids))
    fits: dict[tuple[int, int], PairFit | None] = {
        (b, m): None for b in buyers for m in msmes
    }
    if not buyers or not msmes:
        return fits
    loaded = matching.load_candidates(
        matching.facts_of(msme_id__in=msmes, is_active=True), as_of=as_of
    )
    candidates = loaded.candidates
    if not len(candidates):
        return fits
    requests: dict[int, list[SourcingRequest]] = defaultdict(list)
    readable = (
        SourcingRequest.objects.all()
        if viewer is None
        else SourcingRequest.objects.visible_to(viewer)
    )
    for request in (
        readable.open()
        .filter(buyer_id__in=buyers)
        .exclude(valid_until__lt=as_of)
        .order_by("pk")
    ):
        requests[request.buyer_id].append(request)
    interests = dict(
        BuyerProfile.objects.filter(organisation_id__in=buyers).values_list(
            "organisation_id", "hs_interests"
        )
    )
    names = dict(
        Product.objects.filter(pk__in=candidates.product_id.tolist()).values_list(
            "pk", "name_id"
        )
    )
    index = loaded.index()
    held = matching.held_permits(buyers, as_of)
    settings = matching.matching_settings()
    hs_codes = candidates.hs_code.tolist()
    for buyer in buyers:
        lacking = matching.missing_permits(hs_codes, held[buyer], as_of=as_of)
        for want in _wants(requests.get(buyer, []), interests.get(buyer) or []):
            facts = replace(want.facts, missing_permits=lacking)
            similarity = (
                index.similarity(want.text) if want.text else np.zeros(len(candidates))
            )
            evaluation = engine.evaluate(facts, candidates, similarity, settings)
            for row in _best_rows(candidates.msme_id, evaluation):
                key = (buyer, int(candidates.msme_id[row]))
                fit = _fit(
                    facts=facts,
                    candidates=candidates,
                    evaluation=evaluation,
                    row=row,
                    settings=settings,
                    want=want,
                    names=names,
                )
                if _better(fit, fits.get(key)):
                    fits[key] = fit
    return fits


def _best_rows(msme_id: np.ndarray, evaluation: engine.Evaluation) -> list[int]:
    """Per MSME, its best HS-compatible row: eligible first, then fewest blockers, score."""
    rows = np.flatnonzero(evaluation.hs_ok)
    key = (
        evaluation.eligible[rows] * 100.0
        - evaluation.blocker_count[rows]
        + evaluation.score[rows]
    )
    best: dict[int, tuple[float, int]] = {}
    for row, value in zip(rows.tolist(), key.tolist(), strict=True):
        msme = int(msme_id[row])
        if msme not in best or value > best[msme][0]:
            best[msme] = (value, row)
    return [row for _value, row in best.values()]


def _fit(
    *,
    facts: engine.RequestFacts,
    candidates: engine.Candidates,
    evaluation: engine.Evaluation,
    row: int,
    settings: engine.Settings,
    want: _Want,
    names: dict[int, str],
) -> PairFit:
    match = engine.explain(facts, candidates, evaluation, row, settings)
    reasons = sorted(
        (
            r
            for r in match.reasons
            # an HS interest asks no volume: "covers the 0 kg requested" says nothing
            if want.request is not None or r.code != "capacity_enough"
        ),
        key=lambda r: REASON_ORDER.index(r.code) if r.code in REASON_ORDER else 99,
    )
    return PairFit(
        score=match.score if match.eligible else 0.0,
        eligible=match.eligible,
        request=want.request,
        hs_interest=want.hs_interest,
        product_name=names.get(match.product_id, ""),
        reasons=tuple(matching.describe(r) for r in reasons[:TOP_REASONS]),
        blockers=tuple(matching.describe(b) for b in match.blockers),
    )


def _better(new: PairFit, old: PairFit | None) -> bool:
    if old is None:
        return True
    return (new.eligible, new.score, -len(new.blockers)) > (
        old.eligible,
        old.score,
        -len(old.blockers),
    )
