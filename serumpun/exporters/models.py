"""The MSME registry: profiles, export history, products, photos, certificates, imports.

UMKM (usaha mikro, kecil dan menengah) is the Indonesian term for MSMEs; NIB (Nomor Induk
Berusaha) is the 13-digit business identification number issued through OSS; NPWP is the tax
number. Size classes follow PP 7/2021 (thresholds in data/exporters/size-classes.yaml).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import has_permission
from serumpun.core.access import VisibleQuerySet

PRIVATE_UPLOADS = "private"  # under MEDIA_ROOT, which lies outside the web root


class Verification(models.TextChoices):
    """Where a profile or certificate stands in the officer's verification."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class SizeClass(models.TextChoices):
    """Business size per PP 7/2021 (by assets or annual turnover)."""

    MICRO = "micro", _("micro")
    SMALL = "small", _("small")
    MEDIUM = "medium", _("medium")
    LARGE = "large", _("large")


class CertificateKind(models.TextChoices):
    """The certificate kinds of API.md."""

    HALAL = "halal", _("halal (BPJPH)")
    BPOM_MD = "bpom_md", _("BPOM MD food registration")
    PIRT = "pirt", _("PIRT home-industry food licence")
    SNI = "sni", _("SNI national standard")
    HACCP = "haccp", _("HACCP")
    SKP = "skp", _("SKP fish handling and processing fitness")
    ISO22000 = "iso22000", _("ISO 22000")
    ORGANIC = "organic", _("organic")
    GI = "gi", _("geographical indication")
    OTHER = "other", _("other")


class RecordSource(models.TextChoices):
    """How a record entered the registry."""

    WEB = "web", _("web form")
    API = "api", _("API")
    IMPORT = "import", _("registry import")
    DEMO = "demo", _("demo data")


def _sees_all_msmes(user: Any) -> bool:
    return has_permission(user, "msme.view_all")


class RegistryStaffVisible(VisibleQuerySet):
    """Registry records officers and attachés (msme.view_all) see in full."""

    def role_grants(self, user: Any) -> Q | None:
        return Q(pk__isnull=False) if _sees_all_msmes(user) else None


class MSMEQuerySet(RegistryStaffVisible):
    """MSME profiles: the owner's organisation sees its own; officers and attachés see all."""

    owner_field = "organisation"

    def verified(self) -> MSMEQuerySet:
        """Profiles an officer has verified."""
        return self.filter(verification=Verification.VERIFIED)

    def for_regency(self, code: str) -> MSMEQuerySet:
        """Profiles in one regency or city."""
        return self.filter(regency_id=code)


