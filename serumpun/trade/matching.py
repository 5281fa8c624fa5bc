"""Supplier matching from the database: load candidate arrays, run the engine, word results.

The engine (`rules/matching.py`) is pure; this module reads what it needs in a constant
number of queries (the products' matching facts — `models_facts.py`, kept by `facts.py`:
product, MSME, certificates, introductions and latest readiness assessment in one row —
and the buyer's permits), builds the candidate arrays and turns the
engine's reason/blocker codes into translated text.

Public read API (used by views, the API, deals and events):
`evaluate_product`, `match_request`, `opportunities_for_msme`, `pair_scores`, `as_dict`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from django.conf import settings as django_settings
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from serumpun.exporters.models import CertificateKind, Product
from serumpun.readiness import knowledge
from serumpun.trade import facts as product_facts
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    ProductFacts,
    RequestVisibility,
    SourcingRequest,
)
from serumpun.trade.rules import matching as engine
from serumpun.trade.rules import pools as pool_rules
from serumpun.trade.rules import text as text_rules
from serumpun.trade.rules.matching import Blocker, Candidates, Match, Reason

MARKET = "MY"
PORT_LOCODE = "IDPJG"  # Panjang, Lampung's container port (data/ports.csv)
KINDS = tuple(CertificateKind.values)
HS_SUBHEADING_DIGITS = 6


@functools.cache
def matching_settings() -> engine.Settings:
    """The engine settings of data/trade/matching.yaml (checked at start-up: trade.E001)."""
    return engine.load_settings(yaml.safe_load(settings_path().read_text()))


def settings_path() -> Path:
    """Where the matching weights live."""
    return Path(django_settings.DATA_DIR) / "trade" / "matching.yaml"


@functools.cache
def port_position() -> tuple[float, float]:
    """Latitude and longitude of Panjang port from data/ports.csv."""
    path = Path(django_settings.DATA_DIR) / "ports.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["locode"] == PORT_LOCODE:
                return float(row["lat"]), float(row["lon"])
    raise LookupError(PORT_LOCODE)


# --- loading -----------------------------------------------------------------------------

#: What the loader reads of each product's matching facts (trade/facts.py keeps them).
FACT_FIELDS = (
    "product_id",
    "msme_id",
    "hs_code",
    "monthly_capacity_kg",
    "fob_usd_per_kg",
    "is_active",
    "msme_verified",
    "lat",
    "lon",
    "regency__lat",
    "regency__lon",
    "readiness",
    "failed_gates",
    "certificates",
    "introductions",
    "text",
)


@dataclass(frozen=True)
class Loaded:
    """Candidate arrays and the texts of the same rows."""

    candidates: Candidates
    texts: list[str]

    def index(self) -> text_rules.TextIndex:
        """The TF-IDF index of the rows' texts."""
        return text_rules.cached_index(tuple(self.texts))


def facts_of(**lookup: Any) -> QuerySet[ProductFacts]:
    """The matching facts of the products that match `lookup` (ProductFacts fields)."""
    return ProductFacts.objects.filter(**lookup)


