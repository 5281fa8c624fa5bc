"""Keeping `ProductFacts` true: what matching reads of each product, in one row.

A product's facts come from the product, its MSME, the MSME's non-rejected certificates
(with the products they name) and introductions, and the product's latest Malaysian
assessment. `refresh()` recomputes them for given products or MSMEs, locking the product
rows so two writers cannot interleave, and upserts the rows in the same transaction as
the change.

Who calls it:
- model signals, for every single-row write (product, MSME, certificate and its product
  links, assessment, introduction; forms, actions, the admin, factories);
- `serumpun.exporters.signals.products_changed`, which the bulk writers send
  (`bulk_create`/`update()` send no model signals: readiness' batch assessment, the MSME
  import), and the trade code that writes introductions with `update()`/`bulk_create`
  calls `refresh(msme_ids=…)` itself;
- the migration that created the table and `manage.py rebuild_matching_facts`
  (`refresh_all`), which take a model registry so they also work on historical models.

Nothing here depends on the day: the loader compares certificates' last valid days with
the request date, and regency positions are joined when reading.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from serumpun.trade.rules.matching import NEUTRAL

MARKET = "MY"
IMPORTER_GATE = "importer_permit"  # the buyer's side: matched against BuyerPermit
VERIFIED = "verified"
REJECTED = "rejected"
TEXT_FIELDS = (
    "name_id",
    "name_en",
    "name_ms",
    "description_id",
    "description_en",
    "description_ms",
)
FACT_FIELDS = (
    "msme",
    "hs_code",
    "hs_heading",
    "is_active",
    "msme_verified",
    "monthly_capacity_kg",
    "fob_usd_per_kg",
    "lat",
    "lon",
    "regency",
    "readiness",
    "failed_gates",
    "certificates",
    "introductions",
    "text",
)
BATCH = 2000
RESPONSE_DAYS = 7  # an introduction answered within a week counts as answered in time
WON_STAGES = ("ordered", "shipped", "paid")
LOST_STAGE = "lost"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # UTC, fixed width: compares as text


def failed_gates(gates: Sequence[Mapping[str, Any]] | None) -> str:
    """The keys of an assessment's failed gates but the buyer's importer permit, spaced."""
    return " ".join(
        "_".join(str(gate.get("key")).split())
        for gate in gates or ()
        if not gate.get("passed") and gate.get("key") != IMPORTER_GATE
    )


def certificate_days(text: str) -> dict[str, str]:
    """A facts row's `certificates` text as {kind: last valid day (ISO)}."""
    return dict(item.split("=", 1) for item in text.split())


def utc_text(moment: dt.datetime) -> str:
    """A time as the fixed-width UTC text the `introductions` column holds."""
    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def introduction_history(
    text: str, due_before: dt.datetime
) -> tuple[float, float] | None:
    """(share answered within 7 days of those due, share won of those closed) from a facts
    row's `introductions`; None when the MSME has no introductions. An introduction is
    due once answered or once created on or before `due_before`; a share with nothing to
    count is None's neutral value, 0.5."""
    if not text:
        return None
    answered, responded, won, lost, *waiting = text.split()
    due = int(responded) + bisect.bisect_right(waiting, utc_text(due_before))
    closed = int(won) + int(lost)
    return (
        int(answered) / due if due else NEUTRAL,
        int(won) / closed if closed else NEUTRAL,
    )


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def refresh(
    product_ids: Iterable[int] = (),
    *,
    msme_ids: Iterable[int] = (),
    registry: Apps = global_apps,
    using: str = DEFAULT_DB_ALIAS,
    existing_only: bool = False,
) -> int:
    """Recompute the facts of these products and of every product of these MSMEs.

    Returns how many products were written. Products that no longer exist are skipped
    (their facts go with them: the row cascades). `existing_only` rewrites rows that exist
    and adds none: after a deletion, which may be part of a cascade that already removed
    the facts of products about to go.
    """
    products = sorted({int(pk) for pk in product_ids})
    msmes = sorted({int(pk) for pk in msme_ids})
    written = 0
    with transaction.atomic(using=using):
        for part in _chunks(products):
            written += _refresh(Q(pk__in=part), registry, using, existing_only)
        for part in _chunks(msmes):
            written += _refresh(Q(msme_id__in=part), registry, using, existing_only)
    return written


