"""Demo leads at every stage (seeder "trade.deals", after the buyers and matching seeders).

Nine leads between the demo buyers (buyer@ Rempah Mutiara, buyer2@ Harmoni Johor Foods) and
demo suppliers whose products really fit the request — each pair is checked with the
matching engine and skipped when it is not eligible:

    stage        buyer     request                                   supplier
    paid         buyer2@   Keripik pisang original (trial order)     msme2@ Rajabasa
    lost         buyer2@   Keripik pisang original (trial order)     Gang PU Barokah (quality)
    paid         buyer@    Kopi bubuk robusta (fulfilled)            msme@ Liwa
    shipped      buyer2@   Gula kelapa organik                       Gula Kelapa Kalianda
    lost         buyer@    Kopi bubuk robusta untuk kafe             msme@ Liwa (price)
    ordered      buyer@    Kopi bubuk robusta untuk kafe             Gisting Kopi Makmur
    negotiating  buyer2@   Keripik pisang halal 2 t/bulan            msme2@ Rajabasa
    sample_sent  buyer2@   Keripik pisang halal 2 t/bulan            Gang PU Barokah (idle 17 days)
    introduced   buyer2@   Tepung tapioka                            Tapioka Terbanggi Mandiri

Orders fall in four different months, so the pipeline board's chart has several bars. Some
leads carry messages (buyers write in Malay, suppliers in Indonesian); msme2@ has filed one
open report about someone posing as Harmoni's buyer. At the province scale and above, bulk
buyers' requests get a lead with their best eligible supplier at a drawn stage (bulk inserts).

Leads are written directly (not through the actions, which stamp "now") with one StageChange
per stage passed, all dated in the past. Idempotent: requests are found by (buyer, title),
leads by (request, product), the report by its introduction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from serumpun.accounts.models import Organisation, User
from serumpun.core.demo import SeedContext, register_seeder
from serumpun.exporters.models import Product
from serumpun.trade import facts, matching
from serumpun.trade.actions_deals import DealValue, to_usd
from serumpun.trade.models import (
    BuyerReport,
    Introduction,
    LeadMessage,
    LostReason,
    ReportReason,
    RequestStatus,
    SourcingRequest,
    StageChange,
)
from serumpun.trade.rules import deals as rules

BUYER, BUYER2 = "buyer@demo.serumpun.id", "buyer2@demo.serumpun.id"
MSME, MSME2 = "msme@demo.serumpun.id", "msme2@demo.serumpun.id"
#: at most this many bulk requests get a lead (matching runs once per request)
BULK_LEADS = 60
BULK_STAGES = ("introduced", "sample_sent", "negotiating", "ordered", "shipped", "paid")
BULK_STAGE_WEIGHTS = (30, 20, 15, 10, 5, 8)
BULK_LOST_SHARE = 0.2


@dataclass(frozen=True)
class DemoRequest:
    """A request this seeder adds so older deals have something to hang on."""

    buyer: str
    title: str
    hs: str
    kg: int
    days_ago: int
    certificates: tuple[str, ...] = ()
    price_usd: str | None = None
    status: str = RequestStatus.OPEN
    destination: str = "MYPKG"


@dataclass(frozen=True)
class DemoLead:
    """One lead: whose request, which supplier product, the stages passed and when."""

    buyer: str
    request: str
    #: the supplier: a demo login's e-mail, or the MSME's name
    supplier: str
    hs: str
    #: (stage, days ago), in order
    path: tuple[tuple[str, int], ...]
    lost_reason: str = ""
    lost_note: str = ""
    #: (amount, currency, kg) agreed at "ordered"
    deal: tuple[str, str, int] | None = None
    #: (side, days ago, text)
    messages: tuple[tuple[str, int, str], ...] = field(default=())


REQUESTS = (
    DemoRequest(
        BUYER2,
        "Keripik pisang original — pesanan percobaan",
        "200899",
        500,
        205,
        ("halal",),
        "3.40",
        RequestStatus.FULFILLED,
        "MYPGU",
    ),
    DemoRequest(BUYER2, "Gula kelapa organik 1 t/bulan", "170290", 1000, 110),
    DemoRequest(
        BUYER,
        "Kopi bubuk robusta untuk kafe (Selangor)",
        "090121",
        600,
        72,
        price_usd="8.50",
    ),
    DemoRequest(
        BUYER2, "Tepung tapioka 10 t/bulan", "110814", 10_000, 5, destination="MYPGU"
    ),
)

LEADS = (
    DemoLead(
        BUYER2,
        "Keripik pisang original — pesanan percobaan",
        MSME2,
        "200899",
        (
            ("introduced", 195),
            ("sample_sent", 188),
            ("negotiating", 180),
            ("ordered", 172),
            ("shipped", 160),
            ("paid", 150),
        ),
        deal=("7750", "MYR", 500),
        messages=(
            ("buyer", 195, "Boleh hantar sampel 1 kg? Kami mahu uji pasaran di Johor."),
            ("msme", 194, "Bisa, sampel kami kirim besok dengan faktur proforma."),
        ),
    ),
    DemoLead(
        BUYER2,
        "Keripik pisang original — pesanan percobaan",
        "UD Keripik Gang PU Barokah",
        "200899",
        (("introduced", 196), ("sample_sent", 190), ("lost", 182)),
        lost_reason=LostReason.QUALITY,
        lost_note="Sampel terlalu berminyak; dua bungkus bocor dalam perjalanan.",
    ),
    DemoLead(
        BUYER,
        "Kopi bubuk robusta (selesai)",
        MSME,
        "090121",
        (
            ("introduced", 160),
            ("sample_sent", 152),
            ("negotiating", 140),
            ("ordered", 130),
            ("shipped", 118),
            ("paid", 104),
        ),
        deal=("10800", "MYR", 300),
        messages=(
            ("msme", 152, "Sampel 2 × 250 g sudah dikirim, nomor resi terlampir."),
            ("buyer", 141, "Sampel bagus. Boleh sebut harga FOB Panjang untuk 300 kg?"),
        ),
    ),
    DemoLead(
        BUYER2,
        "Gula kelapa organik 1 t/bulan",
        "CV Gula Kelapa Kalianda",
        "170290",
        (
            ("introduced", 105),
            ("sample_sent", 98),
            ("negotiating", 85),
            ("ordered", 75),
            ("shipped", 9),
        ),
        deal=("4200", "USD", 1000),
    ),
    DemoLead(
        BUYER,
        "Kopi bubuk robusta untuk kafe (Selangor)",
        MSME,
        "090121",
        (
            ("introduced", 67),
            ("sample_sent", 61),
            ("negotiating", 50),
            ("lost", 40),
        ),
        lost_reason=LostReason.PRICE,
        lost_note="Harga kami RM 40/kg; pembeli memilih penawaran RM 36/kg.",
    ),
    DemoLead(
        BUYER,
        "Kopi bubuk robusta untuk kafe (Selangor)",
        "CV Gisting Kopi Makmur",
        "090121",
        (
            ("introduced", 68),
            ("sample_sent", 60),
            ("negotiating", 45),
            ("ordered", 12),
        ),
        deal=("21600", "MYR", 600),
        messages=(
            ("buyer", 13, "Kami setuju RM 36/kg. Sila hantar invois proforma."),
            (
                "msme",
                12,
                "Faktur proforma terlampir; 30% di muka ke rekening BRI kami.",
            ),
        ),
    ),
    DemoLead(
        BUYER2,
        "Keripik pisang halal 2 t/bulan",
        MSME2,
        "200899",
        (("introduced", 26), ("sample_sent", 21), ("negotiating", 6)),
        messages=(
            ("buyer", 26, "Boleh hantar sampel 2 kg dalam pek 200 g ke Johor Bahru?"),
            ("msme", 25, "Bisa, sampel kami kirim minggu ini dengan faktur proforma."),
            (
                "buyer",
                7,
                "Sampel lulus ujian. Berapa harga CIF Pasir Gudang untuk 2 t/bulan?",
            ),
            (
                "msme",
                6,
                "USD 3,10/kg CIF; 30% di muka, sisanya sebelum dokumen dikirim.",
            ),
        ),
    ),
    DemoLead(
        BUYER2,
        "Keripik pisang halal 2 t/bulan",
        "UD Keripik Gang PU Barokah",
        "200899",
        (("introduced", 25), ("sample_sent", 17)),
    ),
    DemoLead(
        BUYER2,
        "Tepung tapioka 10 t/bulan",
        "PT Tapioka Terbanggi Mandiri",
        "110814",
        (("introduced", 2),),
    ),
)

REPORT_DETAILS = (
    "Seseorang yang mengaku manajer pembelian Harmoni Johor Foods menghubungi kami lewat "
    "WhatsApp dan meminta 'biaya pendaftaran pemasok' RM 500 ke rekening pribadi. "
    "Tidak lewat platform. Mohon dicek apakah ini benar dari pembeli tersebut."
)


def _at(ctx: SeedContext, today: dt.date, days_ago: int, *key: object) -> dt.datetime:
    """A working-hours moment `days_ago` days before today (minutes drawn per record)."""
    rng = ctx.rng_for("trade.deals", days_ago, *key)
    moment = dt.datetime.combine(
        today - dt.timedelta(days=days_ago),
        dt.time(rng.randint(8, 16), rng.randrange(0, 60, 5)),
    )
    return timezone.make_aware(moment)


def _login(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


def _product(supplier: str, hs: str) -> Product | None:
    products = Product.objects.in_catalogue().filter(hs_code_id=hs)
    if "@" in supplier:
        products = products.filter(
            msme__organisation__memberships__user__email=supplier
        )
    else:
        products = products.filter(msme__name=supplier)
    return products.select_related("msme").order_by("pk").first()


def _member(organisation_id: int | None) -> User | None:
    if organisation_id is None:
        return None
    return (
        User.objects.filter(memberships__organisation_id=organisation_id)
        .order_by("pk")
        .first()
    )


def _requests(ctx: SeedContext, today: dt.date) -> None:
    """The older requests the deals hang on (found by buyer and title)."""
    for spec in REQUESTS:
        user = _login(spec.buyer)
        if user is None or user.organisation is None:
            continue
        if SourcingRequest.objects.filter(
            buyer=user.organisation, title=spec.title
        ).exists():
            continue
        created = SourcingRequest.objects.create(
            buyer=user.organisation,
            title=spec.title,
            hs_code_id=spec.hs,
            quantity_kg_per_month=Decimal(spec.kg),
            required_certificates=list(spec.certificates),
            destination_locode=spec.destination,
            target_price_usd_per_kg=Decimal(spec.price_usd) if spec.price_usd else None,
            valid_until=today + dt.timedelta(days=60),
            status=spec.status,
            status_reason="Supplier found through the platform."
            if spec.status == RequestStatus.FULFILLED
            else "",
            created_by=user,
            is_demo=True,
        )
        SourcingRequest.objects.filter(pk=created.pk).update(
            created_at=_at(ctx, today, spec.days_ago, "request", spec.title)
        )


def _history(
    ctx: SeedContext,
    lead: Introduction,
    path: tuple[tuple[str, int], ...],
    today: dt.date,
    movers: dict[str, User | None],
) -> list[StageChange]:
    config_movers = {"sample_sent": "msme", "shipped": "msme"}
    changes, previous = [], ""
    for stage, days_ago in path:
        side = config_movers.get(stage, "buyer")
        changes.append(
            StageChange(
                introduction=lead,
                from_stage=previous,
                to_stage=stage,
                at=_at(ctx, today, days_ago, lead.request_id, lead.product_id, stage),
                by=movers[side],
            )
        )
        previous = stage
    return changes


def _write_lead(
    ctx: SeedContext, spec: DemoLead, request: SourcingRequest, product: Product
) -> Introduction | None:
    """One lead with its history and messages, if the product really fits the request."""
    today = timezone.localdate()
    verdict = matching.evaluate_product(request, product, as_of=today)
    if not verdict.eligible:
        ctx.out(f"  trade.deals: {product} does not fit {request.title}; skipped")
        return None
    buyer_user = _login(spec.buyer)
    movers = {"buyer": buyer_user, "msme": _member(product.msme.organisation_id)}
    stage = spec.path[-1][0]
    lead = Introduction(
        request=request,
        product=product,
        msme=product.msme,
        buyer_id=request.buyer_id,
        stage=stage,
        score=round(float(verdict.score), 3),
        created_by=buyer_user,
        is_demo=True,
    )
    changes = _history(ctx, lead, spec.path, today, movers)
    # a supplier without a platform organisation cannot have written on the lead
    writers = {"buyer": request.buyer_id, "msme": product.msme.organisation_id}
    thread = [
        LeadMessage(
            introduction=lead,
            sender=movers[side],
            sender_organisation_id=organisation_id,
            body=text,
            created_at=_at(ctx, today, days_ago, request.pk, product.pk, "msg", text),
            read_at=_at(ctx, today, max(days_ago - 1, 0), request.pk, "read", text),
            is_demo=True,
        )
        for side, days_ago, text in spec.messages
        if (organisation_id := writers[side]) is not None
    ]
    lead.stage_changed_at = changes[-1].at
    lead.last_activity_at = max([changes[-1].at, *(m.created_at for m in thread)])
    msme_org = product.msme.organisation_id
    msme_moments = [c.at for c in changes if c.to_stage in ("sample_sent", "shipped")]
    msme_moments += [
        m.created_at for m in thread if m.sender_organisation_id == msme_org
    ]
    lead.msme_responded_at = min(msme_moments, default=None)
    if stage == rules.LOST:
        lead.lost_reason, lead.lost_note = spec.lost_reason, spec.lost_note
        lead.lost_at_stage = changes[-2].to_stage
    if spec.deal is not None:
        value = DealValue(Decimal(spec.deal[0]), spec.deal[1])
        lead.deal_value_amount, lead.deal_value_currency = value.amount, value.currency
        lead.deal_value_usd = to_usd(value)
        lead.ordered_quantity_kg = Decimal(spec.deal[2])
    lead.save()
    StageChange.objects.bulk_create(changes)
    LeadMessage.objects.bulk_create(thread)
    return lead


def _backdate(leads: list[int]) -> None:
    """Leads were created when they were introduced (auto_now_add stamped 'now')."""
    introduced = StageChange.objects.filter(
        introduction=OuterRef("pk"), to_stage="introduced"
    ).values("at")[:1]
    Introduction.objects.filter(pk__in=leads).update(created_at=Subquery(introduced))
    facts.refresh(  # update() sends no signal: the suppliers' matching facts
        msme_ids=Introduction.objects.filter(pk__in=leads).values_list(
            "msme_id", flat=True
        )
    )


def _report(ctx: SeedContext, today: dt.date) -> None:
    """msme2@'s open report about someone posing as Harmoni's buyer."""
    reporter = _login(MSME2)
    lead = (
        Introduction.objects.filter(
            is_demo=True,
            request__title="Keripik pisang halal 2 t/bulan",
            msme__organisation__memberships__user__email=MSME2,
        )
        .select_related("msme")
        .first()
    )
    if reporter is None or lead is None or lead.reports.exists():
        return
    report = BuyerReport.objects.create(
        buyer_id=lead.buyer_id,
        msme=lead.msme,
        reporter=reporter,
        introduction=lead,
        reason=ReportReason.FAKE_IDENTITY,
        details=REPORT_DETAILS,
        is_demo=True,
    )
    BuyerReport.objects.filter(pk=report.pk).update(
        created_at=_at(ctx, today, 4, "report")
    )


def seed_deals(ctx: SeedContext) -> None:
    """Leads at every stage between the demo buyers and fitting suppliers; bulk leads at scale."""
    today = timezone.localdate()
    _requests(ctx, today)
    created: list[int] = []
    for spec in LEADS:
        user = _login(spec.buyer)
        product = _product(spec.supplier, spec.hs)
        if user is None or user.organisation is None or product is None:
            continue
        request = SourcingRequest.objects.filter(
            buyer=user.organisation, title=spec.request
        ).first()
        if (
            request is None
            or Introduction.objects.filter(request=request, product=product).exists()
        ):
            continue
        with transaction.atomic():
            lead = _write_lead(ctx, spec, request, product)
        if lead is not None:
            created.append(lead.pk)
            first = _at(ctx, today, spec.path[0][1] + 3, "request", request.pk)
            SourcingRequest.objects.filter(pk=request.pk, created_at__gt=first).update(
                created_at=first
            )
    if ctx.scale.buyers:
        created += _seed_bulk(ctx, today)
    _backdate(created)
    _report(ctx, today)
    ctx.out(
        f"trade.deals: {Introduction.objects.filter(is_demo=True).count()} leads, "
        f"{len(created)} new"
    )


# --- Bulk leads (province and national scales) ---------------------------------------------


def _bulk_path(rng: Any, start: int) -> tuple[tuple[str, int], ...]:
    """A drawn chain of stages starting `start` days ago, a few days to weeks apart."""
    target = rng.choices(BULK_STAGES, weights=BULK_STAGE_WEIGHTS)[0]
    stages = list(rules.CHAIN[: rules.CHAIN.index(target) + 1])
    if rng.random() < BULK_LOST_SHARE and target != "paid":
        stages.append(rules.LOST)
    path, day = [], start
    for stage in stages:
        path.append((stage, day))
        day = max(day - rng.randint(3, 25), 0)
    return tuple(path)


def _seed_bulk(ctx: SeedContext, today: dt.date) -> list[int]:
    """A lead between each of the first bulk requests and its best eligible supplier."""
    requests = (
        SourcingRequest.objects.filter(
            is_demo=True, status=RequestStatus.OPEN, introductions__isnull=True
        )
        .exclude(buyer__memberships__user__email__in=(BUYER, BUYER2))
        .filter(buyer__in=Organisation.objects.filter(kind="buyer", is_demo=True))
        .order_by("pk")[:BULK_LEADS]
    )
    leads: list[Introduction] = []
    paths: list[tuple[tuple[str, int], ...]] = []
    for request in requests:
        result = matching.match_request(request, as_of=today, limit=3)
        best = next((m for m in result.matches if m.eligible), None)
        if best is None:
            continue
        rng = ctx.rng_for("trade.deals.bulk", request.pk)
        path = _bulk_path(rng, rng.randint(10, 180))
        stage = path[-1][0]
        lead = Introduction(
            request=request,
            product_id=best.product_id,
            msme_id=best.msme_id,
            buyer_id=request.buyer_id,
            stage=stage,
            score=round(best.score, 3),
            stage_changed_at=_at(ctx, today, path[-1][1], request.pk, stage),
            last_activity_at=_at(ctx, today, path[-1][1], request.pk, stage),
            is_demo=True,
        )
        if stage == rules.LOST:
            lead.lost_reason = rng.choice(LostReason.values)
            lead.lost_at_stage = path[-2][0]
        if any(s == "ordered" for s, _ in path):
            kg = request.quantity_kg_per_month
            price = request.target_price_usd_per_kg or Decimal(rng.randint(2, 9))
            value = DealValue((kg * price).quantize(Decimal("0.01")), "USD")
            lead.deal_value_amount, lead.deal_value_currency = value.amount, "USD"
            lead.deal_value_usd, lead.ordered_quantity_kg = value.amount, kg
        leads.append(lead)
        paths.append(path)
    changes = []
    for lead, path in zip(leads, paths, strict=True):
        previous = ""
        for stage, days_ago in path:
            at = _at(ctx, today, days_ago, lead.request_id, stage)
            changes.append(
                StageChange(
                    introduction=lead, from_stage=previous, to_stage=stage, at=at
                )
            )
            previous = stage
    with transaction.atomic():
        Introduction.objects.bulk_create(leads, batch_size=ctx.batch_size)
        for change in changes:
            change.introduction_id = change.introduction.pk
        StageChange.objects.bulk_create(changes, batch_size=ctx.batch_size)
        facts.refresh(msme_ids={lead.msme_id for lead in leads})  # no signals in bulk
    return [lead.pk for lead in leads]


register_seeder("trade.deals", seed_deals)