def load_candidates(
    facts: QuerySet[ProductFacts], *, as_of: dt.date, kinds: Sequence[str] = KINDS
) -> Loaded:
    """Candidate arrays for these products' facts: one query whatever their number.

    The facts rows come with their regency's position joined in (the fallback for an
    MSME without its own). Certificates count when their last valid day is on or after
    `as_of`; only `kinds` get a column (a request's required kinds). Introductions fall
    due for responsiveness 7 days after they were made, counted from the start of that day.

    The rows are read with the query the ORM compiles but without its per-value
    converters (a fifth of the endpoint's time): every column is a number, text or a
    boolean, which the database driver already gives as such (SQLite's booleans as 0/1).
    """
    sql, params = facts.order_by().values_list(*FACT_FIELDS).query.sql_with_params()
    with connections[facts.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall())  # by product id: ties rank the same every time
    n = len(rows)
    (
        product_id,
        msme_id,
        hs_code,
        capacity,
        fob,
        active,
        verified,
        lat,
        lon,
        regency_lat,
        regency_lon,
        readiness,
        failed_gates,
        held,
        introductions,
        texts,
    ) = zip(*rows, strict=True) if rows else ((),) * len(FACT_FIELDS)
    kinds = tuple(kinds)
    day = as_of.isoformat()
    certificates = np.zeros((n, len(kinds)), dtype=bool)
    if kinds:
        for i, text in enumerate(held):
            if text:
                days = product_facts.certificate_days(text)
                certificates[i] = [days.get(kind, "") >= day for kind in kinds]
    due_before = timezone.make_aware(
        dt.datetime.combine(
            as_of - dt.timedelta(days=product_facts.RESPONSE_DAYS), dt.time.min
        )
    )
    history = np.full((n, 2), engine.NEUTRAL)
    for i, text in enumerate(introductions):
        if text:
            history[i] = product_facts.introduction_history(text, due_before)
    floats = functools.partial(np.array, dtype=np.float64)  # None becomes NaN
    own_lat, own_lon = floats(lat), floats(lon)
    lat_ = np.where(np.isnan(own_lat), floats(regency_lat), own_lat)
    lon_ = np.where(np.isnan(own_lon), floats(regency_lon), own_lon)
    failed = [tuple(text.split()) for text in failed_gates]
    score = floats(readiness)
    port_lat, port_lon = port_position()
    candidates = Candidates(
        msme_id=np.array(msme_id, dtype=np.int64),
        product_id=np.array(product_id, dtype=np.int64),
        hs_code=np.array(hs_code, dtype=np.int64),
        monthly_capacity_kg=floats(capacity),
        fob_usd_per_kg=floats(fob),
        readiness=score,
        gates_passed=~np.isnan(score) & np.array([not f for f in failed], dtype=bool),
        msme_verified=np.array(verified, dtype=bool),
        active=np.array(active, dtype=bool),
        kinds=kinds,
        certificates=certificates,
        responsiveness=history[:, 0].copy(),
        outcome=history[:, 1].copy(),
        distance_km=engine.haversine_km(lat_, lon_, port_lat, port_lon),
        failed_gates=failed,
    )
    return Loaded(candidates, list(texts))


def request_facts(
    request: SourcingRequest,
    hs_codes: Iterable[int],
    *,
    held_permits: Iterable[str],
    as_of: dt.date,
) -> engine.RequestFacts:
    """The request's constraints, with the permits the buyer lacks per candidate HS code."""
    return replace(
        _loose_facts(request),
        missing_permits=missing_permits(hs_codes, set(held_permits), as_of=as_of),
    )


def required_kinds(request: SourcingRequest) -> tuple[str, ...]:
    """The certificate kinds a request requires (known kinds only)."""
    return tuple(k for k in request.required_certificates if k in KINDS)


def missing_permits(
    hs_codes: Iterable[int], held: set[str], *, as_of: dt.date
) -> dict[int, tuple[engine.PermitNeed, ...]]:
    """Per HS code, the Malaysian import permits it needs that are not in `held`."""
    found: dict[int, tuple[engine.PermitNeed, ...]] = {}
    for code in set(hs_codes):
        needs = knowledge.permit_requirements(
            hs_code=f"{code:06d}", market=MARKET, as_of=as_of
        )
        lacking = tuple(
            engine.PermitNeed(str(need.id), str(need.agency))
            for need in needs
            if str(need.id) not in held
        )
        if lacking:
            found[code] = lacking
    return found


def held_permits(buyer_org_ids: Iterable[int], as_of: dt.date) -> dict[int, set[str]]:
    """Per buyer organisation, the permit rule ids it holds (verified, valid on the day)."""
    held: dict[int, set[str]] = defaultdict(set)
    for org_id, requirement_id in (
        BuyerPermit.objects.valid_on(as_of)
        .filter(buyer__organisation_id__in=list(buyer_org_ids))
        .values_list("buyer__organisation_id", "requirement_id")
    ):
        held[org_id].add(requirement_id)
    return held