def refresh_all(*, registry: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute every product's facts (the table's creation, and the repair command)."""
    product = registry.get_model("exporters", "Product")
    ids = list(product.objects.using(using).order_by("pk").values_list("pk", flat=True))
    return refresh(ids, registry=registry, using=using)


def drift(*, registry: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """Products whose stored facts differ from their sources (or are missing): should be
    none; `manage.py rebuild_matching_facts --check` reports them."""
    product = registry.get_model("exporters", "Product")
    model = registry.get_model("trade", "ProductFacts")
    ids = list(product.objects.using(using).order_by("pk").values_list("pk", flat=True))
    fields = (
        "product_id",
        *(
            f"{name}_id" if name in ("msme", "regency") else name
            for name in FACT_FIELDS
        ),
    )
    found = []
    for part in _chunks(ids):
        stored = {
            row[0]: row
            for row in model.objects.using(using)
            .filter(product_id__in=part)
            .values_list(*fields)
        }
        for fresh in _compute(
            product.objects.using(using).filter(pk__in=part), registry, using
        ):
            if stored.get(fresh.product_id) != tuple(getattr(fresh, f) for f in fields):
                found.append(fresh.product_id)
    return found


def _refresh(which: Q, registry: Apps, using: str, existing_only: bool) -> int:
    product = registry.get_model("exporters", "Product")
    model = registry.get_model("trade", "ProductFacts")
    products = product.objects.using(using).filter(which)
    if existing_only:
        products = products.filter(
            pk__in=model.objects.using(using).values("product_id")
        )
    # Lock the product rows first: a writer refreshing the same products waits, then
    # reads what this transaction committed.
    facts = _compute(products.select_for_update(of=("self",)), registry, using)
    model.objects.using(using).bulk_create(
        facts,
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=list(FACT_FIELDS),
    )
    return len(facts)


def _compute(products: Any, registry: Apps, using: str) -> list[Any]:
    """The facts of these products, computed from their sources (not saved)."""
    model = registry.get_model("trade", "ProductFacts")
    rows = list(
        products.order_by("pk").values_list(
            "pk",
            "msme_id",
            "hs_code_id",
            "monthly_capacity_kg",
            "fob_price_usd_per_kg",
            "is_active",
            "msme__verification",
            "msme__lat",
            "msme__lon",
            "msme__regency_id",
            *TEXT_FIELDS,
        )
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    latest = _latest_assessments(ids, registry, using)
    msme_ids = sorted({row[1] for row in rows})
    covering = _certificates(msme_ids, registry, using)
    history = _introductions(msme_ids, registry, using)
    facts = []
    for (
        pk,
        msme_id,
        hs,
        capacity,
        fob,
        active,
        verification,
        lat,
        lon,
        regency,
        *text,
    ) in rows:
        score, gates = latest.get(pk, (None, None))
        facts.append(
            model(
                product_id=pk,
                msme_id=msme_id,
                hs_code=hs,
                hs_heading=hs[:4],
                is_active=active,
                msme_verified=verification == VERIFIED,
                monthly_capacity_kg=float(capacity),
                fob_usd_per_kg=None if fob is None else float(fob),
                lat=lat,
                lon=lon,
                regency_id=regency,
                readiness=None if score is None else float(score),
                failed_gates=failed_gates(gates),
                certificates=_held_by(pk, covering.get(msme_id, ())),
                introductions=history.get(msme_id, ""),
                text=" ".join(part for part in text if part),
            )
        )
    return facts


def _latest_assessments(
    product_ids: Sequence[int], registry: Apps, using: str
) -> dict[int, tuple[Any, Any]]:
    """Per product: score and gates of its latest Malaysian assessment (the newest if two)."""
    assessment = registry.get_model("readiness", "Assessment")
    latest: dict[int, tuple[Any, Any]] = {}
    for product_id, score, gates in (
        assessment.objects.using(using)
        .filter(product_id__in=product_ids, market=MARKET, is_latest=True)
        .order_by("product_id", "pk")
        .values_list("product_id", "score", "gates")
    ):
        latest[product_id] = (score, gates)
    return latest


def _certificates(
    msme_ids: Sequence[int], registry: Apps, using: str
) -> dict[int, list[tuple[str, str, set[int] | None]]]:
    """Per MSME: (kind, last valid day, products named or None for all) of each
    non-rejected certificate (one query: certificates joined to their product links)."""
    certificate = registry.get_model("exporters", "Certificate")
    found: dict[int, tuple[int, str, str, set[int] | None]] = {}
    for pk, msme_id, kind, valid_until, product_id in (
        certificate.objects.using(using)
        .filter(msme_id__in=msme_ids)
        .exclude(verification=REJECTED)
        .order_by()
        .values_list("pk", "msme_id", "kind", "valid_until", "products")
    ):
        _, _, _, links = found.setdefault(
            pk,
            (
                msme_id,
                kind,
                valid_until.isoformat(),
                None if product_id is None else set(),
            ),
        )
        if links is not None and product_id is not None:
            links.add(product_id)
    by_msme: dict[int, list[tuple[str, str, set[int] | None]]] = {}
    for msme_id, kind, until, links in found.values():
        by_msme.setdefault(msme_id, []).append((kind, until, links))
    return by_msme


def _introductions(
    msme_ids: Sequence[int], registry: Apps, using: str
) -> dict[int, str]:
    """Per MSME with introductions: its `introductions` text (see ProductFacts)."""
    introduction = registry.get_model("trade", "Introduction")
    counts: dict[int, list[int]] = {}
    waiting: dict[int, list[str]] = {}
    for msme_id, created, responded, stage in (
        introduction.objects.using(using)
        .filter(msme_id__in=msme_ids)
        .order_by("created_at", "pk")
        .values_list("msme_id", "created_at", "msme_responded_at", "stage")
    ):
        found = counts.setdefault(msme_id, [0, 0, 0, 0])
        if responded is None:
            waiting.setdefault(msme_id, []).append(utc_text(created))
        else:
            found[1] += 1
            if responded <= created + dt.timedelta(days=RESPONSE_DAYS):
                found[0] += 1
        found[2] += stage in WON_STAGES
        found[3] += stage == LOST_STAGE
    return {
        msme_id: " ".join([*map(str, found), *waiting.get(msme_id, ())])
        for msme_id, found in counts.items()
    }


def _held_by(
    product_id: int, certificates: Iterable[tuple[str, str, set[int] | None]]
) -> str:
    """Per kind, the last valid day of the certificates covering this product (as text)."""
    held: dict[str, str] = {}
    for kind, until, links in certificates:
        if (links is None or product_id in links) and until > held.get(kind, ""):
            held[kind] = until
    return " ".join(f"{kind}={until}" for kind, until in sorted(held.items()))


# --- who calls refresh() ------------------------------------------------------------------


def _receiver(attribute: str, *, msme: bool, deleted: bool) -> Callable[..., None]:
    """A post_save (or post_delete) receiver refreshing the product (or all the products
    of the MSME) whose id is the record's `attribute`: itself or the one it belongs to."""

    def receive(sender: Any, instance: Any, raw: bool = False, **kw: Any) -> None:
        if raw:  # fixtures load rows in any order: rebuild_matching_facts after
            return
        ids = [getattr(instance, attribute)]
        refresh(
            () if msme else ids,
            msme_ids=ids if msme else (),
            using=kw.get("using") or DEFAULT_DB_ALIAS,
            existing_only=deleted,
        )

    return receive


