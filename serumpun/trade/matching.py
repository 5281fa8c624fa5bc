"""Supplier matching from the database: load candidate arrays, run the engine, word results.

The engine (`rules/matching.py`) is pure; this module reads what it needs in a constant
number of queries (products, certificates and their product links, latest readiness
assessments, introduction history, the buyer's permits), builds the candidate arrays and
turns the engine's reason/blocker codes into translated text.

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
from django.apps import apps
from django.conf import settings as django_settings
from django.db.models import Count, F, FilteredRelation, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from serumpun.exporters.models import Certificate, CertificateKind, Product
from serumpun.exporters.models import Verification as MSMEVerification
from serumpun.readiness import knowledge
from serumpun.trade.models import (
    BuyerPermit,
    BuyerProfile,
    RequestVisibility,
    SourcingRequest,
)
from serumpun.trade.rules import matching as engine
from serumpun.trade.rules import pools as pool_rules
from serumpun.trade.rules import text as text_rules
from serumpun.trade.rules.matching import Blocker, Candidates, Match, Reason

MARKET = "MY"
PORT_LOCODE = "IDPJG"  # Panjang, Lampung's container port (data/ports.csv)
IMPORTER_GATE = (
    "importer_permit"  # the buyer's side: checked against BuyerPermit instead
)
RESPONSE_DAYS = 7
WON_STAGES = ("ordered", "shipped", "paid")
LOST_STAGE = "lost"
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

#: Decimal columns read as floats (the arrays are floats; Decimal conversion per value
#: was a fifth of the endpoint's time).
FLOAT_FIELDS = {
    "capacity_f": "monthly_capacity_kg",
    "fob_f": "fob_price_usd_per_kg",
    "msme_lat_f": "msme__lat",
    "msme_lon_f": "msme__lon",
    "regency_lat_f": "msme__regency__lat",
    "regency_lon_f": "msme__regency__lon",
}
PRODUCT_FIELDS = (
    "pk",
    "msme_id",
    "hs_code_id",
    "capacity_f",
    "fob_f",
    "is_active",
    "msme__verification",
    "msme_lat_f",
    "msme_lon_f",
    "regency_lat_f",
    "regency_lon_f",
    "name_id",
    "name_en",
    "name_ms",
    "description_id",
    "description_en",
    "description_ms",
)


@dataclass(frozen=True)
class Loaded:
    """Candidate arrays and the texts of the same rows."""

    candidates: Candidates
    texts: list[str]

    def index(self) -> text_rules.TextIndex:
        """The TF-IDF index of the rows' texts."""
        return text_rules.cached_index(tuple(self.texts))


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


#: Up to this many ids go into a query as a literal list (cheaper than re-running the
#: candidate subquery in every query); more use the subquery (bounded SQL size).
ID_LIST_MAX = 5000


def _ids(ids: Sequence[int], subquery: QuerySet[Any]) -> Sequence[int] | QuerySet[Any]:
    return ids if len(ids) <= ID_LIST_MAX else subquery


def load_candidates(
    products: QuerySet[Product], *, as_of: dt.date, kinds: Sequence[str] = KINDS
) -> Loaded:
    """Candidate arrays for these products (three queries whatever their number).

    The products come with their latest Malaysian assessment joined in; certificates are
    read only for `kinds` (a request's required kinds: the only columns the engine reads),
    and not at all when there are none.
    """
    latest = FilteredRelation(
        "assessments",
        condition=Q(assessments__market=MARKET, assessments__is_latest=True),
    )
    rows = list(
        products.annotate(
            latest=latest,
            score_f=Cast("latest__score", FloatField()),
            **{name: Cast(field, FloatField()) for name, field in FLOAT_FIELDS.items()},
        )
        .order_by("pk", "-latest__pk")
        .values_list(*PRODUCT_FIELDS, "score_f", "latest__gates")
    )
    newest: dict[int, Any] = {}
    for row in rows:  # one row per product: its newest assessment if two are "latest"
        newest.setdefault(row[0], row)
    rows = list(newest.values())
    product_ids = [row[0] for row in rows]
    msmes = _ids(sorted({row[1] for row in rows}), products.values("msme_id"))
    kinds = tuple(kinds)
    held = _certificates_held(msmes, as_of, kinds) if kinds and rows else {}
    history = _history(msmes, as_of) if rows else {}
    n = len(rows)
    certificates = np.zeros((n, len(kinds)), dtype=bool)
    for i, row in enumerate(rows):
        for kind, covered in held.get(row[1], ()):
            if covered is None or row[0] in covered:
                certificates[i, kinds.index(kind)] = True
    lat = np.array(
        [_float(r[7] if r[7] is not None else r[9]) for r in rows], dtype=np.float64
    )
    lon = np.array(
        [_float(r[8] if r[8] is not None else r[10]) for r in rows], dtype=np.float64
    )
    failed = [_failed_gates(r[-1]) for r in rows]
    port_lat, port_lon = port_position()
    neutral = (engine.NEUTRAL, engine.NEUTRAL)
    candidates = Candidates(
        msme_id=np.array([r[1] for r in rows], dtype=np.int64),
        product_id=np.array(product_ids, dtype=np.int64),
        hs_code=np.array([int(r[2]) for r in rows], dtype=np.int64),
        monthly_capacity_kg=np.array([_float(r[3]) for r in rows], dtype=np.float64),
        fob_usd_per_kg=np.array([_float(r[4]) for r in rows], dtype=np.float64),
        readiness=np.array([_float(r[-2]) for r in rows], dtype=np.float64),
        gates_passed=np.array(
            [
                r[-2] is not None and not gates
                for r, gates in zip(rows, failed, strict=True)
            ],
            dtype=bool,
        ),
        msme_verified=np.array(
            [r[6] == MSMEVerification.VERIFIED for r in rows], dtype=bool
        ),
        active=np.array([r[5] for r in rows], dtype=bool),
        kinds=kinds,
        certificates=certificates,
        responsiveness=np.array(
            [history.get(r[1], neutral)[0] for r in rows], dtype=np.float64
        ),
        outcome=np.array(
            [history.get(r[1], neutral)[1] for r in rows], dtype=np.float64
        ),
        distance_km=engine.haversine_km(lat, lon, port_lat, port_lon),
        failed_gates=failed,
    )
    texts = [" ".join(part for part in r[11:17] if part) for r in rows]
    return Loaded(candidates, texts)