def request_text(request: SourcingRequest) -> str:
    """What the buyer wrote: title and description."""
    return f"{request.title} {request.description}"


def hs_candidates(request: SourcingRequest) -> QuerySet[ProductFacts]:
    """Catalogue products whose HS code the request accepts (active, of verified MSMEs)."""
    code = str(request.hs_code_id)
    if request.accept_same_heading:
        return facts_of(hs_heading=code[:4], is_active=True, msme_verified=True)
    return facts_of(hs_code=code, is_active=True, msme_verified=True)


# --- public read API -----------------------------------------------------------------------


def evaluate_product(
    request: SourcingRequest, product: Product, *, as_of: dt.date
) -> Match:
    """How one product fits one request: score, eligibility, reasons and blockers."""
    kinds = required_kinds(request)
    loaded = load_candidates(facts_of(product_id=product.pk), as_of=as_of, kinds=kinds)
    if not len(loaded.candidates):  # written where no signal fires (a fixture): compute
        product_facts.refresh([product.pk])
        loaded = load_candidates(
            facts_of(product_id=product.pk), as_of=as_of, kinds=kinds
        )
    candidates = loaded.candidates
    facts = request_facts(
        request,
        candidates.hs_code.tolist(),
        held_permits=held_permits([request.buyer_id], as_of)[request.buyer_id],
        as_of=as_of,
    )
    similarity = loaded.index().similarity(request_text(request))
    settings = matching_settings()
    evaluation = engine.evaluate(facts, candidates, similarity, settings)
    return engine.explain(facts, candidates, evaluation, 0, settings)


@dataclass(frozen=True)
class MatchResult:
    """Matches for one request (eligible first, then near misses) and proposed pools."""

    request_id: int
    matches: tuple[Match, ...]
    pools: tuple[pool_rules.Pool, ...]
    eligible_count: int


def match_request(
    request: SourcingRequest, *, as_of: dt.date, limit: int = 20
) -> MatchResult:
    """Suppliers for a request among catalogue products; pools when none meets the volume."""
    loaded = load_candidates(
        hs_candidates(request), as_of=as_of, kinds=required_kinds(request)
    )
    candidates = loaded.candidates
    facts = request_facts(
        request,
        candidates.hs_code.tolist(),
        held_permits=held_permits([request.buyer_id], as_of)[request.buyer_id],
        as_of=as_of,
    )
    settings = matching_settings()
    similarity = loaded.index().similarity(request_text(request))
    ranking = engine.match(facts, candidates, similarity, settings, limit=limit)
    pools: list[pool_rules.Pool] = []
    if not ranking.eligible_count and len(ranking.pool_rows):
        rows = ranking.pool_rows
        pools = pool_rules.propose_pools(
            (
                pool_rules.Supplier(
                    msme_id=int(candidates.msme_id[row]),
                    product_id=int(candidates.product_id[row]),
                    hs_code=int(candidates.hs_code[row]),
                    monthly_capacity_kg=float(candidates.monthly_capacity_kg[row]),
                    readiness=float(candidates.readiness[row]),
                    score=float(ranking.evaluation.score[row]),
                )
                for row in rows
            ),
            quantity_kg_per_month=facts.quantity_kg_per_month,
            max_members=settings.pool_max_members,
            max_candidates=settings.pool_max_candidates,
            limit=settings.pool_limit,
        )
    return MatchResult(
        request.pk, ranking.matches, tuple(pools), ranking.eligible_count
    )


@dataclass(frozen=True)
class Opportunity:
    """An open request and how the MSME's best product fits it."""

    request: SourcingRequest
    match: Match