def _certificate_links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, **kw: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    using = kw.get("using") or DEFAULT_DB_ALIAS
    if reverse:  # product.certificates.add(…): that product's facts
        refresh([instance.pk], using=using)
    else:
        refresh(msme_ids=[instance.msme_id], using=using)


def _bulk_changed(
    sender: Any,
    product_ids: Iterable[int] = (),
    msme_ids: Iterable[int] = (),
    using: str = DEFAULT_DB_ALIAS,
    **kw: Any,
) -> None:
    refresh(product_ids, msme_ids=msme_ids, using=using)


def connect() -> None:
    """Connect the receivers (once, from TradeConfig.ready)."""
    from serumpun.exporters.models import MSME, Certificate, Product
    from serumpun.exporters.signals import products_changed
    from serumpun.readiness.models import Assessment
    from serumpun.trade.models import Introduction

    uid = "trade.facts"
    # product and MSME rows are deleted only with their facts (the rows cascade)
    for model, attribute, msme, signals in (
        (Product, "pk", False, (post_save,)),
        (MSME, "pk", True, (post_save,)),
        (Certificate, "msme_id", True, (post_save, post_delete)),
        (Assessment, "product_id", False, (post_save, post_delete)),
        (Introduction, "msme_id", True, (post_save, post_delete)),
    ):
        for signal in signals:
            deleted = signal is post_delete
            signal.connect(
                _receiver(attribute, msme=msme, deleted=deleted),
                sender=model,
                weak=False,  # the receiver is a closure: keep it alive
                dispatch_uid=f"{uid}.{model._meta.model_name}.{'delete' if deleted else 'save'}",
            )
    m2m_changed.connect(
        _certificate_links_changed,
        sender=Certificate.products.through,
        dispatch_uid=f"{uid}.links",
    )
    products_changed.connect(_bulk_changed, dispatch_uid=f"{uid}.bulk")