def _certificates_held(
    msmes: Sequence[int] | QuerySet[Any], as_of: dt.date, kinds: Sequence[str]
) -> dict[int, list[tuple[str, set[int] | None]]]:
    """Per MSME: (kind, products covered or None for all) of certificates valid on the day.

    As in readiness.facts: a certificate that names no product covers all the MSME's
    products; an expired or rejected one counts as absent. One query: the certificates
    of `kinds` joined to their product links (a certificate without links comes once,
    with None).
    """
    covered: dict[int, tuple[int, str, set[int] | None]] = {}
    for pk, msme_id, kind, product_id in (
        Certificate.objects.valid_on(as_of)
        .filter(msme_id__in=msmes, kind__in=kinds)
        .values_list("pk", "msme_id", "kind", "products")
        .order_by()
    ):
        _, _, links = covered.setdefault(
            pk, (msme_id, kind, None if product_id is None else set())
        )
        if links is not None and product_id is not None:
            links.add(product_id)
    held: dict[int, list[tuple[str, set[int] | None]]] = defaultdict(list)
    for msme_id, kind, links in covered.values():
        held[msme_id].append((kind, links))
    return held


def _failed_gates(gates: Sequence[Mapping[str, Any]] | None) -> tuple[str, ...]:
    """The keys of an assessment's failed gates, except the buyer's importer permit."""
    return tuple(
        str(gate.get("key"))
        for gate in gates or ()
        if not gate.get("passed") and gate.get("key") != IMPORTER_GATE
    )


def introduction_model() -> Any:
    """The deals app's Introduction model, or None while it does not exist yet."""
    try:
        return apps.get_model("trade", "Introduction")
    except LookupError:
        return None


def _history(
    msmes: Sequence[int] | QuerySet[Any], as_of: dt.date
) -> dict[int, tuple[float, float]]:
    """Per MSME: (share of introductions answered within 7 days, share of closed won)."""
    model = introduction_model()
    if model is None:
        return {}
    due = timezone.make_aware(
        dt.datetime.combine(as_of - dt.timedelta(days=RESPONSE_DAYS), dt.time.min)
    )
    answered = Q(
        msme_responded_at__isnull=False,
        msme_responded_at__lte=F("created_at") + dt.timedelta(days=RESPONSE_DAYS),
    )
    rows = (
        model.objects.filter(msme_id__in=msmes)
        .values("msme_id")
        .annotate(
            answered=Count("pk", filter=answered),
            due=Count(
                "pk", filter=Q(msme_responded_at__isnull=False) | Q(created_at__lte=due)
            ),
            won=Count("pk", filter=Q(stage__in=WON_STAGES)),
            lost=Count("pk", filter=Q(stage=LOST_STAGE)),
        )
        .order_by()
    )
    history: dict[int, tuple[float, float]] = {}
    for row in rows:
        responsiveness = row["answered"] / row["due"] if row["due"] else engine.NEUTRAL
        closed = row["won"] + row["lost"]
        outcome = row["won"] / closed if closed else engine.NEUTRAL
        history[row["msme_id"]] = (responsiveness, outcome)
    return history


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


def hs_candidates(request: SourcingRequest) -> QuerySet[Product]:
    """Catalogue products whose HS code the request accepts (the database filters)."""
    code = str(request.hs_code_id)
    products = Product.objects.in_catalogue()
    if request.accept_same_heading:
        return products.filter(hs_code__code__startswith=code[:4])
    return products.filter(hs_code_id=code)


# --- public read API -----------------------------------------------------------------------


def evaluate_product(
    request: SourcingRequest, product: Product, *, as_of: dt.date
) -> Match:
    """How one product fits one request: score, eligibility, reasons and blockers."""
    loaded = load_candidates(
        Product.objects.filter(pk=product.pk),
        as_of=as_of,
        kinds=required_kinds(request),
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
    loaded = load_candidates(
        Product.objects.filter(msme=msme, is_active=True), as_of=as_of
    )
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
        Product.objects.filter(msme=msme, is_active=True),
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
    loaded = load_candidates(
        Product.objects.filter(msme_id__in=msmes, is_active=True), as_of=as_of
    )
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


def _kind_label(kind: str) -> str:
    return str(dict(CertificateKind.choices).get(kind, kind))


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
