"""Reading what scoring needs from the registry, in a constant number of queries.

`load_facts` turns product ids into `ProductFacts` (product, MSME, certificates covering it,
destination permits) and `load_answers` into `AnswerFacts`. A certificate covers a product
when it names the product, or names no product at all (a business-wide certificate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from serumpun.exporters.models import Certificate, Product, Verification
from serumpun.readiness import book
from serumpun.readiness.models import Answer
from serumpun.readiness.rules.scoring import AnswerFacts, CertificateFacts, ProductFacts

#: fields of a product row, in the order load_facts reads them
PRODUCT_FIELDS = (
    "pk",
    "msme_id",
    "hs_code_id",
    "processed",
    "halal_claim",
    "monthly_capacity_kg",
    "label_languages",
    "msme__nib",
    "msme__languages",
)


def load_rows(
    product_ids: Sequence[int],
) -> tuple[
    list[tuple[Any, ...]], dict[int, list[tuple[Any, ...]]], dict[int, set[int]]
]:
    """The raw rows: products, certificates per MSME, and products each certificate names."""
    products = list(
        Product.objects.filter(pk__in=product_ids)
        .order_by("pk")
        .values_list(*PRODUCT_FIELDS)
    )
    msme_ids = {row[1] for row in products}
    certificates: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        Certificate.objects.filter(msme_id__in=msme_ids)
        .exclude(verification=Verification.REJECTED)
        .values_list("pk", "msme_id", "kind", "valid_until", "verification", "number")
    ):
        certificates[row[1]].append(row)
    covered: dict[int, set[int]] = defaultdict(set)
    links = Certificate.products.through.objects.filter(
        certificate__msme_id__in=msme_ids
    ).values_list("certificate_id", "product_id")
    for certificate_id, product_id in links:
        covered[certificate_id].add(product_id)
    return products, certificates, covered


def facts_from_rows(
    products: Iterable[tuple[Any, ...]],
    certificates: dict[int, list[tuple[Any, ...]]],
    covered: dict[int, set[int]],
    *,
    market: str,
    as_of: dt.date,
) -> list[ProductFacts]:
    """ProductFacts for each product row (permits looked up once per HS code)."""
    permits: dict[str, tuple[str, ...]] = {}
    facts = []
    for pk, msme_id, hs, processed, halal, capacity, labels, nib, languages in products:
        if hs not in permits:
            permits[hs] = book.permit_requirement_ids(
                hs_code=hs, market=market, as_of=as_of
            )
        facts.append(
            ProductFacts(
                hs_code=hs,
                processed=processed,
                halal_claim=halal,
                monthly_capacity_kg=float(capacity),
                label_languages=frozenset(labels or ()),
                nib=nib,
                msme_languages=frozenset(languages or ()),
                permit_requirement_ids=permits[hs],
                certificates=tuple(
                    CertificateFacts(
                        kind=kind,
                        valid_until=valid_until,
                        verified=verification == Verification.VERIFIED,
                        covers_product=not covered.get(cid) or pk in covered[cid],
                        number=number,
                    )
                    for cid, _, kind, valid_until, verification, number in certificates.get(
                        msme_id, ()
                    )
                ),
            )
        )
    return facts


def load_answers(
    product_ids: Sequence[int], market: str, *, as_of: dt.date
) -> dict[int, dict[str, AnswerFacts]]:
    """The current answers per product: value, evidence, officer confirmation.

    A linked certificate is evidence only while it counts on `as_of`: an expired or rejected
    certificate counts as absent, here as everywhere else.
    """
    answers: dict[int, dict[str, AnswerFacts]] = defaultdict(dict)
    for (
        product_id,
        question,
        value,
        evidence,
        certificate_valid_until,
        certificate_verification,
        confirmed_at,
    ) in Answer.objects.filter(product_id__in=product_ids, market=market).values_list(
        "product_id",
        "question",
        "value",
        "evidence",
        "certificate__valid_until",
        "certificate__verification",
        "confirmed_at",
    ):
        certificate_counts = (
            certificate_valid_until is not None
            and certificate_valid_until >= as_of
            and certificate_verification != Verification.REJECTED
        )
        answers[product_id][question] = AnswerFacts(
            value=value,
            evidenced=bool(evidence) or certificate_counts,
            confirmed=confirmed_at is not None,
        )
    return answers
