"""Demo MSMEs, products and certificates across Lampung's export commodities.

Commodities and where they come from follow research/trade.md §4: robusta coffee from Lampung
Barat, Tanggamus and Way Kanan; black pepper from Lampung Timur and Lampung Utara; keripik from
Bandar Lampung's Jl. Pagar Alam centre; tapioca from Lampung Tengah; crab and shrimp from
Lampung Timur and Tulang Bawang; tapis cloth from Pringsewu and Pesisir Barat; coconut sugar
from Lampung Selatan. Names, NIBs, phones and figures are invented and every record is marked
`is_demo`. Some certificates are valid, some expiring, some expired, so every status shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from serumpun.accounts.models import Organisation
from serumpun.core.demo import SeedContext, register_seeder
from serumpun.core.models import HSCode, Regency
from serumpun.exporters.config import size_thresholds
from serumpun.exporters.models import (
    MSME,
    Certificate,
    CertificateKind,
    Product,
    RecordSource,
    Verification,
)
from serumpun.exporters.rules.search_text import build as build_search_text
from serumpun.exporters.rules.size_class import classify
from serumpun.exporters.search import refresh_catalogue_tokens


@dataclass(frozen=True)
class DemoProduct:
    """A demo product: names in three languages, HS code and volumes."""

    name_id: str
    name_en: str
    name_ms: str
    hs: str
    capacity_kg: int
    fob_usd: str
    processed: bool = False
    halal: bool = False
    labels: tuple[str, ...] = ("id",)
    unit_kg: str = "1"
    per_carton: int = 20
    carton_cm: tuple[int, int, int] = (40, 30, 30)
    shelf_life_days: int | None = None
    description_id: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class DemoMSME:
    """A demo MSME: who, where, how big, what it sells and which certificates it holds."""

    name: str
    brand: str
    regency: str
    owner: str
    employees: int
    turnover_m: int  # million rupiah a year
    assets_m: int
    state: str
    products: tuple[DemoProduct, ...]
    certificates: tuple[
        tuple[str, int], ...
    ] = ()  # (kind, days valid from today; < 0 expired)
    organisation: str = ""  # the demo login's organisation, if this MSME has one


GREEN_ROBUSTA = DemoProduct(
    "Biji kopi robusta hijau grade 1",
    "Green robusta coffee beans, grade 1",
    "Biji kopi robusta hijau gred 1",
    "090111",
    8000,
    "4.10",
    per_carton=1,
    unit_kg="60",
    carton_cm=(90, 60, 20),
    description_id="Robusta petik merah dari lereng Bukit Barisan, kadar air ≤ 12,5%.",
    description_en="Red-cherry robusta from the Bukit Barisan slopes, moisture ≤ 12.5%.",
)
ROASTED_GROUND = DemoProduct(
    "Kopi bubuk robusta sangrai",
    "Roasted ground robusta coffee",
    "Kopi serbuk robusta panggang",
    "090121",
    900,
    "9.50",
    processed=True,
    halal=True,
    labels=("id", "en"),
    unit_kg="0.25",
    per_carton=40,
    shelf_life_days=365,
)
BLACK_PEPPER = DemoProduct(
    "Lada hitam Lampung butiran",
    "Lampung black pepper, whole",
    "Lada hitam Lampung biji",
    "090411",
    5000,
    "6.20",
    unit_kg="25",
    per_carton=1,
    carton_cm=(70, 45, 20),
    description_id="Lada hitam indikasi geografis Lampung, densitas ≥ 550 g/l.",
    description_en="Geographical-indication Lampung black pepper, density ≥ 550 g/l.",
)
GROUND_PEPPER = DemoProduct(
    "Lada hitam bubuk",
    "Ground black pepper",
    "Lada hitam serbuk",
    "090412",
    600,
    "8.40",
    processed=True,
    halal=True,
    labels=("id", "en"),
    unit_kg="0.1",
    per_carton=100,
    shelf_life_days=540,
)
BANANA_CHIPS = DemoProduct(
    "Keripik pisang coklat",
    "Chocolate banana chips",
    "Kerepek pisang coklat",
    "200899",
    2500,
    "3.80",
    processed=True,
    halal=True,
    labels=("id", "en"),
    unit_kg="0.25",
    per_carton=24,
    carton_cm=(50, 35, 30),
    shelf_life_days=180,
    description_id="Keripik pisang kepok dari sentra Jl. Pagar Alam, Bandar Lampung.",
    description_en="Kepok banana chips from the Jl. Pagar Alam snack centre.",
)
CASSAVA_CHIPS = DemoProduct(
    "Keripik singkong balado",
    "Spicy cassava chips",
    "Kerepek ubi kayu pedas",
    "200599",
    1800,
    "3.10",
    processed=True,
    halal=True,
    labels=("id",),
    unit_kg="0.2",
    per_carton=30,
    shelf_life_days=150,
)
TAPIOCA = DemoProduct(
    "Tepung tapioka",
    "Tapioca starch",
    "Kanji ubi kayu",
    "110814",
    60000,
    "0.55",
    processed=True,
    labels=("id", "en"),
    unit_kg="50",
    per_carton=1,
    carton_cm=(80, 50, 15),
    shelf_life_days=720,
)
TAPIOCA_PEARLS = DemoProduct(
    "Mutiara tapioka",
    "Tapioca pearls",
    "Mutiara sagu ubi kayu",
    "190300",
    3000,
    "1.40",
    processed=True,
    halal=True,
    labels=("id", "en"),
    unit_kg="1",
    per_carton=12,
    shelf_life_days=540,
)
FROZEN_SHRIMP = DemoProduct(
    "Udang vaname beku",
    "Frozen vannamei shrimp",
    "Udang putih sejuk beku",
    "030617",
    12000,
    "7.90",
    processed=True,
    labels=("en",),
    unit_kg="1.8",
    per_carton=6,
    carton_cm=(50, 30, 20),
    shelf_life_days=540,
)
CRAB_MEAT = DemoProduct(
    "Daging rajungan pasteurisasi",
    "Pasteurised blue swimming crab meat",
    "Isi ketam renjong dipasteur",
    "160510",
    2500,
    "24.00",
    processed=True,
    labels=("en",),
    unit_kg="0.454",
    per_carton=12,
    shelf_life_days=540,
)
FROZEN_CRAB = DemoProduct(
    "Rajungan utuh beku",
    "Frozen whole blue swimming crab",
    "Ketam renjong beku",
    "030614",
    4000,
    "6.50",
    processed=True,
    labels=("en",),
    unit_kg="1",
    per_carton=10,
    shelf_life_days=365,
)
COCONUT_SUGAR = DemoProduct(
    "Gula kelapa organik",
    "Organic coconut sugar",
    "Gula kelapa organik",
    "170290",
    1500,
    "3.20",
    processed=True,
    halal=True,
    labels=("id", "en"),
    unit_kg="0.5",
    per_carton=24,
    shelf_life_days=720,
)
TAPIS = DemoProduct(
    "Kain tapis sulam benang emas",
    "Tapis cloth with gold-thread embroidery",
    "Kain tapis sulaman benang emas",
    "581091",
    40,
    "95.00",
    labels=("id", "en"),
    unit_kg="0.6",
    per_carton=10,
    description_id="Tapis tenun tangan dari Kampung Tapis, motif pucuk rebung.",
    description_en="Hand-woven tapis from a designated tapis village, bamboo-shoot motif.",
)
HONEY = DemoProduct(
    "Madu hutan",
    "Wild forest honey",
    "Madu hutan liar",
    "040900",
    300,
    "11.00",
    processed=True,
    halal=True,
    labels=("id",),
    unit_kg="0.5",
    per_carton=24,
    shelf_life_days=720,
)

H, BPOM, PIRT, HACCP, SKP, GI, ORGANIC = (
    CertificateKind.HALAL,
    CertificateKind.BPOM_MD,
    CertificateKind.PIRT,
    CertificateKind.HACCP,
    CertificateKind.SKP,
    CertificateKind.GI,
    CertificateKind.ORGANIC,
)
V, S, R, D = (
    Verification.VERIFIED,
    Verification.SUBMITTED,
    Verification.REJECTED,
    Verification.DRAFT,
)

# fmt: off
DEMO_MSMES: tuple[DemoMSME, ...] = (
    DemoMSME("CV Kopi Robusta Liwa Sejahtera", "Liwa Sejahtera", "1801", "Suryadi Pratama", 14, 1_900, 700, V,
             (GREEN_ROBUSTA, ROASTED_GROUND), ((H, 400), (PIRT, 900)), organisation="Kopi Robusta Liwa Sejahtera"),
    DemoMSME("UD Keripik Pisang Rajabasa Jaya", "Rajabasa Jaya", "1871", "Ani Lestari", 9, 1_200, 420, V,
             (BANANA_CHIPS, CASSAVA_CHIPS), ((H, 35), (PIRT, 600)), organisation="Keripik Pisang Rajabasa Jaya"),
    DemoMSME("KUB Kopi Sumber Jaya", "Kopi Sumber Jaya", "1801", "Wayan Sudarta", 22, 3_400, 1_600, V,
             (GREEN_ROBUSTA,), ((GI, 1200),)),
    DemoMSME("CV Gisting Kopi Makmur", "Gisting Kopi", "1802", "Rahmat Saputra", 31, 9_800, 3_900, V,
             (GREEN_ROBUSTA, ROASTED_GROUND), ((H, 700), (BPOM, 1100))),
    DemoMSME("UD Kopi Bubuk Kota Agung", "Kota Agung Coffee", "1802", "Siti Aminah", 6, 600, 180, V,
             (ROASTED_GROUND,), ((H, -40), (PIRT, 300))),
    DemoMSME("KSU Kopi Way Kanan Lestari", "Way Kanan Lestari", "1807", "Joko Susilo", 40, 12_500, 5_200, S,
             (GREEN_ROBUSTA, ROASTED_GROUND), ((H, 500),)),
    DemoMSME("Koperasi Lada Hitam Sukadana", "Lada Sukadana", "1804", "Made Wirawan", 55, 14_000, 4_100, V,
             (BLACK_PEPPER, GROUND_PEPPER), ((GI, 1500), (H, 20), (PIRT, 450))),
    DemoMSME("UD Lada Bukit Kemuning", "Bukit Kemuning", "1806", "Hasan Basri", 12, 2_300, 900, V,
             (BLACK_PEPPER,), ((GI, 1500),)),
    DemoMSME("CV Lada Abung Sejahtera", "Abung Pepper", "1806", "Yuliana Putri", 18, 4_700, 1_300, D,
             (BLACK_PEPPER, GROUND_PEPPER), ((PIRT, -10),)),
    DemoMSME("UD Keripik Gang PU Barokah", "Barokah Snack", "1871", "Nurhayati", 7, 900, 250, V,
             (BANANA_CHIPS,), ((H, 250), (PIRT, 500))),
    DemoMSME("CV Aneka Keripik Pagar Alam", "Pagar Alam Snacks", "1871", "Budi Hartono", 16, 3_100, 1_100, S,
             (BANANA_CHIPS, CASSAVA_CHIPS), ((H, -5), (BPOM, 800))),
    DemoMSME("PT Tapioka Terbanggi Mandiri", "Terbanggi Tapioca", "1805", "Agus Salim", 85, 42_000, 9_500, V,
             (TAPIOCA, TAPIOCA_PEARLS), ((BPOM, 900), (H, 600))),
    DemoMSME("UD Mutiara Tapioka Seputih", "Seputih Pearl", "1805", "Ketut Arsana", 20, 5_500, 2_200, R,
             (TAPIOCA_PEARLS,), ((PIRT, 200),)),
    DemoMSME("CV Rajungan Labuhan Maringgai", "Maringgai Crab", "1804", "Samsul Bahri", 48, 18_000, 6_800, V,
             (CRAB_MEAT, FROZEN_CRAB), ((SKP, 380), (HACCP, 30))),
    DemoMSME("UD Udang Vaname Dipasena", "Dipasena Shrimp", "1808", "Ratna Dewi", 26, 11_000, 4_500, V,
             (FROZEN_SHRIMP,), ((SKP, 600), (HACCP, 420))),
    DemoMSME("KUB Rajungan Tulang Bawang", "Tuba Crab", "1808", "Imam Santoso", 15, 2_800, 1_200, S,
             (FROZEN_CRAB,), ((SKP, -60),)),
    DemoMSME("Sanggar Tapis Lugusari", "Tapis Lugusari", "1810", "Rosmiati", 12, 700, 150, V,
             (TAPIS,), ()),
    DemoMSME("Kelompok Tapis Way Sindi", "Way Sindi Tapis", "1813", "Zubaidah", 8, 350, 90, D,
             (TAPIS,), ()),
    DemoMSME("CV Gula Kelapa Kalianda", "Kalianda Sugar", "1803", "Sutrisno", 19, 2_600, 800, V,
             (COCONUT_SUGAR,), ((ORGANIC, 300), (H, 900), (PIRT, 700))),
    DemoMSME("UD Madu Hutan Pesawaran", "Madu Pesawaran", "1809", "Darmawan", 5, 400, 120, S,
             (HONEY,), ((PIRT, 500),)),
)
# fmt: on


def _nib(index: int) -> str:
    # 13 digits; the leading "9120" makes demo NIBs easy to tell apart from real OSS numbers.
    return f"9120{index:09d}"


def _phone(ctx: SeedContext, index: int) -> str:
    rng = ctx.rng_for("exporters.phone", index)
    return f"+62812{rng.randrange(10_000_000, 99_999_999)}"


def seed_msmes(ctx: SeedContext) -> None:
    """The demo MSMEs with their products and certificates (idempotent by NIB)."""
    regencies = set(Regency.objects.values_list("code", flat=True))
    hs = dict(HSCode.objects.filter(level=6).values_list("code", "description"))
    if not regencies or not hs:
        return  # reference data not loaded: nothing to hang MSMEs on
    existing = set(MSME.objects.filter(is_demo=True).values_list("nib", flat=True))
    organisations = {
        o.name: o
        for o in Organisation.objects.filter(
            name__in=[m.organisation for m in DEMO_MSMES if m.organisation]
        )
    }
    today = timezone.localdate()
    thresholds = size_thresholds()
    now = timezone.now()
    seeded: list[int] = []
    with transaction.atomic():
        for index, spec in enumerate(DEMO_MSMES, start=1):
            nib = _nib(index)
            if nib in existing:
                continue
            turnover = Decimal(spec.turnover_m) * 1_000_000
            assets = Decimal(spec.assets_m) * 1_000_000
            msme = MSME.objects.create(
                organisation=organisations.get(spec.organisation),
                name=spec.name,
                brand_name=spec.brand,
                nib=nib,
                regency_id=spec.regency,
                address=f"Jl. Demo No. {index}",
                owner_name=spec.owner,
                phone=_phone(ctx, index),
                established_year=2005 + index % 15,
                employees=spec.employees,
                annual_turnover_idr=turnover,
                assets_idr=assets,
                size_class=classify(assets, turnover, thresholds),
                languages=["id", "en"] if index % 3 == 0 else ["id"],
                verification=spec.state,
                verification_reason=(
                    "Demo: nomor NIB tidak cocok dengan OSS; unggah ulang dokumen."
                    if spec.state == Verification.REJECTED
                    else ""
                ),
                submitted_at=now if spec.state != Verification.DRAFT else None,
                verified_at=now if spec.state == Verification.VERIFIED else None,
                source=RecordSource.DEMO,
                is_demo=True,
            )
            seeded.append(msme.pk)
            products = [_product(msme, p, hs) for p in spec.products]
            for kind, days in spec.certificates:
                certificate = Certificate.objects.create(
                    msme=msme,
                    kind=kind,
                    number=f"DEMO-{kind.upper()}-{index:03d}",
                    issuer=CERTIFICATE_ISSUERS[kind],
                    issued_on=today - dt.timedelta(days=700),
                    valid_until=today + dt.timedelta(days=days),
                    verification=Verification.VERIFIED
                    if spec.state == Verification.VERIFIED
                    else Verification.SUBMITTED,
                    verified_at=now if spec.state == Verification.VERIFIED else None,
                    is_demo=True,
                )
                certificate.products.set(products)
        # The catalogue filters read tokens derived from all of the above.
        refresh_catalogue_tokens(msme_ids=seeded, as_of=today)


def _product(msme: MSME, spec: DemoProduct, hs: dict[str, str]) -> Product:
    length, width, height = spec.carton_cm
    unit = Decimal(spec.unit_kg)
    product = Product(
        msme=msme,
        name_id=spec.name_id,
        name_en=spec.name_en,
        name_ms=spec.name_ms,
        description_id=spec.description_id,
        description_en=spec.description_en,
        hs_code_id=spec.hs,
        monthly_capacity_kg=Decimal(spec.capacity_kg),
        unit_net_weight_kg=unit,
        carton_length_cm=Decimal(length),
        carton_width_cm=Decimal(width),
        carton_height_cm=Decimal(height),
        carton_gross_weight_kg=(unit * spec.per_carton * Decimal("1.08")).quantize(
            Decimal("0.01")
        ),
        units_per_carton=spec.per_carton,
        shelf_life_days=spec.shelf_life_days,
        fob_price_usd_per_kg=Decimal(spec.fob_usd),
        moq_kg=Decimal(max(unit * spec.per_carton * 10, Decimal(50))),
        lead_time_days=21,
        halal_claim=spec.halal,
        processed=spec.processed,
        label_languages=list(spec.labels),
        is_demo=True,
    )
    product.search_text = build_search_text(
        names=(spec.name_id, spec.name_en, spec.name_ms),
        descriptions=(spec.description_id, spec.description_en),
        hs_code=spec.hs,
        hs_description=hs.get(spec.hs, ""),
    )
    product.save()
    return product


CERTIFICATE_ISSUERS: dict[str, str] = {
    CertificateKind.HALAL: "BPJPH Kementerian Agama",
    CertificateKind.BPOM_MD: "Badan POM RI",
    CertificateKind.PIRT: "Dinas Kesehatan Kabupaten",
    CertificateKind.HACCP: "Lembaga sertifikasi HACCP (demo)",
    CertificateKind.SKP: "Dinas Kelautan dan Perikanan Provinsi Lampung",
    CertificateKind.GI: "DJKI Kementerian Hukum",
    CertificateKind.ORGANIC: "LSO Organik (demo)",
    CertificateKind.SNI: "LSPro (demo)",
    CertificateKind.ISO22000: "Lembaga sertifikasi ISO (demo)",
    CertificateKind.OTHER: "—",
}


register_seeder("exporters.msmes", seed_msmes)