class MSME(models.Model):
    """An MSME (UMKM) of the registry: the ground truth of the trade pillar."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="msme",
        help_text=_(
            "Empty until the owner has an account (imported or offline MSMEs)."
        ),
    )
    name = models.CharField(_("legal name"), max_length=200)
    brand_name = models.CharField(_("brand name"), max_length=200, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, unique=True)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    regency = models.ForeignKey(
        "core.Regency",
        on_delete=models.PROTECT,
        related_name="msmes",
        verbose_name=_("regency or city"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    owner_name = models.CharField(_("owner"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164"))
    email = models.EmailField(_("e-mail"), blank=True)
    established_year = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_turnover_idr = models.DecimalField(
        _("annual turnover (IDR)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    assets_idr = models.DecimalField(
        _("assets excluding land and buildings (IDR)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    size_class = models.CharField(
        _("size class"), max_length=6, choices=SizeClass.choices, blank=True
    )
    kbli_code = models.CharField(_("KBLI 2020 code"), max_length=5, blank=True)
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True
    )  # ISO 639-1 codes
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.DRAFT,
    )
    verification_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        max_length=6, choices=RecordSource.choices, default=RecordSource.WEB
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MSMEQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["regency", "verification"]),
            models.Index(fields=["verification", "name"]),
            models.Index(fields=["size_class"]),
        ]
        verbose_name = _("MSME")
        verbose_name_plural = _("MSMEs")

    def __str__(self) -> str:
        return self.brand_name or self.name


class ExportRecord(models.Model):
    """One line of an MSME's export history: where, when and how much."""

    msme = models.ForeignKey(MSME, on_delete=models.CASCADE, related_name="exports")
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value_usd = models.DecimalField(
        _("value (USD)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["-year", "country_id"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.msme_id} → {self.country_id} {self.year}"


class ProductQuerySet(RegistryStaffVisible):
    """Products: the owner's organisation sees its own; officers and attachés see all."""

    owner_field = "msme__organisation"

    def in_catalogue(self) -> ProductQuerySet:
        """Active products of verified MSMEs: what buyers may browse."""
        return self.filter(is_active=True, msme__verification=Verification.VERIFIED)


class Product(models.Model):
    """A product an MSME offers for export, with its HS code and packaging."""

    msme = models.ForeignKey(MSME, on_delete=models.CASCADE, related_name="products")
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ms = models.CharField(_("name (Malay)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ms = models.TextField(_("description (Malay)"), blank=True)
    hs_code = models.ForeignKey(
        "core.HSCode",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("HS code"),
    )
    monthly_capacity_kg = models.DecimalField(
        _("monthly capacity (kg)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    unit_net_weight_kg = models.DecimalField(
        _("net weight per unit (kg)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    carton_length_cm = models.DecimalField(
        _("carton length (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    carton_width_cm = models.DecimalField(
        _("carton width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    carton_height_cm = models.DecimalField(
        _("carton height (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    carton_gross_weight_kg = models.DecimalField(
        _("carton gross weight (kg)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    units_per_carton = models.PositiveIntegerField(
        _("units per carton"), null=True, blank=True
    )
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"), null=True, blank=True
    )
    ingredients = models.TextField(_("ingredients"), blank=True)
    allergens = models.CharField(_("allergens"), max_length=300, blank=True)
    fob_price_usd_per_kg = models.DecimalField(
        _("FOB price (USD/kg)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    moq_kg = models.DecimalField(
        _("minimum order (kg)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"), null=True, blank=True
    )
    halal_claim = models.BooleanField(_("labelled halal"), default=False)
    processed = models.BooleanField(_("processed food"), default=False)
    label_languages = models.JSONField(_("label languages"), default=list, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    # Lower-cased names, descriptions and HS code in all three languages: what the catalogue's
    # full-text index covers (SQLite FTS5 / PostgreSQL tsvector; see exporters/search.py).
    search_text = models.TextField(blank=True, editable=False)
    # The catalogue filters this product meets ("zzlisted zzcerthalal zzreg1801 …"), indexed
    # with search_text so one full-text lookup answers words and filters together. Derived:
    # serumpun.exporters.search.refresh_catalogue_tokens rewrites it (rules/catalogue_tokens).
    catalogue_tokens = models.TextField(blank=True, default="", editable=False)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name_id", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["hs_code", "is_active"]),
            models.Index(fields=["msme", "is_active"]),
            models.Index(fields=["monthly_capacity_kg"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(monthly_capacity_kg__gte=0),
                name="product_capacity_not_negative",
            ),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name_id

    def name_in(self, language: str) -> str:
        """The product's name in `language`, falling back to Indonesian."""
        return str(getattr(self, f"name_{language}", "") or self.name_id)

    def description_in(self, language: str) -> str:
        """The description in `language`, falling back to Indonesian."""
        return str(getattr(self, f"description_{language}", "") or self.description_id)


class ProductPhoto(models.Model):
    """A product photo: re-encoded without EXIF, with a thumbnail; stored outside the web root."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(upload_to=f"{PRIVATE_UPLOADS}/photos/%Y/%m")
    thumbnail = models.FileField(upload_to=f"{PRIVATE_UPLOADS}/thumbs/%Y/%m")
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "position", "created_at"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")

    def __str__(self) -> str:
        return f"{self.product_id}/{self.pk}"


class CertificateQuerySet(RegistryStaffVisible):
    """Certificates: the owner's organisation sees its own; officers and attachés see all."""

    owner_field = "msme__organisation"

    def valid_on(self, day: Any) -> CertificateQuerySet:
        """Not expired on `day` and not rejected (an expired certificate counts as absent)."""
        return self.filter(valid_until__gte=day).exclude(
            verification=Verification.REJECTED
        )


class Certificate(models.Model):
    """A certificate an MSME holds (halal, BPOM MD, PIRT…), with its expiry and scope."""

    msme = models.ForeignKey(
        MSME, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    document = models.FileField(
        upload_to=f"{PRIVATE_UPLOADS}/certificates/%Y/%m", blank=True
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="certificates", verbose_name=_("products")
    )
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.SUBMITTED,
    )
    verification_reason = models.TextField(_("reason"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The expiry reminder task sets this so each certificate is reminded about once.
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "valid_until"]),
            models.Index(fields=["msme", "kind"]),
            models.Index(fields=["valid_until", "expiry_notified_at"]),
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ImportBatchQuerySet(VisibleQuerySet):
    """Registry imports; visible to the office that ran them."""

    owner_field = "organisation"


class ImportBatch(models.Model):
    """One upload of a provincial MSME list: preview, then an all-or-nothing commit."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        PREVIEWED = "previewed", _("checked")
        COMMITTING = "committing", _("importing")
        COMMITTED = "committed", _("imported")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=f"{PRIVATE_UPLOADS}/imports/%Y/%m")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    mapping = models.JSONField(default=dict, blank=True)  # our field → their column
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, message}]
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    progress = models.ForeignKey(
        "core.TaskProgress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self) -> str:
        return self.original_name