def opportunities_for_msme(
    msme: Any, *, user: Any, as_of: dt.date, include_near: bool = False
) -> list[Opportunity]:
    """Open requests `user` may see that the MSME's products fit, best first."""
    requests = list(
        SourcingRequest.objects.visible_to(user)
        .open()
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .select_related("hs_code", "buyer")
    )
    if not requests:
        return []
    loaded = load_candidates(facts_of(msme=msme, is_active=True), as_of=as_of)
    if not len(loaded.candidates):
        return []
    index = loaded.index()
    held = held_permits({r.buyer_id for r in requests}, as_of)
    found = []
    for request in requests:
        match = _best_for(request, loaded, index, held[request.buyer_id], as_of)
        if match is not None and (match.eligible or include_near):
            found.append(Opportunity(request, match))
    found.sort(key=lambda o: (not o.match.eligible, -o.match.score, -o.request.pk))
    return found


def _best_for(
    request: SourcingRequest,
    loaded: Loaded,
    index: text_rules.TextIndex,
    held: set[str],
    as_of: dt.date,
) -> Match | None:
    candidates = loaded.candidates
    facts = request_facts(
        request, candidates.hs_code.tolist(), held_permits=held, as_of=as_of
    )
    settings = matching_settings()
    evaluation = engine.evaluate(
        facts, candidates, index.similarity(request_text(request)), settings
    )
    rows = np.flatnonzero(evaluation.hs_ok)
    if not len(rows):
        return None
    key = evaluation.score[rows] - evaluation.blocker_count[rows]
    best = int(rows[int(np.argmax(key))])
    return engine.explain(facts, candidates, evaluation, best, settings)


def fit_for_msme(request: SourcingRequest, msme: Any, *, as_of: dt.date) -> list[Match]:
    """Each active product of the MSME judged against the request (best first)."""
    loaded = load_candidates(
        facts_of(msme=msme, is_active=True),
        as_of=as_of,
        kinds=required_kinds(request),
    )
    candidates = loaded.candidates
    if not len(candidates):
        return []
    facts = request_facts(
        request,
        candidates.hs_code.tolist(),
        held_permits=held_permits([request.buyer_id], as_of)[request.buyer_id],
        as_of=as_of,
    )
    settings = matching_settings()
    similarity = loaded.index().similarity(request_text(request))
    evaluation = engine.evaluate(facts, candidates, similarity, settings)
    matches = [
        engine.explain(facts, candidates, evaluation, row, settings)
        for row in range(len(candidates))
    ]
    matches.sort(key=lambda m: (not m.eligible, len(m.blockers), -m.score))
    return matches


def pair_scores(
    buyer_org_ids: Iterable[int], msme_ids: Iterable[int], *, as_of: dt.date
) -> dict[tuple[int, int], float]:
    """How well each MSME fits each buyer, 0..1 (0 when nothing fits).

    The best eligible product of the MSME against the buyer's open requests that the MSME
    may see — an invite-only request counts only for the MSMEs it invites — or, for an
    MSME that sees none of the buyer's open requests, against each HS code of the buyer
    profile's interests (no volume or certificate asked). Bulk queries only: the counts
    do not grow with the inputs.
    """
    buyers = list(dict.fromkeys(buyer_org_ids))
    msmes = list(dict.fromkeys(msme_ids))
    scores = {(buyer, msme): 0.0 for buyer in buyers for msme in msmes}
    if not buyers or not msmes:
        return scores
    open_requests: dict[int, list[SourcingRequest]] = defaultdict(list)
    for request in (
        SourcingRequest.objects.open()
        .filter(buyer_id__in=buyers)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
    ):
        open_requests[request.buyer_id].append(request)
    invited = _invited(
        r.pk
        for found in open_requests.values()
        for r in found
        if r.visibility == RequestVisibility.INVITED
    )
    interests = dict(
        BuyerProfile.objects.filter(organisation_id__in=buyers).values_list(
            "organisation_id", "hs_interests"
        )
    )
    loaded = load_candidates(facts_of(msme_id__in=msmes, is_active=True), as_of=as_of)
    candidates = loaded.candidates
    if not len(candidates):
        return scores
    index = loaded.index()
    held = held_permits(buyers, as_of)
    settings = matching_settings()
    msme_index = {msme: i for i, msme in enumerate(msmes)}
    row_msme = np.array([msme_index[int(m)] for m in candidates.msme_id])
    hs_codes = candidates.hs_code.tolist()
    everyone = np.ones(len(candidates), dtype=bool)

    def raise_best(best: Any, facts: engine.RequestFacts, text: str, rows: Any) -> None:
        """Raise each MSME's best to its rows' eligible scores for `facts` (only `rows`)."""
        similarity = index.similarity(text) if text else np.zeros(len(candidates))
        evaluation = engine.evaluate(facts, candidates, similarity, settings)
        score = np.where(evaluation.eligible & rows, evaluation.score, 0.0)
        np.maximum.at(best, row_msme, score)

    for buyer in buyers:
        best = np.zeros(len(msmes))
        lacking = missing_permits(hs_codes, held[buyer], as_of=as_of)
        sees_a_request = np.zeros(len(candidates), dtype=bool)
        for request in open_requests.get(buyer, []):
            audience = everyone
            if request.visibility == RequestVisibility.INVITED:
                audience = np.isin(candidates.msme_id, list(invited[request.pk]))
            sees_a_request |= audience
            facts = replace(_loose_facts(request), missing_permits=lacking)
            raise_best(best, facts, request_text(request), audience)
        if not sees_a_request.all():
            for facts in _interest_facts(interests.get(buyer) or []):
                loose = replace(facts, missing_permits=lacking)
                raise_best(best, loose, "", ~sees_a_request)
        for msme, i in msme_index.items():
            scores[(buyer, msme)] = round(float(best[i]), 4)
    return scores


def _invited(request_ids: Iterable[int]) -> dict[int, set[int]]:
    """Per invite-only request, the MSME ids it invites (one query)."""
    invited: dict[int, set[int]] = defaultdict(set)
    ids = list(request_ids)
    if ids:
        for request_id, msme_id in SourcingRequest.invited.through.objects.filter(
            sourcingrequest_id__in=ids
        ).values_list("sourcingrequest_id", "msme_id"):
            invited[request_id].add(msme_id)
    return invited


def _loose_facts(request: SourcingRequest) -> engine.RequestFacts:
    """A request's constraints without the buyer's permits (added per buyer)."""
    return engine.RequestFacts(
        hs_code=int(request.hs_code_id),
        accept_same_heading=request.accept_same_heading,
        quantity_kg_per_month=float(request.quantity_kg_per_month),
        required_kinds=required_kinds(request),
        target_price_usd_per_kg=(
            float(request.target_price_usd_per_kg)
            if request.target_price_usd_per_kg
            else None
        ),
    )


def _interest_facts(hs_interests: Sequence[Any]) -> list[engine.RequestFacts]:
    """One loose request per six-digit HS code of a buyer profile's interests."""
    wants = []
    for code in hs_interests:
        digits = str(code).replace(".", "").strip()
        if len(digits) == HS_SUBHEADING_DIGITS and digits.isdigit():
            wants.append(
                engine.RequestFacts(
                    hs_code=int(digits),
                    accept_same_heading=False,
                    quantity_kg_per_month=1e-9,
                    required_kinds=(),
                    target_price_usd_per_kg=None,
                )
            )
    return wants


# --- wording ------------------------------------------------------------------------------


#: Certificate kind → its label (lazy: translated when turned into text).
KIND_LABELS: dict[str, Any] = dict(CertificateKind.choices)


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _kg(value: Any) -> str:
    return f"{float(value):,.0f}".replace(",", ".")


#: Reason and blocker codes → their wording in the active language.
WORDING: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "hs_same_subheading": lambda p: (
        _("Same HS subheading (%(hs)s).") % {"hs": p["hs_code"]}
    ),
    "hs_same_heading": lambda p: (
        _("Same HS heading (%(hs)s), which the buyer accepts.") % {"hs": p["hs_code"]}
    ),
    "certificates_held": lambda p: (
        _("Holds every required certificate: %(kinds)s.")
        % {"kinds": ", ".join(_kind_label(k) for k in p["kinds"])}
    ),
    "capacity_enough": lambda p: (
        _("Capacity %(capacity)s kg/month covers the %(quantity)s kg requested.")
        % {"capacity": _kg(p["capacity_kg"]), "quantity": _kg(p["quantity_kg"])}
    ),
    "gates_passed": lambda p: (
        _("Export readiness gates passed (score %(score)s/100).")
        % {"score": p["score"]}
    ),
    "text_similar": lambda p: (
        _("Product description close to the request (%(pct)s%%).")
        % {"pct": round(p["similarity"] * 100)}
    ),
    "price_within_target": lambda p: (
        _("FOB price USD %(fob)s/kg within the target USD %(target)s/kg.")
        % {"fob": f"{p['fob_usd']:.2f}", "target": f"{p['target_usd']:.2f}"}
    ),
    "responsive": lambda p: (
        _("Answers %(pct)s%% of introductions within 7 days.")
        % {"pct": round(p["share"] * 100)}
    ),
    "deals_won": lambda p: (
        _("Won %(pct)s%% of closed deals.") % {"pct": round(p["share"] * 100)}
    ),
    "port_distance": lambda p: (
        _("About %(km)s km from Panjang port.") % {"km": p["km"]}
    ),
    "hs_mismatch": lambda p: (
        _("HS code %(hs)s does not match the requested %(requested)s.")
        % {"hs": p["hs_code"], "requested": p["requested"]}
    ),
    "product_inactive": lambda p: _("The product is no longer offered."),
    "msme_not_verified": lambda p: _("The MSME profile is not verified yet."),
    "certificate_missing": lambda p: (
        _("Missing a valid %(kind)s certificate covering this product.")
        % {"kind": _kind_label(p["kind"])}
    ),
    "capacity_short": lambda p: (
        _(
            "Capacity %(capacity)s kg/month is %(short)s kg short of the %(quantity)s kg requested."
        )
        % {
            "capacity": _kg(p["capacity_kg"]),
            "short": _kg(p["short_kg"]),
            "quantity": _kg(p["quantity_kg"]),
        }
    ),
    "not_assessed": lambda p: _("No export readiness assessment for Malaysia yet."),
    "gate_failed": lambda p: (
        _("Export readiness gates not passed: %(gates)s.")
        % {"gates": ", ".join(p["gates"])}
    ),
    "buyer_permit_missing": lambda p: (
        _("The buyer needs the permit “%(title)s” (%(agency)s).")
        % {"title": permit_title(p["requirement_id"]), "agency": p["agency"]}
    ),
}


def describe(item: Reason | Blocker) -> str:
    """The reason or blocker in the active language."""
    wording = WORDING.get(item.code)
    return str(wording(item.params)) if wording else item.code


def permit_title(requirement_id: str) -> str:
    """A permit rule's title in the active language (its id when the rule is unknown)."""
    found = knowledge.requirement_book().get(requirement_id)
    if found is None:
        return requirement_id
    return str(found.title_in(translation.get_language() or "id")[:200])


def item_dict(item: Reason | Blocker) -> dict[str, Any]:
    """A reason or blocker for the API: code, text and its parameters."""
    found: dict[str, Any] = {"code": item.code, "text": describe(item), **item.params}
    if item.code == "buyer_permit_missing":
        found["title"] = permit_title(item.params["requirement_id"])
    return found


def as_dict(match: Match) -> dict[str, Any]:
    """A match as the API shows it."""
    return {
        "msme_id": match.msme_id,
        "product_id": match.product_id,
        "score": match.score,
        "eligible": match.eligible,
        "reasons": [item_dict(reason) for reason in match.reasons],
        "blockers": [item_dict(blocker) for blocker in match.blockers],
    }
